import type { Rating } from './online-api.js';

/**
 * Glicko-2 as Mark Glickman's "Example of the Glicko-2 system" (glicko.net/glicko/glicko2.pdf) gives it, as
 * pure functions of plain ratings. Ratings are stored and shown on the Glicko scale (1500, 350);
 * the arithmetic runs on the Glicko-2 scale (μ, φ), converted in and out here only.
 */

/** A new player: the paper's suggested start. */
export const INITIAL_RATING: Rating = { rating: 1500, deviation: 350, volatility: 0.06 };
/** A deviation never grows past a new player's: inactivity cannot make you less known than that. */
export const MAX_DEVIATION = INITIAL_RATING.deviation;
/** As lichess: a rating with a deviation this high or more is provisional ("1500?"). */
export const PROVISIONAL_DEVIATION = 110;
/** τ, how much volatility may change in a period. The paper suggests 0.3 to 1.2; its example uses 0.5. */
export const DEFAULT_TAU = 0.5;
/** One rating period. The server plays each game as its own period and ages ratings by days idle. */
export const RATING_PERIOD_MS = 24 * 60 * 60 * 1000;

/** The paper's 173.7178 = 400 / ln(10), from the Glicko scale to the Glicko-2 scale. */
const SCALE = 400 / Math.LN10;
const CENTRE = 1500;
/** The convergence tolerance of step 5 (the paper's ε). */
const EPSILON = 0.000001;

export type Score = 0 | 0.5 | 1;
export interface RatedGame {
  opponent: Rating;
  /** 1 a win, 0.5 a draw, 0 a loss, for `player`. */
  score: Score;
}

export function isProvisional(rating: Rating): boolean {
  return rating.deviation >= PROVISIONAL_DEVIATION;
}

const g = (phi: number) => 1 / Math.sqrt(1 + (3 * phi * phi) / (Math.PI * Math.PI));
const expected = (mu: number, muJ: number, phiJ: number) => 1 / (1 + Math.exp(-g(phiJ) * (mu - muJ)));
const capped = (phi: number) => Math.min(phi, MAX_DEVIATION / SCALE);

/**
 * `player`'s rating after one rating period in which they played `games` (the server passes one).
 * With no games only step 6 applies: the deviation grows by the volatility, the rest stays.
 */
export function rate(player: Rating, games: readonly RatedGame[], options: { tau?: number } = {}): Rating {
  if (games.length === 0) return ageRating(player, 1);
  const tau = options.tau ?? DEFAULT_TAU;
  // Step 2: to the Glicko-2 scale.
  const mu = (player.rating - CENTRE) / SCALE;
  const phi = player.deviation / SCALE;
  const sigma = player.volatility;

  // Steps 3 and 4: the estimated variance v and improvement Δ from the period's games.
  let inverseV = 0;
  let improvement = 0;
  for (const { opponent, score } of games) {
    const muJ = (opponent.rating - CENTRE) / SCALE;
    const phiJ = opponent.deviation / SCALE;
    const e = expected(mu, muJ, phiJ);
    inverseV += g(phiJ) ** 2 * e * (1 - e);
    improvement += g(phiJ) * (score - e);
  }
  // Results so certain they carry no information (ratings thousands apart): as a period without games.
  if (!(inverseV > 0)) return ageRating(player, 1);
  const v = 1 / inverseV;
  const delta = v * improvement;

  // Step 5: the new volatility σ', by the Illinois algorithm as the paper gives it.
  const a = Math.log(sigma * sigma);
  const f = (x: number) => {
    const ex = Math.exp(x);
    const d = phi * phi + v + ex;
    return (ex * (delta * delta - phi * phi - v - ex)) / (2 * d * d) - (x - a) / (tau * tau);
  };
  let lowA = a;
  let highB: number;
  if (delta * delta > phi * phi + v) {
    highB = Math.log(delta * delta - phi * phi - v);
  } else {
    let k = 1;
    while (f(a - k * tau) < 0) k += 1;
    highB = a - k * tau;
  }
  let fA = f(lowA);
  let fB = f(highB);
  while (Math.abs(highB - lowA) > EPSILON) {
    const c = lowA + ((lowA - highB) * fA) / (fB - fA);
    const fC = f(c);
    if (fC * fB <= 0) {
      lowA = highB;
      fA = fB;
    } else {
      fA /= 2;
    }
    highB = c;
    fB = fC;
  }
  const newSigma = Math.exp(lowA / 2);

  // Steps 6 and 7: the pre-period deviation φ*, then the new φ' and μ'.
  const phiStar = Math.sqrt(phi * phi + newSigma * newSigma);
  const newPhi = 1 / Math.sqrt(1 / (phiStar * phiStar) + 1 / v);
  const newMu = mu + newPhi * newPhi * improvement;

  // Step 8: back to the Glicko scale.
  return { rating: newMu * SCALE + CENTRE, deviation: capped(newPhi) * SCALE, volatility: newSigma };
}

/**
 * `player`'s rating after `periods` rating periods without a game (fractions allowed): step 6
 * once per period, φ' = √(φ² + periods·σ²), never past MAX_DEVIATION.
 */
export function ageRating(player: Rating, periods: number): Rating {
  if (!(periods > 0)) return player;
  const phi = player.deviation / SCALE;
  const aged = Math.sqrt(phi * phi + periods * player.volatility * player.volatility);
  return { ...player, deviation: Math.max(player.deviation, capped(aged) * SCALE) };
}

/** Rating periods from `fromIso` to `toIso` (fractional; 0 when `toIso` is not later). */
export function periodsBetween(fromIso: string, toIso: string): number {
  const elapsed = Date.parse(toIso) - Date.parse(fromIso);
  return Number.isFinite(elapsed) && elapsed > 0 ? elapsed / RATING_PERIOD_MS : 0;
}
