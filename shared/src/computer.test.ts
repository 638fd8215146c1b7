import { describe, expect, it } from 'vitest';
import { applyMove, type Board, type Cell, type Mark, markToMove, newBoard, outcome } from './board.js';
import { bestMoves, computerMove, type Level, seededRandom } from './computer.js';

const board = (cells: string): Board => cells.split('').map((c) => (c === '.' ? '' : c) as Cell);

/**
 * Plays every possible line of an opponent against the computer, which plays `computer`,
 * following every move the computer might choose, and returns how each game ended.
 */
function everyGame(computer: Mark, level: Level): { won: number; drawn: number; lost: number } {
  const tally = { won: 0, drawn: 0, lost: 0 };
  const explore = (b: Board) => {
    const result = outcome(b);
    if (result.status === 'won') {
      tally[result.winner === computer ? 'won' : 'lost']++;
      return;
    }
    if (result.status === 'draw') {
      tally.drawn++;
      return;
    }
    const options =
      markToMove(b) === computer
        ? level === 'perfect'
          ? bestMoves(b)
          : [computerMove(b, level, Math.random)]
        : b.flatMap((cell, i) => (cell === '' ? [i] : []));
    for (const cell of options) {
      const next = applyMove(b, cell);
      if (!next.ok) throw new Error(`computer chose an illegal move ${cell}`);
      explore(next.board);
    }
  };
  explore(newBoard());
  return tally;
}

describe('perfect computer', () => {
  it('never loses as X against every possible opponent', () => {
    const tally = everyGame('X', 'perfect');
    expect(tally.lost).toBe(0);
    expect(tally.won).toBeGreaterThan(0);
  });

  it('never loses as O against every possible opponent', () => {
    const tally = everyGame('O', 'perfect');
    expect(tally.lost).toBe(0);
    expect(tally.won + tally.drawn).toBeGreaterThan(100);
  });

  it('takes an immediate win rather than a slower one', () => {
    // X can win now at 2; blocking at 5 or anything else is slower.
    expect(bestMoves(board('XX.OO....'))).toEqual([2]);
  });

  it('answers a corner opening only with the centre, and a centre opening only with a corner', () => {
    expect(bestMoves(board('X........'))).toEqual([4]);
    expect(bestMoves(board('....X....'))).toEqual([0, 2, 6, 8]);
    for (let seed = 0; seed < 50; seed++) {
      expect(computerMove(board('..X......'), 'perfect', seededRandom(seed))).toBe(4);
      expect([0, 2, 6, 8]).toContain(computerMove(board('....X....'), 'perfect', seededRandom(seed)));
    }
  });
});

describe('medium computer', () => {
  it('takes a win when it has one', () => {
    // O to move, O can win at 5 (3-4-5); X threatens 2.
    for (let seed = 0; seed < 20; seed++) {
      expect(computerMove(board('XX.OO.X..'), 'medium', seededRandom(seed))).toBe(5);
    }
  });

  it('blocks the opponent when it cannot win', () => {
    // O to move, X threatens 0-1-2; O has no win.
    for (let seed = 0; seed < 20; seed++) {
      expect(computerMove(board('XX..O....'), 'medium', seededRandom(seed))).toBe(2);
    }
  });

  it('otherwise plays a random empty cell', () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 100; seed++) seen.add(computerMove(board('X........'), 'medium', seededRandom(seed)));
    expect(seen.size).toBeGreaterThan(3);
    expect(seen.has(0)).toBe(false);
  });
});

describe('easy computer', () => {
  it('plays only empty cells, spread over all of them', () => {
    const b = board('XO.X.O...');
    const seen = new Set<number>();
    for (let seed = 0; seed < 200; seed++) seen.add(computerMove(b, 'easy', seededRandom(seed)));
    expect([...seen].sort()).toEqual([2, 4, 6, 7, 8]);
  });

  it('is deterministic for a given seed', () => {
    const play = (seed: number) => {
      const random = seededRandom(seed);
      let b = newBoard();
      const moves: number[] = [];
      while (outcome(b).status === 'playing') {
        const cell = computerMove(b, 'easy', random);
        moves.push(cell);
        const next = applyMove(b, cell);
        if (!next.ok) throw new Error('illegal');
        b = next.board;
      }
      return moves;
    };
    expect(play(42)).toEqual(play(42));
    expect(play(42)).not.toEqual(play(43));
  });

  it('refuses to move in a finished game', () => {
    expect(() => computerMove(board('XXXOO....'), 'easy', Math.random)).toThrow();
  });
});
