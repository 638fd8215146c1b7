import * as z from 'zod/mini';
import { applyMove, type Mark, newBoard, opponentOf } from './board.js';
import {
  GameIdSchema,
  GameStatusSchema,
  type GameSummary,
  type GameView,
  type MoveEvent,
  type Player,
  ResultSchema,
  type WinLossRecord,
} from './online-api.js';
import { BoardSchema, CellIndexSchema, MarkSchema } from './schemas.js';

/**
 * The online game as pure functions: every action is a function of (game, actor, action,
 * now) that answers the next game and the event clients apply, or a refusal with a stable
 * code. The server decides with them and writes what they answer; the client draws with the
 * same helpers and applies the same events. No I/O, no clock: time and fresh ids come in.
 */

/** A game as it is stored, and as instances tell each other about it. */
export const OnlineGameSchema = z.object({
  id: GameIdSchema,
  /** Bumped by every change; writes are conditional on it. */
  version: z.int(),
  status: GameStatusSchema,
  invite: z.enum(['name', 'link']),
  /** The secret of a link invitation (null for invitations by name). */
  inviteToken: z.nullable(z.string()),
  hostId: z.string(),
  hostName: z.string(),
  opponentId: z.nullable(z.string()),
  opponentName: z.nullable(z.string()),
  /** The host's mark; the opponent plays the other one. */
  hostMark: MarkSchema,
  board: BoardSchema,
  moves: z.array(CellIndexSchema),
  result: z.nullable(ResultSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.nullable(z.string()),
  rematchOf: z.nullable(GameIdSchema),
  rematchId: z.nullable(GameIdSchema),
});
export type OnlineGame = z.infer<typeof OnlineGameSchema>;

/** What the lobby lists show of a game: without the move list and the invitation secret. */
export type OnlineGameSummary = Omit<OnlineGame, 'moves' | 'inviteToken' | 'finishedAt' | 'rematchId'>;

/** Why an action is refused; each code has a status and a message in the server's error table. */
export type RefusalCode =
  | 'game/self-invite'
  | 'game/not-invitee'
  | 'game/own-invitation'
  | 'game/bad-invite-link'
  | 'game/already-accepted'
  | 'game/declined'
  | 'game/cancelled'
  | 'game/not-host'
  | 'game/not-a-player'
  | 'game/over'
  | 'game/not-started'
  | 'game/not-playing'
  | 'game/not-finished'
  | 'game/stale'
  | 'game/rematch-exists'
  | 'move/not-your-turn'
  | 'move/cell-taken';

/** A pushed change: one move (small, applied to the version before it), or the whole game. */
export type GameEvent = ({ type: 'move' } & MoveEvent) | { type: 'game'; game: GameView };

export type Decision = { ok: true; next: OnlineGame; event: GameEvent } | { ok: false; code: RefusalCode };

/** An action on an existing game, by a signed-in player. */
export type GameAction =
  | { type: 'accept'; token?: string | undefined }
  | { type: 'decline' }
  | { type: 'cancel' }
  | { type: 'move'; cell: number; version?: number | undefined }
  | { type: 'resign' }
  /** Points a finished game at its rematch (written after the rematch exists). */
  | { type: 'link-rematch'; rematchId: string };

// --- who plays what, whose turn -------------------------------------------------------------

type Seats = Pick<OnlineGame, 'hostId' | 'opponentId' | 'hostMark'>;

/** The mark a player has in a game (as stored, or as the API shows it), or null for anyone else. */
export function markOf(
  game: Seats | Pick<GameSummary, 'host' | 'opponent' | 'hostMark'>,
  playerId: string | null | undefined,
): Mark | null {
  if (!playerId) return null;
  const [hostId, opponentId] = 'hostId' in game ? [game.hostId, game.opponentId] : [game.host.id, game.opponent?.id];
  if (playerId === hostId) return game.hostMark;
  if (playerId === opponentId) return opponentOf(game.hostMark);
  return null;
}

/** The mark whose turn it is, or null when the game is not being played. X moves first. */
export function turnOf(game: Pick<OnlineGame, 'status' | 'board'>): Mark | null {
  if (game.status !== 'playing') return null;
  let marks = 0;
  for (const cell of game.board) if (cell !== '') marks++;
  return marks % 2 === 0 ? 'X' : 'O';
}

/** The id of the player whose turn it is, or null. */
export function turnPlayerId(game: Pick<OnlineGame, 'status' | 'board'> & Seats): string | null {
  const mark = turnOf(game);
  if (!mark) return null;
  return mark === game.hostMark ? game.hostId : game.opponentId;
}

/** The mark that made the move at `index` (0-based) in the move list. */
export const markOfMove = (index: number): Mark => (index % 2 === 0 ? 'X' : 'O');

// --- views -----------------------------------------------------------------------------------

export function summaryView(game: OnlineGameSummary): GameSummary {
  return {
    id: game.id,
    version: game.version,
    status: game.status,
    invite: game.invite,
    host: { id: game.hostId, name: game.hostName },
    opponent: game.opponentId && game.opponentName ? { id: game.opponentId, name: game.opponentName } : null,
    hostMark: game.hostMark,
    board: game.board,
    turn: turnOf(game),
    result: game.result,
    createdAt: game.createdAt,
    updatedAt: game.updatedAt,
    rematchOf: game.rematchOf,
  };
}

/** The whole game as a viewer sees it: the secret of a pending link only for its host. */
export function gameView(game: OnlineGame, viewerId: string | null): GameView {
  const view: GameView = {
    ...summaryView(game),
    moves: game.moves,
    finishedAt: game.finishedAt,
    rematchId: game.rematchId,
  };
  if (game.inviteToken && game.status === 'pending' && viewerId === game.hostId) view.inviteToken = game.inviteToken;
  return view;
}

/** A player's record after one more finished game. */
export function addToRecord(record: WinLossRecord, game: OnlineGameSummary, playerId: string): WinLossRecord {
  const mark = markOf(game, playerId);
  if (!mark || !game.result) return record;
  if (game.result.winner === null) return { ...record, draws: record.draws + 1 };
  if (game.result.winner === mark) return { ...record, wins: record.wins + 1 };
  return { ...record, losses: record.losses + 1 };
}

// --- events ----------------------------------------------------------------------------------

/** The event that takes a client from `previous` to `next`: a move when it is one, else the game. */
export function toEvent(previous: OnlineGame | null, next: OnlineGame): GameEvent {
  const cell = next.moves.at(-1);
  if (
    previous &&
    cell !== undefined &&
    previous.status === 'playing' &&
    next.version === previous.version + 1 &&
    next.moves.length === previous.moves.length + 1
  ) {
    return {
      type: 'move',
      id: next.id,
      version: next.version,
      cell,
      mark: markOfMove(next.moves.length - 1),
      status: next.status,
      result: next.result,
      at: next.updatedAt,
    };
  }
  // Only a pending link's host ever sees its secret, and no event ever carries one.
  return { type: 'game', game: gameView(next, null) };
}

/**
 * What an event means for the view shown: the next view, the same one (an event already
 * seen, or older), or 'gap' when a move does not follow the version shown (read it again).
 */
export function applyEvent(view: GameView | null, event: GameEvent): GameView | 'gap' {
  if (event.type === 'game') {
    if (view && view.id === event.game.id && event.game.version < view.version) return view;
    return event.game;
  }
  if (!view || view.id !== event.id) return 'gap';
  if (event.version <= view.version) return view;
  if (event.version !== view.version + 1) return 'gap';
  const board = [...view.board];
  board[event.cell] = event.mark;
  return {
    ...view,
    version: event.version,
    board,
    moves: [...view.moves, event.cell],
    status: event.status,
    result: event.result,
    turn: event.status === 'playing' ? opponentOf(event.mark) : null,
    updatedAt: event.at,
    finishedAt: event.status === 'finished' ? event.at : view.finishedAt,
  };
}

// --- decisions -------------------------------------------------------------------------------

const refuse = (code: RefusalCode): Decision => ({ ok: false, code });
const done = (previous: OnlineGame | null, next: OnlineGame): Decision => ({
  ok: true,
  next,
  event: toEvent(previous, next),
});

/** Fresh values a new game needs, made outside (randomness is I/O). */
export interface NewGameIds {
  id: string;
  /** The secret of a link invitation; ignored for an invitation by name. */
  token: string;
}

/**
 * A new, pending game: to a named opponent, or (null) behind a secret link. As in the AWS
 * tutorial the invitee plays X and moves first.
 */
export function invite(host: Player, opponent: Player | null, ids: NewGameIds, now: string): Decision {
  if (opponent && opponent.id === host.id) return refuse('game/self-invite');
  return done(null, newGame(host, opponent, ids.id, opponent ? null : ids.token, now, {}));
}

/** A new invitation to the same opponent, marks swapped: one per finished game (its id given). */
export function rematch(game: OnlineGame, actor: Player, id: string, now: string): Decision {
  const mark = markOf(game, actor.id);
  if (!mark || !game.opponentId || !game.opponentName) return refuse('game/not-a-player');
  if (game.status !== 'finished') return refuse('game/not-finished');
  if (game.rematchId) return refuse('game/rematch-exists');
  const opponent =
    actor.id === game.hostId
      ? { id: game.opponentId, name: game.opponentName }
      : { id: game.hostId, name: game.hostName };
  return done(null, newGame(actor, opponent, id, null, now, { hostMark: opponentOf(mark), rematchOf: game.id }));
}

function newGame(
  host: Player,
  opponent: Player | null,
  id: string,
  token: string | null,
  now: string,
  fields: Partial<OnlineGame>,
): OnlineGame {
  return {
    id,
    version: 1,
    status: 'pending',
    invite: opponent ? 'name' : 'link',
    inviteToken: token,
    hostId: host.id,
    hostName: host.name,
    opponentId: opponent?.id ?? null,
    opponentName: opponent?.name ?? null,
    hostMark: 'O',
    board: [...newBoard()],
    moves: [],
    result: null,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
    rematchOf: null,
    rematchId: null,
    ...fields,
  };
}

const NOT_PENDING: Record<Exclude<OnlineGame['status'], 'pending'>, RefusalCode> = {
  playing: 'game/already-accepted',
  finished: 'game/already-accepted',
  declined: 'game/declined',
  cancelled: 'game/cancelled',
};

/** The next version of a game with `changes`, at `now`. */
const changed = (game: OnlineGame, changes: Partial<OnlineGame>, now: string): OnlineGame => ({
  ...game,
  ...changes,
  version: game.version + 1,
  updatedAt: now,
});

/**
 * What `actor` may do to `game` with `action` at `now`. `sameSecret` compares a link's token
 * in constant time (the server passes node:crypto's; anything that compares strings works).
 */
export function decide(
  game: OnlineGame,
  actor: Player,
  action: GameAction,
  now: string,
  sameSecret: (given: string | undefined, expected: string | null) => boolean = (given, expected) =>
    !!given && given === expected,
): Decision {
  switch (action.type) {
    case 'accept': {
      if (game.invite === 'name') {
        if (actor.id !== game.opponentId) return refuse('game/not-invitee');
      } else {
        if (actor.id === game.hostId) return refuse('game/own-invitation');
        if (game.status === 'pending' && !sameSecret(action.token, game.inviteToken)) {
          return refuse('game/bad-invite-link');
        }
      }
      if (game.status !== 'pending') return refuse(NOT_PENDING[game.status]);
      return done(
        game,
        changed(game, { status: 'playing', opponentId: actor.id, opponentName: actor.name, inviteToken: null }, now),
      );
    }
    case 'decline': {
      if (game.invite === 'link' || actor.id !== game.opponentId) return refuse('game/not-invitee');
      if (game.status !== 'pending') return refuse(NOT_PENDING[game.status]);
      return done(game, changed(game, { status: 'declined' }, now));
    }
    case 'cancel': {
      if (actor.id !== game.hostId) return refuse('game/not-host');
      if (game.status !== 'pending') return refuse(NOT_PENDING[game.status]);
      return done(game, changed(game, { status: 'cancelled', inviteToken: null }, now));
    }
    case 'move': {
      const mark = markOf(game, actor.id);
      if (!mark) return refuse('game/not-a-player');
      if (game.status === 'finished') return refuse('game/over');
      if (game.status !== 'playing') return refuse('game/not-started');
      if (action.version !== undefined && action.version !== game.version) return refuse('game/stale');
      if (turnOf(game) !== mark) return refuse('move/not-your-turn');
      const played = applyMove(game.board, action.cell);
      if (!played.ok) return refuse(played.reason === 'cell-taken' ? 'move/cell-taken' : 'game/over');
      const outcome = played.outcome;
      const next = changed(game, { board: [...played.board], moves: [...game.moves, action.cell] }, now);
      if (outcome.status === 'won') {
        next.status = 'finished';
        next.result = { winner: outcome.winner, reason: 'line', line: [...outcome.line] };
        next.finishedAt = now;
      } else if (outcome.status === 'draw') {
        next.status = 'finished';
        next.result = { winner: null, reason: 'draw', line: null };
        next.finishedAt = now;
      }
      return done(game, next);
    }
    case 'resign': {
      const mark = markOf(game, actor.id);
      if (!mark) return refuse('game/not-a-player');
      if (game.status !== 'playing') return refuse('game/not-playing');
      return done(
        game,
        changed(
          game,
          { status: 'finished', result: { winner: opponentOf(mark), reason: 'resign', line: null }, finishedAt: now },
          now,
        ),
      );
    }
    case 'link-rematch': {
      if (game.rematchId) return refuse('game/rematch-exists');
      return done(game, changed(game, { rematchId: action.rematchId }, now));
    }
  }
}

/**
 * The game after one move message, as another instance rebuilds it: the same rules as a move
 * decided here, with the time the deciding instance recorded.
 */
export function replayMove(game: OnlineGame, cell: number, at: string): OnlineGame | null {
  const mover = turnPlayerId(game);
  const name = mover === game.hostId ? game.hostName : game.opponentName;
  if (!mover || !name) return null;
  const decision = decide(game, { id: mover, name }, { type: 'move', cell }, at);
  return decision.ok ? decision.next : null;
}
