import { type GameView, LeaderboardSchema, PlayerProfileSchema } from '@ttt/shared';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import type { Store } from '../storage/types.js';
import { Browser, testApp } from '../test-support/app.js';
import { EVERY_STORE } from '../test-support/dynalite.js';
import { OnlinePlayer, playOut, uniqueName } from '../test-support/online.js';

/** X (the invitee) wins along the top row. */
const X_WINS = [0, 3, 1, 4, 2];

describe.each(EVERY_STORE)('rated games, profiles and the leaderboard (%s store)', (_name, open) => {
  let app: FastifyInstance;
  let store: Store;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const opened = await open();
    ({ store, close } = opened);
    app = await testApp({ store });
  });
  afterAll(async () => {
    await app.close();
    await close?.();
  });

  async function ratedGame(host: OnlinePlayer, opponent: OnlinePlayer, rated = true): Promise<GameView> {
    const response = await host.post('/api/games', { opponent: opponent.name, rated });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().rated).toBe(rated);
    return opponent.act(response.json().id, 'accept');
  }

  const profile = async (name: string) => {
    const response = await new Browser(app).get(`/api/players/${name}`);
    expect(response.statusCode, response.body).toBe(200);
    return z.parse(PlayerProfileSchema, response.json());
  };

  it('a rated game changes both ratings on its last move, shows the changes, and counts on both profiles', async () => {
    const alice = await OnlinePlayer.signIn(app, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(app, uniqueName('bob'));
    const game = await ratedGame(alice, bob);
    const last = await playOut([alice, bob], game.id, X_WINS);
    // The answer to the winning move already carries both changes (bob played X and won).
    expect(last).toMatchObject({ status: 'finished', rated: true });
    expect(last.ratingChanges?.X?.before).toBe(1500);
    expect(last.ratingChanges?.X?.after).toBeCloseTo(1662.31, 1);
    expect(last.ratingChanges?.O?.after).toBeCloseTo(1337.69, 1);
    expect((await alice.game(game.id)).ratingChanges).toEqual(last.ratingChanges);

    const bobs = await profile(bob.name);
    expect(bobs.player).toEqual({ id: bob.id, name: bob.name });
    expect(bobs.record).toEqual({ wins: 1, losses: 0, draws: 0 });
    expect(bobs.rating).toMatchObject({ games: 1, provisional: true });
    expect(bobs.rating?.rating).toBeCloseTo(1662.31, 1);
    expect(bobs.history).toEqual([expect.objectContaining({ gameId: game.id })]);
    expect(bobs.recent.map((g) => g.id)).toEqual([game.id]);
    const alices = await profile(alice.name.toUpperCase()); // names ignore case
    expect(alices.record).toEqual({ wins: 0, losses: 1, draws: 0 });
    expect(alices.rating?.rating).toBeCloseTo(1337.69, 1);

    // The lobby's record is the stored counters (changed here behind its back), and no finished
    // game is read to count it beyond the first page the lobby shows anyway.
    const [counters] = await store.getStats([alice.id]);
    if (!counters) throw new Error('alice has no stats');
    await store.saveStats(
      { ...counters, record: { wins: 7, losses: 1, draws: 0 }, version: counters.version + 1 },
      counters.version,
    );
    const lists = vi.spyOn(store, 'listGames');
    try {
      expect((await alice.get('/api/lobby')).json().record).toEqual({ wins: 7, losses: 1, draws: 0 });
      expect(lists.mock.calls.filter(([query]) => query.list === 'finished')).toEqual([
        [expect.objectContaining({ limit: 20, cursor: undefined })],
      ]);
    } finally {
      lists.mockRestore();
    }
  });

  it('a retried last move is refused and counts nothing twice; a resignation counts; a casual game moves no rating', async () => {
    const carol = await OnlinePlayer.signIn(app, uniqueName('carol'));
    const dave = await OnlinePlayer.signIn(app, uniqueName('dave'));
    const game = await ratedGame(carol, dave);
    await playOut([carol, dave], game.id, X_WINS.slice(0, 4));
    const final = { cell: 2, version: game.version + 4 };
    expect((await dave.post(`/api/games/${game.id}/moves`, final)).statusCode).toBe(200);
    const retried = await dave.post(`/api/games/${game.id}/moves`, final);
    expect(retried.statusCode).toBeGreaterThanOrEqual(400);
    expect((await profile(dave.name)).rating?.games).toBe(1);

    const resigned = await ratedGame(dave, carol);
    await carol.act(resigned.id, 'resign');
    expect((await profile(dave.name)).record).toEqual({ wins: 2, losses: 0, draws: 0 });
    expect((await profile(dave.name)).rating?.games).toBe(2);

    const casual = await ratedGame(carol, dave, false);
    const finished = await playOut([carol, dave], casual.id, X_WINS);
    expect(finished.ratingChanges).toBeNull();
    const daves = await profile(dave.name);
    expect(daves.record.wins).toBe(3);
    expect(daves.rating?.games).toBe(2);
    expect(daves.history).toHaveLength(2);
  });

  it('a declined or cancelled invitation counts for nothing, and a rematch stays rated', async () => {
    const erin = await OnlinePlayer.signIn(app, uniqueName('erin'));
    const frank = await OnlinePlayer.signIn(app, uniqueName('frank'));
    const declined = await erin.post('/api/games', { opponent: frank.name, rated: true });
    await frank.act(declined.json().id, 'decline');
    const cancelled = await erin.post('/api/games', { opponent: frank.name, rated: true });
    await erin.act(cancelled.json().id, 'cancel');
    const nobody = await profile(frank.name);
    expect(nobody).toMatchObject({ record: { wins: 0, losses: 0, draws: 0 }, rating: null, history: [], recent: [] });

    const game = await ratedGame(erin, frank);
    await playOut([erin, frank], game.id, X_WINS);
    const rematch = await erin.act(game.id, 'rematch');
    expect(rematch.rated).toBe(true);
  });

  it('lists the rated players best first, without the unrated, for anyone', async () => {
    const answer = await new Browser(app).get('/api/players');
    expect(answer.statusCode).toBe(200);
    const { players } = z.parse(LeaderboardSchema, answer.json());
    expect(players.length).toBeGreaterThanOrEqual(4);
    expect(players.map((entry) => entry.rank)).toEqual(players.map((_, index) => index + 1));
    const ratings = players.map((entry) => entry.rating.rating);
    expect([...ratings].sort((a, b) => b - a)).toEqual(ratings);
    expect(players.every((entry) => entry.rating.games > 0)).toBe(true);
    const unrated = await OnlinePlayer.signIn(app, uniqueName('gina'));
    const again = z.parse(LeaderboardSchema, (await new Browser(app).get('/api/players')).json());
    expect(again.players.map((entry) => entry.player.id)).not.toContain(unrated.id);
  });

  it('answers 404 for a player nobody has, and 400 for a name no player can have', async () => {
    const unknown = await new Browser(app).get('/api/players/nobody_here');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: 'No player is called nobody_here', code: 'player/not-found' });
    const bad = await new Browser(app).get('/api/players/%3Cscript%3E');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBeTruthy();
  });
});
