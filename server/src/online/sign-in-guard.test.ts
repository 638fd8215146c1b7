import { describe, expect, it } from 'vitest';
import type { SignInGuard } from '../storage/types.js';
import {
  clearClient,
  clientKey,
  EVERYONE_ELSE,
  GUARD_RULES,
  lockEnd,
  NEW_GUARD,
  normaliseAddress,
  type Reservation,
  reserveAttempt,
} from './sign-in-guard.js';

const T0 = Date.parse('2026-11-30T12:00:00.000Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;

function granted(reservation: Reservation): SignInGuard {
  if (!reservation.ok) throw new Error(`refused for ${reservation.retryAfterSeconds} s`);
  return reservation.next;
}

/** `count` attempts by `client`, all failing, at `at`. */
function fail(guard: SignInGuard, client: string, count: number, at: number): SignInGuard {
  let next = guard;
  for (let i = 0; i < count; i++) next = granted(reserveAttempt(next, client, at));
  return next;
}

describe('reserveAttempt', () => {
  it('counts each attempt as a failure before the check, and bumps the version', () => {
    const first = reserveAttempt(NEW_GUARD, 'a', T0);
    expect(first).toEqual({
      ok: true,
      key: 'a',
      next: { version: 1, clients: { a: { failures: 1, lastFailureAt: T0 } } },
    });
    expect(granted(reserveAttempt(granted(first), 'a', T0 + 1)).clients.a).toEqual({
      failures: 2,
      lastFailureAt: T0 + 1,
    });
  });

  it('allows five attempts per client, then locks that client for 30 s doubling to 15 min', () => {
    let guard = fail(NEW_GUARD, 'a', 5, T0);
    expect(reserveAttempt(guard, 'a', T0)).toEqual({ ok: false, retryAfterSeconds: 30, shared: false });
    expect(reserveAttempt(guard, 'a', T0 + 29_001)).toEqual({ ok: false, retryAfterSeconds: 1, shared: false });
    // Each further failure doubles the lock: 60 s, 2, 4, 8 min, then 15 min at most.
    let at = T0 + 30 * SECOND;
    for (const lock of [60, 120, 240, 480, 900, 900]) {
      guard = granted(reserveAttempt(guard, 'a', at));
      expect(reserveAttempt(guard, 'a', at)).toEqual({ ok: false, retryAfterSeconds: lock, shared: false });
      at += lock * SECOND;
    }
  });

  it('locks only the failing client: the owner on another address still gets in', () => {
    const guard = fail(NEW_GUARD, 'attacker', 5, T0);
    expect(reserveAttempt(guard, 'attacker', T0 + SECOND).ok).toBe(false);
    const owner = reserveAttempt(guard, 'owner', T0 + SECOND);
    expect(owner.ok).toBe(true);
  });

  it('forgets a client 30 minutes after its last failure (longer than any lock), and prunes on every write', () => {
    const guard = fail(fail(NEW_GUARD, 'a', 5, T0), 'b', 1, T0 + 20 * MINUTE);
    expect(reserveAttempt(guard, 'a', T0 + 30 * MINUTE - 1).ok).toBe(true);
    const later = granted(reserveAttempt(guard, 'c', T0 + 30 * MINUTE));
    expect(Object.keys(later.clients).sort()).toEqual(['b', 'c']);
  });

  describe('more failing clients than it tracks (a distributed attack)', () => {
    const full = (at: number) => {
      let guard = NEW_GUARD;
      for (let i = 0; i < GUARD_RULES.maxClients; i++) guard = fail(guard, `bot${i}`, 5, at);
      return guard;
    };

    it('counts every client beyond the 50th in one shared entry, five attempts then a short lock', () => {
      let guard = full(T0);
      for (let i = 0; i < 5; i++) {
        const reservation = reserveAttempt(guard, `newcomer${i}`, T0);
        expect(reservation).toMatchObject({ ok: true, key: EVERYONE_ELSE });
        guard = granted(reservation);
      }
      expect(Object.keys(guard.clients)).toHaveLength(GUARD_RULES.maxClients + 1);
      // The owner, coming from an address the guard has not seen, waits with everyone else...
      expect(reserveAttempt(guard, 'owner', T0)).toEqual({ ok: false, retryAfterSeconds: 30, shared: true });
      // ...for at most 2 minutes at a time however long the attack goes on, not 15.
      let at = T0 + 30 * SECOND;
      for (const lock of [60, 120, 120, 120]) {
        guard = granted(reserveAttempt(guard, `newcomer-at-${at}`, at));
        expect(reserveAttempt(guard, 'owner', at)).toEqual({ ok: false, retryAfterSeconds: lock, shared: true });
        at += lock * SECOND;
      }
      expect(reserveAttempt(guard, 'owner', at)).toMatchObject({ ok: true, key: EVERYONE_ELSE });
    });

    it('keeps the clients it tracks on their own counts, and a success clears only the shared entry', () => {
      const guard = granted(reserveAttempt(full(T0), 'owner', T0));
      expect(reserveAttempt(guard, 'bot3', T0)).toMatchObject({ ok: false, shared: false });
      const cleared = clearClient(guard, EVERYONE_ELSE);
      expect(cleared.clients).not.toHaveProperty(EVERYONE_ELSE);
      expect(Object.keys(cleared.clients)).toHaveLength(GUARD_RULES.maxClients);
    });

    it('makes room again as tracked clients are forgotten', () => {
      const guard = full(T0);
      expect(reserveAttempt(guard, 'owner', T0 + 30 * MINUTE)).toMatchObject({ ok: true, key: 'owner' });
    });
  });
});

describe('clearClient', () => {
  it("forgets one client's failures and bumps the version", () => {
    const guard = fail(fail(NEW_GUARD, 'a', 3, T0), 'b', 2, T0);
    expect(clearClient(guard, 'a')).toEqual({ version: 6, clients: { b: { failures: 2, lastFailureAt: T0 } } });
  });
});

describe('lockEnd', () => {
  it('is null below five failures', () => {
    expect(lockEnd({ failures: 4, lastFailureAt: T0 }, 'a')).toBeNull();
    expect(lockEnd({ failures: 5, lastFailureAt: T0 }, 'a')).toBe(T0 + 30 * SECOND);
  });
});

describe('client addresses', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('normalises %s to %s', (address, normal) => {
    expect(normaliseAddress(address)).toBe(normal);
  });

  it('gives one key to a whole IPv6 /64, and different keys to different IPv4 addresses', () => {
    expect(clientKey('2001:db8:1:2::a')).toBe(clientKey('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    expect(clientKey('2001:db8:1:3::a')).not.toBe(clientKey('2001:db8:1:2::a'));
    expect(clientKey('203.0.113.7')).not.toBe(clientKey('203.0.113.8'));
    expect(clientKey('203.0.113.7')).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});
