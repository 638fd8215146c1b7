import {
  LEADERBOARD_SIZE,
  LeaderboardSchema,
  PlayerParamsSchema,
  PlayerProfileSchema,
  shownRating,
  summaryView,
} from '@ttt/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DomainError } from '../domain-error.js';
import type { Games } from '../online/games.js';
import type { Store } from '../storage/types.js';

export interface PlayerRoutesOptions {
  games: Games;
  store: Store;
}

/** How many finished games a profile lists. */
export const PROFILE_GAMES = 10;

/** Profiles and the leaderboard: public, like the games themselves. */
const playerRoutes: FastifyPluginAsyncZod<PlayerRoutesOptions> = async (app, { games, store }) => {
  app.get(
    '/api/players',
    {
      schema: {
        tags: ['players'],
        summary: `The leaderboard: the ${LEADERBOARD_SIZE} best-rated players (players with no rated game are left out)`,
        response: { 200: LeaderboardSchema },
      },
    },
    async () => {
      const now = games.at();
      const ranked = await store.leaderboard(LEADERBOARD_SIZE);
      return {
        players: ranked.flatMap((entry, index) => {
          const rating = shownRating(entry.rating, now);
          return rating ? [{ rank: index + 1, player: { id: entry.playerId, name: entry.name }, rating }] : [];
        }),
      };
    },
  );

  app.get(
    '/api/players/:name',
    {
      schema: {
        tags: ['players'],
        summary: "A player's profile: record, rating and its history, latest finished games",
        params: PlayerParamsSchema,
        response: { 200: PlayerProfileSchema },
      },
    },
    async (request) => {
      const { name } = request.params;
      const id = name.toLowerCase();
      const [player, [stats]] = await Promise.all([store.getPlayer(id), store.getStats([id])]);
      if (!player) throw new DomainError('player/not-found', { name });
      const [record, recent] = await Promise.all([
        stats ? stats.record : games.record(id),
        games.list(id, 'finished', undefined, PROFILE_GAMES),
      ]);
      return {
        player: { id: player.id, name: player.name },
        createdAt: player.createdAt,
        record,
        rating: shownRating(stats?.rating ?? null, games.at()),
        history: stats?.history ?? [],
        recent: recent.items.map(summaryView),
      };
    },
  );
};

export default playerRoutes;
