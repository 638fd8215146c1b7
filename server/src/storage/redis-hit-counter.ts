import type { Cluster, Redis } from 'ioredis';
import type { HitCounter } from './hit-counter.js';

/** What the counter needs of the Redis bus (online/redis-bus.ts): its command connection, and whether it is up. */
export interface RedisConnection {
  readonly commands: Redis | Cluster;
  readonly up: boolean;
}

/** One key per limit key and window; the whole key is one hash slot, so cluster mode is fine. */
const redisKey = (key: string, windowStart: number) => `ttt:rate:${key}#${windowStart}`;

/**
 * Counters on the Redis-compatible bus, when there is one: INCRBY and PEXPIRE in one MULTI,
 * so the count and its expiry are set together. The expiry is relative (a window's length
 * from the last hit), so Redis's clock and the app's need not agree; the key names its
 * window, so living past it changes no count. While the bus is down, or a command fails,
 * counts go to `fallback` (the store) instead: the limits keep holding across instances, only
 * split between two counts for the windows the outage overlaps.
 */
export class RedisHitCounter implements HitCounter {
  constructor(
    private readonly redis: RedisConnection,
    private readonly fallback: HitCounter,
  ) {}

  async countHits(key: string, windowStart: number, expiresAt: number, add = 1): Promise<number> {
    if (!this.redis.up) return this.fallback.countHits(key, windowStart, expiresAt, add);
    const id = redisKey(key, windowStart);
    try {
      if (add === 0) return Number((await this.redis.commands.get(id)) ?? 0);
      const lifeMs = Math.max(1000, expiresAt * 1000 - windowStart);
      const answers = await this.redis.commands.multi().incrby(id, add).pexpire(id, lifeMs).exec();
      const [error, count] = answers?.[0] ?? [new Error('MULTI was discarded'), null];
      if (error) throw error;
      return Number(count);
    } catch {
      return this.fallback.countHits(key, windowStart, expiresAt, add);
    }
  }
}
