import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { REDIS_MISSING, redisServerBinary } from '../../../scripts/redis.mjs';
import { freePort } from './ports.js';

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10000 > 65535) continue;
    const bus = createServer();
    const free = await new Promise<boolean>((resolve) => {
      bus.once('error', () => resolve(false));
      bus.listen(port + 10000, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => bus.close(resolve));
      return port;
    }
  }
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
  /** In cluster mode: its folder, where the node keeps its slots across a restart. */
  private readonly clusterDir: string | null;
  private constructor(
    private readonly binary: string,
    readonly port: number,
    readonly cluster: boolean,
  ) {
    this.clusterDir = cluster ? mkdtempSync(join(tmpdir(), 'ttt-redis-cluster-')) : null;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /**
   * `cluster`: a one-node Redis Cluster holding every slot, as ElastiCache Serverless presents
   * itself; it refuses commands that span slots, as a real cluster does.
   */
  static async start(options: { cluster?: boolean } = {}): Promise<TestRedis> {
    const binary = redisServerBinary();
    if (!binary) throw new Error(REDIS_MISSING);
    const cluster = options.cluster ?? false;
    const redis = new TestRedis(binary, cluster ? await freeClusterPort() : await freePort(), cluster);
    await redis.start();
    return redis;
  }

  async start(): Promise<void> {
    if (this.process) return;
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    args.push('--protected-mode', 'no');
    // A lone node does not know its own address until told; CLUSTER SLOTS must name it.
    if (this.clusterDir)
      args.push('--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1', '--dir', this.clusterDir);
    const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    let errors = '';
    // Redis logs to stdout: keep the last of it, to say why it would not start.
    for (const output of [child.stdout, child.stderr]) {
      output?.on('data', (chunk) => {
        errors = `${errors}${chunk}`.slice(-2000);
      });
    }
    for (let attempt = 0; attempt < 500; attempt++) {
      if (child.exitCode !== null) throw new Error(`${this.binary} exited (${child.exitCode}): ${errors}`);
      if (await accepting(this.port)) {
        if (this.clusterDir) await this.claimAllSlots();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`${this.binary} did not accept connections on port ${this.port}: ${errors}`);
  }

  /** A fresh cluster node owns no slots: give it all of them, then wait until the cluster is ok. */
  private async claimAllSlots() {
    const admin = new Redis(this.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await admin.connect();
      const info = String(await admin.call('CLUSTER', 'INFO'));
      if (!/cluster_slots_assigned:16384/.test(info)) await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      for (let attempt = 0; attempt < 500; attempt++) {
        if (/cluster_state:ok/.test(String(await admin.call('CLUSTER', 'INFO')))) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`the one-node cluster on port ${this.port} did not become ok`);
    } finally {
      admin.disconnect();
    }
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
