export interface ServerEvent {
  id?: string;
  event: string;
  data: string;
  /** Bytes on the wire for this event, framing included. */
  bytes: number;
}

/** A minimal EventSource for tests: fetch + a parser, with a queue to wait on. */
export class EventReader {
  readonly events: ServerEvent[] = [];
  status = 0;
  private readonly controller = new AbortController();
  private waiters: (() => void)[] = [];
  private body: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private done: Promise<void> = Promise.resolve();
  ended = false;

  static async open(url: string, headers: Record<string, string> = {}): Promise<EventReader> {
    const reader = new EventReader();
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: reader.controller.signal,
    });
    reader.status = response.status;
    if (!response.body || !response.ok) return reader;
    reader.done = reader.pump(response.body);
    return reader;
  }

  private async pump(stream: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buffer = '';
    this.body = stream.getReader();
    try {
      for (;;) {
        const { value: chunk, done } = await this.body.read();
        if (done) break;
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          this.parse(block);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {}
    this.ended = true;
    this.wake();
  }

  private parse(block: string) {
    const event: ServerEvent = { event: 'message', data: '', bytes: Buffer.byteLength(`${block}\n\n`) };
    let hasData = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const [field, ...rest] = line.split(': ');
      const value = rest.join(': ');
      if (field === 'id') event.id = value;
      else if (field === 'event') event.event = value;
      else if (field === 'data') {
        event.data += value;
        hasData = true;
      } else if (field === 'retry') event.event = event.event === 'message' ? 'retry' : event.event;
    }
    if (hasData || event.event === 'retry') this.events.push(event);
    this.wake();
  }

  private wake() {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Waits for the next event after `after` (an index) that matches. */
  async next(match: (event: ServerEvent) => boolean, timeoutMs = 5000, after = 0): Promise<ServerEvent> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(after).find(match);
      if (found) return found;
      if (this.ended) throw new Error(`stream ended without the event; got ${JSON.stringify(this.events)}`);
      const left = until - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for an event; got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close() {
    // Cancel the body first: aborting alone can leave a read pending forever on Node 20.
    await this.body?.cancel().catch(() => {});
    this.controller.abort();
    await this.done;
  }
}
