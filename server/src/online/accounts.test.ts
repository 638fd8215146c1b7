import { RESERVED_NAMES } from '@ttt/shared';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { MemoryStore } from '../storage/memory.js';
import type { PlayerRecord, Store } from '../storage/types.js';
import { TEST_PASSWORD_COST, testConfig } from '../test-support/app.js';
import { type Dynalite, freshTableName, startDynalite } from '../test-support/dynalite.js';
import { type Instance, startInstance } from '../test-support/instances.js';
import { PASSWORD, uniqueName } from '../test-support/online.js';
import { playerRecord } from '../test-support/records.js';
import type { AccountsOptions } from './accounts.js';
import { hashCost, hashPassword, type PasswordCost, verifyPassword } from './passwords.js';
import { GUARD_RULES } from './sign-in-guard.js';

/** A verifier that records the passwords it checks: what an attacker's burst really gets. */
function countingVerifier() {
  const counted = { checks: 0, passwords: [] as string[] };
  const verify = async (password: string, stored: string) => {
    counted.checks++;
    counted.passwords.push(password);
    return verifyPassword(password, stored);
  };
  return { counted, verify };
}

/**
 * Checks until the burst got in, or all of them: at most 5. (Once the right password was checked
 * the account is the attacker's anyway, and that client's count starts again.)
 */
function expectAtMostFiveChecks(counted: { passwords: string[] }) {
  const success = counted.passwords.indexOf(PASSWORD);
  expect(success === -1 ? counted.passwords.length : success + 1).toBeLessThanOrEqual(5);
  expect(counted.passwords.length).toBeGreaterThan(0);
}

const T0 = Date.parse('2026-11-30T12:00:00.000Z');

async function memoryApp(accounts: AccountsOptions, clock: { now: number }) {
  const store = new MemoryStore();
  const app = await buildApp({
    config: testConfig(),
    store,
    now: () => new Date(clock.now),
    accounts: { passwordCost: TEST_PASSWORD_COST, ...accounts },
  });
  return { app, store };
}

function signIn(app: FastifyInstance, address: string, body: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/api/session', payload: body, remoteAddress: address });
}

/** 50 wrong passwords and the right one, all sent at once, from `addresses` in turn. */
function burst(apps: FastifyInstance[], name: string, addresses: (i: number) => string) {
  const bodies = [
    ...Array.from({ length: 50 }, (_, i) => ({ name, password: `wrong password ${i}` })),
    { name, password: PASSWORD },
  ];
  return Promise.all(bodies.map((body, i) => signIn(apps[i % apps.length] as FastifyInstance, addresses(i), body)));
}

function expectOnlyRefusals(answers: LightMyRequestResponse[]) {
  for (const answer of answers) {
    expect([200, 401, 429], answer.body).toContain(answer.statusCode);
    if (answer.statusCode === 429) {
      expect(['auth/busy', 'auth/locked']).toContain(answer.json().code);
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    }
  }
}

describe('the concurrent brute force', () => {
  it('checks at most 5 of 51 passwords sent at once to one instance', async () => {
    const { counted, verify } = countingVerifier();
    const { app } = await memoryApp({ verify }, { now: T0 });
    const name = uniqueName('victim');
    expect((await signIn(app, '10.0.0.1', { name, password: PASSWORD, create: true })).statusCode).toBe(200);

    const answers = await burst([app], name, () => '203.0.113.9');
    expectAtMostFiveChecks(counted);
    expectOnlyRefusals(answers);
    expect(answers.filter((answer) => answer.statusCode === 401)).toHaveLength(
      counted.checks - answers.filter((a) => a.statusCode === 200).length,
    );
    await app.close();
  });

  it('checks at most 5 when the same 51 arrive one after another, and the right one comes too late', async () => {
    const { counted, verify } = countingVerifier();
    const { app } = await memoryApp({ verify }, { now: T0 });
    const name = uniqueName('victim');
    await signIn(app, '10.0.0.1', { name, password: PASSWORD, create: true });
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      statuses.push((await signIn(app, '203.0.113.9', { name, password: `wrong password ${i}` })).statusCode);
    }
    const right = await signIn(app, '203.0.113.9', { name, password: PASSWORD });
    expect(counted.checks).toBe(5);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(statuses.slice(5))).toEqual(new Set([429]));
    expect(right.statusCode).toBe(429);
    expect(right.json()).toMatchObject({ code: 'auth/locked' });
    await app.close();
  });

  it('answers 429 auth/busy, without checking the password, when another attempt lands between read and write', async () => {
    const { counted, verify } = countingVerifier();
    /** Another instance reserves an attempt on every player just after this one reads it. */
    class RacedStore extends MemoryStore {
      override async getPlayer(id: string) {
        const player = await super.getPlayer(id);
        if (player && raced) {
          const other = { version: player.signInGuard.version + 1, clients: {} };
          await super.saveSignInGuard(id, other, player.signInGuard.version);
        }
        return player;
      }
    }
    let raced = false;
    const store = new RacedStore();
    const app = await buildApp({ config: testConfig(), store, accounts: { passwordCost: TEST_PASSWORD_COST, verify } });
    const name = uniqueName('busy');
    await signIn(app, '10.0.0.1', { name, password: PASSWORD, create: true });
    raced = true;
    const answer = await signIn(app, '10.0.0.1', { name, password: PASSWORD });
    expect(answer.statusCode).toBe(429);
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.json()).toEqual({
      error: 'Another sign-in to this name is being checked right now; try again in a moment',
      code: 'auth/busy',
    });
    expect(counted.checks).toBe(0);
    await app.close();
  });

  describe('on two instances sharing DynamoDB', () => {
    let dynamo: Dynalite;
    let a: Instance;
    let b: Instance;
    const counting = countingVerifier();

    beforeAll(async () => {
      dynamo = await startDynalite();
      const table = freshTableName();
      const accounts = { passwordCost: TEST_PASSWORD_COST, verify: counting.verify };
      a = await startInstance(dynamo.endpoint, table, { pollMs: 60_000 }, { accounts });
      b = await startInstance(dynamo.endpoint, table, { pollMs: 60_000 }, { accounts });
    });
    afterAll(async () => {
      await a?.app.close();
      await b?.app.close();
      await dynamo?.close();
    });

    it('checks at most 5 of 51 passwords sent at once, half to each instance', async () => {
      const name = uniqueName('victim');
      expect((await signIn(a.app, '10.0.0.1', { name, password: PASSWORD, create: true })).statusCode).toBe(200);
      counting.counted.passwords = [];
      const answers = await burst([a.app, b.app], name, () => '203.0.113.9');
      expectAtMostFiveChecks(counting.counted);
      expectOnlyRefusals(answers);
    });

    it('keeps one client locked out on both instances, and lets the owner in from another address', async () => {
      const name = uniqueName('owner');
      await signIn(a.app, '10.0.0.1', { name, password: PASSWORD, create: true });
      for (let i = 0; i < 5; i++) {
        const on = i % 2 ? b.app : a.app;
        expect((await signIn(on, '203.0.113.9', { name, password: 'wrong password' })).statusCode).toBe(401);
      }
      for (const on of [a.app, b.app]) {
        expect((await signIn(on, '203.0.113.9', { name, password: PASSWORD })).json()).toMatchObject({
          code: 'auth/locked',
        });
      }
      expect((await signIn(b.app, '10.0.0.1', { name, password: PASSWORD })).statusCode).toBe(200);
    });
  });
});

describe('failures per name and per client address', () => {
  let app: FastifyInstance;
  let store: Store;
  const clock = { now: T0 };

  beforeAll(async () => {
    ({ app, store } = await memoryApp(
      { guardRules: { ...GUARD_RULES, maxClients: 3, sharedLongestLockMs: 60_000 } },
      clock,
    ));
  });
  afterAll(() => app.close());

  it("one client's five failures lock that client only: the owner signs in from home", async () => {
    const name = uniqueName('owner');
    await signIn(app, '198.51.100.1', { name, password: PASSWORD, create: true });
    for (let i = 0; i < 5; i++) {
      expect((await signIn(app, '203.0.113.9', { name, password: 'wrong password' })).statusCode).toBe(401);
    }
    const before = await store.getPlayer(name.toLowerCase());
    const locked = await signIn(app, '203.0.113.9', { name, password: PASSWORD });
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toEqual({
      code: 'auth/locked',
      error: 'Too many failed sign-ins for this name from your network. Try again in 30 seconds.',
    });
    expect(locked.headers['retry-after']).toBe('30');
    // A refused attempt changes nothing.
    expect(await store.getPlayer(name.toLowerCase())).toEqual(before);

    expect((await signIn(app, '198.51.100.1', { name, password: PASSWORD })).statusCode).toBe(200);
    // IPv6: the whole /64 is one client.
    for (let i = 0; i < 5; i++) {
      await signIn(app, `2001:db8:5:6::${i + 1}`, { name, password: 'wrong password' });
    }
    expect((await signIn(app, '2001:db8:5:6:ffff::9', { name, password: PASSWORD })).statusCode).toBe(429);
    expect((await signIn(app, '2001:db8:5:7::1', { name, password: PASSWORD })).statusCode).toBe(200);
  });

  it('a success clears that client only, and the count restarts', async () => {
    const name = uniqueName('owner');
    await signIn(app, '198.51.100.1', { name, password: PASSWORD, create: true });
    for (let i = 0; i < 4; i++) await signIn(app, '198.51.100.1', { name, password: 'wrong password' });
    await signIn(app, '203.0.113.9', { name, password: 'wrong password' });
    expect((await signIn(app, '198.51.100.1', { name, password: PASSWORD })).statusCode).toBe(200);
    const guard = (await store.getPlayer(name.toLowerCase()))?.signInGuard;
    expect(Object.values(guard?.clients ?? {})).toEqual([{ failures: 1, lastFailureAt: T0 }]);
    for (let i = 0; i < 4; i++) await signIn(app, '198.51.100.1', { name, password: 'wrong password' });
    expect((await signIn(app, '198.51.100.1', { name, password: PASSWORD })).statusCode).toBe(200);
  });

  it('past the bound of tracked clients, everyone else shares one short lock (a distributed attack)', async () => {
    const name = uniqueName('owner');
    await signIn(app, '198.51.100.1', { name, password: PASSWORD, create: true });
    // Three addresses fill the (shrunk) bound; the next ones share one entry.
    for (const bot of [1, 2, 3, 4, 5, 6, 7, 8]) {
      expect((await signIn(app, `203.0.113.${bot}`, { name, password: 'wrong password' })).statusCode).toBe(401);
    }
    const owner = await signIn(app, '198.51.100.1', { name, password: PASSWORD });
    expect(owner.statusCode).toBe(429);
    expect(owner.json().error).toMatch(/from many networks at once\. Try again in 30 seconds/);
    clock.now += 30_000;
    expect((await signIn(app, '198.51.100.1', { name, password: PASSWORD })).statusCode).toBe(200);
    clock.now = T0;
  });
});

describe('passwords', () => {
  const OLD: PasswordCost = { N: 2 ** 10, r: 8, p: 1 };
  const NEW: PasswordCost = { N: 2 ** 11, r: 8, p: 2 };

  it('re-hashes an old hash at the next successful sign-in, in the one write that clears the client', async () => {
    const store = new MemoryStore();
    const name = uniqueName('oldtimer');
    const player: PlayerRecord = { ...playerRecord(name), passwordHash: await hashPassword(PASSWORD, OLD) };
    await store.createPlayer(player);
    const app = await buildApp({ config: testConfig(), store, accounts: { passwordCost: NEW } });
    expect((await signIn(app, '10.0.0.1', { name, password: 'wrong password' })).statusCode).toBe(401);
    expect((await store.getPlayer(player.id))?.passwordHash).toBe(player.passwordHash);

    expect((await signIn(app, '10.0.0.1', { name, password: PASSWORD })).statusCode).toBe(200);
    const after = await store.getPlayer(player.id);
    expect(hashCost(after?.passwordHash ?? '')).toEqual(NEW);
    // Two reservations and the clearing write: three versions.
    expect(after?.signInGuard.version).toBe(3);
    expect((await signIn(app, '10.0.0.2', { name, password: PASSWORD })).statusCode).toBe(200);
    expect((await store.getPlayer(player.id))?.passwordHash).toBe(after?.passwordHash);
    await app.close();
  });
});

describe('reserved names', () => {
  let app: FastifyInstance;
  let store: Store;
  beforeAll(async () => {
    ({ app, store } = await memoryApp({}, { now: T0 }));
  });
  afterAll(() => app.close());

  it.each(['admin', 'Administrator', 'ROOT', 'system', 'null', 'undefined', '__proto__', 'constructor', 'Support'])(
    'refuses to create %s, and creates nothing',
    async (name) => {
      const answer = await signIn(app, '10.0.0.1', { name, password: PASSWORD, create: true });
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toEqual({ error: 'This name is reserved; choose another', code: 'auth/reserved-name' });
      expect(answer.headers['set-cookie']).toBeUndefined();
      expect(await store.getPlayer(name.toLowerCase())).toBeNull();
    },
  );

  it('lets a player who already has such a name keep signing in', async () => {
    await store.createPlayer({
      ...playerRecord('Admin'),
      passwordHash: await hashPassword(PASSWORD, TEST_PASSWORD_COST),
    });
    expect((await signIn(app, '10.0.0.1', { name: 'admin', password: PASSWORD })).statusCode).toBe(200);
    expect(RESERVED_NAMES).toContain('admin');
  });
});
