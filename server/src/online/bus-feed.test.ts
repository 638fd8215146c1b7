import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../storage/memory.js';
import type { GameRecord, Store } from '../storage/types.js';
import { TestRedis } from '../test-support/redis.js';
import { Inbox, until } from '../test-support/wait.js';
import { BusChangeFeed, feedMessage, gameChannel, parseFeedMessage, playerChannel } from './bus-feed.js';
import { LocalChangeFeed } from './change-feed.js';
import { Games } from './games.js';
import { RedisBus } from './redis-bus.js';

/**
 * The bus feed's contract, on a real Redis: instances share one store (a MemoryStore
 * standing in for DynamoDB) and tell each other of changes through the bus.
 */

const servers = new Map<'standalone' | 'cluster', TestRedis>();
/** The server of the suite running now; a test may kill and restart it. */
let redis: TestRedis;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  servers.set('standalone', await TestRedis.start());
  servers.set('cluster', await TestRedis.start({ cluster: true }));
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await redis.start(); // a test that killed it leaves it running for the next
});
afterAll(async () => {
  for (const server of servers.values()) await server.stop();
});

class Log {
  readonly lines: { level: string; message: string }[] = [];
  info = (_details: object, message: string) => this.lines.push({ level: 'info', message });
  warn = (_details: object, message: string) => this.lines.push({ level: 'warn', message });
  debug = (_details: object, message: string) => this.lines.push({ level: 'debug', message });
  count = (text: string) => this.lines.filter((line) => line.message.includes(text)).length;
}

/** What one instance reads from the shared store by itself (writes go through Games). */
function counted(db: Store) {
  const calls = { getGame: 0, getGames: 0, poll: 0, listGames: 0 };
  const store = {
    getGame: (id: string) => {
      calls.getGame++;
      return db.getGame(id);
    },
    getGames: (ids: readonly string[]) => {
      calls.getGames++;
      return db.getGames(ids);
    },
    poll: (gameIds: readonly string[], playerIds: readonly string[]) => {
      calls.poll++;
      return db.poll(gameIds, playerIds);
    },
    listGames: (query: Parameters<Store['listGames']>[0]) => {
      calls.listGames++;
      return db.listGames(query);
    },
  };
  return { store, calls };
}

async function instance(db: Store, pollMs = 50) {
  const log = new Log();
  const { store, calls } = counted(db);
  const bus = new RedisBus({ url: redis.url, cluster: redis.cluster, logger: log, pingMs: 200 });
  const feed = new BusChangeFeed(bus, store, { pollMs, logger: log });
  const games = new Games(db, feed, () => new Date());
  closers.push(async () => {
    await feed.close();
    await bus.close();
  });
  await until(() => feed.live, 'the feed is on the bus');
  return { bus, feed, games, calls, log };
}

async function players(db: Store) {
  const at = new Date().toISOString();
  const make = async (name: string) => {
    await db.createPlayer({
      id: name,
      name,
      passwordHash: 'x',
      createdAt: at,
      signInGuard: { version: 0, clients: {} },
    });
    return { id: name, name };
  };
  return { alice: await make('alice'), bob: await make('bob') };
}

/** A raw connection that sees what travels on some channels. */
async function tap(...channels: string[]) {
  const connection = new Redis(redis.url);
  const messages: string[] = [];
  connection.on('message', (_channel: string, message: string) => messages.push(message));
  await connection.subscribe(...channels);
  closers.push(async () => {
    connection.disconnect();
  });
  return messages;
}

async function publisher() {
  const connection = new Redis(redis.url);
  closers.push(async () => {
    connection.disconnect();
  });
  return connection;
}

async function startedGame(games: Games, db: Store, feed?: BusChangeFeed) {
  const { alice, bob } = await players(db);
  const invitation = (await games.create(alice, { opponent: bob.name })).game;
  const game = await games.accept(bob, invitation.id, undefined);
  // Its messages are out before anyone subscribes, so none arrives late in a test.
  await feed?.settle();
  // Bob was invited, so he plays X and moves first.
  const moverOf = (version: number) => ((version - game.version) % 2 === 0 ? bob : alice);
  return { game, alice, bob, moverOf };
}

describe.each(['standalone', 'cluster'] as const)('the Redis bus feed (%s)', (mode) => {
  beforeAll(() => {
    const server = servers.get(mode);
    if (!server) throw new Error(`no ${mode} server`);
    redis = server;
  });

  it('brings every move to another instance in order, each as a small delta, with no read', async () => {
    const db = new MemoryStore();
    const a = await instance(db);
    const b = await instance(db);
    const { game, moverOf } = await startedGame(a.games, db, a.feed);
    const seen = new Inbox<GameRecord>();
    await b.feed.watchGame(game.id, seen.push);
    await b.games.get(game.id); // B's page reads the game, as the events route does
    const wire = await tap(gameChannel(game.id));

    let version = game.version;
    for (const cell of [4, 0, 8, 2, 6]) {
      await a.games.move(moverOf(version), game.id, cell, version);
      version++;
    }
    await seen.next((g) => g.version === version, 'the last move reaches B');
    await until(() => wire.length >= 5, 'the tap saw five messages');

    // The first is B's own read of the game; then every move, in order.
    expect(seen.items.map((g) => g.version)).toEqual([0, 1, 2, 3, 4, 5].map((n) => game.version + n));
    // B rebuilt each version from the deltas exactly as it is stored.
    expect(seen.items.at(-1)).toEqual(await db.getGame(game.id));
    expect(b.calls.getGame).toBe(0);
    for (const text of wire.slice(0, 5)) {
      expect(parseFeedMessage(text)).toMatchObject({ t: 'move', id: game.id });
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(100);
    }
  });

  it('never shows an older version after a newer one, nor the same one twice', async () => {
    const db = new MemoryStore();
    const a = await instance(db);
    const b = await instance(db);
    const { game, moverOf } = await startedGame(a.games, db, a.feed);
    const seen = new Inbox<GameRecord>();
    await b.feed.watchGame(game.id, seen.push);
    await b.games.get(game.id);
    const first = await a.games.move(moverOf(game.version), game.id, 4, game.version);
    await seen.next((g) => g.version === first.version, 'the first move reaches B');

    // Late and repeated messages: the accepted game (older), and the first move again.
    const raw = await publisher();
    await raw.publish(gameChannel(game.id), JSON.stringify(feedMessage(game)));
    await raw.publish(gameChannel(game.id), JSON.stringify(feedMessage(first, game)));
    // Then a newer change from the same connection, which Redis delivers after them.
    const silent = new Games(db, new LocalChangeFeed(), () => new Date());
    const second = await silent.move(moverOf(first.version), game.id, 0, first.version);
    await raw.publish(gameChannel(game.id), JSON.stringify(feedMessage(second)));
    await seen.next((g) => g.version === second.version, 'the newer change reaches B');

    expect(seen.items.map((g) => g.version)).toEqual([game.version, first.version, second.version]);
  });

  it('reads a game once when a message is missing, and shows where it stands', async () => {
    const db = new MemoryStore();
    const a = await instance(db);
    const b = await instance(db);
    const { game, moverOf } = await startedGame(a.games, db, a.feed);
    const seen = new Inbox<GameRecord>();
    await b.feed.watchGame(game.id, seen.push);
    await b.games.get(game.id);

    // Two moves that B never hears of (written without the bus), then only the second's message.
    const silent = new Games(db, new LocalChangeFeed(), () => new Date());
    const first = await silent.move(moverOf(game.version), game.id, 4, game.version);
    const second = await silent.move(moverOf(first.version), game.id, 0, first.version);
    const raw = await publisher();
    await raw.publish(gameChannel(game.id), JSON.stringify(feedMessage(second, first)));

    const shown = await seen.next((g) => g.version === second.version, 'B catches up after the gap');
    expect(shown).toEqual(second);
    expect(b.calls.getGame).toBe(1);
  });

  it('tells a lobby on another instance of a new invitation and of each move in its games', async () => {
    const db = new MemoryStore();
    const a = await instance(db);
    const b = await instance(db);
    const { alice, bob } = await players(db);
    const lobby = new Inbox<GameRecord>();
    await b.feed.watchPlayer(bob.id, lobby.push);

    const invitation = (await a.games.create(alice, { opponent: bob.name })).game;
    await lobby.next((g) => g.id === invitation.id && g.status === 'pending', "the invitation reaches Bob's lobby");
    // Its message is the whole game, without the secret of a link invitation.
    const wire = await tap(playerChannel(bob.id));
    const link = (await a.games.create(alice, { invite: 'link' })).game;
    expect(link.inviteToken).toBeTruthy();
    const accepted = await a.games.accept(bob, link.id, link.inviteToken ?? undefined);
    await lobby.next((g) => g.id === link.id && g.status === 'playing', 'the accepted link reaches the lobby');
    await a.games.move(bob, link.id, 4, accepted.version);
    await lobby.next((g) => g.id === link.id && g.version === accepted.version + 1, 'the move reaches the lobby');
    await until(() => wire.length >= 2, 'the tap saw the accept and the move');
    expect(wire.join('\n')).not.toContain(link.inviteToken ?? 'no token');
  });

  it('falls back to polling when the bus dies mid-game, and comes back to it', async () => {
    const db = new MemoryStore();
    const a = await instance(db);
    const b = await instance(db);
    const { game, moverOf } = await startedGame(a.games, db, a.feed);
    const seen = new Inbox<GameRecord>();
    await b.feed.watchGame(game.id, seen.push);
    await b.games.get(game.id);
    const first = await a.games.move(moverOf(game.version), game.id, 4, game.version);
    await seen.next((g) => g.version === first.version, 'a move on the bus');

    await redis.kill();
    await until(() => !a.feed.live && !b.feed.live, 'both instances notice the bus is gone');
    const second = await a.games.move(moverOf(first.version), game.id, 0, first.version);
    await seen.next((g) => g.version === second.version, 'a move while the bus is down, by polling');
    expect(b.calls.poll).toBeGreaterThan(0);

    await redis.start();
    await until(() => a.feed.live && b.feed.live, 'both instances are back on the bus');
    const polls = b.calls.poll;
    const third = await a.games.move(moverOf(second.version), game.id, 8, second.version);
    await seen.next((g) => g.version === third.version, 'a move on the bus again');
    expect(b.calls.poll).toBe(polls);
    expect(seen.items.map((g) => g.version)).toEqual([game.version, first.version, second.version, third.version]);

    // Said once each way, not once per failed reconnection attempt.
    for (const log of [a.log, b.log]) {
      expect(log.count('lost the Redis bus')).toBe(1);
      expect(log.count('connected to the Redis bus')).toBe(2);
    }
  });

  it('re-reads what it watches once after reconnecting, so a change missed meanwhile shows', async () => {
    const db = new MemoryStore();
    const a = await instance(db);
    // B polls so rarely that only the catch-up after the reconnect can bring the change.
    const b = await instance(db, 3_600_000);
    const { game, moverOf } = await startedGame(a.games, db, a.feed);
    const seen = new Inbox<GameRecord>();
    await b.feed.watchGame(game.id, seen.push);
    await b.games.get(game.id);

    await redis.kill();
    await until(() => !b.feed.live, 'B notices the bus is gone');
    const silent = new Games(db, new LocalChangeFeed(), () => new Date());
    const moved = await silent.move(moverOf(game.version), game.id, 4, game.version);
    const polls = b.calls.poll;
    await redis.start();
    await until(() => b.feed.live, 'B is back on the bus');
    await seen.next((g) => g.version === moved.version, 'the missed move shows after the reconnect');
    expect(b.calls.poll).toBe(polls + 1);
  });

  it('bumps no lobby version for an invitation the bus carried, and bumps them when it could not', async () => {
    const db = new MemoryStore();
    const a = await instance(db);
    const { alice, bob } = await players(db);
    const touched = vi.spyOn(db, 'touchLobby');
    await a.games.create(alice, { opponent: bob.name });
    expect(touched).not.toHaveBeenCalled();

    await redis.kill();
    await until(() => !a.feed.live, 'A notices the bus is gone');
    // Bob answers the first invitation before another comes (one pending per pair).
    const [first] = (await db.listGames({ playerId: bob.id, list: 'received', limit: 1 })).items;
    await a.games.decline(bob, first?.id ?? '');
    await a.games.create(alice, { opponent: bob.name });
    expect(touched.mock.calls.map(([id]) => id).sort()).toEqual([alice.id, bob.id]);
  });

  it('re-lists a lobby after a reconnect, so an invitation missed meanwhile shows', async () => {
    const db = new MemoryStore();
    const b = await instance(db, 3_600_000);
    const { alice, bob } = await players(db);
    const lobby = new Inbox<GameRecord>();
    await b.feed.watchPlayer(bob.id, lobby.push);

    await redis.kill();
    await until(() => !b.feed.live, 'B notices the bus is gone');
    await b.feed.catchUp(); // B's poller has taken the lobby's version as its baseline
    // Written by an instance whose bus message B could not hear (and which bumped nothing).
    const writer = new Games(db, new LocalChangeFeed(), () => new Date());
    const invitation = (await writer.create(alice, { opponent: bob.name })).game;
    expect(await db.poll([], [bob.id])).toMatchObject({ lobbies: { [bob.id]: 0 } });
    await redis.start();
    await lobby.next((g) => g.id === invitation.id, "the invitation reaches Bob's lobby after the reconnect");
  });

  it('answers at once and polls when Redis is not there at all, and says so once', async () => {
    const db = new MemoryStore();
    const log = new Log();
    const { store, calls } = counted(db);
    const bus = new RedisBus({ url: 'redis://127.0.0.1:1', logger: log, connectTimeoutMs: 200 });
    const feed = new BusChangeFeed(bus, store, { pollMs: 20, logger: log });
    closers.push(async () => {
      await feed.close();
      await bus.close();
    });
    const writer = new Games(db, new LocalChangeFeed(), () => new Date());
    const { game, moverOf } = await startedGame(writer, db);
    const seen = new Inbox<GameRecord>();
    await feed.watchGame(game.id, seen.push);
    const moved = await writer.move(moverOf(game.version), game.id, 4, game.version);
    await seen.next((g) => g.version === moved.version, 'the move arrives by polling');
    expect(calls.poll).toBeGreaterThan(0);
    await until(() => log.count('cannot reach the Redis bus') === 1, 'the failure is logged');
    expect(log.count('cannot reach the Redis bus')).toBe(1);
  });
});
