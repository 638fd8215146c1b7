import { randomBytes } from 'node:crypto';
import { type Mark, NEW_TALLY, tallyDue } from '@ttt/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GameRecord, Store } from '../storage/types.js';
import { EVERY_STORE } from '../test-support/dynalite.js';
import { gameRecord, playerRecord } from '../test-support/records.js';
import { LocalChangeFeed } from './change-feed.js';
import { Games, type GamesOptions } from './games.js';

/**
 * Records and ratings are counted once per finished game and player (online/tally.ts), on both
 * stores: after retries, races between instances, and crashes at every step of a tally.
 */

const NOW = new Date('2026-11-30T12:00:00.000Z');
const clock = () => NOW;

/** X (alice's seat below: the invitee) beat O along the top row. */
const X_WON = {
  status: 'finished' as const,
  board: ['X', 'X', 'X', 'O', 'O', '', '', '', ''] as GameRecord['board'],
  moves: [0, 3, 1, 4, 2],
  result: { winner: 'X' as const, reason: 'line' as const, line: [0, 1, 2] as [number, number, number] },
  finishedAt: '2026-11-30T11:59:00.000Z',
  tally: NEW_TALLY,
};

describe.each(EVERY_STORE)('tallies on the %s store', (_name, open) => {
  let store: Store;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ store, close } = await open());
  });
  afterAll(async () => {
    await store.close();
    await close?.();
  });

  const instance = (options: GamesOptions = {}) => new Games(store, new LocalChangeFeed(), clock, options);

  /** Two new players, and a finished game between them: `x` played X and won. */
  async function finishedGame(fields: Partial<GameRecord> = {}) {
    const suffix = randomBytes(4).toString('hex');
    const x = playerRecord(`x_${suffix}`);
    const o = playerRecord(`o_${suffix}`);
    await store.createPlayer(x);
    await store.createPlayer(o);
    const game = gameRecord({
      hostId: o.id,
      hostName: o.name,
      opponentId: x.id,
      opponentName: x.name,
      hostMark: 'O',
      rated: true,
      ...X_WON,
      ...fields,
    });
    await store.createGame(game);
    return { x, o, game };
  }

  async function statsOf(id: string) {
    const [stats] = await store.getStats([id]);
    return stats ?? null;
  }

  it('counts a rated win once for each player: records, ratings, chart points, and the game shows both changes', async () => {
    const { x, o, game } = await finishedGame();
    const tallied = await instance().get(game.id);
    expect(tallyDue(tallied)).toBe(false);
    const [sx, so] = [await statsOf(x.id), await statsOf(o.id)];
    expect(sx?.record).toEqual({ wins: 1, losses: 0, draws: 0 });
    expect(so?.record).toEqual({ wins: 0, losses: 1, draws: 0 });
    // Two new players (1500, deviation 350): Glicko-2 gives the winner about +162.
    expect(sx?.rating?.rating).toBeCloseTo(1662.31, 1);
    expect(so?.rating?.rating).toBeCloseTo(1337.69, 1);
    expect(sx?.rating?.games).toBe(1);
    expect(sx?.history).toEqual([{ at: X_WON.finishedAt, rating: sx?.rating?.rating, gameId: game.id }]);
    expect(sx?.pending).toEqual([]);
    expect(so?.pending).toEqual([]);
    expect(tallied.tally?.X?.change).toEqual({ before: 1500, after: sx?.rating?.rating });
    expect(tallied.tally?.O?.change).toEqual({ before: 1500, after: so?.rating?.rating });
    expect(await store.getGame(game.id)).toEqual(tallied);
  });

  it('counts a rated game lost on time, when whoever reads it first records the time-out', async () => {
    // X (to move, with the board empty) let the deadline pass a minute ago.
    const { x, o, game } = await finishedGame({
      status: 'playing',
      board: ['', '', '', '', '', '', '', '', ''],
      moves: [],
      result: null,
      finishedAt: null,
      tally: null,
      deadline: '2026-11-30T11:59:00.000Z',
    });
    const read = await instance().get(game.id);
    expect(read).toMatchObject({ status: 'finished', result: { winner: 'O', reason: 'timeout' } });
    expect(tallyDue(read)).toBe(false);
    expect((await statsOf(o.id))?.record.wins).toBe(1);
    expect((await statsOf(x.id))?.record.losses).toBe(1);
    expect((await statsOf(o.id))?.rating?.rating).toBeGreaterThan(1500);
    expect((await statsOf(x.id))?.rating?.rating).toBeLessThan(1500);
  });

  it('counts a casual game in the records only', async () => {
    const { x, o, game } = await finishedGame({ rated: false });
    const tallied = await instance().get(game.id);
    expect((await statsOf(x.id))?.record.wins).toBe(1);
    expect((await statsOf(o.id))?.record.losses).toBe(1);
    expect((await statsOf(x.id))?.rating).toBeNull();
    expect(tallied.tally).toEqual({ snapshot: null, X: { change: null }, O: { change: null } });
  });

  it('never counts a game twice, however often it is retried, from stale copies too', async () => {
    const { x, o, game } = await finishedGame();
    const games = instance();
    await games.tallies.settle(game);
    const after = { x: await statsOf(x.id), o: await statsOf(o.id) };
    // The copy from before the tally (a retried request holds it), again and again.
    for (let i = 0; i < 3; i++) await games.tallies.settle(game);
    await instance().get(game.id);
    expect(await statsOf(x.id)).toEqual(after.x);
    expect(await statsOf(o.id)).toEqual(after.o);
  });

  it('counts a game once when many instances see its end at once', async () => {
    const { x, o, game } = await finishedGame();
    const instances = Array.from({ length: 6 }, () => instance());
    const results = await Promise.allSettled(instances.map((games) => games.tallies.settle(game)));
    // Every one ends with the game counted (losers of a race look again), or gives up on a busy store.
    expect(results.some((result) => result.status === 'fulfilled')).toBe(true);
    await instance().get(game.id);
    expect((await statsOf(x.id))?.record).toEqual({ wins: 1, losses: 0, draws: 0 });
    expect((await statsOf(o.id))?.record).toEqual({ wins: 0, losses: 1, draws: 0 });
    expect((await statsOf(x.id))?.rating?.games).toBe(1);
    expect((await statsOf(x.id))?.history).toHaveLength(1);
  });

  it("counts both of a player's games that end at once (no update lost)", async () => {
    const { x, o, game } = await finishedGame();
    const second = gameRecord({ ...game, id: randomBytes(16).toString('base64url'), version: 1 });
    await store.createGame(second);
    await Promise.all([instance().tallies.settle(game), instance().tallies.settle(second)]);
    await instance().get(game.id);
    await instance().get(second.id);
    expect((await statsOf(x.id))?.record.wins).toBe(2);
    expect((await statsOf(o.id))?.record.losses).toBe(2);
    expect((await statsOf(x.id))?.rating?.games).toBe(2);
  });

  for (const step of ['stats-read', 'game-known', 'counted', 'marked'] as const) {
    it(`finishes a tally that crashed at "${step}" when the game is next read, counting it once`, async () => {
      const { x, o, game } = await finishedGame();
      const crash = new Error(`crashed at ${step}`);
      const crashing = instance({
        tallyStep: async (at) => {
          if (at === step) throw crash;
        },
      });
      // The game's last write landed; the crash lost the rest (the answer is the finished game).
      const answered = await crashing.get(game.id);
      expect(answered.status).toBe('finished');
      const later = await instance().get(game.id);
      expect(tallyDue(later)).toBe(false);
      for (const [player, mark] of [
        [x, 'X'],
        [o, 'O'],
      ] as [typeof x, Mark][]) {
        const stats = await statsOf(player.id);
        expect(stats?.record, `${player.id} ${mark}`).toEqual(
          mark === 'X' ? { wins: 1, losses: 0, draws: 0 } : { wins: 0, losses: 1, draws: 0 },
        );
        expect(stats?.rating?.games).toBe(1);
        expect(later.tally?.[mark]?.change?.after).toBe(stats?.rating?.rating);
      }
      // Whatever the crash left pending is gone by the next tally of the player.
      const next = await finishedGame({ hostId: o.id, hostName: o.name, opponentId: x.id, opponentName: x.name });
      await instance().get(next.game.id);
      expect((await statsOf(x.id))?.pending).toEqual([]);
      expect((await statsOf(x.id))?.record.wins).toBe(2);
    });
  }

  it("starts a player's record from the games they finished before records were counters", async () => {
    const { x, o, game } = await finishedGame();
    // Two old games (no tally): one x won, one drawn.
    await store.createGame(gameRecord({ ...game, id: randomBytes(16).toString('base64url'), tally: null }));
    await store.createGame(
      gameRecord({
        ...game,
        id: randomBytes(16).toString('base64url'),
        tally: null,
        result: { winner: null, reason: 'draw', line: null },
      }),
    );
    const games = instance();
    expect(await games.record(x.id)).toEqual({ wins: 2, losses: 0, draws: 1 }); // counted from the list, before any stats
    await games.get(game.id);
    expect((await statsOf(x.id))?.record).toEqual({ wins: 2, losses: 0, draws: 1 });
    expect((await statsOf(o.id))?.record).toEqual({ wins: 0, losses: 2, draws: 1 });
    expect(await games.record(x.id)).toEqual({ wins: 2, losses: 0, draws: 1 });
  });

  it('counts a game once when the lists show no tallies (an index made before ratings projects none)', async () => {
    const { x, game } = await finishedGame();
    const old = gameRecord({ ...game, id: randomBytes(16).toString('base64url'), tally: null });
    await store.createGame(old);
    const blind: Store = Object.create(store, {
      listGames: {
        value: async (query: Parameters<Store['listGames']>[0]) => {
          const page = await store.listGames(query);
          return { ...page, items: page.items.map((item) => ({ ...item, tally: null })) };
        },
      },
    });
    await new Games(blind, new LocalChangeFeed(), clock).get(game.id);
    expect((await statsOf(x.id))?.record).toEqual({ wins: 2, losses: 0, draws: 0 });
  });
});
