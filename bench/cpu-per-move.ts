import { TestRedis } from '../server/src/test-support/redis.js';
import { dynamodbEnv, startDatabase } from './database.js';
import { WINNING_GAME } from './load.js';
import { Player } from './online.js';
import { median, type Server, startServer } from './processes.js';

export interface CpuPerMoveSettings {
  /** Moves per second across all games: fixed, well below what either store saturates at. */
  movesPerSecond: number;
  /** Pairs of players, each playing one game at a time. */
  pairs: number;
  /** Moves played as fast as the server answers before measuring, so V8 has compiled the hot code. */
  warmupMoves: number;
  /** Seconds at the fixed rate before the window opens. */
  settleSeconds: number;
  seconds: number;
  /**
   * Run the DynamoDB server as deployed for several instances, with a Redis bus (REDIS_URL);
   * otherwise alone, polling (which, with no stream open, reads nothing by itself).
   */
  bus?: boolean;
}

export interface StoreCpu {
  /** Server CPU time (user + system) in the window, per move made in it. */
  cpuMsPerMove: number;
  moves: number;
  /** Every API request answered in the window: moves, invitations, rematches, accepts. */
  requests: number;
  movesPerSecond: number;
}

const SERVER = 'server/dist/main.js';
const PASSWORD = 'benchmark password';

/**
 * Online play over real HTTP: `pairs` pairs of players, each playing whole games of seven
 * moves; the first game by invitation, every later one as a rematch of the last (accepted by
 * the other player). Sign-ins (scrypt) come first, then `warmupMoves` moves as fast as the
 * server answers, then moves at the fixed rate until `stop()`. Between `open()` and `close()`
 * it counts moves and requests, and the server's CPU time from /proc.
 *
 * The warm-up matters: at 100 moves/s V8 is still compiling the AWS SDK's code a minute in,
 * which alone doubles the CPU per move; a few thousand unpaced moves get past it in seconds.
 */
export async function onlineLoad(server: Server, settings: CpuPerMoveSettings) {
  const pairs = await Promise.all(
    Array.from({ length: settings.pairs }, async (_, i) => {
      const host = new Player(server.base, `cpuhost${i}`);
      const guest = new Player(server.base, `cpuguest${i}`);
      await host.call('POST', '/api/session', { name: host.name, password: PASSWORD, create: true });
      await guest.call('POST', '/api/session', { name: guest.name, password: PASSWORD, create: true });
      return { host, guest };
    }),
  );

  let phase: 'warmup' | 'paced' | 'stop' = 'warmup';
  // A function, so TypeScript does not narrow `phase` across the awaits that change it.
  const stopped = () => phase === 'stop';
  let measuring = false;
  let warmupMoves = 0;
  let moves = 0;
  let requests = 0;
  let warmedUp: () => void = () => {};
  const warm = new Promise<void>((resolve) => {
    warmedUp = resolve;
  });
  const counted = async (player: Player, method: string, path: string, body?: unknown) => {
    const answer = await player.call(method, path, body);
    if (measuring) requests++;
    return answer;
  };

  const intervalMs = (1000 * settings.pairs) / settings.movesPerSecond;
  const play = async ({ host, guest }: { host: Player; guest: Player }, offsetMs: number) => {
    let due: number | null = null;
    let finished: string | null = null;
    let asker = host;
    while (!stopped()) {
      // A new game: an invitation the first time, then a rematch, asked for by each player in turn.
      const other = asker === host ? guest : host;
      const invitation = finished
        ? await counted(asker, 'POST', `/api/games/${finished}/rematch`)
        : await counted(host, 'POST', '/api/games', { opponent: guest.name });
      const invitee = finished ? other : guest;
      let game = await counted(invitee, 'POST', `/api/games/${invitation.id}/accept`, {});
      // Player ids are the lower-case names, and these names are lower-case.
      const hostSide = (game.host as { id: string }).id === host.name ? host : guest;
      const opponentSide = hostSide === host ? guest : host;
      const [x, o] = game.hostMark === 'X' ? [hostSide, opponentSide] : [opponentSide, hostSide];
      for (let i = 0; i < WINNING_GAME.length; i++) {
        if (phase === 'paced') {
          due ??= performance.now() + offsetMs;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          due = Math.max(due + intervalMs, performance.now() - intervalMs);
        }
        if (stopped()) return;
        const mover = i % 2 === 0 ? x : o;
        game = await counted(mover, 'POST', `/api/games/${game.id}/moves`, {
          cell: WINNING_GAME[i],
          version: game.version,
        });
        if (measuring) moves++;
        if (phase === 'warmup' && ++warmupMoves >= settings.warmupMoves) {
          phase = 'paced';
          warmedUp();
        }
      }
      finished = String(game.id);
      asker = other;
    }
  };

  const games = Promise.all(pairs.map((pair, i) => play(pair, (i * intervalMs) / settings.pairs)));
  // Awaited through warmedUp or failed; this only keeps an unawaited failure from crashing.
  games.catch(() => {});
  let window = { cpu: 0, at: 0 };
  return {
    /** Resolves once the warm-up is over; rejects as soon as any request fails. */
    warmedUp: Promise.race([games, warm]).then(() => {}),
    /** Rejects as soon as any request fails. */
    failed: games.then(() => {}),
    open: () => {
      measuring = true;
      window = { cpu: server.cpuSeconds(), at: performance.now() };
    },
    close: (): StoreCpu => {
      const cpuSeconds = server.cpuSeconds() - window.cpu;
      const seconds = (performance.now() - window.at) / 1000;
      measuring = false;
      return { cpuMsPerMove: (cpuSeconds * 1000) / moves, moves, requests, movesPerSecond: moves / seconds };
    },
    stop: async () => {
      phase = 'stop';
      await games;
    },
  };
}

/** The load on one server: warm-up, settle, one window. */
export async function measureCpuPerMove(server: Server, settings: CpuPerMoveSettings): Promise<StoreCpu> {
  const load = await onlineLoad(server, settings);
  await load.warmedUp;
  const sleep = (seconds: number) =>
    Promise.race([load.failed, new Promise((resolve) => setTimeout(resolve, seconds * 1000))]);
  await sleep(settings.settleSeconds);
  load.open();
  await sleep(settings.seconds);
  const result = load.close();
  await load.stop();
  return result;
}

interface Round {
  memory: StoreCpu;
  dynamodb: StoreCpu;
  /** Share of one core dynalite used in the window. */
  databaseCpuShare: number;
}

/**
 * One round: a server on the memory store and one on dynalite, fresh processes, under the same
 * load at the same time, measured over the same window, so a busy neighbour on a shared machine
 * weighs on both alike.
 */
async function round(settings: CpuPerMoveSettings): Promise<Round> {
  const database = await startDatabase();
  const redis = settings.bus ? await TestRedis.start() : null;
  const servers: Server[] = [];
  try {
    const env = dynamodbEnv(database.endpoint, { table: 'BenchCpu', redisUrl: redis?.url });
    servers.push(await startServer(SERVER), await startServer(SERVER, env));
    const [memory, dynamodb] = await Promise.all(servers.map((server) => onlineLoad(server, settings)));
    if (!memory || !dynamodb) throw new Error('no load');
    const failed = Promise.all([memory.failed, dynamodb.failed]);
    failed.catch(() => {});
    const sleep = (seconds: number) =>
      Promise.race([failed, new Promise((resolve) => setTimeout(resolve, seconds * 1000))]);
    await Promise.all([memory.warmedUp, dynamodb.warmedUp]);
    await sleep(settings.settleSeconds);
    const databaseCpu = database.cpuSeconds();
    memory.open();
    dynamodb.open();
    await sleep(settings.seconds);
    const result = {
      memory: memory.close(),
      dynamodb: dynamodb.close(),
      databaseCpuShare: (database.cpuSeconds() - databaseCpu) / settings.seconds,
    };
    await Promise.all([memory.stop(), dynamodb.stop()]);
    return result;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await redis?.stop();
    await database.close();
  }
}

/**
 * The same online load on the production server on the memory store and on DynamoDB
 * (dynalite): per round, the medians, and the median of the rounds' ratios.
 */
export async function cpuPerMoveByStore(
  settings: CpuPerMoveSettings & { rounds: number },
  log: (message: string) => void,
) {
  const rounds: Round[] = [];
  for (let i = 0; i < settings.rounds; i++) {
    log(
      `CPU per move, round ${i + 1}/${settings.rounds}: memory and dynalite${settings.bus ? ' with a Redis bus' : ''} side by side, ` +
        `${settings.movesPerSecond} moves/s each in ${settings.pairs} games at once`,
    );
    rounds.push(await round(settings));
  }
  const pick = (get: (r: Round) => number) => median(rounds.map(get));
  const ms = (n: number) => Math.round(n * 100) / 100;
  return {
    bus: settings.bus ?? false,
    movesPerSecond: settings.movesPerSecond,
    games: settings.pairs,
    seconds: settings.seconds,
    rounds: rounds.length,
    memory: {
      cpuMsPerMove: ms(pick((r) => r.memory.cpuMsPerMove)),
      movesPerSecond: Math.round(pick((r) => r.memory.movesPerSecond)),
      requestsPerMove: ms(pick((r) => r.memory.requests / r.memory.moves)),
    },
    dynamodb: {
      cpuMsPerMove: ms(pick((r) => r.dynamodb.cpuMsPerMove)),
      movesPerSecond: Math.round(pick((r) => r.dynamodb.movesPerSecond)),
      requestsPerMove: ms(pick((r) => r.dynamodb.requests / r.dynamodb.moves)),
      databaseCpuShare: ms(pick((r) => r.databaseCpuShare)),
    },
    ratio: ms(pick((r) => r.dynamodb.cpuMsPerMove / r.memory.cpuMsPerMove)),
    ratios: rounds.map((r) => ms(r.dynamodb.cpuMsPerMove / r.memory.cpuMsPerMove)),
  };
}
