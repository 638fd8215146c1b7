import { DynamoStore } from '../server/src/storage/dynamodb/index.js';
import { RequestCounter } from '../server/src/storage/request-counter.js';
import type { GameRecord } from '../server/src/storage/types.js';
import { dynaliteClient } from '../server/src/test-support/dynalite.js';
import { EventReader } from '../server/src/test-support/events.js';
import { gameRecord } from '../server/src/test-support/records.js';
import { TestRedis } from '../server/src/test-support/redis.js';
import { dynamodbEnv, startDatabase } from './database.js';
import { type LatencyResult, moveToEvent } from './online.js';
import { type Server, startServer } from './processes.js';

const SERVER = 'server/dist/main.js';
const TABLE = 'BenchGames';

const READS = ['GetItem', 'BatchGetItem', 'Query', 'Scan'];

const serverEnv = (endpoint: string, redisUrl: string | undefined) => ({
  ...dynamodbEnv(endpoint, { redisUrl }),
  LOG_LEVEL: 'warn',
});

async function withServers<T>(count: number, env: Record<string, string>, run: (servers: Server[]) => Promise<T>) {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await startServer(SERVER, env));
    return await run(servers);
  } finally {
    for (const server of servers) await server.stop();
  }
}

/** Move sent to instance A → event on a stream from instance B, both on DynamoDB and the bus. */
export async function busLatency(options: {
  moves: number;
  parallel: number;
  paceMs?: number;
}): Promise<LatencyResult> {
  const database = await startDatabase();
  const redis = await TestRedis.start();
  try {
    return await withServers(2, serverEnv(database.endpoint, redis.url), ([a, b]) => {
      if (!a || !b) throw new Error('no servers');
      return moveToEvent({ moveBase: a.base, streamBase: b.base, ...options, warmupMoves: 14 });
    });
  } finally {
    await redis.stop();
    await database.close();
  }
}

/**
 * The same load on one instance on the same kind of store, mover and watcher on it: what the
 * move's own write costs, so the bus's share is the difference. On dynalite the write is most of
 * the latency and all of its tail (real DynamoDB answers a write in single-digit milliseconds).
 */
export async function oneInstanceOnStoreLatency(options: {
  moves: number;
  parallel: number;
  paceMs?: number;
}): Promise<LatencyResult> {
  const database = await startDatabase();
  try {
    return await withServers(1, serverEnv(database.endpoint, undefined), ([a]) => {
      if (!a) throw new Error('no server');
      return moveToEvent({ moveBase: a.base, streamBase: a.base, ...options, warmupMoves: 14 });
    });
  } finally {
    await database.close();
  }
}

export interface IdleCost {
  mode: 'polling' | 'bus';
  games: number;
  seconds: number;
  /** DynamoDB reads per second (GetItem, BatchGetItem, Query), and all requests per second. */
  readsPerSecond: number;
  requestsPerSecond: number;
  byOperation: Record<string, number>;
  /** The instance's CPU over the window, in % of one core. */
  cpuPercent: number;
}

function playingGame(index: number): GameRecord {
  return gameRecord({
    id: `idle${String(index).padStart(18, '0')}`,
    version: 2,
    status: 'playing',
    hostId: `host${index}`,
    hostName: `host${index}`,
    opponentId: `guest${index}`,
    opponentName: `guest${index}`,
  });
}

/**
 * What an instance costs while nothing happens: `games` games each watched on a stream from
 * it, no moves, for `seconds`. Counts the DynamoDB requests it makes and the CPU it uses.
 */
export async function idleCost(
  mode: 'polling' | 'bus',
  options: { games: number; seconds: number },
): Promise<IdleCost> {
  const database = await startDatabase();
  const redis = mode === 'bus' ? await TestRedis.start() : null;
  const streams: EventReader[] = [];
  try {
    return await withServers(1, serverEnv(database.endpoint, redis?.url), async ([server]) => {
      if (!server) throw new Error('no server');
      const store = new DynamoStore(dynaliteClient(database.endpoint), TABLE, { counter: new RequestCounter() });
      const games = Array.from({ length: options.games }, (_, index) => playingGame(index));
      for (let start = 0; start < games.length; start += 50) {
        await Promise.all(games.slice(start, start + 50).map((game) => store.createGame(game)));
      }
      await store.close();
      for (let start = 0; start < games.length; start += 100) {
        const opened = await Promise.all(
          games.slice(start, start + 100).map((game) => EventReader.open(`${server.base}/api/games/${game.id}/events`)),
        );
        streams.push(...opened);
      }
      await Promise.all(streams.map((stream) => stream.next((event) => event.event === 'presence', 60_000)));
      // Let the opening settle (presence writes, first polls), then measure quiet time only.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      database.reset();
      await database.counts(); // the reset is done once it answers
      const cpu = server.cpuSeconds();
      const started = performance.now();
      await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
      const seconds = (performance.now() - started) / 1000;
      const cpuSeconds = server.cpuSeconds() - cpu;
      const byOperation = await database.counts();
      const reads = READS.reduce((sum, name) => sum + (byOperation[name] ?? 0), 0);
      const requests = Object.values(byOperation).reduce((sum, n) => sum + n, 0);
      return {
        mode,
        games: options.games,
        seconds: Math.round(seconds * 10) / 10,
        readsPerSecond: Math.round((reads / seconds) * 100) / 100,
        requestsPerSecond: Math.round((requests / seconds) * 100) / 100,
        byOperation,
        cpuPercent: Math.round((cpuSeconds / seconds) * 1000) / 10,
      };
    });
  } finally {
    await Promise.all(streams.map((stream) => stream.close()));
    await redis?.stop();
    await database.close();
  }
}
