import { type GameList, type GameSummary, type Player, PlayerNameSchema } from '@ttt/shared';
import { type FormEvent, useId, useLayoutEffect, useRef, useState } from 'react';
import { ApiError } from '../api';
import { onlineApi } from '../api-online';
import { ConnectionBadge } from '../components/ConnectionBadge';
import { ErrorMessage } from '../components/ErrorMessage';
import { PlayAnyone } from '../components/PlayAnyone';
import { PlayerLink, profileHref } from '../components/PlayerLink';
import { NotifyToggle } from '../components/SignalToggles';
import { Button, Card, focusRing, Spinner } from '../components/ui';
import { TIME_CONTROLS, timeControlLabel } from '../game-clock';
import { isYourTurn, lobbyLine, lobbyTitle, opponentFor, when } from '../game-text';
import { useAction } from '../hooks/use-action';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useLobby } from '../hooks/use-lobby';
import { useNotifications } from '../hooks/use-notifications';
import { useSession } from '../hooks/use-session';
import { ratedLabel, recordText } from '../rating-text';
import { Link, navigate } from '../router';
import { countYourTurn, lobbyNotices, yourTurnFirst } from '../turn-signals';

const SECTIONS: { list: GameList; title: string; empty: string }[] = [
  { list: 'received', title: 'Invitations for you', empty: 'No invitations right now.' },
  { list: 'sent', title: 'Invitations you sent', empty: 'You have no open invitations.' },
  { list: 'playing', title: 'Games in progress', empty: 'No games in progress. Invite someone above.' },
  { list: 'finished', title: 'Finished games', empty: 'No finished games yet.' },
];

function MiniBoard({ board }: { board: readonly string[] }) {
  return (
    <span
      aria-hidden="true"
      className="grid size-10 shrink-0 grid-cols-3 gap-px rounded bg-slate-300 p-px dark:bg-slate-700"
    >
      {board.map((cell, index) => (
        <span
          // biome-ignore lint/suspicious/noArrayIndexKey: fixed positions
          key={index}
          className={`flex items-center justify-center bg-white text-[9px] font-bold leading-none dark:bg-slate-900 ${cell === 'X' ? 'text-blue-600 dark:text-blue-400' : 'text-red-600 dark:text-red-400'}`}
        >
          {cell}
        </span>
      ))}
    </span>
  );
}

function GameRow({
  game,
  player,
  list,
  onAnswered,
  onChanged,
}: {
  game: GameSummary;
  player: Player;
  list: GameList;
  onAnswered: (game: GameSummary) => void;
  onChanged: () => void;
}) {
  const yourTurn = isYourTurn(game, player.id);
  const other = opponentFor(game, player.id);
  // A refusal means the lobby is behind (accepted, cancelled elsewhere): read it again too.
  const answer = useAction(async (action: 'accept' | 'decline' | 'cancel') => {
    const answered = await onlineApi.act(game.id, action);
    if (action === 'accept') navigate(`/games/${game.id}`);
    else onAnswered(answered);
  }, onChanged);
  const act = (action: 'accept' | 'decline' | 'cancel') => void answer.run(action);
  const busy = answer.pending;
  const error = answer.error;
  // The name links to the player's profile; "Open" to the game, named for screen readers.
  const invitation = list === 'received' || list === 'sent';
  const opens =
    list === 'received'
      ? `Open the invitation from ${game.host.name}`
      : list === 'sent'
        ? other
          ? `Open your invitation to ${other.name}`
          : 'Open your invitation link'
        : `Open the game vs ${other?.name ?? 'nobody'}`;
  return (
    <li
      className={`flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:justify-between ${yourTurn ? 'border-l-4 border-l-indigo-600 pl-3 dark:border-l-indigo-400' : ''}`}
      data-testid={`game-${game.id}`}
    >
      <div className="flex min-w-0 items-center gap-3">
        <MiniBoard board={game.board} />
        <div className="min-w-0">
          <span className="font-semibold">
            {invitation ? null : 'vs '}
            {other ? <PlayerLink name={other.name} /> : 'Invitation link'}
          </span>
          {yourTurn ? (
            // The line below says "Your turn" to screen readers; the badge says it to the eye.
            <span
              aria-hidden="true"
              data-testid="your-turn"
              className="ml-2 whitespace-nowrap rounded-full bg-indigo-600 px-2 py-0.5 text-xs font-semibold text-white"
            >
              Your turn
            </span>
          ) : null}
          <p className="text-sm text-slate-600 dark:text-slate-400">
            <span>{lobbyLine(game, player.id)}</span> · <time dateTime={game.updatedAt}>{when(game.updatedAt)}</time>
            {game.timeControl ? <span> · {timeControlLabel(game.timeControl)}</span> : null}
            <span data-testid="rated"> · {ratedLabel(game)}</span>
          </p>
          {error ? <p className="text-sm text-red-700 dark:text-red-300">{error}</p> : null}
        </div>
      </div>
      <div className="flex shrink-0 gap-2">
        <Link
          href={`/games/${game.id}`}
          aria-label={opens}
          className={`rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-900 hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800 ${focusRing}`}
        >
          Open
        </Link>
        {list === 'received' ? (
          <>
            <Button
              variant="primary"
              disabled={busy}
              onClick={() => act('accept')}
              aria-label={`Accept ${game.host.name}'s invitation`}
            >
              Accept
            </Button>
            <Button
              disabled={busy}
              onClick={() => act('decline')}
              aria-label={`Decline ${game.host.name}'s invitation`}
            >
              Decline
            </Button>
          </>
        ) : list === 'sent' ? (
          <Button
            disabled={busy}
            onClick={() => act('cancel')}
            aria-label={`Cancel the invitation to ${other?.name ?? 'Invitation link'}`}
          >
            Cancel
          </Button>
        ) : null}
      </div>
    </li>
  );
}

const typing = (element: Element | null) =>
  element instanceof HTMLElement && (element.isContentEditable || element.matches('input, textarea, select'));

/**
 * An invitation of the player's was accepted: the game is offered, not forced. Focus moves to
 * "Open the game" at once unless the player is typing, which is theirs to finish.
 */
function AcceptedOffer({ game, player, onDismiss }: { game: GameSummary; player: Player; onDismiss: () => void }) {
  const open = useRef<HTMLButtonElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  const other = opponentFor(game, player.id)?.name;
  // Once per offer (keyed by game). A layout effect: focus moves in the frame the offer appears.
  useLayoutEffect(() => {
    const active = document.activeElement;
    if (typing(active)) return;
    returnTo.current = active instanceof HTMLElement ? active : null;
    open.current?.focus();
  }, []);
  const dismiss = () => {
    onDismiss();
    if (returnTo.current?.isConnected) returnTo.current.focus();
  };
  return (
    <div
      data-testid="accepted-offer"
      className="flex flex-wrap items-center justify-between gap-3 rounded-2xl border-2 border-indigo-600 bg-white p-4 shadow-sm dark:border-indigo-400 dark:bg-slate-900"
    >
      <p className="font-semibold">{other ? <PlayerLink name={other} /> : 'Someone'} accepted your invitation</p>
      <div className="flex gap-2">
        <Button ref={open} variant="primary" onClick={() => navigate(`/games/${game.id}`)}>
          Open the game
        </Button>
        <Button onClick={dismiss}>Not now</Button>
      </div>
    </div>
  );
}

function NewGame({ onCreated }: { onCreated: (game: GameSummary) => void }) {
  const [name, setName] = useState('');
  const [timeControl, setTimeControl] = useState(0);
  /** Rated unless the player unticks it; for invitations by name and by link alike. */
  const [rated, setRated] = useState(true);
  /** What the last invitation by name needs said: it waits for a name with no account yet. */
  const [notice, setNotice] = useState<string | null>(null);
  /** The invitation the two already have, when that is why a new one was refused. */
  const [existing, setExisting] = useState<string | null>(null);
  const creating = useAction(
    async (request: { opponent: string } | { invite: 'link' }) => {
      setNotice(null);
      setExisting(null);
      const body = { ...request, timeControl: TIME_CONTROLS[timeControl]?.value ?? TIME_CONTROLS[0]?.value, rated };
      const game = await onlineApi.createGame(body);
      // Clear the name sent, not one typed since.
      if ('opponent' in request) setName((typed) => (typed.trim() === request.opponent ? '' : typed));
      if ('invite' in request) navigate(`/games/${game.id}`);
      else {
        onCreated(game);
        if (!game.opponentHasJoined) {
          setNotice(
            `${game.opponent?.name ?? request.opponent} hasn't joined yet; the invitation will wait for them (for a day), or send a link.`,
          );
        }
      }
    },
    (caught) => setExisting(caught instanceof ApiError && caught.link ? caught.link : null),
  );
  const { error, setError, pending: busy } = creating;
  // What the last try found wrong with the name: the field is marked, and described by it.
  const [problem, setProblem] = useState<string | null>(null);
  const problemId = useId();
  const create = (body: { opponent: string } | { invite: 'link' }) => {
    setProblem(null);
    void creating.run(body);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const opponent = name.trim();
    const check = PlayerNameSchema.safeParse(opponent);
    if (!check.success) {
      setProblem(check.error.issues[0]?.message ?? 'Not a valid name');
      setError(null);
      return;
    }
    void create({ opponent });
  };

  return (
    <Card>
      <h2 className="text-lg font-semibold">New game</h2>
      <form onSubmit={submit} className="mt-3 flex flex-col gap-2 sm:flex-row" noValidate>
        <label htmlFor="opponent" className="sr-only">
          Opponent's name
        </label>
        <input
          id="opponent"
          placeholder="Opponent's name"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={40}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? problemId : undefined}
          value={name}
          onChange={(event) => setName(event.target.value)}
          className={`min-w-0 flex-1 rounded-lg border border-slate-300 bg-white px-3 py-2 dark:border-slate-600 dark:bg-slate-950 ${focusRing}`}
        />
        <Button type="submit" variant="primary" disabled={busy}>
          Invite
        </Button>
      </form>
      <div className="mt-3 flex flex-wrap items-center gap-2 text-sm">
        <label htmlFor="time-control" className="font-medium">
          Time control
        </label>
        <select
          id="time-control"
          value={timeControl}
          onChange={(event) => setTimeControl(Number(event.target.value))}
          className={`rounded-lg border border-slate-300 bg-white px-2 py-1.5 dark:border-slate-600 dark:bg-slate-950 ${focusRing}`}
        >
          {TIME_CONTROLS.map((choice, index) => (
            <option key={choice.label} value={index}>
              {choice.label}
            </option>
          ))}
        </select>
        <label className="flex items-center gap-2 font-medium">
          <input
            type="checkbox"
            checked={rated}
            onChange={(event) => setRated(event.target.checked)}
            aria-describedby="rated-hint"
            className={`size-4 rounded ${focusRing}`}
          />
          Rated
        </label>
        <span id="rated-hint" className="text-slate-600 dark:text-slate-400">
          {rated ? 'the result changes both ratings' : 'casual: only your records count it'}
        </span>
      </div>
      <div className="mt-3 flex flex-wrap items-center gap-2 text-sm text-slate-600 dark:text-slate-400">
        <span>or</span>
        <Button disabled={busy} onClick={() => create({ invite: 'link' })}>
          Create an invitation link
        </Button>
      </div>
      <div className="mt-3 flex flex-col gap-2">
        <ErrorMessage
          message={problem ? <span id={problemId}>{problem}</span> : error}
          onDismiss={() => {
            setProblem(null);
            setError(null);
          }}
        />
        {existing && error ? (
          <Link href={existing} className={`self-start rounded text-sm underline ${focusRing}`}>
            Open that invitation
          </Link>
        ) : null}
        {notice ? (
          <p role="status" data-testid="invite-notice" className="text-sm text-slate-700 dark:text-slate-300">
            {notice}
          </p>
        ) : null}
      </div>
    </Card>
  );
}

/** "Sign out everywhere", asked twice: a stray click must not sign out every device. */
function SignOutEverywhere() {
  const { recheck } = useSession();
  const [asking, setAsking] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const signingOut = useAction(async () => {
    await onlineApi.signOutEverywhere();
    // The server said who is signed in here now: nobody.
    recheck();
  });
  useLayoutEffect(() => {
    if (asking) confirm.current?.focus();
  }, [asking]);
  const cancel = () => {
    setAsking(false);
    // Back to where the keyboard was, once the opener is shown again.
    requestAnimationFrame(() => opener.current?.focus());
  };
  if (!asking) {
    return (
      <Button ref={opener} onClick={() => setAsking(true)}>
        Sign out everywhere…
      </Button>
    );
  }
  return (
    <div
      role="group"
      aria-labelledby="sign-out-everywhere-question"
      className="flex flex-wrap items-center gap-2 rounded-lg border border-red-300 p-2 dark:border-red-800"
      onKeyDown={(event) => {
        if (event.key === 'Escape') cancel();
      }}
    >
      <p id="sign-out-everywhere-question" className="text-sm">
        Sign out on every device, this one too?
      </p>
      <Button ref={confirm} variant="danger" disabled={signingOut.pending} onClick={() => void signingOut.run()}>
        Yes, sign out everywhere
      </Button>
      <Button disabled={signingOut.pending} onClick={cancel}>
        Cancel
      </Button>
      {signingOut.error ? <p className="w-full text-sm text-red-700 dark:text-red-300">{signingOut.error}</p> : null}
    </div>
  );
}

export function LobbyPage({ player }: { player: Player }) {
  const { signOut } = useSession();
  const notifications = useNotifications();
  const [offer, setOffer] = useState<GameSummary | null>(null);
  const [declined, setDeclined] = useState<GameSummary | null>(null);
  const { lobby, error, connection, refresh, update, loadMore, loadingMore } = useLobby(
    (changes) => {
      for (const notice of lobbyNotices(changes, player.id)) notifications.notify(notice);
      const accepted = changes.accepted[0];
      if (accepted) setOffer(accepted);
    },
    // An invitation of the player's was declined: it leaves the list, and they are told so.
    (game) => {
      if (game.status === 'declined' && game.host.id === player.id) setDeclined(game);
    },
  );
  const signingOut = useAction(signOut);
  useDocumentTitle(lobby ? lobbyTitle(countYourTurn(lobby.playing.games, player.id)) : null);

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">
            Hello, <span>{player.name}</span>
          </h1>
          {lobby ? (
            <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="record">
              {recordText(lobby.record)}
            </p>
          ) : null}
          <p className="flex gap-3 text-sm">
            <Link href={profileHref(player.name)} className={`rounded underline ${focusRing}`}>
              Your profile
            </Link>
            <Link href="/players" className={`rounded underline ${focusRing}`}>
              Leaderboard
            </Link>
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <NotifyToggle notifications={notifications} />
          <ConnectionBadge connection={connection} />
          <Button disabled={signingOut.pending} onClick={() => void signingOut.run()}>
            Sign out
          </Button>
          <SignOutEverywhere />
        </div>
      </div>

      <div aria-live="polite" className="empty:hidden">
        {offer ? <AcceptedOffer key={offer.id} game={offer} player={player} onDismiss={() => setOffer(null)} /> : null}
        {declined ? (
          <div
            data-testid="declined"
            className="flex flex-wrap items-center justify-between gap-3 rounded-2xl border border-slate-300 bg-white p-4 dark:border-slate-700 dark:bg-slate-900"
          >
            <p>
              {declined.opponent ? <PlayerLink name={declined.opponent.name} /> : 'Your opponent'} declined your
              invitation.
            </p>
            <Button onClick={() => setDeclined(null)}>Dismiss</Button>
          </div>
        ) : null}
      </div>
      <PlayAnyone changed={lobby} />
      <NewGame onCreated={update} />
      <ErrorMessage message={error} />

      {!lobby ? (
        <Spinner label="Loading your games…" />
      ) : (
        SECTIONS.map(({ list, title, empty }) => {
          const page = lobby[list];
          return (
            <Card key={list}>
              <h2 className="text-lg font-semibold" id={`list-${list}`}>
                {title}{' '}
                {page.games.length > 0 ? (
                  <span className="text-slate-500 dark:text-slate-400">
                    ({page.games.length}
                    {page.cursor ? '+' : ''})
                  </span>
                ) : null}
              </h2>
              {page.games.length === 0 ? (
                <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">{empty}</p>
              ) : (
                <ul aria-labelledby={`list-${list}`} className="divide-y divide-slate-200 dark:divide-slate-800">
                  {(list === 'playing' ? yourTurnFirst(page.games, player.id) : page.games).map((game) => (
                    <GameRow
                      key={game.id}
                      game={game}
                      player={player}
                      list={list}
                      onAnswered={update}
                      onChanged={refresh}
                    />
                  ))}
                </ul>
              )}
              {page.cursor ? (
                <Button className="mt-2" disabled={loadingMore === list} onClick={() => loadMore(list)}>
                  {loadingMore === list ? 'Loading…' : 'Show more'}
                </Button>
              ) : null}
            </Card>
          );
        })
      )}
    </div>
  );
}
