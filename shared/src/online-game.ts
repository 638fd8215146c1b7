import * as z from 'zod/mini';
import { applyMove, type Mark, newBoard, opponentOf } from './board.js';
import {
  type Clocks,
  ClocksSchema,
  DEFAULT_TIME_CONTROL,
  GameIdSchema,
  GameStatusSchema,
  type GameSummary,
  type GameView,
  type MoveEvent,
  type Player,
  RatingChangeSchema,
  type RatingChanges,
  RatingSchema,
  type Result,
  ResultSchema,
  type TimeControl,
  TimeControlSchema,
  type WinLossRecord,
} from './online-api.js';
import type { Pairing } from './pairing.js';
import { BoardSchema, CellIndexSchema, MarkSchema } from './schemas.js';

/**
 * The online game as pure functions: every action is a function of (game, actor, action,
 * now) that answers the next game and the event clients apply, or a refusal with a stable
 * code. The server decides with them and writes what they answer; the client draws with the
 * same helpers and applies the same events. No I/O, no clock: time and fresh ids come in.
 */

/** One player's share of a finished game's tally: counted, with the rating change (null when casual). */
export const TallyEntrySchema = z.object({ change: z.nullable(RatingChangeSchema) });

/**
 * How a finished game reaches its players' records and ratings, each exactly once (see the
 * server's online/tally.ts): the game says which player's stats have taken it, and the stats
 * say which games they took and the game does not yet know of.
 */
export const TallySchema = z.object({
  /** Rated games: both players' ratings as the tally began, what each update is computed against. */
  snapshot: z.nullable(z.object({ X: RatingSchema, O: RatingSchema })),
  /** Per mark: null until that player's record (and rating) has taken the game. */
  X: z.nullable(TallyEntrySchema),
  O: z.nullable(TallyEntrySchema),
});
export type Tally = z.infer<typeof TallySchema>;

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
  /** null for games made before time controls existed. */
  timeControl: z.nullable(TimeControlSchema),
  /** When the pending invitation expires, or the player to move runs out of time; else null. */
  deadline: z.nullable(z.string()),
  /** Live games: each player's time left at the start of the current turn. */
  clocks: z.nullable(ClocksSchema),
  /** Chosen with the invitation; a finished rated game changes both players' ratings. */
  rated: z.boolean(),
  /**
   * Set when the game finishes; null before, and on games finished before records were kept
   * as counters (those were counted once, when the player's stats were first made).
   */
  tally: z.nullable(TallySchema),
});
export type OnlineGame = z.infer<typeof OnlineGameSchema>;

/** What the lobby lists show of a game: without the move list, the clocks and the invitation secret. */
export type OnlineGameSummary = Omit<OnlineGame, 'moves' | 'inviteToken' | 'finishedAt' | 'rematchId' | 'clocks'>;

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
  | 'game/expired'
  | 'game/invitation-exists'
  | 'move/not-your-turn'
  | 'move/cell-taken'
  | 'claim/not-live'
  | 'claim/your-turn'
  | 'claim/opponent-here'
  | 'claim/too-soon';

/** A pushed change: one move (small, applied to the version before it), or the whole game. */
export type GameEvent = ({ type: 'move' } & MoveEvent) | { type: 'game'; game: GameView };

/** A change decided: the next game, and the event that takes clients to it. */
export interface Change {
  next: OnlineGame;
  event: GameEvent;
}

/**
 * What an action comes to. A refusal may still carry `settled`: a deadline had passed (the
 * player to move ran out of time, or the invitation expired), which is recorded all the same.
 */
export type Decision = ({ ok: true } & Change) | { ok: false; code: RefusalCode; settled?: Change };

/** An action on an existing game, by a signed-in player. */
export type GameAction =
  | { type: 'accept'; token?: string | undefined }
  | { type: 'decline' }
  | { type: 'cancel' }
  | { type: 'move'; cell: number; version?: number | undefined }
  | { type: 'resign' }
  /**
   * In a live game, the player waiting claims the win or a draw because the player to move
   * left: gone since `moverAwaySince` (null: connected now), for at least `abandonAfterMs`.
   */
  | { type: 'claim'; outcome: 'win' | 'draw'; moverAwaySince: string | null; abandonAfterMs: number }
  /** Points a finished game at its rematch (written after the rematch exists). */
  | { type: 'link-rematch'; rematchId: string };

// --- who plays what, whose turn -------------------------------------------------------------

type Seats = Pick<OnlineGame, 'hostId' | 'opponentId' | 'hostMark'>;
/** Who sits where, as stored or as the API shows it. */
type AnySeats = Seats | Pick<GameSummary, 'host' | 'opponent' | 'hostMark'>;

/** The mark a player has in a game (as stored, or as the API shows it), or null for anyone else. */
export function markOf(game: AnySeats, playerId: string | null | undefined): Mark | null {
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
    timeControl: game.timeControl,
    deadline: game.deadline,
    rated: game.rated,
    ratingChanges: ratingChangesOf(game),
  };
}

/** A finished rated game's rating changes as far as they are applied; null for any other game. */
export function ratingChangesOf(game: Pick<OnlineGame, 'rated' | 'tally'>): RatingChanges | null {
  if (!game.rated || !game.tally) return null;
  return { X: game.tally.X?.change ?? null, O: game.tally.O?.change ?? null };
}

/** The tally a game starts with as it finishes: nobody has counted it yet. */
export const NEW_TALLY: Tally = { snapshot: null, X: null, O: null };

/** A finished game some player's stats have not taken yet. */
export const tallyDue = (game: Pick<OnlineGame, 'status' | 'tally'>): boolean =>
  game.status === 'finished' && game.tally !== null && (game.tally.X === null || game.tally.O === null);

/** The whole game as a viewer sees it: the secret of a pending link only for its host. */
export function gameView(game: OnlineGame, viewerId: string | null): GameView {
  const view: GameView = {
    ...summaryView(game),
    moves: game.moves,
    finishedAt: game.finishedAt,
    rematchId: game.rematchId,
    clocks: game.clocks,
  };
  if (game.inviteToken && game.status === 'pending' && viewerId === game.hostId) view.inviteToken = game.inviteToken;
  return view;
}

/** A player's record after one more finished game (as stored, or as the lobby shows it). */
export function addToRecord(
  record: WinLossRecord,
  game: AnySeats & Pick<OnlineGame, 'result'>,
  playerId: string,
): WinLossRecord {
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
      deadline: next.deadline,
      clocks: next.clocks,
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
    deadline: event.deadline,
    clocks: event.clocks,
    ratingChanges: event.status === 'finished' && view.rated ? { X: null, O: null } : view.ratingChanges,
  };
}

// --- decisions -------------------------------------------------------------------------------

const refuse = (code: RefusalCode): Decision => ({ ok: false, code });
const done = (previous: OnlineGame | null, next: OnlineGame): Decision => ({
  ok: true,
  next,
  event: toEvent(previous, next),
});

// --- time ------------------------------------------------------------------------------------

/** How long invitations wait for an answer, by default. */
export const INVITATION_TTL_MS = 24 * 60 * 60 * 1000;
/** How long the player to move may be gone from a live game before the other may claim it. */
export const ABANDON_AFTER_MS = 30_000;
const DAY_MS = 24 * 60 * 60 * 1000;

const later = (now: string, ms: number) => new Date(Date.parse(now) + ms).toISOString();
const msUntil = (deadline: string, now: string) => Date.parse(deadline) - Date.parse(now);

/** When the player to move must have moved by, at the start of a turn at `now` (null: never). */
function turnDeadline(timeControl: TimeControl | null, clocks: Clocks | null, mover: Mark, now: string) {
  if (!timeControl) return null;
  if (timeControl.type === 'correspondence') return later(now, timeControl.days * DAY_MS);
  return clocks ? later(now, clocks[mover]) : null;
}

/** The clocks with the player to move's time as it stands at `now` (when a game ends mid-turn). */
function stoppedClocks(game: OnlineGame, now: string): Clocks | null {
  const mover = turnOf(game);
  if (!game.clocks || !mover || !game.deadline) return game.clocks;
  return { ...game.clocks, [mover]: Math.max(0, msUntil(game.deadline, now)) };
}

/**
 * A deadline that has passed, recorded: an invitation nobody answered expires; a player who
 * has not moved in time loses. null when nothing is due yet. No timer runs anywhere: whoever
 * reads or acts on the game after its deadline writes this (conditional on the version, as
 * every write is), so it holds across instances and restarts.
 */
export function settle(game: OnlineGame, now: string): Change | null {
  if (!game.deadline || Date.parse(now) < Date.parse(game.deadline)) return null;
  if (game.status === 'pending') {
    return toChange(game, changed(game, { status: 'expired', inviteToken: null, deadline: null }, now));
  }
  const mover = turnOf(game);
  if (game.status !== 'playing' || !mover) return null;
  const next = changed(
    game,
    {
      status: 'finished',
      result: { winner: opponentOf(mover), reason: 'timeout', line: null },
      finishedAt: game.deadline,
      deadline: null,
      clocks: game.clocks ? { ...game.clocks, [mover]: 0 } : null,
      tally: NEW_TALLY,
    },
    now,
  );
  return toChange(game, next);
}

const toChange = (previous: OnlineGame, next: OnlineGame): Change => ({ next, event: toEvent(previous, next) });

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
export function invite(
  host: Player,
  opponent: Player | null,
  ids: NewGameIds,
  now: string,
  options: {
    timeControl?: TimeControl | undefined;
    /** Rated or casual (the default). */
    rated?: boolean | undefined;
    invitationTtlMs?: number;
    /** The invitation by name the two already have pending, either way round, if any. */
    pending?: OnlineGame | null;
  } = {},
): Decision {
  if (opponent && opponent.id === host.id) return refuse('game/self-invite');
  // One pending invitation per pair: answer the one there is (it is settled first, so an
  // expired one does not count).
  if (opponent && options.pending && !settle(options.pending, now) && options.pending.status === 'pending') {
    const { hostId, opponentId } = options.pending;
    if ((hostId === host.id && opponentId === opponent.id) || (hostId === opponent.id && opponentId === host.id)) {
      return refuse('game/invitation-exists');
    }
  }
  return done(
    null,
    newGame(host, opponent, ids.id, opponent ? null : ids.token, now, {
      timeControl: options.timeControl ?? DEFAULT_TIME_CONTROL,
      rated: options.rated ?? false,
      deadline: later(now, options.invitationTtlMs ?? INVITATION_TTL_MS),
    }),
  );
}

/**
 * The game "Play anyone" makes of a pairing: already being played, as if invited and accepted
 * at once, the player who waited hosting and playing X (to move), the clocks running.
 */
export function pairedGame(pairing: Pairing): OnlineGame {
  const pending = newGame(pairing.host, pairing.opponent, pairing.gameId, null, pairing.at, {
    hostMark: 'X',
    timeControl: pairing.timeControl,
    rated: pairing.rated,
    deadline: later(pairing.at, INVITATION_TTL_MS),
  });
  const accepted = decide(pending, pairing.opponent, { type: 'accept' }, pairing.at);
  if (!accepted.ok) throw new Error(`a pairing could not start its game: ${accepted.code}`);
  return accepted.next;
}

/**
 * A new invitation to the same opponent, marks swapped, same time control: one per finished
 * game (its id given).
 */
export function rematch(
  game: OnlineGame,
  actor: Player,
  id: string,
  now: string,
  invitationTtlMs = INVITATION_TTL_MS,
): Decision {
  const mark = markOf(game, actor.id);
  if (!mark || !game.opponentId || !game.opponentName) return refuse('game/not-a-player');
  if (game.status !== 'finished') return refuse('game/not-finished');
  if (game.rematchId) return refuse('game/rematch-exists');
  const opponent =
    actor.id === game.hostId
      ? { id: game.opponentId, name: game.opponentName }
      : { id: game.hostId, name: game.hostName };
  return done(
    null,
    newGame(actor, opponent, id, null, now, {
      hostMark: opponentOf(mark),
      rematchOf: game.id,
      timeControl: game.timeControl ?? DEFAULT_TIME_CONTROL,
      rated: game.rated,
      deadline: later(now, invitationTtlMs),
    }),
  );
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
    timeControl: DEFAULT_TIME_CONTROL,
    deadline: null,
    clocks: null,
    rated: false,
    tally: null,
    ...fields,
  };
}

const NOT_PENDING: Record<Exclude<OnlineGame['status'], 'pending'>, RefusalCode> = {
  playing: 'game/already-accepted',
  finished: 'game/already-accepted',
  declined: 'game/declined',
  cancelled: 'game/cancelled',
  expired: 'game/expired',
};

/** The next version of a game with `changes`, at `now`. */
export const changed = (game: OnlineGame, changes: Partial<OnlineGame>, now: string): OnlineGame => ({
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
  const settled = settle(game, now);
  if (!settled) return decideOn(game, actor, action, now, sameSecret);
  // The deadline passed first: the action applies to the game as that left it, and the
  // result is recorded either way.
  const decision = decideOn(settled.next, actor, action, now, sameSecret);
  if (!decision.ok) return { ...decision, settled };
  return done(game, decision.next);
}

function decideOn(
  game: OnlineGame,
  actor: Player,
  action: GameAction,
  now: string,
  sameSecret: (given: string | undefined, expected: string | null) => boolean,
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
      const clocks = startingClocks(game.timeControl);
      return done(
        game,
        changed(
          game,
          {
            status: 'playing',
            opponentId: actor.id,
            opponentName: actor.name,
            inviteToken: null,
            clocks,
            deadline: turnDeadline(game.timeControl, clocks, 'X', now),
          },
          now,
        ),
      );
    }
    case 'decline': {
      if (game.invite === 'link' || actor.id !== game.opponentId) return refuse('game/not-invitee');
      if (game.status !== 'pending') return refuse(NOT_PENDING[game.status]);
      return done(game, changed(game, { status: 'declined', deadline: null }, now));
    }
    case 'cancel': {
      if (actor.id !== game.hostId) return refuse('game/not-host');
      if (game.status !== 'pending') return refuse(NOT_PENDING[game.status]);
      return done(game, changed(game, { status: 'cancelled', inviteToken: null, deadline: null }, now));
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
      const clocks = clocksAfterMove(game, mark, now);
      const next = changed(
        game,
        {
          board: [...played.board],
          moves: [...game.moves, action.cell],
          clocks,
          deadline: turnDeadline(game.timeControl, clocks, opponentOf(mark), now),
        },
        now,
      );
      if (outcome.status === 'won') {
        return done(game, finish(next, { winner: outcome.winner, reason: 'line', line: [...outcome.line] }, now));
      }
      if (outcome.status === 'draw') return done(game, finish(next, { winner: null, reason: 'draw', line: null }, now));
      return done(game, next);
    }
    case 'resign': {
      const mark = markOf(game, actor.id);
      if (!mark) return refuse('game/not-a-player');
      if (game.status !== 'playing') return refuse('game/not-playing');
      const next = changed(game, { clocks: stoppedClocks(game, now) }, now);
      return done(game, finish(next, { winner: opponentOf(mark), reason: 'resign', line: null }, now));
    }
    case 'claim': {
      const mark = markOf(game, actor.id);
      if (!mark) return refuse('game/not-a-player');
      if (game.status !== 'playing') return refuse('game/not-playing');
      if (game.timeControl?.type !== 'live') return refuse('claim/not-live');
      if (turnOf(game) === mark) return refuse('claim/your-turn');
      if (action.moverAwaySince === null) return refuse('claim/opponent-here');
      if (Date.parse(now) - Date.parse(action.moverAwaySince) < action.abandonAfterMs) return refuse('claim/too-soon');
      const winner = action.outcome === 'win' ? mark : null;
      const next = changed(game, { clocks: stoppedClocks(game, now) }, now);
      return done(game, finish(next, { winner, reason: 'abandoned', line: null }, now));
    }
    case 'link-rematch': {
      if (game.rematchId) return refuse('game/rematch-exists');
      return done(game, changed(game, { rematchId: action.rematchId }, now));
    }
  }
}

/** A game over with `result` at `now`: nothing is due any more. */
const finish = (game: OnlineGame, result: Result, now: string): OnlineGame => ({
  ...game,
  status: 'finished',
  result,
  finishedAt: now,
  deadline: null,
  tally: NEW_TALLY,
});

/** Live clocks as a game starts: the full time for both. */
function startingClocks(timeControl: TimeControl | null): Clocks | null {
  if (timeControl?.type !== 'live') return null;
  const ms = timeControl.initialSeconds * 1000;
  return { X: ms, O: ms };
}

/** The clocks after `mark` moved at `now`: the time it had left, plus the increment. */
function clocksAfterMove(game: OnlineGame, mark: Mark, now: string): Clocks | null {
  if (!game.clocks || game.timeControl?.type !== 'live' || !game.deadline) return game.clocks;
  const left = Math.max(0, msUntil(game.deadline, now));
  return { ...game.clocks, [mark]: left + game.timeControl.incrementSeconds * 1000 };
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
