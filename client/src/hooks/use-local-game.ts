import type { ClassicGame, LocalSettings } from '@ttt/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, describeError } from '../api';

const MOVE_MESSAGES: Record<string, string> = {
  'move/cell-taken': 'That cell is already taken.',
  'move/game-over': 'The game is over. Press Reset to play again.',
  'move/not-your-turn': "Wait for the computer's move.",
};

export interface LocalGameView {
  game: ClassicGame | null;
  settings: LocalSettings | null;
  loading: boolean;
  pending: boolean;
  error: string | null;
  play: (index: number) => void;
  reset: (settings: LocalSettings) => void;
  dismissError: () => void;
}

/** The local game as the server keeps it; one request at a time, never a double move. */
export function useLocalGame(): LocalGameView {
  const [game, setGame] = useState<ClassicGame | null>(null);
  const [settings, setSettings] = useState<LocalSettings | null>(null);
  const [loading, setLoading] = useState(true);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A ref, not state: a second click in the same frame must see the lock at once.
  const busy = useRef(false);

  const load = useCallback((signal?: AbortSignal) => {
    setLoading(true);
    api
      .localGame(signal)
      .then((local) => {
        setGame(local.game);
        setSettings(local.settings);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (signal?.aborted) return;
        setError(describeError(caught));
      })
      .finally(() => {
        if (!signal?.aborted) setLoading(false);
      });
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const run = useCallback(async (action: () => Promise<ClassicGame>, onDone?: () => void) => {
    if (busy.current) return;
    busy.current = true;
    setPending(true);
    try {
      setGame(await action());
      setError(null);
      onDone?.();
    } catch (caught) {
      setError(
        caught instanceof ApiError && MOVE_MESSAGES[caught.code]
          ? (MOVE_MESSAGES[caught.code] as string)
          : describeError(caught),
      );
    } finally {
      busy.current = false;
      setPending(false);
    }
  }, []);

  return {
    game,
    settings,
    loading,
    pending,
    error,
    play: (index) => void run(() => api.move(index)),
    reset: (next) =>
      void run(
        () => api.reset(next),
        () => setSettings(next),
      ),
    dismissError: () => setError(null),
  };
}
