import { once } from 'node:events';
import { createServer, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { latencyBucket, Metrics, type MetricsOptions } from './metrics.js';
import { MemoryStore } from './storage/memory.js';
import { Browser, testApp } from './test-support/app.js';
import { dynaliteClient, startDynalite } from './test-support/dynalite.js';
import { OnlinePlayer, PASSWORD, startedGame } from './test-support/online.js';

const T0 = Date.UTC(2026, 10, 30, 20, 0, 0);

/** Metrics whose lines are collected, whose clock is fixed and whose timer is driven by hand. */
function recorded(options: Partial<MetricsOptions> = {}) {
  const lines: string[] = [];
  const timer = { ms: 0, tick: () => {}, stopped: false };
  const metrics = new Metrics({
    service: 'tictactoe-prod',
    write: (line) => lines.push(line),
    now: () => T0,
    every: (ms, flush) => {
      timer.ms = ms;
      timer.tick = flush;
      return () => {
        timer.stopped = true;
      };
    },
    ...options,
  });
  const documents = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { metrics, lines, documents, timer };
}

const COUNTERS_DIRECTIVE = {
  Namespace: 'TicTacToe',
  Dimensions: [['Service']],
  Metrics: [
    { Name: 'Requests', Unit: 'Count' },
    { Name: 'Responses5xx', Unit: 'Count' },
    { Name: 'Moves', Unit: 'Count' },
    { Name: 'LiveStreams', Unit: 'Count' },
    { Name: 'DynamoDBRequests', Unit: 'Count' },
    { Name: 'DynamoDBThrottles', Unit: 'Count' },
  ],
};

describe('EMF metrics', () => {
  it('writes the counters and the latency as exact EMF documents, one JSON line each', () => {
    const { metrics, lines } = recorded();
    metrics.response(200);
    metrics.response(404);
    metrics.response(503);
    metrics.move();
    metrics.countLiveStreams(() => 7);
    metrics.dynamodbRequest(4.26, false);
    metrics.dynamodbRequest(4.3, false);
    metrics.dynamodbRequest(12.4, true);
    metrics.flush();

    expect(lines).toEqual([
      `${JSON.stringify({
        _aws: { Timestamp: T0, CloudWatchMetrics: [COUNTERS_DIRECTIVE] },
        Service: 'tictactoe-prod',
        Requests: 3,
        Responses5xx: 1,
        Moves: 1,
        LiveStreams: 7,
        DynamoDBRequests: 3,
        DynamoDBThrottles: 1,
      })}\n`,
      `${JSON.stringify({
        _aws: {
          Timestamp: T0,
          CloudWatchMetrics: [
            {
              Namespace: 'TicTacToe',
              Dimensions: [['Service']],
              Metrics: [{ Name: 'DynamoDBLatency', Unit: 'Milliseconds' }],
            },
          ],
        },
        Service: 'tictactoe-prod',
        DynamoDBLatency: { Values: [4.3, 12], Counts: [2, 1], Max: 12, Min: 4.3, Count: 3, Sum: 20.6 },
      })}\n`,
    ]);
  });

  it('starts again from zero after each flush, and still writes the zeros (alarms see 0, not missing data)', () => {
    const { metrics, documents } = recorded();
    metrics.response(500);
    metrics.dynamodbRequest(3, false);
    metrics.flush();
    metrics.flush();
    const last = documents().at(-1);
    expect(last).toMatchObject({ Requests: 0, Responses5xx: 0, Moves: 0, DynamoDBRequests: 0, DynamoDBThrottles: 0 });
    // No DynamoDB request in the second minute: no latency document.
    expect(documents().filter((document) => 'DynamoDBLatency' in document)).toHaveLength(1);
  });

  it('flushes once a minute on its timer, and once more on close, then never again', () => {
    const { metrics, lines, timer } = recorded();
    expect(timer.ms).toBe(60_000);
    metrics.move();
    timer.tick();
    expect(lines).toHaveLength(1);
    metrics.move();
    metrics.close();
    metrics.close();
    expect(timer.stopped).toBe(true);
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ Moves: 1 });
  });

  it('keeps at most 100 values in one latency array, splitting the rest into further documents', () => {
    const { metrics, documents } = recorded();
    // 150 distinct buckets (two significant digits): 10, 11, … 99 and 100, 110, … 690.
    for (let ms = 10; ms < 100; ms++) metrics.dynamodbRequest(ms, false);
    for (let ms = 100; ms < 700; ms += 10) metrics.dynamodbRequest(ms, false);
    metrics.flush();
    const latency = documents()
      .filter((document) => 'DynamoDBLatency' in document)
      .map((document) => document.DynamoDBLatency as { Values: number[]; Counts: number[]; Count: number });
    expect(latency.map((part) => part.Values.length)).toEqual([100, 50]);
    expect(latency.reduce((total, part) => total + part.Count, 0)).toBe(150);
  });

  it('rounds latencies to two significant digits', () => {
    expect([0, 0.123, 1.26, 9.94, 12.4, 127, 1349].map(latencyBucket)).toEqual([0, 0.12, 1.3, 9.9, 12, 130, 1300]);
  });
});

describe('METRICS and METRICS_SERVICE', () => {
  it('are off by default, with the service tictactoe', () => {
    expect(loadConfig({}).metrics).toEqual({ kind: 'off', service: 'tictactoe' });
    expect(loadConfig({ METRICS: 'emf', METRICS_SERVICE: 'TicTacToe-prod' }).metrics).toEqual({
      kind: 'emf',
      service: 'TicTacToe-prod',
    });
  });

  it('name the variable when the value is wrong', () => {
    expect(() => loadConfig({ METRICS: 'prometheus' })).toThrow(/METRICS:/);
    expect(() => loadConfig({ METRICS_SERVICE: 'has spaces' })).toThrow(/METRICS_SERVICE: must be/);
  });
});

describe('EMF metrics from the app', () => {
  it('count requests, moves on the local board and online, and read the live streams open', async () => {
    const { metrics, documents } = recorded();
    const app = await testApp({ metrics });
    try {
      const browser = new Browser(app);
      expect((await browser.request({ method: 'POST', url: '/move', payload: { index: 4 } })).statusCode).toBe(200);
      expect((await browser.request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      const host = await OnlinePlayer.signIn(app, 'Metra');
      const opponent = await OnlinePlayer.signIn(app, 'Metro');
      const game = await startedGame(host, opponent);
      await opponent.move(game.id, 0);
      const refused = await host.post(`/api/games/${game.id}/moves`, { cell: 0 });
      expect(refused.statusCode).toBe(409);
      // One live stream open over a real connection while the minute ends.
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const stream = get({
        host: '127.0.0.1',
        port,
        path: '/api/lobby/events',
        headers: { cookie: host.cookie ?? '' },
      });
      const [response] = (await once(stream, 'response')) as [IncomingMessage];
      expect(response.statusCode).toBe(200);
      metrics.flush();
      stream.destroy();
    } finally {
      await app.close();
    }
    // 2 + 2 sign-ins + invite + accept + 2 moves = 8 requests (the stream is still open); 2 moves counted (the refused one is not).
    expect(documents()[0]).toMatchObject({ Requests: 8, Responses5xx: 0, Moves: 2, LiveStreams: 1 });
  });

  it('count a response the server failed with as a 5xx', async () => {
    const { metrics, documents } = recorded();
    const store = new MemoryStore();
    store.createPlayer = async () => {
      throw new Error('the disk is on fire');
    };
    const app = await testApp({ metrics, store });
    try {
      const response = await new Browser(app).post('/api/session', { name: 'Ember', password: PASSWORD, create: true });
      expect(response.statusCode).toBe(500);
    } finally {
      await app.close();
    }
    metrics.flush();
    expect(documents()[0]).toMatchObject({ Requests: 1, Responses5xx: 1 });
  });
});

describe('EMF metrics from the DynamoDB client', () => {
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  beforeAll(async () => {
    dynalite = await startDynalite();
  });
  afterAll(async () => {
    await dynalite.close();
  });

  it('counts each request with its latency', async () => {
    const { metrics, documents } = recorded();
    const client = dynaliteClient(dynalite.endpoint, { metrics });
    await client.send(new ListTablesCommand({}));
    await client.send(new ListTablesCommand({}));
    client.destroy();
    metrics.flush();
    expect(documents()[0]).toMatchObject({ DynamoDBRequests: 2, DynamoDBThrottles: 0 });
    expect(documents()[1]).toMatchObject({ DynamoDBLatency: { Count: 2 } });
  });

  it('counts every throttled attempt, the retried one too', async () => {
    // A DynamoDB that throttles everything, on loopback.
    const server = createServer((_request, response) => {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(
        JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate exceeded' }),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const { metrics, documents } = recorded();
    const client = dynaliteClient(`http://127.0.0.1:${port}`, { metrics, maxAttempts: 2 });
    try {
      await expect(client.send(new ListTablesCommand({}))).rejects.toMatchObject({ name: 'ThrottlingException' });
    } finally {
      client.destroy();
      server.closeAllConnections();
      server.close();
    }
    metrics.flush();
    expect(documents()[0]).toMatchObject({ DynamoDBRequests: 2, DynamoDBThrottles: 2 });
  });
});
