import type { PairingQueue } from '@ttt/shared';
import { AlreadyExistsError, StaleGameError } from './errors.js';
import { ExpiringMap } from './expiring-map.js';
import { MemoryHitCounter } from './hit-counter.js';
import {
  decodeCursor,
  encodeCursor,
  gameExpiresAt,
  HEARTBEAT_KEPT_MS,
  listRoles,
  listSortKey,
  listStatus,
  PRESENCE_KEPT_MS,
  SLOT_KEPT_MS,
  toSummary,
} from './keys.js';
import { PlayerIndex } from './player-index.js';
import type {
  GameRecord,
  GameSummaryRecord,
  ListQuery,
  Page,
  PlayerRecord,
  PollResult,
  PresenceRecord,
  PresenceWrite,
  RankedRecord,
  SessionsRecord,
  SignInGuard,
  StatsRecord,
  Store,
} from './types.js';

export interface MemoryStoreOptions {
  /**
   * The clock expiry is judged by, the app's own. Without one nothing expires: tests that
   * write records with fixed dates keep them.
   */
  now?: () => Date;
}

/**
 * Everything in this process's memory: the default, for one instance and for tests.
 * Records are copied in and out so no caller can change what is stored by accident.
 * Games are indexed by player like DynamoDB's two indexes, and what would carry a TTL there
 * (games by gameExpiresAt, slots, presence, heartbeats) goes here when its time comes.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory';
  private readonly now: (() => number) | undefined;
  private readonly players = new Map<string, PlayerRecord>();
  private readonly games: ExpiringMap<string, GameRecord>;
  private readonly index = new PlayerIndex();
  private readonly lobbies = new Map<string, number>();
  private readonly presence: ExpiringMap<string, PresenceRecord>;
  private readonly heartbeats: ExpiringMap<string, string>;
  private pairing: PairingQueue | null = null;
  private readonly sessions = new Map<string, SessionsRecord>();
  private readonly slots: ExpiringMap<string, string>;
  private readonly stats = new Map<string, StatsRecord>();
  /** Rated players, best first, as the rating index keeps them (a leaderboard reads its head). */
  private readonly ranked: { rating: number; playerId: string }[] = [];
  private visited = 0;

  constructor(options: MemoryStoreOptions = {}) {
    const clock = options.now;
    this.now = clock && (() => clock().getTime());
    this.games = new ExpiringMap({ now: this.now, onExpire: (_id, game) => this.unindex(game) });
    this.presence = new ExpiringMap({ now: this.now });
    this.heartbeats = new ExpiringMap({ now: this.now });
    this.slots = new ExpiringMap({ now: this.now });
  }

  /** Index entries that lists have looked at so far: what a lobby costs, for tests and benchmarks. */
  get listEntriesVisited(): number {
    return this.visited;
  }

  /** `ms` from now, or never without a clock. */
  private fromNow(ms: number): number | null {
    return this.now ? this.now() + ms : null;
  }

  async createPlayer(player: PlayerRecord): Promise<boolean> {
    if (this.players.has(player.id)) return false;
    this.players.set(player.id, structuredClone(player));
    return true;
  }

  async getPlayer(id: string): Promise<PlayerRecord | null> {
    const player = this.players.get(id);
    return player ? structuredClone(player) : null;
  }

  async saveSignInGuard(id: string, next: SignInGuard, expectedVersion: number, passwordHash?: string): Promise<void> {
    const player = this.players.get(id);
    if (!player || player.signInGuard.version !== expectedVersion) throw new StaleGameError();
    player.signInGuard = structuredClone(next);
    if (passwordHash !== undefined) player.passwordHash = passwordHash;
  }

  async getInvitationSlot(pair: string): Promise<string | null> {
    return this.slots.get(pair) ?? null;
  }

  async takeInvitationSlot(pair: string, gameId: string, expected: string | null): Promise<void> {
    if ((this.slots.get(pair) ?? null) !== expected) throw new StaleGameError();
    this.slots.set(pair, gameId, this.fromNow(SLOT_KEPT_MS));
  }

  async getPairingQueue(): Promise<PairingQueue | null> {
    return this.pairing ? structuredClone(this.pairing) : null;
  }

  async savePairingQueue(next: PairingQueue, expectedVersion: number): Promise<void> {
    if ((this.pairing?.version ?? 0) !== expectedVersion) throw new StaleGameError();
    this.pairing = structuredClone(next);
  }

  async createGame(game: GameRecord): Promise<void> {
    if (this.games.has(game.id)) throw new AlreadyExistsError('A game with this id');
    this.write(game);
  }

  async getGame(id: string): Promise<GameRecord | null> {
    const game = this.games.get(id);
    return game ? structuredClone(game) : null;
  }

  async getGames(ids: readonly string[]): Promise<GameRecord[]> {
    return [...new Set(ids)].flatMap((id) => {
      const game = this.games.get(id);
      return game ? [structuredClone(game)] : [];
    });
  }

  async updateGame(next: GameRecord, expectedVersion: number): Promise<void> {
    const stored = this.games.get(next.id);
    if (!stored || stored.version !== expectedVersion) throw new StaleGameError();
    this.unindex(stored);
    this.write(next);
  }

  /** Stores the game, indexed by its players, to expire by the rule in keys.ts. */
  private write(game: GameRecord) {
    const stored = structuredClone(game);
    this.games.set(stored.id, stored, this.now ? gameExpiresAt(stored) : null);
    const key = listSortKey(stored);
    this.index.add('host', stored.hostId, key);
    if (stored.opponentId !== null) this.index.add('opponent', stored.opponentId, key);
  }

  private unindex(game: GameRecord) {
    const key = listSortKey(game);
    this.index.remove('host', game.hostId, key);
    if (game.opponentId !== null) this.index.remove('opponent', game.opponentId, key);
  }

  async recordMove(next: GameRecord, expectedVersion: number): Promise<void> {
    await this.updateGame(next, expectedVersion);
  }

  /** As DynamoDB answers it: newest first per role, each from the player's own index entries. */
  async listGames(query: ListQuery): Promise<Page<GameSummaryRecord>> {
    const status = listStatus(query.list);
    const before = query.cursor === undefined ? null : decodeCursor(query.cursor, status);
    const high = before ?? `${status.toUpperCase()}$`;
    this.games.expire();
    // One more than a page, to know whether a next page exists.
    const wanted = query.limit + 1;
    const unique = new Map<string, { game: GameRecord; key: string }>();
    for (const role of listRoles(query.list)) {
      const keys = this.index.below(role, query.playerId, `${status.toUpperCase()}#`, high, wanted);
      this.visited += keys.length;
      for (const key of keys) {
        const id = key.slice(key.lastIndexOf('#') + 1);
        const game = this.games.get(id);
        if (game) unique.set(id, { game, key });
      }
    }
    const matching = [...unique.values()].sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
    const page = matching.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(({ game }) => toSummary(structuredClone(game))),
      cursor: matching.length > query.limit && last ? encodeCursor(last.key) : null,
    };
  }

  async touchLobby(playerId: string): Promise<void> {
    if (this.players.has(playerId)) this.lobbies.set(playerId, (this.lobbies.get(playerId) ?? 0) + 1);
  }

  async poll(gameIds: readonly string[], playerIds: readonly string[]): Promise<PollResult> {
    const lobbies: Record<string, number> = {};
    for (const id of new Set(playerIds)) if (this.players.has(id)) lobbies[id] = this.lobbies.get(id) ?? 0;
    return { games: await this.getGames(gameIds), lobbies };
  }

  async savePresence(write: PresenceWrite): Promise<void> {
    let record = this.presence.get(write.gameId);
    if (!record) {
      record = { gameId: write.gameId, instances: {}, lastSeen: {} };
    }
    const known = record.instances[write.instanceId];
    if (known && known.seq >= write.attendance.seq) return;
    record.instances[write.instanceId] = structuredClone(write.attendance);
    Object.assign(record.lastSeen, write.left);
    this.presence.set(write.gameId, record, this.fromNow(PRESENCE_KEPT_MS));
  }

  async loadPresence(gameIds: readonly string[]): Promise<PresenceRecord[]> {
    return [...new Set(gameIds)].flatMap((id) => {
      const record = this.presence.get(id);
      return record ? [structuredClone(record)] : [];
    });
  }

  async saveHeartbeat(instanceId: string, until: string): Promise<void> {
    const known = this.heartbeats.get(instanceId);
    if (!known || known < until) {
      this.heartbeats.set(instanceId, until, this.now ? Date.parse(until) + HEARTBEAT_KEPT_MS : null);
    }
  }

  async loadHeartbeats(instanceIds: readonly string[]): Promise<Record<string, string>> {
    const result: Record<string, string> = {};
    for (const id of instanceIds) {
      const until = this.heartbeats.get(id);
      if (until) result[id] = until;
    }
    return result;
  }

  /** Memory is always there. */
  async ping(): Promise<void> {}

  // --- rate limits (issue 12) ---
  private readonly hits = new MemoryHitCounter();

  countHits(key: string, windowStart: number, expiresAt: number, add?: number): Promise<number> {
    return this.hits.countHits(key, windowStart, expiresAt, add);
  }

  // --- sessions ------------------------------------------------------------------------------

  async getSessions(playerId: string): Promise<SessionsRecord | null> {
    const record = this.sessions.get(playerId);
    return record ? structuredClone(record) : null;
  }

  async saveSessions(next: SessionsRecord, expectedVersion: number): Promise<void> {
    if ((this.sessions.get(next.playerId)?.version ?? 0) !== expectedVersion) throw new StaleGameError();
    this.sessions.set(next.playerId, structuredClone(next));
  }

  // --- records and ratings -------------------------------------------------------------------

  async getStats(playerIds: readonly string[]): Promise<StatsRecord[]> {
    return [...new Set(playerIds)].flatMap((id) => {
      const stats = this.stats.get(id);
      return stats ? [structuredClone(stats)] : [];
    });
  }

  async saveStats(next: StatsRecord, expectedVersion: number): Promise<void> {
    const stored = this.stats.get(next.playerId);
    if ((stored?.version ?? 0) !== expectedVersion) throw new StaleGameError();
    if (stored?.rating) this.ranked.splice(this.rankOf(stored.rating.rating, next.playerId), 1);
    this.stats.set(next.playerId, structuredClone(next));
    if (next.rating) {
      this.ranked.splice(this.rankOf(next.rating.rating, next.playerId), 0, {
        rating: next.rating.rating,
        playerId: next.playerId,
      });
    }
  }

  /** Where a rating goes in `ranked` (best first, then by id): a binary search. */
  private rankOf(rating: number, playerId: string): number {
    let low = 0;
    let high = this.ranked.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const entry = this.ranked[middle];
      if (entry && (entry.rating > rating || (entry.rating === rating && entry.playerId < playerId))) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  async leaderboard(limit: number): Promise<RankedRecord[]> {
    return this.ranked.slice(0, limit).flatMap(({ playerId }) => {
      const stats = this.stats.get(playerId);
      return stats?.rating ? [{ playerId, name: stats.name, rating: { ...stats.rating } }] : [];
    });
  }

  async close(): Promise<void> {}
}
