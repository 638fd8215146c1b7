/**
 * `npm run bench`: speed, latency and size, each speed figure a ratio to a reference measured
 * in the same run (these machines are shared and noisy). Prints a table, writes
 * bench/results.json and checks bench/budgets.json; exits 1 when a budget is missed.
 * `--smoke`: a few seconds of everything, written to test-results/, budgets not enforced.
 */
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { initialLoad } from './client-size.js';
import { cpuPerMoveByStore } from './cpu-per-move.js';
import { dynamodbRequests } from './dynamodb-requests.js';
import { moveCycle } from './load.js';
import { moveToEvent } from './online.js';
import { median, root, type Server, startServer } from './processes.js';

// The AWS SDK warns on Node 20 at every client it makes; the app supports Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const smoke = process.argv.includes('--smoke');
const settings = smoke
  ? { rounds: 1, seconds: 1, warmup: 0.5, moves: 14, warmupMoves: 7, movesShared: 14, parallelShared: 2, coldStarts: 1 }
  : {
      rounds: 5,
      seconds: 10,
      warmup: 2,
      moves: 301,
      warmupMoves: 70,
      movesShared: 320,
      parallelShared: 20,
      coldStarts: 5,
    };
/** CPU per move by store: a fixed rate well below saturation, the same for both stores. */
const cpuSettings = smoke
  ? { movesPerSecond: 100, pairs: 10, warmupMoves: 300, settleSeconds: 0.5, seconds: 2, rounds: 1 }
  : { movesPerSecond: 100, pairs: 10, warmupMoves: 4000, settleSeconds: 2, seconds: 10, rounds: 5 };

const SERVER = 'server/dist/main.js';
const REFERENCE = 'bench/reference-server.mjs';
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const round1 = (n: number) => Math.round(n * 10) / 10;

async function withServer<T>(script: string, env: Record<string, string>, run: (server: Server) => Promise<T>) {
  const server = await startServer(script, env);
  try {
    return await run(server);
  } finally {
    await server.stop();
  }
}

/** CPU time a server spends while the load is measured. */
function cpuWindow(server: Server) {
  let start = 0;
  let end = 0;
  return {
    open: () => {
      start = server.cpuSeconds();
    },
    close: () => {
      end = server.cpuSeconds();
    },
    seconds: () => end - start,
  };
}

/** 1 and 7: the /move game cycle against the bare reference, in interleaved rounds; memory. */
async function moveCycleBench() {
  const load = { connections: 10, seconds: settings.seconds, warmupSeconds: settings.warmup };
  const rounds: {
    ours: number;
    reference: number;
    ratio: number;
    oursP50: number;
    oursP99: number;
    refP50: number;
    refP99: number;
    oursCpuUs: number;
    refCpuUs: number;
    rssIdle: number;
    rssLoaded: number;
  }[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    log(`/move cycle, round ${round + 1}/${settings.rounds}: reference`);
    const reference = await withServer(REFERENCE, {}, async (server) => {
      const cpu = cpuWindow(server);
      const result = await moveCycle(server.base, load, cpu);
      return { ...result, cpuUs: (cpu.seconds() * 1e6) / result.requests };
    });
    log(`/move cycle, round ${round + 1}/${settings.rounds}: this server`);
    const ours = await withServer(SERVER, {}, async (server) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const rssIdle = server.rssMB();
      const cpu = server.cpuSeconds();
      const result = await moveCycle(server.base, load);
      return {
        ...result,
        cpuUs: ((server.cpuSeconds() - cpu) * 1e6) / result.requests,
        rssIdle,
        rssLoaded: server.rssMB(),
      };
    });
    if (ours.errors > 0 || reference.errors > 0)
      throw new Error(`errors under load: ${ours.errors} / ${reference.errors}`);
    rounds.push({
      ours: ours.requestsPerSecond,
      reference: reference.requestsPerSecond,
      ratio: ours.requestsPerSecond / reference.requestsPerSecond,
      oursP50: ours.p50Ms,
      oursP99: ours.p99Ms,
      refP50: reference.p50Ms,
      refP99: reference.p99Ms,
      oursCpuUs: ours.cpuUs,
      refCpuUs: reference.cpuUs,
      rssIdle: ours.rssIdle,
      rssLoaded: ours.rssLoaded,
    });
  }
  const pick = (key: keyof (typeof rounds)[number]) => round1(median(rounds.map((r) => r[key])));
  return {
    connections: 10,
    seconds: settings.seconds,
    rounds: rounds.length,
    ratio: Math.round(median(rounds.map((r) => r.ratio)) * 100) / 100,
    ratios: rounds.map((r) => Math.round(r.ratio * 100) / 100),
    ours: {
      requestsPerSecond: pick('ours'),
      p50Ms: pick('oursP50'),
      p99Ms: pick('oursP99'),
      cpuMicrosecondsPerRequest: pick('oursCpuUs'),
    },
    reference: {
      requestsPerSecond: pick('reference'),
      p50Ms: pick('refP50'),
      p99Ms: pick('refP99'),
      cpuMicrosecondsPerRequest: pick('refCpuUs'),
    },
    rssMB: { idle: pick('rssIdle'), afterLoad: pick('rssLoaded') },
  };
}

/** 2 and 3: move → opponent's live event, one instance on memory. */
async function oneInstanceLatency() {
  log(`move → event, one instance (memory), ${settings.moves} moves`);
  return withServer(SERVER, { LOG_LEVEL: 'warn' }, (server) =>
    moveToEvent({
      moveBase: server.base,
      streamBase: server.base,
      moves: settings.moves,
      parallel: 1,
      warmupMoves: settings.warmupMoves,
    }),
  );
}

/** 2: move sent to instance A → event on a stream from instance B, sharing DynamoDB (dynalite). */
async function twoInstanceLatency() {
  log(
    `move → event, two instances on dynalite, ${settings.movesShared} moves in ${settings.parallelShared} games at once`,
  );
  const database = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  database.listen(0, '127.0.0.1');
  await once(database, 'listening');
  const address = database.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const env = {
    STORAGE: 'dynamodb',
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}`,
    AWS_REGION: 'us-east-1',
    DYNAMODB_TABLE: 'BenchGames',
    LOG_LEVEL: 'warn',
  };
  try {
    return await withServer(SERVER, env, (a) =>
      withServer(SERVER, env, (b) =>
        moveToEvent({
          moveBase: a.base,
          streamBase: b.base,
          moves: settings.movesShared,
          parallel: settings.parallelShared,
        }),
      ),
    );
  } finally {
    database.closeAllConnections();
    database.close();
  }
}

/** 6: spawn of the production server to its first 200 from /healthz. */
async function coldStart() {
  const times: number[] = [];
  for (let i = 0; i < settings.coldStarts; i++) {
    times.push(await withServer(SERVER, { LOG_LEVEL: 'warn' }, async (server) => server.startMs));
  }
  return { medianMs: round1(median(times)), runs: times.map(round1) };
}

/** 8: the server's CPU per move on DynamoDB (dynalite) against the memory store, same online load. */
function dynamodbCpuPerMove() {
  return cpuPerMoveByStore(cpuSettings, log);
}

interface Budgets {
  moveCycleRatio: { min: number };
  moveToEventP95Ms: { oneInstance: number; twoInstances: number };
  bytesPerMoveEvent: { max: number };
  dynamodbRequestsPerMove: { max: number };
  initialPageBytes: { max: number };
  coldStartMs: { max: number };
  rssIdleMB: { max: number };
  dynamodbCpuPerMoveRatio: { max: number };
}

async function main() {
  const budgets = JSON.parse(readFileSync(join(root, 'bench/budgets.json'), 'utf8')) as Budgets;
  const started = Date.now();
  const cycle = await moveCycleBench();
  const local = await oneInstanceLatency();
  const shared = await twoInstanceLatency();
  log('DynamoDB requests per operation');
  const requests = await dynamodbRequests();
  const cpuPerMove = await dynamodbCpuPerMove();
  const client = initialLoad();
  log('cold starts');
  const cold = await coldStart();

  const checks = [
    [
      '/move cycle, ratio to bare Fastify',
      cycle.ratio,
      `≥ ${budgets.moveCycleRatio.min}`,
      cycle.ratio >= budgets.moveCycleRatio.min,
    ],
    [
      'move → event p95, one instance (ms)',
      round1(local.p95Ms),
      `≤ ${budgets.moveToEventP95Ms.oneInstance}`,
      local.p95Ms <= budgets.moveToEventP95Ms.oneInstance,
    ],
    [
      'move → event p95, two instances (ms)',
      Math.round(shared.p95Ms),
      `≤ ${budgets.moveToEventP95Ms.twoInstances}`,
      shared.p95Ms <= budgets.moveToEventP95Ms.twoInstances,
    ],
    [
      'bytes per pushed move (max)',
      local.eventBytes.max,
      `≤ ${budgets.bytesPerMoveEvent.max}`,
      local.eventBytes.max <= budgets.bytesPerMoveEvent.max,
    ],
    [
      'DynamoDB requests per move',
      requests.move?.total ?? Number.NaN,
      `≤ ${budgets.dynamodbRequestsPerMove.max}`,
      (requests.move?.total ?? 99) <= budgets.dynamodbRequestsPerMove.max &&
        (requests['move (the reply)']?.total ?? 99) <= budgets.dynamodbRequestsPerMove.max,
    ],
    [
      'initial page, gzipped JS + CSS (bytes)',
      client.gzipBytes,
      `≤ ${budgets.initialPageBytes.max}`,
      client.gzipBytes <= budgets.initialPageBytes.max,
    ],
    [
      'cold start, median (ms)',
      cold.medianMs,
      `≤ ${budgets.coldStartMs.max}`,
      cold.medianMs <= budgets.coldStartMs.max,
    ],
    ['RSS idle (MB)', cycle.rssMB.idle, `≤ ${budgets.rssIdleMB.max}`, cycle.rssMB.idle <= budgets.rssIdleMB.max],
    [
      'CPU per move, DynamoDB ÷ memory',
      cpuPerMove.ratio,
      `≤ ${budgets.dynamodbCpuPerMoveRatio.max}`,
      cpuPerMove.ratio <= budgets.dynamodbCpuPerMoveRatio.max,
    ],
  ] as const;

  const results = {
    date: new Date().toISOString(),
    smoke,
    machine: { cpus: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
    seconds: Math.round((Date.now() - started) / 1000),
    moveCycle: cycle,
    moveToEvent: { oneInstance: local, twoInstances: shared },
    dynamodbRequests: requests,
    initialLoad: client,
    coldStart: cold,
    cpuPerMove,
    budgets: Object.fromEntries(checks.map(([name, value, budget, ok]) => [name, { value, budget, ok }])),
  };

  const table = [
    ['measure', 'value', 'budget', ''],
    ...checks.map(([name, value, budget, ok]) => [name, String(value), budget, ok ? 'ok' : 'MISSED']),
  ];
  const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length))) ?? [];
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  console.log(`\n${line(table[0] ?? [])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of table.slice(1)) console.log(line(row));
  console.log(
    `\n/move cycle: this server ${cycle.ours.requestsPerSecond} req/s (p50 ${cycle.ours.p50Ms} ms, p99 ${cycle.ours.p99Ms} ms, ` +
      `${cycle.ours.cpuMicrosecondsPerRequest} µs CPU/request), reference ${cycle.reference.requestsPerSecond} req/s ` +
      `(p50 ${cycle.reference.p50Ms} ms, p99 ${cycle.reference.p99Ms} ms, ${cycle.reference.cpuMicrosecondsPerRequest} µs CPU/request); ` +
      `ratios by round ${cycle.ratios.join(', ')}`,
  );
  console.log(
    `move → event: one instance p50/p95/p99 ${round1(local.p50Ms)}/${round1(local.p95Ms)}/${round1(local.p99Ms)} ms over ${local.moves} moves; ` +
      `two instances ${Math.round(shared.p50Ms)}/${Math.round(shared.p95Ms)}/${Math.round(shared.p99Ms)} ms over ${shared.moves} moves; ` +
      `move events ${round1(local.eventBytes.mean)} bytes on average`,
  );
  console.log(
    `DynamoDB requests: ${Object.entries(requests)
      .map(([name, { total }]) => `${name} ${total}`)
      .join(', ')}`,
  );
  console.log(
    `initial page: ${client.gzipBytes} B gzip (zlib -9: ${client.zlibBytes}, brotli: ${client.brotliBytes}, raw: ${client.rawBytes}); ` +
      `RSS ${cycle.rssMB.idle} MB idle, ${cycle.rssMB.afterLoad} MB after load; cold starts ${cold.runs.join(', ')} ms`,
  );

  console.log(
    `CPU per move at ${cpuPerMove.movesPerSecond} moves/s: memory ${cpuPerMove.memory.cpuMsPerMove} ms, ` +
      `DynamoDB ${cpuPerMove.dynamodb.cpuMsPerMove} ms (dynalite at ${Math.round(cpuPerMove.dynamodb.databaseCpuShare * 100)} % of a core); ` +
      `ratios by round ${cpuPerMove.ratios.join(', ')}`,
  );

  const out = smoke ? join(root, 'test-results/bench-smoke.json') : join(root, 'bench/results.json');
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${out.replace(root, '')}${smoke ? ' (smoke run: budgets not enforced)' : ''}`);
  if (!smoke && checks.some(([, , , ok]) => !ok)) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
