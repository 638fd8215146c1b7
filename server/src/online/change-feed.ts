import type { GameRecord } from '../storage/types.js';

export type GameListener = (game: GameRecord) => void;
export type Unwatch = () => void;

/**
 * Where game changes are announced, to the game's watchers and to the lobbies of its two
 * players. The service publishes after every successful write. A listener never knows
 * which instance wrote: the in-process feed serves one instance; with several instances,
 * the bus feed (bus-feed.ts) or the polling feed (polling-feed.ts) brings the others' writes.
 */
export interface ChangeFeed {
  /**
   * A change this instance wrote. `previous` is the version it was computed from (none for
   * a new game): a feed that crosses instances sends a move as a small delta against it.
   * Resolves true when every other instance has been told directly (or there is none), false
   * when they must find it by polling (then a new game in a lobby needs its lobby version bumped).
   */
  publish(game: GameRecord, previous?: GameRecord | null): Promise<boolean>;
  /**
   * A version this instance read from the store: told to local listeners if it is news to
   * them, and kept, so that later move messages apply to it without another read.
   */
  observe(game: GameRecord): void;
  /** The newest version this instance knows of a game its clients watch, if any. */
  latest(gameId: string): GameRecord | undefined;
  /** Resolves once every change written anywhere from then on will reach the listener. */
  watchGame(gameId: string, listener: GameListener): Promise<Unwatch>;
  /** Changes to any game of the player (their lobby), from the moment it resolves. */
  watchPlayer(playerId: string, listener: GameListener): Promise<Unwatch>;
  close(): Promise<void>;
}

/**
 * The in-process feed: listeners by game and by player, and the newest version of every
 * game someone here watches, so an older version arriving late is never shown after a
 * newer one. The other feeds are built around one of these.
 */
export class LocalChangeFeed implements ChangeFeed {
  private readonly gameListeners = new Map<string, Set<GameListener>>();
  private readonly playerListeners = new Map<string, Set<GameListener>>();
  /** The newest record of each watched game (by id or through a player's lobby). */
  private readonly newest = new Map<string, GameRecord>();
  /** Which of `latest` each player takes part in, to forget them when their lobby closes. */
  private readonly gamesOfPlayer = new Map<string, Set<string>>();

  observe(game: GameRecord): void {
    this.deliver(game);
  }

  /** One instance: nobody else to tell. */
  async publish(game: GameRecord): Promise<boolean> {
    this.deliver(game);
    return true;
  }

  /** Tells the listeners here; false (and nobody told) when a newer version was delivered already. */
  deliver(game: GameRecord): boolean {
    const known = this.newest.get(game.id);
    if (known && known.version >= game.version) return false;
    if (this.isWatched(game)) this.remember(game);
    for (const listener of this.gameListeners.get(game.id) ?? []) listener(game);
    for (const playerId of playersOf(game)) {
      for (const listener of this.playerListeners.get(playerId) ?? []) listener(game);
    }
    return true;
  }

  async watchGame(gameId: string, listener: GameListener): Promise<Unwatch> {
    return this.addGameListener(gameId, listener);
  }

  async watchPlayer(playerId: string, listener: GameListener): Promise<Unwatch> {
    return this.addPlayerListener(playerId, listener);
  }

  /** Synchronous forms, for feeds that wrap this one. */
  addGameListener(gameId: string, listener: GameListener): Unwatch {
    const remove = add(this.gameListeners, gameId, listener);
    return () => {
      remove();
      const game = this.newest.get(gameId);
      if (game && !this.isWatched(game)) this.forget(game);
    };
  }

  addPlayerListener(playerId: string, listener: GameListener): Unwatch {
    const remove = add(this.playerListeners, playerId, listener);
    return () => {
      remove();
      if (this.playerListeners.has(playerId)) return;
      for (const id of [...(this.gamesOfPlayer.get(playerId) ?? [])]) {
        const game = this.newest.get(id);
        if (game && !this.isWatched(game)) this.forget(game);
      }
    };
  }

  /** The newest version published here of a watched game. */
  latest(gameId: string): GameRecord | undefined {
    return this.newest.get(gameId);
  }

  /** Games with at least one listener of their own. */
  watchedGames(): string[] {
    return [...this.gameListeners.keys()];
  }

  /** Players whose lobby has at least one listener. */
  watchedPlayers(): string[] {
    return [...this.playerListeners.keys()];
  }

  async close(): Promise<void> {
    this.gameListeners.clear();
    this.playerListeners.clear();
    this.newest.clear();
    this.gamesOfPlayer.clear();
  }

  private isWatched(game: GameRecord): boolean {
    return this.gameListeners.has(game.id) || playersOf(game).some((id) => this.playerListeners.has(id));
  }

  private remember(game: GameRecord) {
    this.newest.set(game.id, game);
    for (const playerId of playersOf(game)) {
      let games = this.gamesOfPlayer.get(playerId);
      if (!games) {
        games = new Set();
        this.gamesOfPlayer.set(playerId, games);
      }
      games.add(game.id);
    }
  }

  private forget(game: GameRecord) {
    this.newest.delete(game.id);
    for (const playerId of playersOf(game)) {
      const games = this.gamesOfPlayer.get(playerId);
      games?.delete(game.id);
      if (games?.size === 0) this.gamesOfPlayer.delete(playerId);
    }
  }
}

/** The host and, once there is one, the opponent. */
export function playersOf(game: Pick<GameRecord, 'hostId' | 'opponentId'>): string[] {
  return game.opponentId && game.opponentId !== game.hostId ? [game.hostId, game.opponentId] : [game.hostId];
}

function add<T>(map: Map<string, Set<T>>, key: string, value: T): Unwatch {
  let values = map.get(key);
  if (!values) {
    values = new Set();
    map.set(key, values);
  }
  values.add(value);
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    values.delete(value);
    if (values.size === 0 && map.get(key) === values) map.delete(key);
  };
}
