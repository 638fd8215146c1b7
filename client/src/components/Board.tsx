import type { Cell } from '@ttt/shared';
import { type KeyboardEvent, useRef, useState } from 'react';

export interface BoardProps {
  board: readonly Cell[];
  /** The three cells of a win, highlighted. */
  winningLine?: readonly number[] | null;
  /** The cell played last, outlined and named as such; null when not known. */
  lastMove?: number | null;
  /** Whether a click on this cell means a move now (empty, your turn, game on, not busy). */
  canPlay: (index: number) => boolean;
  onPlay: (index: number) => void;
  /** A request is pending: the board is shown but does not take moves. */
  busy?: boolean;
  label?: string;
}

export function cellName(index: number, cell: Cell, winning = false, last = false): string {
  const row = Math.floor(index / 3) + 1;
  const column = (index % 3) + 1;
  return `row ${row}, column ${column}, ${cell || 'empty'}${last ? ', last move' : ''}${winning ? ', winning line' : ''}`;
}

/** Each mark in its own colour; an empty cell has none, so a new mark never starts from another's. */
const MARK_COLOURS: Record<Cell, string> = {
  X: 'text-blue-600 dark:text-blue-400',
  O: 'text-red-600 dark:text-red-400',
  '': '',
};

const MOVES: Record<string, (index: number) => number> = {
  ArrowUp: (i) => (i < 3 ? i : i - 3),
  ArrowDown: (i) => (i > 5 ? i : i + 3),
  ArrowLeft: (i) => (i % 3 === 0 ? i : i - 1),
  ArrowRight: (i) => (i % 3 === 2 ? i : i + 1),
  Home: (i) => i - (i % 3),
  End: (i) => i - (i % 3) + 2,
};

/**
 * The 3×3 grid. One cell is in the tab order at a time (a roving tabindex): arrow keys
 * move between cells, Enter or Space plays the focused cell.
 */
export function Board({
  board,
  winningLine,
  lastMove = null,
  canPlay,
  onPlay,
  busy = false,
  label = 'Board',
}: BoardProps) {
  const [focused, setFocused] = useState(4);
  const cells = useRef<(HTMLButtonElement | null)[]>([]);

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const move = MOVES[event.key];
    if (!move) return;
    event.preventDefault();
    const next = move(index);
    setFocused(next);
    cells.current[next]?.focus();
  };

  return (
    <fieldset aria-busy={busy} className="mx-auto w-full max-w-[min(24rem,100%)]">
      <legend className="sr-only">{label}</legend>
      <div className="grid aspect-square grid-cols-3 gap-2 rounded-2xl bg-slate-300 p-2 shadow-inner dark:bg-slate-700">
        {board.map((cell, index) => {
          const winning = winningLine?.includes(index) ?? false;
          const last = index === lastMove && cell !== '';
          const playable = !busy && canPlay(index);
          return (
            <button
              // biome-ignore lint/suspicious/noArrayIndexKey: the nine cells are fixed positions
              key={index}
              ref={(element) => {
                cells.current[index] = element;
              }}
              type="button"
              tabIndex={index === focused ? 0 : -1}
              aria-label={cellName(index, cell, winning, last)}
              aria-disabled={!playable}
              data-testid={`cell-${index}`}
              onFocus={() => setFocused(index)}
              onKeyDown={(event) => onKeyDown(event, index)}
              onClick={() => {
                if (playable) onPlay(index);
              }}
              className={`flex aspect-square items-center justify-center rounded-xl border-4 text-5xl font-black transition-[background-color] select-none sm:text-6xl focus-visible:outline-none focus-visible:ring-4 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:ring-offset-slate-300 dark:focus-visible:ring-offset-slate-700 ${
                winning
                  ? 'bg-amber-200 dark:bg-amber-700/60'
                  : playable
                    ? 'cursor-pointer bg-white hover:bg-slate-100 dark:bg-slate-900 dark:hover:bg-slate-800'
                    : 'cursor-default bg-white dark:bg-slate-900'
              } ${last ? 'border-current' : 'border-transparent'} ${MARK_COLOURS[cell]}`}
            >
              <span aria-hidden="true">{cell}</span>
            </button>
          );
        })}
      </div>
    </fieldset>
  );
}
