import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Redis-compatible servers the tests can start, in order of preference. */
const NAMES = ['redis-server', 'valkey-server'];

/** The server binary for the bus tests: $REDIS_SERVER, else redis-server or valkey-server on the PATH. */
export function redisServerBinary() {
  if (process.env.REDIS_SERVER) return existsSync(process.env.REDIS_SERVER) ? process.env.REDIS_SERVER : null;
  const folders = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin', '/opt/homebrew/bin'];
  for (const name of NAMES) {
    for (const folder of folders) {
      if (!folder) continue;
      const path = join(folder, name);
      if (existsSync(path)) return path;
    }
  }
  return null;
}

export const REDIS_MISSING = `
No Redis-compatible server found for the live-update bus tests.
Install one of:
  - Debian/Ubuntu:  sudo apt-get install redis-server   (or valkey-server)
  - macOS:          brew install redis                   (or valkey)
  - or point REDIS_SERVER at an existing redis-server or valkey-server binary.
The tests start and stop their own server on a free loopback port; nothing needs to be running.
`;
