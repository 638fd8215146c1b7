import { describe, expect, it } from 'vitest';
import { ExpiringMap } from './expiring-map.js';

function clocked() {
  let now = 1_000;
  const expired: [string, number][] = [];
  const map = new ExpiringMap<string, number>({
    now: () => now,
    onExpire: (key, value) => expired.push([key, value]),
  });
  return { map, expired, advance: (ms: number) => (now += ms) };
}

describe('ExpiringMap', () => {
  it('forgets an entry exactly when its time comes, and says so', () => {
    const { map, expired, advance } = clocked();
    map.set('a', 1, 1_500);
    map.set('b', 2, 2_000);
    map.set('c', 3, null);
    advance(499);
    expect(map.get('a')).toBe(1);
    advance(1);
    expect(map.get('a')).toBeUndefined();
    expect(expired).toEqual([['a', 1]]);
    expect(map.size).toBe(2);
    advance(1_000_000);
    expect([...map.values()]).toEqual([3]);
    expect(expired).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('takes the time of the last set: later, earlier, or never', () => {
    const { map, expired, advance } = clocked();
    map.set('a', 1, 1_100);
    map.set('a', 2, 5_000);
    advance(200);
    expect(map.get('a')).toBe(2);
    map.set('a', 3, null);
    advance(10_000);
    expect(map.get('a')).toBe(3);
    map.set('b', 4, 20_000);
    map.set('b', 5, 11_500);
    advance(500);
    expect(map.has('b')).toBe(false);
    expect(expired).toEqual([['b', 5]]);
  });

  it('does not report deleted entries as expired', () => {
    const { map, expired, advance } = clocked();
    map.set('a', 1, 1_100);
    expect(map.delete('a')).toBe(true);
    advance(200);
    expect(map.size).toBe(0);
    expect(expired).toEqual([]);
  });

  it('keeps everything without a clock', () => {
    const map = new ExpiringMap<string, number>();
    map.set('a', 1, 0);
    expect(map.get('a')).toBe(1);
    expect(map.expire()).toBe(0);
  });

  it('stays right, and small, when entries are re-set many times', () => {
    const { map, advance } = clocked();
    for (let round = 0; round < 1_000; round++) {
      for (let key = 0; key < 10; key++) map.set(`k${key}`, round, 2_000 + round * 10 + key);
    }
    expect(map.size).toBe(10);
    expect((map as unknown as { heap: unknown[] }).heap.length).toBeLessThanOrEqual(64 + 2 * 10 + 1);
    advance(1_000 + 999 * 10 + 4);
    expect([...map.values()].length).toBe(5);
    expect(map.get('k5')).toBe(999);
    expect(map.get('k4')).toBeUndefined();
  });
});
