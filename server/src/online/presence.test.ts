import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../storage/memory.js';
import type { Store } from '../storage/types.js';
import { TestRedis } from '../test-support/redis.js';
import { Inbox, until } from '../test-support/wait.js';
import { type GamePresence, Presence, type PresenceOptions } from './presence.js';
import { RedisBus } from './redis-bus.js';
import { RedisPresenceExchange } from './redis-presence.js';
import { StorePresenceExchange } from './store-presence.js';

/** A new game id per test: the Redis server outlives each test. */
const newGame = () => randomBytes(16).toString('base64url');
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A clock the test moves by hand, so "last seen" times are exact. */
function clock(start = Date.parse('2026-11-30T10:00:00.000Z')) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms), iso: () => new Date(now).toISOString() };
}

const online = (presence: GamePresence, viewer: string) => presence.online.has(viewer);

describe('presence on one instance', () => {
  const make = (options: PresenceOptions = {}) => {
    const presence = new Presence(undefined, options);
    closers.push(() => presence.close());
    return presence;
  };

  it('shows a viewer while their page is open, and when they left after the grace', async () => {
    const GAME = newGame();
    const time = clock();
    const presence = make({ now: time.now, leaveGraceMs: 20 });
    const seen = new Inbox<GamePresence>();
    await presence.watch(GAME, seen.push);

    const leave = presence.join(GAME, 'bob');
    expect(online(await presence.current(GAME), 'bob')).toBe(true);
    await seen.next((p) => online(p, 'bob'), 'bob shows as connected');

    time.advance(5000);
    const closedAt = time.iso();
    leave();
    time.advance(5000);
    const gone = await seen.next((p) => !online(p, 'bob') && p.lastSeen.has('bob'), 'bob shows as gone');
    expect(gone.lastSeen.get('bob')).toBe(closedAt);
    expect(Presence.view(gone, ['alice', 'bob'], 30_000)).toEqual({
      players: [
        { id: 'alice', online: false, lastSeenAt: null },
        { id: 'bob', online: false, lastSeenAt: closedAt },
      ],
      spectators: 0,
      abandonAfterMs: 30_000,
    });
    // Read later, by a page that was not open then, it still says when.
    expect(Presence.view(await presence.current(GAME), ['bob'], 30_000).players[0]?.lastSeenAt).toBe(closedAt);
  });

  it('does not show a reload (a stream closed and opened again within the grace) as leaving', async () => {
    const GAME = newGame();
    const presence = make({ leaveGraceMs: 60_000 });
    const seen = new Inbox<GamePresence>();
    await presence.watch(GAME, seen.push);
    const leave = presence.join(GAME, 'bob');
    leave();
    presence.join(GAME, 'bob');
    // Something else that does change, so the test knows every change before it was told.
    presence.join(GAME, null);
    await seen.next((p) => p.anonymous === 1, 'the spectator shows');
    expect(seen.items.every((p) => online(p, 'bob'))).toBe(true);
  });

  it('counts each person once, however many tabs, and everyone but the players as spectators', async () => {
    const GAME = newGame();
    const presence = make({ leaveGraceMs: 10 });
    for (const viewer of ['alice', 'alice', 'bob', 'carol', 'carol', null, null]) presence.join(GAME, viewer);
    expect(Presence.view(await presence.current(GAME), ['alice', 'bob'], 30_000)).toEqual({
      players: [
        { id: 'alice', online: true, lastSeenAt: null },
        { id: 'bob', online: true, lastSeenAt: null },
      ],
      spectators: 3,
      abandonAfterMs: 30_000,
    });
  });

  it('keeps a viewer with one tab still open, and drops anonymous viewers after the grace', async () => {
    const GAME = newGame();
    const presence = make({ leaveGraceMs: 10 });
    const seen = new Inbox<GamePresence>();
    await presence.watch(GAME, seen.push);
    const first = presence.join(GAME, 'bob');
    presence.join(GAME, 'bob');
    const anonymous = presence.join(GAME, null);
    first();
    anonymous();
    await seen.next((p) => p.anonymous === 0 && online(p, 'bob'), 'the anonymous viewer is gone, bob stays');
    expect(online(await presence.current(GAME), 'bob')).toBe(true);
  });
});

interface Instance {
  presence: Presence;
  /** It stops talking without saying goodbye. */
  crash: () => Promise<void>;
  /** Its heartbeat lapses (a long pause); the answer lets it go on. */
  lapse: () => Promise<() => Promise<void>>;
}

interface Deployment {
  name: string;
  instance(options: PresenceOptions): Promise<Instance>;
}

let redis: TestRedis;
let cluster: TestRedis;
beforeAll(async () => {
  redis = await TestRedis.start();
  cluster = await TestRedis.start({ cluster: true });
});
afterAll(async () => {
  await redis.stop();
  await cluster.stop();
});

const onRedis = (mode: 'standalone' | 'cluster'): Deployment => ({
  name: `the Redis bus (${mode})`,
  async instance(options) {
    const server = mode === 'cluster' ? cluster : redis;
    const bus = new RedisBus({ url: server.url, cluster: mode === 'cluster' });
    await until(() => bus.up, 'the bus is up');
    const presence = new Presence(new RedisPresenceExchange(bus), options);
    closers.push(async () => {
      await presence.close();
      await bus.close();
    });
    const lapse = async () => {
      // As if its key had expired during a pause and another instance had dropped what it
      // shared (every game's field): it must find out at its next heartbeat and share again.
      const redis = bus.commands;
      await redis.del(`ttt:{instances}:${presence.instanceId}`);
      const keys = await Promise.all(
        [...new Set((await redis.keys('ttt:presence:*')) as string[])].map(async (key) => {
          await redis.hdel(key, `i:${presence.instanceId}`);
          return key;
        }),
      );
      if (keys.length === 0) throw new Error('nothing was shared');
      return async () => {};
    };
    return { presence, crash: () => bus.close(), lapse };
  },
});

/** A store whose connection can be cut, for an instance that crashed. */
function cuttable(store: Store) {
  let cut = false;
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (cut) throw new Error('this instance is gone');
      return fn(...args);
    };
  return {
    store: {
      savePresence: guard(store.savePresence.bind(store)),
      loadPresence: guard(store.loadPresence.bind(store)),
      saveHeartbeat: guard(store.saveHeartbeat.bind(store)),
      loadHeartbeats: guard(store.loadHeartbeats.bind(store)),
    },
    cut: {
      cut: async () => {
        cut = true;
      },
      restore: async () => {
        cut = false;
      },
    },
  };
}

function onStore(): Deployment {
  const db = new MemoryStore();
  return {
    name: 'the store (DynamoDB without a bus)',
    async instance(options) {
      const { store, cut } = cuttable(db);
      const presence = new Presence(new StorePresenceExchange(store, options.now), { refreshMs: 30, ...options });
      closers.push(() => presence.close());
      return {
        presence,
        crash: cut.cut,
        lapse: async () => {
          await cut.cut();
          // Until its heartbeat has run out, as after a long pause.
          await until(async () => {
            const alive = (await db.loadHeartbeats([presence.instanceId]))[presence.instanceId] ?? '';
            return alive < new Date().toISOString();
          }, 'its heartbeat has run out');
          return cut.restore;
        },
      };
    },
  };
}

describe.each([
  ['the Redis bus', () => onRedis('standalone')],
  ['the Redis bus in cluster mode (as ElastiCache Serverless)', () => onRedis('cluster')],
  ['the store', onStore],
])('presence across instances on %s', (_name, deployment) => {
  const timing = { leaveGraceMs: 20, instanceTtlMs: 400, heartbeatMs: 50 };

  it('shows a viewer on one instance to pages on another, and when they left', async () => {
    const GAME = newGame();
    const d = deployment();
    const a = await d.instance(timing);
    const b = await d.instance(timing);
    const seen = new Inbox<GamePresence>();
    await b.presence.watch(GAME, seen.push);

    const leave = a.presence.join(GAME, 'bob');
    await seen.next((p) => online(p, 'bob'), 'B sees bob, who is on A');
    expect(online(await b.presence.current(GAME), 'bob')).toBe(true);
    leave();
    const gone = await seen.next((p) => !online(p, 'bob'), 'B sees bob leave');
    expect(gone.lastSeen.get('bob')).toBeDefined();
  });

  it('adds up viewers across instances, each person once', async () => {
    const GAME = newGame();
    const d = deployment();
    const a = await d.instance(timing);
    const b = await d.instance(timing);
    a.presence.join(GAME, 'alice');
    a.presence.join(GAME, null);
    b.presence.join(GAME, 'carol');
    b.presence.join(GAME, 'alice');
    b.presence.join(GAME, null);
    let all: GamePresence | null = null;
    await until(async () => {
      all = await b.presence.current(GAME);
      return all.anonymous === 2 && online(all, 'carol') && online(all, 'alice');
    }, 'B counts everyone on both instances');
    if (!all) throw new Error('no presence');
    expect(Presence.view(all, ['alice', 'bob'], 30_000)).toEqual({
      players: [
        { id: 'alice', online: true, lastSeenAt: null },
        { id: 'bob', online: false, lastSeenAt: null },
      ],
      spectators: 3,
      abandonAfterMs: 30_000,
    });
  });

  it('reads the presence of a game nobody here follows, as the API does', async () => {
    const GAME = newGame();
    const d = deployment();
    const a = await d.instance(timing);
    const b = await d.instance(timing);
    a.presence.join(GAME, 'bob');
    await until(async () => online(await b.presence.current(GAME), 'bob'), 'B reads bob as connected');
  });

  it('shares its viewers again after its heartbeat lapsed and others dropped them', async () => {
    const GAME = newGame();
    const d = deployment();
    const a = await d.instance(timing);
    a.presence.join(GAME, 'bob');
    const reader = await d.instance(timing);
    await until(async () => online(await reader.presence.current(GAME), 'bob'), 'bob shows');

    const resume = await a.lapse();
    await resume();
    // A fresh reader sees what is shared now: bob again, once A has noticed and shared anew.
    const later = await d.instance(timing);
    await until(async () => online(await later.presence.current(GAME), 'bob'), 'bob shows again');
  });

  it("drops a crashed instance's viewers within its heartbeat's lifetime", async () => {
    const GAME = newGame();
    const d = deployment();
    const a = await d.instance(timing);
    const b = await d.instance(timing);
    const seen = new Inbox<GamePresence>();
    await b.presence.watch(GAME, seen.push);
    a.presence.join(GAME, 'bob');
    await seen.next((p) => online(p, 'bob'), 'B sees bob');

    await a.crash();
    const gone = await seen.next((p) => !online(p, 'bob'), "B drops the crashed instance's bob");
    expect(gone.lastSeen.get('bob')).toBeDefined();
    // And a fresh read (the API) agrees.
    expect(online(await b.presence.current(GAME), 'bob')).toBe(false);
  });
});
