import type { ReactNode } from 'react';
import type { Notifications } from '../hooks/use-notifications';
import { Button } from './ui';

/** A line icon in the text's colour; decoration only, the button's text is its name. */
function Icon({ children }: { children: ReactNode }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      className="mr-1.5 inline-block size-4 align-[-3px]"
    >
      {children}
    </svg>
  );
}

/** Mutes the move sound; pressed means muted. The name stays, the state is aria-pressed. */
export function SoundToggle({ muted, onChange }: { muted: boolean; onChange: (muted: boolean) => void }) {
  return (
    <Button aria-pressed={muted} variant={muted ? 'primary' : 'secondary'} onClick={() => onChange(!muted)}>
      <Icon>
        <path d="M4 9h4l5-4v14l-5-4H4z" />
        {muted ? <path d="M16 9l6 6M22 9l-6 6" /> : <path d="M16 9a4 4 0 0 1 0 6M19 6a8 8 0 0 1 0 12" />}
      </Icon>
      Mute sounds
    </Button>
  );
}

/**
 * Turns notifications on: the browser is asked on this click, never before. Where it can't
 * show them, or the site is blocked, the reason is said instead of failing quietly.
 */
export function NotifyToggle({ notifications }: { notifications: Notifications }) {
  const { permission, enabled, toggle } = notifications;
  if (permission === 'unsupported') {
    return <p className="text-xs text-slate-600 dark:text-slate-400">This browser can't show notifications.</p>;
  }
  const blocked = permission === 'denied';
  return (
    <div className="flex flex-col items-end gap-1">
      <Button
        aria-pressed={enabled}
        aria-describedby="notify-help"
        variant={enabled ? 'primary' : 'secondary'}
        onClick={() => void toggle()}
      >
        <Icon>
          <path d="M6 16v-5a6 6 0 0 1 12 0v5l2 2H4zM10 21h4" />
          {enabled ? null : <path d="M3 3l18 18" />}
        </Icon>
        Notify me
      </Button>
      <p
        id="notify-help"
        aria-live="polite"
        className={blocked ? 'max-w-xs text-xs text-red-700 dark:text-red-300' : 'sr-only'}
      >
        {blocked
          ? "Notifications are blocked for this site. To hear when it's your turn, allow them in your browser's site settings."
          : 'A notification when this tab is in the background and it becomes your turn or someone invites you.'}
      </p>
    </div>
  );
}
