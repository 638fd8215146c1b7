import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { ClientFailures, SignInGuard } from '../storage/types.js';

/**
 * The rules that throttle sign-in attempts on one name, as pure functions of plain data.
 *
 * Every attempt is reserved (counted as a failure) before the password is checked, and the
 * reservation is written conditional on the guard's version: two attempts decided from the same
 * guard cannot both be checked. Failures are counted per client address, so one client locks
 * only itself out; clients beyond `maxClients` share one entry (EVERYONE_ELSE) whose lock is short.
 */

export interface GuardRules {
  /** Attempts a client may make before it is locked out of this name. */
  freeFailures: number;
  /** The first lock; each further failure doubles it... */
  firstLockMs: number;
  /** ...up to this. */
  longestLockMs: number;
  /** ...and for the clients beyond `maxClients`, who share one entry, up to this. */
  sharedLongestLockMs: number;
  /** Clients the guard tracks one by one; more than this many failing clients is a distributed attack. */
  maxClients: number;
  /** A client's failures are forgotten this long after its last one (longer than any lock). */
  forgetAfterMs: number;
}

export const GUARD_RULES: GuardRules = {
  freeFailures: 5,
  firstLockMs: 30_000,
  longestLockMs: 15 * 60_000,
  sharedLongestLockMs: 2 * 60_000,
  maxClients: 50,
  forgetAfterMs: 30 * 60_000,
};

/** The key shared by every client beyond `maxClients`. */
export const EVERYONE_ELSE = '*';

export const NEW_GUARD: SignInGuard = { version: 0, clients: {} };

/** When this entry's lock ends (epoch ms), or null when it is not locked out at all. */
export function lockEnd(entry: ClientFailures, key: string, rules: GuardRules = GUARD_RULES): number | null {
  if (entry.failures < rules.freeFailures) return null;
  const longest = key === EVERYONE_ELSE ? rules.sharedLongestLockMs : rules.longestLockMs;
  const lock = Math.min(longest, rules.firstLockMs * 2 ** (entry.failures - rules.freeFailures));
  return entry.lastFailureAt + lock;
}

export type Reservation =
  | { ok: true; next: SignInGuard; key: string }
  | { ok: false; retryAfterSeconds: number; shared: boolean };

/**
 * Counts one attempt by `client` at `now` as a failure, up front, or refuses it while that
 * client (or, past the bound, everyone else) is locked out. `next` is the guard to write,
 * conditional on `guard.version`.
 */
export function reserveAttempt(
  guard: SignInGuard,
  client: string,
  now: number,
  rules: GuardRules = GUARD_RULES,
): Reservation {
  const clients: Record<string, ClientFailures> = {};
  let tracked = 0;
  for (const [key, entry] of Object.entries(guard.clients)) {
    if (now - entry.lastFailureAt >= rules.forgetAfterMs) continue;
    clients[key] = entry;
    if (key !== EVERYONE_ELSE) tracked++;
  }
  const key = Object.hasOwn(clients, client) || tracked < rules.maxClients ? client : EVERYONE_ELSE;
  const entry = clients[key] ?? { failures: 0, lastFailureAt: now };
  const end = lockEnd(entry, key, rules);
  if (end !== null && now < end) {
    return { ok: false, retryAfterSeconds: Math.ceil((end - now) / 1000), shared: key === EVERYONE_ELSE };
  }
  clients[key] = { failures: entry.failures + 1, lastFailureAt: now };
  return { ok: true, next: { version: guard.version + 1, clients }, key };
}

/** After a successful sign-in: that client's failures are forgotten, nobody else's. */
export function clearClient(guard: SignInGuard, key: string): SignInGuard {
  const clients = { ...guard.clients };
  delete clients[key];
  return { version: guard.version + 1, clients };
}

/**
 * A short, stable key for a client address: IPv4 as is, IPv6 by its /64 (one subscriber's
 * network), hashed so that player items do not hold addresses.
 */
export function clientKey(address: string): string {
  return createHash('sha256').update(normaliseAddress(address)).digest('base64url').slice(0, 16);
}

export function normaliseAddress(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1] && isIPv4(mapped[1])) return mapped[1];
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return bare.toLowerCase();
  const [head = '', tail = ''] = bare.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = bare.includes('::') && tail ? tail.split(':') : [];
  // An embedded IPv4 tail counts as two groups; the /64 never reaches it.
  const groups = bare.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group || '0', 16).toString(16))
    .join(':')}::/64`;
}
