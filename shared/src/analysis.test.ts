import { describe, expect, it } from 'vitest';
import { analyseGame, type GameAnalysis, mistakeSummary, mistakesOf } from './analysis.js';
import { outcome } from './board.js';
import { positionsEvaluated } from './computer.js';

const analysed = (moves: number[]): GameAnalysis => {
  const analysis = analyseGame(moves);
  if (!analysis) throw new Error(`not a legal game: ${moves.join(',')}`);
  return analysis;
};

describe('analyseGame', () => {
  it('marks an edge answer to a corner opening as a mistake: the only drawing answer is the centre', () => {
    // X corner, O edge, then X forks and wins.
    const analysis = analysed([0, 1, 4, 8, 3, 6, 5]);
    expect(analysis.moves[0]).toMatchObject({
      ply: 1,
      mark: 'X',
      cell: 0,
      before: 'draw',
      after: 'draw',
      mistake: false,
    });
    expect(analysis.moves[1]).toMatchObject({
      ply: 2,
      mark: 'O',
      cell: 1,
      before: 'draw',
      after: 'loss',
      best: [4],
      mistake: true,
    });
    // A lost position stays lost whatever O plays: no more mistakes for O, none for X.
    expect(analysis.moves.slice(2).map((move) => [move.before, move.after, move.mistake])).toEqual([
      ['win', 'win', false],
      ['loss', 'loss', false],
      ['win', 'win', false],
      ['loss', 'loss', false],
      ['win', 'win', false],
    ]);
    expect(mistakesOf(analysis, 'O')).toEqual([2]);
    expect(mistakeSummary(analysis, 'O')).toBe('O: 1 mistake (move 2)');
    expect(mistakeSummary(analysis, 'X')).toBe('X: no mistakes');
  });

  it('marks a missed block as a mistake, with the block as the best move', () => {
    // X centre, O corner (a draw), X threatens 2-4-6, O plays elsewhere, X wins at 6.
    const analysis = analysed([4, 0, 2, 1, 6]);
    expect(analysis.moves[3]).toMatchObject({
      ply: 4,
      mark: 'O',
      before: 'draw',
      after: 'loss',
      best: [6],
      mistake: true,
    });
    expect(analysis.moves[4]).toMatchObject({
      ply: 5,
      mark: 'X',
      cell: 6,
      before: 'win',
      after: 'win',
      mistake: false,
    });
    expect(mistakeSummary(analysis, 'O')).toBe('O: 1 mistake (move 4)');
    expect(mistakeSummary(analysis, 'X')).toBe('X: no mistakes');
  });

  it('marks a missed win that lets a won game end in a draw', () => {
    // O's edge answer to the centre loses; X forks at 6 but then plays 5 instead of winning at 2.
    const analysis = analysed([4, 1, 0, 8, 6, 3, 5, 2, 7]);
    expect(outcome(analysis.positions[9] ?? []).status).toBe('draw');
    expect(analysis.moves[6]).toMatchObject({
      ply: 7,
      mark: 'X',
      cell: 5,
      before: 'win',
      after: 'draw',
      best: [2],
      mistake: true,
    });
    expect(analysis.moves[1]).toMatchObject({ ply: 2, mark: 'O', before: 'draw', after: 'loss', mistake: true });
    expect(mistakeSummary(analysis, 'X')).toBe('X: 1 mistake (move 7)');
    expect(mistakeSummary(analysis, 'O')).toBe('O: 1 mistake (move 2)');
  });

  it('marks a win thrown into a loss, and counts several mistakes of one player', () => {
    // O's corner at move 4 loses; X then fails to block 2-4-6 and O wins.
    const analysis = analysed([0, 4, 8, 2, 1, 6]);
    expect(analysis.moves[4]).toMatchObject({
      ply: 5,
      mark: 'X',
      before: 'win',
      after: 'loss',
      best: [6],
      mistake: true,
    });
    expect(analysis.moves[5]).toMatchObject({ ply: 6, mark: 'O', before: 'win', after: 'win', mistake: false });
    expect(mistakeSummary(analysis, 'X')).toBe('X: 1 mistake (move 5)');
    expect(mistakeSummary(analysis, 'O')).toBe('O: 1 mistake (move 4)');

    // O's edge answer loses, X's 2 lets it draw again, O's 3 loses it once more.
    const twice = analysed([0, 1, 2, 3, 4, 5, 6]);
    expect(mistakesOf(twice, 'O')).toEqual([2, 4]);
    expect(mistakeSummary(twice, 'O')).toBe('O: 2 mistakes (moves 2, 4)');
    expect(mistakeSummary(twice, 'X')).toBe('X: 1 mistake (move 3)');
  });

  it('keeps the positions move by move, and analyses a game that stopped early (a resign)', () => {
    const analysis = analysed([4, 0]);
    expect(analysis.positions).toHaveLength(3);
    expect(analysis.positions[0]).toEqual(['', '', '', '', '', '', '', '', '']);
    expect(analysis.positions[2]).toEqual(['O', '', '', '', 'X', '', '', '', '']);
    expect(analysis.moves.map((move) => move.mistake)).toEqual([false, false]);
    expect(analysed([]).moves).toEqual([]);
  });

  it('refuses a move list that is not a legal game', () => {
    expect(analyseGame([4, 4])).toBeNull();
    expect(analyseGame([0, 3, 1, 4, 2, 5])).toBeNull(); // a move after X has won
    expect(analyseGame([9])).toBeNull();
  });

  it('searches each position once: the memo makes analysing many games cheap', () => {
    const first = positionsEvaluated();
    analysed([0, 1, 4, 8, 3, 6, 5]);
    // The whole game has 5,478 legal positions; a search without the memo visits about 550,000.
    const searched = positionsEvaluated() - first;
    expect(searched).toBeLessThanOrEqual(5478);
    const again = positionsEvaluated();
    for (const game of [
      [4, 0, 2, 1, 6],
      [4, 1, 0, 8, 6, 3, 5, 2, 7],
      [0, 4, 8, 2, 1, 6],
      [8, 7, 6, 5, 4, 3, 2],
    ]) {
      analysed(game);
    }
    expect(positionsEvaluated() - again).toBe(0);
  });
});
