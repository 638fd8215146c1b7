import { PendingTallySchema, RatingPointSchema } from '@ttt/shared';
import * as z from 'zod/mini';
import type { RankedRecord, StatsRecord } from '../types.js';
import { type Item, jsonText, n, parseItem, s } from './codec.js';

/**
 * A player's record and rating (`STATS#<player id>`), kept as counters (docs/dynamodb.md). A
 * rated player's item carries `Leaderboard` and `Rating`, the keys of the sparse rating index,
 * so the leaderboard is one Query and players with no rated game are not in it.
 */
export const STATS_PREFIX = 'STATS#';
/** The one value of `Leaderboard`: every rated player in one index partition, ordered by rating. */
export const LEADERBOARD_KEY = 'rated';
/** What the rating index projects besides its keys: a leaderboard line. */
export const RANKED_ATTRIBUTES = ['PlayerName', 'Deviation', 'Volatility', 'RatedGames', 'LastRatedAt'];

const number = z.pipe(
  z.object({ N: z.string().check(z.regex(/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i, 'not a number')) }),
  z.pipe(
    z.transform((attribute: { N: string }) => Number(attribute.N)),
    z.number(),
  ),
);
const whole = z.pipe(number, z.int().check(z.gte(0)));
const text = z.pipe(
  z.object({ S: z.string() }),
  z.transform((attribute: { S: string }) => attribute.S),
);

const RatedItemSchema = z.object({
  GameId: z.object({ S: z.string().check(z.startsWith(STATS_PREFIX)) }),
  PlayerName: text,
  Rating: z.optional(number),
  Deviation: z.optional(number),
  Volatility: z.optional(number),
  RatedGames: z.optional(whole),
  LastRatedAt: z.optional(text),
});

const StatsItemSchema = z.extend(RatedItemSchema, {
  Version: whole,
  Wins: whole,
  Losses: whole,
  Draws: whole,
  History: jsonText(z.array(RatingPointSchema)),
  Pending: jsonText(z.array(PendingTallySchema)),
});

type Rated = z.output<typeof RatedItemSchema>;

function ratingOf(item: Rated): StatsRecord['rating'] {
  const { Rating, Deviation, Volatility, RatedGames, LastRatedAt } = item;
  if (Rating === undefined || Deviation === undefined || Volatility === undefined) return null;
  if (RatedGames === undefined || LastRatedAt === undefined) return null;
  return { rating: Rating, deviation: Deviation, volatility: Volatility, games: RatedGames, lastRatedAt: LastRatedAt };
}

export function statsItem(stats: StatsRecord): Item {
  const item: Item = {
    GameId: s(STATS_PREFIX + stats.playerId),
    Version: n(stats.version),
    PlayerName: s(stats.name),
    Wins: n(stats.record.wins),
    Losses: n(stats.record.losses),
    Draws: n(stats.record.draws),
    History: s(JSON.stringify(stats.history)),
    Pending: s(JSON.stringify(stats.pending)),
  };
  if (stats.rating) {
    Object.assign(item, {
      Leaderboard: s(LEADERBOARD_KEY),
      Rating: n(stats.rating.rating),
      Deviation: n(stats.rating.deviation),
      Volatility: n(stats.rating.volatility),
      RatedGames: n(stats.rating.games),
      LastRatedAt: s(stats.rating.lastRatedAt),
    });
  }
  return item;
}

export function statsFromItem(item: Item): StatsRecord {
  const parsed = parseItem(StatsItemSchema, item, 'stats');
  return {
    playerId: parsed.GameId.S.slice(STATS_PREFIX.length),
    name: parsed.PlayerName,
    record: { wins: parsed.Wins, losses: parsed.Losses, draws: parsed.Draws },
    rating: ratingOf(parsed),
    history: parsed.History,
    pending: parsed.Pending,
    version: parsed.Version,
  };
}

/** A leaderboard line from the rating index; null for an item without a whole rating. */
export function rankedFromItem(item: Item): RankedRecord | null {
  const parsed = parseItem(RatedItemSchema, item, 'leaderboard entry');
  const rating = ratingOf(parsed);
  return rating ? { playerId: parsed.GameId.S.slice(STATS_PREFIX.length), name: parsed.PlayerName, rating } : null;
}
