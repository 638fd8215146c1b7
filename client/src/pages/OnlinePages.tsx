import { GameIdSchema, InviteTokenSchema } from '@ttt/shared';
import { SignInForm } from '../components/SignInForm';
import { Spinner } from '../components/ui';
import { SessionProvider, useSession } from '../hooks/use-session';
import { navigate } from '../router';
import { GamePage } from './GamePage';
import { LobbyPage } from './LobbyPage';

/** Only same-site paths are followed after sign-in. */
function safeNext(search: string): string {
  const next = new URLSearchParams(search).get('next');
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/online';
}

function Routes({ pathname, search }: { pathname: string; search: string }) {
  const { player, error } = useSession();
  if (player === undefined) return <Spinner label="Checking who you are…" />;

  const game = /^\/games\/([^/]+)$/.exec(pathname);
  if (game) {
    const id = decodeURIComponent(game[1] ?? '');
    if (!GameIdSchema.safeParse(id).success) {
      return <p className="text-center">This is not a game address.</p>;
    }
    const rawToken = new URLSearchParams(search).get('invite');
    const token = rawToken && InviteTokenSchema.safeParse(rawToken).success ? rawToken : null;
    return <GamePage key={id} id={id} viewer={player} token={token} />;
  }

  if (!player) {
    return (
      <>
        {error ? <p className="mb-4 text-center text-sm text-red-700">{error}</p> : null}
        <SignInForm onSignedIn={() => navigate(safeNext(search), { replace: true })} />
      </>
    );
  }
  return <LobbyPage player={player} />;
}

/** Online play: loaded only when the player goes online, to keep the first page small. */
export default function OnlinePages({ pathname, search }: { pathname: string; search: string }) {
  return (
    <SessionProvider>
      <Routes pathname={pathname} search={search} />
    </SessionProvider>
  );
}
