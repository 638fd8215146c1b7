import type { GameRecord, Store } from '../storage/types.js';

export type GameListener = (game: GameRecord) => void;

/**
 * Where game changes are announced, to the game's watchers and to the lobbies of its two
 * players. Routes publish after every successful write. This in-process feed reaches the
 * clients streaming from this instance; with several instances sharing DynamoDB, a poller
 * (storage/poller.ts) re-reads the watched games in one batched request per interval and
 * publishes what other instances wrote, so a listener never knows which instance wrote.
 */
export interface ChangeFeed {
  publish(game: GameRecord): void;
  watchGame(gameId: string, listener: GameListener): () => void;
  watchPlayer(playerId: string, listener: GameListener): () => void;
  close(): Promise<void>;
}

export class LocalChangeFeed implements ChangeFeed {
  protected readonly gameListeners = new Map<string, Set<GameListener>>();
  protected readonly playerListeners = new Map<string, Set<GameListener>>();

  publish(game: GameRecord): void {
    for (const listener of this.gameListeners.get(game.id) ?? []) listener(game);
    const players = new Set([game.hostId, game.opponentId].filter((id): id is string => id !== null));
    for (const playerId of players) {
      for (const listener of this.playerListeners.get(playerId) ?? []) listener(game);
    }
  }

  watchGame(gameId: string, listener: GameListener): () => void {
    return add(this.gameListeners, gameId, listener);
  }

  watchPlayer(playerId: string, listener: GameListener): () => void {
    return add(this.playerListeners, playerId, listener);
  }

  /** Ids with at least one listener: what a poller has to re-read. */
  watchedGames(): string[] {
    return [...this.gameListeners.keys()];
  }

  watchedPlayers(): string[] {
    return [...this.playerListeners.keys()];
  }

  async close(): Promise<void> {
    this.gameListeners.clear();
    this.playerListeners.clear();
  }
}

function add(map: Map<string, Set<GameListener>>, key: string, listener: GameListener): () => void {
  let listeners = map.get(key);
  if (!listeners) {
    listeners = new Set();
    map.set(key, listeners);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && map.get(key) === listeners) map.delete(key);
  };
}

export interface FeedLogger {
  warn(details: object, message: string): void;
  debug(details: object, message: string): void;
}

export interface PollingOptions {
  /** How often to re-read what this instance's clients watch. */
  intervalMs: number;
  logger?: FeedLogger;
}

/** How many of a lobby's games are re-read: the first pages of its active lists. */
const LOBBY_GAMES = 50;

/**
 * The change feed for several instances sharing one store. Local writes are published at
 * once, as in LocalChangeFeed. Every interval, one batched read (Store.poll) re-reads every
 * game a client of this instance streams, the active games of every lobby it streams, and
 * those players' lobby versions; whatever another instance changed is published here. A
 * bumped lobby version (a new invitation) re-lists that lobby and publishes its new games.
 */
export class PollingChangeFeed extends LocalChangeFeed {
  /** The newest version published here, per game. */
  private readonly known = new Map<string, number>();
  /** Per watched lobby: its lobby version and the games it shows. */
  private readonly lobbies = new Map<string, { version: number | null; games: Set<string> }>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: Pick<Store, 'poll' | 'listGames' | 'getGames'>,
    private readonly options: PollingOptions,
  ) {
    super();
    this.timer = setInterval(() => void this.tick(), options.intervalMs);
    this.timer.unref();
  }

  override publish(game: GameRecord): void {
    if ((this.known.get(game.id) ?? -1) >= game.version) return;
    this.known.set(game.id, game.version);
    // A game of a watched lobby's player is part of that lobby from now on.
    for (const playerId of [game.hostId, game.opponentId]) {
      if (playerId) this.lobbies.get(playerId)?.games.add(game.id);
    }
    super.publish(game);
  }

  override watchPlayer(playerId: string, listener: GameListener): () => void {
    const stop = super.watchPlayer(playerId, listener);
    if (!this.lobbies.has(playerId)) {
      this.lobbies.set(playerId, { version: null, games: new Set<string>() });
      void this.startLobby(playerId).catch((error) =>
        this.options.logger?.warn({ err: error, playerId }, 'live updates: could not list a lobby'),
      );
    }
    return () => {
      stop();
      if (!this.playerListeners.has(playerId)) this.lobbies.delete(playerId);
    };
  }

  /** One round: reads everything watched, publishes what changed. Never runs twice at once. */
  tick(): Promise<void> {
    this.running ??= this.poll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async poll() {
    const gameIds = new Set(this.gameListeners.keys());
    for (const lobby of this.lobbies.values()) for (const id of lobby.games) gameIds.add(id);
    const playerIds = [...this.lobbies.keys()];
    this.forgetUnwatched(gameIds);
    if (gameIds.size === 0 && playerIds.length === 0) return;
    try {
      const { games, lobbies } = await this.store.poll([...gameIds], playerIds);
      for (const game of games) this.publish(game);
      for (const [playerId, version] of Object.entries(lobbies)) {
        const lobby = this.lobbies.get(playerId);
        if (!lobby) continue;
        if (lobby.version === null) continue;
        if (version > lobby.version) {
          lobby.version = version;
          await this.relist(playerId);
        }
      }
    } catch (error) {
      // The next round tries again; clients keep their last state meanwhile.
      this.options.logger?.warn({ err: error }, 'live updates: could not re-read watched games');
    }
  }

  /** The lobby version first, then the list: an invitation made in between is not missed. */
  private async startLobby(playerId: string) {
    const { lobbies } = await this.store.poll([], [playerId]);
    const lobby = this.lobbies.get(playerId);
    if (lobby && lobby.version === null) lobby.version = lobbies[playerId] ?? 0;
    await this.relist(playerId);
  }

  /** Re-reads which games a lobby shows, and publishes the ones this instance never saw. */
  private async relist(playerId: string) {
    const lists = await Promise.all(
      (['received', 'sent', 'playing'] as const).map((list) =>
        this.store.listGames({ playerId, list, limit: LOBBY_GAMES }),
      ),
    );
    const lobby = this.lobbies.get(playerId);
    if (!lobby) return;
    const unseen: string[] = [];
    const games = new Set<string>();
    for (const page of lists) {
      for (const game of page.items) {
        games.add(game.id);
        if ((this.known.get(game.id) ?? -1) < game.version) unseen.push(game.id);
      }
    }
    lobby.games = games;
    if (unseen.length > 0) for (const game of await this.store.getGames(unseen)) this.publish(game);
  }

  private forgetUnwatched(watched: Set<string>) {
    for (const id of this.known.keys()) if (!watched.has(id)) this.known.delete(id);
  }

  override async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    this.lobbies.clear();
    await super.close();
  }
}
