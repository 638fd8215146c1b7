import { describe, expect, it } from 'vitest';
import {
  applyMove,
  type Board,
  boardFromMoves,
  type Cell,
  isReachable,
  LINES,
  markToMove,
  newBoard,
  outcome,
} from './board.js';

const board = (cells: string): Board => cells.split('').map((c) => (c === '.' ? '' : c) as Cell);

describe('outcome', () => {
  it('starts empty with X to move', () => {
    expect(newBoard()).toEqual(Array(9).fill(''));
    expect(outcome(newBoard())).toEqual({ status: 'playing', turn: 'X' });
  });

  it.each(LINES.map((line) => [line.join('-'), line] as const))('finds a win on line %s for both marks', (_, line) => {
    for (const mark of ['X', 'O'] as const) {
      const cells = Array<Cell>(9).fill('');
      for (const i of line) cells[i] = mark;
      expect(outcome(cells)).toEqual({ status: 'won', winner: mark, line });
    }
  });

  it('there are exactly the eight lines of three', () => {
    const keys = new Set(LINES.map((l) => [...l].sort().join()));
    expect(keys.size).toBe(8);
  });

  it('calls a full board with no line a draw', () => {
    expect(outcome(board('XOXXOOOXX'))).toEqual({ status: 'draw' });
    expect(outcome(board('XXOOOXXOX'))).toEqual({ status: 'draw' });
  });

  it('prefers a win on the last cell over a draw', () => {
    expect(outcome(board('XOXOXOOXX'))).toMatchObject({ status: 'won', winner: 'X' });
  });

  it('alternates turns from X', () => {
    expect(markToMove(board('X........'))).toBe('O');
    expect(markToMove(board('XO.......'))).toBe('X');
  });
});

describe('applyMove', () => {
  it('places the mark whose turn it is and leaves the input untouched', () => {
    const before = newBoard();
    const first = applyMove(before, 4);
    expect(first).toMatchObject({ ok: true, mark: 'X', outcome: { status: 'playing', turn: 'O' } });
    expect(before).toEqual(Array(9).fill(''));
    if (!first.ok) throw new Error('unreachable');
    expect(applyMove(first.board, 0)).toMatchObject({ ok: true, mark: 'O' });
  });

  it.each([[-1], [9], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY]])('refuses index %s as out of range', (index) => {
    expect(applyMove(newBoard(), index)).toEqual({ ok: false, reason: 'out-of-range' });
  });

  it('refuses a taken cell', () => {
    expect(applyMove(board('X........'), 0)).toEqual({ ok: false, reason: 'cell-taken' });
  });

  it('refuses any move after a win or a draw', () => {
    expect(applyMove(board('XXXOO....'), 8)).toEqual({ ok: false, reason: 'game-over' });
    expect(applyMove(board('XOXXOOOXX'), 0)).toEqual({ ok: false, reason: 'game-over' });
  });

  it('reports the win with its line on the winning move', () => {
    const result = applyMove(board('XX.OO....'), 2);
    expect(result).toMatchObject({ ok: true, outcome: { status: 'won', winner: 'X', line: [0, 1, 2] } });
  });
});

describe('boardFromMoves and isReachable', () => {
  it('replays legal moves and rejects illegal ones', () => {
    expect(boardFromMoves([4, 0, 8])).toEqual(board('O...X...X'));
    expect(boardFromMoves([4, 4])).toBeNull();
    expect(boardFromMoves([0, 3, 1, 4, 2, 5])).toBeNull();
  });

  it('accepts boards a game can reach', () => {
    expect(isReachable(newBoard())).toBe(true);
    expect(isReachable(board('XOXXOOOXX'))).toBe(true);
    expect(isReachable(board('XXXOO....'))).toBe(true);
    // X completes two lines at once with the shared last move.
    expect(isReachable(board('XXXOXOXOO'))).toBe(true);
  });

  it('rejects boards no game can reach', () => {
    expect(isReachable(board('O........'))).toBe(false);
    expect(isReachable(board('XX.......'))).toBe(false);
    expect(isReachable(board('XXXOOO...'))).toBe(false);
    expect(isReachable(board('XXXOO.O..'))).toBe(false);
    expect(isReachable(board('OOOXX.XX.'))).toBe(false);
    expect(isReachable(board('XXXXOOXOO'.replace(/./g, (c) => c)).slice(0, 8))).toBe(false);
  });
});
