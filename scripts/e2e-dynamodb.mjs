#!/usr/bin/env node
// For the e2e "dynamodb" project: an in-memory DynamoDB (dynalite), a Redis-compatible bus
// (the system's redis-server or valkey-server) and two app instances sharing both, on
// E2E_DDB_PORT_A and E2E_DDB_PORT_B. Polling is slowed to a minute, so live updates between
// the instances pass only if the bus carries them. B starts first, so once A answers
// /healthz (what Playwright waits for) both are up.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import dynalite from 'dynalite';
import { REDIS_MISSING, redisServerBinary } from './redis.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const ports = [process.env.E2E_DDB_PORT_B, process.env.E2E_DDB_PORT_A];
if (ports.some((port) => !port)) {
  console.error('set E2E_DDB_PORT_A and E2E_DDB_PORT_B');
  process.exit(2);
}

const database = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
database.listen(0, '127.0.0.1');
await once(database, 'listening');
const endpoint = `http://127.0.0.1:${database.address().port}`;

const redisBinary = redisServerBinary();
if (!redisBinary) {
  console.error(REDIS_MISSING);
  process.exit(2);
}
const redisPort = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const redis = spawn(
  redisBinary,
  ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);

const children = [];
const stop = (code) => {
  for (const child of children) child.kill('SIGTERM');
  redis.kill('SIGTERM');
  database.close();
  process.exit(code);
};
redis.on('exit', (code) => {
  console.error(`redis-server exited (${code})`);
  stop(1);
});
const accepting = () =>
  new Promise((resolve) => {
    const socket = connect(redisPort, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
for (let i = 0; i < 500 && !(await accepting()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));

async function healthy(port) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server on port ${port} did not start`);
}

for (const port of ports) {
  const child = spawn(process.execPath, ['server/dist/main.js'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: port,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      STORAGE: 'dynamodb',
      DYNAMODB_ENDPOINT: endpoint,
      AWS_REGION: 'us-east-1',
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      LIVE_POLL_MS: '60000',
      PRESENCE_GRACE_MS: '500',
      ABANDON_AFTER_MS: '1500',
      SESSION_SECRET: 'e2e-session-secret-of-at-least-32-characters',
    },
  });
  child.on('exit', (code) => {
    console.error(`the server on port ${port} exited (${code})`);
    stop(1);
  });
  children.push(child);
  await healthy(port);
}
