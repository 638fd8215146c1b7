import { randomBytes } from 'node:crypto';
import type { Presence as PresenceView } from '@ttt/shared';
import type { FeedLogger } from './polling-feed.js';

/** Who one instance has on one game's page: signed-in viewers by id, and how many others. */
export interface Attendance {
  viewers: string[];
  anonymous: number;
}

/** What every instance has said about one game's page. */
export interface SharedPresence {
  /** Per instance: its attendance, and the sequence number it was shared with. */
  instances: Map<string, Attendance & { seq: number }>;
  /** When each viewer who left was last connected (ISO time). */
  lastSeen: Map<string, string>;
}

/** One instance's change to one game's presence, as it travels between instances. */
export interface PresenceUpdate {
  gameId: string;
  instanceId: string;
  seq: number;
  /** null: this instance has nobody on the page any more. */
  attendance: Attendance | null;
  /** Viewers who just left, and when. */
  left: Record<string, string>;
}

/** The aggregate, for one game: who is connected anywhere, and when others left. */
export interface GamePresence {
  online: ReadonlySet<string>;
  anonymous: number;
  lastSeen: ReadonlyMap<string, string>;
}

export type PresenceListener = (presence: GamePresence) => void;

/**
 * How instances share presence: the Redis bus (redis-presence.ts), the store for
 * DynamoDB-only deployments (store-presence.ts), or nothing for one instance.
 */
export interface PresenceExchange {
  /** Tells the other instances about a change here. */
  share(update: PresenceUpdate): void;
  /** Everything the instances have shared about these games now (ours included). */
  load(gameIds: readonly string[]): Promise<Map<string, SharedPresence>>;
  /** Delivers other instances' updates for the game as they happen, until stopped. */
  follow(gameId: string, deliver: (update: PresenceUpdate) => void): Promise<() => void>;
  /** Says this instance is alive for `ttlMs` more. */
  beat(instanceId: string, ttlMs: number): Promise<void>;
  /** Which of these instances are alive (said so within their ttl). */
  alive(instanceIds: readonly string[]): Promise<Set<string>>;
  /** Forgets what a gone instance shared about a game. */
  forget(gameId: string, instanceId: string): void;
  /** Called when updates may have been missed (a reconnect): reload and share again. */
  onResync(listener: () => void): void;
  close(): Promise<void>;
}

/**
 * One instance, nobody to tell; it only remembers when viewers left, so a page opened later
 * still says when a player was last there.
 */
export class LocalPresenceExchange implements PresenceExchange {
  private readonly lastSeen = new Map<string, Map<string, string>>();
  constructor(private readonly maxGames = 100_000) {}

  share(update: PresenceUpdate): void {
    const entries = Object.entries(update.left);
    if (entries.length === 0) return;
    const seen = this.lastSeen.get(update.gameId) ?? new Map<string, string>();
    this.lastSeen.delete(update.gameId);
    this.lastSeen.set(update.gameId, seen);
    for (const [viewer, at] of entries) laterSeen(seen, viewer, at);
    if (this.lastSeen.size > this.maxGames) {
      const oldest = this.lastSeen.keys().next().value;
      if (oldest !== undefined) this.lastSeen.delete(oldest);
    }
  }
  async load(gameIds: readonly string[]): Promise<Map<string, SharedPresence>> {
    return new Map(gameIds.map((id) => [id, { instances: new Map(), lastSeen: new Map(this.lastSeen.get(id) ?? []) }]));
  }
  async follow(): Promise<() => void> {
    return () => {};
  }
  async beat(): Promise<void> {}
  async alive(instanceIds: readonly string[]): Promise<Set<string>> {
    return new Set(instanceIds);
  }
  forget(): void {}
  onResync(): void {}
  async close(): Promise<void> {}
}

export interface PresenceOptions {
  /** This instance's id among all instances; random unless given. */
  instanceId?: string;
  now?: () => Date;
  /**
   * How long after a viewer's last stream closes they count as gone; a page reload
   * reconnects well within it, so it never shows as leaving.
   */
  leaveGraceMs?: number;
  /** How often this instance says it is alive, and checks on the others. */
  heartbeatMs?: number;
  /** How long an instance that stopped saying so still counts as alive. */
  instanceTtlMs?: number;
  /** With an exchange that can't push (the store), how often to re-read followed games. */
  refreshMs?: number | undefined;
  logger?: FeedLogger | undefined;
}

interface LocalGame {
  /** Open streams per signed-in viewer. */
  viewers: Map<string, number>;
  anonymous: number;
  /** Viewers whose last stream closed, not yet shared as gone (within the grace). */
  leaving: Map<string, { timer: ReturnType<typeof setTimeout>; at: string }>;
  /** Anonymous streams closed within the grace. */
  anonymousLeaving: ReturnType<typeof setTimeout>[];
  /** What was last shared. */
  shared: Attendance | null;
}

interface Followed {
  listeners: Set<PresenceListener>;
  shared: SharedPresence;
  /** Resolves once the game's shared state is loaded and updates flow. */
  ready: Promise<void>;
  stop: () => void;
  /** The last aggregate told to listeners, to tell only real changes. */
  told: string;
}

const emptyShared = (): SharedPresence => ({ instances: new Map(), lastSeen: new Map() });

/**
 * Presence: who has a game's page open. This instance counts its own streams; the exchange
 * shares the counts with the other instances, each under its instance id, with heartbeats
 * so that a crashed instance's viewers count as gone within `instanceTtlMs`.
 */
export class Presence {
  readonly instanceId: string;
  private readonly now: () => Date;
  private readonly graceMs: number;
  private readonly ttlMs: number;
  private readonly games = new Map<string, LocalGame>();
  private readonly followed = new Map<string, Followed>();
  private seq = 0;
  private resyncing = false;
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private closed = false;

  constructor(
    private readonly exchange: PresenceExchange = new LocalPresenceExchange(),
    private readonly options: PresenceOptions = {},
  ) {
    this.instanceId = options.instanceId ?? randomBytes(8).toString('hex');
    this.now = options.now ?? (() => new Date());
    this.graceMs = options.leaveGraceMs ?? 4000;
    this.ttlMs = options.instanceTtlMs ?? 10_000;
    const heartbeatMs = options.heartbeatMs ?? Math.max(50, Math.floor(this.ttlMs / 3));
    this.timers.push(setInterval(() => void this.heartbeat(), heartbeatMs));
    if (options.refreshMs) this.timers.push(setInterval(() => void this.refresh(), options.refreshMs));
    for (const timer of this.timers) timer.unref();
    exchange.onResync(() => void this.resync());
    void this.heartbeat();
  }

  /** A stream on the game's page opened; call the answer when it closes. */
  join(gameId: string, viewerId: string | null): () => void {
    const game = this.localGame(gameId);
    if (viewerId === null) {
      const pending = game.anonymousLeaving.pop();
      if (pending) clearTimeout(pending);
      game.anonymous++;
    } else {
      const leaving = game.leaving.get(viewerId);
      if (leaving) {
        clearTimeout(leaving.timer);
        game.leaving.delete(viewerId);
      }
      game.viewers.set(viewerId, (game.viewers.get(viewerId) ?? 0) + 1);
    }
    this.changed(gameId, {});
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.leave(gameId, viewerId);
    };
  }

  private leave(gameId: string, viewerId: string | null) {
    const game = this.games.get(gameId);
    if (!game) return;
    const at = this.now().toISOString();
    if (viewerId === null) {
      game.anonymous--;
      const timer = setTimeout(() => {
        game.anonymousLeaving = game.anonymousLeaving.filter((t) => t !== timer);
        this.changed(gameId, {});
      }, this.graceMs);
      timer.unref();
      game.anonymousLeaving.push(timer);
      return;
    }
    const count = (game.viewers.get(viewerId) ?? 1) - 1;
    if (count > 0) {
      game.viewers.set(viewerId, count);
      return;
    }
    game.viewers.delete(viewerId);
    const timer = setTimeout(() => {
      game.leaving.delete(viewerId);
      this.changed(gameId, { [viewerId]: at });
    }, this.graceMs);
    timer.unref();
    game.leaving.set(viewerId, { timer, at });
  }

  /** Presence of a game, kept current while `listener` is registered. */
  async watch(gameId: string, listener: PresenceListener): Promise<() => void> {
    let followed = this.followed.get(gameId);
    if (!followed) {
      const entry: Followed = {
        listeners: new Set(),
        shared: emptyShared(),
        ready: Promise.resolve(),
        stop: () => {},
        told: '',
      };
      entry.ready = this.startFollowing(gameId, entry);
      this.followed.set(gameId, entry);
      followed = entry;
    }
    followed.listeners.add(listener);
    await followed.ready;
    const held = followed;
    return () => {
      held.listeners.delete(listener);
      if (held.listeners.size > 0 || this.followed.get(gameId) !== held) return;
      this.followed.delete(gameId);
      held.stop();
    };
  }

  private async startFollowing(gameId: string, entry: Followed) {
    try {
      entry.stop = await this.exchange.follow(gameId, (update) => this.receive(update));
      const loaded = await this.loadAlive([gameId]);
      this.merge(entry, loaded.get(gameId));
    } catch (error) {
      this.options.logger?.warn({ err: error, gameId }, 'presence: could not load what other instances see');
    }
  }

  /** The presence of a game now: from what is followed here, or read once. */
  async current(gameId: string): Promise<GamePresence> {
    const followed = this.followed.get(gameId);
    if (followed) {
      await followed.ready;
      return this.aggregate(gameId, followed.shared);
    }
    let shared = emptyShared();
    try {
      shared = (await this.loadAlive([gameId])).get(gameId) ?? shared;
    } catch (error) {
      this.options.logger?.warn({ err: error, gameId }, 'presence: could not load what other instances see');
    }
    return this.aggregate(gameId, shared);
  }

  /** The API's view of a game's presence, for its players (and how long before a claim). */
  static view(presence: GamePresence, players: readonly string[], abandonAfterMs: number): PresenceView {
    const playerSet = new Set(players);
    let spectators = presence.anonymous;
    for (const id of presence.online) if (!playerSet.has(id)) spectators++;
    return {
      players: players.map((id) => {
        const online = presence.online.has(id);
        return { id, online, lastSeenAt: online ? null : (presence.lastSeen.get(id) ?? null) };
      }),
      spectators,
      abandonAfterMs,
    };
  }

  private localGame(gameId: string): LocalGame {
    let game = this.games.get(gameId);
    if (!game) {
      game = { viewers: new Map(), anonymous: 0, leaving: new Map(), anonymousLeaving: [], shared: null };
      this.games.set(gameId, game);
    }
    return game;
  }

  /** This instance's attendance: open streams, and those closed within the grace. */
  private attendance(game: LocalGame): Attendance | null {
    const viewers = [...new Set([...game.viewers.keys(), ...game.leaving.keys()])].sort();
    const anonymous = game.anonymous + game.anonymousLeaving.length;
    return viewers.length === 0 && anonymous === 0 ? null : { viewers, anonymous };
  }

  /** Shares this instance's attendance of a game if it changed, and tells local listeners. */
  private changed(gameId: string, left: Record<string, string>) {
    const game = this.games.get(gameId);
    if (!game) return;
    const attendance = this.attendance(game);
    if (sameAttendance(attendance, game.shared) && Object.keys(left).length === 0) return;
    game.shared = attendance;
    if (!attendance && game.leaving.size === 0 && game.anonymousLeaving.length === 0) this.games.delete(gameId);
    const followed = this.followed.get(gameId);
    if (followed) for (const [viewer, at] of Object.entries(left)) followed.shared.lastSeen.set(viewer, at);
    this.exchange.share({ gameId, instanceId: this.instanceId, seq: ++this.seq, attendance, left });
    this.tell(gameId);
  }

  /** Another instance's update. */
  private receive(update: PresenceUpdate) {
    if (update.instanceId === this.instanceId) return;
    const followed = this.followed.get(update.gameId);
    if (!followed) return;
    const known = followed.shared.instances.get(update.instanceId);
    if (known && known.seq >= update.seq) return;
    if (update.attendance) followed.shared.instances.set(update.instanceId, { ...update.attendance, seq: update.seq });
    else followed.shared.instances.delete(update.instanceId);
    for (const [viewer, at] of Object.entries(update.left)) laterSeen(followed.shared.lastSeen, viewer, at);
    this.tell(update.gameId);
  }

  /**
   * What the instances shared about these games, without what gone instances (no recent
   * heartbeat) left behind.
   */
  private async loadAlive(gameIds: readonly string[]): Promise<Map<string, SharedPresence>> {
    const loaded = await this.exchange.load(gameIds);
    const others = new Set<string>();
    for (const shared of loaded.values()) {
      shared.instances.delete(this.instanceId);
      for (const id of shared.instances.keys()) others.add(id);
    }
    if (others.size === 0) return loaded;
    const alive = await this.exchange.alive([...others]);
    for (const shared of loaded.values())
      for (const id of shared.instances.keys()) if (!alive.has(id)) shared.instances.delete(id);
    return loaded;
  }

  /** Replaces what is known of a followed game by what was loaded; viewers that vanished left now. */
  private merge(followed: Followed, loaded: SharedPresence | undefined) {
    const next = loaded ?? emptyShared();
    const at = this.now().toISOString();
    for (const [id, attendance] of followed.shared.instances) {
      const still = next.instances.get(id);
      for (const viewer of attendance.viewers) {
        if (!still?.viewers.includes(viewer) && !next.lastSeen.has(viewer)) laterSeen(next.lastSeen, viewer, at);
      }
    }
    for (const [viewer, seen] of followed.shared.lastSeen) laterSeen(next.lastSeen, viewer, seen);
    followed.shared = { instances: next.instances, lastSeen: next.lastSeen };
  }

  private aggregate(gameId: string, shared: SharedPresence): GamePresence {
    const online = new Set<string>();
    let anonymous = 0;
    const own = this.games.get(gameId);
    const mine = own ? this.attendance(own) : null;
    for (const attendance of [
      mine,
      ...[...shared.instances].filter(([id]) => id !== this.instanceId).map(([, a]) => a),
    ]) {
      if (!attendance) continue;
      for (const viewer of attendance.viewers) online.add(viewer);
      anonymous += attendance.anonymous;
    }
    return { online, anonymous, lastSeen: shared.lastSeen };
  }

  private tell(gameId: string) {
    const followed = this.followed.get(gameId);
    if (!followed || followed.listeners.size === 0) return;
    const presence = this.aggregate(gameId, followed.shared);
    const key = JSON.stringify([[...presence.online].sort(), presence.anonymous, [...presence.lastSeen].sort()]);
    if (key === followed.told) return;
    followed.told = key;
    for (const listener of followed.listeners) listener(presence);
  }

  /** Says we are alive, and drops the attendance of instances that stopped saying so. */
  private async heartbeat() {
    if (this.closed) return;
    try {
      await this.exchange.beat(this.instanceId, this.ttlMs);
      const others = new Set<string>();
      for (const followed of this.followed.values()) for (const id of followed.shared.instances.keys()) others.add(id);
      if (others.size === 0) return;
      const alive = await this.exchange.alive([...others]);
      const at = this.now().toISOString();
      for (const [gameId, followed] of this.followed) {
        let changed = false;
        for (const [id, attendance] of followed.shared.instances) {
          if (alive.has(id)) continue;
          followed.shared.instances.delete(id);
          for (const viewer of attendance.viewers) laterSeen(followed.shared.lastSeen, viewer, at);
          this.exchange.forget(gameId, id);
          changed = true;
        }
        if (changed) this.tell(gameId);
      }
    } catch (error) {
      this.options.logger?.debug({ err: error }, 'presence: heartbeat failed');
    }
  }

  /** Re-reads every followed game (an exchange that can't push, or after a reconnect). */
  private async refresh() {
    const ids = [...this.followed.keys()];
    if (ids.length === 0 || this.closed) return;
    try {
      const loaded = await this.loadAlive(ids);
      for (const id of ids) {
        const followed = this.followed.get(id);
        if (!followed) continue;
        this.merge(followed, loaded.get(id));
        this.tell(id);
      }
    } catch (error) {
      this.options.logger?.warn({ err: error }, 'presence: could not re-read what other instances see');
    }
  }

  /** After updates may have been lost: say we are alive, share everything again, then re-read. */
  private async resync() {
    if (this.closed || this.resyncing) return;
    this.resyncing = true;
    try {
      // Alive first, so no instance that reads our attendance takes us for gone.
      await this.exchange.beat(this.instanceId, this.ttlMs).catch(() => {});
      for (const [gameId, game] of this.games) {
        this.exchange.share({
          gameId,
          instanceId: this.instanceId,
          seq: ++this.seq,
          attendance: game.shared,
          left: {},
        });
      }
      await this.refresh();
    } finally {
      this.resyncing = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    // Leaving cleanly: the other instances need not wait for our heartbeat to expire.
    for (const [gameId, game] of this.games) {
      for (const { timer } of game.leaving.values()) clearTimeout(timer);
      for (const timer of game.anonymousLeaving) clearTimeout(timer);
      if (game.shared) {
        const at = this.now().toISOString();
        const left = Object.fromEntries(game.shared.viewers.map((viewer) => [viewer, at]));
        this.exchange.share({ gameId, instanceId: this.instanceId, seq: ++this.seq, attendance: null, left });
      }
    }
    this.games.clear();
    for (const followed of this.followed.values()) followed.stop();
    this.followed.clear();
    await this.exchange.close();
  }
}

function sameAttendance(a: Attendance | null, b: Attendance | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.anonymous === b.anonymous &&
    a.viewers.length === b.viewers.length &&
    a.viewers.every((v, i) => v === b.viewers[i])
  );
}

function laterSeen(lastSeen: Map<string, string>, viewer: string, at: string) {
  const known = lastSeen.get(viewer);
  if (!known || known < at) lastSeen.set(viewer, at);
}
