import { type ClassicGame, type Level, type LocalSettings, outcome } from '@ttt/shared';
import { lazy, Suspense } from 'react';
import { Board } from '../components/Board';
import { ErrorMessage } from '../components/ErrorMessage';
import { useLocalGame } from '../hooks/use-local-game';

// Loaded only when a game is over: the first page stays small.
const LocalReplay = lazy(() => import('../components/LocalReplay'));

const LEVEL_NAMES: Record<Level, string> = { easy: 'Easy', medium: 'Medium', perfect: 'Perfect' };

export function statusText(game: ClassicGame | null): string {
  if (!game) return 'Loading the game…';
  if (game.winner === 'Draw') return "It's a Draw!";
  if (game.winner) return `Player ${game.winner} Wins!`;
  return `Player ${game.current_player}'s Turn`;
}

function computerNote(game: ClassicGame, settings: LocalSettings): string {
  if (settings.mode !== 'computer') return 'Two players take turns on this screen.';
  const level = LEVEL_NAMES[settings.level].toLowerCase();
  if (game.winner === settings.human) return `You beat the ${level} computer!`;
  if (game.winner === 'Draw') return `A draw against the ${level} computer.`;
  if (game.winner) return `The ${level} computer wins this one.`;
  return `You play ${settings.human} against the ${level} computer.`;
}

const segment =
  'cursor-pointer rounded-lg px-3 py-2 text-sm font-medium text-slate-700 has-[:checked]:bg-slate-900 has-[:checked]:text-white has-[:focus-visible]:ring-4 has-[:focus-visible]:ring-indigo-500 dark:text-slate-300 dark:has-[:checked]:bg-slate-100 dark:has-[:checked]:text-slate-900';

export function LocalPage() {
  const { game, lastMove, settings, loading, pending, replying, error, play, reset, dismissError } = useLocalGame();
  const board = game?.board ?? Array(9).fill('');
  const result = outcome(board);
  const current = settings ?? { mode: 'two-player', level: 'perfect', human: 'X' };
  const controlsDisabled = loading || pending || !settings;

  const canPlay = (index: number) =>
    !!game &&
    !game.game_over &&
    board[index] === '' &&
    (current.mode === 'two-player' || game.current_player === current.human);

  return (
    <div className="flex flex-col gap-6">
      <div className="text-center">
        <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">Tic-tac-toe</h1>
        <p
          role="status"
          aria-live="polite"
          data-testid="status"
          className={`mt-3 text-2xl font-semibold ${
            game?.winner === 'X'
              ? 'text-blue-600 dark:text-blue-400'
              : game?.winner === 'O'
                ? 'text-red-600 dark:text-red-400'
                : ''
          }`}
        >
          {statusText(game)}
        </p>
        <p className="mt-1 min-h-6 text-sm text-slate-600 dark:text-slate-400">
          {game && settings ? computerNote(game, settings) : '\u00a0'}
        </p>
      </div>

      <Board
        board={board}
        winningLine={result.status === 'won' ? result.line : null}
        lastMove={lastMove}
        canPlay={canPlay}
        onPlay={play}
        busy={loading || pending || replying}
        label="Tic-tac-toe board"
      />

      <div className="mx-auto w-full max-w-sm">
        <ErrorMessage message={error} onDismiss={dismissError} />
      </div>

      <div className="mx-auto flex w-full max-w-sm flex-col gap-4">
        <button
          type="button"
          onClick={() => reset(current)}
          disabled={controlsDisabled}
          className="rounded-xl bg-indigo-600 px-4 py-3 text-lg font-semibold text-white shadow hover:bg-indigo-700 focus-visible:outline-none focus-visible:ring-4 focus-visible:ring-indigo-400 focus-visible:ring-offset-2 disabled:cursor-not-allowed disabled:opacity-60 dark:focus-visible:ring-offset-slate-950"
        >
          Reset
        </button>

        <fieldset className="rounded-xl border border-slate-300 p-4 dark:border-slate-700" disabled={controlsDisabled}>
          <legend className="px-1 text-sm font-semibold">Opponent</legend>
          <p className="mb-3 text-xs text-slate-600 dark:text-slate-400">Changing these starts a new game.</p>
          <div className="flex flex-wrap gap-2" role="radiogroup" aria-label="Who plays">
            {(
              [
                ['two-player', 'Two players'],
                ['computer', 'Against the computer'],
              ] as const
            ).map(([mode, name]) => (
              <label key={mode} className={segment}>
                <input
                  type="radio"
                  name="mode"
                  value={mode}
                  className="sr-only"
                  checked={current.mode === mode}
                  onChange={() => reset({ ...current, mode })}
                />
                {name}
              </label>
            ))}
          </div>

          {current.mode === 'computer' ? (
            <div className="mt-4 flex flex-wrap gap-4">
              <label className="flex flex-1 flex-col gap-1 text-sm font-medium">
                Level
                <select
                  value={current.level}
                  onChange={(event) => reset({ ...current, level: event.target.value as Level })}
                  className="rounded-lg border border-slate-300 bg-white px-3 py-2 focus-visible:outline-none focus-visible:ring-4 focus-visible:ring-indigo-500 dark:border-slate-600 dark:bg-slate-900"
                >
                  {(Object.keys(LEVEL_NAMES) as Level[]).map((level) => (
                    <option key={level} value={level}>
                      {LEVEL_NAMES[level]}
                    </option>
                  ))}
                </select>
              </label>
              <div className="flex flex-col gap-1 text-sm font-medium">
                <span id="side-label">You play</span>
                <div className="flex gap-2" role="radiogroup" aria-labelledby="side-label">
                  {(
                    [
                      ['X', 'X (first)'],
                      ['O', 'O (second)'],
                    ] as const
                  ).map(([human, name]) => (
                    <label key={human} className={segment}>
                      <input
                        type="radio"
                        name="human"
                        value={human}
                        className="sr-only"
                        checked={current.human === human}
                        onChange={() => reset({ ...current, human })}
                      />
                      {name}
                    </label>
                  ))}
                </div>
              </div>
            </div>
          ) : null}
        </fieldset>
        {game?.game_over ? (
          <Suspense>
            <LocalReplay />
          </Suspense>
        ) : null}
      </div>
    </div>
  );
}
