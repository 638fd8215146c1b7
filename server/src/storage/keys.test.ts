import { describe, expect, it } from 'vitest';
import { gameRecord } from '../test-support/records.js';
import { epochSeconds, gameExpiresAt } from './keys.js';

const DAY = 24 * 60 * 60 * 1000;
const at = (iso: string) => Date.parse(iso);

describe('gameExpiresAt', () => {
  const deadline = '2026-03-01T12:00:00.000Z';
  const updatedAt = '2026-02-20T08:00:00.000Z';

  it('keeps a pending invitation 7 days past its deadline', () => {
    expect(gameExpiresAt(gameRecord({ status: 'pending', deadline, updatedAt }))).toBe(at(deadline) + 7 * DAY);
  });

  it('keeps a game in play 30 days past the deadline of the player to move', () => {
    expect(gameExpiresAt(gameRecord({ status: 'playing', deadline, updatedAt }))).toBe(at(deadline) + 30 * DAY);
  });

  it('counts from the last change for games made without a deadline', () => {
    expect(gameExpiresAt(gameRecord({ status: 'playing', deadline: null, updatedAt }))).toBe(at(updatedAt) + 30 * DAY);
    expect(gameExpiresAt(gameRecord({ status: 'pending', deadline: null, updatedAt }))).toBe(at(updatedAt) + 7 * DAY);
  });

  it('keeps finished games for good', () => {
    expect(gameExpiresAt(gameRecord({ status: 'finished', deadline: null, updatedAt }))).toBeNull();
  });

  it('keeps an answered invitation 7 days after it was answered', () => {
    for (const status of ['declined', 'cancelled', 'expired'] as const) {
      expect(gameExpiresAt(gameRecord({ status, deadline: null, updatedAt }))).toBe(at(updatedAt) + 7 * DAY);
    }
  });

  it('moves forward with each move (the deadline moves), and goes when the game ends', () => {
    const playing = gameRecord({ status: 'playing', deadline, updatedAt });
    const later = { ...playing, deadline: '2026-03-04T12:00:00.000Z' };
    expect(gameExpiresAt(later)).toBeGreaterThan(gameExpiresAt(playing) ?? Number.POSITIVE_INFINITY);
    expect(gameExpiresAt({ ...later, status: 'finished', deadline: null })).toBeNull();
  });
});

describe('epochSeconds', () => {
  it('rounds up, so nothing is deleted before its time', () => {
    expect(epochSeconds(1_000)).toBe(1);
    expect(epochSeconds(1_001)).toBe(2);
  });
});
