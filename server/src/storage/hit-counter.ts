/**
 * Counters for rate limits: hits on a key within a fixed window of time. The limits that protect
 * accounts count in the store (or on Redis), so every instance sees the same count; the general
 * request limit counts in each instance's memory. Windows are fixed, aligned to the epoch: a
 * client can at most send a limit's worth at the end of one window and again at the start of
 * the next.
 */
export interface HitCounter {
  /**
   * Adds `add` hits (1 unless given; 0 only reads; negative gives back) to `key`'s count in the
   * window that starts at `windowStart` (epoch milliseconds), and returns the count after it.
   * Atomic: hits at once, from any instance, are all counted. The count may be forgotten after
   * `expiresAt` (epoch seconds, as DynamoDB's TTL attribute takes it).
   */
  countHits(key: string, windowStart: number, expiresAt: number, add?: number): Promise<number>;
}

/** The window a time falls in, and when that window's count may be forgotten (epoch seconds). */
export function windowOf(now: number, windowMs: number): { start: number; end: number; expiresAt: number } {
  const start = now - (now % windowMs);
  const end = start + windowMs;
  return { start, end, expiresAt: Math.ceil(end / 1000) };
}

/** Entries swept once the map holds this many more than after the last sweep. */
const SWEEP_GROWTH = 1024;

/** Counts in this process's memory; entries of windows that have passed are swept as it grows. */
export class MemoryHitCounter implements HitCounter {
  private readonly counts = new Map<string, { hits: number; expiresAt: number }>();
  private sweepAt = SWEEP_GROWTH;

  async countHits(key: string, windowStart: number, expiresAt: number, add = 1): Promise<number> {
    const id = `${key}#${windowStart}`;
    const entry = this.counts.get(id);
    if (add === 0) return entry?.hits ?? 0;
    if (entry) {
      entry.hits += add;
      return entry.hits;
    }
    if (this.counts.size >= this.sweepAt) this.sweep(windowStart);
    this.counts.set(id, { hits: add, expiresAt });
    return add;
  }

  /** Counts kept now, for tests. */
  get size(): number {
    return this.counts.size;
  }

  /**
   * Drops every entry that expired before `now`: the caller's window start, a time the caller
   * has surely reached (no clock of the counter's own, so an injected clock is never overtaken).
   */
  private sweep(now: number) {
    for (const [id, entry] of this.counts) if (entry.expiresAt * 1000 <= now) this.counts.delete(id);
    this.sweepAt = this.counts.size + SWEEP_GROWTH;
  }
}
