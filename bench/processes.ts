import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const SESSION_SECRET = 'bench-session-secret-of-at-least-32-characters';

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface Server {
  base: string;
  process: ChildProcess;
  /** Milliseconds from spawn to the first 200 from /healthz. */
  startMs: number;
  rssMB(): number;
  /** CPU time (user + system) the process has used so far, in seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const TICKS_PER_SECOND = 100;

/** CPU time (user + system) process `pid` has used so far, in seconds. */
export function cpuSecondsOf(pid: number): number {
  // Fields 14 and 15 of /proc/PID/stat (after the command name in parentheses).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

const NO_RATE_LIMITS = {
  RATE_LIMIT_REQUESTS: 'off',
  RATE_LIMIT_SIGNUPS: 'off',
  RATE_LIMIT_SIGNINS: 'off',
  RATE_LIMIT_SIGNIN_FAILURES: 'off',
  RATE_LIMIT_INVITATIONS: 'off',
  RATE_LIMIT_INVITATIONS_PER_ADDRESS: 'off',
  MAX_PENDING_INVITATIONS: 'off',
  MAX_STREAMS_PER_ADDRESS: 'off',
};

/** Spawns a Node server script (with `nodeArgs`, e.g. `--cpu-prof`) and waits until /healthz answers 200. */
export async function startServer(
  script: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<Server> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      LOG_LEVEL: 'info',
      SESSION_SECRET,
      // The bench is one client flooding on purpose: it measures the server, not its limits.
      ...NO_RATE_LIMITS,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk) => {
    errors += chunk;
  });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited (${child.exitCode}): ${errors}`);
    try {
      if ((await fetch(`${base}/healthz`)).status === 200) break;
    } catch {}
    if (performance.now() - started > 30_000) throw new Error(`${script} did not start: ${errors}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const startMs = performance.now() - started;
  const pid = child.pid ?? 0;
  return {
    base,
    process: child,
    startMs,
    rssMB: () => {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return Number(match?.[1] ?? 0) / 1024;
    },
    cpuSeconds: () => cpuSecondsOf(pid),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export const median = (values: number[]) => percentile(values, 50);
