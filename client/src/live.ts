/**
 * Live updates over Server-Sent Events, falling back to polling when a stream can't be
 * kept open (a proxy that buffers, a network that drops long requests). EventSource
 * reconnects by itself and resumes with Last-Event-ID; after repeated failures without a
 * single successful open, we poll instead and try streaming again later.
 */

export type Connection = 'connecting' | 'live' | 'polling';

export interface LiveOptions {
  /** The stream's URL; called on every (re)connect so it can carry the latest version. */
  url: () => string;
  /** Named events to listen to, with their handlers (data is the parsed JSON). */
  events: Record<string, (data: unknown, id: string) => void>;
  /** Called every `pollMs` while streaming is not possible, and once on falling back. */
  poll: () => void;
  onConnection?: (connection: Connection) => void;
  pollMs?: number;
  /** How long to poll before trying a stream again. */
  retryStreamMs?: number;
}

const FAILURES_BEFORE_POLLING = 3;

export function subscribe(options: LiveOptions): () => void {
  const pollMs = options.pollMs ?? 2000;
  const retryStreamMs = options.retryStreamMs ?? 30_000;
  let source: EventSource | null = null;
  let pollTimer: ReturnType<typeof setInterval> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const set = (connection: Connection) => options.onConnection?.(connection);

  const startPolling = () => {
    source?.close();
    source = null;
    set('polling');
    options.poll();
    pollTimer = setInterval(options.poll, pollMs);
    retryTimer = setTimeout(() => {
      if (pollTimer) clearInterval(pollTimer);
      pollTimer = null;
      connect();
    }, retryStreamMs);
  };

  const connect = () => {
    if (stopped) return;
    if (typeof EventSource === 'undefined') {
      startPolling();
      return;
    }
    set('connecting');
    let failures = 0;
    const stream = new EventSource(options.url());
    source = stream;
    stream.onopen = () => {
      failures = 0;
      set('live');
    };
    stream.onerror = () => {
      failures++;
      // CLOSED: the server refused the stream (wrong status or type); it won't retry by itself.
      if (stream.readyState === EventSource.CLOSED || failures >= FAILURES_BEFORE_POLLING) startPolling();
      else set('connecting');
    };
    for (const [name, handler] of Object.entries(options.events)) {
      stream.addEventListener(name, (event) => {
        const message = event as MessageEvent<string>;
        try {
          handler(JSON.parse(message.data), message.lastEventId);
        } catch {
          // A malformed event is ignored; the next full update corrects the view.
        }
      });
    }
  };

  connect();
  return () => {
    stopped = true;
    source?.close();
    if (pollTimer) clearInterval(pollTimer);
    if (retryTimer) clearTimeout(retryTimer);
  };
}
