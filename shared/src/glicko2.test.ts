import { describe, expect, it } from 'vitest';
import {
  ageRating,
  INITIAL_RATING,
  isProvisional,
  MAX_DEVIATION,
  PROVISIONAL_DEVIATION,
  periodsBetween,
  RATING_PERIOD_MS,
  rate,
  type Score,
} from './glicko2.js';
import type { Rating } from './online-api.js';

const player: Rating = { rating: 1500, deviation: 200, volatility: 0.06 };
const bob: Rating = { rating: 1400, deviation: 30, volatility: 0.06 };
const john: Rating = { rating: 1550, deviation: 100, volatility: 0.06 };
const mary: Rating = { rating: 1700, deviation: 300, volatility: 0.06 };

describe('Glicko-2 against published values', () => {
  it("gives Glickman's worked example: 1464.06, 151.52, 0.05999", () => {
    // Mark Glickman, "Example of the Glicko-2 system", glicko.net/glicko/glicko2.pdf, steps 1-8 (τ = 0.5).
    const after = rate(
      player,
      [
        { opponent: bob, score: 1 },
        { opponent: john, score: 0 },
        { opponent: mary, score: 0 },
      ],
      { tau: 0.5 },
    );
    // The paper rounds μ' to -0.2069 before step 8, so its 1464.06 is 0.009 off the unrounded
    // 1464.0507: check μ' and φ' to the paper's 4 places and the results to within 0.01.
    expect((after.rating - 1500) / 173.7178).toBeCloseTo(-0.2069, 4);
    expect(after.deviation / 173.7178).toBeCloseTo(0.8722, 4);
    expect(Math.abs(after.rating - 1464.06)).toBeLessThan(0.01);
    expect(after.deviation).toBeCloseTo(151.52, 2);
    expect(Math.abs(after.volatility - 0.05999)).toBeLessThan(0.00001);
  });

  it("gives glicko2js's three-wins case: 1685.7, 151.52, 0.06000", () => {
    // mmai/glicko2js (npm "glicko2"), test/glicko2.js, "should accept Race objects": the same
    // player beats all three opponents in one period, τ = 0.5.
    const after = rate(
      player,
      [
        { opponent: bob, score: 1 },
        { opponent: john, score: 1 },
        { opponent: mary, score: 1 },
      ],
      { tau: 0.5 },
    );
    expect(Math.abs(after.rating - 1685.7)).toBeLessThan(0.1);
    expect(Math.abs(after.deviation - 151.52)).toBeLessThan(0.01);
    expect(Math.abs(after.volatility - 0.06)).toBeLessThan(0.00001);
  });

  it("applies only step 6 to a period without games: φ' = √(φ² + σ²)", () => {
    // The paper, step 1 note: a player who does not compete keeps μ and σ, and φ' = √(φ² + σ²).
    const after = rate(player, []);
    const phi = 200 / 173.7178;
    expect(after.rating).toBe(1500);
    expect(after.volatility).toBe(0.06);
    expect(after.deviation).toBeCloseTo(Math.sqrt(phi * phi + 0.06 * 0.06) * 173.7178, 2);
    expect(after.deviation).toBeGreaterThan(200);
  });
});

describe('Glicko-2 properties', () => {
  const ratings: Rating[] = [
    INITIAL_RATING,
    player,
    bob,
    mary,
    { rating: 2200, deviation: 60, volatility: 0.059 },
    { rating: 900, deviation: 120, volatility: 0.07 },
  ];
  const pairs = ratings.flatMap((a) => ratings.map((b) => [a, b] as const));

  it('a win never lowers a rating, a loss never raises it, and a game shrinks the deviation', () => {
    // Step 7 makes φ' smaller than φ* (the deviation the period would end with without games);
    // below the deviation before it too, unless the game says little: a settled player against a
    // very uncertain opponent, or a mismatch whose result was all but certain.
    for (const [me, opponent] of pairs) {
      const won = rate(me, [{ opponent, score: 1 }]);
      const lost = rate(me, [{ opponent, score: 0 }]);
      const drew = rate(me, [{ opponent, score: 0.5 }]);
      expect(won.rating).toBeGreaterThanOrEqual(me.rating);
      expect(lost.rating).toBeLessThanOrEqual(me.rating);
      expect(won.rating).toBeGreaterThan(drew.rating);
      expect(drew.rating).toBeGreaterThan(lost.rating);
      for (const after of [won, lost, drew]) {
        expect(after.deviation).toBeLessThan(rate(me, []).deviation);
        if (me.deviation >= 100 && Math.abs(me.rating - opponent.rating) <= 400)
          expect(after.deviation).toBeLessThan(me.deviation);
      }
    }
  });

  it('moves two equals symmetrically in a draw: neither rating changes', () => {
    for (const me of ratings) {
      const after = rate(me, [{ opponent: me, score: 0.5 }]);
      expect(after.rating).toBeCloseTo(me.rating, 9);
    }
  });

  it('moves two equals by the same amount, in opposite directions, when one wins', () => {
    for (const me of ratings) {
      const won = rate(me, [{ opponent: me, score: 1 }]);
      const lost = rate(me, [{ opponent: me, score: 0 }]);
      expect(won.rating - me.rating).toBeCloseTo(me.rating - lost.rating, 9);
      expect(won.deviation).toBeCloseTo(lost.deviation, 9);
    }
  });

  it('gains more from beating a stronger opponent, and loses less to one', () => {
    const strong = { ...INITIAL_RATING, rating: 1800 };
    const weak = { ...INITIAL_RATING, rating: 1200 };
    const after = (opponent: Rating, score: Score) => rate(INITIAL_RATING, [{ opponent, score }]).rating;
    expect(after(strong, 1)).toBeGreaterThan(after(weak, 1));
    expect(after(strong, 0)).toBeGreaterThan(after(weak, 0));
  });

  it('stays finite when a result was certain', () => {
    const after = rate(INITIAL_RATING, [{ opponent: { ...INITIAL_RATING, rating: 1e6, deviation: 30 }, score: 0 }]);
    expect(after).toEqual(rate(INITIAL_RATING, []));
  });

  it('takes τ from the options', () => {
    const games = [
      { opponent: bob, score: 0 as const },
      { opponent: john, score: 0 as const },
    ];
    expect(rate(player, games, { tau: 1.2 }).volatility).not.toBeCloseTo(
      rate(player, games, { tau: 0.3 }).volatility,
      6,
    );
  });
});

describe('inactivity', () => {
  it("grows the deviation by the volatility once per period, capped at a new player's", () => {
    const settled: Rating = { rating: 1800, deviation: 60, volatility: 0.06 };
    const phi = 60 / 173.7178;
    const aged = ageRating(settled, 30);
    expect(aged.rating).toBe(1800);
    expect(aged.volatility).toBe(0.06);
    expect(aged.deviation).toBeCloseTo(Math.sqrt(phi * phi + 30 * 0.06 * 0.06) * 173.7178, 4);
    // Thirty single periods make the same as one of thirty.
    let stepwise = settled;
    for (let day = 0; day < 30; day += 1) stepwise = ageRating(stepwise, 1);
    expect(stepwise.deviation).toBeCloseTo(aged.deviation, 6);
    expect(ageRating(settled, 1).deviation).toBeCloseTo(rate(settled, []).deviation, 9);
    expect(ageRating(settled, 100_000).deviation).toBe(MAX_DEVIATION);
    expect(ageRating(settled, 0)).toEqual(settled);
    expect(rate({ ...settled, deviation: 349.99 }, []).deviation).toBe(MAX_DEVIATION);
  });

  it('counts rating periods between two instants', () => {
    const from = '2026-11-01T12:00:00.000Z';
    expect(periodsBetween(from, new Date(Date.parse(from) + 3 * RATING_PERIOD_MS).toISOString())).toBe(3);
    expect(periodsBetween(from, '2026-11-02T00:00:00.000Z')).toBe(0.5);
    expect(periodsBetween(from, '2026-10-01T00:00:00.000Z')).toBe(0);
    expect(periodsBetween(from, 'not a date')).toBe(0);
  });
});

describe('provisional ratings', () => {
  it('calls a rating provisional from PROVISIONAL_DEVIATION up, as lichess', () => {
    expect(PROVISIONAL_DEVIATION).toBe(110);
    expect(isProvisional(INITIAL_RATING)).toBe(true);
    expect(isProvisional({ ...INITIAL_RATING, deviation: 110 })).toBe(true);
    expect(isProvisional({ ...INITIAL_RATING, deviation: 109.9 })).toBe(false);
  });

  it('starts a new player at 1500, 350, 0.06', () => {
    expect(INITIAL_RATING).toEqual({ rating: 1500, deviation: 350, volatility: 0.06 });
  });
});
