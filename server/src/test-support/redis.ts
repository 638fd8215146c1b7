import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { REDIS_MISSING, redisServerBinary } from '../../../scripts/redis.mjs';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A Redis-compatible server of the test's own on a free loopback port, in memory only.
 * `kill` ends it abruptly (like a crash); `start` brings it back on the same port, empty.
 */
export class TestRedis {
  private process: ChildProcess | null = null;
  private constructor(
    private readonly binary: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<TestRedis> {
    const binary = redisServerBinary();
    if (!binary) throw new Error(REDIS_MISSING);
    const redis = new TestRedis(binary, await freePort());
    await redis.start();
    return redis;
  }

  async start(): Promise<void> {
    if (this.process) return;
    const child = spawn(
      this.binary,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'no',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.process = child;
    let errors = '';
    child.stderr?.on('data', (chunk) => {
      errors += chunk;
    });
    for (let attempt = 0; attempt < 500; attempt++) {
      if (child.exitCode !== null) throw new Error(`${this.binary} exited (${child.exitCode}): ${errors}`);
      if (await accepting(this.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`${this.binary} did not accept connections on port ${this.port}: ${errors}`);
  }

  /** Ends the server at once, as a crash would: SIGKILL, no goodbye to clients. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }

  async stop(): Promise<void> {
    await this.kill();
  }
}
