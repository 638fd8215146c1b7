import * as z from 'zod/mini';
import type { Mark } from './board.js';
import { ageRating, INITIAL_RATING, isProvisional, periodsBetween, rate } from './glicko2.js';
import {
  GameIdSchema,
  type Player,
  type PlayerRating,
  type Rating,
  type RatingChange,
  RatingChangeSchema,
  RatingPointSchema,
  RatingSchema,
  RecordSchema,
  type WinLossRecord,
} from './online-api.js';
import { addToRecord, changed, type OnlineGame, tallyDue } from './online-game.js';

/**
 * A finished game reaches its players' records and ratings as pure functions of plain data; the
 * server's online/tally.ts runs them against the store, exactly once per game and player, with
 * conditional writes only (no transactions): the stats list a game as `pending` from the write
 * that counts it until the game's own tally says so, and the game's tally is what every retry
 * and every other instance checks first.
 */

/** How many rating points a profile's chart keeps. */
export const RATING_HISTORY_SIZE = 100;
/** How many players the leaderboard shows. */
export const LEADERBOARD_SIZE = 50;

export const StatsRatingSchema = z.extend(RatingSchema, {
  /** Rated games counted. */
  games: z.int(),
  /** When the last one finished: the deviation grows with the time since (glicko2.ts). */
  lastRatedAt: z.string(),
});
export type StatsRating = z.infer<typeof StatsRatingSchema>;

export const PendingTallySchema = z.object({ gameId: GameIdSchema, change: z.nullable(RatingChangeSchema) });

/** A player's record and rating, kept as counters. */
export const PlayerStatsSchema = z.object({
  playerId: z.string(),
  name: z.string(),
  record: RecordSchema,
  /** null until the player's first rated game is counted. */
  rating: z.nullable(StatsRatingSchema),
  /** The latest rated games' points, oldest first, at most RATING_HISTORY_SIZE. */
  history: z.array(RatingPointSchema),
  /** Games counted here that their own tally may not show yet, with the rating change each made. */
  pending: z.array(PendingTallySchema),
  /** Increases with every write; writes are conditional on it. 0: never written. */
  version: z.int(),
});
export type PlayerStats = z.infer<typeof PlayerStatsSchema>;

/**
 * The stats a player starts with: the games they finished before records were kept as counters
 * (`legacy`, counted once from their finished games, whose tally is null) and nothing else.
 */
export function newStats(player: Player, legacy: WinLossRecord): PlayerStats {
  return { playerId: player.id, name: player.name, record: legacy, rating: null, history: [], pending: [], version: 0 };
}

/** The player's rating as it stands at `now`: deviation grown by the time since the last rated game. */
export function ratingAt(rating: StatsRating | null, now: string): Rating {
  if (!rating) return INITIAL_RATING;
  const { rating: value, deviation, volatility } = rating;
  return ageRating({ rating: value, deviation, volatility }, periodsBetween(rating.lastRatedAt, now));
}

/** The rating a page shows. */
export function shownRating(rating: StatsRating | null, now: string): PlayerRating | null {
  if (!rating) return null;
  const current = ratingAt(rating, now);
  return {
    rating: current.rating,
    deviation: current.deviation,
    games: rating.games,
    provisional: isProvisional(current),
  };
}

/** The player at a mark of a finished game. */
export function playerAt(game: OnlineGame, mark: Mark): Player | null {
  const hostPlays = game.hostMark === mark;
  const id = hostPlays ? game.hostId : game.opponentId;
  const name = hostPlays ? game.hostName : game.opponentName;
  return id && name ? { id, name } : null;
}

/**
 * A rated game's tally begins by fixing both players' ratings as they stand (what each update
 * is computed against, whatever the order the two are counted in): the game with them, or null
 * when there is nothing to fix (casual, fixed already, or not due).
 */
export function fixRatings(game: OnlineGame, stats: Record<Mark, PlayerStats | null>, now: string): OnlineGame | null {
  if (!tallyDue(game) || !game.rated || !game.tally || game.tally.snapshot) return null;
  const snapshot = { X: ratingAt(stats.X?.rating ?? null, now), O: ratingAt(stats.O?.rating ?? null, now) };
  return changed(game, { tally: { ...game.tally, snapshot } }, now);
}

const SCORE = { win: 1, draw: 0.5, loss: 0 } as const;

/**
 * The player's stats with the game counted: the record, and for a rated game the rating (theirs
 * as it stands, against the opponent's fixed rating), its chart point, and the game pending
 * until the game's tally shows it. null when these stats must not count it (already counted, not
 * due, or a rated game whose ratings are not fixed yet).
 */
export function countGame(stats: PlayerStats, game: OnlineGame, mark: Mark, now: string): PlayerStats | null {
  if (!tallyDue(game) || !game.tally || game.tally[mark] !== null) return null;
  if (stats.pending.some((entry) => entry.gameId === game.id)) return null;
  const record = addToRecord(stats.record, game, stats.playerId);
  if (record === stats.record) return null;
  if (!game.rated) {
    return { ...stats, record, pending: [...stats.pending, { gameId: game.id, change: null }] };
  }
  const snapshot = game.tally.snapshot;
  if (!snapshot) return null;
  const winner = game.result?.winner ?? null;
  const score = winner === null ? SCORE.draw : winner === mark ? SCORE.win : SCORE.loss;
  const before = ratingAt(stats.rating, now);
  const after = rate(before, [{ opponent: snapshot[mark === 'X' ? 'O' : 'X'], score }]);
  const at = game.finishedAt ?? now;
  const change: RatingChange = { before: before.rating, after: after.rating };
  return {
    ...stats,
    record,
    rating: { ...after, games: (stats.rating?.games ?? 0) + 1, lastRatedAt: at },
    history: [...stats.history, { at, rating: after.rating, gameId: game.id }].slice(-RATING_HISTORY_SIZE),
    pending: [...stats.pending, { gameId: game.id, change }],
  };
}

/**
 * The game with these players' counting recorded in its tally (their stats list it as
 * pending), or null when there is nothing new to record.
 */
export function markCounted(
  game: OnlineGame,
  counted: Partial<Record<Mark, { change: RatingChange | null }>>,
  now: string,
): OnlineGame | null {
  if (!game.tally) return null;
  let tally = game.tally;
  for (const mark of ['X', 'O'] as const) {
    const entry = counted[mark];
    if (entry && tally[mark] === null) tally = { ...tally, [mark]: { change: entry.change } };
  }
  return tally === game.tally ? null : changed(game, { tally }, now);
}

/** The stats without these games pending (their own tallies show them now); null if none was. */
export function dropPending(stats: PlayerStats, gameIds: readonly string[]): PlayerStats | null {
  const pending = stats.pending.filter((entry) => !gameIds.includes(entry.gameId));
  return pending.length === stats.pending.length ? null : { ...stats, pending };
}
