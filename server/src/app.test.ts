import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClientDir, testApp } from './test-support/app.js';

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
    for (const url of ['/', '/online', '/games/abc?x=1']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body).toContain('tic-tac-toe test page');
      expect(response.headers['cache-control']).toBe('no-cache');
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
