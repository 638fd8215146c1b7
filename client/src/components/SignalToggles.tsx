import type { Notifications } from '../hooks/use-notifications';
import { Button } from './ui';

/** Mutes the move sound; pressed means muted. The name stays, the state is aria-pressed. */
export function SoundToggle({ muted, onChange }: { muted: boolean; onChange: (muted: boolean) => void }) {
  return (
    <Button aria-pressed={muted} variant={muted ? 'primary' : 'secondary'} onClick={() => onChange(!muted)}>
      <span aria-hidden="true">{muted ? '🔇' : '🔈'}</span> Mute sounds
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
        <span aria-hidden="true">{enabled ? '🔔' : '🔕'}</span> Notify me
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
