import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from '../test-support/app.js';
import { type Dynalite, freshTableName, startDynalite } from '../test-support/dynalite.js';
import { type Instance, Streams, startInstance } from '../test-support/instances.js';
import { OnlinePlayer, startedGame, uniqueName } from '../test-support/online.js';
import { TestRedis } from '../test-support/redis.js';
import { until } from '../test-support/wait.js';
import type { BusChangeFeed } from './bus-feed.js';

const CHECK_MS = 10_000;

/** A clock the test moves by hand, shared by both instances. */
function handClock() {
  let now = Date.parse('2026-03-01T12:00:00.000Z');
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

const signOut = (browser: Browser) => browser.request({ method: 'DELETE', url: '/api/session' });

describe('sessions on two instances sharing DynamoDB, without a bus', () => {
  let dynamo: Dynalite;
  let a: Instance;
  let b: Instance;
  const clock = handClock();

  beforeAll(async () => {
    dynamo = await startDynalite();
    const table = freshTableName();
    const own = { config: { sessionCheckMs: CHECK_MS }, now: clock.now };
    a = await startInstance(dynamo.endpoint, table, { pollMs: 3_600_000 }, own);
    b = await startInstance(dynamo.endpoint, table, { pollMs: 3_600_000 }, own);
  });
  afterAll(async () => {
    await a.app.close();
    await b.app.close();
    await dynamo.close();
  });

  it('refuses a signed-out cookie at once on the instance that signed out, and on the other within SESSION_CHECK_MS', async () => {
    const alice = await OnlinePlayer.signIn(a.app, uniqueName('alice'));
    const captured = alice.copyTo(b.app);
    expect((await captured.copyTo(b.app).get('/api/lobby')).statusCode).toBe(200);

    await signOut(alice);
    expect((await captured.copyTo(a.app).get('/api/lobby')).statusCode).toBe(401);
    // B read the sessions just now, and trusts that read for SESSION_CHECK_MS…
    clock.advance(CHECK_MS - 1);
    expect((await captured.copyTo(b.app).get('/api/lobby')).statusCode).toBe(200);
    // …and not a moment longer.
    clock.advance(1);
    const replayed = await captured.copyTo(b.app).get('/api/lobby');
    expect(replayed.statusCode).toBe(401);
    expect(replayed.json()).toMatchObject({ code: 'auth/signed-out' });
  });

  it('signs out everywhere, across instances, and lets the player sign in again', async () => {
    const name = uniqueName('alice');
    const phone = await OnlinePlayer.signIn(a.app, name);
    const laptop = await OnlinePlayer.signIn(b.app, name);
    expect((await laptop.get('/api/lobby')).statusCode).toBe(200);
    expect((await phone.request({ method: 'DELETE', url: '/api/sessions' })).statusCode).toBe(200);
    clock.advance(CHECK_MS);
    expect((await laptop.get('/api/lobby')).statusCode).toBe(401);
    expect((await OnlinePlayer.signIn(b.app, name).then((again) => again.get('/api/lobby'))).statusCode).toBe(200);
  });

  it('checks a session for a move without a DynamoDB request: a move stays one UpdateItem', async () => {
    const alice = await OnlinePlayer.signIn(a.app, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(b.app, uniqueName('bob'));
    const game = await startedGame(alice, bob);
    // Bob's session was read on B when he accepted; his move through B costs one write only.
    b.counter.reset();
    await bob.act(game.id, 'moves', { cell: 4, version: game.version });
    expect(b.counter.snapshot().byCommand).toEqual({ UpdateItemCommand: 1 });
    // Once SESSION_CHECK_MS has passed, one GetItem of his sessions, then none again.
    clock.advance(CHECK_MS);
    b.counter.reset();
    await bob.get(`/api/games/${game.id}`);
    await bob.get(`/api/games/${game.id}`);
    expect(b.counter.snapshot().byCommand).toEqual({ GetItemCommand: 3 });
  });
});

describe('sessions on two instances on the Redis bus', () => {
  let dynamo: Dynalite;
  let redis: TestRedis;
  let a: Instance<BusChangeFeed>;
  let b: Instance<BusChangeFeed>;
  const streams = new Streams();
  const clock = handClock();

  beforeAll(async () => {
    dynamo = await startDynalite();
    redis = await TestRedis.start();
    const table = freshTableName();
    // The clock never moves here, and records would be trusted for an hour: only the bus can tell B.
    const own = { config: { sessionCheckMs: 3_600_000 }, now: clock.now };
    const live = { redisUrl: redis.url, pollMs: 3_600_000 };
    a = await startInstance<BusChangeFeed>(dynamo.endpoint, table, live, own);
    b = await startInstance<BusChangeFeed>(dynamo.endpoint, table, live, own);
    await until(() => a.feed.live && b.feed.live, 'both instances are on the bus');
  });
  afterAll(async () => {
    await streams.closeAll();
    await a.app.close();
    await b.app.close();
    await redis.stop();
    await dynamo.close();
  });

  it('refuses a signed-out cookie on the other instance at once, and ends its live lobby stream there', async () => {
    const alice = await OnlinePlayer.signIn(a.app, uniqueName('alice'));
    const captured = alice.copyTo(b.app);
    expect((await captured.copyTo(b.app).get('/api/lobby')).statusCode).toBe(200);
    const lobby = await streams.open(b.base, '/api/lobby/events', alice.cookie);
    await lobby.next((e) => e.event === 'ready');

    await signOut(alice);
    await until(() => lobby.ended, 'the lobby stream on B is ended');
    expect((await captured.copyTo(b.app).get('/api/lobby')).statusCode).toBe(401);
  });
});
