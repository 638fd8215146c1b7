import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from './storage/memory.js';
import type { Store } from './storage/types.js';
import { testApp } from './test-support/app.js';
import { dynaliteClient, dynaliteStore, startDynalite } from './test-support/dynalite.js';
import { OnlinePlayer, playOut, startedGame, uniqueName } from './test-support/online.js';

/**
 * Issue 12: every route and method of the app's own OpenAPI description, sent malformed input.
 * No answer is 5xx, every 4xx is `{error, code}` (plus `issues`), and a refused request
 * changes nothing that is stored.
 */

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
}
interface Operation {
  summary?: string;
  parameters?: { in: 'path' | 'query'; name: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}
type Paths = Record<string, Record<string, Operation>>;

interface Case {
  what: string;
  request: InjectOptions;
}

/** Everything a memory store holds, as plain data: its Maps and Sets as entries, nothing callable. */
function memorySnapshot(store: MemoryStore): string {
  return JSON.stringify(store, (_key, value) => {
    if (value instanceof Map) return [...value.entries()];
    if (value instanceof Set) return [...value.values()];
    if (typeof value === 'function') return undefined;
    if (value && typeof value === 'object' && value.constructor?.name === 'Timeout') return undefined;
    return value;
  });
}

const HUGE = 'x'.repeat(6000);
const TOO_BIG = 'x'.repeat(20_000);

/** Values of the wrong type for a field of this schema (and some of the right type but absurd). */
function wrongValues(schema: JsonSchema): unknown[] {
  const types = new Set([schema.type].flat().filter(Boolean));
  const values: unknown[] = [null, [], {}, HUGE, -1, 1.5, 1e308, true, '__proto__', { $gt: '' }];
  return values.filter((value) => {
    if (value === null) return !types.has('null');
    if (typeof value === 'string') return !types.has('string') || value === HUGE;
    if (typeof value === 'number') return !types.has('number') && !types.has('integer') ? true : value !== -1;
    if (typeof value === 'boolean') return !types.has('boolean');
    if (Array.isArray(value)) return !types.has('array');
    return !types.has('object') || JSON.stringify(value) !== '{}';
  });
}

/** The object schemas a body may take (a union gives several). */
function objectShapes(schema: JsonSchema): JsonSchema[] {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.flatMap(objectShapes);
  return schema.properties ? [schema] : [];
}

/** A body that fits the shape (so that changing one thing at a time is what makes it wrong). */
function validBody(shape: JsonSchema, valid: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of shape.required ?? []) {
    const property = shape.properties?.[name];
    body[name] = name in valid ? valid[name] : (property?.const ?? property?.enum?.[0] ?? 'x');
  }
  return body;
}

/** Values a real client would send, by field name. */
const VALID: Record<string, unknown> = {
  name: 'somebody',
  password: 'correct horse battery',
  opponent: 'nobody-here',
  invite: 'link',
  cell: 8,
  outcome: 'draw',
  index: 8,
  timeControl: { type: 'correspondence', days: 3 },
};

const BAD_PATH_VALUES = [
  'a'.repeat(120),
  'a'.repeat(2000),
  '%',
  '%zz',
  '%2F..%2F..%2Fetc%2Fpasswd',
  'a%2Fb',
  '%00',
  '..',
  '<script>',
  '%3Cscript%3E',
  '%C3%A9%C3%A9',
  '%F0%9F%98%80',
  '%E0%A4%A',
  'A'.repeat(21),
  `${'A'.repeat(21)}%20`,
  'constructor',
  '__proto__',
];

const BAD_QUERY_VALUES = ['0x10', '1e1', '%20', '-1', '', 'x'.repeat(1000), '%', '%00', 'null', '[]'];

function casesFor(path: string, method: string, operation: Operation, gameId: string): Case[] {
  const upper = method.toUpperCase();
  const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path');
  const queryParams = (operation.parameters ?? []).filter((p) => p.in === 'query');
  const fill = (overrides: Record<string, string> = {}) =>
    path.replace(/\{(\w+)\}/g, (_, name: string) => overrides[name] ?? (name === 'id' ? gameId : 'x'));
  const url = fill();
  /** Required query parameters with valid values, so one bad value at a time is what is wrong. */
  const baseQuery = Object.fromEntries(
    queryParams.filter((p) => p.required).map((p) => [p.name, String(p.schema.enum?.[0] ?? '1')]),
  );
  const withQuery = (target: string, query: Record<string, string>) => {
    const search = Object.entries(query)
      .map(([k, v]) => `${encodeURIComponent(k)}=${v}`)
      .join('&');
    return search ? `${target}?${search}` : target;
  };
  const cases: Case[] = [];
  const label = `${upper} ${path}`;

  // Bad path parameters: too long, odd characters, encoded slashes, a lone %.
  for (const param of pathParams) {
    for (const value of BAD_PATH_VALUES) {
      cases.push({
        what: `${label} with ${param.name}=${value.slice(0, 30)}`,
        request: { method: upper as InjectOptions['method'], url: withQuery(fill({ [param.name]: value }), baseQuery) },
      });
    }
  }
  // Bad query values, one parameter at a time, and a parameter given twice.
  for (const param of queryParams) {
    for (const value of BAD_QUERY_VALUES) {
      cases.push({
        what: `${label} with ?${param.name}=${value.slice(0, 30)}`,
        request: {
          method: upper as InjectOptions['method'],
          url: withQuery(url, { ...baseQuery, [param.name]: value }),
        },
      });
    }
    cases.push({
      what: `${label} with ?${param.name} twice`,
      request: {
        method: upper as InjectOptions['method'],
        url: `${withQuery(url, baseQuery)}&${param.name}=1&${param.name}=2`,
      },
    });
  }

  const body = operation.requestBody?.content['application/json']?.schema;
  if (upper === 'POST' || upper === 'DELETE') {
    const post = (what: string, payload: string, contentType: string | null) =>
      cases.push({
        what: `${label}: ${what}`,
        request: {
          method: upper as InjectOptions['method'],
          url,
          payload,
          headers: contentType ? { 'content-type': contentType } : {},
        },
      });
    // Invalid JSON, wrong content types, wrong charset, over the size limit.
    for (const text of ['{', '{"a":', "{'a':1}", '[1,]', 'undefined', 'NaN', '{"a":1}{"b":2}', '\u0000']) {
      post(`invalid JSON ${JSON.stringify(text)}`, text, 'application/json');
    }
    post(
      'a prototype-pollution body',
      '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
      'application/json',
    );
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/jsonp',
      'application/json-patch+json',
      '*/*',
      'garbage',
    ]) {
      post(`content type ${contentType}`, '{"a":1}', contentType);
    }
    post('no content type', '{"a":1}', null);
    for (const charset of ['utf-16', 'UTF-16BE', 'iso-8859-1', 'us-ascii', '"utf-32"']) {
      post(`charset ${charset}`, '{"a":1}', `application/json; charset=${charset}`);
    }
    post('a body over the size limit', JSON.stringify({ pad: TOO_BIG }), 'application/json');
    if (body) {
      // Valid JSON, but not an object at all (a route without a body schema ignores these).
      post('deeply nested JSON', `${'['.repeat(3000)}${']'.repeat(3000)}`, 'application/json');
      for (const text of ['[]', '"text"', '12', 'true', '[{"cell":1}]', '"\\ud800"']) {
        post(`a body of ${text}`, text, 'application/json');
      }
      for (const shape of objectShapes(body)) {
        const valid = validBody(shape, VALID);
        const fields = Object.keys(shape.properties ?? {});
        for (const field of fields) {
          const fieldSchema = shape.properties?.[field] ?? {};
          for (const value of wrongValues(fieldSchema)) {
            post(
              `${field}=${JSON.stringify(value).slice(0, 30)}`,
              JSON.stringify({ ...valid, [field]: value }),
              'application/json',
            );
          }
        }
        for (const field of shape.required ?? []) {
          const { [field]: _missing, ...rest } = valid;
          post(`without ${field}`, JSON.stringify(rest), 'application/json');
        }
        post('an extra field', JSON.stringify({ ...valid, isAdmin: true }), 'application/json');
        post(
          'an extra field named like a player',
          JSON.stringify({ ...valid, playerId: 'someone' }),
          'application/json',
        );
      }
    }
  }
  return cases;
}

/**
 * Malformed requests that are answered, on purpose: the classic API keeps taking the extra
 * fields its old clients may send; HEAD on a route that can be read is no mistake.
 */
const LENIENT = [/^HEAD /, /^POST \/(move|reset): an extra field/, /^POST \/reset: \w+=\{\}$/];

/** Methods a route does not have, and some no route has. */
const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'TRACE', 'SEARCH'] as const;

/** Routes that stream (an answer that succeeds never ends): only requests that must fail are sent. */
const isStream = (path: string) => path.endsWith('/events');

/** What is wrong with an answer: nothing (an empty list), or each broken promise. */
/** What the checks read of an answer, however it was fetched. */
interface Answer {
  method: string;
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

function problemsWith(response: Answer): string[] {
  const status = response.statusCode;
  if (status >= 500) return [`answered ${status}: ${response.body.slice(0, 200)}`];
  if (status < 400) return [];
  const problems: string[] = [];
  if (!/^application\/json/.test(String(response.headers['content-type']))) {
    problems.push(`${status} with content type ${response.headers['content-type']}`);
  }
  if (response.headers['cache-control'] !== 'no-store') {
    problems.push(`${status} with Cache-Control ${response.headers['cache-control']}`);
  }
  if (response.method === 'HEAD') return problems;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(response.body);
  } catch {
    return [...problems, `${status} with a body that is not JSON: ${response.body.slice(0, 200)}`];
  }
  if (typeof body.error !== 'string' || typeof body.code !== 'string') {
    problems.push(`${status} without string error and code: ${response.body.slice(0, 200)}`);
  }
  const extra = Object.keys(body).filter((key) => !['error', 'code', 'issues', 'link'].includes(key));
  if (extra.length > 0) problems.push(`${status} with fields ${extra.join(', ')}: ${response.body.slice(0, 200)}`);
  return problems;
}

/** A store to sweep, and how to read everything it holds. */
interface Storage {
  store: Store;
  snapshot: () => Promise<string>;
  close?: () => Promise<void>;
}

function sweep(name: string, open: () => Promise<Storage>) {
  describe(`every route of the OpenAPI description, sent malformed input (${name} store)`, () => {
    let app: FastifyInstance;
    let storage: Storage;
    let alice: OnlinePlayer;
    let paths: Paths;
    let playing: string;
    let base: string;

    beforeAll(async () => {
      storage = await open();
      app = await testApp({ store: storage.store });
      alice = await OnlinePlayer.signIn(app, uniqueName('alice'));
      const bob = await OnlinePlayer.signIn(app, uniqueName('bob'));
      const carol = await OnlinePlayer.signIn(app, uniqueName('carol'));
      // Alice has games in every list: one played out, one being played, one sent, one received.
      const finished = await startedGame(alice, bob);
      await playOut([alice, bob], finished.id, [0, 3, 1, 4, 2]);
      playing = (await startedGame(alice, carol)).id;
      await alice.inviteByLink();
      await carol.invite(alice.name);
      // Her local game too: refused classic requests must leave it as it is.
      await alice.post('/move', { index: 4 });
      paths = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json().paths;
      await app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    });

    /**
     * Sends one case. A GET on a stream route goes over a real socket: were it accepted, the
     * stream would never end, so an answer whose headers say 200 is a finding, and is closed.
     */
    async function send(request: InjectOptions, stream: boolean): Promise<Answer> {
      const method = request.method ?? 'GET';
      if (!stream || method !== 'GET') {
        const response = await alice.request(request);
        return { method, statusCode: response.statusCode, headers: response.headers, body: response.body };
      }
      const controller = new AbortController();
      const response = await fetch(`${base}${request.url}`, {
        headers: { cookie: alice.cookie ?? '' },
        signal: controller.signal,
      });
      if (response.status < 300) {
        controller.abort();
        return { method, statusCode: 599, headers: {}, body: 'opened a live stream for malformed input' };
      }
      return {
        method,
        statusCode: response.status,
        headers: Object.fromEntries(response.headers),
        body: await response.text(),
      };
    }
    afterAll(async () => {
      await app.close();
      await storage.close?.();
    });

    it('describes the routes the sweep goes through', () => {
      expect(Object.keys(paths).length).toBeGreaterThanOrEqual(15);
      expect(paths['/api/games']?.post?.requestBody).toBeDefined();
    });

    it('answers no request with 5xx, every refusal in the one error shape, and changes nothing it refuses', async () => {
      let sent = 0;
      let refused = 0;
      const problems: string[] = [];
      for (const [path, methods] of Object.entries(paths)) {
        const cases: Case[] = [];
        for (const [method, operation] of Object.entries(methods)) {
          if (method === 'head') continue;
          cases.push(...casesFor(path, method, operation, playing));
        }
        // Methods the route does not have, and HEAD on its GET (which must answer, streams included).
        const own = Object.keys(methods).map((m) => m.toUpperCase());
        const url = path.replace(/\{id\}/g, 'A'.repeat(22)).replace(/\{\w+\}/g, 'x');
        for (const method of OTHER_METHODS) {
          if (!own.includes(method)) cases.push({ what: `${method} ${path}`, request: { method, url } });
        }
        if (own.includes('GET') && !isStream(path)) {
          cases.push({ what: `HEAD ${path}`, request: { method: 'HEAD', url: path.replace(/\{id\}/g, playing) } });
        }

        for (const { what, request } of cases) {
          const storeBefore = await storage.snapshot();
          const localBefore = (await alice.get('/state')).body;
          const response = await send(request, isStream(path));
          sent++;
          const found = problemsWith(response);
          if (response.statusCode < 400 && !LENIENT.some((pattern) => pattern.test(what))) {
            found.push(`accepted (${response.statusCode})`);
          }
          if (response.statusCode >= 400) {
            refused++;
            if ((await storage.snapshot()) !== storeBefore) found.push('changed what is stored');
            if ((await alice.get('/state')).body !== localBefore) found.push('changed the local game');
            // The classic contract: a refused /move or /reset says "Invalid move" / "Invalid reset".
            const classic = { '/move': 'Invalid move', '/reset': 'Invalid reset' }[path];
            if (classic && request.method === 'POST' && response.statusCode !== 404) {
              const error = JSON.parse(response.body).error;
              if (error !== classic) found.push(`classic error ${JSON.stringify(error)}, not ${classic}`);
            }
          }
          for (const problem of found) problems.push(`${what}: ${problem}`);
        }
      }
      expect(problems).toEqual([]);
      // A sweep that sent nothing would pass; make sure it was a sweep.
      expect(sent).toBeGreaterThan(800);
      expect(refused / sent).toBeGreaterThan(0.95);
    }, 120_000);

    it('answers HEAD on a stream at once, and while signed out with its refusal', async () => {
      for (const url of ['/api/lobby/events', `/api/games/${playing}/events`]) {
        const head = await alice.request({ method: 'HEAD', url });
        expect(head.statusCode, url).toBe(200);
        expect(head.headers['content-type'], url).toMatch(/^text\/event-stream/);
      }
      const signedOut = await app.inject({ method: 'HEAD', url: '/api/lobby/events' });
      expect(signedOut.statusCode).toBe(401);
      expect(
        problemsWith({ method: 'HEAD', statusCode: signedOut.statusCode, headers: signedOut.headers, body: '' }),
      ).toEqual([]);
    });
  });
}

sweep('memory', async () => {
  const store = new MemoryStore();
  return { store, snapshot: async () => memorySnapshot(store) };
});

sweep('dynamodb', async () => {
  const dynalite = await startDynalite();
  const { store, table } = await dynaliteStore(dynalite.endpoint);
  const client = dynaliteClient(dynalite.endpoint);
  return {
    store,
    // The whole table, in key order: one Scan (it holds a few dozen items).
    snapshot: async () => {
      const { Items = [] } = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
      return JSON.stringify(Items.map((item) => JSON.stringify(item)).sort());
    },
    close: async () => {
      client.destroy();
      await dynalite.close();
    },
  };
});
