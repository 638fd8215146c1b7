import { type GameView, type Mark, type Presence, turnOf } from '@ttt/shared';
import { useEffect, useRef, useState } from 'react';
import {
  claimOpensAt,
  deadlineLine,
  duration,
  formatClock,
  offsetFrom,
  timeControlLabel,
  timeLeft,
} from '../game-clock';
import { playerWith } from '../game-text';
import { Button } from './ui';

/** How far the server's clock is ahead of this device's, from the latest `serverTime` received. */
export function useServerOffset(serverTime: string | undefined): number {
  const [offset, setOffset] = useState(0);
  useEffect(() => {
    if (serverTime) setOffset(offsetFrom(serverTime, Date.now()));
  }, [serverTime]);
  return offset;
}

/** The device's time, re-read every `everyMs` while `running`. */
function useTicker(running: boolean, everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [running, everyMs]);
  return now;
}

/**
 * Asks the server again while a deadline has passed on this page: the first read after it
 * records the result. The device's estimate of the server's time may be a little early, so
 * it asks again each second until the game changes.
 */
function useWhenDue(due: boolean, version: number, ask: () => void) {
  const asked = useRef({ version: -1, at: 0 });
  useEffect(() => {
    if (!due) return;
    const now = Date.now();
    if (asked.current.version === version && now - asked.current.at < 1000) return;
    asked.current = { version, at: now };
    ask();
  });
}

function PlayerClock({ game, mark, left, running }: { game: GameView; mark: Mark; left: number; running: boolean }) {
  const name = playerWith(game, mark)?.name ?? mark;
  const low = running && left < 10_000;
  return (
    <div
      data-testid={`clock-${mark}`}
      data-running={running}
      className={`flex min-w-28 items-baseline justify-between gap-3 rounded-lg border px-3 py-1.5 ${
        running
          ? low
            ? 'border-red-500 bg-red-50 dark:bg-red-950'
            : 'border-indigo-500 bg-indigo-50 dark:bg-indigo-950'
          : 'border-slate-300 dark:border-slate-700'
      }`}
    >
      <span className="text-sm">
        <span className="sr-only">{running ? 'Running clock of ' : 'Clock of '}</span>
        {name} ({mark})
      </span>
      <span className={`shrink-0 font-mono text-lg tabular-nums ${running ? 'font-bold' : ''}`}>
        {formatClock(left)}
      </span>
    </div>
  );
}

/**
 * The game's clocks (live games), or what is due by when (an invitation's expiry, a
 * correspondence move), counted from the server's time. When a deadline passes on screen it
 * asks the server, which records the result.
 */
export function GameClock({
  game,
  viewerId,
  onDue,
}: {
  game: GameView;
  viewerId: string | null | undefined;
  onDue: () => void;
}) {
  const offset = useServerOffset(game.serverTime);
  const counting = game.deadline !== null && (game.status === 'playing' || game.status === 'pending');
  const live = game.clocks !== null && game.status === 'playing';
  const now = useTicker(counting, live ? 100 : 1000) + offset;
  const due = counting && game.deadline !== null && now >= Date.parse(game.deadline);
  useWhenDue(due, game.version, onDue);

  const label = timeControlLabel(game.timeControl);
  if (game.clocks) {
    const turn = game.status === 'playing' ? turnOf(game) : null;
    return (
      <div className="flex flex-col items-center gap-1">
        <div className="flex flex-wrap justify-center gap-2">
          {(['X', 'O'] as const).map((mark) => (
            <PlayerClock
              key={mark}
              game={game}
              mark={mark}
              left={timeLeft(game, mark, now) ?? 0}
              running={turn === mark}
            />
          ))}
        </div>
        {label ? <p className="text-xs text-slate-500 dark:text-slate-400">Live · {label}</p> : null}
      </div>
    );
  }
  const line = deadlineLine(game, viewerId, now);
  if (!line && !label) return null;
  return (
    <p data-testid="deadline" className="text-center text-sm text-slate-600 dark:text-slate-400">
      {[line, label && game.timeControl?.type === 'live' ? `Live · ${label}` : label].filter(Boolean).join(' · ')}
    </p>
  );
}

/**
 * In a live game, when the player to move has left: after `abandonAfterMs` the player waiting
 * may claim the win or call it a draw (the server decides the same way).
 */
export function ClaimPanel({
  game,
  presence,
  viewerId,
  pending,
  claim,
}: {
  game: GameView;
  presence: Presence | null;
  viewerId: string | null | undefined;
  pending: boolean;
  claim: (outcome: 'win' | 'draw') => void;
}) {
  const offset = useServerOffset(game.serverTime);
  const opens = claimOpensAt(game, presence, viewerId);
  const now = useTicker(opens !== null, 500) + offset;
  if (!opens) return null;
  const wait = opens.at - now;
  return (
    <div
      data-testid="claim"
      className="flex flex-col gap-2 rounded-lg border border-amber-400 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-950"
    >
      <p>
        {opens.mover.name} left the game.{' '}
        {wait > 0 ? `If they are not back in ${duration(wait)}, you may claim it.` : 'You may claim the game.'}
      </p>
      {wait > 0 ? null : (
        <div className="flex flex-wrap gap-2">
          <Button variant="primary" disabled={pending} onClick={() => claim('win')}>
            Claim the win
          </Button>
          <Button disabled={pending} onClick={() => claim('draw')}>
            Call it a draw
          </Button>
        </div>
      )}
    </div>
  );
}
