import { useAction } from '../hooks/use-action';
import { useSession } from '../hooks/use-session';
import { Link } from '../router';
import { PlayerLink } from './PlayerLink';
import { Button, focusRing } from './ui';

/** Who is signed in, with Sign out; or, signed out, a way to sign in and come back to `next`. */
export function SessionBar({ next }: { next: string }) {
  const { player, error, signOut } = useSession();
  const signingOut = useAction(signOut);
  return (
    <div data-testid="session" className="flex flex-wrap items-center justify-end gap-x-3 gap-y-1 text-sm">
      {error && !player ? <p className="w-full text-right text-red-700 dark:text-red-300">{error}</p> : null}
      {player ? (
        <>
          <span>
            Signed in as <PlayerLink name={player.name} />
          </span>
          <Button disabled={signingOut.pending} onClick={() => void signingOut.run()}>
            Sign out
          </Button>
        </>
      ) : (
        <>
          <span>Not signed in</span>
          <Link href={signInHref(next)} className={`rounded font-semibold underline ${focusRing}`}>
            Sign in
          </Link>
        </>
      )}
    </div>
  );
}

/** The sign-in page, coming back to `next` afterwards. */
export const signInHref = (next: string) => `/online?next=${encodeURIComponent(next)}`;
