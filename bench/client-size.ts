import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { root } from './processes.js';

export interface ClientSize {
  files: string[];
  /** What the server sends a browser that accepts gzip: the precompressed .gz files. */
  gzipBytes: number;
  /** The same files compressed by zlib at its best level, for comparison. */
  zlibBytes: number;
  brotliBytes: number;
  rawBytes: number;
}

/** The JavaScript and CSS that index.html loads before the page can be used. */
export function initialLoad(): ClientSize {
  const dist = join(root, 'client/dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<script[^>]+src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="(?:stylesheet|modulepreload)"[^>]*href="([^"]+)"/g),
  ].map((match) => match[1] ?? '');
  const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);
  const result: ClientSize = { files, gzipBytes: 0, zlibBytes: 0, brotliBytes: 0, rawBytes: 0 };
  for (const file of files) {
    const path = join(dist, file);
    const raw = readFileSync(path);
    result.rawBytes += raw.length;
    result.zlibBytes += gzipSync(raw, { level: 9 }).length;
    result.gzipBytes += size(`${path}.gz`) || gzipSync(raw, { level: 9 }).length;
    result.brotliBytes += size(`${path}.br`);
  }
  return result;
}
