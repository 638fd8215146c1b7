import swagger from '@fastify/swagger';
import type { Random } from '@ttt/shared';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import type { Config } from './config.js';
import { registerErrorHandler } from './errors.js';
import { Accounts } from './online/accounts.js';
import { Games } from './online/games.js';
import { type Live, localLive } from './online/live.js';
import { Pairings } from './online/pairings.js';
import { Sessions } from './online/sessions.js';
import type { ConnectionCaps } from './open-files.js';
import client from './plugins/client.js';
import live from './plugins/live.js';
import security from './plugins/security.js';
import session from './plugins/session.js';
import classicRoutes from './routes/classic.js';
import gameRoutes from './routes/games.js';
import healthRoutes from './routes/health.js';
import lobbyRoutes from './routes/lobby.js';
import pairingRoutes from './routes/pairing.js';
import sessionRoutes from './routes/session.js';
import { serializerCompiler } from './serializer.js';
import { MemoryStore } from './storage/memory.js';
import { type OperationScope, requestCounter } from './storage/request-counter.js';
import type { Store } from './storage/types.js';

z.config(en());

export interface AppOptions {
  config: Config;
  /** Where players and games live; in memory unless given. Closed with the app. */
  store?: Store;
  /** Game changes and presence, across instances or in-process (the default). Closed with the app. */
  live?: Live;
  /** Randomness for the computer player; seed it in tests to make games repeatable. */
  random?: Random;
  /** The clock for timestamps and sign-in throttling. */
  now?: () => Date;
  /** Logger options, or a ready pino logger to share with the rest of the process. */
  logger?: FastifyServerOptions['logger'] | FastifyBaseLogger;
  /** Heartbeat of live streams (ms). */
  heartbeatMs?: number;
  /** Caps on live streams and connections, below the open-files limit; none unless given. */
  limits?: ConnectionCaps;
}

function isLogger(value: unknown): value is FastifyBaseLogger {
  return typeof value === 'object' && value !== null && typeof (value as FastifyBaseLogger).child === 'function';
}

/** Small bodies only: the largest request is a sign-in form. */
const BODY_LIMIT = 8 * 1024;

/** Builds the whole app, ready for `inject` or `listen`; never listens itself. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const store = options.store ?? new MemoryStore();
  const liveUpdates = options.live ?? localLive({ leaveGraceMs: config.presenceGraceMs });
  const now = options.now ?? (() => new Date());

  const logger = options.logger ?? false;
  const app = Fastify({
    ...(isLogger(logger) ? { loggerInstance: logger } : { logger }),
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy,
    // Let in-flight requests finish on close, but don't wait for idle keep-alive sockets.
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
    // One line per request, written when it completes (below), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
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

  // With DynamoDB and debug logging, each API request is labelled so the database requests it
  // causes are counted against it and logged with it. Only then: the AsyncLocalStorage behind
  // the label puts a hook on every promise of the process (3 % of the CPU per move on Node 20).
  const scopes = new WeakMap<FastifyRequest, OperationScope>();
  if (store.kind === 'dynamodb' && (app.log.level === 'debug' || app.log.level === 'trace')) {
    app.addHook('onRequest', (request, _reply, done) => {
      requestCounter.run(`${request.method} ${request.routeOptions.url ?? 'unknown'}`, () => {
        const scope = requestCounter.current();
        if (scope) scopes.set(request, scope);
        done();
      });
    });
  }
  // A line per request for machines (info); at a terminal only when LOG_LEVEL=debug asks.
  const requestLevel = config.logRequests ? 'info' : 'debug';
  app.addHook('onResponse', (request, reply, done) => {
    const counts = scopes.get(request)?.counts;
    request.log[requestLevel](
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ...(counts && Object.keys(counts).length > 0 ? { dynamodb: counts } : {}),
      },
      'request',
    );
    done();
  });

  app.addHook('onClose', async () => {
    await liveUpdates.close();
    await store.close();
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Tic-tac-toe',
        version: '1.0.0',
        description: 'The classic /move API and online play under /api.',
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(security);
  const accounts = new Accounts(store, now);
  const sessions = new Sessions(store, now, {
    checkMs: config.sessionCheckMs,
    channel: liveUpdates.sessionRevocations,
    logger: app.log,
  });
  await app.register(session, {
    secret: config.sessionSecret,
    previousSecret: config.sessionSecretPrevious,
    sessions,
    playerExists: (id) => accounts.exists(id),
  });
  await app.register(live, {
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.limits ? { maxStreams: options.limits.maxStreams } : {}),
  });
  if (options.limits) app.server.maxConnections = options.limits.maxConnections;

  const games = new Games(store, liveUpdates.feed, now, {
    log: app.log,
    invitationTtlMs: config.invitationTtlMs,
    abandonAfterMs: config.abandonAfterMs,
    attendance: (id) => liveUpdates.presence.current(id),
  });
  await app.register(healthRoutes);
  await app.register(classicRoutes, { random: options.random ?? Math.random });
  await app.register(sessionRoutes, { accounts, sessions });
  await app.register(gameRoutes, { games, live: liveUpdates });
  await app.register(lobbyRoutes, { games, feed: liveUpdates.feed, accounts });
  await app.register(pairingRoutes, { pairings: new Pairings(store, games, now) });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(client, { root: config.clientDir });

  await app.ready();
  return app;
}
