import type { GameList, GamePage, GameSummary, Lobby } from '@ttt/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../api';
import { onlineApi } from '../api-online';
import { type Connection, subscribe } from '../live';
import { type LobbyChanges, lobbyChanges } from '../turn-signals';

export interface LobbyState {
  lobby: Lobby | null;
  error: string | null;
  connection: Connection;
  refresh: () => void;
  loadMore: (list: GameList) => Promise<void>;
  loadingMore: GameList | null;
}

/**
 * The signed-in player's lobby, re-read whenever one of their games changes. `onChanges` hears
 * what each read brings compared with the one before (not counting pages loaded with "more").
 */
export function useLobby(onChanges?: (changes: LobbyChanges) => void): LobbyState {
  const [lobby, setLobby] = useState<Lobby | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [loadingMore, setLoadingMore] = useState<GameList | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastRead = useRef<Lobby | null>(null);
  const listener = useRef(onChanges);
  listener.current = onChanges;

  const refresh = useCallback(() => {
    onlineApi
      .lobby()
      .then((fresh) => {
        const previous = lastRead.current;
        lastRead.current = fresh;
        setLobby(fresh);
        setError(null);
        if (previous?.player.id === fresh.player.id) listener.current?.(lobbyChanges(previous, fresh));
      })
      .catch((caught: unknown) => setError(describeError(caught)));
  }, []);

  // Several changes in a burst (accept + first move) make one re-read.
  const soon = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(refresh, 100);
  }, [refresh]);

  useEffect(() => {
    refresh();
    const stop = subscribe({
      url: () => '/api/lobby/events',
      // A fresh stream may have missed changes while it was away: re-read on every (re)connect.
      events: { lobby: soon, ready: soon },
      poll: refresh,
      pollMs: 5000,
      onConnection: setConnection,
    });
    return () => {
      stop();
      if (timer.current) clearTimeout(timer.current);
    };
  }, [refresh, soon]);

  const loadMore = useCallback(
    async (list: GameList) => {
      const page = lobby?.[list];
      if (!page?.cursor) return;
      setLoadingMore(list);
      try {
        const more: GamePage = await onlineApi.list(list, page.cursor);
        setLobby((shown) => {
          if (!shown) return shown;
          const seen = new Set(shown[list].games.map((g: GameSummary) => g.id));
          return {
            ...shown,
            [list]: {
              games: [...shown[list].games, ...more.games.filter((g) => !seen.has(g.id))],
              cursor: more.cursor,
            },
          };
        });
      } catch (caught) {
        setError(describeError(caught));
      } finally {
        setLoadingMore(null);
      }
    },
    [lobby],
  );

  return { lobby, error, connection, refresh, loadMore, loadingMore };
}
