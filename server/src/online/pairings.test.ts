import type { GameView, PairingStatus } from '@ttt/shared';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../storage/memory.js';
import { testApp } from '../test-support/app.js';
import { EVERY_STORE } from '../test-support/dynalite.js';
import { OnlinePlayer, uniqueName } from '../test-support/online.js';

/** Each test its own time control, so a player left waiting by one never meets another's. */
let seconds = 100;
const nextTimeControl = () => ({ type: 'live', initialSeconds: seconds++, incrementSeconds: 1 }) as const;

async function seek(player: OnlinePlayer, timeControl: unknown, rated?: boolean): Promise<PairingStatus> {
  const response = await player.post('/api/pairing', rated === undefined ? { timeControl } : { timeControl, rated });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}
const status = async (player: OnlinePlayer): Promise<PairingStatus> => (await player.get('/api/pairing')).json();

/** "Play anyone" through the API, on two instances sharing one store. */
describe.each(EVERY_STORE)('play anyone (%s store, two instances)', (_name, open) => {
  let a: FastifyInstance;
  let b: FastifyInstance;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const opened = await open();
    close = opened.close;
    a = await testApp({ store: opened.store });
    b = await testApp({ store: opened.store });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await close?.();
  });

  it('makes the first seeker wait and starts a game when the next one asks', async () => {
    const timeControl = nextTimeControl();
    const alice = await OnlinePlayer.signIn(a, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(b, uniqueName('bob'));
    const waiting = await seek(alice, timeControl);
    expect(waiting).toMatchObject({ state: 'waiting', timeControl, rated: false, gameId: null });
    expect(waiting.waiting).toBeGreaterThanOrEqual(1);
    expect(await status(alice)).toMatchObject({ state: 'waiting', since: waiting.since });

    const paired = await seek(bob, timeControl);
    expect(paired).toMatchObject({ state: 'paired', timeControl, rated: false });
    const gameId = paired.gameId ?? '';
    expect(await status(alice)).toMatchObject({ state: 'paired', gameId });
    const game: GameView = (await alice.get(`/api/games/${gameId}`)).json();
    expect(game).toMatchObject({
      status: 'playing',
      host: { id: alice.name.toLowerCase() },
      opponent: { id: bob.name.toLowerCase() },
      hostMark: 'X',
      turn: 'X',
      timeControl,
      rated: false,
      clocks: { X: timeControl.initialSeconds * 1000, O: timeControl.initialSeconds * 1000 },
    });
    // Both see it in their lobby, and Alice (who waited) moves first.
    const playing = (await bob.get('/api/games?list=playing')).json().games.map((g: GameView) => g.id);
    expect(playing).toContain(gameId);
    expect((await alice.post(`/api/games/${gameId}/moves`, { cell: 4 })).statusCode).toBe(200);
  });

  it('pairs rated seekers only with rated ones, and their game is rated', async () => {
    const timeControl = nextTimeControl();
    const alice = await OnlinePlayer.signIn(a, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(b, uniqueName('bob'));
    const carol = await OnlinePlayer.signIn(b, uniqueName('carol'));
    expect(await seek(alice, timeControl, true)).toMatchObject({ state: 'waiting', timeControl, rated: true });
    // Same time control, casual: Bob waits beside Alice rather than joining her rated game.
    expect(await seek(bob, timeControl, false)).toMatchObject({ state: 'waiting', rated: false });
    const paired = await seek(carol, timeControl, true);
    expect(paired).toMatchObject({ state: 'paired', timeControl, rated: true });
    expect(await status(alice)).toMatchObject({ state: 'paired', rated: true, gameId: paired.gameId });
    expect(await status(bob)).toMatchObject({ state: 'waiting', rated: false });
    for (const [player, app] of [
      [alice, a],
      [carol, b],
    ] as const) {
      const game: GameView = (await app.inject({ method: 'GET', url: `/api/games/${paired.gameId}` })).json();
      expect(game, player.name).toMatchObject({ status: 'playing', rated: true, ratingChanges: null });
    }
    expect((await bob.request({ method: 'DELETE', url: '/api/pairing' })).json().state).toBe('idle');
  });

  it('pairs twenty players who ask at once, on both instances, into ten games, each in one', async () => {
    const timeControl = nextTimeControl();
    const players = await Promise.all(
      Array.from({ length: 20 }, (_, i) => OnlinePlayer.signIn(i % 2 ? a : b, uniqueName(`p${i}`))),
    );
    const answers = await Promise.all(players.map((player) => seek(player, timeControl)));
    expect(answers.filter((answer) => answer.state === 'paired')).toHaveLength(10);
    const finals = await Promise.all(players.map(status));
    const games = new Map<string, string[]>();
    for (const [i, final] of finals.entries()) {
      expect(final.state, players[i]?.name).toBe('paired');
      games.set(final.gameId ?? '', [...(games.get(final.gameId ?? '') ?? []), players[i]?.name ?? '']);
    }
    expect(games.size).toBe(10);
    for (const [id, names] of games) {
      expect(names).toHaveLength(2);
      const game: GameView = (await a.inject({ method: 'GET', url: `/api/games/${id}` })).json();
      expect([game.host.name, game.opponent?.name].sort()).toEqual([...names].sort());
    }
  });

  it('takes a player out of the queue when they leave, and keeps time controls apart', async () => {
    const blitz = nextTimeControl();
    const slow = { type: 'correspondence', days: 1 + (seconds % 7) } as const;
    const alice = await OnlinePlayer.signIn(a, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(b, uniqueName('bob'));
    const carol = await OnlinePlayer.signIn(b, uniqueName('carol'));
    await seek(alice, blitz);
    const left = (await alice.request({ method: 'DELETE', url: '/api/pairing' })).json();
    expect(left).toMatchObject({ state: 'idle' });
    expect(await seek(bob, blitz)).toMatchObject({ state: 'waiting' });
    expect(await seek(carol, slow)).toMatchObject({ state: 'waiting' });
    expect(await status(alice)).toMatchObject({ state: 'idle' });
    // Leaving twice, or without waiting, is fine; the others still wait.
    expect((await alice.request({ method: 'DELETE', url: '/api/pairing' })).statusCode).toBe(200);
    for (const player of [bob, carol]) {
      expect((await player.request({ method: 'DELETE', url: '/api/pairing' })).json().state).toBe('idle');
    }
  });

  it('refuses a bad time control and a signed-out seeker, changing nothing', async () => {
    const alice = await OnlinePlayer.signIn(a, uniqueName('alice'));
    for (const bad of [
      {},
      { timeControl: { type: 'live', initialSeconds: 0, incrementSeconds: 0 } },
      { timeControl: 'live' },
      { timeControl: nextTimeControl(), rated: 'yes' },
      { timeControl: nextTimeControl(), rated: true, mark: 'X' },
    ]) {
      const response = await alice.post('/api/pairing', bad);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('request/invalid');
    }
    expect(await status(alice)).toMatchObject({ state: 'idle' });
    const stranger = new OnlinePlayer(a, 'nobody');
    expect((await stranger.post('/api/pairing', { timeControl: nextTimeControl() })).statusCode).toBe(401);
    expect((await stranger.get('/api/pairing')).statusCode).toBe(401);
  });
});

describe('play anyone after an interruption', () => {
  it("starts a pairing's game at the waiting player's next look when the request that paired them stopped first", async () => {
    const store = new MemoryStore();
    const app = await testApp({ store });
    const alice = await OnlinePlayer.signIn(app, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(app, uniqueName('bob'));
    const gameId = 'interruptedgame0000000';
    // The queue says they were paired, but the game was never written (the process died).
    await store.savePairingQueue(
      {
        version: 1,
        seekers: [],
        recent: [
          {
            gameId,
            host: { id: alice.name.toLowerCase(), name: alice.name },
            opponent: { id: bob.name.toLowerCase(), name: bob.name },
            timeControl: { type: 'correspondence', days: 3 },
            rated: true,
            at: new Date().toISOString(),
          },
        ],
      },
      0,
    );
    expect(await store.getGame(gameId)).toBeNull();
    expect(await status(alice)).toMatchObject({ state: 'paired', rated: true, gameId });
    expect(await store.getGame(gameId)).toMatchObject({
      status: 'playing',
      hostId: alice.name.toLowerCase(),
      rated: true,
    });
    // Looking again finds it, and makes no second game.
    expect(await status(bob)).toMatchObject({ state: 'paired', gameId });
    await app.close();
  });
});
