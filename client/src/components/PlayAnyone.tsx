import type { PairingStatus } from '@ttt/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { onlineApi } from '../api-online';
import { TIME_CONTROLS, timeControlLabel } from '../game-clock';
import { useAction } from '../hooks/use-action';
import { navigate } from '../router';
import { ErrorMessage } from './ErrorMessage';
import { Button, Card, focusRing } from './ui';

/** While waiting: how often to ask whether someone came, and to say we still wait. */
const CHECK_MS = 1000;
const STILL_WAITING_MS = 20_000;
/** The form's default: a quick live game. */
const DEFAULT_CHOICE = Math.max(
  0,
  TIME_CONTROLS.findIndex((choice) => choice.value.type === 'live' && choice.value.initialSeconds === 180),
);

const waitingLine = (count: number) =>
  count === 0 ? 'Nobody is waiting right now.' : `${count} ${count === 1 ? 'player is' : 'players are'} waiting.`;

/**
 * "Play anyone": pick a time control, rated or casual, and wait; the next player who asks for
 * the same plays you. `changed` changes whenever the lobby does (a new game of yours is news sooner
 * than the next check). Leaving the page, or Cancel, leaves the queue.
 */
export function PlayAnyone({ changed }: { changed: unknown }) {
  const [choice, setChoice] = useState(DEFAULT_CHOICE);
  const [rated, setRated] = useState(false);
  const [status, setStatus] = useState<PairingStatus | null>(null);
  const waiting = status?.state === 'waiting';
  const stillWaiting = useRef(false);
  stillWaiting.current = waiting;

  const show = useCallback((next: PairingStatus) => {
    stillWaiting.current = next.state === 'waiting';
    setStatus(next);
    if (next.state === 'paired' && next.gameId) navigate(`/games/${next.gameId}`);
  }, []);
  const check = useCallback(() => {
    onlineApi
      .pairing()
      .then(show)
      .catch(() => {});
  }, [show]);

  // How many wait, on arrival (a pairing of ours that is not over yet is not news: idle).
  useEffect(() => {
    onlineApi
      .pairing()
      .then((first) => setStatus(first.state === 'paired' ? { ...first, state: 'idle', gameId: null } : first))
      .catch(() => {});
  }, []);

  const seek = useAction(async () => {
    const timeControl = TIME_CONTROLS[choice]?.value;
    if (timeControl) show(await onlineApi.seek(timeControl, rated));
  });
  const cancel = useAction(async () => setStatus(await onlineApi.stopSeeking()));

  // While waiting: check often, say every so often that we still wait, check at once when the
  // lobby changes, and leave the queue when the page goes away.
  const seekAgain = useRef(seek.run);
  seekAgain.current = seek.run;
  useEffect(() => {
    if (!waiting) return;
    const checks = setInterval(check, CHECK_MS);
    const renew = setInterval(() => void seekAgain.current(), STILL_WAITING_MS);
    const exit = () => onlineApi.stopSeekingOnExit();
    window.addEventListener('pagehide', exit);
    return () => {
      clearInterval(checks);
      clearInterval(renew);
      window.removeEventListener('pagehide', exit);
    };
  }, [waiting, check]);
  useEffect(() => {
    if (changed && waiting) check();
  }, [changed, waiting, check]);
  // Leaving the lobby while waiting (not for the game we were paired into) leaves the queue.
  useEffect(() => () => (stillWaiting.current ? onlineApi.stopSeekingOnExit() : undefined), []);

  const label = status?.timeControl
    ? `${timeControlLabel(status.timeControl)}, ${status.rated ? 'rated' : 'casual'}`
    : null;
  return (
    <Card>
      <h2 className="text-lg font-semibold">Play anyone</h2>
      {waiting ? (
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <p role="status" data-testid="pairing" className="flex-1 text-sm">
            Looking for an opponent{label ? ` (${label})` : ''}…{' '}
            {status.waiting > 1 ? `${status.waiting - 1} more waiting for other games.` : ''}
          </p>
          <Button disabled={cancel.pending} onClick={() => void cancel.run()}>
            Cancel
          </Button>
        </div>
      ) : (
        <div className="mt-3 flex flex-wrap items-center gap-2">
          <label htmlFor="pairing-time-control" className="sr-only">
            Time control for Play anyone
          </label>
          <select
            id="pairing-time-control"
            value={choice}
            onChange={(event) => setChoice(Number(event.target.value))}
            className={`rounded-lg border border-slate-300 bg-white px-2 py-2 text-sm dark:border-slate-600 dark:bg-slate-950 ${focusRing}`}
          >
            {TIME_CONTROLS.map((option, index) => (
              <option key={option.label} value={index}>
                {option.label}
              </option>
            ))}
          </select>
          <label className="flex items-center gap-2 rounded-lg px-2 py-2 text-sm">
            <input
              type="checkbox"
              checked={rated}
              onChange={(event) => setRated(event.target.checked)}
              aria-label="Rated game for Play anyone"
              aria-describedby="pairing-rated-hint"
              className={`size-4 ${focusRing}`}
            />
            Rated
          </label>
          <span id="pairing-rated-hint" className="sr-only">
            A rated game changes both players' ratings; you are paired only with players who chose the same.
          </span>
          <Button variant="primary" disabled={seek.pending} onClick={() => void seek.run()}>
            Play anyone
          </Button>
          <p data-testid="pairing" className="w-full text-sm text-slate-600 dark:text-slate-400">
            {status ? waitingLine(status.waiting) : '\u00a0'}
          </p>
        </div>
      )}
      <ErrorMessage message={seek.error ?? cancel.error} onDismiss={() => seek.setError(null)} />
    </Card>
  );
}
