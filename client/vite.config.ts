import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';
import { gzipAsync } from '@gfx/zopfli';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const serverPort = Number(process.env.API_PORT ?? 5001);
const apiPaths = ['/api', '/move', '/reset', '/state', '/healthz'];

/**
 * Writes .br and .gz beside each text asset so the server sends them as they are. The .gz
 * is zopfli's: still plain gzip, ~3 % smaller than zlib's best, paid once at build time.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const path = join(dir, name);
          return statSync(path).isDirectory() ? walk(path) : [path];
        });
      for (const file of walk(outDir)) {
        if (!/\.(js|css|html|svg|json)$/.test(file)) continue;
        const content = readFileSync(file);
        if (content.length < 1024) continue;
        writeFileSync(`${file}.gz`, await gzipAsync(content, { numiterations: 15 }));
        writeFileSync(`${file}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), tailwindcss(), precompress()],
  resolve: {
    // The client compiles the shared rules from source; no build step needed for them.
    alias: { '@ttt/shared': fileURLToPath(new URL('../shared/src/index.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Tailwind 4's own floor; older targets only add colour fallbacks nobody needs.
    target: ['chrome111', 'edge111', 'firefox128', 'safari16.4'],
    cssTarget: ['chrome111', 'edge111', 'firefox128', 'safari16.4'],
    sourcemap: false,
    // The lazy online chunk needs nothing preloaded; this drops Vite's preload helper from the first load.
    modulePreload: false,
  },
  server: {
    port: Number(process.env.PORT ?? 5000),
    strictPort: true,
    proxy: Object.fromEntries(apiPaths.map((path) => [path, { target: `http://127.0.0.1:${serverPort}` }])),
  },
});
