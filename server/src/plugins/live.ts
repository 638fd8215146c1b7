import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { RateLimitedError, UnavailableError } from '../errors.js';
import { clientAddress } from './rate-limit.js';

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
    /** Live streams open now (and stream requests being prepared), against the cap. */
    readonly liveStreams: { readonly open: number; readonly max: number };
  }
}

export interface LiveOptions {
  /** Comment lines keep proxies and load balancers (60 s idle timeout on ALB) from closing idle streams. */
  heartbeatMs?: number;
  /** How soon a disconnected client should try again. */
  retryMs?: number;
  /** Streams open at once (see open-files.ts); one more is refused with 503. Unlimited if unset. */
  maxStreams?: number;
  /** Retry-After of that refusal: the client polls meanwhile. */
  retryAfterSeconds?: number;
  /**
   * Streams one client address may hold open at once on this instance (each holds one of its
   * descriptors); one more is refused with 429 rate/streams. Unlimited if unset.
   */
  maxStreamsPerAddress?: number | null;
}

/** Routes that open event streams: GET …/events. Their slot is taken before the handler runs. */
const isStreamRoute = (method: string | string[], url: string) =>
  (Array.isArray(method) ? method.includes('GET') : method === 'GET') && /\/events$/.test(url);

/**
 * Server-Sent Events: one-way, plain HTTP, reconnects and `Last-Event-ID` built into every
 * browser's EventSource, and nothing to upgrade through load balancers. Moves go the other
 * way as ordinary POSTs, so a WebSocket would buy nothing here.
 */
async function livePlugin(app: FastifyInstance, options: LiveOptions) {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const retryMs = options.retryMs ?? 2_000;
  const maxStreams = options.maxStreams ?? Number.POSITIVE_INFINITY;
  const retryAfterSeconds = options.retryAfterSeconds ?? 30;
  const open = new Set<() => void>();
  const maxPerAddress = options.maxStreamsPerAddress ?? Number.POSITIVE_INFINITY;
  /** Slots held per client address; an address with none is not kept. */
  const byAddress = new Map<string, number>();

  // A slot is held from the request's start until its connection's response closes: a stream
  // for its whole life, a request that fails before streaming (unknown game, signed out) only
  // until its error is sent. So a refusal hijacks nothing and leaves no listener behind.
  let slots = 0;
  const holding = new WeakSet<FastifyRequest>();
  const takeSlot = (request: FastifyRequest, reply: FastifyReply) => {
    const address = clientAddress(request);
    const held = byAddress.get(address) ?? 0;
    if (held >= maxPerAddress) {
      // The client's own excess, not the server's: 429, not 503. Its page polls all the same.
      reply.header('connection', 'close');
      throw new RateLimitedError('rate/streams', retryAfterSeconds);
    }
    if (slots >= maxStreams) {
      // Free the descriptor at once; the browser's EventSource gives up and the page polls.
      reply.header('connection', 'close');
      throw new UnavailableError(
        'live/too-many-streams',
        'Too many live connections on this server; updates will come by polling',
        retryAfterSeconds,
      );
    }
    slots++;
    byAddress.set(address, held + 1);
    holding.add(request);
    reply.raw.once('close', () => {
      slots--;
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left > 0) byAddress.set(address, left);
      else byAddress.delete(address);
    });
  };
  const slotHook: onRequestHookHandler = (request, reply, done) => {
    try {
      takeSlot(request, reply);
      done();
    } catch (error) {
      done(error as Error);
    }
  };
  app.addHook('onRoute', (route) => {
    if (!isStreamRoute(route.method, route.url)) return;
    const hooks = route.onRequest;
    route.onRequest = hooks === undefined ? [slotHook] : [...(Array.isArray(hooks) ? hooks : [hooks]), slotHook];
  });
  app.decorate('liveStreams', {
    getter: () => ({ open: slots, max: maxStreams }),
  });

  app.decorate('openEventStream', (request: FastifyRequest, reply: FastifyReply): EventStream => {
    // A route not named …/events takes its slot here (and is refused here when full).
    if (!holding.has(request)) takeSlot(request, reply);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    // HEAD asks what a GET would get: the headers, at once, and no stream held open.
    if (request.method === 'HEAD') {
      raw.end();
      return { closed: true, send() {}, onClose: (cleanup) => cleanup() };
    }
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
