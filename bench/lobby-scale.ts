/**
 * A bystander's lobby on the memory store with 50,000 other players' games in it, against the
 * same lobby in a store with none: the time of GET /api/lobby in interleaved rounds, and the
 * RSS those games cost. Runs in a child process of its own (`--expose-gc`), so the heap it
 * measures holds nothing else.
 */
import { spawn } from 'node:child_process';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { MemoryStore } from '../server/src/storage/memory.js';
import { gameRecord } from '../server/src/test-support/records.js';
import { median, root, SESSION_SECRET } from './processes.js';

export interface LobbyScaleOptions {
  otherGames: number;
  requests: number;
  rounds: number;
}

export interface LobbyScale {
  otherGames: number;
  /** Median of the rounds' (lobby with the others' games ÷ lobby without). */
  ratio: number;
  ratios: number[];
  lobbyMs: { withoutOthers: number; withOthers: number };
  rssMBPer10kGames: number;
  heapMBPer10kGames: number;
}

const DAY = 24 * 60 * 60 * 1000;

/** Games as the service writes them, current, so the store's clock expires none of them. */
function games(count: number, players: (i: number) => { host: string; opponent: string }) {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const { host, opponent } = players(i);
    const at = new Date(now - (count - i) * 1000).toISOString();
    const status = (['pending', 'playing', 'finished'] as const)[i % 3] ?? 'finished';
    return gameRecord({
      hostId: host,
      hostName: host,
      opponentId: opponent,
      opponentName: opponent,
      status,
      createdAt: at,
      updatedAt: at,
      deadline: status === 'finished' ? null : new Date(now + DAY).toISOString(),
    });
  });
}

async function lobbyApp(otherGames: number) {
  const store = new MemoryStore({ now: () => new Date() });
  const app = await buildApp({ config: { ...loadConfig({ SESSION_SECRET }), clientDir: '/nonexistent' }, store });
  const signIn = await app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { name: 'bystander', password: 'benchmark password', create: true },
  });
  const cookie = String([signIn.headers['set-cookie']].flat()[0] ?? '').split(';')[0] ?? '';
  // The bystander's own games: a few in each list.
  for (const game of games(12, (i) =>
    i % 2 ? { host: 'bystander', opponent: 'friend' } : { host: 'friend', opponent: 'bystander' },
  ))
    await store.createGame(game);
  const gc = globalThis.gc ?? (() => {});
  gc();
  const before = { rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed };
  for (const game of games(otherGames, (i) => ({ host: `host${i % 5000}`, opponent: `guest${i % 7000}` })))
    await store.createGame(game);
  gc();
  const grown = {
    rss: process.memoryUsage().rss - before.rss,
    heap: process.memoryUsage().heapUsed - before.heap,
  };
  const lobby = async () => {
    const response = await app.inject({ method: 'GET', url: '/api/lobby', headers: { cookie } });
    if (response.statusCode !== 200) throw new Error(`lobby: ${response.statusCode} ${response.body}`);
  };
  return { app, lobby, grown };
}

async function timeOf(lobby: () => Promise<void>, requests: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const started = process.hrtime.bigint();
    await lobby();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(times);
}

/** The measurement itself, in this process. */
async function measure(options: LobbyScaleOptions): Promise<LobbyScale> {
  const empty = await lobbyApp(0);
  const full = await lobbyApp(options.otherGames);
  // Warm both up before timing.
  await timeOf(empty.lobby, 50);
  await timeOf(full.lobby, 50);
  const rounds: { without: number; with: number }[] = [];
  for (let round = 0; round < options.rounds; round++) {
    rounds.push({
      without: await timeOf(empty.lobby, options.requests),
      with: await timeOf(full.lobby, options.requests),
    });
  }
  await empty.app.close();
  await full.app.close();
  const ratios = rounds.map((r) => Math.round((r.with / r.without) * 100) / 100);
  const per10k = (bytes: number) => Math.round((bytes / 2 ** 20 / options.otherGames) * 10_000 * 10) / 10;
  return {
    otherGames: options.otherGames,
    ratio: median(ratios),
    ratios,
    lobbyMs: {
      withoutOthers: Math.round(median(rounds.map((r) => r.without)) * 1000) / 1000,
      withOthers: Math.round(median(rounds.map((r) => r.with)) * 1000) / 1000,
    },
    rssMBPer10kGames: per10k(full.grown.rss),
    heapMBPer10kGames: per10k(full.grown.heap),
  };
}

/** Runs the measurement in a fresh child process with a collectable heap. */
export function lobbyScale(options: LobbyScaleOptions): Promise<LobbyScale> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'bench/lobby-scale.ts', JSON.stringify(options)],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`lobby-scale child exited with ${code}`));
      else resolve(JSON.parse(output) as LobbyScale);
    });
  });
}

if (process.argv[1]?.endsWith('lobby-scale.ts') && process.argv[2]) {
  measure(JSON.parse(process.argv[2]) as LobbyScaleOptions).then(
    (result) => process.stdout.write(JSON.stringify(result)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
