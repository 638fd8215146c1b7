#!/usr/bin/env node
// Makes sure the bus tests can start a Redis-compatible server: the system's, else Debian's
// package (as root); otherwise stops and says what to install. Nothing is started here.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { REDIS_MISSING, redisServerBinary } from './redis.mjs';

const log = (message) => console.log(`[ensure-redis] ${message}`);

const found = redisServerBinary();
if (found) {
  log(`using ${found}`);
  process.exit(0);
}

const run = (command, args) => {
  log(`running: ${command} ${args.join(' ')}`);
  return (
    spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
      .status === 0
  );
};

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && existsSync('/etc/debian_version')) {
  // The package's service is never started here (no init system); the tests start their own.
  if (
    run('apt-get', ['update', '-qq']) &&
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'redis-server'])
  ) {
    const installed = redisServerBinary();
    if (installed) {
      log(`installed ${installed}`);
      process.exit(0);
    }
  }
}

console.error(REDIS_MISSING);
process.exit(1);
