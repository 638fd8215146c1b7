import * as z from 'zod/mini';
import { gameChannel } from './bus-feed.js';
import type { PresenceExchange, PresenceUpdate, SharedPresence } from './presence.js';
import { parseJson, type RedisBus } from './redis-bus.js';

/**
 * Presence on the Redis bus. Per game, one hash holds each instance's attendance (field
 * `i:<instance>`) and when each viewer was last connected (`seen:<viewer>`); every change is
 * also published on the game's channel, so instances following the game hear it at once.
 * Each instance keeps a key `ttt:{instances}:<id>` alive with a TTL: when it expires (a crash),
 * the others drop that instance's attendance.
 */
const presenceKey = (gameId: string) => `ttt:presence:${gameId}`;
/** All instance keys in one hash slot (`{…}`), so one MGET reads them in cluster mode too. */
const instanceKey = (instanceId: string) => `ttt:{instances}:${instanceId}`;
/** A hash nobody touched for a day is gone, whatever instance wrote it. */
const PRESENCE_TTL_MS = 24 * 3600 * 1000;

const AttendanceSchema = z.object({ viewers: z.array(z.string()), anonymous: z.int().check(z.gte(0)) });
/** An instance's attendance as its hash field holds it. */
const StoredAttendanceSchema = z.extend(AttendanceSchema, { seq: z.int() });
const PresenceMessageSchema = z.object({
  t: z.literal('presence'),
  id: z.string(),
  i: z.string(),
  seq: z.int(),
  a: z.nullable(AttendanceSchema),
  left: z.record(z.string(), z.string()),
});

function presenceMessage(update: PresenceUpdate): string {
  return JSON.stringify({
    t: 'presence',
    id: update.gameId,
    i: update.instanceId,
    seq: update.seq,
    a: update.attendance,
    left: update.left,
  });
}

function parsePresenceMessage(text: string): PresenceUpdate | null {
  // Moves share the channel and are most of its messages: skip them before parsing.
  if (!text.includes('"presence"')) return null;
  const m = parseJson(PresenceMessageSchema, text);
  return m && { gameId: m.id, instanceId: m.i, seq: m.seq, attendance: m.a, left: m.left };
}

export class RedisPresenceExchange implements PresenceExchange {
  private readonly resyncListeners = new Set<() => void>();
  private readonly stopWatchingBus: () => void;
  /** Instances that have said they are alive through this exchange since it started. */
  private readonly beaten = new Set<string>();

  constructor(private readonly bus: RedisBus) {
    this.stopWatchingBus = bus.onState((up) => {
      if (up) for (const listener of this.resyncListeners) listener();
    });
  }

  share(update: PresenceUpdate): void {
    if (!this.bus.up) return; // shared again in full when the bus is back (resync)
    const redis = this.bus.commands;
    const key = presenceKey(update.gameId);
    const field = `i:${update.instanceId}`;
    const pipeline = redis.multi();
    if (update.attendance) pipeline.hset(key, field, JSON.stringify({ ...update.attendance, seq: update.seq }));
    else pipeline.hdel(key, field);
    for (const [viewer, at] of Object.entries(update.left)) pipeline.hset(key, `seen:${viewer}`, at);
    pipeline.pexpire(key, PRESENCE_TTL_MS);
    pipeline.publish(gameChannel(update.gameId), presenceMessage(update));
    pipeline.exec().catch(() => {});
  }

  async load(gameIds: readonly string[]): Promise<Map<string, SharedPresence>> {
    const result = new Map<string, SharedPresence>();
    if (gameIds.length === 0) return result;
    if (!this.bus.up) throw new Error('the Redis bus is down');
    const pipeline = this.bus.commands.pipeline();
    for (const id of gameIds) pipeline.hgetall(presenceKey(id));
    const answers = (await pipeline.exec()) ?? [];
    gameIds.forEach((id, index) => {
      const [error, hash] = answers[index] ?? [null, {}];
      if (error) throw error;
      result.set(id, parseHash((hash ?? {}) as Record<string, string>));
    });
    return result;
  }

  async follow(gameId: string, deliver: (update: PresenceUpdate) => void): Promise<() => void> {
    return this.bus.subscribe(gameChannel(gameId), (text) => {
      const update = parsePresenceMessage(text);
      if (update && update.gameId === gameId) deliver(update);
    });
  }

  async beat(instanceId: string, ttlMs: number): Promise<void> {
    if (!this.bus.up) return;
    const before = await this.bus.commands.set(instanceKey(instanceId), '1', 'PX', ttlMs, 'GET');
    // Our key had expired (a long pause): others may have dropped what we shared; share it again.
    if (before === null && this.beaten.has(instanceId)) for (const listener of this.resyncListeners) listener();
    this.beaten.add(instanceId);
  }

  async alive(instanceIds: readonly string[]): Promise<Set<string>> {
    // Unknown while the bus is down: treat everyone as alive rather than as gone.
    if (!this.bus.up || instanceIds.length === 0) return new Set(instanceIds);
    const answers = await this.bus.commands.mget(...instanceIds.map(instanceKey));
    return new Set(instanceIds.filter((_, index) => answers[index] !== null));
  }

  forget(gameId: string, instanceId: string): void {
    if (this.bus.up) this.bus.commands.hdel(presenceKey(gameId), `i:${instanceId}`).catch(() => {});
  }

  onResync(listener: () => void): void {
    this.resyncListeners.add(listener);
  }

  async close(): Promise<void> {
    this.stopWatchingBus();
    this.resyncListeners.clear();
  }
}

function parseHash(hash: Record<string, string>): SharedPresence {
  const shared: SharedPresence = { instances: new Map(), lastSeen: new Map() };
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith('seen:')) shared.lastSeen.set(field.slice(5), value);
    else if (field.startsWith('i:')) {
      const attendance = parseJson(StoredAttendanceSchema, value);
      if (attendance) shared.instances.set(field.slice(2), attendance);
    }
  }
  return shared;
}
