import type { Connection } from '../live';

const LABELS: Record<Connection, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  polling: 'Updating every few seconds',
};

/** How fresh the page is: streaming, reconnecting, or polling. */
export function ConnectionBadge({ connection }: { connection: Connection }) {
  return (
    <span
      data-testid="connection"
      data-connection={connection}
      className="inline-flex items-center gap-1.5 text-xs text-slate-600 dark:text-slate-400"
    >
      <span
        aria-hidden="true"
        className={`size-2 rounded-full ${connection === 'live' ? 'bg-emerald-500' : connection === 'polling' ? 'bg-amber-500' : 'bg-slate-400'}`}
      />
      {LABELS[connection]}
    </span>
  );
}
