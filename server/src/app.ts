import type { Random } from '@ttt/shared';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import type { Config } from './config.js';
import { registerErrorHandler } from './errors.js';
import client from './plugins/client.js';
import security from './plugins/security.js';
import session from './plugins/session.js';
import classicRoutes from './routes/classic.js';
import healthRoutes from './routes/health.js';

z.config(en());

export interface AppOptions {
  config: Config;
  /** Randomness for the computer player; seed it in tests to make games repeatable. */
  random?: Random;
  logger?: FastifyServerOptions['logger'];
}

/** Small bodies only: the largest request is a sign-in form. */
const BODY_LIMIT = 8 * 1024;

/** Builds the whole app, ready for `inject` or `listen`; never listens itself. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy,
    // Let in-flight requests finish on close, but don't wait for idle keep-alive sockets.
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);

  // JSON only: no text/plain bodies (which cross-site forms can send). A POST with a JSON
  // content type but no body (`fetch('/reset', {method: 'POST', headers})`) means "no options".
  const defaultJsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    return defaultJsonParser(request, text, done);
  });

  await app.register(security);
  await app.register(session, { secret: config.sessionSecret, previousSecret: config.sessionSecretPrevious });
  await app.register(healthRoutes);
  await app.register(classicRoutes, { random: options.random ?? Math.random });
  await app.register(client, { root: config.clientDir });

  await app.ready();
  return app;
}
