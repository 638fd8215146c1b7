import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClientDir, testApp } from './test-support/app.js';
import { OnlinePlayer, uniqueName } from './test-support/online.js';

let app: FastifyInstance;
let clientDir: string;

beforeAll(async () => {
  clientDir = fakeClientDir();
  mkdirSync(join(clientDir, 'assets'));
  writeFileSync(join(clientDir, 'assets', 'index-abc123.js'), 'console.log("hi")');
  app = await testApp({ config: { clientDir } });
});
afterAll(async () => {
  await app.close();
});

describe('health', () => {
  it('answers /healthz with ok', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });
});

describe('the built client', () => {
  it('serves index.html at / and at client routes, revalidated on every load', async () => {
    for (const url of [
      '/',
      '/online',
      '/online?next=%2Fgames%2Fx',
      `/games/${'A'.repeat(22)}?x=1`,
      '/players',
      '/players/Alice_99',
      '/players/nobody-yet?x=1',
    ]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body).toContain('tic-tac-toe test page');
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });

  it('answers other paths with 404: the page (its not-found view) to a browser, JSON otherwise', async () => {
    const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
    for (const url of [
      '/games/does-not-exist',
      `/games/${'A'.repeat(21)}`,
      `/games/${'A'.repeat(22)}/more`,
      '/nothing',
      '/online/extra',
      '/index.htm?x=1',
      '/players/',
      '/players/ab',
      `/players/${'a'.repeat(21)}`,
      '/players/bob/games',
    ]) {
      const page = await app.inject({ method: 'GET', url, headers: html });
      expect(page.statusCode, url).toBe(404);
      expect(page.headers['content-type'], url).toMatch(/^text\/html/);
      expect(page.body).toContain('tic-tac-toe test page');
      expect(page.headers['cache-control']).toBe('no-cache');

      const machine = await app.inject({ method: 'GET', url });
      expect(machine.statusCode, url).toBe(404);
      expect(machine.json()).toMatchObject({
        code: 'not-found',
        error: expect.stringContaining(url.split('?')[0] ?? url),
      });
    }
  });

  it('serves hashed assets with a long cache', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toContain('immutable');
  });

  it('answers unknown API paths and other methods with a JSON 404', async () => {
    for (const [method, url] of [
      ['GET', '/api/nothing'],
      ['POST', '/nothing'],
      ['GET', '/move'],
      ['GET', '/assets/missing.js'.replace('/assets/', '/api/')],
    ] as const) {
      const response = await app.inject({ method, url });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json()).toMatchObject({ code: 'not-found', error: expect.stringContaining(url) });
    }
  });

  it('says the client is not built instead of failing when there is no index.html', async () => {
    const bare = await testApp({ config: { clientDir: join(clientDir, 'nowhere') } });
    const response = await bare.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: 'client/not-built' });
    expect((await bare.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await bare.close();
  });
});

/** helmet's headers, which pages and their files carry and JSON answers do not. */
const PAGE_ONLY = [
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

function expectApiHeaders(response: LightMyRequestResponse, what: string) {
  expect(response.headers['content-type'], what).toMatch(/^application\/json/);
  expect(response.headers['x-content-type-options'], what).toBe('nosniff');
  expect(response.headers['cache-control'], what).toBe('no-store');
  expect(response.headers['content-security-policy'], what).toBe("default-src 'none'; frame-ancestors 'none'");
  for (const name of PAGE_ONLY) expect(response.headers[name], `${what}: ${name}`).toBeUndefined();
}

function expectPageHeaders(response: LightMyRequestResponse, what: string) {
  expect(String(response.headers['content-security-policy']), what).toContain("default-src 'self'");
  expect(response.headers['x-content-type-options'], what).toBe('nosniff');
  for (const name of PAGE_ONLY) expect(response.headers[name], `${what}: ${name}`).toBeDefined();
}

describe('security headers by kind of answer', () => {
  it('JSON answers carry what a JSON API needs and nothing of the page', async () => {
    const answers = [
      await app.inject({ method: 'POST', url: '/move', payload: { index: 4 } }),
      await app.inject({ method: 'GET', url: '/state' }),
      await app.inject({ method: 'GET', url: '/healthz' }),
      await app.inject({ method: 'GET', url: '/api/session' }),
      await app.inject({ method: 'GET', url: '/api/openapi.json' }),
    ];
    for (const response of answers) {
      expect(response.statusCode, response.body).toBe(200);
      expectApiHeaders(response, `${response.raw.req.method} ${response.raw.req.url}`);
    }
  });

  it('error answers are JSON answers too, wherever they come from', async () => {
    const errors = [
      [400, await app.inject({ method: 'POST', url: '/move', payload: { index: 9 } })],
      [401, await app.inject({ method: 'GET', url: '/api/lobby' })],
      [403, await app.inject({ method: 'POST', url: '/move', payload: { index: 0 }, headers: { origin: 'null' } })],
      [404, await app.inject({ method: 'GET', url: '/api/nothing' })],
      [404, await app.inject({ method: 'POST', url: '/nothing' })],
      [
        415,
        await app.inject({
          method: 'POST',
          url: '/api/session',
          payload: 'index=1',
          headers: { 'content-type': 'text/plain' },
        }),
      ],
    ] as const;
    for (const [status, response] of errors) {
      expect(response.statusCode, response.body).toBe(status);
      expectApiHeaders(response, `${status} ${response.raw.req.url}`);
    }
  });

  it('pages carry helmet’s full set and are revalidated, not barred from caches', async () => {
    for (const url of ['/', '/online', `/games/${'A'.repeat(22)}`]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.headers['content-type'], url).toMatch(/^text\/html/);
      expectPageHeaders(response, url);
      expect(response.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('static files carry helmet’s full set and keep their long cache', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expectPageHeaders(response, 'script');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('live streams are not sniffed or cached either; a stream refused before it starts is JSON', async () => {
    const listening = await testApp();
    await listening.listen({ port: 0, host: '127.0.0.1' });
    const address = listening.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    const events = (id: string) => `http://127.0.0.1:${address.port}/api/games/${id}/events`;

    const game = await (await OnlinePlayer.signIn(listening, uniqueName('host'))).inviteByLink();
    const controller = new AbortController();
    const stream = await fetch(events(game.id), { signal: controller.signal });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('x-content-type-options')).toBe('nosniff');
    expect(stream.headers.get('cache-control')).toMatch(/^no-cache/);
    await stream.body?.cancel();
    controller.abort();

    const missing = await fetch(events('A'.repeat(22)));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(missing.headers.get('cache-control')).toBe('no-store');
    await listening.close();
  });

  it('keeps a /move answer small: at most 600 bytes of headers on the wire', async () => {
    const listening = await testApp();
    await listening.listen({ port: 0, host: '127.0.0.1' });
    const address = listening.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    const body = JSON.stringify({ index: 4 });
    const socket = connect(address.port, '127.0.0.1');
    socket.end(
      `POST /move HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);
    const answer = Buffer.concat(chunks).toString('latin1');
    const headerBytes = answer.indexOf('\r\n\r\n') + 4;
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).toMatch(/\r\nset-cookie: ttt_session=/i);
    expect(answer.slice(headerBytes)).toBe(
      '{"board":["","","","","X","","","",""],"current_player":"O","winner":null,"game_over":false}',
    );
    // It was 924 bytes of headers around a 92-byte game, most of them the page's.
    expect(headerBytes).toBeLessThanOrEqual(600);
    await listening.close();
  });
});

describe('security', () => {
  it('sends a CSP without inline script or third-party origins, and the usual headers', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('sends HSTS only when the request came over https', async () => {
    const proxied = await testApp({ config: { trustProxy: true } });
    const response = await proxied.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    await proxied.close();
  });

  it('refuses state-changing requests from another site and changes nothing', async () => {
    for (const headers of [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
    ]) {
      const response = await app.inject({ method: 'POST', url: '/move', payload: { index: 0 }, headers });
      expect(response.statusCode, JSON.stringify(headers)).toBe(403);
      expect(response.json()).toEqual({ error: 'Cross-site requests are not allowed', code: 'request/cross-site' });
      expect(response.headers['set-cookie']).toBeUndefined();
    }
  });

  it('allows same-origin browsers and clients that send no Origin', async () => {
    const same = await app.inject({
      method: 'POST',
      url: '/move',
      payload: { index: 0 },
      headers: { host: 'localhost:5000', origin: 'http://localhost:5000', 'sec-fetch-site': 'same-origin' },
    });
    expect(same.statusCode).toBe(200);
    const script = await app.inject({ method: 'POST', url: '/move', payload: { index: 0 } });
    expect(script.statusCode).toBe(200);
  });

  it('rejects bodies over the size limit elsewhere with 413', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/nothing',
      payload: JSON.stringify({ pad: 'x'.repeat(20_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ error: 'The body is too large', code: 'request/too-large' });
  });
});
