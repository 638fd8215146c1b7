import {
  applyLobbyEvent,
  type GameList,
  type GamePage,
  type GameSummary,
  GameSummarySchema,
  type Lobby,
} from '@ttt/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, describeError } from '../api';
import { onlineApi } from '../api-online';
import { type Connection, isUnreachable, subscribe } from '../live';
import { type LobbyChanges, lobbyChanges } from '../turn-signals';
import { useSession } from './use-session';

const LISTS: GameList[] = ['received', 'sent', 'playing', 'finished'];

export interface LobbyState {
  lobby: Lobby | null;
  error: string | null;
  connection: Connection;
  /** Reads the whole lobby again. */
  refresh: () => void;
  /** Shows a game as an answer from the server left it (one of the player's own actions). */
  update: (game: GameSummary) => void;
  loadMore: (list: GameList) => Promise<void>;
  loadingMore: GameList | null;
}

/**
 * The signed-in player's lobby: one cache, read whole when the live stream (re)connects (it
 * may have missed changes), while polling, and when applyLobbyEvent cannot place a change;
 * every other change comes as a game's summary and is applied to it. `onChanges` hears what
 * each update brings compared with what was shown (not counting pages loaded with "more").
 */
export function useLobby(
  onChanges?: (changes: LobbyChanges) => void,
  /** Each change to one of the player's games, as it is pushed (e.g. an invitation declined). */
  onGame?: (game: GameSummary) => void,
): LobbyState {
  const [lobby, setLobby] = useState<Lobby | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [loadingMore, setLoadingMore] = useState<GameList | null>(null);
  const shown = useRef<Lobby | null>(null);
  /** The newest read started; only its answer is shown. */
  const lastRead = useRef(0);
  /** Changes heard while that read is on its way: applied again to what it brings. */
  const heard = useRef<GameSummary[] | null>(null);
  const listener = useRef(onChanges);
  listener.current = onChanges;
  const gameListener = useRef(onGame);
  gameListener.current = onGame;
  const { signedOut } = useSession();

  const show = useCallback((next: Lobby) => {
    const previous = shown.current;
    if (next === previous) return;
    shown.current = next;
    setLobby(next);
    if (previous?.player.id === next.player.id) listener.current?.(lobbyChanges(previous, next));
  }, []);

  /** Reads the whole lobby; rejects only when the server could not be reached. */
  const readLobby = useCallback(() => {
    const read = ++lastRead.current;
    heard.current ??= [];
    return onlineApi
      .lobby()
      .then((fresh) => {
        const newest = read === lastRead.current;
        // An older read is still worth showing while nothing is; the newest one follows.
        if (!newest && shown.current) return;
        const missed = heard.current ?? [];
        if (newest) heard.current = null;
        // A change the read cannot place is left to it: reading again could go on and on.
        const next = missed.reduce((lobby, game) => {
          const applied = applyLobbyEvent(lobby, game);
          return applied === 'reread' ? lobby : applied;
        }, fresh);
        show(next);
        if (newest) setError(null);
      })
      .catch((caught: unknown) => {
        if (read !== lastRead.current) return;
        heard.current = null;
        // The session ended (signed out on another device, or its player is gone after a
        // restart): back to signing in, saying why.
        if (caught instanceof ApiError && caught.code === 'auth/player-gone') signedOut(caught.message);
        else if (caught instanceof ApiError && caught.code === 'auth/signed-out') {
          signedOut('You were signed out, on this device or on all of them. Sign in to play online.');
        } else setError(describeError(caught));
        if (isUnreachable(caught)) throw caught;
      });
  }, [show, signedOut]);
  const refresh = useCallback(() => void readLobby().catch(() => {}), [readLobby]);

  const apply = useCallback(
    (game: GameSummary) => {
      const current = shown.current;
      const next = current ? applyLobbyEvent(current, game) : 'reread';
      // Nothing shown yet and a read on its way: that read and this change make the lobby.
      if (next === 'reread') {
        if (current || !heard.current) refresh();
      } else show(next);
      // Kept for the read on its way, which may be older than this change.
      heard.current?.push(game);
    },
    [refresh, show],
  );

  // A change in a shape this page does not know: the server's read is the way to show it.
  const hear = useCallback(
    (data: unknown) => {
      const game = GameSummarySchema.safeParse(data);
      if (game.success) {
        apply(game.data);
        gameListener.current?.(game.data);
      } else refresh();
    },
    [apply, refresh],
  );

  useEffect(() => {
    refresh();
    return subscribe({
      url: () => '/api/lobby/events',
      // A fresh stream may have missed changes while it was away: read on every (re)connect.
      events: { lobby: hear, ready: refresh },
      poll: readLobby,
      pollMs: 5000,
      onConnection: setConnection,
    });
  }, [refresh, readLobby, hear]);

  const loadMore = useCallback(async (list: GameList) => {
    const page = shown.current?.[list];
    if (!page?.cursor) return;
    setLoadingMore(list);
    try {
      const more: GamePage = await onlineApi.list(list, page.cursor);
      const current = shown.current;
      if (!current) return;
      // A game listed already (a change may have moved it since that page was read) stays where it is.
      const seen = new Set(LISTS.flatMap((name) => current[name].games.map((g) => g.id)));
      const next = {
        ...current,
        [list]: {
          games: [...current[list].games, ...more.games.filter((g) => !seen.has(g.id))],
          cursor: more.cursor,
        },
      };
      // Older games, not news: shown without a signal.
      shown.current = next;
      setLobby(next);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setLoadingMore(null);
    }
  }, []);

  return { lobby, error, connection, refresh, update: hear, loadMore, loadingMore };
}
