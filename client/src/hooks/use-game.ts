import {
  applyEvent,
  type GameView,
  GameViewSchema,
  type Mark,
  MoveEventSchema,
  opponentOf,
  type Presence,
  PresenceSchema,
} from '@ttt/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, describeError } from '../api';
import { onlineApi } from '../api-online';
import { type Connection, isUnreachable, subscribe } from '../live';
import { useAction } from './use-action';

/** An answer to our own request may replace what is shown unless it is an older version. */
export function replaces(shown: GameView | null, next: GameView): boolean {
  return !shown || shown.id !== next.id || next.version >= shown.version;
}

/** Our own move, drawn before the server has answered it. */
export interface PendingMove {
  cell: number;
  mark: Mark;
  /** The version of the game the move was made on. */
  fromVersion: number;
}

/**
 * The game as drawn: the server's view plus our pending move, until a newer view arrives (which
 * has the move, or says why not). The pending move is never kept as a view, so versions compared
 * are always the server's and a pushed event for our own move is applied once.
 */
export function withPendingMove(view: GameView, pending: PendingMove | null): GameView {
  if (!pending || view.version !== pending.fromVersion || view.board[pending.cell] !== '') return view;
  const board = [...view.board];
  board[pending.cell] = pending.mark;
  return { ...view, board, moves: [...view.moves, pending.cell], turn: opponentOf(pending.mark) };
}

const REFRESH_CODES = new Set(['game/stale', 'move/not-your-turn', 'move/cell-taken', 'game/over', 'game/not-started']);

export interface GameState {
  /** The game as drawn: with our own move at once, while it is on its way; null once gone. */
  game: GameView | null;
  /** The server has no such game (e.g. it restarted on the in-memory store): nothing more to show. */
  gone: boolean;
  /** Loading failed (e.g. no such game). */
  loadError: string | null;
  /** The last action failed. */
  error: string | null;
  pending: boolean;
  connection: Connection;
  /** Who has the page open, as the server last said; null until it has. */
  presence: Presence | null;
  move: (cell: number) => void;
  act: (
    action: 'accept' | 'decline' | 'cancel' | 'resign' | 'rematch' | 'claim',
    body?: unknown,
  ) => Promise<GameView | null>;
  /** Reads the game again (e.g. when a clock runs out: the server records the time-out). */
  refresh: () => void;
  dismissError: () => void;
}

/**
 * One game, kept live. Every update — an answer to our own request, a pushed event or a
 * poll — goes through `show`, which never replaces a board with an older version.
 */
export function useGame(id: string): GameState {
  const [game, setGame] = useState<GameView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [gone, setGone] = useState(false);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [presence, setPresence] = useState<Presence | null>(null);
  const current = useRef<GameView | null>(null);
  const [pendingMove, setPendingMove] = useState<PendingMove | null>(null);

  const show = useCallback((next: GameView) => {
    if (!replaces(current.current, next)) return;
    current.current = next;
    setGame(next);
  }, []);

  /** Live updates of this game; stopped once the game is gone. */
  const stopLive = useRef<() => void>(() => {});
  const isGone = useCallback((caught: unknown) => {
    if (!(caught instanceof ApiError && caught.code === 'game/not-found')) return false;
    stopLive.current();
    setGone(true);
    return true;
  }, []);

  /** Reads the game; rejects only when the server could not be reached. */
  const read = useCallback(
    () =>
      onlineApi.game(id).then(
        (fresh) => {
          setLoadError(null);
          show(fresh);
        },
        (caught: unknown) => {
          if (isGone(caught)) return;
          if (!current.current) setLoadError(describeError(caught));
          if (isUnreachable(caught)) throw caught;
        },
      ),
    [id, show, isGone],
  );
  const refresh = useCallback(() => void read().catch(() => {}), [read]);

  // Without a stream (polling), presence is read with the game.
  const poll = useCallback(() => {
    onlineApi
      .presence(id)
      .then(setPresence)
      .catch(() => {});
    return read();
  }, [id, read]);

  useEffect(() => {
    current.current = null;
    setGame(null);
    setGone(false);
    setPendingMove(null);
    setLoadError(null);
    setPresence(null);
    refresh();
    const stop = subscribe({
      url: () =>
        `/api/games/${encodeURIComponent(id)}/events${current.current ? `?since=${current.current.version}` : ''}`,
      // Every pushed change goes through the rules' own applyEvent; a gap means read it again.
      events: {
        move: (data) => {
          const next = applyEvent(current.current, { type: 'move', ...MoveEventSchema.parse(data) });
          if (next === 'gap') refresh();
          else if (next !== current.current) show(next);
        },
        game: (data) => {
          const next = applyEvent(current.current, { type: 'game', game: GameViewSchema.parse(data) });
          if (next !== 'gap' && next !== current.current) {
            current.current = next;
            setGame(next);
          }
        },
        presence: (data) => setPresence(PresenceSchema.parse(data)),
      },
      poll,
      onConnection: setConnection,
    });
    stopLive.current = stop;
    return stop;
  }, [id, refresh, poll, show]);

  // A refusal that means the page is behind (the board changed, it is not our turn): read it again.
  const action = useAction(
    (send: () => Promise<GameView>) => send(),
    (caught) => {
      if (isGone(caught)) return;
      if (caught instanceof ApiError && REFRESH_CODES.has(caught.code)) refresh();
    },
  );

  return {
    game: gone ? null : game && withPendingMove(game, pendingMove),
    gone,
    loadError,
    error: action.error,
    pending: action.pending,
    connection,
    presence,
    move: (cell) => {
      const shown = current.current;
      if (!shown?.turn) return;
      const pending: PendingMove = { cell, mark: shown.turn, fromVersion: shown.version };
      void action.run(async () => {
        setPendingMove(pending);
        try {
          const next = await onlineApi.move(id, cell, shown.version);
          show(next);
          return next;
        } catch (caught) {
          // The mark drawn at once is taken back: say so, before why.
          throw caught instanceof ApiError
            ? new ApiError(caught.status, caught.code, `Your move was not played. ${caught.message}`, caught.issues)
            : caught;
        } finally {
          setPendingMove((drawn) => (drawn === pending ? null : drawn));
        }
      });
    },
    act: (name, body) =>
      action.run(async () => {
        const result = await onlineApi.act(id, name, body);
        // A rematch answers with the new game; everything else with this one.
        if (result.id === id) show(result);
        return result;
      }),
    dismissError: () => action.setError(null),
    refresh,
  };
}
