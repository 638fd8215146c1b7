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
import {
  AppError,
  clientErrorHandler,
  frameworkErrorHandler,
  registerErrorHandler,
  UnavailableError,
} from './errors.js';
import { requestId } from './logger.js';
import type { Metrics } from './metrics.js';
import { Accounts, type AccountsOptions } from './online/accounts.js';
import { Games } from './online/games.js';
import { type Live, localLive } from './online/live.js';
import { Pairings } from './online/pairings.js';
import { Sessions } from './online/sessions.js';
import type { ConnectionCaps } from './open-files.js';
import client from './plugins/client.js';
import live from './plugins/live.js';
import rateLimits from './plugins/rate-limit.js';
import security, { API_HEADERS } from './plugins/security.js';
import session from './plugins/session.js';
import classicRoutes from './routes/classic.js';
import gameRoutes from './routes/games.js';
import healthRoutes from './routes/health.js';
import lobbyRoutes from './routes/lobby.js';
import pairingRoutes from './routes/pairing.js';
import playerRoutes from './routes/players.js';
import sessionRoutes from './routes/session.js';
import { serializerCompiler } from './serializer.js';
import type { HitCounter } from './storage/hit-counter.js';
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
  /** Password cost and sign-in throttling; production's unless given (tests pass a cheap cost). */
  accounts?: AccountsOptions;
  /** How long /readyz reuses its storage check (ms); 1 s unless given. */
  readyCacheMs?: number;
  /**
   * Where the limits that protect accounts count (config.rateLimits says which and how many):
   * the live layer's Redis when it has one, otherwise the store.
   */
  hits?: HitCounter;
  /** Counters written as CloudWatch metrics (METRICS=emf); none unless given. Closed by its owner. */
  metrics?: Metrics;
}

function isLogger(value: unknown): value is FastifyBaseLogger {
  return typeof value === 'object' && value !== null && typeof (value as FastifyBaseLogger).child === 'function';
}

/** A content type with no charset, or charset utf-8 (any case, quoted or not). */
export function isUtf8(contentType: string | undefined): boolean {
  const charset = /;\s*charset\s*=\s*("?)([^";\s]*)\1/i.exec(contentType ?? '');
  return charset === null || /^utf-?8$/i.test(charset[2] ?? '');
}

/**
 * Fastify's own number form trusts nothing any more (it cannot check the nearest peer), so a
 * hop count is this function: X-Forwarded-For is read back `hops` entries from the peer, and
 * whatever a client wrote before those is ignored. The server must then be reachable only
 * through its proxies (docs/security.md); a list of their addresses checks that as well.
 */
export function trustedProxies(
  setting: Config['trustProxy'],
): boolean | string | ((address: string, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting;
  return (_address, hop) => hop < setting;
}

/** Small bodies only: the largest request is a sign-in form. */
const BODY_LIMIT = 8 * 1024;

/** Builds the whole app, ready for `inject` or `listen`; never listens itself. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  const store = options.store ?? new MemoryStore({ now });
  const liveUpdates = options.live ?? localLive({ leaveGraceMs: config.presenceGraceMs });

  const logger = options.logger ?? false;
  const app = Fastify({
    ...(isLogger(logger) ? { loggerInstance: logger } : { logger }),
    bodyLimit: BODY_LIMIT,
    trustProxy: trustedProxies(config.trustProxy),
    // Let in-flight requests finish on close, but don't wait for idle keep-alive sockets.
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
    // One line per request, written when it completes (below), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // The ALB's X-Amzn-Trace-Id, when it has the right shape, ties our log lines to its own.
    requestIdHeader: false,
    genReqId: requestId,
    // Errors Fastify and Node answer before any hook runs get the one error shape too.
    frameworkErrors: frameworkErrorHandler(API_HEADERS),
    clientErrorHandler: clientErrorHandler(API_HEADERS),
    // Requests arriving while the server stops are answered below, in the one error shape.
    return503OnClosing: false,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);

  // While stopping (SIGTERM), a request on a connection still open is told to go elsewhere.
  let stopping = false;
  app.addHook('preClose', async () => {
    stopping = true;
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!stopping) return done();
    reply.header('connection', 'close');
    done(new UnavailableError('server/stopping', 'This server is stopping; please try again', 1));
  });

  // JSON only: no text/plain bodies (which cross-site forms can send). A POST with a JSON
  // content type but no body (`fetch('/reset', {method: 'POST', headers})`) means "no options".
  const defaultJsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // The body is read as UTF-8: a body that says it is something else is refused, not misread.
    if (!isUtf8(request.headers['content-type'])) {
      return done(new AppError(415, 'request/unsupported-charset', 'Send the body as JSON in UTF-8'), undefined);
    }
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
  const metrics = options.metrics;
  app.addHook('onResponse', (request, reply, done) => {
    metrics?.response(reply.statusCode);
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
  const accounts = new Accounts(store, now, options.accounts);
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
  await app.register(rateLimits, {
    limits: config.rateLimits,
    shared: options.hits ?? liveUpdates.hits ?? store,
    store,
    now,
  });
  await app.register(live, {
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.limits ? { maxStreams: options.limits.maxStreams } : {}),
    maxStreamsPerAddress: config.rateLimits.streamsPerAddress,
  });
  if (options.limits) app.server.maxConnections = options.limits.maxConnections;
  metrics?.countLiveStreams(() => app.liveStreams.open);

  const games = new Games(store, liveUpdates.feed, now, {
    log: app.log,
    invitationTtlMs: config.invitationTtlMs,
    abandonAfterMs: config.abandonAfterMs,
    attendance: (id) => liveUpdates.presence.current(id),
    ...(metrics ? { metrics } : {}),
  });
  await app.register(healthRoutes, {
    store,
    now,
    ...(options.readyCacheMs !== undefined ? { readyCacheMs: options.readyCacheMs } : {}),
  });
  await app.register(classicRoutes, { random: options.random ?? Math.random, ...(metrics ? { metrics } : {}) });
  await app.register(sessionRoutes, { accounts, sessions });
  await app.register(gameRoutes, { games, live: liveUpdates });
  await app.register(lobbyRoutes, { games, feed: liveUpdates.feed });
  await app.register(playerRoutes, { games, store });
  await app.register(pairingRoutes, { pairings: new Pairings(store, games, now) });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(client, { root: config.clientDir });

  await app.ready();
  return app;
}
