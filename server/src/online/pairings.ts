import {
  EMPTY_QUEUE,
  leave,
  type Pairing,
  type PairingQueue,
  type PairingStatus,
  type Player,
  pairingOf,
  pairingStatus,
  type SeekChoice,
  seek,
} from '@ttt/shared';
import { DomainError } from '../domain-error.js';
import type { Store } from '../storage/types.js';
import { type Games, newGameId } from './games.js';

export interface PairingsOptions {
  /** Reads and writes of the queue before giving up when others keep winning the race. */
  maxAttempts?: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * "Play anyone": load the queue, decide with the pure rules of shared/pairing.ts, write it
 * conditional on the version decided from, and on a pairing start the game. A lost race is
 * decided again on a fresh read. The queue also remembers recent pairings, so a game whose
 * start was interrupted (a crash between the two writes) is started by the next look at it.
 */
export class Pairings {
  private readonly maxAttempts: number;

  constructor(
    private readonly store: Store,
    private readonly games: Games,
    private readonly now: () => Date,
    options: PairingsOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 50;
  }

  /** Joins the queue for `choice` (time control, rated or casual), or is paired with whoever waits there. */
  async seek(player: Player, choice: SeekChoice): Promise<PairingStatus> {
    const decided = await this.update((queue, now) => {
      const outcome = seek(queue, player, choice, now, newGameId());
      return { next: outcome.queue, pairing: outcome.type === 'paired' ? outcome.pairing : null };
    });
    if (decided.pairing) await this.games.startPaired(decided.pairing, true);
    return pairingStatus(decided.queue, player.id, this.at());
  }

  /** Where the player stands; a pairing's game is made sure of before it is named. */
  async status(player: Player): Promise<PairingStatus> {
    const queue = (await this.store.getPairingQueue()) ?? EMPTY_QUEUE;
    const pairing = pairingOf(queue, player.id, this.at());
    if (pairing) await this.games.startPaired(pairing);
    return pairingStatus(queue, player.id, this.at());
  }

  /** Leaves the queue (nothing to do when not in it). */
  async leave(player: Player): Promise<PairingStatus> {
    const decided = await this.update((queue, now) => ({ next: leave(queue, player.id, now), pairing: null }));
    return pairingStatus(decided.queue, player.id, this.at());
  }

  private at(): string {
    return this.now().toISOString();
  }

  /** Read, decide, write conditionally; again on a lost race, with a short random pause. */
  private async update(
    decide: (queue: PairingQueue, now: string) => { next: PairingQueue | null; pairing: Pairing | null },
  ): Promise<{ queue: PairingQueue; pairing: Pairing | null }> {
    for (let attempt = 1; ; attempt++) {
      const queue = (await this.store.getPairingQueue()) ?? EMPTY_QUEUE;
      const { next, pairing } = decide(queue, this.at());
      if (!next) return { queue, pairing };
      try {
        await this.store.savePairingQueue(next, queue.version);
        return { queue: next, pairing };
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'game/stale' || attempt >= this.maxAttempts) {
          if (error instanceof DomainError && error.code === 'game/stale') throw new DomainError('pairing/busy');
          throw error;
        }
      }
      await pause(Math.random() * Math.min(50, 2 * attempt));
    }
  }
}
