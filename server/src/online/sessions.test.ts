import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../storage/memory.js';
import type { SessionsRecord } from '../storage/types.js';
import { type RevocationChannel, Sessions, withoutSessions, withSession } from './sessions.js';

const DAY = 24 * 3_600_000;
const limits = { lifetimeMs: 30 * DAY, max: 3 };

/** A store that counts reads of sessions records. */
class CountingStore extends MemoryStore {
  reads = 0;
  override async getSessions(playerId: string) {
    this.reads++;
    return super.getSessions(playerId);
  }
}

function clock(start = '2026-03-01T12:00:00.000Z') {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function ids() {
  let next = 0;
  return () => `sid${++next}`;
}

describe('the sessions record, as pure rules', () => {
  const at = (iso: string) => new Date(iso);

  it('adds a session, keeps at most `max`, dropping the oldest, and expires with the newest', () => {
    let record: SessionsRecord | null = null;
    for (const [sid, time] of [
      ['a', '2026-01-01T00:00:00.000Z'],
      ['b', '2026-01-02T00:00:00.000Z'],
      ['c', '2026-01-03T00:00:00.000Z'],
      ['d', '2026-01-04T00:00:00.000Z'],
    ] as const) {
      record = withSession(record, 'alice', sid, at(time), limits);
    }
    expect(record).toEqual({
      playerId: 'alice',
      version: 4,
      sessions: { b: '2026-01-02T00:00:00.000Z', c: '2026-01-03T00:00:00.000Z', d: '2026-01-04T00:00:00.000Z' },
      expiresAt: Date.parse('2026-02-03T00:00:00.000Z') / 1000,
    });
  });

  it('forgets sessions past their lifetime', () => {
    const old = withSession(null, 'alice', 'a', at('2026-01-01T00:00:00.000Z'), limits);
    expect(Object.keys(withSession(old, 'alice', 'b', at('2026-02-01T00:00:00.000Z'), limits).sessions)).toEqual(['b']);
  });

  it('removes one session or all of them, and changes nothing for a session already gone', () => {
    const now = at('2026-01-02T00:00:00.000Z');
    const two = withSession(withSession(null, 'alice', 'a', now, limits), 'alice', 'b', now, limits);
    expect(withoutSessions(two, 'a', now, limits.lifetimeMs)).toMatchObject({
      version: 3,
      sessions: { b: expect.any(String) },
    });
    expect(withoutSessions(two, 'zzz', now, limits.lifetimeMs)).toBeNull();
    expect(withoutSessions(two, null, now, limits.lifetimeMs)).toMatchObject({ version: 3, sessions: {} });
    expect(withoutSessions(null, null, now, limits.lifetimeMs)).toBeNull();
  });
});

describe('checking sessions', () => {
  it('answers from what it read for checkMs, then reads again', async () => {
    const store = new CountingStore();
    const time = clock();
    const sessions = new Sessions(store, time.now, { checkMs: 10_000, newId: ids() });
    const sid = await sessions.start('alice');
    store.reads = 0;
    for (let i = 0; i < 50; i++) expect(await sessions.isActive('alice', sid)).toBe(true);
    expect(store.reads).toBe(0);
    time.advance(10_000);
    expect(await sessions.isActive('alice', sid)).toBe(true);
    expect(store.reads).toBe(1);
  });

  it('reads for every check with checkMs 0', async () => {
    const store = new CountingStore();
    const sessions = new Sessions(store, clock().now, { checkMs: 0, newId: ids() });
    const sid = await sessions.start('alice');
    store.reads = 0;
    await sessions.isActive('alice', sid);
    await sessions.isActive('alice', sid);
    expect(store.reads).toBe(2);
  });

  it('sees a sign-out on another instance once its record is older than checkMs, and remembers it', async () => {
    const store = new CountingStore();
    const time = clock();
    const here = new Sessions(store, time.now, { checkMs: 10_000, newId: ids() });
    const there = new Sessions(store, time.now, { checkMs: 10_000, newId: () => 'unused' });
    const sid = await here.start('alice');
    expect(await there.isActive('alice', sid)).toBe(true);
    await here.end('alice', sid);
    expect(await here.isActive('alice', sid)).toBe(false);
    // Within the bound, the other instance still trusts what it read…
    time.advance(9_999);
    expect(await there.isActive('alice', sid)).toBe(true);
    // …and no longer after it.
    time.advance(1);
    expect(await there.isActive('alice', sid)).toBe(false);
    // A replayed cookie costs no more reads: its end is known for good.
    store.reads = 0;
    for (let i = 0; i < 20; i++) expect(await there.isActive('alice', sid)).toBe(false);
    expect(store.reads).toBe(0);
  });

  it('finds a session signed in on another instance, though its own record is fresh', async () => {
    const store = new MemoryStore();
    const time = clock();
    const here = new Sessions(store, time.now, { checkMs: 60_000, newId: () => 'first' });
    const there = new Sessions(store, time.now, { checkMs: 60_000, newId: () => 'second' });
    await here.start('alice');
    expect(await there.isActive('alice', 'first')).toBe(true);
    const sid = await here.start('alice');
    expect(await there.isActive('alice', sid)).toBe(true);
  });

  it('hears of a revocation on the channel at once', async () => {
    const store = new MemoryStore();
    const time = clock();
    const listeners: Parameters<RevocationChannel['subscribe']>[0][] = [];
    const channel: RevocationChannel = {
      async publish(playerId) {
        for (const listener of listeners) listener.revoked(playerId);
        return true;
      },
      async subscribe(listener) {
        listeners.push(listener);
        return () => {};
      },
    };
    const here = new Sessions(store, time.now, { checkMs: 3_600_000, channel, newId: ids() });
    const there = new Sessions(store, time.now, { checkMs: 3_600_000, channel, newId: ids() });
    const sid = await here.start('alice');
    expect(await there.isActive('alice', sid)).toBe(true);
    let ended = false;
    there.hold('alice', sid, () => {
      ended = true;
    });
    await here.endAll('alice');
    expect(await there.isActive('alice', sid)).toBe(false);
    expect(ended).toBe(true);
  });

  it('ends what a session holds open when it ends, and nothing of other sessions', async () => {
    const store = new MemoryStore();
    const sessions = new Sessions(store, clock().now, { checkMs: 10_000, newId: ids() });
    const one = await sessions.start('alice');
    const two = await sessions.start('alice');
    const ended: string[] = [];
    sessions.hold('alice', one, () => ended.push(one));
    sessions.hold('alice', two, () => ended.push(two));
    await sessions.end('alice', one);
    expect(ended).toEqual([one]);
  });

  it('without a channel, a sweep ends streams of sessions revoked on another instance, once checkMs has passed', async () => {
    const store = new MemoryStore();
    const time = clock();
    const here = new Sessions(store, time.now, { checkMs: 10_000, newId: ids() });
    const there = new Sessions(store, time.now, { checkMs: 10_000, newId: ids() });
    const sid = await here.start('alice');
    expect(await there.isActive('alice', sid)).toBe(true);
    let ended = false;
    there.hold('alice', sid, () => {
      ended = true;
    });
    await here.end('alice', sid);
    await there.sweep();
    expect(ended).toBe(false);
    time.advance(10_000);
    await there.sweep();
    expect(ended).toBe(true);
  });

  it('says a session is forgotten when the store holds no record of the player at all', async () => {
    const sessions = new Sessions(new MemoryStore(), clock().now, { checkMs: 10_000 });
    expect(await sessions.check('alice', 'whatever')).toBe('forgotten');
    // And still, from what it remembers.
    expect(await sessions.check('alice', 'whatever')).toBe('forgotten');
  });

  it('keeps at most the configured number of sessions: the oldest sign-in is signed out', async () => {
    const time = clock();
    const sessions = new Sessions(new MemoryStore(), time.now, { checkMs: 0, maxPerPlayer: 3, newId: ids() });
    const sids: string[] = [];
    for (let i = 0; i < 4; i++) {
      sids.push(await sessions.start('alice'));
      time.advance(1000);
    }
    expect(await Promise.all(sids.map((sid) => sessions.isActive('alice', sid)))).toEqual([false, true, true, true]);
  });

  it('lets one of two sign-ins at once write first, and the other decide again', async () => {
    const sessions = new Sessions(new MemoryStore(), clock().now, { checkMs: 0, newId: ids() });
    const sids = await Promise.all([1, 2, 3, 4, 5].map(() => sessions.start('alice')));
    expect(await Promise.all(sids.map((sid) => sessions.isActive('alice', sid)))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
  });
});
