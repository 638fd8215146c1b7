import { connect } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testApp } from './test-support/app.js';
import { OnlinePlayer, uniqueName } from './test-support/online.js';

/** Issue 12, row 6 and strict parsing: every error in one shape, the framework's own included. */

let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  app = await testApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await app.close();
});

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function parseAnswers(text: string): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let rest = text;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const body = rest.slice(end + 4, end + 4 + length);
    answers.push({ status: Number(statusLine.split(' ')[1]), headers, body });
    rest = rest.slice(end + 4 + length);
  }
  return answers;
}

/** Writes bytes on a fresh connection to 127.0.0.1 and reads until the server closes it. */
function rawRequest(text: string, between?: { after: () => Promise<void>; more: string }): Promise<RawAnswer[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('connect', () => {
      socket.write(text);
      if (between) void between.after().then(() => socket.write(between.more), reject);
    });
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('close', () => resolve(parseAnswers(received)));
    socket.on('error', reject);
  });
}

function expectErrorShape(status: number, body: string, headers: Record<string, unknown>, what: string) {
  expect(headers['content-type'], what).toMatch(/^application\/json/);
  expect(headers['cache-control'], what).toBe('no-store');
  expect(headers['x-content-type-options'], what).toBe('nosniff');
  const parsed = JSON.parse(body);
  expect(Object.keys(parsed).sort(), `${what}: ${body}`).toEqual(['code', 'error']);
  expect(typeof parsed.error, what).toBe('string');
  expect(typeof parsed.code, what).toBe('string');
  expect(status, what).toBeGreaterThanOrEqual(400);
  return parsed as { error: string; code: string };
}

describe('errors Node answers before Fastify sees a request', () => {
  it.each([
    ['a malformed header line', 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 400, 'request/malformed-http'],
    ['an unknown method', 'FETCH /move HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'request/malformed-http'],
    ['no HTTP at all', 'HELLO\r\n\r\n', 400, 'request/malformed-http'],
    [
      'headers over the limit',
      `GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'request/headers-too-large',
    ],
  ])('%s: the JSON error shape, and the connection closed', async (_, text, status, code) => {
    const [answer, ...more] = await rawRequest(text);
    expect(more).toEqual([]);
    if (!answer) throw new Error('no answer');
    expect(answer.status).toBe(status);
    expect(answer.headers.connection).toBe('close');
    expect(expectErrorShape(answer.status, answer.body, answer.headers, text.slice(0, 20)).code).toBe(code);
  });
});

describe('errors Fastify answers before routing', () => {
  it.each([
    ['/api/games/%', 400, 'request/bad-url'],
    ['/%', 400, 'request/bad-url'],
    ['/api/games/%E0%A4%A/events', 400, 'request/bad-url'],
    [`/api/games/${'a'.repeat(200)}`, 414, 'request/path-too-long'],
    [`/api/games/${'a'.repeat(200)}/moves`, 414, 'request/path-too-long'],
  ])('%s', async (url, status, code) => {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(status);
    expect(expectErrorShape(response.statusCode, response.body, response.headers, url).code).toBe(code);
  });
});

describe('a request that arrives while the server stops', () => {
  it('is answered 503 server/stopping in the one shape, with Retry-After, and the connection closed', async () => {
    // Built and listening on its own: this test closes it.
    const stopping = await testApp();
    await stopping.listen({ port: 0, host: '127.0.0.1' });
    const own = (stopping.server.address() as { port: number }).port;
    const body = '{"index":4}';
    const answers = await new Promise<RawAnswer[]>((resolve, reject) => {
      const socket = connect(own, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString('latin1');
      });
      socket.on('close', () => resolve(parseAnswers(received)));
      socket.on('error', reject);
      // A move whose body has not all arrived keeps the connection busy while the server stops.
      stopping.server.once('request', () => {
        void stopping.close();
        void vi
          .waitFor(() => expect(stopping.server.listening).toBe(false))
          .then(() => socket.write(`${body.slice(5)}GET /state HTTP/1.1\r\nHost: x\r\n\r\n`), reject);
      });
      socket.write(
        `POST /move HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
      );
    });
    expect(answers.map((answer) => answer.status)).toEqual([200, 503]);
    const [, refused] = answers as [RawAnswer, RawAnswer];
    expect(expectErrorShape(503, refused.body, refused.headers, 'stopping').code).toBe('server/stopping');
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers.connection).toBe('close');
  });
});

describe('HEAD on live streams', () => {
  it('answers at once with the stream headers and no stream held open', async () => {
    const alice = await OnlinePlayer.signIn(app, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(app, uniqueName('bob'));
    const game = await alice.invite(bob.name);
    for (const url of ['/api/lobby/events', `/api/games/${game.id}/events`]) {
      const response = await alice.request({ method: 'HEAD', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toMatch(/^text\/event-stream/);
      expect(response.body, url).toBe('');
    }
    // Anonymous spectators may HEAD a game's stream too.
    expect((await app.inject({ method: 'HEAD', url: `/api/games/${game.id}/events` })).statusCode).toBe(200);
    await vi.waitFor(() => expect(app.liveStreams.open).toBe(0));
    // Nobody was counted on the game's page.
    const presence = await new Promise<string>((resolve) => {
      void fetch(`http://127.0.0.1:${port}/api/games/${game.id}/events`, {
        headers: { cookie: bob.cookie ?? '' },
      }).then(async (response) => {
        const reader = response.body?.getReader();
        let text = '';
        while (reader && !text.includes('event: presence')) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
        await reader?.cancel();
        resolve(text);
      });
    });
    const line = presence.split('\n').find((l) => l.startsWith('data: {"players"')) ?? '';
    const players = JSON.parse(line.slice(6)).players as { id: string; online: boolean }[];
    expect(players.find((p) => p.id === alice.id)?.online).toBe(false);
  });

  it('answers a refused stream with its status and headers, no body', async () => {
    const signedOut = await app.inject({ method: 'HEAD', url: '/api/lobby/events' });
    expect(signedOut.statusCode).toBe(401);
    expect(signedOut.headers['content-type']).toMatch(/^application\/json/);
    const missing = await app.inject({ method: 'HEAD', url: `/api/games/${'A'.repeat(22)}/events` });
    expect(missing.statusCode).toBe(404);
  });
});

describe('strict parsing', () => {
  it.each([
    'application/json; charset=utf-16',
    'application/json; charset=UTF-16LE',
    'application/json;charset="iso-8859-1"',
    'application/json; charset=latin1',
  ])('refuses a body in %s with 415, on the API and on /move', async (contentType) => {
    const api = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: '{"name":"somebody","password":"correct horse"}',
      headers: { 'content-type': contentType },
    });
    expect(api.statusCode).toBe(415);
    expect(expectErrorShape(api.statusCode, api.body, api.headers, contentType).code).toBe(
      'request/unsupported-charset',
    );
    const classic = await app.inject({
      method: 'POST',
      url: '/move',
      payload: '{"index":4}',
      headers: { 'content-type': contentType },
    });
    // The classic contract: a 400 whose error is "Invalid move", now with the reason's code.
    expect(classic.statusCode).toBe(400);
    expect(classic.json()).toEqual({ error: 'Invalid move', code: 'request/unsupported-charset' });
  });

  it.each([
    'application/json; charset=utf-8',
    'application/json; charset=UTF-8',
    'application/json;charset="utf-8"',
    'application/json',
  ])('accepts %s', async (contentType) => {
    const response = await app.inject({
      method: 'POST',
      url: '/move',
      payload: '{"index":4}',
      headers: { 'content-type': contentType },
    });
    expect(response.statusCode, response.body).toBe(200);
  });

  it('reads query numbers as plain decimal digits only', async () => {
    const alice = await OnlinePlayer.signIn(app, uniqueName('alice'));
    for (const limit of ['0x10', '1e1', ' 5', '+5', '5.0', '-1', '', '0', '51', '٣', '5 ']) {
      const response = await alice.get(`/api/games?list=sent&limit=${encodeURIComponent(limit)}`);
      expect(response.statusCode, `limit=${limit}`).toBe(400);
      expect(response.json(), limit).toMatchObject({ code: 'request/invalid' });
    }
    for (const limit of ['5', '50', '007']) {
      expect((await alice.get(`/api/games?list=sent&limit=${limit}`)).statusCode, limit).toBe(200);
    }
    const game = await alice.inviteByLink();
    const since = await alice.get(`/api/games/${game.id}/events?since=0x1`);
    expect(since.statusCode).toBe(400);
  });

  it('refuses an invitation that names an opponent and asks for a link, and makes no game', async () => {
    const alice = await OnlinePlayer.signIn(app, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(app, uniqueName('bob'));
    const before = (await alice.get('/api/lobby')).json();
    for (const body of [
      { opponent: bob.name, invite: 'link' },
      { invite: 'link', opponent: bob.name },
      { opponent: bob.name, extra: true },
      { invite: 'link', timeControl: { type: 'live', initialSeconds: 60, incrementSeconds: 0, days: 3 } },
      { opponent: bob.name, timeControl: { type: 'correspondence', days: 3, initialSeconds: 60 } },
    ]) {
      const response = await alice.post('/api/games', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json()).toMatchObject({ code: 'request/invalid' });
    }
    expect((await alice.get('/api/lobby')).json()).toEqual(before);
  });

  it('refuses unknown fields in request bodies instead of ignoring them', async () => {
    const name = uniqueName('carol');
    const typo = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { name, password: 'correct horse battery', crate: true },
    });
    expect(typo.statusCode).toBe(400);
    const alice = await OnlinePlayer.signIn(app, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(app, uniqueName('bob'));
    const game = await alice.invite(bob.name);
    expect((await bob.post(`/api/games/${game.id}/accept`, { token: undefined, as: 'host' })).statusCode).toBe(400);
    expect(
      (await alice.post('/api/pairing', { timeControl: { type: 'correspondence', days: 3 }, now: 1 })).statusCode,
    ).toBe(400);
    // What the web client sends is still fine.
    expect((await bob.post(`/api/games/${game.id}/accept`, {})).statusCode).toBe(200);
    expect((await alice.post(`/api/games/${game.id}/moves`, { cell: 4, version: 1 })).statusCode).toBeLessThan(500);
  });
});

describe('API answers are never stored by caches', () => {
  it('readiness, lists and framework errors carry Cache-Control: no-store', async () => {
    const alice = await OnlinePlayer.signIn(app, uniqueName('alice'));
    const answers: LightMyRequestResponse[] = [
      await app.inject({ method: 'GET', url: '/readyz' }),
      await alice.get('/api/games?list=sent'),
      await alice.get('/api/lobby'),
      await app.inject({ method: 'GET', url: '/%' }),
      await app.inject({ method: 'HEAD', url: '/api/session' }),
    ];
    for (const response of answers) {
      expect(response.headers['cache-control'], response.raw.req.url).toBe('no-store');
    }
  });
});

describe('request ids', () => {
  it('come from X-Amzn-Trace-Id when it has its shape, and are generated otherwise', async () => {
    const lines: { reqId?: string; msg?: string }[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const logged = await testApp({ logger: pino({ level: 'info' }, sink), config: { logRequests: true } });
    const trace = 'Self=1-67891234-12456789abcdef012345678;Root=1-67891233-abcdef012345678912345678;Sampled=1';
    for (const header of [
      trace,
      'Root=1-5759e988-bd862e3fe1be46a994272793',
      'x\n{"evil":1}',
      `Root=${'a'.repeat(300)}`,
    ]) {
      await logged.inject({ method: 'GET', url: '/state', headers: { 'x-amzn-trace-id': header } });
    }
    await logged.inject({ method: 'GET', url: '/state' });
    await logged.close();
    const ids = lines.filter((line) => line.msg === 'request').map((line) => line.reqId);
    expect(ids.slice(0, 2)).toEqual([trace, 'Root=1-5759e988-bd862e3fe1be46a994272793']);
    for (const id of ids.slice(2)) expect(id).toMatch(/^req-[0-9a-z]+$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
