import { fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { cpuSecondsOf, root } from './processes.js';

/**
 * dynalite (an in-memory DynamoDB) in a child process of its own, so neither its CPU nor the
 * load generator's is the server's. It counts the requests it answers, by operation.
 */
export async function startDatabase() {
  const child = fork(join(root, 'bench/dynalite-server.mjs'), [], { stdio: ['pipe', 'pipe', 'inherit', 'ipc'] });
  const [chunk] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  const pid = child.pid ?? 0;
  return {
    endpoint: `http://127.0.0.1:${Number(chunk.toString().trim())}`,
    cpuSeconds: () => cpuSecondsOf(pid),
    /** Requests answered since the start or the last reset, by operation (GetItem, Query …). */
    counts: async (): Promise<Record<string, number>> => {
      child.send('counts');
      for (;;) {
        const [message] = (await once(child, 'message')) as [{ type: string; counts: Record<string, number> }];
        if (message.type === 'counts') return message.counts;
      }
    },
    /** Starts counting again; done once a later `counts()` answers. */
    reset: () => child.send('reset'),
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** The environment that runs the production server on that database (and on a bus, given one). */
export const dynamodbEnv = (endpoint: string, options: { table?: string; redisUrl?: string | undefined } = {}) => ({
  STORAGE: 'dynamodb',
  DYNAMODB_ENDPOINT: endpoint,
  AWS_REGION: 'us-east-1',
  DYNAMODB_TABLE: options.table ?? 'BenchGames',
  ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
});
