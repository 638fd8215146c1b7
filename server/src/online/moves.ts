import { applyMove, type IllegalMoveReason } from '@ttt/shared';
import type { GameRecord } from '../storage/types.js';

/**
 * The game after one more move in `cell` at time `at`: the next version, the board, the
 * move list and, for a finishing move, the result. The service decides a move with it; the
 * bus feed rebuilds a game from a move message with it, so both agree on every field.
 */
export function afterMove(
  game: GameRecord,
  cell: number,
  at: string,
): { ok: true; next: GameRecord } | { ok: false; reason: IllegalMoveReason } {
  const result = applyMove(game.board, cell);
  if (!result.ok) return result;
  const outcome = result.outcome;
  const next: GameRecord = {
    ...game,
    version: game.version + 1,
    board: [...result.board],
    moves: [...game.moves, cell],
    updatedAt: at,
  };
  if (outcome.status === 'won') {
    next.status = 'finished';
    next.result = { winner: outcome.winner, reason: 'line', line: [...outcome.line] };
    next.finishedAt = at;
  } else if (outcome.status === 'draw') {
    next.status = 'finished';
    next.result = { winner: null, reason: 'draw', line: null };
    next.finishedAt = at;
  }
  return { ok: true, next };
}
