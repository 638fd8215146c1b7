import { LobbySchema, summaryView } from '@ttt/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ChangeFeed } from '../online/change-feed.js';
import type { Games } from '../online/games.js';
import { requirePlayer } from '../online/session-player.js';
import type { GameSummaryRecord, Page } from '../storage/types.js';

export interface LobbyRoutesOptions {
  games: Games;
  feed: ChangeFeed;
}

const page = (p: Page<GameSummaryRecord>) => ({ games: p.items.map(summaryView), cursor: p.cursor });

/** The signed-in player's lobby: record, invitations, games in progress and finished. */
const lobbyRoutes: FastifyPluginAsyncZod<LobbyRoutesOptions> = async (app, { games, feed }) => {
  app.get(
    '/api/lobby',
    { schema: { tags: ['lobby'], summary: 'Everything the lobby shows, first pages', response: { 200: LobbySchema } } },
    async (request) => {
      // The lobby is where a session whose player is gone shows (the session check found it: see
      // plugins/session.ts), and where such a session is signed out.
      const player = requirePlayer(request, true);
      const finishedPage = games.list(player.id, 'finished');
      // The record is the player's counters, or (none yet) counted from that page when it holds them all.
      const [record, received, sent, playing, finished] = await Promise.all([
        games.record(player.id, finishedPage),
        games.list(player.id, 'received'),
        games.list(player.id, 'sent'),
        games.list(player.id, 'playing'),
        finishedPage,
      ]);
      return {
        player,
        record,
        received: page(received),
        sent: page(sent),
        playing: page(playing),
        finished: page(finished),
      };
    },
  );

  app.get(
    '/api/lobby/events',
    { schema: { tags: ['lobby'], summary: 'Live lobby updates (Server-Sent Events): a game of yours changed' } },
    async (request, reply) => {
      const player = requirePlayer(request);
      const stream = app.openEventStream(request, reply);
      const unwatch = await feed.watchPlayer(player.id, (game) => {
        stream.send({ event: 'lobby', data: summaryView(game) });
      });
      stream.onClose(unwatch);
      // From here on no change is missed: the page reads the lobby when it sees this.
      stream.send({ event: 'ready', data: { player: player.id } });
    },
  );
};

export default lobbyRoutes;
