/**
 * Whether a session secret is obviously weak: the signs a person's made-up or placeholder
 * secret shows and random bytes never do. Not a proof of strength; a readable phrase passes.
 */

/** What the error message tells an operator to do. */
export const HOW_TO_MAKE_A_SECRET =
  "make one with `openssl rand -base64 48` or `node -e \"console.log(require('crypto').randomBytes(48).toString('base64'))\"`";

/** Fewer different characters than this: 32 × "a", "abababab…" (32 random hex digits have fewer about once in 10^7). */
const MIN_DISTINCT = 8;
/** This many characters in a row that are equal or step by one: "aaaaaaaa", "12345678", "hgfedcba". */
const LONGEST_RUN = 8;
/** Estimated bits below this (random hex of 32 characters, 128 real bits, estimates at 96 or more). */
const MIN_BITS = 80;

/** Character frequencies' Shannon entropy times the length: a rough upper bound for a secret's bits. */
export function estimatedBits(secret: string): number {
  const chars = [...secret];
  const counts = new Map<string, number>();
  for (const char of chars) counts.set(char, (counts.get(char) ?? 0) + 1);
  let perChar = 0;
  for (const count of counts.values()) {
    const p = count / chars.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * chars.length;
}

/** Why the secret is obviously weak, or null when nothing obvious is wrong. */
export function secretWeakness(secret: string): string | null {
  const chars = [...secret];
  const distinct = new Set(chars).size;
  if (distinct < MIN_DISTINCT) return `it has only ${distinct} different characters`;

  for (let period = 1; period <= chars.length / 2; period++) {
    if (chars.every((char, i) => i < period || char === chars[i - period])) return 'it repeats a shorter part';
  }

  const codes = chars.map((char) => char.codePointAt(0) ?? 0);
  let run = 1;
  let step = 0;
  for (let i = 1; i < codes.length; i++) {
    const next = (codes[i] ?? 0) - (codes[i - 1] ?? 0);
    if (Math.abs(next) <= 1 && (run === 1 || next === step)) {
      run++;
      step = next;
    } else {
      run = Math.abs(next) <= 1 ? 2 : 1;
      step = next;
    }
    if (run >= LONGEST_RUN) return `it has a run of ${LONGEST_RUN} characters in a row`;
  }

  const bits = estimatedBits(secret);
  if (bits < MIN_BITS) return `it holds only about ${Math.floor(bits)} bits of randomness`;
  return null;
}
