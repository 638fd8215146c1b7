import { applyMove, type Board, emptyCells, type Mark, markToMove, newBoard } from './board.js';
import { type PositionValue, positionValue } from './computer.js';

/**
 * Perfect-play analysis of a game, move by move. "Move N" always counts plies from 1: move 1 is
 * X's first mark, move 2 O's first; position N (`?ply=N`) is the board after move N, position 0
 * the empty board. The move list, the links and the summary all use this numbering.
 */
export interface MoveAnalysis {
  /** 1 for the first move of the game. */
  ply: number;
  mark: Mark;
  cell: number;
  /** What the position was worth to the mover before the move. */
  before: PositionValue;
  /** What it is worth to the same player after it. */
  after: PositionValue;
  /** Every cell that keeps the value `before` had (the moves that give nothing away), ascending. */
  best: number[];
  /** The move gave something away: a draw became a loss, or a win a draw or a loss. */
  mistake: boolean;
}

export interface GameAnalysis {
  /** `positions[n]` is the board after move n; `positions[0]` is empty. */
  positions: Board[];
  moves: MoveAnalysis[];
}

const INVERSE: Record<PositionValue, PositionValue> = { win: 'loss', draw: 'draw', loss: 'win' };
const RANK: Record<PositionValue, number> = { loss: 0, draw: 1, win: 2 };

/** What playing `cell` on `board` leaves for the player who plays it. */
function valueAfter(board: Board, cell: number): PositionValue {
  const next = board.slice();
  next[cell] = markToMove(board);
  // The solver answers for the player to move next: the opponent (a finished board counts the same way).
  return INVERSE[positionValue(next)];
}

/** Every move's analysis; null when the list is not a legal game. */
export function analyseGame(moves: readonly number[]): GameAnalysis | null {
  let board = newBoard();
  const positions: Board[] = [board];
  const analysed: MoveAnalysis[] = [];
  for (const [index, cell] of moves.entries()) {
    const played = applyMove(board, cell);
    if (!played.ok) return null;
    const before = positionValue(board);
    const after = valueAfter(board, cell);
    analysed.push({
      ply: index + 1,
      mark: played.mark,
      cell,
      before,
      after,
      best: emptyCells(board).filter((option) => valueAfter(board, option) === before),
      mistake: RANK[after] < RANK[before],
    });
    board = played.board;
    positions.push(board);
  }
  return { positions, moves: analysed };
}

/** The moves (plies from 1) where `mark` gave something away. */
export function mistakesOf(analysis: GameAnalysis, mark: Mark): number[] {
  return analysis.moves.filter((move) => move.mark === mark && move.mistake).map((move) => move.ply);
}

/** One player's line of the summary: "O: 1 mistake (move 4)", "X: 2 mistakes (moves 3, 5)", "X: no mistakes". */
export function mistakeSummary(analysis: GameAnalysis, mark: Mark): string {
  const plies = mistakesOf(analysis, mark);
  if (plies.length === 0) return `${mark}: no mistakes`;
  const count = plies.length === 1 ? '1 mistake (move' : `${plies.length} mistakes (moves`;
  return `${mark}: ${count} ${plies.join(', ')})`;
}
