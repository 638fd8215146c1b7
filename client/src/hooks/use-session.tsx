import type { Player } from '@ttt/shared';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { describeError } from '../api';
import { onlineApi } from '../api-online';

export interface SessionState {
  /** undefined while loading, null when signed out. */
  player: Player | null | undefined;
  error: string | null;
  /** `create`: make the account when nobody has the name yet (otherwise 404 auth/unknown-player). */
  signIn: (name: string, password: string, create?: boolean) => Promise<{ created: boolean }>;
  signOut: () => Promise<void>;
  /** The server ended the session (its player is gone): signed out, saying why. */
  signedOut: (why: string) => void;
  /** Asks the server again who is signed in (e.g. a game vanished: the server may have restarted). */
  recheck: () => void;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [player, setPlayer] = useState<Player | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  const active = useRef(true);
  const recheck = useCallback(() => {
    onlineApi
      .session()
      .then((session) => active.current && setPlayer(session.player))
      .catch((caught: unknown) => {
        if (!active.current) return;
        setPlayer(null);
        setError(describeError(caught));
      });
  }, []);
  useEffect(() => {
    active.current = true;
    recheck();
    return () => {
      active.current = false;
    };
  }, [recheck]);

  const signIn = useCallback(async (name: string, password: string, create = false) => {
    const session = await onlineApi.signIn(name, password, create);
    setPlayer(session.player);
    setError(null);
    return { created: session.created ?? false };
  }, []);

  const signOut = useCallback(async () => {
    await onlineApi.signOut();
    setPlayer(null);
  }, []);

  const signedOut = useCallback((why: string) => {
    setPlayer(null);
    setError(why);
  }, []);

  return (
    <SessionContext.Provider value={{ player, error, signIn, signOut, signedOut, recheck }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a SessionProvider');
  return session;
}
