import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  ABANDON_AFTER_MS,
  type Change,
  type CreateGameRequest,
  type Decision,
  decide,
  type GameAction,
  type GameList,
  INVITATION_TTL_MS,
  invite,
  type Pairing,
  type Player,
  pairedGame,
  rematch,
  settle,
  tallyDue,
  turnPlayerId,
  type WinLossRecord,
} from '@ttt/shared';
import { DomainError } from '../domain-error.js';
import { AlreadyExistsError } from '../storage/errors.js';
import { listStatus, pairKey, toSummary } from '../storage/keys.js';
import type { GameRecord, GameSummaryRecord, Page, Store } from '../storage/types.js';
import { type ChangeFeed, playersOf } from './change-feed.js';
import { Tallies, type TallyOptions } from './tally.js';

export const PAGE_SIZE = 20;

/** Random, unguessable ids: 128 bits, URL-safe, 22 characters. */
export const newGameId = () => randomBytes(16).toString('base64url');
const newInviteToken = () => randomBytes(32).toString('base64url');

/** A rematch's id follows from the game it rematches, so two rematch clicks make one game. */
export function rematchIdOf(gameId: string): string {
  return createHash('sha256').update(`${gameId}:rematch`).digest().subarray(0, 16).toString('base64url');
}

/** Compares an invitation link's secret in constant time. */
function sameSecret(given: string | undefined, expected: string | null): boolean {
  if (!given || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Keeps the latest game this instance read or wrote, so a move usually needs no read first. */
class RecentGames {
  private readonly games = new Map<string, GameRecord>();
  constructor(private readonly capacity = 10_000) {}

  get(id: string): GameRecord | undefined {
    return this.games.get(id);
  }

  remember(game: GameRecord) {
    const known = this.games.get(game.id);
    if (known && known.version > game.version) return;
    this.games.delete(game.id);
    this.games.set(game.id, game);
    if (this.games.size > this.capacity) {
      const oldest = this.games.keys().next().value;
      if (oldest !== undefined) this.games.delete(oldest);
    }
  }
}

/** The decided game, or the refusal as a domain error. */
function decided(decision: Decision): GameRecord {
  if (!decision.ok) throw new DomainError(decision.code);
  return decision.next;
}

/** Who is on a game's page, as far as claims need it. */
export interface PageAttendance {
  online: ReadonlySet<string>;
  lastSeen: ReadonlyMap<string, string>;
}

export interface GamesOptions {
  log?: { warn(details: object, message: string): void } | undefined;
  /** How long an invitation waits for an answer. */
  invitationTtlMs?: number;
  /** In a live game, how long the player to move may be gone before the other may claim it. */
  abandonAfterMs?: number;
  /** Who has a game's page open (presence); without it, nobody ever counts as gone. */
  attendance?: (gameId: string) => Promise<PageAttendance>;
  /** Counts each move written (the Moves metric). */
  metrics?: { move(): void };
  /** Tests: called between a tally's steps (online/tally.ts). */
  tallyStep?: TallyOptions['step'];
}

/**
 * Online games, as boardgame.io's master runs them: load the game, decide with the pure rules
 * of shared/online-game.ts, make one write conditional on the version decided from, publish.
 * Nothing here or below re-checks the rules: the version condition makes races safe.
 */
export class Games {
  private readonly recent = new RecentGames();
  /** Records and ratings: every finished game counted once for each player. */
  readonly tallies: Tallies;

  private readonly log: GamesOptions['log'];
  readonly invitationTtlMs: number;
  readonly abandonAfterMs: number;

  constructor(
    private readonly store: Store,
    private readonly feed: ChangeFeed,
    private readonly now: () => Date,
    private readonly options: GamesOptions = {},
  ) {
    this.log = options.log;
    this.invitationTtlMs = options.invitationTtlMs ?? INVITATION_TTL_MS;
    this.abandonAfterMs = options.abandonAfterMs ?? ABANDON_AFTER_MS;
    this.tallies = new Tallies(store, now, {
      changed: (next, previous) => this.changed(next, previous),
      log: options.log,
      step: options.tallyStep,
    });
  }

  /** The game as stored, with any deadline that has passed recorded first. */
  async get(id: string): Promise<GameRecord> {
    for (let attempt = 0; ; attempt++) {
      const game = await this.store.getGame(id);
      if (!game) throw new DomainError('game/not-found');
      this.recent.remember(game);
      this.feed.observe(game);
      const due = settle(game, this.at());
      // A finished game not yet counted for both players (interrupted): count it now.
      if (!due) return tallyDue(game) ? this.tally(game) : game;
      try {
        return await this.save(game, due);
      } catch (error) {
        // Someone else recorded it (or changed the game) first: read it again.
        if (attempt >= 2 || !(error instanceof DomainError) || error.code !== 'game/stale') throw error;
      }
    }
  }

  /**
   * A new invitation: behind a link, or to a player by name. A name nobody has yet is invited
   * all the same (ids are lower-case names): the invitation waits in the lobby that name gets
   * on signing up. Two players have one pending invitation by name at a time, either way round:
   * the pair's slot is taken conditionally on what it held, then the game is written.
   */
  async create(host: Player, request: CreateGameRequest): Promise<{ game: GameRecord; opponentHasJoined: boolean }> {
    const ids = { id: newGameId(), token: newInviteToken() };
    const options = {
      timeControl: request.timeControl,
      rated: request.rated,
      invitationTtlMs: this.invitationTtlMs,
    };
    if (!('opponent' in request)) {
      const game = decided(invite(host, null, ids, this.at(), options));
      await this.store.createGame(game);
      return { game: await this.announce(game, null, playersOf(game)), opponentHasJoined: false };
    }
    const id = request.opponent.toLowerCase();
    const found = id === host.id ? host : await this.store.getPlayer(id);
    const opponent = { id, name: found?.name ?? request.opponent };
    const pair = pairKey(host.id, id);
    for (let attempt = 0; ; attempt++) {
      const held = id === host.id ? null : await this.store.getInvitationSlot(pair);
      // A slot may point at no game (a crash between the two writes): that counts as free.
      const pending = held
        ? await this.get(held).catch((error: unknown) => {
            if (error instanceof DomainError && error.code === 'game/not-found') return null;
            throw error;
          })
        : null;
      const decision = invite(host, opponent, ids, this.at(), { ...options, pending });
      if (!decision.ok && decision.code === 'game/invitation-exists' && pending) {
        throw new DomainError('game/invitation-exists', {
          link: `/games/${pending.id}`,
          mine: String(pending.hostId === host.id),
          other: opponent.name,
        });
      }
      const game = decided(decision);
      try {
        await this.store.takeInvitationSlot(pair, game.id, held);
      } catch (error) {
        // Another invitation between the two landed first: decide again from it.
        if (attempt < 2 && error instanceof DomainError && error.code === 'game/stale') continue;
        throw error;
      }
      await this.store.createGame(game);
      return { game: await this.announce(game, null, playersOf(game)), opponentHasJoined: found !== null };
    }
  }

  async accept(player: Player, id: string, token: string | undefined): Promise<GameRecord> {
    // What decides an acceptance never changes while the invitation is pending.
    return this.fromRecent(
      id,
      (game) => game.status === 'pending',
      // Whoever accepts a link is new to this game; their lobby elsewhere must hear of it.
      (game) => this.apply(game, player, { type: 'accept', token }, game.invite === 'link' ? [player.id] : []),
    );
  }

  async decline(player: Player, id: string): Promise<GameRecord> {
    return this.apply(await this.get(id), player, { type: 'decline' });
  }

  async cancel(player: Player, id: string): Promise<GameRecord> {
    return this.apply(await this.get(id), player, { type: 'cancel' });
  }

  async resign(player: Player, id: string): Promise<GameRecord> {
    return this.apply(await this.get(id), player, { type: 'resign' });
  }

  /**
   * The win or a draw, claimed by the player waiting in a live game whose opponent, to move,
   * has been gone (by presence) for `abandonAfterMs`. Gone since the page was last open, or
   * since the turn began when it was never open here.
   */
  async claim(player: Player, id: string, outcome: 'win' | 'draw'): Promise<GameRecord> {
    const game = await this.get(id);
    const mover = turnPlayerId(game);
    let moverAwaySince: string | null = null;
    if (mover) {
      const attendance = this.options.attendance ? await this.options.attendance(id) : null;
      if (attendance && !attendance.online.has(mover)) {
        const seen = attendance.lastSeen.get(mover);
        moverAwaySince = seen && seen > game.updatedAt ? seen : game.updatedAt;
      }
    }
    return this.apply(game, player, {
      type: 'claim',
      outcome,
      moverAwaySince,
      abandonAfterMs: this.abandonAfterMs,
    });
  }

  async move(player: Player, id: string, cell: number, version: number | undefined): Promise<GameRecord> {
    // The game at the version the player saw is immutable: when this instance has it (it
    // wrote or read it, or heard of it live), the conditional write alone decides, in one request.
    const cached =
      version === undefined
        ? undefined
        : [this.recent.get(id), this.feed.latest(id)].find((known) => known?.version === version);
    return this.apply(cached ?? (await this.get(id)), player, { type: 'move', cell, version });
  }

  /**
   * The game of a "Play anyone" pairing, started if it is not yet (it may have been by the
   * request that made the pairing, or by an earlier look at it): both players' lobbies hear.
   * `justPaired`: the pairing was just made here, so the game can't exist yet (no read first).
   */
  async startPaired(pairing: Pairing, justPaired = false): Promise<GameRecord> {
    if (!justPaired) {
      const known = this.recent.get(pairing.gameId) ?? (await this.store.getGame(pairing.gameId));
      if (known) return known;
    }
    const game = pairedGame(pairing);
    try {
      await this.store.createGame(game);
    } catch (error) {
      if (error instanceof AlreadyExistsError) return this.recent.get(game.id) ?? this.get(game.id);
      throw error;
    }
    return this.announce(game, null, playersOf(game));
  }

  /** A new invitation to the same opponent, marks swapped; one per finished game. */
  async rematch(player: Player, id: string): Promise<GameRecord> {
    // A finished game stays finished; a rematch made elsewhere meanwhile fails the create's
    // condition (its id follows from the game's), and the refusal is decided on a fresh read.
    return this.fromRecent(
      id,
      (game) => game.status === 'finished',
      (game) => this.rematchFrom(game, player),
    );
  }

  private async rematchFrom(game: GameRecord, player: Player): Promise<GameRecord> {
    const next = decided(rematch(game, player, rematchIdOf(game.id), this.at(), this.invitationTtlMs));
    try {
      await this.store.createGame(next);
    } catch (error) {
      if (error instanceof AlreadyExistsError) throw new DomainError('game/rematch-exists');
      throw error;
    }
    await this.announce(next, null, playersOf(next));
    await this.linkRematch(game, next.id);
    return next;
  }

  /**
   * One page of a list. A listed game whose deadline has passed is settled first (an expired
   * invitation, a player out of time), and left out when that moves it to another list.
   */
  async list(playerId: string, list: GameList, cursor?: string, limit = PAGE_SIZE): Promise<Page<GameSummaryRecord>> {
    const page = await this.store.listGames({ playerId, list, limit, cursor });
    const now = Date.parse(this.at());
    const overdue = page.items.filter(
      (game) => (game.deadline !== null && Date.parse(game.deadline) <= now) || tallyDue(game),
    );
    if (overdue.length === 0) return page;
    const settled = new Map<string, GameRecord>();
    for (const game of overdue) {
      try {
        settled.set(game.id, await this.get(game.id));
      } catch (error) {
        if (!(error instanceof DomainError) || error.code === 'storage/unavailable') throw error;
      }
    }
    const items = page.items.flatMap((game) => {
      const now_ = settled.get(game.id);
      if (!now_) return [game];
      return listStatus(list) === now_.status ? [toSummary(now_)] : [];
    });
    return { ...page, items };
  }

  /** Wins, losses and draws: the player's counters (online/tally.ts). */
  async record(playerId: string, finishedPage?: Promise<Page<GameSummaryRecord>>): Promise<WinLossRecord> {
    return this.tallies.record(playerId, finishedPage);
  }

  /**
   * Counts a finished game in both players' records and ratings (once: see tally.ts). A failure
   * leaves the game due, to be counted when it is next read, so it is logged, not thrown.
   */
  private async tally(game: GameRecord): Promise<GameRecord> {
    try {
      return await this.tallies.settle(game);
    } catch (error) {
      this.log?.warn({ err: error, gameId: game.id }, 'could not count a finished game yet');
      return game;
    }
  }

  /** The time now, by the clock this service decides with (clients count clocks from it). */
  at(): string {
    return this.now().toISOString();
  }

  /**
   * Decide, write conditionally on the version decided from, publish. `newIn`: players whose
   * lobbies the game enters with this change.
   */
  private async apply(game: GameRecord, player: Player, action: GameAction, newIn: string[] = []) {
    const decision = decide(game, player, action, this.at(), sameSecret);
    if (!decision.ok) {
      // A deadline passed before the action: record that, then refuse.
      if (decision.settled) await this.save(game, decision.settled);
      throw new DomainError(decision.code);
    }
    const next = decision.next;
    if (action.type === 'move') {
      await this.store.recordMove(next, game.version);
      this.options.metrics?.move();
    } else await this.store.updateGame(next, game.version);
    const published = newIn.length > 0 ? await this.announce(next, game, newIn) : this.changed(next, game);
    return tallyDue(published) ? this.tally(published) : published;
  }

  /** Writes a settled deadline, conditional on the version it was decided from, and publishes it. */
  private async save(game: GameRecord, change: Change): Promise<GameRecord> {
    await this.store.updateGame(change.next, game.version);
    const published = this.changed(change.next, game);
    return tallyDue(published) ? this.tally(published) : published;
  }

  /**
   * Decides on the copy of the game this instance last read or wrote, saving a read, when
   * `usable` says that copy can only be current or stale in a way the write's condition
   * catches. Any refusal (a stale copy, or a rule) is decided again on a fresh read, so every
   * answer is the one reading first would give. `act` must not refuse after writing.
   */
  private async fromRecent(
    id: string,
    usable: (game: GameRecord) => boolean,
    act: (game: GameRecord) => Promise<GameRecord>,
  ): Promise<GameRecord> {
    const recent = this.recent.get(id);
    if (recent && usable(recent)) {
      try {
        return await act(recent);
      } catch (error) {
        if (!(error instanceof DomainError) || error.code === 'storage/unavailable') throw error;
      }
    }
    return act(await this.get(id));
  }

  /** Points the finished game at its rematch, so its page offers to open it. */
  private async linkRematch(game: GameRecord, rematchId: string) {
    let current = game;
    for (let attempt = 0; attempt < 3; attempt++) {
      const decision = decide(current, { id: '', name: '' }, { type: 'link-rematch', rematchId }, this.at());
      if (!decision.ok) return; // linked already, by the other player's click
      try {
        await this.store.updateGame(decision.next, current.version);
        this.changed(decision.next, current);
        return;
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'game/stale') throw error;
        current = await this.get(game.id);
      }
    }
  }

  /**
   * A game has entered these players' lobbies and the bus could not tell the other instances:
   * those polling learn of it from the bumped lobby version (changes to games they already
   * show, they re-read by themselves). The game is stored already, so a failure only delays
   * that news: logged.
   */
  private async tellLobbies(playerIds: (string | null)[], gameId: string) {
    await Promise.all(
      playerIds
        .filter((id): id is string => id !== null)
        .map(async (playerId) => {
          try {
            await this.store.touchLobby(playerId);
          } catch (error) {
            this.log?.warn({ err: error, playerId, gameId }, 'could not mark the lobby as changed');
          }
        }),
    );
  }

  private changed(game: GameRecord, previous: GameRecord | null = null): GameRecord {
    this.recent.remember(game);
    this.feed.publish(game, previous).catch((error: unknown) => {
      this.log?.warn({ err: error, gameId: game.id }, 'could not announce a change');
    });
    return game;
  }

  /**
   * A change that brings the game into these players' lobbies. When the feed told every
   * instance directly (the bus, or a single instance) that is all; otherwise the instances
   * poll, and the lobby versions are bumped so they re-list those lobbies.
   */
  private async announce(game: GameRecord, previous: GameRecord | null, newIn: (string | null)[]) {
    this.recent.remember(game);
    const heard = await this.feed.publish(game, previous).catch((error: unknown) => {
      this.log?.warn({ err: error, gameId: game.id }, 'could not announce a change');
      return false;
    });
    if (!heard) await this.tellLobbies(newIn, game.id);
    return game;
  }
}
