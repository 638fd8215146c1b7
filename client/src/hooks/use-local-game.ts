import { applyMove, type Board, type ClassicGame, type LocalSettings, newBoard, opponentOf } from '@ttt/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, describeError } from '../api';

const MOVE_MESSAGES: Record<string, string> = {
  'move/cell-taken': 'That cell is already taken.',
  'move/game-over': 'The game is over. Press Reset to play again.',
  'move/not-your-turn': "Wait for the computer's move.",
};

/** How long the computer's reply waits after your move is drawn, so you see where it plays. */
export const COMPUTER_BEAT_MS = 350;

/** One board to draw, with the cell played last (null when not known). */
export interface LocalStep {
  game: ClassicGame;
  lastMove: number | null;
}

/** The one cell empty in `before` and marked in `after`, all others alike; otherwise null. */
export function lastMoveBetween(before: Board, after: Board): number | null {
  let cell: number | null = null;
  for (let index = 0; index < after.length; index++) {
    if (before[index] === after[index]) continue;
    if (before[index] !== '' || cell !== null) return null;
    cell = index;
  }
  return cell;
}

/**
 * What to draw after our move at `index` on `before`: the server answers with its reply
 * already played, so our move comes first and the computer's reply is a second step.
 */
export function stepsAfterMove(before: Board, index: number, answer: ClassicGame): LocalStep[] {
  const played = applyMove(before, index);
  const reply = played.ok ? lastMoveBetween(played.board, answer.board) : null;
  if (!played.ok || reply === null) return [{ game: answer, lastMove: lastMoveBetween(before, answer.board) }];
  const ours: ClassicGame = {
    board: [...played.board],
    current_player: opponentOf(played.mark),
    winner: null,
    game_over: false,
  };
  return [
    { game: ours, lastMove: index },
    { game: answer, lastMove: reply },
  ];
}

export interface LocalGameView {
  game: ClassicGame | null;
  /** The cell played last, when known: the classic API has no move list, so it is tracked here. */
  lastMove: number | null;
  settings: LocalSettings | null;
  loading: boolean;
  pending: boolean;
  /** Our move is drawn and the computer's reply waits for its beat: no moves meanwhile. */
  replying: boolean;
  error: string | null;
  play: (index: number) => void;
  reset: (settings: LocalSettings) => void;
  dismissError: () => void;
}

/** The local game as the server keeps it; one request at a time, never a double move. */
export function useLocalGame(beatMs = COMPUTER_BEAT_MS): LocalGameView {
  const [shown, setShown] = useState<LocalStep | null>(null);
  const [settings, setSettings] = useState<LocalSettings | null>(null);
  const [loading, setLoading] = useState(true);
  const [pending, setPending] = useState(false);
  const [replying, setReplying] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Refs, not state: a second click in the same frame must see the lock at once.
  const busy = useRef(false);
  const reply = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const board = useRef<Board | null>(null);

  const show = useCallback((step: LocalStep) => {
    board.current = step.game.board;
    setShown(step);
  }, []);

  const cancelReply = useCallback(() => {
    clearTimeout(reply.current);
    reply.current = undefined;
    setReplying(false);
  }, []);

  const load = useCallback(
    (signal?: AbortSignal) => {
      setLoading(true);
      api
        .localGame(signal)
        .then((local) => {
          show({ game: local.game, lastMove: local.lastMove ?? lastMoveBetween(newBoard(), local.game.board) });
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
    },
    [show],
  );

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => {
      controller.abort();
      clearTimeout(reply.current);
    };
  }, [load]);

  const run = useCallback(
    async (action: () => Promise<LocalStep[]>, onDone?: () => void) => {
      if (busy.current) return;
      busy.current = true;
      setPending(true);
      try {
        const [now, later] = await action();
        if (now) show(now);
        setError(null);
        onDone?.();
        if (later) {
          setReplying(true);
          reply.current = setTimeout(() => {
            reply.current = undefined;
            setReplying(false);
            show(later);
          }, beatMs);
        }
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
    },
    [beatMs, show],
  );

  return {
    game: shown?.game ?? null,
    lastMove: shown?.lastMove ?? null,
    settings,
    loading,
    pending,
    replying,
    error,
    play: (index) => {
      const before = board.current;
      if (!before || reply.current !== undefined) return;
      void run(async () => stepsAfterMove(before, index, await api.move(index)));
    },
    reset: (next) => {
      // A new game does not wait for the old one's reply.
      if (!busy.current) cancelReply();
      void run(
        async () => {
          const game = await api.reset(next);
          return [{ game, lastMove: lastMoveBetween(newBoard(), game.board) }];
        },
        () => setSettings(next),
      );
    },
    dismissError: () => setError(null),
  };
}
