import { Cluster, Redis, type RedisOptions } from 'ioredis';
import * as z from 'zod/mini';
import type { FeedLogger } from './polling-feed.js';

export type MessageHandler = (message: string) => void;

export interface RedisBusOptions {
  /** redis://, or rediss:// for TLS (ElastiCache with in-transit encryption). */
  url: string;
  /**
   * The server runs in cluster mode (ElastiCache Serverless always does; node-based caches when
   * cluster mode is enabled): connect with a cluster client that follows MOVED redirections.
   */
  cluster?: boolean;
  logger?: FeedLogger | undefined;
  /** How often the subscriber connection is pinged; a connection that stays silent is reopened. */
  pingMs?: number;
  /** How long a command may take before it counts as failed. */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
}

const SUBSCRIBE_CHUNK = 1000;

/**
 * A Redis-compatible pub/sub bus (Redis, Valkey, ElastiCache): one connection that
 * subscribes, one for everything else. Subscriptions are counted per channel, so several
 * parts of the app can listen to one channel. The bus is `up` once both connections are
 * ready and every channel is subscribed again; `down` from the moment either one closes.
 * While down, nothing is queued: `publish` answers false at once and callers catch up.
 */
export class RedisBus {
  /** For commands other than pub/sub (presence keys); don't subscribe on it. */
  readonly commands: Redis | Cluster;
  private readonly subscriber: Redis | Cluster;
  private readonly handlers = new Map<string, Set<MessageHandler>>();
  private readonly stateListeners = new Set<(up: boolean) => void>();
  private isUp = false;
  private closing = false;
  private resubscribing: Promise<void> | null = null;
  private readonly pinger: ReturnType<typeof setInterval>;
  private lastError = '';
  /** The bus being down has been logged; logged again only after it was up. */
  private reportedDown = false;

  constructor(private readonly options: RedisBusOptions) {
    const common: RedisOptions = {
      connectTimeout: options.connectTimeoutMs ?? 2000,
      commandTimeout: options.commandTimeoutMs ?? 2000,
      // Nothing waits for a connection: a caller that can't be served now catches up later.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      // Reconnect for ever, backing off to 2 s.
      retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, 2000),
    };
    const connect = (settings: RedisOptions) =>
      options.cluster ? clusterClient(options.url, settings) : new Redis(options.url, settings);
    this.commands = connect({ ...common, enableAutoPipelining: true, connectionName: 'ttt-commands' });
    this.subscriber = connect({ ...common, autoResubscribe: false, connectionName: 'ttt-subscriber' });
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const handler of this.handlers.get(channel) ?? []) handler(message);
    });
    for (const connection of [this.commands, this.subscriber]) {
      connection.on('ready', () => void this.becomeUp());
      connection.on('close', () => this.becomeDown());
      connection.on('error', (error: Error) => {
        this.lastError = error.message;
        if (!this.isUp && !this.reportedDown && !this.closing) {
          this.reportedDown = true;
          this.options.logger?.warn(
            { redis: redacted(options.url), reason: error.message },
            'live updates: cannot reach the Redis bus; polling until it answers',
          );
        }
      });
    }
    // A connection cut without a reset (a dropped network path) is only noticed by talking.
    this.pinger = setInterval(() => void this.ping(), options.pingMs ?? 5000);
    this.pinger.unref();
  }

  get up(): boolean {
    return this.isUp;
  }

  /** Called with true when the bus comes up (channels subscribed), false when it goes down. */
  onState(listener: (up: boolean) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /**
   * Listens to a channel. Resolves once the subscription is live, or at once when the bus
   * is down (it is subscribed again when the bus comes back up).
   */
  async subscribe(channel: string, handler: MessageHandler): Promise<() => void> {
    let handlers = this.handlers.get(channel);
    const first = !handlers;
    if (!handlers) {
      handlers = new Set();
      this.handlers.set(channel, handlers);
    }
    handlers.add(handler);
    if (first && this.subscriber.status === 'ready') {
      await this.subscriber.subscribe(channel).catch(() => {
        // Not subscribed while the connection looks fine: reconnect, which subscribes everything.
        this.lastError = 'SUBSCRIBE failed';
        this.subscriber.disconnect(true);
      });
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      handlers.delete(handler);
      if (handlers.size > 0 || this.handlers.get(channel) !== handlers) return;
      this.handlers.delete(channel);
      if (this.subscriber.status === 'ready') this.subscriber.unsubscribe(channel).catch(() => {});
    };
  }

  /** Sends one message; false when it could not be sent (the bus is down). */
  async publish(channel: string, message: string): Promise<boolean> {
    if (this.commands.status !== 'ready') return false;
    try {
      await this.commands.publish(channel, message);
      return true;
    } catch {
      return false;
    }
  }

  /** Channels with a listener here. */
  channels(): string[] {
    return [...this.handlers.keys()];
  }

  private async becomeUp() {
    if (this.closing || this.isUp) return;
    if (this.commands.status !== 'ready' || this.subscriber.status !== 'ready') return;
    this.resubscribing ??= this.resubscribe().finally(() => {
      this.resubscribing = null;
    });
    await this.resubscribing;
  }

  private async resubscribe() {
    try {
      const channels = this.channels();
      for (let start = 0; start < channels.length; start += SUBSCRIBE_CHUNK) {
        await this.subscriber.subscribe(...channels.slice(start, start + SUBSCRIBE_CHUNK));
      }
    } catch {
      // The connection failed again; its next 'ready' tries once more.
      return;
    }
    if (this.closing || this.commands.status !== 'ready' || this.subscriber.status !== 'ready') return;
    this.isUp = true;
    this.reportedDown = false;
    this.options.logger?.info({ redis: redacted(this.options.url) }, 'live updates: connected to the Redis bus');
    for (const listener of this.stateListeners) listener(true);
  }

  private becomeDown() {
    if (!this.isUp || this.closing) return;
    this.isUp = false;
    this.reportedDown = true;
    this.options.logger?.warn(
      { reason: this.lastError || 'connection closed' },
      'live updates: lost the Redis bus; polling until it is back',
    );
    for (const listener of this.stateListeners) listener(false);
  }

  private async ping() {
    if (this.subscriber.status !== 'ready') return;
    try {
      await this.subscriber.ping();
    } catch {
      // No answer within the command timeout: drop the connection, and with it reconnect.
      this.lastError = 'no answer to PING';
      this.subscriber.disconnect(true);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.pinger);
    this.isUp = false;
    this.handlers.clear();
    await Promise.all(
      [this.commands, this.subscriber].map(async (connection) => {
        if (connection.status === 'ready') await connection.quit().catch(() => connection.disconnect());
        else connection.disconnect();
      }),
    );
  }
}

/**
 * A cluster-mode client from a URL: the URL's host is the only seed (ElastiCache's
 * configuration endpoint), its credentials and TLS apply to every node, and node addresses
 * are used as announced (AWS's advice for TLS with ElastiCache).
 */
function clusterClient(url: string, settings: RedisOptions): Cluster {
  const parsed = new URL(url);
  const { retryStrategy, enableOfflineQueue: _queue, ...perNode } = settings;
  return new Cluster([{ host: parsed.hostname, port: Number(parsed.port || 6379) }], {
    clusterRetryStrategy: retryStrategy as (attempt: number) => number,
    // The cluster client's own ready check needs its queue; the bus never sends while not ready.
    enableOfflineQueue: true,
    enableAutoPipelining: settings.enableAutoPipelining ?? false,
    dnsLookup: (address, callback) => callback(null, address),
    redisOptions: {
      ...perNode,
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
      ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  });
}

/** A URL for the logs, without its password. */
export function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an unparsable URL';
  }
}

/** A message or stored value from Redis, parsed with its schema (never cast); null when it is not one. */
export function parseJson<T extends z.core.$ZodType>(schema: T, text: string): z.output<T> | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = z.safeParse(schema, json);
  return parsed.success ? parsed.data : null;
}
