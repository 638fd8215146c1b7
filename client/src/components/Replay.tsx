import { analyseGame, type Cell, type Mark, mistakeSummary, outcome, type PositionValue } from '@ttt/shared';
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { plyAfterKey, plyFromSearch, searchWithPly } from '../replay-ply';
import { Button, focusRing } from './ui';

export interface ReplayProps {
  /** The game's cells in order. */
  moves: readonly number[];
  /** Who played each mark, when the game has names (online). */
  names?: Partial<Record<Mark, string>>;
}

const where = (cell: number) => `row ${Math.floor(cell / 3) + 1}, column ${(cell % 3) + 1}`;

const MARK_COLOURS: Record<Cell, string> = {
  X: 'text-blue-600 dark:text-blue-400',
  O: 'text-red-600 dark:text-red-400',
  '': '',
};

/** The address of position `ply` (other query parameters kept). */
const hrefOf = (ply: number) => `${window.location.pathname}${searchWithPly(window.location.search, ply)}`;

function Change({ before, after }: { before: PositionValue; after: PositionValue }) {
  return (
    <>
      <span aria-hidden="true">
        {before} → {after}
      </span>
      <span className="sr-only">
        {before} before, {after} after
      </span>
    </>
  );
}

/**
 * A finished game, position by position, each move labelled with its perfect-play value before
 * and after it; mistakes show the moves that would have kept the value. The position is in the
 * address (`?ply=N`, replaced, not pushed, so Back leaves the page): a shared link opens there.
 */
export default function Replay({ moves, names }: ReplayProps) {
  const key = moves.join();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the moves' content, not the array's identity
  const analysis = useMemo(() => analyseGame(moves), [key]);
  const total = moves.length;
  const [ply, setPly] = useState(() => plyFromSearch(window.location.search, total));
  const boardRef = useRef<HTMLDivElement>(null);

  // Leaving the replay (a new local game) takes the position out of the address.
  useEffect(() => {
    const path = window.location.pathname;
    return () => {
      if (window.location.pathname !== path || !new URLSearchParams(window.location.search).has('ply')) return;
      window.history.replaceState(window.history.state, '', `${path}${searchWithPly(window.location.search, null)}`);
    };
  }, []);

  if (!analysis) return <p className="text-sm">This game’s moves cannot be replayed.</p>;

  const go = (next: number) => {
    const target = Math.max(0, Math.min(total, next));
    setPly(target);
    window.history.replaceState(window.history.state, '', hrefOf(target));
  };
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const next = plyAfterKey(event.key, ply, total);
    if (next === null) return;
    event.preventDefault();
    go(next);
  };

  const board = analysis.positions[ply] ?? analysis.positions[0] ?? [];
  const move = ply > 0 ? analysis.moves[ply - 1] : undefined;
  const result = outcome(board);
  const line = result.status === 'won' ? result.line : null;
  const best = move?.mistake ? move.best : [];
  const who = (mark: Mark) => (names?.[mark] ? `${mark} (${names[mark]})` : mark);

  const steps = [
    ['First position', 'First', 0, ply === 0],
    ['Previous move', 'Previous', ply - 1, ply === 0],
    ['Next move', 'Next', ply + 1, ply === total],
    ['Last position', 'Last', total, ply === total],
  ] as const;

  return (
    // The arrows work wherever focus is inside the replay: on the board, a button or a move.
    <section aria-labelledby="replay-heading" className="flex flex-col gap-3" onKeyDown={onKeyDown}>
      <h2 id="replay-heading" className="text-sm font-semibold">
        Replay and analysis
      </h2>
      <p className="text-xs text-slate-600 dark:text-slate-400">
        Each move shows what the position was worth to its player with perfect play, before and after it. A move that
        turns a win into a draw or loss, or a draw into a loss, is a mistake. Use ← and → to step, Home and End to jump.
      </p>
      <ul data-testid="replay-summary" aria-label="Mistakes" className="text-sm font-medium">
        {(['X', 'O'] as const).map((mark) => (
          <li key={mark}>{mistakeSummary(analysis, mark)}</li>
        ))}
      </ul>

      <div
        ref={boardRef}
        role="group"
        // A stop to focus before using the arrow keys.
        tabIndex={0}
        aria-label={ply === 0 ? 'Replay board: start position' : `Replay board: position after move ${ply}`}
        data-testid="replay-board"
        data-ply={ply}
        className={`mx-auto grid aspect-square w-full max-w-xs grid-cols-3 gap-1.5 rounded-xl bg-slate-300 p-2 dark:bg-slate-700 ${focusRing}`}
      >
        {board.map((cell, index) => {
          const last = move?.cell === index;
          const hint = best.includes(index);
          const winning = line?.includes(index) ?? false;
          return (
            <div
              // biome-ignore lint/suspicious/noArrayIndexKey: the nine cells are fixed positions
              key={index}
              role="img"
              aria-label={`${where(index)}, ${cell || 'empty'}${last ? ', last move' : ''}${winning ? ', winning line' : ''}${last && move?.mistake ? ', a mistake' : ''}${hint ? ', a best move' : ''}`}
              data-testid={`replay-cell-${index}`}
              className={`flex aspect-square items-center justify-center rounded-lg border-4 text-3xl font-black ${
                winning ? 'bg-amber-200 dark:bg-amber-700/60' : 'bg-white dark:bg-slate-900'
              } ${
                hint
                  ? 'border-indigo-500 dark:border-indigo-400'
                  : last
                    ? move?.mistake
                      ? 'border-red-500'
                      : 'border-current'
                    : 'border-transparent'
              } ${MARK_COLOURS[cell]}`}
            >
              <span aria-hidden="true">
                {cell ||
                  (hint ? (
                    <span className="text-xs font-semibold text-indigo-700 dark:text-indigo-300">best</span>
                  ) : (
                    ''
                  ))}
              </span>
            </div>
          );
        })}
      </div>

      <p aria-live="polite" data-testid="replay-status" className="min-h-6 text-center text-sm">
        {move ? (
          <>
            Move {move.ply} of {total}: {who(move.mark)} at {where(move.cell)},{' '}
            <Change before={move.before} after={move.after} />.
            {move.mistake ? (
              <strong className="text-red-700 dark:text-red-300">
                {' '}
                A mistake: the best {move.best.length === 1 ? 'move was' : 'moves were'}{' '}
                {move.best.map(where).join(' or ')}.
              </strong>
            ) : null}
          </>
        ) : (
          `Start of the game: ${total} ${total === 1 ? 'move' : 'moves'}.`
        )}
      </p>

      <div className="flex flex-wrap justify-center gap-2">
        {steps.map(([label, text, target, atEnd]) => (
          <Button
            key={text}
            aria-label={label}
            disabled={atEnd}
            onClick={() => {
              // The button about to be disabled would drop focus, and the arrow keys with it: the board takes it.
              if (target <= 0 || target >= total) boardRef.current?.focus();
              go(target);
            }}
          >
            {text}
          </Button>
        ))}
      </div>

      <ol aria-label="Moves to replay" className="flex flex-col gap-1 text-sm" data-testid="replay-moves">
        {analysis.moves.map((step) => (
          <li key={step.ply}>
            <a
              href={hrefOf(step.ply)}
              aria-current={step.ply === ply ? 'step' : undefined}
              onClick={(event) => {
                if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) return;
                event.preventDefault();
                go(step.ply);
              }}
              className={`rounded px-2 py-0.5 ${step.ply === ply ? 'bg-indigo-50 dark:bg-indigo-950' : ''} ${focusRing}`}
            >
              {step.ply}. <span className={`font-bold ${MARK_COLOURS[step.mark]}`}>{step.mark}</span> {where(step.cell)}{' '}
              · <Change before={step.before} after={step.after} />
              {step.mistake ? <strong className="text-red-700 dark:text-red-300"> · mistake</strong> : null}
            </a>
          </li>
        ))}
      </ol>
    </section>
  );
}
