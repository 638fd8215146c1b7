#!/usr/bin/env node
// For the e2e "dynamodb" project: an in-memory DynamoDB (dynalite) and two app instances
// sharing it, on E2E_DDB_PORT_A and E2E_DDB_PORT_B. B starts first, so once A answers
// /healthz (what Playwright waits for) both are up.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import dynalite from 'dynalite';

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

const children = [];
const stop = (code) => {
  for (const child of children) child.kill('SIGTERM');
  database.close();
  process.exit(code);
};
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
      LIVE_POLL_MS: '500',
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
