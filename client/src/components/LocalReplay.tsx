import { useEffect, useState } from 'react';
import { describeError } from '../api';
import { replayApi } from '../api-replay';
import Replay from './Replay';
import { Spinner } from './Spinner';

type Loaded = { moves: number[] | null } | { error: string };

/** The finished local game's replay: loaded with its moves once the game is over. */
export default function LocalReplay() {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    replayApi
      .localMoves(controller.signal)
      .then(setLoaded)
      .catch((caught: unknown) => {
        if (!controller.signal.aborted) setLoaded({ error: describeError(caught) });
      });
    return () => controller.abort();
  }, []);

  if (!loaded) return <Spinner label="Loading the replay…" />;
  if ('error' in loaded) return <p className="text-sm text-red-700 dark:text-red-300">{loaded.error}</p>;
  if (!loaded.moves) {
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">
        This game began before the server kept the order of moves, so it has no replay. The next one will.
      </p>
    );
  }
  return <Replay moves={loaded.moves} />;
}
