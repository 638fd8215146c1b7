import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt with a salt per password; parameters travel with the hash so they can be raised. */

export interface PasswordCost {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's Password Storage Cheat Sheet lists equivalent scrypt settings from N=2^17,r=8,p=1
 * to N=2^14,r=8,p=5. This is the p=5 one: the same work, but 16 MiB per hash instead of 128 MiB,
 * so concurrent sign-ins cannot run the process out of memory (docs/security.md).
 */
export const PASSWORD_COST: PasswordCost = { N: 2 ** 14, r: 8, p: 5 };
/** What hashes were made with before; such a hash is re-hashed at its next successful sign-in. */
export const LEGACY_PASSWORD_COST: PasswordCost = { N: 2 ** 14, r: 8, p: 1 };

const KEY_LENGTH = 32;
/** No stored hash may ask for more than this (scrypt needs about 128·N·r bytes). */
const MAX_MEMORY = 256 * 1024 * 1024;

function derive(password: string, salt: Buffer, cost: PasswordCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const maxmem = Math.min(MAX_MEMORY, 2 * 128 * cost.N * cost.r);
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...cost, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string, cost: PasswordCost = PASSWORD_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** The parameters a stored hash was made with, or null when it is not a scrypt hash of ours. */
export function hashCost(stored: string): PasswordCost | null {
  const [scheme, n, r, p] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p) return null;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  return Object.values(cost).every((value) => Number.isSafeInteger(value) && value > 0) ? cost : null;
}

/** Whether a stored hash was made with other parameters than `cost` (so it should be made again). */
export function needsRehash(stored: string, cost: PasswordCost = PASSWORD_COST): boolean {
  const made = hashCost(stored);
  return made === null || made.N !== cost.N || made.r !== cost.r || made.p !== cost.p;
}

/** Compares in constant time; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [, , , , salt, key] = stored.split('$');
  const cost = hashCost(stored);
  if (!cost || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  try {
    return timingSafeEqual(await derive(password, Buffer.from(salt, 'base64url'), cost), expected);
  } catch {
    // Parameters scrypt refuses (or that would need too much memory) never match.
    return false;
  }
}
