#!/usr/bin/env node
// `npm start`: brings the build up to date (tsc -b is incremental; the client is rebuilt
// only when missing or older than its sources), then serves the game.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { clientIsStale, root } from './build-state.mjs';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const step = (what, args) => {
  console.log(`[start] ${what}…`);
  const result = spawnSync(npx, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

if (existsSync(join(root, 'node_modules/typescript'))) {
  step('compiling the server', ['tsc', '-b', 'shared', 'server']);
  if (clientIsStale()) step('building the web client', ['vite', 'build', '--config', 'client/vite.config.ts']);
} else if (!existsSync(join(root, 'server/dist/main.js'))) {
  console.error('[start] server/dist is missing and TypeScript is not installed: run `npm install` first.');
  process.exit(1);
}

const server = spawn(process.execPath, [join(root, 'server/dist/main.js')], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
