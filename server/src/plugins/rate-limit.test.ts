import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp, trustedProxies } from '../app.js';
import type { RateLimits } from '../config.js';
import { hashPassword, verifyPassword } from '../online/passwords.js';
import { NEW_GUARD } from '../online/sign-in-guard.js';
import { MemoryStore } from '../storage/memory.js';
import { NO_RATE_LIMITS, testConfig } from '../test-support/app.js';
import { PASSWORD } from '../test-support/online.js';

// Counts the password checks: spraying must be refused before any is made.
vi.mock('../online/passwords.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../online/passwords.js')>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});

const HOUR = 3_600_000;
/** 40 minutes before the hour: a one-hour window has 2400 s left. */
const START = Date.parse('2026-03-01T10:20:00.000Z');
const A = '203.0.113.1';
const B = '198.51.100.2';

/** A clock the test moves. */
class Clock {
  at = START;
  readonly now = () => new Date(this.at);
}

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  vi.mocked(verifyPassword).mockClear();
});

async function limitedApp(limits: Partial<RateLimits>, clock = new Clock()) {
  const store = new MemoryStore();
  const app = await buildApp({
    config: testConfig({ rateLimits: { ...NO_RATE_LIMITS, ...limits } }),
    store,
    now: clock.now,
  });
  apps.push(app);
  return { app, store, clock };
}

/** One browser at one address: its session cookie, carried from answer to request. */
class Client {
  cookie = '';
  constructor(
    private readonly app: FastifyInstance,
    readonly address: string,
  ) {}

  async send(method: InjectOptions['method'], url: string, payload?: object) {
    const response = await this.app.inject({
      method,
      url,
      remoteAddress: this.address,
      headers: this.cookie ? { cookie: this.cookie } : {},
      ...(payload ? { payload } : {}),
    });
    const set = response.headers['set-cookie'];
    const line = (Array.isArray(set) ? set : set ? [set] : []).find((l) => l.startsWith('ttt_session='));
    if (line) this.cookie = line.split(';')[0] ?? '';
    return response;
  }

  signIn(name: string, password = PASSWORD, create = true) {
    return this.send('POST', '/api/session', { name, password, ...(create ? { create } : {}) });
  }

  invite(opponent: string) {
    return this.send('POST', '/api/games', { opponent });
  }
}

/** A 429 of a limit: its code, the JSON body, Retry-After in seconds. */
function expectRefused(
  response: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  code: string,
  retryAfter: number,
) {
  expect(response.statusCode).toBe(429);
  expect(response.json()).toEqual({ error: expect.any(String), code });
  expect(response.headers['retry-after']).toBe(String(retryAfter));
}

describe('sign-ups per address', () => {
  it('refuses the (N+1)th with 429 and creates nothing; other addresses go on; the next window lets it in', async () => {
    const { app, store, clock } = await limitedApp({ signUps: { max: 3, windowMs: HOUR } });
    const here = new Client(app, A);
    for (const name of ['ann1', 'ann2', 'ann3']) expect((await here.signIn(name)).statusCode).toBe(200);

    const refused = await here.signIn('ann4');
    expectRefused(refused, 'rate/sign-ups', 2400);
    expect(refused.json().error).toMatch(/Too many accounts .* 40 minutes/);
    expect(await store.getPlayer('ann4')).toBeNull();
    expect(refused.headers['set-cookie']).toBeUndefined();

    // Signing in to an account that exists is not a sign-up.
    expect((await here.signIn('ann1', PASSWORD, false)).statusCode).toBe(200);
    expect((await new Client(app, B).signIn('bea1')).statusCode).toBe(200);

    clock.at += 40 * 60_000;
    expect((await here.signIn('ann4')).statusCode).toBe(200);
    expect(await store.getPlayer('ann4')).not.toBeNull();
  });

  it('limits nothing when off (the default in tests)', async () => {
    const { app } = await limitedApp({});
    const here = new Client(app, A);
    for (let i = 0; i < 30; i++) expect((await here.signIn(`many${i}`)).statusCode).toBe(200);
  });
});

describe('sign-in attempts per address', () => {
  it('refuses attempts past the limit, whatever their names, with 429 rate/sign-ins', async () => {
    const { app } = await limitedApp({ signIns: { max: 3, windowMs: 10 * 60_000 } });
    const here = new Client(app, A);
    expect((await here.signIn('cat1')).statusCode).toBe(200);
    expect((await here.signIn('cat1', PASSWORD, false)).statusCode).toBe(200);
    expect((await here.signIn('cat2', PASSWORD, false)).statusCode).toBe(404);
    // 10:20 is the start of a ten-minute window.
    expectRefused(await here.signIn('cat1', PASSWORD, false), 'rate/sign-ins', 600);
    expect((await new Client(app, B).signIn('cat1', PASSWORD, false)).statusCode).toBe(200);
  });
});

describe('password spraying', () => {
  it('30 names × 3 guesses from one address: after the limit, 429 before any password is checked', async () => {
    const { app, store, clock } = await limitedApp({ signInFailures: { max: 10, windowMs: HOUR } });
    const passwordHash = await hashPassword(PASSWORD);
    const names = Array.from({ length: 30 }, (_, i) => `victim${i}`);
    for (const id of names) {
      await store.createPlayer({
        id,
        name: id,
        passwordHash,
        createdAt: new Date(START).toISOString(),
        signInGuard: NEW_GUARD,
      });
    }
    const sprayer = new Client(app, A);
    const statuses: number[] = [];
    for (const guess of ['password123', 'qwertyuiop', 'letmein2026']) {
      for (const name of names) statuses.push((await sprayer.signIn(name, guess, false)).statusCode);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(80).fill(429));
    expect(verifyPassword).toHaveBeenCalledTimes(10);
    // The right password from there waits too, unchecked, with the code that says why.
    expectRefused(await sprayer.signIn('victim0', PASSWORD, false), 'rate/sign-in-failures', 2400);
    expect(verifyPassword).toHaveBeenCalledTimes(10);

    // No owner is locked out: each name took one guess before the address was stopped.
    const owner = new Client(app, B);
    expect((await owner.signIn('victim0', PASSWORD, false)).statusCode).toBe(200);
    const guard = (await store.getPlayer('victim9'))?.signInGuard;
    expect(Object.values(guard?.clients ?? {}).map((client) => client.failures)).toEqual([1]);

    clock.at += 40 * 60_000;
    expect((await sprayer.signIn('victim1', PASSWORD, false)).statusCode).toBe(200);
  });

  it('counts only wrong passwords: sign-ins that work, unknown names and sign-ups are not failures', async () => {
    const { app } = await limitedApp({ signInFailures: { max: 2, windowMs: HOUR } });
    const here = new Client(app, A);
    for (let i = 0; i < 5; i++) {
      expect((await here.signIn(`dan${i}`)).statusCode).toBe(200);
      expect((await here.signIn(`dan${i}`, PASSWORD, false)).statusCode).toBe(200);
      expect((await here.signIn(`nobody${i}`, PASSWORD, false)).statusCode).toBe(404);
    }
    expect((await here.signIn('dan0', 'wrong password', false)).statusCode).toBe(401);
    expect((await here.signIn('dan0', 'wrong password', false)).statusCode).toBe(401);
    expectRefused(await here.signIn('dan0', PASSWORD, false), 'rate/sign-in-failures', 2400);
  });
});

describe('invitations', () => {
  async function players(app: FastifyInstance, address: string, ...names: string[]) {
    const clients: Client[] = [];
    for (const name of names) {
      const client = new Client(app, address);
      expect((await client.signIn(name)).statusCode).toBe(200);
      clients.push(client);
    }
    return clients;
  }

  it('per player: refuses the (N+1)th with 429 and creates nothing; other players go on; the next window lets it in', async () => {
    const { app, store, clock } = await limitedApp({ invitations: { max: 2, windowMs: HOUR } });
    const [eve, fay] = await players(app, A, 'eve', 'fay');
    if (!eve || !fay) throw new Error('no players');
    expect((await eve.invite('gus1')).statusCode).toBe(201);
    expect((await eve.send('POST', '/api/games', { invite: 'link' })).statusCode).toBe(201);

    expectRefused(await eve.invite('gus2'), 'rate/invitations', 2400);
    const sent = await store.listGames({ playerId: 'eve', list: 'sent', limit: 10 });
    expect(sent.items).toHaveLength(2);
    expect((await store.listGames({ playerId: 'gus2', list: 'received', limit: 10 })).items).toHaveLength(0);

    expect((await fay.invite('gus2')).statusCode).toBe(201);
    clock.at += 40 * 60_000;
    expect((await eve.invite('gus2')).statusCode).toBe(201);
  });

  it('per address: players behind one address share the limit', async () => {
    const { app } = await limitedApp({ invitationsPerAddress: { max: 3, windowMs: HOUR } });
    const [hal, ida] = await players(app, A, 'hal', 'ida');
    const [joe] = await players(app, B, 'joe');
    expect((await hal?.invite('kim1'))?.statusCode).toBe(201);
    expect((await hal?.invite('kim2'))?.statusCode).toBe(201);
    expect((await ida?.invite('kim3'))?.statusCode).toBe(201);
    const refused = await ida?.invite('kim4');
    if (!refused) throw new Error('no answer');
    expectRefused(refused, 'rate/invitations-per-address', 2400);
    expect((await joe?.invite('kim4'))?.statusCode).toBe(201);
  });

  it('caps pending invitations per host: one more waits until one is answered', async () => {
    const { app, store } = await limitedApp({ pendingInvitations: 2 });
    const [lea] = await players(app, A, 'lea');
    const [max] = await players(app, B, 'max');
    if (!lea || !max) throw new Error('no players');
    const first = await lea.invite('max');
    expect(first.statusCode).toBe(201);
    expect((await lea.send('POST', '/api/games', { invite: 'link' })).statusCode).toBe(201);

    // The first of them expires in 24 h (INVITATION_TTL_MS).
    expectRefused(await lea.invite('ned'), 'rate/pending-invitations', 24 * 3600);
    expect((await store.listGames({ playerId: 'lea', list: 'sent', limit: 10 })).items).toHaveLength(2);

    expect((await max.send('POST', `/api/games/${first.json().id}/decline`)).statusCode).toBe(200);
    expect((await lea.invite('ned')).statusCode).toBe(201);
  });

  it('counts no invitation of a signed-out client, which gets its 401', async () => {
    const { app } = await limitedApp({ invitations: { max: 1, windowMs: HOUR }, pendingInvitations: 1 });
    const stranger = new Client(app, A);
    for (let i = 0; i < 3; i++) expect((await stranger.invite('anyone')).statusCode).toBe(401);
  });
});

describe('every request, per address', () => {
  it('answers 429 rate/requests past the limit, except health checks; other addresses go on', async () => {
    const { app, clock } = await limitedApp({ requests: { max: 5, windowMs: 60_000 } });
    const here = new Client(app, A);
    for (let i = 0; i < 5; i++) expect((await here.send('GET', '/api/session')).statusCode).toBe(200);
    const refused = await here.send('GET', '/api/session');
    expectRefused(refused, 'rate/requests', 60);
    expectRefused(await here.send('POST', '/move', { index: 0 }), 'rate/requests', 60);
    expect((await here.send('GET', '/healthz')).statusCode).toBe(200);
    expect((await new Client(app, B).send('GET', '/api/session')).statusCode).toBe(200);
    clock.at += 60_000;
    expect((await here.send('GET', '/api/session')).statusCode).toBe(200);
  });
});

describe('the client address behind proxies (TRUST_PROXY)', () => {
  /** request.ip and request.protocol as a server with this setting sees them. */
  async function seen(setting: boolean | number | string, remoteAddress: string, headers: Record<string, string>) {
    const server = Fastify({ trustProxy: trustedProxies(setting) });
    server.get('/', async (request) => ({ ip: request.ip, protocol: request.protocol }));
    const response = await server.inject({ method: 'GET', url: '/', remoteAddress, headers });
    await server.close();
    return response.json() as { ip: string; protocol: string };
  }
  const ALB = '10.0.1.17';

  it('with 1 hop, takes the address the load balancer saw, whatever the client wrote before it', async () => {
    expect(await seen(1, ALB, { 'x-forwarded-for': A, 'x-forwarded-proto': 'https' })).toEqual({
      ip: A,
      protocol: 'https',
    });
    // The client sent its own X-Forwarded-For; the load balancer appended the real address.
    expect(await seen(1, ALB, { 'x-forwarded-for': `${B}, 127.0.0.1, ${A}` })).toMatchObject({ ip: A });
    expect(await seen(1, ALB, {})).toMatchObject({ ip: ALB });
  });

  it('with 2 hops (a CDN, then the load balancer), skips both and no more', async () => {
    const cdn = '130.176.0.5';
    expect(await seen(2, ALB, { 'x-forwarded-for': `${B}, ${A}, ${cdn}` })).toMatchObject({ ip: A });
  });

  it('with the proxies’ addresses, believes only those', async () => {
    expect(await seen('10.0.0.0/16', ALB, { 'x-forwarded-for': `${B}, ${A}` })).toMatchObject({ ip: A });
    // A client that reaches the server directly is not a proxy: its header means nothing.
    expect(await seen('10.0.0.0/16', A, { 'x-forwarded-for': B })).toMatchObject({ ip: A });
  });

  it('with false, ignores the header; with true, believes all of it (only for a proxy that overwrites it)', async () => {
    expect(await seen(false, ALB, { 'x-forwarded-for': A, 'x-forwarded-proto': 'https' })).toEqual({
      ip: ALB,
      protocol: 'http',
    });
    expect(await seen(true, ALB, { 'x-forwarded-for': `${B}, ${A}` })).toMatchObject({ ip: B });
  });

  it('limits the client behind the load balancer, not the load balancer: a forged header changes nothing', async () => {
    const store = new MemoryStore();
    const app = await buildApp({
      config: testConfig({ trustProxy: 1, rateLimits: { ...NO_RATE_LIMITS, signUps: { max: 1, windowMs: HOUR } } }),
      store,
      now: new Clock().now,
    });
    apps.push(app);
    const signUp = (name: string, remoteAddress: string, forwarded: string) =>
      app.inject({
        method: 'POST',
        url: '/api/session',
        remoteAddress,
        headers: { 'x-forwarded-for': forwarded },
        payload: { name, password: PASSWORD, create: true },
      });
    expect((await signUp('olga', ALB, A)).statusCode).toBe(200);
    expectRefused(await signUp('olga2', '10.0.2.9', `${B}, ${A}`), 'rate/sign-ups', 2400);
    expect((await signUp('olga3', ALB, `${A}, ${B}`)).statusCode).toBe(200);
    expect(await store.getPlayer('olga2')).toBeNull();
  });

  it('never makes a key of what is not an address: a forged one counts as the connection’s peer', async () => {
    const store = new MemoryStore();
    const app = await buildApp({
      config: testConfig({ trustProxy: true, rateLimits: { ...NO_RATE_LIMITS, signUps: { max: 1, windowMs: HOUR } } }),
      store,
      now: new Clock().now,
    });
    apps.push(app);
    const signUp = (name: string, forwarded: string) =>
      app.inject({
        method: 'POST',
        url: '/api/session',
        remoteAddress: ALB,
        headers: { 'x-forwarded-for': forwarded },
        payload: { name, password: PASSWORD, create: true },
      });
    expect((await signUp('pia1', `${'x'.repeat(4000)}`)).statusCode).toBe(200);
    expectRefused(await signUp('pia2', 'not an address'), 'rate/sign-ups', 2400);
    expect((await signUp('pia3', A)).statusCode).toBe(200);
  });
});
