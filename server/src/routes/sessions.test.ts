import type { AddressInfo } from 'node:net';
import type {} from '@fastify/secure-session';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_SESSIONS_PER_PLAYER } from '../online/sessions.js';
import { MemoryStore } from '../storage/memory.js';
import { Browser, testApp } from '../test-support/app.js';
import { EventReader } from '../test-support/events.js';
import { OnlinePlayer, PASSWORD } from '../test-support/online.js';
import { until } from '../test-support/wait.js';

const apps: FastifyInstance[] = [];
async function server(): Promise<FastifyInstance> {
  const app = await testApp({ store: new MemoryStore() });
  apps.push(app);
  return app;
}

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

/** What a signed-out browser is told on every kind of route. */
async function expectSignedOut(browser: Browser) {
  const lobby = await browser.get('/api/lobby');
  expect(lobby.statusCode).toBe(401);
  expect(lobby.json()).toEqual({ error: expect.any(String), code: 'auth/signed-out' });
  const invite = await browser.post('/api/games', { invite: 'link' });
  expect(invite.statusCode).toBe(401);
  expect(invite.json()).toMatchObject({ code: 'auth/signed-out' });
  expect((await browser.get('/api/session')).json()).toEqual({ player: null });
}

describe('signing out', () => {
  it('makes a copy of the cookie taken before useless, and clears it', async () => {
    const app = await server();
    const alice = await OnlinePlayer.signIn(app, 'alice');
    const captured = alice.copyTo(app);
    expect((await captured.get('/api/lobby')).statusCode).toBe(200);

    expect((await alice.request({ method: 'DELETE', url: '/api/session' })).json()).toEqual({ player: null });

    const replayed = await captured.get('/api/lobby');
    expect(replayed.statusCode).toBe(401);
    expect(replayed.json()).toMatchObject({ code: 'auth/signed-out' });
    // The answer re-seals the cookie without the player.
    expect(replayed.headers['set-cookie']).toBeDefined();
    await expectSignedOut(alice.copyTo(app));
  });

  it('leaves the player’s other sessions signed in', async () => {
    const app = await server();
    const phone = await OnlinePlayer.signIn(app, 'alice');
    const laptop = await OnlinePlayer.signIn(app, 'alice');
    await phone.request({ method: 'DELETE', url: '/api/session' });
    expect((await laptop.get('/api/lobby')).statusCode).toBe(200);
  });

  it('ends the session this browser had when it signs in again', async () => {
    const app = await server();
    const alice = await OnlinePlayer.signIn(app, 'alice');
    const captured = alice.copyTo(app);
    expect((await alice.post('/api/session', { name: 'alice', password: PASSWORD })).statusCode).toBe(200);
    expect((await alice.get('/api/lobby')).statusCode).toBe(200);
    await expectSignedOut(captured);
  });
  it('ends the session this browser had when it signs in as someone else', async () => {
    const app = await server();
    await OnlinePlayer.signIn(app, 'bob');
    const alice = await OnlinePlayer.signIn(app, 'alice');
    const captured = alice.copyTo(app);
    expect((await alice.post('/api/session', { name: 'bob', password: PASSWORD })).statusCode).toBe(200);
    expect((await alice.get('/api/session')).json()).toEqual({ player: { id: 'bob', name: 'bob' } });
    await expectSignedOut(captured);
  });
});

describe('signing out everywhere', () => {
  it('ends every session of the player, and the next sign-in works', async () => {
    const app = await server();
    const phone = await OnlinePlayer.signIn(app, 'alice');
    const laptop = await OnlinePlayer.signIn(app, 'alice');
    const bob = await OnlinePlayer.signIn(app, 'bob');

    const answer = await phone.request({ method: 'DELETE', url: '/api/sessions' });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ player: null });

    await expectSignedOut(phone);
    await expectSignedOut(laptop);
    // Nobody else's.
    expect((await bob.get('/api/lobby')).statusCode).toBe(200);

    const again = await laptop.post('/api/session', { name: 'alice', password: PASSWORD });
    expect(again.statusCode).toBe(200);
    expect((await laptop.get('/api/lobby')).statusCode).toBe(200);
  });

  it('answers 401 auth/signed-out when signed out, and when the session already ended', async () => {
    const app = await server();
    const nobody = new Browser(app);
    const answer = await nobody.request({ method: 'DELETE', url: '/api/sessions' });
    expect(answer.statusCode).toBe(401);
    expect(answer.json()).toEqual({ error: expect.any(String), code: 'auth/signed-out' });

    const alice = await OnlinePlayer.signIn(app, 'alice');
    const captured = alice.copyTo(app);
    await alice.request({ method: 'DELETE', url: '/api/session' });
    expect((await captured.request({ method: 'DELETE', url: '/api/sessions' })).statusCode).toBe(401);
  });

  it('ends a live lobby stream held by a session that ends', async () => {
    const app = await server();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const phone = await OnlinePlayer.signIn(app, 'alice');
    const laptop = await OnlinePlayer.signIn(app, 'alice');
    const stream = await EventReader.open(`${base}/api/lobby/events`, { cookie: laptop.cookie ?? '' });
    expect(stream.status).toBe(200);
    await stream.next((e) => e.event === 'ready');
    await phone.request({ method: 'DELETE', url: '/api/sessions' });
    await until(() => stream.ended, 'the stream held by the ended session is ended');
    const again = await EventReader.open(`${base}/api/lobby/events`, { cookie: laptop.cookie ?? '' });
    expect(again.status).toBe(401);
    await stream.close();
    await again.close();
  });
});

describe('a cookie', () => {
  it('whose player an in-memory restart forgot is told so when the session is asked for, even after other requests', async () => {
    const alice = await OnlinePlayer.signIn(await server(), 'alice');
    const after = alice.copyTo(await server());
    // The game page asks first (the game is gone too), then who is signed in.
    for (let i = 0; i < 2; i++) expect((await after.get(`/api/games/${'x'.repeat(22)}`)).statusCode).toBe(404);
    const session = await after.get('/api/session');
    expect(session.statusCode).toBe(401);
    expect(session.json()).toMatchObject({ code: 'auth/player-gone' });
    expect((await after.get('/api/session')).json()).toEqual({ player: null });
  });

  it('signed out before an in-memory server restarted does not come back: it acts for nobody', async () => {
    const before = await server();
    const alice = await OnlinePlayer.signIn(before, 'alice');
    const captured = alice.cookie;
    await alice.request({ method: 'DELETE', url: '/api/session' });
    // The restart forgot the sign-out along with everything else.
    const after = new Browser(await server());
    after.cookie = captured;
    const invite = await after.post('/api/games', { invite: 'link' });
    expect(invite.statusCode).toBe(401);
    expect(invite.json()).toMatchObject({ code: 'auth/player-gone' });
    // The page's own read of who is signed in learns why, and signs out.
    expect((await after.get('/api/session')).json()).toMatchObject({ code: 'auth/player-gone' });
    expect((await after.get('/api/session')).json()).toEqual({ player: null });
  });

  it('whose player an in-memory restart forgot is told so by the lobby, even when a pairing request answered first', async () => {
    const alice = await OnlinePlayer.signIn(await server(), 'alice');
    const after = alice.copyTo(await server());
    // The lobby's other requests may reach the server first; they refuse without signing out…
    const pairing = await after.get('/api/pairing');
    expect(pairing.statusCode).toBe(401);
    expect(pairing.json()).toMatchObject({ code: 'auth/player-gone' });
    // …so the lobby's read still says why, and signs out.
    const lobby = await after.get('/api/lobby');
    expect(lobby.statusCode).toBe(401);
    expect(lobby.json()).toMatchObject({ code: 'auth/player-gone' });
    expect((await after.get('/api/session')).json()).toEqual({ player: null });
  });

  it('from before sessions were revocable (no session id) counts as signed out, and is cleared', async () => {
    const app = await server();
    await OnlinePlayer.signIn(app, 'alice');
    const legacy = new Browser(app);
    const sealed = app.encodeSecureSession(app.createSecureSession({ player: { id: 'alice', name: 'alice' } }));
    // As Set-Cookie carries it: URL-encoded.
    legacy.cookie = `ttt_session=${encodeURIComponent(sealed)}`;
    const answer = await legacy.get('/api/session');
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ player: null });
    expect(answer.headers['set-cookie']).toBeDefined();
    await expectSignedOut(legacy);
  });

  it(`of the oldest of ${MAX_SESSIONS_PER_PLAYER + 1} sign-ins is signed out: a player keeps ${MAX_SESSIONS_PER_PLAYER} sessions`, async () => {
    const app = await server();
    const devices: OnlinePlayer[] = [];
    for (let i = 0; i <= MAX_SESSIONS_PER_PLAYER; i++) devices.push(await OnlinePlayer.signIn(app, 'alice'));
    const [oldest, ...rest] = devices;
    await expectSignedOut(oldest as OnlinePlayer);
    for (const device of rest) expect((await device.get('/api/lobby')).statusCode).toBe(200);
  });
});
