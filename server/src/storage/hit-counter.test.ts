import { randomBytes } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBus } from '../online/redis-bus.js';
import { type Dynalite, dynaliteClient, dynaliteStore, startDynalite } from '../test-support/dynalite.js';
import { TestRedis } from '../test-support/redis.js';
import { until } from '../test-support/wait.js';
import { type HitCounter, MemoryHitCounter, windowOf } from './hit-counter.js';
import { MemoryStore } from './memory.js';
import { RedisHitCounter } from './redis-hit-counter.js';

const HOUR = 3_600_000;
const freshKey = () => `test#${randomBytes(4).toString('hex')}`;

/** What every HitCounter must do: the memory store's, DynamoDB's and Redis's. */
function describeHitCounterContract(
  name: string,
  open: () => Promise<{ counter: HitCounter; close(): Promise<void> }>,
) {
  describe(`${name} hit counter`, () => {
    let counter: HitCounter;
    let close: () => Promise<void>;
    const window = windowOf(Date.parse('2026-03-01T10:20:00Z'), HOUR);

    beforeAll(async () => {
      ({ counter, close } = await open());
    });
    afterAll(async () => {
      await close();
    });

    it('counts hits on a key in a window from 1, apart from other keys and windows', async () => {
      const key = freshKey();
      expect(await counter.countHits(key, window.start, window.expiresAt)).toBe(1);
      expect(await counter.countHits(key, window.start, window.expiresAt)).toBe(2);
      expect(await counter.countHits(freshKey(), window.start, window.expiresAt)).toBe(1);
      const next = windowOf(window.end, HOUR);
      expect(await counter.countHits(key, next.start, next.expiresAt)).toBe(1);
      expect(await counter.countHits(key, window.start, window.expiresAt)).toBe(3);
    });

    it('reads without counting when adding 0, and gives back a negative hit', async () => {
      const key = freshKey();
      expect(await counter.countHits(key, window.start, window.expiresAt, 0)).toBe(0);
      await counter.countHits(key, window.start, window.expiresAt);
      await counter.countHits(key, window.start, window.expiresAt);
      expect(await counter.countHits(key, window.start, window.expiresAt, 0)).toBe(2);
      expect(await counter.countHits(key, window.start, window.expiresAt, -1)).toBe(1);
      expect(await counter.countHits(key, window.start, window.expiresAt, 0)).toBe(1);
    });

    it('counts hits sent at once without losing any: each sees its own count', async () => {
      const key = freshKey();
      const counts = await Promise.all(
        Array.from({ length: 20 }, () => counter.countHits(key, window.start, window.expiresAt)),
      );
      expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });
  });
}

describeHitCounterContract('memory store', async () => {
  const store = new MemoryStore();
  return { counter: store, close: () => store.close() };
});

describe('MemoryHitCounter', () => {
  it('sweeps the counts of windows that have passed as it grows, and keeps current ones', async () => {
    const counter = new MemoryHitCounter();
    const old = windowOf(Date.parse('2026-03-01T10:00:00Z'), 60_000);
    for (let i = 0; i < 1024; i++) await counter.countHits(`old#${i}`, old.start, old.expiresAt);
    const now = windowOf(Date.parse('2026-03-01T11:00:00Z'), 60_000);
    await counter.countHits('current', now.start, now.expiresAt);
    await counter.countHits('current', now.start, now.expiresAt);
    expect(counter.size).toBe(1);
    expect(await counter.countHits('current', now.start, now.expiresAt, 0)).toBe(2);
  });
});

describe('on dynalite', () => {
  let dynalite: Dynalite;

  beforeAll(async () => {
    dynalite = await startDynalite();
  });
  afterAll(async () => {
    await dynalite.close();
  });

  describeHitCounterContract('DynamoDB store', async () => {
    const { store: own } = await dynaliteStore(dynalite.endpoint);
    return { counter: own, close: () => own.close() };
  });

  it('keeps a count in one item per key and window, with the TTL attribute ExpiresAt, in one request', async () => {
    const { store: counted, counter, table: countedTable } = await dynaliteStore(dynalite.endpoint);
    const window = windowOf(Date.parse('2026-03-01T10:20:00Z'), HOUR);
    counter.reset();
    await counted.countHits('sign-ups#203.0.113.7', window.start, window.expiresAt);
    expect(counter.snapshot().byCommand).toEqual({ UpdateItemCommand: 1 });
    counter.reset();
    expect(await counted.countHits('sign-ups#203.0.113.7', window.start, window.expiresAt, 0)).toBe(1);
    expect(counter.snapshot().byCommand).toEqual({ GetItemCommand: 1 });

    const client = dynaliteClient(dynalite.endpoint);
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: countedTable,
        Key: { GameId: { S: `RATE#sign-ups#203.0.113.7#${window.start}` } },
      }),
    );
    client.destroy();
    expect(Item).toEqual({
      GameId: { S: `RATE#sign-ups#203.0.113.7#${window.start}` },
      Hits: { N: '1' },
      ExpiresAt: { N: String(Date.parse('2026-03-01T11:00:00Z') / 1000) },
    });
    await counted.close();
  });
});

describe('on Redis', () => {
  let redis: TestRedis;
  let bus: RedisBus;
  let fallback: MemoryHitCounter;

  beforeAll(async () => {
    redis = await TestRedis.start();
    bus = new RedisBus({ url: redis.url });
    await until(() => bus.up, 'the bus is up');
    fallback = new MemoryHitCounter();
  });
  afterAll(async () => {
    await bus.close();
    await redis.stop();
  });

  describeHitCounterContract('Redis', async () => ({
    counter: new RedisHitCounter(bus, fallback),
    close: async () => {},
  }));

  it('counts on Redis, the key expiring within a window of its last hit, and nothing in the fallback', async () => {
    const counter = new RedisHitCounter(bus, fallback);
    const window = windowOf(Date.now(), HOUR);
    const key = freshKey();
    await counter.countHits(key, window.start, window.expiresAt);
    const client = new Redis(redis.url);
    try {
      expect(await client.get(`ttt:rate:${key}#${window.start}`)).toBe('1');
      const ttl = await client.pttl(`ttt:rate:${key}#${window.start}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(HOUR);
    } finally {
      client.disconnect();
    }
    expect(await fallback.countHits(key, window.start, window.expiresAt, 0)).toBe(0);
  });

  it('counts in the fallback (the store) while Redis is down', async () => {
    const down = { commands: bus.commands, up: false };
    const counter = new RedisHitCounter(down, fallback);
    const window = windowOf(Date.now(), HOUR);
    const key = freshKey();
    expect(await counter.countHits(key, window.start, window.expiresAt)).toBe(1);
    expect(await fallback.countHits(key, window.start, window.expiresAt, 0)).toBe(1);
  });
});
