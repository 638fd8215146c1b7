import {
  type GameSummary,
  type Mark,
  markOf,
  type PlayerRating,
  type RatingChange,
  type WinLossRecord,
} from '@ttt/shared';
import { playerWith } from './game-text';

/** What pages say about ratings, and how the profile's chart is laid out. Pure: easy to test. */

/** A rating as people read it: rounded, with a "?" while it is still a guess. */
export function ratingText(rating: PlayerRating | null): string {
  if (!rating) return 'Unrated';
  return `${Math.round(rating.rating)}${rating.provisional ? '?' : ''}`;
}

/** A change in points, always signed: "+16", "-8", "±0". */
export function signedPoints(points: number): string {
  if (points === 0) return '±0';
  return points > 0 ? `+${points}` : `-${-points}`;
}

/** The change a game made, in the rounded numbers people see (so the sum always adds up). */
export function pointsOf(change: RatingChange): number {
  return Math.round(change.after) - Math.round(change.before);
}

/** "Alice 1500 → 1662 (+162)". */
export function ratingChangeLine(name: string, change: RatingChange): string {
  return `${name} ${Math.round(change.before)} → ${Math.round(change.after)} (${signedPoints(pointsOf(change))})`;
}

/** "3 wins · 1 loss · 0 draws". */
export function recordText({ wins, losses, draws }: WinLossRecord): string {
  return `${wins} ${wins === 1 ? 'win' : 'wins'} · ${losses} ${losses === 1 ? 'loss' : 'losses'} · ${draws} ${draws === 1 ? 'draw' : 'draws'}`;
}

export const ratedLabel = (game: Pick<GameSummary, 'rated'>) => (game.rated ? 'Rated' : 'Casual');

/**
 * What a finished rated game did to each player's rating, X first: one line per player whose
 * rating has taken it; empty for casual or unfinished games and until the server has applied them.
 */
export function ratingChangeLines(game: GameSummary): string[] {
  if (game.status !== 'finished' || !game.rated || !game.ratingChanges) return [];
  const lines: string[] = [];
  for (const mark of ['X', 'O'] as const) {
    const change = game.ratingChanges[mark];
    if (change) lines.push(ratingChangeLine(playerWith(game, mark)?.name ?? mark, change));
  }
  return lines;
}

/** A finished game from one player's side: "Won", "Lost (on time)", "Draw". */
export function resultFor(game: GameSummary, playerId: string): string {
  const result = game.result;
  if (!result || result.winner === null) return 'Draw';
  const how = { line: '', draw: '', resign: ' (resigned)', timeout: ' (on time)', abandoned: ' (left)' }[result.reason];
  return `${result.winner === markOf(game, playerId) ? 'Won' : 'Lost'}${how}`;
}

/** The rating change a game made to one player's rating, if it was rated and has been applied. */
export function changeFor(game: GameSummary, playerId: string): RatingChange | null {
  const mark: Mark | null = markOf(game, playerId);
  return mark && game.rated ? (game.ratingChanges?.[mark] ?? null) : null;
}

export interface Chart {
  /** Each rating's place, in the order given. */
  points: { x: number; y: number }[];
  /** The SVG path through them. */
  path: string;
  /** The ratings at the bottom and the top of the chart: round numbers around the ratings. */
  low: number;
  high: number;
}

/**
 * A line chart of ratings (oldest first) in a `width` × `height` box with `pad` around it. The
 * scale runs between round numbers at least STEP apart, so a flat or single rating is drawn level
 * in the middle rather than divided by zero.
 */
export function ratingChart(ratings: readonly number[], width: number, height: number, pad: number): Chart {
  const STEP = 50;
  const min = Math.min(...ratings);
  const max = Math.max(...ratings);
  const low = ratings.length ? Math.floor((min - STEP / 2) / STEP) * STEP : 1450;
  const high = ratings.length ? Math.ceil((max + STEP / 2) / STEP) * STEP : 1550;
  const across = width - 2 * pad;
  const down = height - 2 * pad;
  const points = ratings.map((rating, index) => ({
    x: ratings.length === 1 ? width / 2 : pad + (index * across) / (ratings.length - 1),
    y: pad + ((high - rating) * down) / (high - low),
  }));
  const path = points
    .map((point, index) => `${index ? 'L' : 'M'}${+point.x.toFixed(1)} ${+point.y.toFixed(1)}`)
    .join(' ');
  return { points, path, low, high };
}
