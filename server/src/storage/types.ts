import type { Cell, GameList, GameStatus, Mark, Result } from '@ttt/shared';

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
  /** Failed sign-ins since the last successful one. */
  failedSignIns: number;
  lastFailedSignInAt: string | null;
}

export interface GameRecord {
  id: string;
  /** Bumped by every change; writes are conditional on it. */
  version: number;
  status: GameStatus;
  invite: 'name' | 'link';
  /** The secret of a link invitation (null for invitations by name). */
  inviteToken: string | null;
  hostId: string;
  hostName: string;
  opponentId: string | null;
  opponentName: string | null;
  /** The host's mark; the opponent plays the other one. */
  hostMark: Mark;
  board: Cell[];
  moves: number[];
  result: Result | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  rematchOf: string | null;
  rematchId: string | null;
}

/** What the lobby lists show: the record without the move list and the invitation secret. */
export type GameSummaryRecord = Omit<GameRecord, 'moves' | 'inviteToken' | 'finishedAt' | 'rematchId'>;

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

/** A move as the store checks and writes it, in one conditional write. */
export interface MoveWrite {
  gameId: string;
  /** The version the move was computed from. */
  expectedVersion: number;
  /** The player whose turn it must be, and their mark. */
  playerId: string;
  mark: Mark;
  cell: number;
  /** The game after the move (status, result, times), as the rules computed it. */
  next: GameRecord;
}

export interface PollResult {
  games: GameRecord[];
  /** Lobby version per player (0 for a player never touched; missing players left out). */
  lobbies: Record<string, number>;
}

export interface Store {
  readonly kind: 'memory' | 'dynamodb';

  /** Creates the player unless the name (ignoring case) is taken; false when taken. */
  createPlayer(player: PlayerRecord): Promise<boolean>;
  getPlayer(id: string): Promise<PlayerRecord | null>;
  /** Counts one more failed sign-in at `at`; returns the player as it now is. */
  recordSignInFailure(id: string, at: string): Promise<PlayerRecord | null>;
  clearSignInFailures(id: string): Promise<void>;

  /** Stores a new game; throws AlreadyExistsError when the id is taken. */
  createGame(game: GameRecord): Promise<void>;
  /** The game as last written (strongly consistent). */
  getGame(id: string): Promise<GameRecord | null>;
  /** Several games at once, in no particular order; missing ones are left out. */
  getGames(ids: readonly string[]): Promise<GameRecord[]>;
  /**
   * Replaces the game with `next` if it is still at `expected` version and status;
   * otherwise throws StaleGameError and changes nothing.
   */
  updateGame(next: GameRecord, expected: { version: number; status: GameStatus }): Promise<void>;
  /**
   * Records one move if the game is still at the expected version, in play, it is the
   * player's turn and the cell is empty; otherwise throws StaleGameError.
   */
  recordMove(move: MoveWrite): Promise<void>;
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

  close(): Promise<void>;
}
