import { describe, expect, it } from 'vitest';
import type { Player, TimeControl } from './online-api.js';
import { markOf, pairedGame, turnPlayerId } from './online-game.js';
import {
  EMPTY_QUEUE,
  leave,
  type PairingQueue,
  PairingQueueSchema,
  pairingOf,
  pairingStatus,
  SEEK_TTL_MS,
  type SeekChoice,
  SeekRequestSchema,
  seek,
} from './pairing.js';

const T0 = Date.parse('2026-11-30T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const alice: Player = { id: 'alice', name: 'Alice' };
const bob: Player = { id: 'bob', name: 'Bob' };
const carol: Player = { id: 'carol', name: 'Carol' };
const BLITZ: TimeControl = { type: 'live', initialSeconds: 180, incrementSeconds: 2 };
const SLOW: TimeControl = { type: 'correspondence', days: 3 };
const gameId = (n: number) => `pair${String(n).padStart(18, '0')}`;
const casual = (timeControl: TimeControl): SeekChoice => ({ timeControl, rated: false });
const rated = (timeControl: TimeControl): SeekChoice => ({ timeControl, rated: true });

function waiting(queue: PairingQueue, player: Player, choice: SeekChoice, now: string): PairingQueue {
  const outcome = seek(queue, player, choice, now, gameId(0));
  if (outcome.type !== 'waiting') throw new Error('paired');
  return outcome.queue;
}

describe('play anyone', () => {
  it('makes the first seeker wait and pairs the next with the same time control', () => {
    const queue = waiting(EMPTY_QUEUE, alice, casual(BLITZ), at(0));
    expect(pairingStatus(queue, 'alice', at(1)).state).toBe('waiting');
    expect(pairingStatus(queue, 'bob', at(1))).toMatchObject({ state: 'idle', waiting: 1 });
    const outcome = seek(queue, bob, casual(BLITZ), at(2000), gameId(1));
    expect(outcome.type).toBe('paired');
    if (outcome.type !== 'paired') return;
    expect(outcome.pairing).toEqual({
      gameId: gameId(1),
      host: alice,
      opponent: bob,
      timeControl: BLITZ,
      rated: false,
      at: at(2000),
    });
    expect(outcome.queue.seekers).toEqual([]);
    expect(outcome.queue.version).toBe(queue.version + 1);
    // Both learn the game from the queue, the one who waited included.
    for (const id of ['alice', 'bob']) {
      expect(pairingStatus(outcome.queue, id, at(3000))).toMatchObject({ state: 'paired', gameId: gameId(1) });
    }
  });

  it('keeps different time controls apart, and one seeker in one queue at a time', () => {
    let queue = waiting(EMPTY_QUEUE, alice, casual(BLITZ), at(0));
    queue = waiting(queue, bob, casual(SLOW), at(1));
    expect(queue.seekers.map((s) => s.player.id)).toEqual(['alice', 'bob']);
    // Alice changes her mind: she now waits for a slow game only, and is paired with Bob.
    const outcome = seek(queue, alice, casual(SLOW), at(2), gameId(2));
    expect(outcome).toMatchObject({ type: 'paired', pairing: { host: bob, opponent: alice }, queue: { seekers: [] } });
  });

  it('never pairs a player with themself; asking again keeps their place and extends the wait', () => {
    const queue = waiting(EMPTY_QUEUE, alice, casual(BLITZ), at(0));
    const again = waiting(queue, alice, casual(BLITZ), at(30_000));
    expect(again.seekers).toEqual([
      { player: alice, timeControl: BLITZ, rated: false, since: at(0), until: at(30_000 + SEEK_TTL_MS) },
    ]);
  });

  it('forgets a seeker who stopped asking, so nobody is paired with a closed page', () => {
    const queue = waiting(EMPTY_QUEUE, alice, casual(BLITZ), at(0));
    const late = seek(queue, bob, casual(BLITZ), at(SEEK_TTL_MS), gameId(3));
    expect(late.type).toBe('waiting');
    expect(late.queue.seekers.map((s) => s.player.id)).toEqual(['bob']);
  });

  it('lets a seeker leave, and says when there was nothing to leave', () => {
    const queue = waiting(EMPTY_QUEUE, alice, casual(BLITZ), at(0));
    expect(leave(queue, 'alice', at(1))?.seekers).toEqual([]);
    expect(leave(queue, 'bob', at(1))).toBeNull();
  });

  it('pairs twenty seekers into ten games, each in exactly one', () => {
    let queue = EMPTY_QUEUE;
    const games = new Map<string, string>();
    for (let i = 0; i < 20; i++) {
      const player = { id: `p${i}`, name: `P${i}` };
      const outcome = seek(queue, player, casual(BLITZ), at(i), gameId(100 + i));
      queue = outcome.queue;
      if (outcome.type === 'paired') {
        for (const p of [outcome.pairing.host, outcome.pairing.opponent]) {
          expect(games.has(p.id)).toBe(false);
          games.set(p.id, outcome.pairing.gameId);
        }
      }
    }
    expect(games.size).toBe(20);
    expect(new Set(games.values()).size).toBe(10);
    expect(queue.seekers).toEqual([]);
    expect(pairingOf(queue, 'p0', at(100))?.gameId).toBe(games.get('p0'));
  });

  it('starts the paired game at once, the player who waited as X to move, clocks running', () => {
    const pairing = { gameId: gameId(9), host: carol, opponent: bob, timeControl: BLITZ, rated: false, at: at(0) };
    const game = pairedGame(pairing);
    expect(game).toMatchObject({
      id: gameId(9),
      status: 'playing',
      clocks: { X: 180_000, O: 180_000 },
      deadline: at(180_000),
      timeControl: BLITZ,
      rated: false,
    });
    expect(markOf(game, 'carol')).toBe('X');
    expect(turnPlayerId(game)).toBe('carol');
    expect(pairedGame({ ...pairing, rated: true }).rated).toBe(true);
  });
});

describe('rated or casual', () => {
  it('pairs only seekers asking for the same time control and the same rated choice', () => {
    let queue = waiting(EMPTY_QUEUE, alice, rated(BLITZ), at(0));
    // Bob wants a casual blitz game: not Alice's rated one; both wait.
    queue = waiting(queue, bob, casual(BLITZ), at(1));
    // Carol wants a rated slow game: nobody's; she waits too.
    queue = waiting(queue, carol, rated(SLOW), at(2));
    expect(queue.seekers.map((s) => [s.player.id, s.rated])).toEqual([
      ['alice', true],
      ['bob', false],
      ['carol', true],
    ]);
    expect(pairingStatus(queue, 'alice', at(3))).toMatchObject({ state: 'waiting', rated: true, timeControl: BLITZ });
    expect(pairingStatus(queue, 'bob', at(3))).toMatchObject({ state: 'waiting', rated: false });
    const dave: Player = { id: 'dave', name: 'Dave' };
    const outcome = seek(queue, dave, rated(BLITZ), at(4), gameId(20));
    expect(outcome).toMatchObject({
      type: 'paired',
      pairing: { host: alice, opponent: dave, timeControl: BLITZ, rated: true },
    });
    if (outcome.type !== 'paired') return;
    expect(outcome.queue.seekers.map((s) => s.player.id)).toEqual(['bob', 'carol']);
    expect(pairingStatus(outcome.queue, 'dave', at(5))).toMatchObject({ state: 'paired', rated: true });
    expect(pairedGame(outcome.pairing).rated).toBe(true);
  });

  it('moves a seeker who changes only the rated choice, and restarts their wait', () => {
    const queue = waiting(EMPTY_QUEUE, alice, casual(BLITZ), at(0));
    const again = waiting(queue, alice, rated(BLITZ), at(1000));
    expect(again.seekers).toEqual([
      { player: alice, timeControl: BLITZ, rated: true, since: at(1000), until: at(1000 + SEEK_TTL_MS) },
    ]);
    expect(seek(again, bob, casual(BLITZ), at(2000), gameId(21)).type).toBe('waiting');
  });

  it('reads a queue stored before the choice existed as casual', () => {
    const stored = {
      version: 3,
      seekers: [{ player: alice, timeControl: BLITZ, since: at(0), until: at(SEEK_TTL_MS) }],
      recent: [{ gameId: gameId(22), host: carol, opponent: bob, timeControl: SLOW, at: at(0) }],
    };
    const queue = PairingQueueSchema.parse(stored);
    expect(queue.seekers[0]?.rated).toBe(false);
    expect(queue.recent[0]?.rated).toBe(false);
    expect(seek(queue, bob, casual(BLITZ), at(1), gameId(23))).toMatchObject({ type: 'paired' });
  });

  it('takes rated in the request, casual when it is left out, and nothing unknown', () => {
    expect(SeekRequestSchema.parse({ timeControl: BLITZ, rated: true })).toEqual({ timeControl: BLITZ, rated: true });
    expect(SeekRequestSchema.parse({ timeControl: BLITZ }).rated).toBeUndefined();
    expect(SeekRequestSchema.safeParse({ timeControl: BLITZ, rated: 'yes' }).success).toBe(false);
    expect(SeekRequestSchema.safeParse({ timeControl: BLITZ, rated: true, colour: 'X' }).success).toBe(false);
  });
});
