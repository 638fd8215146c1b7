import { type GameView, type Mark, markOf, markOfMove, type Player } from '@ttt/shared';
import { lazy, Suspense, useEffect, useState } from 'react';
import { Board } from '../components/Board';
import { ConnectionBadge } from '../components/ConnectionBadge';
import { ErrorMessage } from '../components/ErrorMessage';
import { ClaimPanel, GameClock } from '../components/GameClock';
import { PlayerLink } from '../components/PlayerLink';
import { RatingLine } from '../components/RatingLine';
import { SessionBar, signInHref } from '../components/SessionBar';
import { NotifyToggle, SoundToggle } from '../components/SignalToggles';
import { Button, Card, focusRing, Spinner } from '../components/ui';
import { cellName, gameTitle, isConnected, playerWith, presenceLine, statusLine, watchingLine } from '../game-text';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useGame } from '../hooks/use-game';
import { useGameSignals } from '../hooks/use-game-signals';
import { useNotifications } from '../hooks/use-notifications';
import { useSession } from '../hooks/use-session';
import { useStoredFlag } from '../hooks/use-stored-flag';
import { Link, navigate } from '../router';

// A finished game's replay and analysis, with the solver: loaded only when there is one to show.
const Replay = lazy(() => import('../components/Replay'));

function CopyField({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  const id = `copy-${label.replace(/\W+/g, '-').toLowerCase()}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      (document.getElementById(id) as HTMLInputElement | null)?.select();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <div className="flex gap-2">
        <input
          id={id}
          readOnly
          value={value}
          onFocus={(event) => event.target.select()}
          className={`min-w-0 flex-1 rounded-lg border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-xs dark:border-slate-600 dark:bg-slate-950 ${focusRing}`}
        />
        <Button onClick={copy} aria-label={`Copy the ${label.toLowerCase()}`}>
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
      <span aria-live="polite" className="sr-only">
        {copied ? 'Copied to the clipboard' : ''}
      </span>
    </div>
  );
}

function PlayerTag({
  player,
  mark,
  you,
  connected,
}: {
  player: Player | null;
  mark: Mark;
  you: boolean;
  /** Whether the player has this game open; null when unknown (or no player yet). */
  connected: boolean | null;
}) {
  return (
    <span className="inline-flex items-baseline gap-1.5">
      {connected === null ? null : (
        <span data-testid={`presence-${mark}`} data-online={connected} className="inline-flex items-center self-center">
          <span
            aria-hidden="true"
            className={`size-2.5 rounded-full ${connected ? 'bg-emerald-500' : 'bg-slate-300 dark:bg-slate-600'}`}
          />
          <span className="sr-only">{connected ? 'connected:' : 'not connected:'}</span>
        </span>
      )}
      <span
        className={`font-black ${mark === 'X' ? 'text-blue-600 dark:text-blue-400' : 'text-red-600 dark:text-red-400'}`}
      >
        {mark}
      </span>
      {player ? (
        <PlayerLink name={player.name} />
      ) : (
        <span className="text-base text-slate-600 dark:text-slate-300">waiting for someone to accept the link</span>
      )}
      {you ? <span className="shrink-0 text-xs text-slate-500 dark:text-slate-400">(you)</span> : null}
    </span>
  );
}

function Actions({
  game,
  viewer,
  token,
  pending,
  act,
}: {
  game: GameView;
  viewer: Player | null;
  token: string | null;
  pending: boolean;
  act: ReturnType<typeof useGame>['act'];
}) {
  const [confirmResign, setConfirmResign] = useState(false);
  const mine = markOf(game, viewer?.id);
  const isHost = viewer?.id === game.host.id;
  const buttons = [];

  if (game.status === 'pending') {
    if (isHost) {
      buttons.push(
        <Button key="cancel" variant="danger" disabled={pending} onClick={() => act('cancel')}>
          Cancel invitation
        </Button>,
      );
    } else if (game.invite === 'name' && viewer?.id === game.opponent?.id) {
      buttons.push(
        <Button key="accept" variant="primary" disabled={pending} onClick={() => act('accept')}>
          Accept
        </Button>,
        <Button key="decline" disabled={pending} onClick={() => act('decline')}>
          Decline
        </Button>,
      );
    } else if (game.invite === 'link' && token) {
      buttons.push(
        viewer ? (
          <Button key="accept" variant="primary" disabled={pending} onClick={() => act('accept', { token })}>
            Accept {game.host.name}'s invitation
          </Button>
        ) : (
          <Link
            key="sign-in"
            href={`/online?next=${encodeURIComponent(`/games/${game.id}?invite=${token}`)}`}
            className={`rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white ${focusRing}`}
          >
            Sign in to accept
          </Link>
        ),
      );
    }
  }
  if (game.status === 'playing' && mine) {
    buttons.push(
      confirmResign ? (
        <span key="confirm" className="flex flex-wrap items-center gap-2">
          <span className="w-full text-sm">Resign this game?</span>
          <Button variant="danger" disabled={pending} onClick={() => act('resign').then(() => setConfirmResign(false))}>
            Yes, resign
          </Button>
          <Button onClick={() => setConfirmResign(false)}>Keep playing</Button>
        </span>
      ) : (
        <Button key="resign" variant="danger" disabled={pending} onClick={() => setConfirmResign(true)}>
          Resign
        </Button>
      ),
    );
  }
  if (game.status === 'finished' && mine) {
    buttons.push(
      game.rematchId ? (
        <Link
          key="rematch"
          href={`/games/${game.rematchId}`}
          className={`rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white ${focusRing}`}
        >
          Open the rematch
        </Link>
      ) : (
        <Button
          key="rematch"
          variant="primary"
          disabled={pending}
          onClick={async () => {
            const rematch = await act('rematch');
            if (rematch) navigate(`/games/${rematch.id}`);
          }}
        >
          Rematch
        </Button>
      ),
    );
  }
  if (game.rematchOf && game.status === 'pending') {
    buttons.push(
      <Link
        key="previous"
        href={`/games/${game.rematchOf}`}
        className={`rounded px-2 py-2 text-sm underline ${focusRing}`}
      >
        Previous game
      </Link>,
    );
  }
  return buttons.length > 0 ? <div className="flex flex-wrap items-center gap-2">{buttons}</div> : null;
}

export function GamePage({ id, viewer, token }: { id: string; viewer: Player | null; token: string | null }) {
  const { game, gone, loadError, error, pending, connection, presence, move, act, dismissError, refresh } = useGame(id);
  // A game that vanished may mean a restart that forgot the player too: ask, so the page says so.
  const { recheck } = useSession();
  useEffect(() => {
    if (gone) recheck();
  }, [gone, recheck]);
  const [muted, setMuted] = useStoredFlag('ttt:muted', false);
  const notifications = useNotifications();
  useGameSignals(game, viewer?.id, { muted, notify: notifications.notify });
  useDocumentTitle(game ? gameTitle(game, viewer?.id) : null);

  if (gone) {
    return (
      <div className="flex flex-col gap-5">
        <SessionBar next={`/games/${id}`} />
        <Card className="mx-auto max-w-md text-center">
          <h1 className="text-xl font-bold">Game not found</h1>
          <p className="mt-2 text-sm">
            There is no game at this address, or no longer: a server that keeps games in memory forgets them when it
            restarts.
          </p>
          <p className="mt-4 flex flex-wrap justify-center gap-4">
            <Link href="/online" className={`rounded underline ${focusRing}`}>
              Back to the lobby
            </Link>
            <Link href="/" className={`rounded underline ${focusRing}`}>
              Play here
            </Link>
          </p>
        </Card>
      </div>
    );
  }
  if (loadError && !game) {
    return (
      <Card className="mx-auto max-w-md text-center">
        <h1 className="text-xl font-bold">Game not available</h1>
        <p className="mt-2 text-sm">{loadError}</p>
        <Link href="/online" className={`mt-4 inline-block rounded underline ${focusRing}`}>
          Back to the lobby
        </Link>
      </Card>
    );
  }
  if (!game) return <Spinner label="Loading the game…" />;

  const mine = markOf(game, viewer?.id);
  const x = playerWith(game, 'X');
  const o = playerWith(game, 'O');
  const canPlay = (cell: number) =>
    game.status === 'playing' && mine !== null && game.turn === mine && game.board[cell] === '';
  const watchLink = `${window.location.origin}/games/${game.id}`;
  const result = game.result;

  return (
    <div className="flex flex-col gap-5">
      <SessionBar next={`/games/${id}`} />
      <div className="flex flex-wrap items-center justify-between gap-2">
        <Link href="/online" className={`rounded text-sm underline ${focusRing}`}>
          ← Lobby
        </Link>
        <div className="flex flex-wrap items-center gap-2">
          <SoundToggle muted={muted} onChange={setMuted} />
          {mine ? <NotifyToggle notifications={notifications} /> : null}
          <ConnectionBadge connection={connection} />
        </div>
      </div>

      <div className="text-center">
        <h1 className="flex flex-wrap items-baseline justify-center gap-x-3 text-xl">
          <PlayerTag player={x} mark="X" you={mine === 'X'} connected={isConnected(presence, x?.id)} />
          {/* "vs" goes with O: when the names wrap it starts the second line, never ends the first. */}
          <span className="inline-flex items-baseline gap-x-3">
            <span className="shrink-0 text-sm text-slate-500 dark:text-slate-400">vs</span>
            <PlayerTag player={o} mark="O" you={mine === 'O'} connected={isConnected(presence, o?.id)} />
          </span>
        </h1>
        <p role="status" aria-live="polite" data-testid="status" className="mt-3 text-2xl font-semibold">
          {statusLine(game, viewer?.id)}
        </p>
        {!mine && (game.status === 'playing' || !viewer) ? (
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            You are watching this game.
            {viewer ? null : (
              <>
                {' '}
                Is it yours?{' '}
                <Link href={signInHref(`/games/${id}`)} className={`rounded font-semibold underline ${focusRing}`}>
                  Sign in to play
                </Link>
              </>
            )}
          </p>
        ) : null}
        <p aria-live="polite" data-testid="presence" className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          {[presenceLine(game, presence, viewer?.id), watchingLine(presence)].filter(Boolean).join(' · ')}
        </p>
        <RatingLine game={game} />
        <div className="mt-3">
          <GameClock game={game} viewerId={viewer?.id} onDue={refresh} />
        </div>
      </div>

      <Board
        board={game.board}
        winningLine={result?.line ?? null}
        lastMove={game.moves.at(-1) ?? null}
        canPlay={canPlay}
        onPlay={move}
        busy={pending}
        label="Game board"
      />

      <div className="mx-auto flex w-full max-w-sm flex-col gap-4">
        <ErrorMessage message={error} onDismiss={dismissError} />
        <ClaimPanel
          game={game}
          presence={presence}
          viewerId={viewer?.id}
          pending={pending}
          claim={(outcome) => void act('claim', { outcome })}
        />
        <Actions game={game} viewer={viewer} token={token} pending={pending} act={act} />
        {game.inviteToken ? (
          <CopyField
            label="Invitation link"
            value={`${window.location.origin}/games/${game.id}?invite=${game.inviteToken}`}
          />
        ) : null}
        <CopyField label="Link to watch" value={watchLink} />
        <section aria-labelledby="moves-heading">
          <h2 id="moves-heading" className="text-sm font-semibold">
            Moves
          </h2>
          {game.moves.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">No moves yet.</p>
          ) : (
            <ol className="mt-1 list-decimal pl-6 text-sm" data-testid="moves">
              {game.moves.map((cell, index) => {
                const mark: Mark = markOfMove(index);
                return (
                  // biome-ignore lint/suspicious/noArrayIndexKey: moves never change order
                  <li key={index}>
                    {playerWith(game, mark)?.name ?? mark} ({mark}): {cellName(cell)}
                  </li>
                );
              })}
            </ol>
          )}
        </section>
        {game.status === 'finished' && game.moves.length > 0 ? (
          <Suspense fallback={<Spinner label="Loading the replay…" />}>
            <Replay moves={game.moves} names={{ X: x?.name, O: o?.name }} />
          </Suspense>
        ) : null}
      </div>
    </div>
  );
}
