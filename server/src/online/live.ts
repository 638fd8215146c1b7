import type { HitCounter } from '../storage/hit-counter.js';
import { RedisHitCounter } from '../storage/redis-hit-counter.js';
import type { Store } from '../storage/types.js';
import { BusChangeFeed } from './bus-feed.js';
import { type ChangeFeed, LocalChangeFeed } from './change-feed.js';
import { type FeedLogger, PollingChangeFeed } from './polling-feed.js';
import { Presence, type PresenceOptions } from './presence.js';
import { RedisBus } from './redis-bus.js';
import { RedisPresenceExchange } from './redis-presence.js';
import { busRevocations, type RevocationChannel } from './sessions.js';
import { StorePresenceExchange } from './store-presence.js';

/** Everything live: game changes to the pages that show them, and who is on those pages. */
export interface Live {
  feed: ChangeFeed;
  presence: Presence;
  /** Which way changes travel between instances, for logs and /healthz-style checks. */
  readonly kind: 'local' | 'polling' | 'bus';
  /** Rate-limit counters on the bus (issue 12); without one, they are the store's. */
  hits?: HitCounter;
  /** Sign-outs told to the other instances at once (the bus); without it they notice within SESSION_CHECK_MS. */
  sessionRevocations?: RevocationChannel;
  close(): Promise<void>;
}

/** One instance: changes and presence from this process alone. */
export function localLive(options: PresenceOptions = {}): Live {
  const feed = new LocalChangeFeed();
  const presence = new Presence(undefined, options);
  return {
    feed,
    presence,
    kind: 'local',
    close: async () => {
      await presence.close();
      await feed.close();
    },
  };
}

export interface LiveSettings {
  /** A Redis-compatible server for the bus; without it, shared storage is polled. */
  redisUrl?: string | undefined;
  /** It runs in cluster mode. */
  redisCluster?: boolean;
  /** How often the store is polled (always without a bus; while the bus is down with one). */
  pollMs: number;
  presence?: PresenceOptions;
  logger?: FeedLogger | undefined;
}

/**
 * The live layer the deployment calls for: in-process for the memory store (one instance),
 * the Redis bus when REDIS_URL is set, otherwise polling the shared store.
 */
export function createLive(store: Store, settings: LiveSettings): Live {
  const { logger } = settings;
  if (store.kind === 'memory') {
    if (settings.redisUrl) {
      logger?.warn({}, 'REDIS_URL is ignored with in-memory storage: it serves one instance, which needs no bus');
    }
    return localLive({ ...settings.presence, logger });
  }
  if (settings.redisUrl) {
    const bus = new RedisBus({ url: settings.redisUrl, cluster: settings.redisCluster ?? false, logger });
    const feed = new BusChangeFeed(bus, store, { pollMs: settings.pollMs, logger });
    const presence = new Presence(new RedisPresenceExchange(bus), { ...settings.presence, logger });
    return {
      feed,
      presence,
      kind: 'bus',
      hits: new RedisHitCounter(bus, store),
      sessionRevocations: busRevocations(bus),
      close: async () => {
        await presence.close();
        await feed.close();
        await bus.close();
      },
    };
  }
  const feed = new PollingChangeFeed(store, { intervalMs: settings.pollMs, logger });
  const presence = new Presence(new StorePresenceExchange(store), {
    refreshMs: settings.pollMs,
    ...settings.presence,
    logger,
  });
  return {
    feed,
    presence,
    kind: 'polling',
    close: async () => {
      await presence.close();
      await feed.close();
    },
  };
}
