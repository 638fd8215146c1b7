import {
  type GameList,
  type OnlineGame,
  OnlineGameSchema,
  type OnlineGameSummary,
  type PairingQueue,
  type PlayerStats,
  type StatsRating,
} from '@ttt/shared';
import type { HitCounter } from './hit-counter.js';

/**
 * What the storage keeps, and the operations on it, in the game's words and shaped the way
 * DynamoDB serves them: one item per game and per player, conditional writes, and lists
 * that are queries on secondary indexes. Rules live in shared/ and the routes; a store
 * only stores.
 */

export interface PlayerRecord {
  /** The name in lower case: names are unique ignoring case, so this is the key. */
  id: string;
  /** As the player typed it. */
  name: string;
  passwordHash: string;
  createdAt: string;
  /** Sign-in attempts per client address (online/sign-in-guard.ts has the rules). */
  signInGuard: SignInGuard;
}

/** Attempts reserved since a client's last successful sign-in on one name. */
export interface ClientFailures {
  /** Each attempt counts as a failure when it is reserved, before the password is checked. */
  failures: number;
  /** When the last one was reserved (epoch ms). */
  lastFailureAt: number;
}

export interface SignInGuard {
  /** Increases with every write; each write is conditional on the version it was decided from. */
  version: number;
  /** By client key (a hash of the client's address, or `*` for everyone beyond the bound). */
  clients: Record<string, ClientFailures>;
}

/** A game as stored, and as instances tell each other about it on the bus: shared/'s online game. */
export const GameRecordSchema = OnlineGameSchema;
export type GameRecord = OnlineGame;

/** What the lobby lists show: the record without the move list and the invitation secret. */
export type GameSummaryRecord = OnlineGameSummary;

export interface Page<T> {
  items: T[];
  /** Opaque; pass it back for the next page. null on the last page. */
  cursor: string | null;
}

export interface ListQuery {
  playerId: string;
  /** received: pending invitations to the player; sent: pending, from the player; playing; finished. */
  list: GameList;
  limit: number;
  cursor?: string | undefined;
}

export interface PollResult {
  games: GameRecord[];
  /** Lobby version per player (0 for a player never touched; missing players left out). */
  lobbies: Record<string, number>;
}

/** One instance's viewers of one game's page, as shared with the other instances. */
export interface AttendanceRecord {
  /** Signed-in viewers, by player id. */
  viewers: string[];
  /** Viewers who are not signed in. */
  anonymous: number;
  /** Increases with every change an instance shares; an older write never replaces a newer one. */
  seq: number;
}

/** Who is on a game's page, as every instance last said, for deployments without a bus. */
export interface PresenceRecord {
  gameId: string;
  /** Per instance id. An instance with nobody there any more has an empty record. */
  instances: Record<string, AttendanceRecord>;
  /** When each viewer who left was last connected (ISO time). */
  lastSeen: Record<string, string>;
}

export interface PresenceWrite {
  gameId: string;
  instanceId: string;
  attendance: AttendanceRecord;
  /** Viewers who left, and when. */
  left: Record<string, string>;
}

// --- sessions (revocable sign-ins) ---------------------------------------------------------

/** A player's signed-in sessions: what a sign-out removes, so that its cookie stops working. */
export interface SessionsRecord {
  playerId: string;
  /** Session id → when it was issued (ISO time). */
  sessions: Record<string, string>;
  /** Increases with every write; 0 means never written. */
  version: number;
  /** When the record may be deleted (epoch seconds; DynamoDB's TTL attribute `ExpiresAt`). */
  expiresAt: number;
}

export interface SessionStore {
  /** The player's sessions as last written (strongly consistent); null before the first write. */
  getSessions(playerId: string): Promise<SessionsRecord | null>;
  /**
   * Replaces the record with `next` if it is still at `expectedVersion` (0: never written);
   * otherwise throws StaleGameError and changes nothing. The sessions service decided `next`.
   */
  saveSessions(next: SessionsRecord, expectedVersion: number): Promise<void>;
}

// --- records and ratings (issue 14) ---------------------------------------------------------

/** A player's record and rating as counters: shared/tally.ts's stats. */
export type StatsRecord = PlayerStats;

/** A leaderboard line, as the rating index holds it. */
export interface RankedRecord {
  playerId: string;
  name: string;
  rating: StatsRating;
}

export interface StatsStore {
  /** These players' stats (strongly consistent), in no particular order; missing ones are left out. */
  getStats(playerIds: readonly string[]): Promise<StatsRecord[]>;
  /**
   * Replaces the player's stats with `next` if they are still at `expectedVersion` (0: never
   * written); otherwise throws StaleGameError and changes nothing. online/tally.ts decided `next`.
   */
  saveStats(next: StatsRecord, expectedVersion: number): Promise<void>;
  /** The `limit` best-rated players, best first; players with no rated game are not there. */
  leaderboard(limit: number): Promise<RankedRecord[]>;
}

export interface Store extends SessionStore, StatsStore {
  readonly kind: 'memory' | 'dynamodb';

  /** Creates the player unless the name (ignoring case) is taken; false when taken. */
  createPlayer(player: PlayerRecord): Promise<boolean>;
  getPlayer(id: string): Promise<PlayerRecord | null>;
  /**
   * Replaces the player's sign-in guard with `next` (and the password hash, when given) if the
   * stored guard is still at `expectedVersion`; otherwise (or when there is no such player)
   * throws StaleGameError and changes nothing. Two attempts decided from one guard: one lands.
   */
  saveSignInGuard(id: string, next: SignInGuard, expectedVersion: number, passwordHash?: string): Promise<void>;

  /** Stores a new game; throws AlreadyExistsError when the id is taken. */
  createGame(game: GameRecord): Promise<void>;
  /** The game as last written (strongly consistent). */
  getGame(id: string): Promise<GameRecord | null>;
  /** Several games at once, in no particular order; missing ones are left out. */
  getGames(ids: readonly string[]): Promise<GameRecord[]>;
  /**
   * Replaces the game with `next` if it is still at `expectedVersion`; otherwise throws
   * StaleGameError and changes nothing. The rules decided `next`; the store only stores.
   */
  updateGame(next: GameRecord, expectedVersion: number): Promise<void>;
  /**
   * Writes `next`, one move after the stored game, if that is still at `expectedVersion`
   * (otherwise StaleGameError): what the move changes, in one conditional write.
   */
  recordMove(next: GameRecord, expectedVersion: number): Promise<void>;
  /** One page of a player's games in one list, newest first. Throws BadCursorError. */
  listGames(query: ListQuery): Promise<Page<GameSummaryRecord>>;

  /**
   * Notes that a game the player has not seen yet was made for them (an invitation), so
   * that instances watching the player's lobby re-read it. Bumps the player's lobby version.
   */
  touchLobby(playerId: string): Promise<void>;
  /**
   * What the change feed re-reads every interval, in as few requests as the database allows
   * (one BatchGetItem per 100 keys): the games, and the lobby versions of the players.
   */
  poll(gameIds: readonly string[], playerIds: readonly string[]): Promise<PollResult>;

  /**
   * Presence for instances that share no bus: an instance's attendance of a game, written
   * only if its `seq` is newer than the stored one (an older write changes nothing).
   */
  savePresence(write: PresenceWrite): Promise<void>;
  /** The presence of several games at once (one BatchGetItem per 100); missing ones are left out. */
  loadPresence(gameIds: readonly string[]): Promise<PresenceRecord[]>;
  /** An instance says it is alive until `until` (ISO time); never moves backwards. */
  saveHeartbeat(instanceId: string, until: string): Promise<void>;
  /** Until when each of these instances said it is alive; missing ones are left out. */
  loadHeartbeats(instanceIds: readonly string[]): Promise<Record<string, string>>;

  /**
   * The pending invitation by name between two players (either way round), by `pairKey`: its
   * game id, or null when none was ever made. The game may since have been answered.
   */
  getInvitationSlot(pair: string): Promise<string | null>;
  /**
   * Points the pair's slot at `gameId` if it still holds `expected` (null: never written);
   * otherwise throws StaleGameError and changes nothing. Two invitations at once: one lands.
   */
  takeInvitationSlot(pair: string, gameId: string, expected: string | null): Promise<void>;

  /** The "Play anyone" queue as last written (strongly consistent); null before the first write. */
  getPairingQueue(): Promise<PairingQueue | null>;
  /**
   * Replaces the queue with `next` if it is still at `expectedVersion` (0: never written);
   * otherwise throws StaleGameError and changes nothing. One item, so every seek is ordered.
   */
  savePairingQueue(next: PairingQueue, expectedVersion: number): Promise<void>;

  // --- readiness (issue 12, row 7) ---
  /** Whether the storage answers now, with one cheap request at most; throws when it does not. */
  ping(): Promise<void>;

  // --- rate limits (issue 12): see hit-counter.ts ---
  /** Hits on a rate limit's key in one window, shared by every instance on this store. */
  countHits: HitCounter['countHits'];

  close(): Promise<void>;
}
