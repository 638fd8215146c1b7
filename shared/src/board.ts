/** Pure tic-tac-toe rules: plain data in, plain data out. No I/O, no clock, no randomness. */

export type Mark = 'X' | 'O';
export type Cell = Mark | '';
/** Nine cells, row by row: index 0 is the top left, 8 the bottom right. */
export type Board = readonly Cell[];
export type Line = readonly [number, number, number];

export const BOARD_SIZE = 9;

export const LINES: readonly Line[] = [
  [0, 1, 2],
  [3, 4, 5],
  [6, 7, 8],
  [0, 3, 6],
  [1, 4, 7],
  [2, 5, 8],
  [0, 4, 8],
  [2, 4, 6],
];

export type Outcome =
  | { status: 'playing'; turn: Mark }
  | { status: 'won'; winner: Mark; line: Line }
  | { status: 'draw' };

export type IllegalMoveReason = 'out-of-range' | 'cell-taken' | 'game-over';

export type MoveResult =
  | { ok: true; board: Board; mark: Mark; outcome: Outcome }
  | { ok: false; reason: IllegalMoveReason };

export function newBoard(): Board {
  return Array.from({ length: BOARD_SIZE }, () => '' as Cell);
}

export function opponentOf(mark: Mark): Mark {
  return mark === 'X' ? 'O' : 'X';
}

/** X always starts, so whose turn it is follows from the counts of marks. */
export function markToMove(board: Board): Mark {
  let x = 0;
  let o = 0;
  for (const cell of board) {
    if (cell === 'X') x++;
    else if (cell === 'O') o++;
  }
  return x > o ? 'O' : 'X';
}

export function outcome(board: Board): Outcome {
  for (const line of LINES) {
    const [a, b, c] = line;
    const mark = board[a];
    if (mark && mark === board[b] && mark === board[c]) {
      return { status: 'won', winner: mark, line };
    }
  }
  if (board.every((cell) => cell !== '')) return { status: 'draw' };
  return { status: 'playing', turn: markToMove(board) };
}

export function isCellIndex(index: number): boolean {
  return Number.isInteger(index) && index >= 0 && index < BOARD_SIZE;
}

/** Plays the mark whose turn it is at `index`, or says why that is not allowed. */
export function applyMove(board: Board, index: number): MoveResult {
  if (!isCellIndex(index)) return { ok: false, reason: 'out-of-range' };
  if (outcome(board).status !== 'playing') return { ok: false, reason: 'game-over' };
  if (board[index] !== '') return { ok: false, reason: 'cell-taken' };
  const mark = markToMove(board);
  const next = board.slice();
  next[index] = mark;
  return { ok: true, board: next, mark, outcome: outcome(next) };
}

/** Replays a list of cell indices from an empty board; null if any move is illegal. */
export function boardFromMoves(moves: readonly number[]): Board | null {
  let board = newBoard();
  for (const index of moves) {
    const result = applyMove(board, index);
    if (!result.ok) return null;
    board = result.board;
  }
  return board;
}

/**
 * True when the board can arise in a real game: X started, marks alternate, and play
 * stopped at the first win. Used to reject stored boards that no game could produce.
 */
export function isReachable(board: Board): boolean {
  if (board.length !== BOARD_SIZE) return false;
  const x = board.filter((cell) => cell === 'X').length;
  const o = board.filter((cell) => cell === 'O').length;
  if (x + o !== board.filter((cell) => cell !== '').length) return false;
  if (x - o !== 0 && x - o !== 1) return false;
  const winsOf = (mark: Mark) =>
    LINES.filter(([a, b, c]) => board[a] === mark && board[b] === mark && board[c] === mark);
  const xWins = winsOf('X');
  const oWins = winsOf('O');
  if (xWins.length > 0 && oWins.length > 0) return false;
  // The winner made the last move; two lines are possible only if they share that cell.
  if (xWins.length > 0) return x === o + 1 && sharesOneCell(xWins);
  if (oWins.length > 0) return x === o && sharesOneCell(oWins);
  return true;
}

function sharesOneCell(lines: readonly Line[]): boolean {
  if (lines.length === 1) return true;
  return [0, 1, 2, 3, 4, 5, 6, 7, 8].some((cell) => lines.every((line) => line.includes(cell)));
}

export function emptyCells(board: Board): number[] {
  const cells: number[] = [];
  board.forEach((cell, index) => {
    if (cell === '') cells.push(index);
  });
  return cells;
}
