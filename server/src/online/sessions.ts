import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { DomainError } from '../domain-error.js';
import { StaleGameError } from '../storage/errors.js';
import type { SessionStore, SessionsRecord } from '../storage/types.js';
import type { FeedLogger } from './polling-feed.js';
import { parseJson, type RedisBus } from './redis-bus.js';

/**
 * Revocable sign-ins. Each sign-in gets a random session id, kept in the sealed cookie and
 * registered in the player's sessions record; signing out removes it, so a copy of the
 * cookie stops working. Each instance caches a player's record for `checkMs`, so checking
 * a session costs at most one read per player per interval, not one per request.
 */

/** How long a session lasts: the cookie's own expiry. */
export const SESSION_LIFETIME_SECONDS = 30 * 24 * 60 * 60;
/** Sessions kept per player; a sign-in beyond it ends the oldest. */
export const MAX_SESSIONS_PER_PLAYER = 20;

// --- the rules of the record, pure ------------------------------------------------------------

/** The sessions still within their lifetime at `now` (an expired item may still be read back). */
export function liveSessions(record: SessionsRecord | null, now: Date, lifetimeMs: number): Record<string, string> {
  const earliest = now.getTime() - lifetimeMs;
  return Object.fromEntries(
    Object.entries(record?.sessions ?? {}).filter(([, issuedAt]) => Date.parse(issuedAt) > earliest),
  );
}

/** The next record holding `sessions`: one version on, expiring with its newest session. */
function nextRecord(
  playerId: string,
  previous: SessionsRecord | null,
  sessions: Record<string, string>,
  now: Date,
  lifetimeMs: number,
): SessionsRecord {
  const newest = Math.max(now.getTime() - lifetimeMs, ...Object.values(sessions).map((at) => Date.parse(at)));
  return {
    playerId,
    sessions,
    version: (previous?.version ?? 0) + 1,
    expiresAt: Math.ceil((newest + lifetimeMs) / 1000),
  };
}

/** A sign-in: the new session, and at most `max` in all (the oldest go). */
export function withSession(
  previous: SessionsRecord | null,
  playerId: string,
  sid: string,
  now: Date,
  limits: { lifetimeMs: number; max: number },
): SessionsRecord {
  const kept = Object.entries(liveSessions(previous, now, limits.lifetimeMs))
    .sort(([, a], [, b]) => (a < b ? 1 : a > b ? -1 : 0))
    .slice(0, limits.max - 1);
  return nextRecord(
    playerId,
    previous,
    { ...Object.fromEntries(kept), [sid]: now.toISOString() },
    now,
    limits.lifetimeMs,
  );
}

/** A sign-out of one session (`sid`), or of all of them (null); null when nothing changes. */
export function withoutSessions(
  previous: SessionsRecord | null,
  sid: string | null,
  now: Date,
  lifetimeMs: number,
): SessionsRecord | null {
  if (!previous || Object.keys(previous.sessions).length === 0) return null;
  if (sid !== null && !(sid in previous.sessions)) return null;
  const kept = sid === null ? {} : liveSessions(previous, now, lifetimeMs);
  delete kept[sid ?? ''];
  return nextRecord(previous.playerId, previous, kept, now, lifetimeMs);
}

// --- telling other instances ------------------------------------------------------------------

/** How instances tell each other that a player's sessions were revoked. */
export interface RevocationChannel {
  /** Says that some of the player's sessions ended; false when it could not be said. */
  publish(playerId: string): Promise<boolean>;
  /** Hears what other instances said; `resync` when messages may have been missed. */
  subscribe(listener: { revoked(playerId: string): void; resync(): void }): Promise<() => void>;
}

export const SESSIONS_CHANNEL = 'ttt:sessions';
const RevocationMessageSchema = z.object({ t: z.literal('revoked'), p: z.string() });

/** Revocations on the Redis bus: one channel, a message per sign-out. */
export function busRevocations(bus: RedisBus): RevocationChannel {
  return {
    publish: (playerId) => bus.publish(SESSIONS_CHANNEL, JSON.stringify({ t: 'revoked', p: playerId })),
    async subscribe(listener) {
      // While the bus was down, messages were lost: every cached record is then read again.
      const stopState = bus.onState((up) => {
        if (up) listener.resync();
      });
      const unsubscribe = await bus.subscribe(SESSIONS_CHANNEL, (text) => {
        const message = parseJson(RevocationMessageSchema, text);
        if (message) listener.revoked(message.p);
      });
      return () => {
        stopState();
        unsubscribe();
      };
    },
  };
}

// --- the service ------------------------------------------------------------------------------

export interface SessionsOptions {
  /** How long a record read here answers checks (ms); 0 reads it for every check. */
  checkMs: number;
  lifetimeMs?: number;
  maxPerPlayer?: number;
  /** Players whose records this instance keeps at once. */
  maxCached?: number;
  /** Other instances hear of a revocation at once; without it, within `checkMs`. */
  channel?: RevocationChannel | undefined;
  logger?: FeedLogger | undefined;
  /** A new session id: 128 random bits. */
  newId?: () => string;
}

interface Cached {
  /** Sessions registered when last read (or written) here. */
  active: Set<string>;
  /** When that was (this instance's clock, ms); -Infinity once another instance said it changed. */
  readAt: number;
  /** The store had a record of the player's sessions. */
  recorded: boolean;
  /** Sessions known to be ended: a consistent read made after they were issued lacked them. */
  ended: Set<string>;
}

/** Something holding a session open (a live stream), ended when the session is. */
interface Holder {
  sid: string;
  end: () => void;
}

const WRITE_ATTEMPTS = 10;
const MAX_ENDED_PER_PLAYER = 100;

export class Sessions {
  private readonly cache = new Map<string, Cached>();
  private readonly reads = new Map<string, Promise<Cached>>();
  private readonly holders = new Map<string, Set<Holder>>();
  private readonly lifetimeMs: number;
  private readonly maxPerPlayer: number;
  private readonly maxCached: number;
  private readonly newId: () => string;
  private readonly stopListening: Promise<() => void> | null;

  constructor(
    private readonly store: SessionStore,
    private readonly now: () => Date,
    private readonly options: SessionsOptions,
  ) {
    this.lifetimeMs = options.lifetimeMs ?? SESSION_LIFETIME_SECONDS * 1000;
    this.maxPerPlayer = options.maxPerPlayer ?? MAX_SESSIONS_PER_PLAYER;
    this.maxCached = options.maxCached ?? 10_000;
    this.newId = options.newId ?? (() => randomBytes(16).toString('base64url'));
    this.stopListening =
      options.channel?.subscribe({
        revoked: (playerId) => void this.heardOfRevocation(playerId),
        resync: () => {
          for (const cached of this.cache.values()) cached.readAt = Number.NEGATIVE_INFINITY;
          for (const playerId of this.holders.keys()) void this.heardOfRevocation(playerId);
        },
      }) ?? null;
  }

  /**
   * A sign-in: registers a new session of the player and answers its id. `replacing`: the
   * session this browser had as the same player, ended in the same write.
   */
  async start(playerId: string, replacing?: string): Promise<string> {
    const sid = this.newId();
    await this.change(playerId, (record) => {
      const without = replacing === undefined ? null : withoutSessions(record, replacing, this.now(), this.lifetimeMs);
      return withSession(without ?? record, playerId, sid, this.now(), {
        lifetimeMs: this.lifetimeMs,
        max: this.maxPerPlayer,
      });
    });
    return sid;
  }

  /** A sign-out: the session ends here at once, on other instances as the channel or `checkMs` allows. */
  async end(playerId: string, sid: string): Promise<void> {
    await this.change(playerId, (record) => withoutSessions(record, sid, this.now(), this.lifetimeMs));
  }

  /** "Sign out everywhere": every session of the player ends. */
  async endAll(playerId: string): Promise<void> {
    await this.change(playerId, (record) => withoutSessions(record, null, this.now(), this.lifetimeMs));
  }

  /** Whether the session is still registered, as of at most `checkMs` ago. */
  async isActive(playerId: string, sid: string): Promise<boolean> {
    return (await this.check(playerId, sid)) === 'active';
  }

  /**
   * The same, and why not: `ended` (signed out), or `forgotten` when the store holds no
   * sessions of the player at all (an in-memory store that restarted).
   */
  async check(playerId: string, sid: string): Promise<'active' | 'ended' | 'forgotten'> {
    const cached = this.cache.get(playerId);
    if (cached?.ended.has(sid)) return cached.recorded ? 'ended' : 'forgotten';
    if (cached?.active.has(sid) && this.now().getTime() - cached.readAt < this.options.checkMs) return 'active';
    // Stale, or a session newer than what was read (signed in on another instance): read.
    const joined = this.reads.get(playerId);
    let fresh = await (joined ?? this.read(playerId));
    // A read that began before this request may predate the session's sign-in: read again.
    if (joined && !fresh.active.has(sid)) fresh = await this.read(playerId);
    if (fresh.active.has(sid)) return 'active';
    fresh.ended.add(sid);
    if (fresh.ended.size > MAX_ENDED_PER_PLAYER) fresh.ended.delete(fresh.ended.values().next().value as string);
    return fresh.recorded ? 'ended' : 'forgotten';
  }

  /** Ends `end` (a live stream) when this session is revoked; answers a function that stops watching. */
  hold(playerId: string, sid: string, end: () => void): () => void {
    let holders = this.holders.get(playerId);
    if (!holders) {
      holders = new Set();
      this.holders.set(playerId, holders);
    }
    const holder = { sid, end };
    holders.add(holder);
    return () => {
      holders.delete(holder);
      if (holders.size === 0 && this.holders.get(playerId) === holders) this.holders.delete(playerId);
    };
  }

  /**
   * Without a channel, what ends the streams held by sessions revoked on another instance:
   * re-reads the players holding streams whose records are older than `checkMs`.
   */
  async sweep(): Promise<void> {
    const due = [...this.holders.keys()].filter((playerId) => {
      const cached = this.cache.get(playerId);
      return !cached || this.now().getTime() - cached.readAt >= this.options.checkMs;
    });
    await Promise.all(due.map((playerId) => this.read(playerId).catch(() => undefined)));
  }

  /** Sweeps every `checkMs` (at least every second) when no channel tells of revocations; answers how to stop. */
  startSweeping(): () => void {
    if (this.options.channel) return () => {};
    const timer = setInterval(() => void this.sweep(), Math.max(1000, this.options.checkMs));
    timer.unref();
    return () => clearInterval(timer);
  }

  async close(): Promise<void> {
    const stop = await this.stopListening;
    stop?.();
  }

  private async heardOfRevocation(playerId: string) {
    const cached = this.cache.get(playerId);
    if (cached) cached.readAt = Number.NEGATIVE_INFINITY;
    // Streams held here by the player's sessions: read now, to end those that were revoked.
    if (this.holders.has(playerId)) {
      await this.read(playerId).catch((error: unknown) => {
        this.options.logger?.warn({ err: error, playerId }, 'sessions: could not re-read after a revocation');
      });
    }
  }

  /** Load → decide → one write conditional on the version read; again from a fresh read if another write landed first. */
  private async change(playerId: string, decide: (record: SessionsRecord | null) => SessionsRecord | null) {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const record = await this.store.getSessions(playerId);
      const next = decide(record);
      if (!next) {
        this.remember(playerId, record);
        return;
      }
      try {
        await this.store.saveSessions(next, record?.version ?? 0);
      } catch (error) {
        if (error instanceof StaleGameError) continue;
        throw error;
      }
      const revoked = Object.keys(record?.sessions ?? {}).some((sid) => !(sid in next.sessions));
      this.remember(playerId, next);
      if (revoked && this.options.channel) {
        const told = await this.options.channel.publish(playerId);
        if (!told)
          this.options.logger?.warn(
            { playerId },
            'sessions: the bus is down; other instances see this sign-out within SESSION_CHECK_MS',
          );
      }
      return;
    }
    throw new DomainError('session/busy');
  }

  private read(playerId: string): Promise<Cached> {
    const read = this.store
      .getSessions(playerId)
      .then((record) => this.remember(playerId, record))
      .finally(() => {
        if (this.reads.get(playerId) === read) this.reads.delete(playerId);
      });
    this.reads.set(playerId, read);
    return read;
  }

  /** What was just read or written: cached, and every stream of a session not in it ended. */
  private remember(playerId: string, record: SessionsRecord | null): Cached {
    const previous = this.cache.get(playerId);
    const active = new Set(Object.keys(liveSessions(record, this.now(), this.lifetimeMs)));
    const cached: Cached = {
      active,
      readAt: this.now().getTime(),
      recorded: record !== null,
      ended: previous?.ended ?? new Set(),
    };
    // Most recently used last, so the first key is the one to forget when there are too many.
    this.cache.delete(playerId);
    this.cache.set(playerId, cached);
    if (this.cache.size > this.maxCached) this.cache.delete(this.cache.keys().next().value as string);
    for (const holder of [...(this.holders.get(playerId) ?? [])]) {
      if (!active.has(holder.sid)) holder.end();
    }
    return cached;
  }
}
