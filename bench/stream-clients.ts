/**
 * One load-generator process for bench/many-streams.ts: its own players and games, two live
 * streams per game on raw sockets (a descriptor each, nothing else), and moves at a steady
 * rate, each timed until the opponent's stream carries it. Several run at once so none goes
 * over its own open-files limit; the server's CPU is measured from outside, so theirs never
 * counts. Driven by its parent over IPC: setup → open → play → close.
 */
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';

export type Command =
  | { type: 'setup'; base: string; prefix: string; players: number; games: number }
  | { type: 'open'; concurrency: number }
  | {
      type: 'play';
      movesPerSecond: number;
      seconds: number;
      warmupSeconds: number;
      /** Every this many moves, one asks for its connection to be closed, so new ones keep coming. */
      reconnectEvery: number;
    }
  | { type: 'close' };

export type Report =
  | { type: 'ready'; games: number }
  | {
      type: 'opened';
      attempted: number;
      open: number;
      /** Answered 503: over the server's cap. */
      refused: number;
      /** The connection failed, or another answer. */
      failed: number;
      /** Games with both streams open. */
      liveGames: number;
    }
  | {
      type: 'played';
      latenciesMs: number[];
      /** Moves answered 200 in the measured window. */
      moves: number;
      /** Moves sent, warm-up included: what the server's CPU was spent on. */
      sent: number;
      /** Moves answered with another status. */
      refusedMoves: number;
      /** Moves whose connection failed: reset, refused or closed without an answer. */
      resetMoves: number;
      /** Moves whose event never reached the opponent's stream within 15 s. */
      missingEvents: number;
      /** Streams that were open and closed during the play. */
      droppedStreams: number;
      cpuSeconds: number;
    }
  | { type: 'closed' };

/** Nine moves that end in a draw, so no game ends early: X 0, 8, 7, 2, 3 against O 4, 1, 6, 5. */
const DRAW = [0, 4, 8, 1, 7, 6, 2, 5, 3];
const EVENT_TIMEOUT_MS = 15_000;

interface Player {
  name: string;
  cookie: string;
}

interface Stream {
  socket: Socket;
  status: number;
  closed: boolean;
  /** The latest text received, to find an event's id in. */
  tail: string;
  waiting?: { id: string; arrived: (at: number) => void };
}

interface Game {
  id: string;
  version: number;
  moves: number;
  host: Player;
  guest: Player;
  streams: { host?: Stream; guest?: Stream };
  busy: boolean;
}

const send = (report: Report) => process.send?.(report);
let agent = new Agent({ keepAlive: true, maxSockets: 16 });
let base = new URL('http://127.0.0.1');
const games: Game[] = [];

/** JSON over the shared keep-alive agent; a connection failure rejects. */
function call(
  method: string,
  path: string,
  body: unknown,
  cookie = '',
  close = false,
): Promise<{ status: number; json: unknown; cookie: string }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path,
        method,
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(text)),
          ...(cookie ? { cookie } : {}),
          ...(close ? { connection: 'close' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const setCookie = res.headers['set-cookie']?.[0]?.split(';')[0];
          let json: unknown = null;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {}
          resolve({ status: res.statusCode ?? 0, json, cookie: setCookie ?? cookie });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

async function expectOk(method: string, path: string, body: unknown, cookie = '') {
  const answer = await call(method, path, body, cookie);
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.json)}`);
  return answer;
}

/** Runs `work` over `items` with at most `concurrency` at once. */
async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

async function setup(command: Extract<Command, { type: 'setup' }>) {
  base = new URL(command.base);
  const players: Player[] = [];
  await pool(
    Array.from({ length: command.players }, (_, i) => `${command.prefix}${i}`),
    8,
    async (name) => {
      const answer = await expectOk('POST', '/api/session', { name, password: 'benchmark password', create: true });
      players.push({ name, cookie: answer.cookie });
    },
  );
  const pairs = Math.floor(players.length / 2);
  // Game i is played by pair i % pairs. A pair has one pending invitation at a time, so each
  // pair invites and accepts its games one after another; pairs go in parallel.
  await pool(
    Array.from({ length: pairs }, (_, pair) => pair),
    16,
    async (pair) => {
      const host = players[pair * 2] as Player;
      const guest = players[pair * 2 + 1] as Player;
      for (let i = pair; i < command.games; i += pairs) {
        const invitation = await expectOk('POST', '/api/games', { opponent: guest.name }, host.cookie);
        const { id } = invitation.json as { id: string };
        const accepted = await expectOk('POST', `/api/games/${id}/accept`, {}, guest.cookie);
        const { version } = accepted.json as { version: number };
        games.push({ id, version, moves: 0, host, guest, streams: {}, busy: false });
      }
    },
  );
  send({ type: 'ready', games: games.length });
}

/** Opens a stream on a raw socket; resolves once the status line is in (or the socket is gone). */
function openStream(game: Game, player: Player): Promise<Stream> {
  return new Promise((resolve) => {
    const socket = connect(Number(base.port), base.hostname);
    const stream: Stream = { socket, status: 0, closed: false, tail: '' };
    const settle = () => resolve(stream);
    socket.setNoDelay(true);
    socket.on('connect', () => {
      socket.write(
        `GET /api/games/${game.id}/events?since=${game.version} HTTP/1.1\r\nHost: ${base.host}\r\n` +
          `Accept: text/event-stream\r\nCookie: ${player.cookie}\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (stream.status === 0) {
        stream.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? -1);
        settle();
      }
      stream.tail = (stream.tail + text).slice(-1024);
      const waiting = stream.waiting;
      if (waiting && stream.tail.includes(`\nid: ${waiting.id}\n`)) {
        stream.waiting = undefined;
        waiting.arrived(performance.now());
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      stream.closed = true;
      settle();
    });
  });
}

async function open(concurrency: number) {
  const wanted = games.flatMap((game) => [
    [game, 'host'],
    [game, 'guest'],
  ]) as [Game, 'host' | 'guest'][];
  let open = 0;
  let refused = 0;
  let failed = 0;
  await pool(wanted, concurrency, async ([game, side]) => {
    const stream = await openStream(game, game[side]);
    if (stream.status === 200 && !stream.closed) {
      game.streams[side] = stream;
      open++;
    } else {
      stream.socket.destroy();
      if (stream.status === 503) refused++;
      else failed++;
    }
  });
  const liveGames = games.filter((game) => game.streams.host && game.streams.guest).length;
  send({ type: 'opened', attempted: wanted.length, open, refused, failed, liveGames });
}

async function play(command: Extract<Command, { type: 'play' }>) {
  // Moves come on connections made while the streams hold their descriptors, as a new
  // player's would, and some close after their move so new ones keep being made.
  agent.destroy();
  agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const live = games.filter((game) => game.streams.host && game.streams.guest);
  const latencies: number[] = [];
  let moves = 0;
  let refusedMoves = 0;
  let resetMoves = 0;
  let missingEvents = 0;
  const cpu = process.cpuUsage();
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const measureFrom = started + command.warmupSeconds * 1000;
  const end = measureFrom + command.seconds * 1000;
  const interval = 1000 / command.movesPerSecond;
  let slot = 0;
  let launched = 0;
  let cursor = 0;

  const move = async (game: Game) => {
    game.busy = true;
    const xToPlay = game.moves % 2 === 0;
    const mover = xToPlay ? game.guest : game.host;
    const watcher = (xToPlay ? game.streams.host : game.streams.guest) as Stream;
    const version = game.version;
    const at = performance.now();
    const counted = at >= measureFrom;
    let timer: NodeJS.Timeout | undefined;
    const event = new Promise<number | null>((resolve) => {
      watcher.tail = '';
      watcher.waiting = { id: String(version + 1), arrived: resolve };
      timer = setTimeout(() => resolve(null), EVENT_TIMEOUT_MS);
    });
    try {
      const answer = await call(
        'POST',
        `/api/games/${game.id}/moves`,
        { cell: DRAW[game.moves], version },
        mover.cookie,
        launched % command.reconnectEvery === 0,
      );
      if (answer.status !== 200) {
        if (counted) refusedMoves++;
        watcher.waiting = undefined;
        clearTimeout(timer);
        return;
      }
    } catch {
      if (counted) resetMoves++;
      watcher.waiting = undefined;
      clearTimeout(timer);
      return;
    }
    game.version = version + 1;
    game.moves++;
    const arrived = await event;
    clearTimeout(timer);
    if (!counted) return;
    moves++;
    if (arrived === null) missingEvents++;
    else latencies.push(arrived - at);
  };

  while (performance.now() < end) {
    const due = Math.floor((performance.now() - started) / interval);
    for (; slot < due; slot++) {
      // The next game that is idle and has a move left before its last (none ends).
      let game: Game | undefined;
      for (let tries = 0; tries < live.length && !game; tries++) {
        const candidate = live[cursor++ % live.length] as Game;
        if (!candidate.busy && candidate.moves < DRAW.length - 1) game = candidate;
      }
      if (!game) continue;
      const chosen = game;
      launched++;
      const running = move(chosen).finally(() => {
        chosen.busy = false;
        inFlight.delete(running);
      });
      inFlight.add(running);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  const used = process.cpuUsage(cpu);
  const droppedStreams = live.filter((game) => game.streams.host?.closed || game.streams.guest?.closed).length;
  send({
    type: 'played',
    latenciesMs: latencies,
    moves,
    sent: launched,
    refusedMoves,
    resetMoves,
    missingEvents,
    droppedStreams,
    cpuSeconds: (used.user + used.system) / 1e6,
  });
}

function close() {
  for (const game of games) {
    game.streams.host?.socket.destroy();
    game.streams.guest?.socket.destroy();
  }
  agent.destroy();
  send({ type: 'closed' });
  process.disconnect?.();
}

process.on('message', (command: Command) => {
  const run = async () => {
    if (command.type === 'setup') await setup(command);
    else if (command.type === 'open') await open(command.concurrency);
    else if (command.type === 'play') await play(command);
    else close();
  };
  run().catch((error: unknown) => {
    process.stderr.write(`stream-clients: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
});
