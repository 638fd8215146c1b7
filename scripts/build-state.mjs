import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

/** True when the built client is missing or older than anything it is built from. */
export function clientIsStale() {
  const built = join(root, 'client/dist/index.html');
  if (!existsSync(built)) return true;
  const sources = ['shared/src', 'client/src', 'client/public', 'client/index.html', 'client/vite.config.ts'];
  return Math.max(...sources.map((source) => newest(join(root, source)))) > statSync(built).mtimeMs;
}
