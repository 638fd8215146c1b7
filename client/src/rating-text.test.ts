import type { GameSummary } from '@ttt/shared';
import { describe, expect, it } from 'vitest';
import {
  changeFor,
  pointsOf,
  ratedLabel,
  ratingChangeLine,
  ratingChangeLines,
  ratingChart,
  ratingText,
  recordText,
  resultFor,
  signedPoints,
} from './rating-text';
import { gameSummary } from './test-games';

// Alice hosts as O; Bob is X. Bob won on a line.
const game = (overrides: Partial<GameSummary> = {}): GameSummary =>
  gameSummary({
    version: 9,
    status: 'finished',
    board: ['X', 'X', 'X', 'O', 'O', '', '', '', ''],
    turn: null,
    result: { winner: 'X', reason: 'line', line: [0, 1, 2] },
    updatedAt: '2026-11-22T10:05:00.000Z',
    timeControl: null,
    rated: true,
    ratingChanges: { X: { before: 1500, after: 1662.31 }, O: { before: 1500, after: 1337.69 } },
    ...overrides,
  });

describe('ratingText', () => {
  it('rounds, and marks a provisional rating with "?"', () => {
    expect(ratingText({ rating: 1662.5, deviation: 40, games: 30, provisional: false })).toBe('1663');
    expect(ratingText({ rating: 1662.49, deviation: 290, games: 1, provisional: true })).toBe('1662?');
    expect(ratingText(null)).toBe('Unrated');
  });
});

describe('rating changes', () => {
  it('signs every change', () => {
    expect(signedPoints(162)).toBe('+162');
    expect(signedPoints(-8)).toBe('-8');
    expect(signedPoints(0)).toBe('±0');
  });

  it('counts the change between the rounded numbers shown, so the line adds up', () => {
    expect(pointsOf({ before: 1500.4, after: 1510.6 })).toBe(11);
    expect(ratingChangeLine('Alice', { before: 1500.4, after: 1510.6 })).toBe('Alice 1500 → 1511 (+11)');
    expect(ratingChangeLine('Bob', { before: 1612, after: 1600.2 })).toBe('Bob 1612 → 1600 (-12)');
  });

  it('gives one line per player whose rating has taken a finished rated game, X first', () => {
    expect(ratingChangeLines(game())).toEqual(['Bob 1500 → 1662 (+162)', 'Alice 1500 → 1338 (-162)']);
    expect(ratingChangeLines(game({ ratingChanges: { X: null, O: { before: 1500, after: 1400 } } }))).toEqual([
      'Alice 1500 → 1400 (-100)',
    ]);
    expect(ratingChangeLines(game({ ratingChanges: { X: null, O: null } }))).toEqual([]);
    expect(ratingChangeLines(game({ ratingChanges: null }))).toEqual([]);
    expect(ratingChangeLines(game({ rated: false }))).toEqual([]);
    expect(ratingChangeLines(game({ status: 'playing' }))).toEqual([]);
  });

  it("finds one player's change, for rated games only", () => {
    expect(changeFor(game(), 'alice')).toEqual({ before: 1500, after: 1337.69 });
    expect(changeFor(game(), 'bob')).toEqual({ before: 1500, after: 1662.31 });
    expect(changeFor(game(), 'carol')).toBeNull();
    expect(changeFor(game({ rated: false }), 'bob')).toBeNull();
    expect(changeFor(game({ ratingChanges: null }), 'bob')).toBeNull();
  });

  it('says rated or casual', () => {
    expect(ratedLabel(game())).toBe('Rated');
    expect(ratedLabel(game({ rated: false }))).toBe('Casual');
  });
});

describe('recordText', () => {
  it('counts wins, losses and draws in words', () => {
    expect(recordText({ wins: 3, losses: 1, draws: 0 })).toBe('3 wins · 1 loss · 0 draws');
    expect(recordText({ wins: 1, losses: 2, draws: 1 })).toBe('1 win · 2 losses · 1 draw');
  });
});

describe('resultFor', () => {
  it("reads a finished game from either player's side", () => {
    expect(resultFor(game(), 'bob')).toBe('Won');
    expect(resultFor(game(), 'alice')).toBe('Lost');
    expect(resultFor(game({ result: { winner: 'O', reason: 'timeout', line: null } }), 'bob')).toBe('Lost (on time)');
    expect(resultFor(game({ result: { winner: 'O', reason: 'resign', line: null } }), 'alice')).toBe('Won (resigned)');
    expect(resultFor(game({ result: { winner: null, reason: 'draw', line: null } }), 'alice')).toBe('Draw');
  });
});

describe('ratingChart', () => {
  it('spreads the ratings across the box, higher ratings higher up', () => {
    const chart = ratingChart([1500, 1600, 1550], 300, 120, 10);
    expect(chart.low).toBe(1450);
    expect(chart.high).toBe(1650);
    expect(chart.points.map((point) => point.x)).toEqual([10, 150, 290]);
    // 1500 is 3/4 of the way down the 100 px between the pads; 1600 1/4; 1550 half.
    expect(chart.points.map((point) => point.y)).toEqual([85, 35, 60]);
    expect(chart.path).toBe('M10 85 L150 35 L290 60');
  });

  it('draws a single or flat rating level in the middle, with round numbers around it', () => {
    const one = ratingChart([1500], 300, 120, 10);
    expect(one).toEqual({ points: [{ x: 150, y: 60 }], path: 'M150 60', low: 1450, high: 1550 });
    const flat = ratingChart([1523, 1523], 300, 120, 10);
    expect(flat.low).toBeLessThan(1523);
    expect(flat.high).toBeGreaterThan(1523);
    expect(flat.low % 50).toBe(0);
    expect(flat.high % 50).toBe(0);
    expect(new Set(flat.points.map((point) => point.y)).size).toBe(1);
    expect(flat.points.every((point) => Number.isFinite(point.y))).toBe(true);
  });

  it('keeps every point inside the box', () => {
    const ratings = [1012.7, 2890.2, 1500, 1499.9, 2001];
    const chart = ratingChart(ratings, 200, 80, 8);
    for (const point of chart.points) {
      expect(point.x).toBeGreaterThanOrEqual(8);
      expect(point.x).toBeLessThanOrEqual(192);
      expect(point.y).toBeGreaterThanOrEqual(8);
      expect(point.y).toBeLessThanOrEqual(72);
    }
  });

  it('has nothing to draw without ratings', () => {
    expect(ratingChart([], 300, 120, 10)).toMatchObject({ points: [], path: '' });
  });
});
