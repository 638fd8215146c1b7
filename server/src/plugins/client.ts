import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { GameIdSchema, PlayerNameSchema } from '@ttt/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { NotFoundError, UnavailableError } from '../errors.js';

export interface ClientOptions {
  /** Folder of the built client: index.html plus hashed files under assets/. */
  root: string;
}

/** API and machine paths never fall back to the page. */
const NOT_PAGES = /^\/(api|healthz|readyz|move|reset|state)(\/|$|\?)/;

/**
 * The client's own pages (client/src/App.tsx): the local game, online play, a game by its id,
 * the leaderboard and a player's profile by name (an unknown name is the page's to say).
 */
export function isClientPage(path: string): boolean {
  if (path === '/' || path === '/online' || path === '/players') return true;
  const game = /^\/games\/([^/]+)$/.exec(path);
  if (game) return GameIdSchema.safeParse(game[1]).success;
  const player = /^\/players\/([^/]+)$/.exec(path);
  return player !== null && PlayerNameSchema.safeParse(player[1]).success;
}

/**
 * Serves the built client. Hashed assets are cached for a year; index.html is revalidated
 * on every load so a deploy is picked up at once. The client's own routes get index.html so
 * they survive a reload; any other path is a 404: a browser gets the page, which shows its
 * "not found" view with the navigation, and anything else the JSON error.
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
    const path = request.url.split('?')[0] ?? '/';
    const page = isClientPage(path);
    if (!wantsPage || (!page && !request.headers.accept?.includes('text/html'))) {
      throw new NotFoundError('not-found', `No such endpoint: ${request.method} ${path}`);
    }
    if (!built) throw new UnavailableError('client/not-built', 'The web client is not built; run `npm run build`');
    reply.header('cache-control', 'no-cache');
    if (!page) reply.code(404);
    return reply.sendFile('index.html');
  });
}

export default fp(clientPlugin, { name: 'client' });
