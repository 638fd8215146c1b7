import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** A Server-Sent Events connection. `send` is a no-op once the client has gone. */
export interface EventStream {
  send(event: { event: string; data: unknown; id?: number }): void;
  readonly closed: boolean;
  /** Runs when the connection ends, whoever ends it. */
  onClose(cleanup: () => void): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Turns the request into an event stream; the route must not reply itself afterwards. */
    openEventStream(request: FastifyRequest, reply: FastifyReply): EventStream;
  }
}

export interface LiveOptions {
  /** Comment lines keep proxies and load balancers (60 s idle timeout on ALB) from closing idle streams. */
  heartbeatMs?: number;
  /** How soon a disconnected client should try again. */
  retryMs?: number;
}

/**
 * Server-Sent Events: one-way, plain HTTP, reconnects and `Last-Event-ID` built into every
 * browser's EventSource, and nothing to upgrade through load balancers. Moves go the other
 * way as ordinary POSTs, so a WebSocket would buy nothing here.
 */
async function livePlugin(app: FastifyInstance, options: LiveOptions) {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const retryMs = options.retryMs ?? 2_000;
  const open = new Set<() => void>();

  app.decorate('openEventStream', (request: FastifyRequest, reply: FastifyReply): EventStream => {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    raw.write(`retry: ${retryMs}\n\n`);
    let closed = false;
    const cleanups: (() => void)[] = [];
    const heartbeat = setInterval(() => raw.write(': ping\n\n'), heartbeatMs);
    heartbeat.unref();

    const finish = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      open.delete(end);
      for (const cleanup of cleanups.splice(0)) cleanup();
    };
    /** Ends the stream from our side, asking the client to come back soon (e.g. on shutdown). */
    const end = () => {
      if (!closed) raw.end('retry: 500\n\n');
      finish();
    };
    open.add(end);
    request.raw.on('close', finish);
    raw.on('error', finish);

    return {
      get closed() {
        return closed;
      },
      send({ event, data, id }) {
        if (closed) return;
        raw.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      },
      onClose(cleanup) {
        if (closed) cleanup();
        else cleanups.push(cleanup);
      },
    };
  });

  // Streams never finish by themselves: end them before Fastify waits for in-flight requests.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });
}

export default fp(livePlugin, { name: 'live' });
