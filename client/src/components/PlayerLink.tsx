import { Link } from '../router';
import { focusRing } from './ui';

export const profileHref = (name: string) => `/players/${encodeURIComponent(name)}`;

/** A player's name, linked to their profile: every name the app shows goes through here. */
export function PlayerLink({ name, className = 'font-semibold' }: { name: string; className?: string }) {
  return (
    <Link href={profileHref(name)} className={`rounded underline-offset-2 hover:underline ${focusRing} ${className}`}>
      {name}
    </Link>
  );
}
