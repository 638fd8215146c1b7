import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger, readyUrl } from './logger.js';
import { Metrics } from './metrics.js';
import { createLive } from './online/live.js';
import { redacted } from './online/redis-bus.js';
import { connectionCaps, readOpenFilesLimit } from './open-files.js';
import { createStore } from './storage/index.js';
import type { Store } from './storage/types.js';

/** The process: read config once, build, listen, and stop cleanly on SIGTERM/SIGINT. */
async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, { terminal: process.stdout.isTTY === true });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  // The SDK warns about Node 20 on every start; the app supports it (see docs/dynamodb.md).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { log, flush } = await createLogger(config);
  // Every way out (process.exit, an uncaught error) writes what is still gathered first.
  process.on('exit', flush);
  // One EMF line a minute on stdout, beside the log lines, for CloudWatch to turn into metrics.
  const metrics =
    config.metrics.kind === 'emf'
      ? new Metrics({ service: config.metrics.service, write: (line) => process.stdout.write(line) })
      : undefined;
  let store: Store;
  try {
    store = await createStore(config, log, metrics);
  } catch (error) {
    log.fatal({ err: error }, `storage: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  // Shared storage may be written by other instances: hear of it on the bus, or by polling.
  const live = createLive(store, {
    redisUrl: config.redisUrl,
    redisCluster: config.redisCluster,
    pollMs: config.livePollMs,
    presence: { leaveGraceMs: config.presenceGraceMs },
    logger: log,
  });
  if (live.kind !== 'local') {
    log.info(
      { live: live.kind, ...(config.redisUrl ? { redis: redacted(config.redisUrl) } : {}) },
      live.kind === 'bus'
        ? 'live updates across instances: the Redis bus (polling while it is unreachable)'
        : `live updates across instances: polling DynamoDB every ${config.livePollMs} ms (set REDIS_URL for a bus)`,
    );
  }

  // Streams and connections stay below the descriptors this process may open.
  const openFiles = readOpenFilesLimit();
  const caps = connectionCaps(openFiles.limit);
  const limits = { ...caps, maxStreams: config.maxStreams ?? caps.maxStreams };
  log.info(
    { openFilesLimit: openFiles.limit, maxStreams: limits.maxStreams, maxConnections: limits.maxConnections },
    openFiles.source === 'proc'
      ? 'connection limits'
      : `connection limits: the open-files limit could not be read; assuming ${openFiles.limit}`,
  );
  if (limits.maxStreams > caps.maxStreams) {
    log.warn(
      `MAX_STREAMS=${limits.maxStreams} is above ${caps.maxStreams}, what an open-files limit of ${openFiles.limit} leaves room for: requests may be dropped when streams use up the descriptors`,
    );
  }

  const app = await buildApp({ config, store, live, logger: log, limits, ...(metrics ? { metrics } : {}) });
  // Beyond maxConnections Node drops new connections; say so, without a line per connection.
  let dropped = 0;
  app.server.on('drop', () => {
    if (dropped++ % 1000 === 0) {
      app.log.warn({ dropped, maxConnections: limits.maxConnections }, 'connections dropped: too many open at once');
    }
  });

  let closing = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'stopping: finishing in-flight requests');
    const timer = setTimeout(() => {
      app.log.error('graceful stop took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    timer.unref();
    try {
      await app.close();
      // What was counted since the last minute's line, including the requests just finished.
      metrics?.close();
      app.log.info('stopped');
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'error while stopping');
      process.exit(1);
    }
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    app.log.fatal({ err: error }, `could not listen on ${config.host}:${config.port}`);
    process.exit(1);
  }
  // One line a newcomer sees: a plain one at a terminal, a JSON line like the others otherwise.
  const url = readyUrl(config.host, config.port);
  if (config.logFormat === 'pretty') process.stdout.write(`\nTic-tac-toe is ready: ${url}\n\n`);
  else app.log.info({ url }, `Tic-tac-toe is ready: ${url}`);
}

void main();
