import type { GameRecord, Store } from '../storage/types.js';
import { type ChangeFeed, type GameListener, LocalChangeFeed, type Unwatch } from './change-feed.js';

export interface FeedLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  debug(details: object, message: string): void;
}

export interface PollerOptions {
  /** How often to re-read what this instance's clients watch. */
  intervalMs: number;
  logger?: FeedLogger | undefined;
}

/** How many of a lobby's games are re-read: the first pages of its active lists. */
const LOBBY_GAMES = 50;

type PollingStore = Pick<Store, 'poll' | 'listGames' | 'getGames'>;

/**
 * Re-reads, every interval, everything the clients of this instance watch, in one batched
 * read (Store.poll): every streamed game, the active games of every streamed lobby, and
 * those players' lobby versions. Whatever another instance changed is published into the
 * local feed. A bumped lobby version (a new invitation) re-lists that lobby. The first
 * round after a lobby is watched takes its baseline: its lobby version, then its list.
 */
export class Poller {
  /** Per watched lobby: its lobby version and the games it shows. */
  private readonly lobbies = new Map<string, { version: number; games: Set<string> }>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<void> | null = null;
  /** The next round re-lists every watched lobby, bumped or not. */
  private relistAll = false;

  constructor(
    private readonly local: LocalChangeFeed,
    private readonly store: PollingStore,
    private readonly options: PollerOptions,
  ) {}

  get started(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops polling and drops the lobby baselines: a later start takes them again. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    this.lobbies.clear();
  }

  /**
   * A round that starts after this call (not one already running) and re-lists every watched
   * lobby: what a reconnect to the bus needs, since writers on the bus bump no lobby version.
   */
  async catchUp(): Promise<void> {
    await this.running;
    this.relistAll = true;
    await this.tick();
  }

  /** One round: reads everything watched, publishes what changed. Never runs twice at once. */
  tick(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async round() {
    const relistAll = this.relistAll;
    this.relistAll = false;
    const players = this.local.watchedPlayers();
    const watched = new Set(players);
    for (const id of this.lobbies.keys()) if (!watched.has(id)) this.lobbies.delete(id);
    const gameIds = new Set(this.local.watchedGames());
    for (const lobby of this.lobbies.values()) for (const id of lobby.games) gameIds.add(id);
    if (gameIds.size === 0 && players.length === 0) return;
    try {
      const { games, lobbies } = await this.store.poll([...gameIds], players);
      for (const game of games) this.local.deliver(game);
      for (const playerId of players) {
        const version = lobbies[playerId] ?? 0;
        const lobby = this.lobbies.get(playerId);
        if (lobby && version <= lobby.version && !relistAll) continue;
        // New here (its baseline), or bumped by an invitation: list it again.
        this.lobbies.set(playerId, { version, games: lobby?.games ?? new Set() });
        await this.relist(playerId);
      }
    } catch (error) {
      // The next round tries again; clients keep their last state meanwhile.
      this.options.logger?.warn({ err: error }, 'live updates: could not re-read watched games');
    }
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
        if ((this.local.latest(game.id)?.version ?? -1) < game.version) unseen.push(game.id);
      }
    }
    lobby.games = games;
    if (unseen.length > 0) for (const game of await this.store.getGames(unseen)) this.local.deliver(game);
  }
}

/**
 * The change feed for several instances sharing DynamoDB and nothing else: local writes
 * are published at once, and a Poller brings the other instances' writes every interval.
 */
export class PollingChangeFeed implements ChangeFeed {
  private readonly local = new LocalChangeFeed();
  private readonly poller: Poller;

  constructor(store: PollingStore, options: PollerOptions) {
    this.poller = new Poller(this.local, store, options);
    this.poller.start();
  }

  /** The others poll: a new game in a lobby needs its lobby version bumped (false). */
  async publish(game: GameRecord): Promise<boolean> {
    this.local.deliver(game);
    return false;
  }

  observe(game: GameRecord): void {
    this.local.deliver(game);
  }

  latest(gameId: string): GameRecord | undefined {
    return this.local.latest(gameId);
  }

  async watchGame(gameId: string, listener: GameListener): Promise<Unwatch> {
    return this.local.addGameListener(gameId, listener);
  }

  async watchPlayer(playerId: string, listener: GameListener): Promise<Unwatch> {
    return this.local.addPlayerListener(playerId, listener);
  }

  /** One round now (tests call it instead of waiting for the interval). */
  tick(): Promise<void> {
    return this.poller.tick();
  }

  async close(): Promise<void> {
    await this.poller.stop();
    await this.local.close();
  }
}
