import { type Board, emptyCells, LINES, type Mark, markToMove, opponentOf, outcome } from './board.js';

export type Level = 'easy' | 'medium' | 'perfect';
export const LEVELS: readonly Level[] = ['easy', 'medium', 'perfect'];

/** A source of numbers in [0, 1), like Math.random. Seed it to make play repeatable. */
export type Random = () => number;

/** mulberry32: a small, fast, seedable generator; plenty for choosing among moves. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(options: readonly T[], random: Random): T {
  const choice = options[Math.floor(random() * options.length)] ?? options[0];
  if (choice === undefined) throw new Error('pick from an empty list');
  return choice;
}

/**
 * The cell the computer plays for whoever's turn it is. The board must still be in play.
 * - easy: any empty cell;
 * - medium: wins if it can, else blocks the opponent's win, else any empty cell;
 * - perfect: one of the best moves by full game-tree search; it never loses.
 */
export function computerMove(board: Board, level: Level, random: Random): number {
  const cells = emptyCells(board);
  if (cells.length === 0 || outcome(board).status !== 'playing') {
    throw new Error('computerMove needs a game in play');
  }
  if (level === 'easy') return pick(cells, random);
  if (level === 'medium') {
    const me = markToMove(board);
    const win = completingCells(board, me);
    if (win.length > 0) return pick(win, random);
    const block = completingCells(board, opponentOf(me));
    if (block.length > 0) return pick(block, random);
    return pick(cells, random);
  }
  return pick(bestMoves(board), random);
}

/** Empty cells that would complete a line of `mark`. */
export function completingCells(board: Board, mark: Mark): number[] {
  const cells = new Set<number>();
  for (const line of LINES) {
    const marks = line.filter((cell) => board[cell] === mark).length;
    const empty = line.filter((cell) => board[cell] === '');
    if (marks === 2 && empty.length === 1 && empty[0] !== undefined) cells.add(empty[0]);
  }
  return [...cells];
}

/** Every move that is optimal for the player to move (quickest win, else slowest loss). */
export function bestMoves(board: Board): number[] {
  let best = Number.NEGATIVE_INFINITY;
  let moves: number[] = [];
  for (const cell of emptyCells(board)) {
    const next = board.slice();
    next[cell] = markToMove(board);
    const score = -negamax(next);
    if (score > best) {
      best = score;
      moves = [cell];
    } else if (score === best) {
      moves.push(cell);
    }
  }
  return moves;
}

/** What a position is worth to the player to move, when both sides play perfectly from it. */
export type PositionValue = 'win' | 'draw' | 'loss';

/** The perfect-play value of `board` for the player to move (a finished board: for that player, who did not move last). */
export function positionValue(board: Board): PositionValue {
  const score = negamax(board);
  return score > 0 ? 'win' : score < 0 ? 'loss' : 'draw';
}

// The whole game has under 6,000 positions: remembering each score makes search instant.
const scores = new Map<string, number>();
let evaluated = 0;

/** How many positions the solver has searched since the module loaded (each one once, thanks to the memo). */
export function positionsEvaluated(): number {
  return evaluated;
}

/** Score for the player to move: positive wins (sooner is higher), 0 draws, negative loses. */
function negamax(board: Board): number {
  const key = board.join(',');
  const known = scores.get(key);
  if (known !== undefined) return known;
  evaluated++;
  const result = outcome(board);
  let score: number;
  if (result.status === 'won') {
    // The previous player just won; fewer empty cells means the win came later.
    score = -(1 + emptyCells(board).length);
  } else if (result.status === 'draw') {
    score = 0;
  } else {
    score = Number.NEGATIVE_INFINITY;
    for (const cell of emptyCells(board)) {
      const next = board.slice();
      next[cell] = result.turn;
      score = Math.max(score, -negamax(next));
    }
  }
  scores.set(key, score);
  return score;
}
