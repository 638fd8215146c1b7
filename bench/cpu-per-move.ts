import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { WINNING_GAME } from './load.js';
import { Player } from './online.js';
import { cpuSecondsOf, median, root, type Server, startServer } from './processes.js';

export interface CpuPerMoveSettings {
  /** Moves per second across all games: fixed, well below what either store saturates at. */
  movesPerSecond: number;
  /** Pairs of players, each playing one game at a time. */
  pairs: number;
  warmupSeconds: number;
  seconds: number;
}

export interface StoreCpu {
  /** Server CPU time (user + system) in the window, per move made in it. */
  cpuMsPerMove: number;
  moves: number;
  /** Every API request answered in the window: moves, invitations, rematches, accepts. */
  requests: number;
  movesPerSecond: number;
  /** Share of one core the server used in the window. */
  cpuShare: number;
}

const SERVER = 'server/dist/main.js';
const PASSWORD = 'benchmark password';

/**
 * Online play over real HTTP at a fixed rate: `pairs` pairs of players, each playing whole
 * games of seven moves; the first game by invitation, every later one as a rematch of the
 * last (accepted by the other player). Sign-ins (scrypt) happen before the warm-up, so the
 * window holds only invitations, rematches, accepts and moves. Reported: the server's CPU
 * time in the window, from /proc, divided by the moves made in it.
 */
export async function measureCpuPerMove(
  server: Server,
  settings: CpuPerMoveSettings,
  /** Called when the measured window opens and closes, e.g. to read another process's CPU time. */
  window: { open?: () => void; close?: () => void } = {},
): Promise<StoreCpu> {
  const pairs = await Promise.all(
    Array.from({ length: settings.pairs }, async (_, i) => {
      const host = new Player(server.base, `cpuhost${i}`);
      const guest = new Player(server.base, `cpuguest${i}`);
      await host.call('POST', '/api/session', { name: host.name, password: PASSWORD });
      await guest.call('POST', '/api/session', { name: guest.name, password: PASSWORD });
      return { host, guest };
    }),
  );

  let measuring = false;
  let stop = false;
  let moves = 0;
  let requests = 0;
  const counted = async (player: Player, method: string, path: string, body?: unknown) => {
    const answer = await player.call(method, path, body);
    if (measuring) requests++;
    return answer;
  };

  const intervalMs = (1000 * settings.pairs) / settings.movesPerSecond;
  const play = async ({ host, guest }: { host: Player; guest: Player }, offsetMs: number) => {
    let due = performance.now() + offsetMs;
    let finished: string | null = null;
    let asker = host;
    while (!stop) {
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
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        due = Math.max(due + intervalMs, performance.now() - intervalMs);
        if (stop) return;
        const mover = i % 2 === 0 ? x : o;
        game = await counted(mover, 'POST', `/api/games/${game.id}/moves`, {
          cell: WINNING_GAME[i],
          version: game.version,
        });
        if (measuring) moves++;
      }
      finished = String(game.id);
      asker = other;
    }
  };

  const games = pairs.map((pair, i) => play(pair, (i * intervalMs) / settings.pairs));
  const failed = Promise.all(games);
  const sleep = (seconds: number) =>
    Promise.race([failed, new Promise((resolve) => setTimeout(resolve, seconds * 1000))]);
  await sleep(settings.warmupSeconds);
  measuring = true;
  window.open?.();
  const cpuStart = server.cpuSeconds();
  const started = performance.now();
  await sleep(settings.seconds);
  const cpuSeconds = server.cpuSeconds() - cpuStart;
  const seconds = (performance.now() - started) / 1000;
  window.close?.();
  measuring = false;
  stop = true;
  await failed;
  return {
    cpuMsPerMove: (cpuSeconds * 1000) / moves,
    moves,
    requests,
    movesPerSecond: moves / seconds,
    cpuShare: cpuSeconds / seconds,
  };
}

/** dynalite in a child process of its own, so neither its CPU nor the load generator's is the server's. */
export async function startDatabase() {
  const child = spawn(process.execPath, ['bench/dynalite-server.mjs'], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  const pid = child.pid ?? 0;
  return {
    endpoint: `http://127.0.0.1:${Number(chunk.toString().trim())}`,
    cpuSeconds: () => cpuSecondsOf(pid),
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** The environment that runs the production server on dynalite. */
export const dynamodbEnv = (endpoint: string) => ({
  STORAGE: 'dynamodb',
  DYNAMODB_ENDPOINT: endpoint,
  AWS_REGION: 'us-east-1',
  DYNAMODB_TABLE: 'BenchCpu',
});

interface Round {
  memory: StoreCpu;
  dynamodb: StoreCpu;
  /** Share of one core dynalite used while the DynamoDB server was measured. */
  databaseCpuShare: number;
}

async function round(settings: CpuPerMoveSettings): Promise<Round> {
  const memoryServer = await startServer(SERVER);
  let memory: StoreCpu;
  try {
    memory = await measureCpuPerMove(memoryServer, settings);
  } finally {
    await memoryServer.stop();
  }
  const database = await startDatabase();
  try {
    const dynamoServer = await startServer(SERVER, dynamodbEnv(database.endpoint));
    try {
      const databaseCpu = { start: 0, end: 0 };
      const dynamodb = await measureCpuPerMove(dynamoServer, settings, {
        open: () => {
          databaseCpu.start = database.cpuSeconds();
        },
        close: () => {
          databaseCpu.end = database.cpuSeconds();
        },
      });
      return { memory, dynamodb, databaseCpuShare: (databaseCpu.end - databaseCpu.start) / settings.seconds };
    } finally {
      await dynamoServer.stop();
    }
  } finally {
    await database.close();
  }
}

/**
 * The same load on the production server, on the memory store and on DynamoDB (dynalite), in
 * interleaved rounds; the medians, and the median of each round's ratio.
 */
export async function cpuPerMoveByStore(
  settings: CpuPerMoveSettings & { rounds: number },
  log: (message: string) => void,
) {
  const rounds: Round[] = [];
  for (let i = 0; i < settings.rounds; i++) {
    log(
      `CPU per move, round ${i + 1}/${settings.rounds}: memory, then dynalite; ` +
        `${settings.movesPerSecond} moves/s in ${settings.pairs} games at once`,
    );
    rounds.push(await round(settings));
  }
  const pick = (get: (r: Round) => number) => median(rounds.map(get));
  const ms = (n: number) => Math.round(n * 100) / 100;
  return {
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
