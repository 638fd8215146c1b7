import { EventReader } from '../server/src/test-support/events.js';
import { WINNING_GAME } from './load.js';
import { percentile } from './processes.js';

/** A browser's worth of online play over real HTTP: one cookie, JSON in and out. */
export class Player {
  cookie = '';
  constructor(
    readonly base: string,
    readonly name: string,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const setCookie = response.headers.getSetCookie()[0];
    if (setCookie) this.cookie = setCookie.split(';')[0] ?? '';
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** The same person, talking to another instance of the same deployment. */
  on(base: string): Player {
    const twin = new Player(base, this.name);
    twin.cookie = this.cookie;
    return twin;
  }
}

let counter = 0;
const name = (base: string) => `${base}${process.pid % 1000}_${(counter++).toString(36)}`.slice(0, 20);

export interface LatencyResult {
  moves: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** The mover's request alone, to its answer (the event usually arrives before it). */
  answerMs: { p50: number; p95: number };
  /** Bytes on the wire per pushed move event (SSE framing included). */
  eventBytes: { mean: number; max: number };
}

/**
 * From a move request to the opponent's live event. Moves are posted to `moveBase`; both
 * players stream from `streamBase` (the same instance, or another one sharing storage).
 * `parallel` games run at once, each playing games of seven moves until `moves` are done.
 */
export async function moveToEvent(options: {
  moveBase: string;
  streamBase: string;
  moves: number;
  parallel: number;
  /** Moves played first and not counted, so the server's code is warm. */
  warmupMoves?: number;
  /**
   * Each game makes a move at most every `paceMs` (from the start of one to the next), so the
   * load is a steady rate rather than as fast as the machine goes: latency, not throughput.
   */
  paceMs?: number;
}): Promise<LatencyResult> {
  if (options.warmupMoves) await moveToEvent({ ...options, moves: options.warmupMoves, warmupMoves: 0 });
  const latencies: number[] = [];
  /** From the move's request to its answer. */
  const answers: number[] = [];
  const bytes: number[] = [];
  const perWorker = Math.ceil(options.moves / options.parallel);

  // Everyone signs in first: scrypt is heavy by design, and must not be what the moves measure.
  const pairs = await Promise.all(
    Array.from({ length: options.parallel }, async () => {
      const host = new Player(options.moveBase, name('host'));
      const guest = new Player(options.moveBase, name('guest'));
      await host.call('POST', '/api/session', { name: host.name, password: 'benchmark password', create: true });
      await guest.call('POST', '/api/session', { name: guest.name, password: 'benchmark password', create: true });
      return { host, guest };
    }),
  );

  const worker = async ({ host, guest }: { host: Player; guest: Player }) => {
    let done = 0;
    while (done < perWorker) {
      const invitation = await host.call('POST', '/api/games', { opponent: guest.name });
      const game = await guest.call('POST', `/api/games/${invitation.id}/accept`, {});
      let version = game.version as number;
      const streams = await Promise.all(
        [host, guest].map((player) =>
          EventReader.open(`${options.streamBase}/api/games/${game.id}/events?since=${version}`, {
            cookie: player.on(options.streamBase).cookie,
          }),
        ),
      );
      const [hostSees, guestSees] = streams;
      if (!hostSees || !guestSees) throw new Error('no streams');
      // The invitee (guest) plays X and moves first.
      for (let i = 0; i < WINNING_GAME.length && done < perWorker; i++) {
        const [mover, watcher] = i % 2 === 0 ? [guest, hostSees] : [host, guestSees];
        const after = watcher.events.length;
        const started = performance.now();
        // Timed when the event arrives, whether before or after the answer: the answer to a game's
        // last move waits for the tally (records and ratings), the event does not. An instance
        // polling may see only the tally's later version, with the move in it.
        const expected = version + 1;
        const seen = watcher
          .next((e) => Number(e.id) >= expected, 15_000, after)
          .then((event) => ({ event, at: performance.now() }));
        await mover.call('POST', `/api/games/${game.id}/moves`, { cell: WINNING_GAME[i], version });
        const answered = performance.now();
        version++;
        const { event, at } = await seen;
        latencies.push(at - started);
        answers.push(answered - started);
        const rest = (options.paceMs ?? 0) - (performance.now() - started);
        if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
        if (event.event === 'move') bytes.push(event.bytes);
        done++;
      }
      await Promise.all(streams.map((stream) => stream.close()));
    }
  };

  await Promise.all(pairs.map(worker));
  return {
    moves: latencies.length,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    answerMs: { p50: percentile(answers, 50), p95: percentile(answers, 95) },
    eventBytes: {
      mean: bytes.reduce((a, b) => a + b, 0) / Math.max(1, bytes.length),
      max: Math.max(0, ...bytes),
    },
  };
}
