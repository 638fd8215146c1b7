import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimits } from '../config.js';
import type { BusChangeFeed } from '../online/bus-feed.js';
import { windowOf } from '../storage/hit-counter.js';
import { NO_RATE_LIMITS } from '../test-support/app.js';
import { type Dynalite, dynaliteClient, freshTableName, startDynalite } from '../test-support/dynalite.js';
import { type Instance, startInstance } from '../test-support/instances.js';
import { PASSWORD } from '../test-support/online.js';
import { TestRedis } from '../test-support/redis.js';
import { until } from '../test-support/wait.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-03-01T10:20:00.000Z');
const LIMITS: RateLimits = {
  ...NO_RATE_LIMITS,
  signUps: { max: 3, windowMs: HOUR },
  signInFailures: { max: 2, windowMs: HOUR },
  invitations: { max: 2, windowMs: HOUR },
};

const signIn = (on: Instance, address: string, body: object) =>
  on.app.inject({ method: 'POST', url: '/api/session', remoteAddress: address, payload: body });

/** The same flood, sent to two instances in turn: the limits count it once, in total. */
function describeAcrossInstances(name: string, start: () => Promise<{ a: Instance; b: Instance; table: string }>) {
  describe(`two instances ${name}`, () => {
    let a: Instance;
    let b: Instance;

    beforeAll(async () => {
      ({ a, b } = await start());
    });
    afterAll(async () => {
      await a.app.close();
      await b.app.close();
    });

    it('refuses the 4th of 3 sign-ups from one address, sent alternately to each instance, and creates nothing', async () => {
      const address = '203.0.113.10';
      const statuses: number[] = [];
      for (const [index, on] of [a, b, a, b].entries()) {
        statuses.push(
          (await signIn(on, address, { name: `flood${index}`, password: PASSWORD, create: true })).statusCode,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      const gone = await signIn(a, '198.51.100.10', { name: 'flood3', password: PASSWORD });
      expect(gone.json()).toMatchObject({ code: 'auth/unknown-player' });
    });

    it('stops password spraying on one instance after failures on the other', async () => {
      const address = '203.0.113.11';
      expect((await signIn(a, '198.51.100.11', { name: 'sprayed', password: PASSWORD, create: true })).statusCode).toBe(
        200,
      );
      expect((await signIn(a, address, { name: 'sprayed', password: 'guess number one' })).statusCode).toBe(401);
      expect((await signIn(b, address, { name: 'sprayed', password: 'guess number two' })).statusCode).toBe(401);
      const refused = await signIn(a, address, { name: 'sprayed', password: PASSWORD });
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ code: 'rate/sign-in-failures' });
    });

    it('counts one player’s invitations on both instances together', async () => {
      const address = '203.0.113.12';
      const host = await signIn(a, address, { name: 'inviter', password: PASSWORD, create: true });
      const cookie = String(host.headers['set-cookie']).split(';')[0] ?? '';
      const invite = (on: Instance, opponent: string) =>
        on.app.inject({
          method: 'POST',
          url: '/api/games',
          remoteAddress: address,
          headers: { cookie },
          payload: { opponent },
        });
      expect((await invite(a, 'guest1')).statusCode).toBe(201);
      expect((await invite(b, 'guest2')).statusCode).toBe(201);
      const refused = await invite(a, 'guest3');
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ code: 'rate/invitations' });
    });
  });
}

let dynamo: Dynalite;
let redis: TestRedis;
let tables: string[] = [];
beforeAll(async () => {
  dynamo = await startDynalite();
  redis = await TestRedis.start();
});
afterAll(async () => {
  await redis.stop();
  await dynamo.close();
});

const options = { config: { rateLimits: LIMITS }, now: () => new Date(NOW) };

describeAcrossInstances('sharing DynamoDB', async () => {
  const table = freshTableName();
  tables = [...tables, table];
  // Polling hardly ever: the limits must not depend on it.
  const live = { pollMs: 3_600_000 };
  return {
    a: await startInstance(dynamo.endpoint, table, live, options),
    b: await startInstance(dynamo.endpoint, table, live, options),
    table,
  };
});

describeAcrossInstances('on the Redis bus, sharing DynamoDB', async () => {
  const table = freshTableName();
  tables = [...tables, table];
  const live = { redisUrl: redis.url, pollMs: 3_600_000 };
  const a = await startInstance<BusChangeFeed>(dynamo.endpoint, table, live, options);
  const b = await startInstance<BusChangeFeed>(dynamo.endpoint, table, live, options);
  await until(() => a.feed.live && b.feed.live, 'both instances are on the bus');
  return { a, b, table };
});

describe('where the counts live', () => {
  it('in the table without a bus (a RATE# item with ExpiresAt), on Redis with one', async () => {
    const [dynamoTable, busTable] = tables;
    const window = windowOf(NOW, HOUR);
    const key = { GameId: { S: `RATE#sign-ups#203.0.113.10#${window.start}` } };
    const client = dynaliteClient(dynamo.endpoint);
    const inTable = await client.send(new GetItemCommand({ TableName: dynamoTable, Key: key, ConsistentRead: true }));
    const onBusTable = await client.send(new GetItemCommand({ TableName: busTable, Key: key, ConsistentRead: true }));
    client.destroy();
    expect(inTable.Item).toMatchObject({ Hits: { N: '4' }, ExpiresAt: { N: String(window.expiresAt) } });
    expect(onBusTable.Item).toBeUndefined();
    const commands = new Redis(redis.url);
    try {
      expect(await commands.get(`ttt:rate:sign-ups#203.0.113.10#${window.start}`)).toBe('4');
    } finally {
      commands.disconnect();
    }
  });
});
