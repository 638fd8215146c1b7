import {
  type GameView,
  GameViewSchema,
  type MoveEvent,
  MoveEventSchema,
  opponentOf,
  type Presence,
  PresenceSchema,
} from '@ttt/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, describeError } from '../api';
import { onlineApi } from '../api-online';
import { type Connection, subscribe } from '../live';

/** A move event applied to the game one version before it. */
export function applyMoveEvent(game: GameView, event: MoveEvent): GameView {
  const board = [...game.board];
  board[event.cell] = event.mark;
  return {
    ...game,
    version: event.version,
    board,
    moves: [...game.moves, event.cell],
    status: event.status,
    result: event.result,
    turn: event.status === 'playing' ? opponentOf(event.mark) : null,
    updatedAt: event.at,
    finishedAt: event.status === 'finished' ? event.at : game.finishedAt,
  };
}

/** An update may replace what is shown unless it is an older version of the same game. */
export function replaces(shown: GameView | null, next: GameView): boolean {
  return !shown || shown.id !== next.id || next.version >= shown.version;
}

/**
 * What a pushed move event means for the game shown: nothing (already seen), the next
 * version (applied here), or a gap (some event was missed: read the whole game again).
 */
export function afterMoveEvent(shown: GameView, event: MoveEvent): { show: GameView } | { refresh: true } | null {
  if (event.version <= shown.version) return null;
  if (event.version === shown.version + 1) return { show: applyMoveEvent(shown, event) };
  return { refresh: true };
}

const REFRESH_CODES = new Set(['game/stale', 'move/not-your-turn', 'move/cell-taken', 'game/over', 'game/not-started']);

export interface GameState {
  game: GameView | null;
  /** Loading failed (e.g. no such game). */
  loadError: string | null;
  /** The last action failed. */
  error: string | null;
  pending: boolean;
  connection: Connection;
  /** Who has the page open, as the server last said; null until it has. */
  presence: Presence | null;
  move: (cell: number) => void;
  act: (action: 'accept' | 'decline' | 'cancel' | 'resign' | 'rematch', body?: unknown) => Promise<GameView | null>;
  dismissError: () => void;
}

/**
 * One game, kept live. Every update — an answer to our own request, a pushed event or a
 * poll — goes through `show`, which never replaces a board with an older version.
 */
export function useGame(id: string): GameState {
  const [game, setGame] = useState<GameView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [presence, setPresence] = useState<Presence | null>(null);
  const current = useRef<GameView | null>(null);
  const busy = useRef(false);

  const show = useCallback((next: GameView) => {
    if (!replaces(current.current, next)) return;
    current.current = next;
    setGame(next);
  }, []);

  const refresh = useCallback(() => {
    onlineApi
      .game(id)
      .then((fresh) => {
        setLoadError(null);
        show(fresh);
      })
      .catch((caught: unknown) => {
        if (!current.current) setLoadError(describeError(caught));
      });
  }, [id, show]);

  // Without a stream (polling), presence is read with the game.
  const poll = useCallback(() => {
    refresh();
    onlineApi
      .presence(id)
      .then(setPresence)
      .catch(() => {});
  }, [id, refresh]);

  useEffect(() => {
    current.current = null;
    setGame(null);
    setLoadError(null);
    setPresence(null);
    refresh();
    return subscribe({
      url: () =>
        `/api/games/${encodeURIComponent(id)}/events${current.current ? `?since=${current.current.version}` : ''}`,
      events: {
        move: (data) => {
          const shown = current.current;
          if (!shown) return;
          const next = afterMoveEvent(shown, MoveEventSchema.parse(data));
          if (next && 'show' in next) show(next.show);
          else if (next) refresh();
        },
        game: (data) => show(GameViewSchema.parse(data)),
        presence: (data) => setPresence(PresenceSchema.parse(data)),
      },
      poll,
      onConnection: setConnection,
    });
  }, [id, refresh, poll, show]);

  const run = useCallback(
    async (action: () => Promise<GameView>): Promise<GameView | null> => {
      if (busy.current) return null;
      busy.current = true;
      setPending(true);
      try {
        const result = await action();
        setError(null);
        return result;
      } catch (caught) {
        setError(describeError(caught));
        if (caught instanceof ApiError && REFRESH_CODES.has(caught.code)) refresh();
        return null;
      } finally {
        busy.current = false;
        setPending(false);
      }
    },
    [refresh],
  );

  return {
    game,
    loadError,
    error,
    pending,
    connection,
    presence,
    move: (cell) => {
      const shown = current.current;
      if (!shown) return;
      void run(async () => {
        const next = await onlineApi.move(id, cell, shown.version);
        show(next);
        return next;
      });
    },
    act: (action, body) =>
      run(async () => {
        const result = await onlineApi.act(id, action, body);
        // A rematch answers with the new game; everything else with this one.
        if (result.id === id) show(result);
        return result;
      }),
    dismissError: () => setError(null),
  };
}
