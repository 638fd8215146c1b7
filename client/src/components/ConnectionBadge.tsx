import type { Connection } from '../live';

const LABELS: Record<Connection, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  polling: 'Updating every few seconds',
  offline: "Can't reach the server",
};

const DOTS: Record<Connection, string> = {
  live: 'bg-emerald-500',
  connecting: 'bg-slate-400',
  reconnecting: 'bg-slate-400',
  polling: 'bg-amber-500',
  offline: 'bg-red-500',
};

/** How fresh the page is: streaming, reconnecting, polling, or the server not answering. */
export function ConnectionBadge({ connection }: { connection: Connection }) {
  return (
    <span
      data-testid="connection"
      data-connection={connection}
      className="inline-flex items-center gap-1.5 text-xs text-slate-600 dark:text-slate-400"
    >
      <span aria-hidden="true" className={`size-2 rounded-full ${DOTS[connection]}`} />
      {LABELS[connection]}
    </span>
  );
}
