import { CellIndexSchema, GameIdSchema, replayMove, toEvent } from '@ttt/shared';
import * as z from 'zod/mini';
import { type GameRecord, GameRecordSchema, type Store } from '../storage/types.js';
import { type ChangeFeed, type GameListener, LocalChangeFeed, playersOf, type Unwatch } from './change-feed.js';
import { type FeedLogger, Poller } from './polling-feed.js';
import { parseJson, type RedisBus } from './redis-bus.js';

/** Channel names: one per game (its page), one per player (their lobby). */
export const gameChannel = (gameId: string) => `ttt:game:${gameId}`;
export const playerChannel = (playerId: string) => `ttt:player:${playerId}`;

/**
 * What instances tell each other. A move is a delta of about 80 bytes, applied to the
 * version before it; anything else (accept, resign, rematch, a new invitation) is the whole
 * game, without the secret of a link invitation. Every message carries the game's version.
 */
const MoveMessageSchema = z.object({
  t: z.literal('move'),
  id: GameIdSchema,
  v: z.int().check(z.gte(1)),
  cell: CellIndexSchema,
  at: z.string(),
});
const GameMessageSchema = z.object({ t: z.literal('game'), game: GameRecordSchema });
const FeedMessageSchema = z.union([MoveMessageSchema, GameMessageSchema]);
export type FeedMessage = z.infer<typeof FeedMessageSchema>;

/** The message for a change: the rules' own event says whether it is one move (a delta). */
export function feedMessage(next: GameRecord, previous?: GameRecord | null): FeedMessage {
  const event = toEvent(previous ?? null, next);
  if (event.type === 'move') return { t: 'move', id: next.id, v: next.version, cell: event.cell, at: event.at };
  // The link's secret stays out of the bus: only its host ever needs it, from a read.
  return { t: 'game', game: { ...next, inviteToken: null } };
}

/** A message from the bus, or null when it is not one of ours (or not this feed's kind). */
export function parseFeedMessage(text: string): FeedMessage | null {
  return parseJson(FeedMessageSchema, text);
}

export interface BusFeedOptions {
  /** How often to poll the store while the bus is down. */
  pollMs: number;
  logger?: FeedLogger | undefined;
  /** Changes kept to send again when the bus comes back (the newest per game). */
  maxUnsent?: number;
}

type BusFeedStore = Pick<Store, 'poll' | 'listGames' | 'getGames' | 'getGame'>;

/**
 * The change feed across instances on a Redis-compatible bus. Each write is published to
 * the game's channel and its players' channels; an instance subscribes only to the channels
 * of what its own clients watch. A move message applies to the version before it; when that
 * version is not here (a message was lost, or the game is new here) the game is read once.
 *
 * While the bus is down, a Poller re-reads the store as the polling feed does, and changes
 * written here are kept (the newest per game) to be sent when the bus is back. When it is
 * back, everything watched is read once more, so nothing missed in between stays missed.
 */
export class BusChangeFeed implements ChangeFeed {
  private readonly local = new LocalChangeFeed();
  private readonly poller: Poller;
  private readonly subscriptions = new Map<string, { count: number; release: Promise<() => void> }>();
  private readonly unsent = new Map<string, GameRecord>();
  private readonly rereads = new Map<string, { wanted: number }>();
  private readonly stopWatchingBus: () => void;
  private recovering: Promise<void> | null = null;
  private recoverAgain = false;
  private readonly sending = new Set<Promise<boolean>>();
  private closed = false;

  constructor(
    private readonly bus: RedisBus,
    private readonly store: BusFeedStore,
    private readonly options: BusFeedOptions,
  ) {
    this.poller = new Poller(this.local, store, { intervalMs: options.pollMs, logger: options.logger });
    if (!bus.up) this.poller.start();
    this.stopWatchingBus = bus.onState((up) => {
      if (up) void this.recover();
      else this.poller.start();
    });
  }

  /** True while changes come from the bus; false while polling. */
  get live(): boolean {
    return this.bus.up && !this.poller.started;
  }

  /** True once the bus has taken the message; false when it is down (the change is kept to send later). */
  publish(game: GameRecord, previous?: GameRecord | null): Promise<boolean> {
    this.local.deliver(game);
    const sent = this.send(game, feedMessage(game, previous)).finally(() => this.sending.delete(sent));
    this.sending.add(sent);
    return sent;
  }

  /** Resolves once every change published so far has been handed to Redis (or kept for later). */
  async settle(): Promise<void> {
    await Promise.all([...this.sending]);
  }

  observe(game: GameRecord): void {
    this.local.deliver(game);
  }

  latest(gameId: string): GameRecord | undefined {
    return this.local.latest(gameId);
  }

  async watchGame(gameId: string, listener: GameListener): Promise<Unwatch> {
    const unwatch = this.local.addGameListener(gameId, listener);
    const release = await this.subscribe(gameChannel(gameId));
    return () => {
      unwatch();
      release();
    };
  }

  async watchPlayer(playerId: string, listener: GameListener): Promise<Unwatch> {
    const unwatch = this.local.addPlayerListener(playerId, listener);
    const release = await this.subscribe(playerChannel(playerId));
    return () => {
      unwatch();
      release();
    };
  }

  /** What a reconnect does: one round of the poller now, every watched lobby re-listed (tests). */
  catchUp(): Promise<void> {
    return this.poller.catchUp();
  }

  private async send(game: GameRecord, message: FeedMessage): Promise<boolean> {
    const text = JSON.stringify(message);
    const channels = [gameChannel(game.id), ...playersOf(game).map(playerChannel)];
    const sent = await Promise.all(channels.map((channel) => this.bus.publish(channel, text)));
    if (sent.every(Boolean)) return true;
    // Sent again, whole, when the bus is back; a newer change of the same game replaces it.
    const kept = this.unsent.get(game.id);
    if (kept && kept.version >= game.version) return false;
    this.unsent.delete(game.id);
    this.unsent.set(game.id, game);
    const limit = this.options.maxUnsent ?? 10_000;
    if (this.unsent.size > limit) {
      const oldest = this.unsent.keys().next().value;
      if (oldest !== undefined) this.unsent.delete(oldest);
    }
    return false;
  }

  /** Counts listeners per channel: the first subscribes, the last one out unsubscribes. */
  private async subscribe(channel: string): Promise<() => void> {
    let subscription = this.subscriptions.get(channel);
    if (subscription) subscription.count++;
    else {
      subscription = { count: 1, release: this.bus.subscribe(channel, (text) => this.receive(text)) };
      this.subscriptions.set(channel, subscription);
    }
    await subscription.release;
    const held = subscription;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held.count--;
      if (held.count > 0 || this.subscriptions.get(channel) !== held) return;
      this.subscriptions.delete(channel);
      void held.release.then((unsubscribe) => unsubscribe());
    };
  }

  private receive(text: string) {
    const message = parseFeedMessage(text);
    if (!message) return;
    if (message.t === 'game') {
      this.local.deliver(message.game);
      return;
    }
    const known = this.local.latest(message.id);
    if (known && known.version >= message.v) return;
    if (known && known.version === message.v - 1) {
      const next = replayMove(known, message.cell, message.at);
      if (next) {
        this.local.deliver(next);
        return;
      }
    }
    // A gap (a lost message), or a game this instance has not read yet: read it, once.
    this.reread(message.id, message.v);
  }

  /** Reads a game until this instance has at least version `wanted`; one read at a time per game. */
  private reread(gameId: string, wanted: number) {
    const pending = this.rereads.get(gameId);
    if (pending) {
      pending.wanted = Math.max(pending.wanted, wanted);
      return;
    }
    const state = { wanted };
    this.rereads.set(gameId, state);
    void (async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const game = await this.store.getGame(gameId);
        if (game) this.local.deliver(game);
        if (!game || game.version >= state.wanted || this.closed) return;
      }
    })()
      .catch((error: unknown) => {
        this.options.logger?.warn({ err: error, gameId }, 'live updates: could not read a game after a gap');
      })
      .finally(() => this.rereads.delete(gameId));
  }

  /** Back on the bus: send what could not be sent, read what was missed, stop polling. */
  private recover(): Promise<void> {
    if (this.recovering) {
      // Down and up again while catching up: catch up once more when this round is done.
      this.recoverAgain = true;
      return this.recovering;
    }
    this.recovering = (async () => {
      do {
        this.recoverAgain = false;
        const unsent = [...this.unsent.values()];
        this.unsent.clear();
        for (const game of unsent) await this.send(game, feedMessage(game));
        // Everything watched, read once more; lobbies re-listed whatever their version says,
        // since a writer on the bus does not bump it.
        await this.poller.catchUp();
      } while (this.recoverAgain && this.bus.up && !this.closed);
      if (this.bus.up && !this.closed) await this.poller.stop();
    })()
      .catch((error: unknown) => {
        this.options.logger?.warn({ err: error }, 'live updates: could not catch up after reconnecting');
      })
      .finally(() => {
        this.recovering = null;
      });
    return this.recovering;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.settle();
    this.stopWatchingBus();
    await this.recovering;
    await this.poller.stop();
    for (const { release } of this.subscriptions.values()) void release.then((unsubscribe) => unsubscribe());
    this.subscriptions.clear();
    await this.local.close();
  }
}
