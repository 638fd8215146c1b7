import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalChangeFeed } from '../online/change-feed.js';
import { Games, rematchIdOf } from '../online/games.js';
import { MemoryStore } from '../storage/memory.js';
import { testApp } from '../test-support/app.js';
import { OnlinePlayer, playOut, startedGame, uniqueName } from '../test-support/online.js';

/** X (the invitee) wins along the top row. */
const X_WINS = [0, 3, 1, 4, 2];

describe('accepting and rematching from the game this instance last saw', () => {
  // Two instances sharing one store, each with its own copy of the games it has seen.
  const store = new MemoryStore();
  let a: FastifyInstance;
  let b: FastifyInstance;
  const on = (app: FastifyInstance, player: OnlinePlayer) => {
    const twin = new OnlinePlayer(app, player.name);
    twin.cookie = player.cookie;
    return twin;
  };

  beforeAll(async () => {
    a = await testApp({ store });
    b = await testApp({ store });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('reads neither the invitation nor the finished game it already holds', async () => {
    const alice = await OnlinePlayer.signIn(a, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(a, uniqueName('bob'));
    const invitation = await alice.invite(bob.name);
    const reads = vi.spyOn(store, 'getGame');
    try {
      const game = await bob.act(invitation.id, 'accept');
      expect(game).toMatchObject({ status: 'playing', version: 2 });
      let version = game.version;
      for (const [player, cell] of X_WINS.map((cell, i) => [i % 2 === 0 ? bob : alice, cell] as const)) {
        await player.act(game.id, 'moves', { cell, version: version++ });
      }
      const rematch = (await alice.post(`/api/games/${game.id}/rematch`)).json();
      expect(rematch).toMatchObject({ id: rematchIdOf(game.id), status: 'pending' });
      expect((await bob.act(rematch.id, 'accept')).status).toBe('playing');
      // Only the tally read the finished game (once, after reading the players' stats: tally.ts).
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
  });

  it('answers what a fresh read says when another instance changed the invitation', async () => {
    const alice = await OnlinePlayer.signIn(a, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(a, uniqueName('bob'));
    const declined = await alice.invite(bob.name);
    await on(b, bob).act(declined.id, 'decline');
    const late = await bob.post(`/api/games/${declined.id}/accept`);
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('game/declined');

    // A's copy of the link invitation is still pending; B has let Carol in.
    const link = await alice.inviteByLink();
    const carol = await OnlinePlayer.signIn(b, uniqueName('carol'));
    await carol.act(link.id, 'accept', { token: link.inviteToken });
    const dave = await OnlinePlayer.signIn(a, uniqueName('dave'));
    const wrongToken = await dave.post(`/api/games/${link.id}/accept`, { token: 'A'.repeat(43) });
    expect(wrongToken.statusCode).toBe(409);
    expect(wrongToken.json().code).toBe('game/already-accepted');
  });

  it('refuses a second rematch made from a copy that has not heard of the first', async () => {
    const alice = await OnlinePlayer.signIn(a, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(a, uniqueName('bob'));
    const game = await startedGame(alice, bob);
    await playOut([alice, bob], game.id, X_WINS);
    // A holds the finished game without a rematch; Bob asks for one through B.
    const first = await on(b, bob).post(`/api/games/${game.id}/rematch`);
    expect(first.statusCode).toBe(201);
    const second = await alice.post(`/api/games/${game.id}/rematch`);
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('game/rematch-exists');
    expect((await alice.game(game.id)).rematchId).toBe(first.json().id);
  });
});

describe('claims after the player to move left a live game, by presence', () => {
  const LIVE = { type: 'live', initialSeconds: 60, incrementSeconds: 2 } as const;
  const alice = { id: 'alice', name: 'alice' };
  const bob = { id: 'bob', name: 'bob' };
  let clock = Date.parse('2026-11-30T10:00:00.000Z');
  let online = new Set<string>();
  let lastSeen = new Map<string, string>();

  async function liveGame() {
    const store = new MemoryStore();
    await store.createPlayer({ ...bob, passwordHash: 'x', createdAt: '', signInGuard: { version: 0, clients: {} } });
    const games = new Games(store, new LocalChangeFeed(), () => new Date(clock), {
      abandonAfterMs: 30_000,
      attendance: async () => ({ online, lastSeen }),
    });
    const invitation = (await games.create(alice, { opponent: 'bob', timeControl: LIVE })).game;
    const game = await games.accept(bob, invitation.id, undefined);
    // Bob (X) moves; now Alice (O) is to move.
    return { games, game: await games.move(bob, game.id, 4, game.version) };
  }

  it('refuses while the player to move is connected, however long ago their turn began', async () => {
    const { games, game } = await liveGame();
    online = new Set(['alice', 'bob']);
    clock += 50_000; // within her minute
    await expect(games.claim(bob, game.id, 'win')).rejects.toMatchObject({ code: 'claim/opponent-here' });
  });

  it('counts from when they were last seen, if that was after their turn began', async () => {
    const { games, game } = await liveGame();
    online = new Set(['bob']);
    const left = new Date(clock + 20_000).toISOString();
    lastSeen = new Map([['alice', left]]);
    clock += 45_000; // 45 s into her turn, but only 25 s since she left
    await expect(games.claim(bob, game.id, 'draw')).rejects.toMatchObject({ code: 'claim/too-soon' });
    clock += 5_000;
    expect((await games.claim(bob, game.id, 'draw')).result).toEqual({ winner: null, reason: 'abandoned', line: null });
  });
});
