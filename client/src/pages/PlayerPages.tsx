import type { GameSummary, Leaderboard, Player, PlayerProfile, RatingPoint } from '@ttt/shared';
import { useCallback, useEffect, useId, useState } from 'react';
import { ApiError, describeError } from '../api';
import { onlineApi } from '../api-online';
import { ErrorMessage } from '../components/ErrorMessage';
import { PlayerLink, profileHref } from '../components/PlayerLink';
import { SessionBar } from '../components/SessionBar';
import { Button, Card, focusRing, Spinner } from '../components/ui';
import { opponentFor, when } from '../game-text';
import { useDocumentTitle } from '../hooks/use-document-title';
import { SessionProvider, useSession } from '../hooks/use-session';
import {
  changeFor,
  pointsOf,
  ratedLabel,
  ratingChart,
  ratingText,
  recordText,
  resultFor,
  signedPoints,
} from '../rating-text';
import { Link } from '../router';

const muted = 'text-sm text-slate-600 dark:text-slate-400';
const link = `rounded underline ${focusRing}`;

type Loaded<T> = { state: 'loading' } | { state: 'ready'; data: T } | { state: 'failed'; error: unknown };

/** One public read, shown as loading, ready or failed, and read again on request. */
function useRead<T>(read: () => Promise<T>): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new `attempt` asks for the read again
  useEffect(() => {
    let active = true;
    // A new attempt, or a new name: show loading, not the last answer.
    setLoaded({ state: 'loading' });
    read().then(
      (data) => active && setLoaded({ state: 'ready', data }),
      (error: unknown) => active && setLoaded({ state: 'failed', error }),
    );
    return () => {
      active = false;
    };
  }, [read, attempt]);
  return [loaded, useCallback(() => setAttempt((count) => count + 1), [])];
}

function Failed({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <div className="flex flex-col items-start gap-2">
      <ErrorMessage message={describeError(error)} />
      <Button onClick={retry}>Try again</Button>
    </div>
  );
}

const shortDate = (iso: string) =>
  new Date(iso).toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric' });

const WIDTH = 320;
const HEIGHT = 120;
const PAD = 12;

/**
 * The rating after each rated game, as a line drawn in SVG; the same points as a table for
 * anyone who would rather read them (and for screen readers, which get the title and summary).
 */
function RatingChart({ history }: { history: RatingPoint[] }) {
  const id = useId();
  const ratings = history.map((point) => point.rating);
  const chart = ratingChart(ratings, WIDTH, HEIGHT, PAD);
  const first = Math.round(ratings[0] ?? 0);
  const last = Math.round(ratings.at(-1) ?? 0);
  const games = history.length === 1 ? '1 rated game' : `${history.length} rated games`;
  return (
    <div className="mt-3 flex flex-col gap-2">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        className="w-full text-indigo-700 dark:text-indigo-300"
        data-testid="rating-chart"
      >
        <title id={`${id}-title`}>Rating history</title>
        <desc id={`${id}-desc`}>
          {`From ${first} to ${last} over the last ${games}; lowest ${Math.round(Math.min(...ratings))}, highest ${Math.round(Math.max(...ratings))}.`}
        </desc>
        {[chart.high, chart.low].map((value) => {
          const y = value === chart.high ? PAD : HEIGHT - PAD;
          return (
            <g key={value} className="text-slate-500 dark:text-slate-400">
              <line x1={PAD} x2={WIDTH - PAD} y1={y} y2={y} stroke="currentColor" strokeOpacity="0.3" />
              <text x={PAD} y={y - 2} fontSize="9" fill="currentColor">
                {value}
              </text>
            </g>
          );
        })}
        <path d={chart.path} fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round" />
        {chart.points.map((point, index) => (
          <circle key={history[index]?.gameId ?? index} cx={point.x} cy={point.y} r="3" fill="currentColor" />
        ))}
      </svg>
      <details className="text-sm">
        <summary className={`cursor-pointer rounded ${focusRing}`}>Rating history as a table</summary>
        <table className="mt-2 w-full">
          <thead>
            <tr>
              <th className="py-2 text-left">Game</th>
              <th className="py-2 text-left">Date</th>
              <th className="py-2 text-right">Rating after</th>
            </tr>
          </thead>
          <tbody>
            {history.map((point, index) => (
              <tr key={point.gameId}>
                <td className="py-2">
                  <Link href={`/games/${point.gameId}`} className={link}>
                    Game {index + 1}
                  </Link>
                </td>
                <td className="py-2">
                  <time dateTime={point.at}>{shortDate(point.at)}</time>
                </td>
                <td className="py-2 text-right tabular-nums">{Math.round(point.rating)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

function RecentGame({ game, player }: { game: GameSummary; player: Player }) {
  const other = opponentFor(game, player.id);
  const result = resultFor(game, player.id);
  const change = changeFor(game, player.id);
  return (
    <li className="flex flex-wrap items-baseline gap-2 py-2" data-testid={`recent-${game.id}`}>
      <Link
        href={`/games/${game.id}`}
        aria-label={`${result} vs ${other?.name ?? 'nobody'}`}
        className={`rounded font-semibold underline ${focusRing}`}
      >
        {result}
      </Link>
      <span>vs {other ? <PlayerLink name={other.name} /> : 'nobody'}</span>
      <span className={muted}>
        {ratedLabel(game)}
        {change ? <span className="tabular-nums"> {signedPoints(pointsOf(change))}</span> : null} ·{' '}
        <time dateTime={game.updatedAt}>{when(game.updatedAt)}</time>
      </span>
    </li>
  );
}

function Profile({ profile, viewer }: { profile: PlayerProfile; viewer: Player | null }) {
  const { player, rating, record, history, recent } = profile;
  return (
    <>
      <div>
        <h1 className="text-2xl font-bold">{player.name}</h1>
        <p className={muted}>
          {viewer?.id === player.id ? 'This is you · ' : null}
          Playing since <time dateTime={profile.createdAt}>{shortDate(profile.createdAt)}</time>
        </p>
      </div>
      <Card>
        <dl className="flex flex-wrap gap-x-3">
          <div>
            <dt className={muted}>Rating</dt>
            <dd className="text-3xl font-bold tabular-nums" data-testid="rating">
              {ratingText(rating)}
            </dd>
          </div>
          <div>
            <dt className={muted}>Record</dt>
            <dd className="text-2xl font-bold" data-testid="record">
              {recordText(record)}
            </dd>
          </div>
        </dl>
        {rating?.provisional ? (
          <p className={`${muted} mt-2`}>The "?" means the rating is still provisional: it settles with more games.</p>
        ) : null}
      </Card>
      <Card>
        <h2 className="text-lg font-semibold">Rating history</h2>
        {history.length === 0 ? (
          <p className={`${muted} mt-2`}>No rated games yet.</p>
        ) : (
          <RatingChart history={history} />
        )}
      </Card>
      <Card>
        <h2 className="text-lg font-semibold" id="recent-games">
          Recent games
        </h2>
        {recent.length === 0 ? (
          <p className={`${muted} mt-2`}>No finished games yet.</p>
        ) : (
          <ul aria-labelledby="recent-games" className="divide-y divide-slate-200 dark:divide-slate-800">
            {recent.map((game) => (
              <RecentGame key={game.id} game={game} player={player} />
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}

function ProfilePage({ name, viewer }: { name: string; viewer: Player | null }) {
  const [loaded, retry] = useRead(useCallback(() => onlineApi.profile(name), [name]));
  useDocumentTitle(`${name} · Tic-tac-toe`);
  if (loaded.state === 'loading') return <Spinner label={`Loading ${name}'s profile…`} />;
  if (loaded.state === 'failed') {
    if (loaded.error instanceof ApiError && loaded.error.status === 404) {
      return (
        <Card className="mx-auto max-w-md text-center">
          <h1 className="text-xl font-bold">No such player</h1>
          <p className="mt-2 text-sm">Nobody plays here as {name}.</p>
          <p className="mt-4">
            <Link href="/players" className={link}>
              See the leaderboard
            </Link>
          </p>
        </Card>
      );
    }
    return <Failed error={loaded.error} retry={retry} />;
  }
  return <Profile profile={loaded.data} viewer={viewer} />;
}

function LeaderboardTable({ leaderboard, viewer }: { leaderboard: Leaderboard; viewer: Player | null }) {
  if (leaderboard.players.length === 0) {
    return <p className={muted}>No rated games yet: players appear here once they have finished one.</p>;
  }
  return (
    <table className="mt-2 w-full" aria-labelledby="leaderboard">
      <thead>
        <tr>
          <th className="py-2 text-left">Rank</th>
          <th className="py-2 text-left">Player</th>
          <th className="py-2 text-right">Rating</th>
          <th className="py-2 text-right">Games</th>
        </tr>
      </thead>
      <tbody>
        {leaderboard.players.map((entry) => (
          <tr
            key={entry.player.id}
            aria-current={entry.player.id === viewer?.id ? true : undefined}
            className={entry.player.id === viewer?.id ? 'font-bold' : undefined}
          >
            <td className="py-2 tabular-nums">{entry.rank}</td>
            <td className="py-2">
              <PlayerLink name={entry.player.name} />
            </td>
            <td className="py-2 text-right tabular-nums">{ratingText(entry.rating)}</td>
            <td className="py-2 text-right tabular-nums">{entry.rating.games}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function LeaderboardPage({ viewer }: { viewer: Player | null }) {
  const [loaded, retry] = useRead(onlineApi.leaderboard);
  useDocumentTitle('Leaderboard · Tic-tac-toe');
  return (
    <Card>
      <h1 className="text-2xl font-bold" id="leaderboard">
        Leaderboard
      </h1>
      <p className={muted}>The top 50 players by rating. A "?" marks a provisional rating.</p>
      {loaded.state === 'loading' ? (
        <Spinner label="Loading the leaderboard…" />
      ) : loaded.state === 'failed' ? (
        <Failed error={loaded.error} retry={retry} />
      ) : (
        <LeaderboardTable leaderboard={loaded.data} viewer={viewer} />
      )}
    </Card>
  );
}

function Pages({ pathname }: { pathname: string }) {
  const { player: viewer = null } = useSession();
  // App sends only `/players` and `/players/{a name PlayerNameSchema takes}`.
  const named = pathname.split('/')[2];
  const name = named ? decodeURIComponent(named) : null;
  return (
    <div className="flex flex-col gap-4">
      <SessionBar next={pathname} />
      <nav aria-label="Players" className="flex flex-wrap gap-4 text-sm">
        <Link href="/online" className={link}>
          ← Lobby
        </Link>
        {name ? (
          <Link href="/players" className={link}>
            Leaderboard
          </Link>
        ) : null}
        {viewer && viewer.name !== name ? (
          <Link href={profileHref(viewer.name)} className={link}>
            Your profile
          </Link>
        ) : null}
      </nav>
      {name ? <ProfilePage key={name} name={name} viewer={viewer} /> : <LeaderboardPage viewer={viewer} />}
    </div>
  );
}

/** The leaderboard (`/players`) and a player's profile (`/players/{name}`): public pages, loaded when opened. */
export default function PlayerPages({ pathname }: { pathname: string }) {
  return (
    <SessionProvider>
      <Pages pathname={pathname} />
    </SessionProvider>
  );
}
