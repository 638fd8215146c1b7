import {
  AcceptRequestSchema,
  ClaimRequestSchema,
  CreatedGameSchema,
  CreateGameRequestSchema,
  GameListQuerySchema,
  GamePageSchema,
  GameParamsSchema,
  type GameView,
  GameViewSchema,
  gameView,
  MoveOnlineRequestSchema,
  type Player,
  PresenceSchema,
  queryInteger,
  summaryView,
  toEvent,
} from '@ttt/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as z from 'zod/mini';
import { playersOf } from '../online/change-feed.js';
import type { Games } from '../online/games.js';
import type { Live } from '../online/live.js';
import { type GamePresence, Presence } from '../online/presence.js';
import { currentPlayer, requirePlayer } from '../online/session-player.js';
import type { GameRecord } from '../storage/types.js';

export interface GameRoutesOptions {
  games: Games;
  live: Live;
}

const EventsQuerySchema = z.object({ since: z.optional(queryInteger(0, Number.MAX_SAFE_INTEGER)) });

function lastEventId(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^\d{1,15}$/.test(value) ? Number(value) : -1;
}

/** Invitations, moves, resignations, rematches, and a live stream per game. */
const gameRoutes: FastifyPluginAsyncZod<GameRoutesOptions> = async (app, { games, live }) => {
  const { feed, presence } = live;
  const params = GameParamsSchema;
  const gameResponse = { 200: GameViewSchema };
  /** A game as `viewerId` sees it, with the server's time, which clients count clocks from. */
  const viewOf = (game: GameRecord, viewerId: string | null): GameView => ({
    ...gameView(game, viewerId),
    serverTime: games.at(),
  });

  app.post(
    '/api/games',
    {
      ...app.accountLimits.invitation,
      schema: {
        tags: ['games'],
        summary: 'Invite a player by name (who may not have signed up yet), or create an invitation link',
        body: CreateGameRequestSchema,
        response: { 201: CreatedGameSchema },
      },
    },
    async (request, reply) => {
      const player = requirePlayer(request);
      const { game, opponentHasJoined } = await games.create(player, request.body);
      request.log.info({ gameId: game.id, invite: game.invite }, 'invitation created');
      return reply.code(201).send({ ...viewOf(game, player.id), opponentHasJoined });
    },
  );

  app.get(
    '/api/games',
    {
      schema: {
        tags: ['games'],
        summary: "One page of the signed-in player's games in one list, newest first",
        querystring: GameListQuerySchema,
        response: { 200: GamePageSchema },
      },
    },
    async (request) => {
      const player = requirePlayer(request);
      const { list, cursor, limit } = request.query;
      const page = await games.list(player.id, list, cursor, limit);
      return { games: page.items.map(summaryView), cursor: page.cursor };
    },
  );

  app.get(
    '/api/games/:id',
    { schema: { tags: ['games'], summary: 'A game; anyone with its link may watch', params, response: gameResponse } },
    async (request) => viewOf(await games.get(request.params.id), currentPlayer(request)?.id ?? null),
  );

  app.get(
    '/api/games/:id/presence',
    {
      schema: {
        tags: ['games'],
        summary: "Who has the game's page open: each player connected or not, and how many watch",
        params,
        response: { 200: PresenceSchema },
      },
    },
    async (request) => {
      const game = await games.get(request.params.id);
      return Presence.view(await presence.current(game.id), playersOf(game), games.abandonAfterMs);
    },
  );

  /** A POST on one game by its signed-in player: the body schema types the handler's body. */
  const action = <Body extends z.ZodMiniType>(
    path: string,
    summary: string,
    body: Body | null,
    run: (player: Player, id: string, body: z.output<Body>) => Promise<GameRecord>,
  ) => {
    app.post(
      `/api/games/:id/${path}`,
      { schema: { tags: ['games'], summary, params, ...(body ? { body } : {}), response: gameResponse } },
      async (request) => {
        const player = requirePlayer(request);
        const game = await run(player, request.params.id, request.body as z.output<Body>);
        return viewOf(game, player.id);
      },
    );
  };

  action(
    'accept',
    'Accept an invitation (a link invitation needs its token)',
    AcceptRequestSchema,
    (player, id, body) => games.accept(player, id, body?.token),
  );
  action('decline', 'Decline an invitation sent to you', null, (player, id) => games.decline(player, id));
  action('cancel', 'Cancel an invitation you sent', null, (player, id) => games.cancel(player, id));
  action('resign', 'Resign; your opponent wins', null, (player, id) => games.resign(player, id));
  action(
    'claim',
    'In a live game whose player to move has left: claim the win, or call it a draw',
    ClaimRequestSchema,
    (player, id, body) => games.claim(player, id, body.outcome),
  );
  action(
    'moves',
    'Play a cell; give the version you saw to refuse a move on an older board',
    MoveOnlineRequestSchema,
    (player, id, move) => games.move(player, id, move.cell, move.version),
  );

  app.post(
    '/api/games/:id/rematch',
    {
      schema: {
        tags: ['games'],
        summary: 'Invite the same opponent again, marks swapped',
        params,
        response: { 201: GameViewSchema },
      },
    },
    async (request, reply) => {
      const player = requirePlayer(request);
      const rematch = await games.rematch(player, request.params.id);
      return reply.code(201).send(viewOf(rematch, player.id));
    },
  );

  app.get(
    '/api/games/:id/events',
    {
      schema: {
        tags: ['games'],
        summary: 'Live updates (Server-Sent Events); resumes after Last-Event-ID or ?since=',
        params,
        querystring: EventsQuerySchema,
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const viewerId = currentPlayer(request)?.id ?? null;
      /** The newest version this stream has sent (the client says which it has on reconnecting). */
      let shownVersion = Math.max(lastEventId(request.headers['last-event-id']), request.query.since ?? -1);
      /** That version itself, once this stream has sent or read it: moves are sent against it. */
      let shown: GameRecord | null = null;

      // Listen before reading, so nothing written in between is missed.
      const early: GameRecord[] = [];
      let stream: ReturnType<typeof app.openEventStream> | null = null;
      /** The game's players as of the newest version seen (a link invitation gains one). */
      let players: string[] = [];
      const push = (game: GameRecord) => {
        if (!stream) {
          early.push(game);
          return;
        }
        if (game.version < shownVersion) return;
        players = playersOf(game);
        if (game.version === shownVersion) {
          shown ??= game;
          return;
        }
        // The next version after one this stream holds: the event clients apply (a move is
        // small). Anything else (a gap, a first look): the whole game, as this viewer sees it.
        const event =
          shown && game.version === shown.version + 1
            ? toEvent(shown, game)
            : { type: 'game' as const, game: viewOf(game, viewerId) };
        if (event.type === 'move') {
          const { type: _type, ...move } = event;
          stream.send({ id: game.version, event: 'move', data: move });
        } else {
          stream.send({ id: game.version, event: 'game', data: event.game });
        }
        shown = game;
        shownVersion = game.version;
      };
      const unwatch = await feed.watchGame(id, push);
      let game: GameRecord;
      try {
        game = await games.get(id);
      } catch (error) {
        unwatch();
        throw error;
      }
      players = playersOf(game);
      stream = app.openEventStream(request, reply);
      stream.onClose(unwatch);
      for (const change of [game, ...early]) push(change);
      // A HEAD request got its headers and no stream: it is nobody on the page.
      if (stream.closed) return;

      // Presence: this stream counts as the viewer being here, and the page hears who else is.
      const open = stream;
      const sendPresence = (now: GamePresence) =>
        open.send({ event: 'presence', data: Presence.view(now, players, games.abandonAfterMs) });
      open.onClose(presence.join(id, viewerId));
      const unwatchPresence = await presence.watch(id, sendPresence);
      open.onClose(unwatchPresence);
      sendPresence(await presence.current(id));
    },
  );
};

export default gameRoutes;
