import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { NotFoundError, UnavailableError } from '../errors.js';

export interface ClientOptions {
  /** Folder of the built client: index.html plus hashed files under assets/. */
  root: string;
}

/** API and machine paths never fall back to the page. */
const NOT_PAGES = /^\/(api|healthz|move|reset|state)(\/|$|\?)/;

/**
 * Serves the built client. Hashed assets are cached for a year; index.html is revalidated
 * on every load so a deploy is picked up at once. Unknown GET paths get index.html so the
 * client's own routes (e.g. /online, /games/abc) survive a reload.
 */
async function clientPlugin(app: FastifyInstance, options: ClientOptions) {
  const index = join(options.root, 'index.html');
  const built = existsSync(index);
  if (built) {
    await app.register(fastifyStatic, {
      root: options.root,
      wildcard: false,
      preCompressed: true,
      index: false,
      setHeaders(reply, path) {
        reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  } else {
    app.log.warn({ clientDir: options.root }, 'the client is not built: run `npm run build`; only the API is served');
  }

  app.setNotFoundHandler((request, reply) => {
    const wantsPage = (request.method === 'GET' || request.method === 'HEAD') && !NOT_PAGES.test(request.url);
    if (!wantsPage) {
      throw new NotFoundError('not-found', `No such endpoint: ${request.method} ${request.url.split('?')[0]}`);
    }
    if (!built) throw new UnavailableError('client/not-built', 'The web client is not built; run `npm run build`');
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html');
  });
}

export default fp(clientPlugin, { name: 'client' });
