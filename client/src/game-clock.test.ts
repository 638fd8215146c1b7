import type { GameView, Presence } from '@ttt/shared';
import { describe, expect, it } from 'vitest';
import {
  claimOpensAt,
  deadlineLine,
  duration,
  formatClock,
  offsetFrom,
  timeControlLabel,
  timeLeft,
} from './game-clock';

const T0 = Date.parse('2026-11-30T10:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const alice = { id: 'alice', name: 'alice' };
const bob = { id: 'bob', name: 'bob' };

/** Bob (X) to move in a live game, 50 s on his clock from T0. */
const live: GameView = {
  id: 'g'.repeat(22),
  version: 3,
  status: 'playing',
  invite: 'name',
  host: alice,
  opponent: bob,
  hostMark: 'O',
  board: ['', '', '', '', '', '', '', '', ''],
  turn: 'X',
  result: null,
  createdAt: iso(-60_000),
  updatedAt: iso(0),
  rematchOf: null,
  timeControl: { type: 'live', initialSeconds: 60, incrementSeconds: 2 },
  deadline: iso(50_000),
  rated: false,
  ratingChanges: null,
  moves: [],
  finishedAt: null,
  rematchId: null,
  clocks: { X: 50_000, O: 61_000 },
};
const away = (lastSeenAt: string | null): Presence => ({
  players: [
    { id: 'alice', online: true, lastSeenAt: null },
    { id: 'bob', online: false, lastSeenAt },
  ],
  spectators: 0,
  abandonAfterMs: 30_000,
});

describe('clocks', () => {
  it("counts the mover's clock down to the deadline by the server's time, the other stands", () => {
    expect(timeLeft(live, 'X', T0 + 20_000)).toBe(30_000);
    expect(timeLeft(live, 'X', T0 + 90_000)).toBe(0);
    expect(timeLeft(live, 'O', T0 + 20_000)).toBe(61_000);
    expect(timeLeft({ ...live, clocks: null }, 'X', T0)).toBeNull();
  });

  it('corrects a device clock that is wrong by the server time it was sent', () => {
    const deviceNow = T0 - 3_600_000; // an hour slow
    const offset = offsetFrom(iso(10_000), deviceNow);
    expect(timeLeft(live, 'X', deviceNow + offset)).toBe(40_000);
  });

  it('formats minutes and seconds, and tenths in the last ten seconds', () => {
    expect([65_000, 60_000, 10_000, 9_449, 0, -5].map(formatClock)).toEqual([
      '1:05',
      '1:00',
      '0:10',
      '0:09.4',
      '0:00.0',
      '0:00.0',
    ]);
  });

  it('names time controls', () => {
    expect(timeControlLabel({ type: 'live', initialSeconds: 60, incrementSeconds: 2 })).toBe('1 min + 2 s');
    expect(timeControlLabel({ type: 'live', initialSeconds: 90, incrementSeconds: 0 })).toBe('90 s + 0 s');
    expect(timeControlLabel({ type: 'correspondence', days: 1 })).toBe('1 day per move');
    expect(timeControlLabel(null)).toBeNull();
  });
});

describe('deadlines', () => {
  it('says when an invitation expires and when a correspondence move is due, to whom', () => {
    const pending = { ...live, status: 'pending' as const, clocks: null, deadline: iso(23 * 3_600_000 + 5) };
    expect(deadlineLine(pending, 'alice', T0)).toBe('The invitation expires in 23 hours');
    const correspondence = { ...live, clocks: null, timeControl: { type: 'correspondence', days: 3 } as const };
    expect(deadlineLine({ ...correspondence, deadline: iso(2 * 86_400_000 + 1) }, 'bob', T0)).toBe(
      'Your move is due in 2 days',
    );
    expect(deadlineLine({ ...correspondence, deadline: iso(90_000) }, 'alice', T0)).toBe(
      'The next move is due in 1 minute',
    );
    expect(deadlineLine(live, 'bob', T0)).toBeNull();
    expect(duration(1500)).toBe('2 seconds');
  });
});

describe('claims', () => {
  it('opens a claim to the player waiting once the mover has been gone long enough', () => {
    expect(claimOpensAt(live, away(iso(5_000)), 'alice')).toEqual({ mover: bob, at: T0 + 35_000 });
    // Never seen on the page: gone since the turn began.
    expect(claimOpensAt(live, away(null), 'alice')?.at).toBe(T0 + 30_000);
    expect(claimOpensAt(live, away(null), 'bob')).toBeNull();
    expect(claimOpensAt(live, away(null), 'carol')).toBeNull();
    expect(claimOpensAt({ ...live, timeControl: { type: 'correspondence', days: 3 } }, away(null), 'alice')).toBeNull();
    const here = { ...away(null), players: [{ id: 'bob', online: true, lastSeenAt: null }] };
    expect(claimOpensAt(live, here, 'alice')).toBeNull();
  });
});
