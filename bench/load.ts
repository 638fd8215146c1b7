import { Agent, request } from 'node:http';
import { percentile } from './processes.js';

/** X wins on the seventh move: X 0, 8, 6, 7 against O 4, 2, 3. */
export const WINNING_GAME = [0, 4, 8, 2, 6, 3, 7];

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

interface Connection {
  agent: Agent;
  cookie: string | undefined;
}

/** One POST on the connection's own socket, carrying and updating its cookie like a browser. */
function post(base: URL, connection: Connection, path: string, body: string | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== null) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    if (connection.cookie) headers.cookie = connection.cookie;
    const req = request(
      { host: base.hostname, port: base.port, path, method: 'POST', agent: connection.agent, headers },
      (res) => {
        const setCookie = res.headers['set-cookie'];
        if (setCookie?.[0]) connection.cookie = setCookie[0].split(';')[0];
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

/**
 * The /move game cycle: each connection repeats POST /reset then the seven moves of a game X
 * wins, for `seconds` after `warmupSeconds`. Latencies are per request.
 */
export async function moveCycle(
  baseUrl: string,
  options: { connections: number; seconds: number; warmupSeconds: number },
  /** Called when the measured window opens and closes (after the warm-up), e.g. to read CPU time. */
  window: { open?: () => void; close?: () => void } = {},
): Promise<LoadResult> {
  const base = new URL(baseUrl);
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let stop = false;
  const bodies = WINNING_GAME.map((index) => JSON.stringify({ index }));

  const run = async () => {
    const connection: Connection = { agent: new Agent({ keepAlive: true, maxSockets: 1 }), cookie: undefined };
    while (!stop) {
      for (const [path, body] of [['/reset', null] as const, ...bodies.map((b) => ['/move', b] as const)]) {
        if (stop) break;
        const started = process.hrtime.bigint();
        let status = 0;
        try {
          status = await post(base, connection, path, body);
        } catch {
          status = 0;
        }
        if (!measuring) continue;
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (status !== 200) errors++;
      }
    }
    connection.agent.destroy();
  };

  const loops = Array.from({ length: options.connections }, run);
  await new Promise((resolve) => setTimeout(resolve, options.warmupSeconds * 1000));
  measuring = true;
  window.open?.();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
  measuring = false;
  window.close?.();
  const seconds = (performance.now() - started) / 1000;
  stop = true;
  await Promise.all(loops);
  const sorted = latencies.sort((a, b) => a - b);
  return {
    requests: sorted.length,
    errors,
    seconds,
    requestsPerSecond: sorted.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}
