import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  type CreateGameRequest,
  type GameList,
  type GameStatus,
  newBoard,
  opponentOf,
  type Player,
  type WinLossRecord,
} from '@ttt/shared';
import { AppError, BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { AlreadyExistsError, StaleGameError } from '../storage/errors.js';
import { turnPlayerId } from '../storage/keys.js';
import type { GameRecord, GameSummaryRecord, Page, Store } from '../storage/types.js';
import type { ChangeFeed } from './change-feed.js';
import { afterMove } from './moves.js';
import { addToRecord, markOf } from './views.js';

export const PAGE_SIZE = 20;

/** Random, unguessable ids: 128 bits, URL-safe, 22 characters. */
export const newGameId = () => randomBytes(16).toString('base64url');
const newInviteToken = () => randomBytes(32).toString('base64url');

/** A rematch's id follows from the game it rematches, so two rematch clicks make one game. */
export function rematchIdOf(gameId: string): string {
  return createHash('sha256').update(`${gameId}:rematch`).digest().subarray(0, 16).toString('base64url');
}

const NOT_PENDING: Record<Exclude<GameStatus, 'pending'>, { code: string; message: string }> = {
  playing: { code: 'game/already-accepted', message: 'This invitation was already accepted' },
  finished: { code: 'game/already-accepted', message: 'This invitation was already accepted, and the game is over' },
  declined: { code: 'game/declined', message: 'This invitation was declined' },
  cancelled: { code: 'game/cancelled', message: 'This invitation was cancelled' },
};

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

/**
 * Online games: invitations, moves, resignations and rematches. The rules come from shared/;
 * every write is conditional on the version it was computed from, and every change is
 * published to the change feed.
 */
export class Games {
  private readonly recent = new RecentGames();

  constructor(
    private readonly store: Store,
    private readonly feed: ChangeFeed,
    private readonly now: () => Date,
    private readonly log?: { warn(details: object, message: string): void },
  ) {}

  async get(id: string): Promise<GameRecord> {
    const game = await this.store.getGame(id);
    if (!game) throw new NotFoundError('game/not-found', 'There is no game at this address');
    this.recent.remember(game);
    this.feed.observe(game);
    return game;
  }

  async create(host: Player, request: CreateGameRequest): Promise<GameRecord> {
    let game: GameRecord;
    if ('opponent' in request) {
      const opponentId = request.opponent.toLowerCase();
      if (opponentId === host.id)
        throw new BadRequestError('game/self-invite', "You can't invite yourself; invite another player");
      const opponent = await this.store.getPlayer(opponentId);
      if (!opponent) {
        throw new NotFoundError(
          'player/not-found',
          `No player is called ${request.opponent}. Check the name, or invite by link.`,
        );
      }
      game = this.invitation(host, { id: opponent.id, name: opponent.name });
    } else {
      game = this.invitation(host, null);
    }
    await this.store.createGame(game);
    return this.announce(game, [game.hostId, game.opponentId]);
  }

  /**
   * A new, pending game: to a named opponent, or (null) behind a secret link. As in the
   * tutorial the invitee plays X and moves first, unless `fields` say otherwise (a rematch).
   */
  private invitation(host: Player, opponent: Player | null, fields: Partial<GameRecord> = {}): GameRecord {
    const at = this.now().toISOString();
    return {
      id: newGameId(),
      version: 1,
      status: 'pending',
      invite: opponent ? 'name' : 'link',
      inviteToken: opponent ? null : newInviteToken(),
      hostId: host.id,
      hostName: host.name,
      opponentId: opponent?.id ?? null,
      opponentName: opponent?.name ?? null,
      hostMark: 'O',
      board: [...newBoard()],
      moves: [],
      result: null,
      createdAt: at,
      updatedAt: at,
      finishedAt: null,
      rematchOf: null,
      rematchId: null,
      ...fields,
    };
  }

  async accept(player: Player, id: string, token: string | undefined): Promise<GameRecord> {
    // What decides an acceptance never changes while the invitation is pending.
    return this.fromRecent(
      id,
      (game) => game.status === 'pending',
      (game) => this.acceptFrom(game, player, token),
    );
  }

  private async acceptFrom(game: GameRecord, player: Player, token: string | undefined): Promise<GameRecord> {
    if (game.invite === 'name') {
      if (player.id !== game.opponentId) {
        throw new ForbiddenError('game/not-invitee', 'Only the invited player can accept this invitation');
      }
    } else {
      if (player.id === game.hostId) {
        throw new ForbiddenError('game/own-invitation', 'This is your own invitation; send the link to your opponent');
      }
      if (game.status === 'pending' && !sameSecret(token, game.inviteToken)) {
        throw new ForbiddenError('game/bad-invite-link', 'This invitation link is not valid; ask for a new one');
      }
    }
    this.expectPending(game);
    // Whoever accepts a link is new to this game; their lobby elsewhere must hear of it.
    return this.update(
      game,
      { status: 'playing', opponentId: player.id, opponentName: player.name, inviteToken: null },
      game.invite === 'link' ? [player.id] : [],
    );
  }

  async decline(player: Player, id: string): Promise<GameRecord> {
    const game = await this.get(id);
    if (game.invite === 'link' || player.id !== game.opponentId) {
      throw new ForbiddenError('game/not-invitee', 'Only the invited player can decline this invitation');
    }
    this.expectPending(game);
    return this.update(game, { status: 'declined' });
  }

  async cancel(player: Player, id: string): Promise<GameRecord> {
    const game = await this.get(id);
    if (player.id !== game.hostId) {
      throw new ForbiddenError('game/not-host', 'Only the player who sent this invitation can cancel it');
    }
    this.expectPending(game);
    return this.update(game, { status: 'cancelled', inviteToken: null });
  }

  async move(player: Player, id: string, cell: number, version: number | undefined): Promise<GameRecord> {
    // The game at the version the player saw is immutable: when this instance has it (it
    // wrote or read it, or heard of it live), the conditional write alone decides, in one request.
    const cached = [this.recent.get(id), this.feed.latest(id)].find((known) => known && known.version === version);
    const game = version !== undefined && cached ? cached : await this.get(id);
    const mark = markOf(game, player.id);
    if (!mark) throw new ForbiddenError('game/not-a-player', 'You are watching this game; only its players can move');
    if (game.status === 'finished') throw new ConflictError('game/over', 'The game is over');
    if (game.status !== 'playing') throw new ConflictError('game/not-started', 'The game has not started');
    if (version !== undefined && version !== game.version) {
      throw new StaleGameError('The board changed since you saw it; here is the latest');
    }
    if (turnPlayerId(game) !== player.id) throw new ConflictError('move/not-your-turn', "It's not your turn");
    const played = afterMove(game, cell, this.now().toISOString());
    if (!played.ok) {
      throw played.reason === 'cell-taken'
        ? new ConflictError('move/cell-taken', 'That cell is already taken')
        : new ConflictError('game/over', 'The game is over');
    }
    const next = played.next;
    try {
      await this.store.recordMove({ gameId: id, expectedVersion: game.version, playerId: player.id, mark, cell, next });
    } catch (error) {
      if (error instanceof StaleGameError) {
        throw new StaleGameError('Another move was made at the same moment; here is the latest board');
      }
      throw error;
    }
    return this.changed(next, game);
  }

  async resign(player: Player, id: string): Promise<GameRecord> {
    const game = await this.get(id);
    const mark = markOf(game, player.id);
    if (!mark) throw new ForbiddenError('game/not-a-player', 'Only the players can resign');
    if (game.status !== 'playing')
      throw new ConflictError('game/not-playing', 'Only a game in progress can be resigned');
    const at = this.now().toISOString();
    return this.update(game, {
      status: 'finished',
      result: { winner: opponentOf(mark), reason: 'resign', line: null },
      finishedAt: at,
    });
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
    const mark = markOf(game, player.id);
    if (!mark || !game.opponentId || !game.opponentName) {
      throw new ForbiddenError('game/not-a-player', 'Only the players can ask for a rematch');
    }
    if (game.status !== 'finished')
      throw new ConflictError('game/not-finished', 'A rematch can follow only a finished game');
    if (game.rematchId) throw new ConflictError('game/rematch-exists', 'A rematch was already offered for this game');
    const opponent =
      player.id === game.hostId
        ? { id: game.opponentId, name: game.opponentName }
        : { id: game.hostId, name: game.hostName };
    const rematch = this.invitation(player, opponent, {
      id: rematchIdOf(game.id),
      hostMark: opponentOf(mark),
      rematchOf: game.id,
    });
    try {
      await this.store.createGame(rematch);
    } catch (error) {
      if (error instanceof AlreadyExistsError) {
        throw new ConflictError('game/rematch-exists', 'A rematch was already offered for this game');
      }
      throw error;
    }
    await this.announce(rematch, [player.id, opponent.id]);
    await this.linkRematch(game, rematch.id);
    return rematch;
  }

  async list(playerId: string, list: GameList, cursor?: string, limit = PAGE_SIZE): Promise<Page<GameSummaryRecord>> {
    return this.store.listGames({ playerId, list, limit, cursor });
  }

  /** Wins, losses and draws, counted from the player's finished games. */
  async record(playerId: string): Promise<WinLossRecord> {
    let record: WinLossRecord = { wins: 0, losses: 0, draws: 0 };
    let cursor: string | undefined;
    do {
      const page = await this.store.listGames({ playerId, list: 'finished', limit: 100, cursor });
      for (const game of page.items) record = addToRecord(record, game, playerId);
      cursor = page.cursor ?? undefined;
    } while (cursor);
    return record;
  }

  /**
   * Decides on the copy of the game this instance last read or wrote, saving a read, when
   * `usable` says that copy can only be current or stale in a way the write's condition
   * catches. Any refusal (a 4xx: a stale copy, or a rule) is decided again on a fresh read, so
   * every answer is the one reading first would give. `decide` must not refuse after writing.
   */
  private async fromRecent(
    id: string,
    usable: (game: GameRecord) => boolean,
    decide: (game: GameRecord) => Promise<GameRecord>,
  ): Promise<GameRecord> {
    const recent = this.recent.get(id);
    if (recent && usable(recent)) {
      try {
        return await decide(recent);
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
      }
    }
    return decide(await this.get(id));
  }

  private expectPending(game: GameRecord) {
    if (game.status !== 'pending') {
      const { code, message } = NOT_PENDING[game.status];
      throw new ConflictError(code, message);
    }
  }

  /** Writes the next version of a game; `newIn`: players whose lobbies the game now enters. */
  private async update(game: GameRecord, changes: Partial<GameRecord>, newIn: string[] = []): Promise<GameRecord> {
    const next: GameRecord = { ...game, ...changes, version: game.version + 1, updatedAt: this.now().toISOString() };
    await this.store.updateGame(next, { version: game.version, status: game.status });
    return newIn.length > 0 ? this.announce(next, newIn, game) : this.changed(next, game);
  }

  /** Points the finished game at its rematch, so its page offers to open it. */
  private async linkRematch(game: GameRecord, rematchId: string) {
    let current = game;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.update(current, { rematchId });
        return;
      } catch (error) {
        if (!(error instanceof StaleGameError)) throw error;
        current = await this.get(game.id);
        if (current.rematchId) return;
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
  private async announce(game: GameRecord, newIn: (string | null)[], previous: GameRecord | null = null) {
    this.recent.remember(game);
    const heard = await this.feed.publish(game, previous).catch((error: unknown) => {
      this.log?.warn({ err: error, gameId: game.id }, 'could not announce a change');
      return false;
    });
    if (!heard) await this.tellLobbies(newIn, game.id);
    return game;
  }
}

function sameSecret(given: string | undefined, expected: string | null): boolean {
  if (!given || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
