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
import { busLatency, idleCost, oneInstanceOnStoreLatency } from './live.js';
import { moveCycle } from './load.js';
import { lobbyScale } from './lobby-scale.js';
import { manyStreams } from './many-streams.js';
import { moveToEvent } from './online.js';
import { playAnyoneBench } from './pairing.js';
import { median, root, type Server, startServer } from './processes.js';

// The AWS SDK warns on Node 20 at every client it makes; the app supports Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const smoke = process.argv.includes('--smoke');
const settings = smoke
  ? {
      rounds: 1,
      seconds: 1,
      warmup: 0.5,
      moves: 14,
      warmupMoves: 7,
      movesShared: 14,
      parallelShared: 2,
      parallelBus: 2,
      coldStarts: 1,
      idleGames: 50,
      idleSeconds: 1,
      pairingRounds: 3,
      lobby: { otherGames: 5000, requests: 20, rounds: 1 },
    }
  : {
      rounds: 5,
      seconds: 10,
      warmup: 2,
      moves: 301,
      warmupMoves: 70,
      movesShared: 320,
      parallelShared: 20,
      parallelBus: 8,
      coldStarts: 5,
      idleGames: 1000,
      idleSeconds: 30,
      pairingRounds: 40,
      lobby: { otherGames: 50_000, requests: 200, rounds: 5 },
    };
/** CPU per move by store: a fixed rate well below saturation, the same for both stores. */
const cpuSettings = smoke
  ? { movesPerSecond: 100, pairs: 10, warmupMoves: 300, settleSeconds: 0.5, seconds: 2, rounds: 1 }
  : { movesPerSecond: 100, pairs: 10, warmupMoves: 4000, settleSeconds: 2, seconds: 10, rounds: 3 };

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

/**
 * 10: move sent to instance A → event on a stream from instance B, on DynamoDB and the Redis
 * bus, at a steady rate (each game moves every 200 ms: latency, not throughput); and the same
 * load on one instance on the same store, for what the write alone costs.
 */
async function twoInstanceBusLatency() {
  const load = { moves: settings.movesShared, parallel: settings.parallelBus, paceMs: 200 };
  log(`move → event, two instances on dynalite and Redis, ${load.moves} moves in ${load.parallel} games, paced`);
  const bus = await busLatency(load);
  log(`move → event, one instance on dynalite (the same load, for reference)`);
  const oneInstance = await oneInstanceOnStoreLatency(load);
  return { ...bus, sameStoreOneInstance: oneInstance, movesPerSecond: (load.parallel * 1000) / load.paceMs };
}

/** 9: what an instance costs with games watched and nothing happening, polling vs the bus. */
async function idle() {
  const options = { games: settings.idleGames, seconds: settings.idleSeconds };
  log(`idle cost: ${options.games} watched games, no moves, ${options.seconds} s, polling`);
  const polling = await idleCost('polling', options);
  log(`idle cost: ${options.games} watched games, no moves, ${options.seconds} s, on the bus`);
  const bus = await idleCost('bus', options);
  return { polling, bus };
}

/** 6: cold start as a ratio to the bare reference started the same way, in interleaved runs. */
async function coldStartRatio() {
  const ours: number[] = [];
  const reference: number[] = [];
  for (let i = 0; i < settings.coldStarts; i++) {
    reference.push(await withServer(REFERENCE, { LOG_LEVEL: 'warn' }, async (server) => server.startMs));
    ours.push(await withServer(SERVER, { LOG_LEVEL: 'warn' }, async (server) => server.startMs));
  }
  return {
    ratio: Math.round((median(ours) / median(reference)) * 100) / 100,
    ours: { medianMs: round1(median(ours)), runs: ours.map(round1) },
    reference: { medianMs: round1(median(reference)), runs: reference.map(round1) },
  };
}

/**
 * 8: 10,000 live games (20,000 streams) on one instance, memory store, at 1,000 moves/s. A
 * machine whose open-files limit is lower runs to it: the server refuses streams over its cap.
 */
async function manyStreamsBench() {
  const options = smoke
    ? // A few hundred streams, and a cap below them so the refusal is exercised too.
      { games: 150, movesPerSecond: 100, seconds: 2, warmupSeconds: 0.5, env: { MAX_STREAMS: '250' } }
    : { games: 10_000, movesPerSecond: 1000, seconds: 30, warmupSeconds: 3 };
  return manyStreams(SERVER, { ...options, streamsPerClient: 8000, reconnectEvery: 50 }, log);
}

/** 6: spawn of the production server to its first 200 from /healthz. */
async function coldStart() {
  const times: number[] = [];
  for (let i = 0; i < settings.coldStarts; i++) {
    times.push(await withServer(SERVER, { LOG_LEVEL: 'warn' }, async (server) => server.startMs));
  }
  return { medianMs: round1(median(times)), runs: times.map(round1) };
}

/**
 * 9: the server's CPU per move on DynamoDB (dynalite) against the memory store, same online
 * load: DynamoDB alone (polling), and as deployed for several instances, on a Redis bus.
 */
async function dynamodbCpuPerMove() {
  const polling = await cpuPerMoveByStore(cpuSettings, log);
  const bus = await cpuPerMoveByStore({ ...cpuSettings, bus: true }, log);
  return { polling, bus };
}

interface Budgets {
  moveCycleRatio: { min: number };
  moveToEventP95Ms: { oneInstance: number; twoInstances: number; twoInstancesBus: number };
  idleReadsPerSecondOnBus: { max: number };
  bytesPerMoveEvent: { max: number };
  dynamodbRequestsPerMove: { max: number };
  initialPageBytes: { max: number };
  coldStartMs: { max: number };
  coldStartRatio: { max: number };
  rssIdleMB: { max: number };
  manyStreams: { moveToEventP95Ms: number; movesRefusedOrReset: number; streamsFailed: number };
  dynamodbCpuPerMoveRatio: { max: number };
  playAnyoneP95Ms: { oneInstance: number; twoInstancesBus: number };
  lobbyWithOthersRatio: { max: number };
  rssMBPer10kGames: { max: number };
}

async function main() {
  const budgets = JSON.parse(readFileSync(join(root, 'bench/budgets.json'), 'utf8')) as Budgets;
  const started = Date.now();
  const cycle = await moveCycleBench();
  const local = await oneInstanceLatency();
  const shared = await twoInstanceLatency();
  const sharedBus = await twoInstanceBusLatency();
  const quiet = await idle();
  log('DynamoDB requests per operation');
  const requests = await dynamodbRequests();
  const cpuPerMove = await dynamodbCpuPerMove();
  const client = initialLoad();
  log('cold starts');
  const cold = await coldStart();
  log('cold starts against the reference');
  const coldRatio = await coldStartRatio();
  const many = await manyStreamsBench();
  log('Play anyone: two seekers, until both know their game');
  const pairing = await playAnyoneBench(settings.pairingRounds);
  log(`a bystander's lobby with ${settings.lobby.otherGames} other players' games in memory, and without`);
  const lobby = await lobbyScale(settings.lobby);

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
      'move → event p95, two instances on the bus (ms)',
      round1(sharedBus.p95Ms),
      `≤ ${budgets.moveToEventP95Ms.twoInstancesBus}`,
      sharedBus.p95Ms <= budgets.moveToEventP95Ms.twoInstancesBus,
    ],
    [
      `idle DynamoDB reads/s, ${settings.idleGames} watched games, bus`,
      quiet.bus.readsPerSecond,
      `≤ ${budgets.idleReadsPerSecondOnBus.max}`,
      quiet.bus.readsPerSecond <= budgets.idleReadsPerSecondOnBus.max,
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
      'cold start, ratio to bare Fastify',
      coldRatio.ratio,
      `≤ ${budgets.coldStartRatio.max}`,
      coldRatio.ratio <= budgets.coldStartRatio.max,
    ],
    [
      `${many.streams.open} streams: move → event p95 (ms)`,
      many.moveToEventMs.p95,
      `≤ ${budgets.manyStreams.moveToEventP95Ms}`,
      many.moveToEventMs.p95 <= budgets.manyStreams.moveToEventP95Ms,
    ],
    [
      `${many.streams.open} streams: moves refused or reset`,
      many.moves.refused + many.moves.reset,
      `≤ ${budgets.manyStreams.movesRefusedOrReset}`,
      many.moves.refused + many.moves.reset <= budgets.manyStreams.movesRefusedOrReset,
    ],
    [
      `${many.streams.open} streams: streams failed or dropped (not 503)`,
      many.streams.failed + many.streams.droppedDuringPlay,
      `≤ ${budgets.manyStreams.streamsFailed}`,
      many.streams.failed + many.streams.droppedDuringPlay <= budgets.manyStreams.streamsFailed,
    ],
    [
      'CPU per move, DynamoDB ÷ memory (alone, polling)',
      cpuPerMove.polling.ratio,
      `≤ ${budgets.dynamodbCpuPerMoveRatio.max}`,
      cpuPerMove.polling.ratio <= budgets.dynamodbCpuPerMoveRatio.max,
    ],
    [
      'CPU per move, DynamoDB ÷ memory (on the bus)',
      cpuPerMove.bus.ratio,
      `≤ ${budgets.dynamodbCpuPerMoveRatio.max}`,
      cpuPerMove.bus.ratio <= budgets.dynamodbCpuPerMoveRatio.max,
    ],
    [
      'Play anyone → both in the game, p95, one instance (ms)',
      round1(pairing.oneInstance.p95Ms),
      `≤ ${budgets.playAnyoneP95Ms.oneInstance}`,
      pairing.oneInstance.p95Ms <= budgets.playAnyoneP95Ms.oneInstance,
    ],
    [
      'Play anyone → both in the game, p95, two instances on the bus (ms)',
      round1(pairing.twoInstances.p95Ms),
      `≤ ${budgets.playAnyoneP95Ms.twoInstancesBus}`,
      pairing.twoInstances.p95Ms <= budgets.playAnyoneP95Ms.twoInstancesBus,
    ],
    [
      `bystander's lobby, ${lobby.otherGames} others' games ÷ none (memory)`,
      lobby.ratio,
      `≤ ${budgets.lobbyWithOthersRatio.max}`,
      lobby.ratio <= budgets.lobbyWithOthersRatio.max,
    ],
    [
      'RSS per 10,000 games in memory (MB)',
      lobby.rssMBPer10kGames,
      `≤ ${budgets.rssMBPer10kGames.max}`,
      lobby.rssMBPer10kGames <= budgets.rssMBPer10kGames.max,
    ],
  ] as const;

  const results = {
    date: new Date().toISOString(),
    smoke,
    machine: { cpus: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
    seconds: Math.round((Date.now() - started) / 1000),
    moveCycle: cycle,
    moveToEvent: { oneInstance: local, twoInstances: shared, twoInstancesBus: sharedBus },
    idleCost: quiet,
    dynamodbRequests: requests,
    initialLoad: client,
    coldStart: { ...cold, ratioToReference: coldRatio },
    manyStreams: many,
    cpuPerMove,
    playAnyone: pairing,
    lobbyScale: lobby,
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
    `two instances on the bus: ${round1(sharedBus.p50Ms)}/${round1(sharedBus.p95Ms)}/${round1(sharedBus.p99Ms)} ms over ${sharedBus.moves} moves at ${sharedBus.movesPerSecond} moves/s ` +
      `(one instance on the same store: ${round1(sharedBus.sameStoreOneInstance.p50Ms)}/${round1(sharedBus.sameStoreOneInstance.p95Ms)}/${round1(sharedBus.sameStoreOneInstance.p99Ms)} ms); ` +
      `idle, ${settings.idleGames} watched games: polling ${quiet.polling.readsPerSecond} reads/s ` +
      `(${quiet.polling.requestsPerSecond} requests/s), ${quiet.polling.cpuPercent} % CPU; ` +
      `bus ${quiet.bus.readsPerSecond} reads/s (${quiet.bus.requestsPerSecond} requests/s), ${quiet.bus.cpuPercent} % CPU`,
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
    `cold start: ${coldRatio.ours.medianMs} ms against the reference's ${coldRatio.reference.medianMs} ms (ratio ${coldRatio.ratio})`,
  );
  const limited = many.streams.open < many.streams.attempted;
  console.log(
    `${many.games} games, ${many.streams.attempted} streams: ${many.streams.open} open, ${many.streams.refused} refused (503), ` +
      `${many.streams.failed} failed${limited ? ` (the server's stream cap is ${many.server.maxStreams}, under its open-files limit of ${many.server.openFilesLimit})` : ''}; ` +
      `${many.moves.perSecond} moves/s in ${many.liveGames} games, move → event p50/p95/p99 ` +
      `${many.moveToEventMs.p50}/${many.moveToEventMs.p95}/${many.moveToEventMs.p99} ms, ${many.moves.refused} refused, ` +
      `${many.moves.reset} reset, ${many.moves.missingEvents} events missing; RSS ${many.rssMB.beforeStreams} → ` +
      `${many.rssMB.withStreams} MB (${many.rssKBPerStream} KB per stream), ${many.rssMB.afterMoves} MB after the moves; ` +
      `server CPU ${many.serverCpu.percentOfOneCore} % of a core (${many.serverCpu.microsecondsPerMove} µs per move); ` +
      `load generator ${many.loadGenerator.processes} processes, ${many.loadGenerator.cpuPercentOfOneCore} % of a core`,
  );
  for (const measured of [cpuPerMove.polling, cpuPerMove.bus]) {
    console.log(
      `CPU per move at ${measured.movesPerSecond} moves/s${measured.bus ? ', DynamoDB on the bus' : ''}: memory ${measured.memory.cpuMsPerMove} ms, ` +
        `DynamoDB ${measured.dynamodb.cpuMsPerMove} ms (dynalite at ${Math.round(measured.dynamodb.databaseCpuShare * 100)} % of a core); ` +
        `ratios by round ${measured.ratios.join(', ')}`,
    );
  }

  console.log(
    `Play anyone, second seeker's request → both know the game: one instance p50/p95 ` +
      `${round1(pairing.oneInstance.p50Ms)}/${round1(pairing.oneInstance.p95Ms)} ms, two instances on the bus ` +
      `${round1(pairing.twoInstances.p50Ms)}/${round1(pairing.twoInstances.p95Ms)} ms over ${pairing.oneInstance.rounds} rounds ` +
      `(the pairing request alone, p50: ${round1(pairing.oneInstance.answerP50Ms)} and ${round1(pairing.twoInstances.answerP50Ms)} ms)`,
  );

  console.log(
    `bystander's lobby (memory): ${lobby.lobbyMs.withoutOthers} ms alone, ${lobby.lobbyMs.withOthers} ms with ` +
      `${lobby.otherGames} others' games (ratios by round ${lobby.ratios.join(', ')}); those games cost ` +
      `${lobby.rssMBPer10kGames} MB RSS (${lobby.heapMBPer10kGames} MB heap) per 10,000`,
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
