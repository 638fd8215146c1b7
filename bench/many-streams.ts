/**
 * Many live games on one instance (memory store): two streams per game, moves at a steady
 * rate, move → opponent's event latency, the server's memory per stream and CPU, and what
 * was refused. Streams over the server's cap are answered 503 (counted as refused); a
 * connection that fails is counted apart, and so is every move that does not get its 200.
 *
 * Descriptors bound it: the server caps streams below its own open-files limit, and the load
 * generator is split into child processes (bench/stream-clients.ts) so none goes over its own.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { connectionCaps, parseOpenFilesLimit } from '../server/src/open-files.js';
import { percentile, type Server, startServer } from './processes.js';
import type { Command, Report } from './stream-clients.js';

const CLIENT = fileURLToPath(new URL('./stream-clients.ts', import.meta.url));
const PLAYERS_PER_CLIENT = 20;

export interface ManyStreamsOptions {
  games: number;
  movesPerSecond: number;
  seconds: number;
  warmupSeconds: number;
  /** Streams one load-generator process holds at most. */
  streamsPerClient: number;
  /** Every this many moves, one closes its connection after its answer (1: a new connection each). */
  reconnectEvery: number;
  /** Extra environment for the server, e.g. MAX_STREAMS. */
  env?: Record<string, string>;
}

export interface ManyStreamsResult {
  games: number;
  /** The server's own soft open-files limit and the stream cap below it. */
  server: { openFilesLimit: number; maxStreams: number };
  streams: { attempted: number; open: number; refused: number; failed: number; droppedDuringPlay: number };
  /** Games with both streams open: the ones moves were played in. */
  liveGames: number;
  moves: {
    target: number;
    perSecond: number;
    measured: number;
    refused: number;
    reset: number;
    missingEvents: number;
  };
  moveToEventMs: { p50: number; p95: number; p99: number };
  rssMB: { beforeStreams: number; withStreams: number; afterMoves: number };
  rssKBPerStream: number;
  serverCpu: { percentOfOneCore: number; microsecondsPerMove: number };
  loadGenerator: { processes: number; cpuPercentOfOneCore: number };
}

/** A child process that answers each command with one report. */
class Client {
  private readonly reports: Report[] = [];
  private waiter: (() => void) | null = null;
  constructor(readonly child: ChildProcess) {
    child.on('message', (report: Report) => {
      this.reports.push(report);
      this.waiter?.();
    });
  }

  async ask<T extends Report['type']>(command: Command, answer: T): Promise<Extract<Report, { type: T }>> {
    this.child.send(command);
    for (;;) {
      const report = this.reports.shift();
      if (report) {
        if (report.type !== answer) throw new Error(`expected ${answer}, got ${report.type}`);
        return report as Extract<Report, { type: T }>;
      }
      if (this.child.exitCode !== null) throw new Error(`load generator exited (${this.child.exitCode})`);
      await Promise.race([
        new Promise<void>((resolve) => {
          this.waiter = resolve;
        }),
        once(this.child, 'exit'),
      ]);
      this.waiter = null;
    }
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function openFilesLimitOf(server: Server): number {
  return parseOpenFilesLimit(readFileSync(`/proc/${server.process.pid}/limits`, 'utf8')) ?? Number.NaN;
}

export async function manyStreams(
  serverScript: string,
  options: ManyStreamsOptions,
  log: (message: string) => void,
): Promise<ManyStreamsResult> {
  const server = await startServer(serverScript, { LOG_LEVEL: 'warn', ...options.env });
  const processes = Math.max(1, Math.ceil((options.games * 2) / options.streamsPerClient));
  const clients = Array.from(
    { length: processes },
    () => new Client(fork(CLIENT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })),
  );
  try {
    const openFilesLimit = openFilesLimitOf(server);
    const maxStreams = Number(options.env?.MAX_STREAMS ?? connectionCaps(openFilesLimit).maxStreams);
    log(`${options.games} games, ${options.games * 2} streams, ${processes} load-generator processes: setting up`);
    const share = (i: number) => Math.floor(options.games / processes) + (i < options.games % processes ? 1 : 0);
    await Promise.all(
      clients.map((client, i) =>
        client.ask(
          {
            type: 'setup',
            base: server.base,
            prefix: `m${process.pid % 1000}c${i}p`,
            players: PLAYERS_PER_CLIENT,
            games: share(i),
          },
          'ready',
        ),
      ),
    );
    const rssBefore = server.rssMB();
    log(`opening streams (the server's open-files limit: ${openFilesLimit}; its stream cap: ${maxStreams})`);
    const opened = await Promise.all(clients.map((client) => client.ask({ type: 'open', concurrency: 64 }, 'opened')));
    const rssWithStreams = server.rssMB();
    const open = sum(opened.map((o) => o.open));
    log(`${open} streams open; ${options.movesPerSecond} moves/s for ${options.seconds} s`);
    const cpuBefore = server.cpuSeconds();
    const wallBefore = performance.now();
    const played = await Promise.all(
      clients.map((client) =>
        client.ask(
          {
            type: 'play',
            movesPerSecond: options.movesPerSecond / processes,
            seconds: options.seconds,
            warmupSeconds: options.warmupSeconds,
            reconnectEvery: options.reconnectEvery,
          },
          'played',
        ),
      ),
    );
    const wallSeconds = (performance.now() - wallBefore) / 1000;
    const serverCpuSeconds = server.cpuSeconds() - cpuBefore;
    const rssAfter = server.rssMB();
    await Promise.all(clients.map((client) => client.ask({ type: 'close' }, 'closed')));

    const latencies = played.flatMap((p) => p.latenciesMs).sort((a, b) => a - b);
    const measured = sum(played.map((p) => p.moves));
    const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
    return {
      games: options.games,
      server: { openFilesLimit, maxStreams },
      streams: {
        attempted: sum(opened.map((o) => o.attempted)),
        open,
        refused: sum(opened.map((o) => o.refused)),
        failed: sum(opened.map((o) => o.failed)),
        droppedDuringPlay: sum(played.map((p) => p.droppedStreams)),
      },
      liveGames: sum(opened.map((o) => o.liveGames)),
      moves: {
        target: options.movesPerSecond,
        perSecond: round(measured / options.seconds),
        measured,
        refused: sum(played.map((p) => p.refusedMoves)),
        reset: sum(played.map((p) => p.resetMoves)),
        missingEvents: sum(played.map((p) => p.missingEvents)),
      },
      moveToEventMs: {
        p50: round(percentile(latencies, 50)),
        p95: round(percentile(latencies, 95)),
        p99: round(percentile(latencies, 99)),
      },
      rssMB: { beforeStreams: round(rssBefore), withStreams: round(rssWithStreams), afterMoves: round(rssAfter) },
      rssKBPerStream: round(((rssWithStreams - rssBefore) * 1024) / Math.max(1, open)),
      serverCpu: {
        percentOfOneCore: round((100 * serverCpuSeconds) / wallSeconds),
        microsecondsPerMove: Math.round((serverCpuSeconds * 1e6) / Math.max(1, sum(played.map((p) => p.sent)))),
      },
      loadGenerator: {
        processes,
        cpuPercentOfOneCore: round((100 * sum(played.map((p) => p.cpuSeconds))) / wallSeconds),
      },
    };
  } finally {
    for (const client of clients) if (client.child.exitCode === null) client.child.kill('SIGTERM');
    await server.stop();
  }
}
