import type { GameRecord } from '../storage/types.js';

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
