/**
 * Live updates over Server-Sent Events, falling back to polling when a stream can't be
 * kept open (a proxy that buffers, a network that drops long requests). EventSource
 * reconnects by itself and resumes with Last-Event-ID; after repeated failures without a
 * single successful open, we poll instead and try streaming again later. Whether the server
 * answers is known from those reads: a stream that drops is checked with one at once.
 */

import { ApiError } from './api';

/** `offline`: the server did not answer the last read (no network, or it is down). */
export type Connection = 'connecting' | 'live' | 'reconnecting' | 'polling' | 'offline';

export interface LiveOptions {
  /** The stream's URL; called on every (re)connect so it can carry the latest version. */
  url: () => string;
  /** Named events to listen to, with their handlers (data is the parsed JSON). */
  events: Record<string, (data: unknown, id: string) => void>;
  /**
   * Reads what the stream would have sent: every `pollMs` while streaming is not possible, and
   * once when a stream drops. It rejects only when the server could not be reached.
   */
  poll: () => Promise<void>;
  onConnection?: (connection: Connection) => void;
  pollMs?: number;
  /** How long to poll before trying a stream again. */
  retryStreamMs?: number;
}

/** No answer from the server: no network, or a proxy's error page while it is down. */
export function isUnreachable(caught: unknown): boolean {
  return (
    caught instanceof ApiError &&
    (caught.status === 0 || caught.status === 502 || caught.status === 504 || caught.code === 'response/not-json')
  );
}

const FAILURES_BEFORE_POLLING = 3;

export function subscribe(options: LiveOptions): () => void {
  const pollMs = options.pollMs ?? 2000;
  const retryStreamMs = options.retryStreamMs ?? 30_000;
  let source: EventSource | null = null;
  let pollTimer: ReturnType<typeof setInterval> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  let current: Connection = 'connecting';
  let everLive = false;

  const set = (connection: Connection) => {
    if (stopped) return;
    current = connection;
    options.onConnection?.(connection);
  };
  const stopPolling = () => {
    if (pollTimer) clearInterval(pollTimer);
    if (retryTimer) clearTimeout(retryTimer);
    pollTimer = null;
    retryTimer = null;
  };

  // One read; `answered` says what the page is now, given that the server answered.
  const read = (answered: () => void) => options.poll().then(answered, () => set('offline'));

  const tick = () =>
    read(() => {
      const wasOffline = current === 'offline';
      set('polling');
      // Back after being unreachable: stream again at once rather than after retryStreamMs.
      if (wasOffline && source === null && !stopped) {
        stopPolling();
        connect();
      }
    });

  const startPolling = () => {
    source?.close();
    source = null;
    tick();
    pollTimer = setInterval(tick, pollMs);
    retryTimer = setTimeout(() => {
      stopPolling();
      connect();
    }, retryStreamMs);
  };

  const connect = () => {
    if (stopped) return;
    if (typeof EventSource === 'undefined') {
      startPolling();
      return;
    }
    // Unreachable stays so until something answers.
    if (current !== 'offline') set(everLive ? 'reconnecting' : 'connecting');
    let failures = 0;
    const stream = new EventSource(options.url());
    source = stream;
    stream.onopen = () => {
      failures = 0;
      everLive = true;
      set('live');
    };
    stream.onerror = () => {
      if (source !== stream) return;
      failures++;
      // CLOSED: the server refused the stream (wrong status or type); it won't retry by itself.
      if (stream.readyState === EventSource.CLOSED || failures >= FAILURES_BEFORE_POLLING) {
        startPolling();
        return;
      }
      if (current !== 'offline') set('reconnecting');
      // While the stream retries, one read says whether the server is there (and what changed).
      read(() => {
        if (current === 'offline' && source === stream) set('reconnecting');
      });
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
    stopPolling();
  };
}
