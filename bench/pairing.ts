import { EventReader } from '../server/src/test-support/events.js';
import { TestRedis } from '../server/src/test-support/redis.js';
import { dynamodbEnv, startDatabase } from './database.js';
import { Player } from './online.js';
import { percentile, type Server, startServer } from './processes.js';

const SERVER = 'server/dist/main.js';
const TIME_CONTROL = { type: 'live', initialSeconds: 180, incrementSeconds: 2 };

export interface PairingResult {
  rounds: number;
  /** From the second seeker's request until both players know their game (ms). */
  p50Ms: number;
  p95Ms: number;
  /** The second seeker's request alone, to its answer (ms). */
  answerP50Ms: number;
}

let counter = 0;
const name = (base: string) => `${base}${process.pid % 1000}_${(counter++).toString(36)}`.slice(0, 20);

/**
 * "Play anyone" as the web page does it: the first seeker waits in the lobby, whose live stream
 * tells it of the new game (then it asks where it stands); the second is paired by its request.
 * Timed from the second request until both know the game, i.e. both can open its page.
 * `firstBase`/`secondBase`: the instances the two seekers use.
 */
export async function playAnyone(options: {
  firstBase: string;
  secondBase: string;
  rounds: number;
  warmup?: number;
}): Promise<PairingResult> {
  const times: number[] = [];
  const answers: number[] = [];
  const total = options.rounds + (options.warmup ?? 0);
  for (let round = 0; round < total; round++) {
    const waiter = new Player(options.firstBase, name('waiter'));
    const joiner = new Player(options.secondBase, name('joiner'));
    await waiter.call('POST', '/api/session', { name: waiter.name, password: 'benchmark password', create: true });
    await joiner.call('POST', '/api/session', { name: joiner.name, password: 'benchmark password', create: true });
    const lobby = await EventReader.open(`${options.firstBase}/api/lobby/events`, { cookie: waiter.cookie });
    try {
      await lobby.next((event) => event.event === 'ready');
      const waiting = await waiter.call('POST', '/api/pairing', { timeControl: TIME_CONTROL });
      if (waiting.state !== 'waiting')
        throw new Error(`the first seeker was not left waiting: ${JSON.stringify(waiting)}`);
      const seen = lobby.events.length;
      const started = performance.now();
      const paired = await joiner.call('POST', '/api/pairing', { timeControl: TIME_CONTROL });
      const answered = performance.now() - started;
      if (paired.state !== 'paired') throw new Error(`the second seeker was not paired: ${JSON.stringify(paired)}`);
      // The waiting page hears that its lobby changed, and asks.
      await lobby.next((event) => event.event === 'lobby', 10_000, seen);
      const status = await waiter.call('GET', '/api/pairing');
      if (status.gameId !== paired.gameId) throw new Error('the two seekers were told different games');
      if (round >= (options.warmup ?? 0)) {
        times.push(performance.now() - started);
        answers.push(answered);
      }
    } finally {
      await lobby.close();
    }
  }
  return {
    rounds: times.length,
    p50Ms: percentile(times, 50),
    p95Ms: percentile(times, 95),
    answerP50Ms: percentile(answers, 50),
  };
}

/** One instance on the memory store, and two on DynamoDB (dynalite) sharing a Redis bus. */
export async function playAnyoneBench(rounds: number) {
  const memory = await startServer(SERVER, { LOG_LEVEL: 'warn' });
  let oneInstance: PairingResult;
  try {
    oneInstance = await playAnyone({ firstBase: memory.base, secondBase: memory.base, rounds, warmup: 3 });
  } finally {
    await memory.stop();
  }
  const database = await startDatabase();
  const redis = await TestRedis.start();
  const servers: Server[] = [];
  try {
    const env = { ...dynamodbEnv(database.endpoint, { redisUrl: redis.url }), LOG_LEVEL: 'warn' };
    servers.push(await startServer(SERVER, env), await startServer(SERVER, env));
    const [a, b] = servers;
    if (!a || !b) throw new Error('no servers');
    const twoInstances = await playAnyone({ firstBase: a.base, secondBase: b.base, rounds, warmup: 3 });
    return { oneInstance, twoInstances };
  } finally {
    for (const server of servers) await server.stop();
    await redis.stop();
    await database.close();
  }
}
