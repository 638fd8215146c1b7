import { isIP } from 'node:net';
import rateLimit, { type FastifyRateLimitStore, normalizeIP } from '@fastify/rate-limit';
import type { SignInRequest } from '@ttt/shared';
import type { FastifyInstance, FastifyRequest, onSendHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Rate, RateLimits } from '../config.js';
import { type RateLimitCode, RateLimitedError } from '../errors.js';
import { currentPlayer } from '../online/session-player.js';
import { type HitCounter, MemoryHitCounter, windowOf } from '../storage/hit-counter.js';
import type { Store } from '../storage/types.js';

/**
 * Limits per client address and per player (docs/security.md, "Rate limits"). @fastify/rate-limit
 * runs them, on a store of ours (below) that counts in fixed windows by the app's clock:
 * - every request, per address, in this instance's memory (its global hook, cheap enough for
 *   every request; behind N instances an address gets up to N times the limit);
 * - sign-ups, sign-in attempts, failed sign-ins and invitations in the shared counter (the
 *   store, or Redis with REDIS_URL), so they hold across instances. A route can have only one
 *   of the plugin's hooks (it marks the request as limited), so these run as limiters from
 *   `createRateLimit`, several in one preHandler of ours; that also lets a sign-in count a
 *   sign-up only when it asks to create the account, and failures only when one is answered.
 */

declare module 'fastify' {
  interface FastifyInstance {
    /** Route options that limit an action, spread into its route: `{ ...app.accountLimits.signIn, schema }`. */
    readonly accountLimits: {
      signIn: { preHandler: preHandlerAsyncHookHandler; onSend: onSendHookHandler };
      invitation: { preHandler: preHandlerAsyncHookHandler };
    };
  }
}

export interface RateLimitPluginOptions {
  limits: RateLimits;
  /** Where the limits that protect accounts count: shared by every instance. */
  shared: HitCounter;
  /** For the cap on pending invitations: the host's `sent` list. */
  store: Pick<Store, 'listGames'>;
  now: () => Date;
}

/**
 * The client's address as limits count it: IPv6 by /64 (one host's whole subnet), IPv4 as is.
 * request.ip comes from X-Forwarded-For behind proxies, where anything may have been written:
 * what is not an address counts as the connection's peer, so no client text becomes a key.
 */
export function clientAddress(request: FastifyRequest): string {
  const address = isIP(request.ip) ? request.ip : request.raw.socket?.remoteAddress;
  return address && isIP(address) ? normalizeIP(address) : 'unknown';
}

/** Health checks come from the load balancer's own addresses, often: never limited. */
const isHealthCheck = (request: FastifyRequest) => /^\/(healthz|readyz)(\?|$)/.test(request.url);

/**
 * @fastify/rate-limit's store interface on a HitCounter, with the window and its time left
 * taken from the app's clock (tests move it). The plugin's own store (the global hook) counts
 * in memory; its children (the limiters) count in the shared counter.
 */
function counterStore(local: HitCounter, shared: HitCounter, now: () => Date) {
  return class CounterStore implements FastifyRateLimitStore {
    constructor(
      _params?: unknown,
      private readonly counter: HitCounter = local,
    ) {}

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, ms: number) {
      this.count(key, ms, 1).then((result) => callback(null, result), callback);
    }

    /** `{ increment: false }`: the count so far, without adding to it. */
    read(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, ms: number) {
      this.count(key, ms, 0).then((result) => callback(null, result), callback);
    }

    child(): FastifyRateLimitStore {
      return new CounterStore(undefined, shared);
    }

    private async count(key: string, windowMs: number, add: number) {
      const at = now().getTime();
      const window = windowOf(at, windowMs);
      const current = await this.counter.countHits(key, window.start, window.expiresAt, add);
      return { current, ttl: window.end - at };
    }
  };
}

type Limiter = (request: FastifyRequest, options?: { increment?: boolean }) => Promise<void>;

async function rateLimitPlugin(app: FastifyInstance, options: RateLimitPluginOptions) {
  const { limits, now } = options;
  const requests = limits.requests;
  await app.register(rateLimit, {
    global: requests !== null,
    max: requests?.max ?? 0,
    timeWindow: requests?.windowMs ?? 60_000,
    store: counterStore(new MemoryHitCounter(), options.shared, now),
    keyGenerator: (request) => `requests#${clientAddress(request)}`,
    allowList: isHealthCheck,
    errorResponseBuilder: (_request, context) => new RateLimitedError('rate/requests', context.ttl / 1000),
    // The limits are no secret, but a header on every answer is bytes for nothing.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
  });

  /**
   * A shared limit: counts one hit on the request's key, and refuses with `code` past the
   * limit. With `{ increment: false }` it only reads, and refuses once the count has reached it.
   */
  const limiter = (rate: Rate | null, code: RateLimitCode, key: (request: FastifyRequest) => string): Limiter => {
    if (!rate) return async () => {};
    const limit = app.createRateLimit({
      max: rate.max,
      timeWindow: rate.windowMs,
      keyGenerator: (request) => `${code.slice('rate/'.length)}#${key(request)}`,
    });
    return async (request, callOptions) => {
      const result = await limit(request, callOptions);
      if (result.isAllowed) return;
      const refused = callOptions?.increment === false ? result.remaining === 0 : result.isExceeded;
      if (refused) throw new RateLimitedError(code, result.ttlInSeconds);
    };
  };

  const playerOf = (request: FastifyRequest) => currentPlayer(request)?.id ?? '';
  const signIns = limiter(limits.signIns, 'rate/sign-ins', clientAddress);
  const signUps = limiter(limits.signUps, 'rate/sign-ups', clientAddress);
  const failures = limiter(limits.signInFailures, 'rate/sign-in-failures', clientAddress);
  const invitationsByAddress = limiter(limits.invitationsPerAddress, 'rate/invitations-per-address', clientAddress);
  const invitations = limiter(limits.invitations, 'rate/invitations', playerOf);
  const pendingCap = limits.pendingInvitations;

  app.decorate('accountLimits', {
    signIn: {
      preHandler: async (request) => {
        // Past the failures, nothing is counted or checked: the password is never looked at.
        await failures(request, { increment: false });
        await signIns(request);
        if ((request.body as Partial<SignInRequest> | undefined)?.create === true) await signUps(request);
      },
      // 401 is a wrong name or password, whichever name: that is what spraying looks like.
      // Counted before the answer leaves, so the client's next attempt finds it counted.
      onSend: async (request, reply, payload) => {
        if (reply.statusCode !== 401) return payload;
        await failures(request).catch((error: unknown) => {
          // Already over the limit is no news; a counter that can't be reached is.
          if (!(error instanceof RateLimitedError))
            request.log.warn({ err: error }, 'could not count a failed sign-in');
        });
        return payload;
      },
    },
    invitation: {
      preHandler: async (request) => {
        // Signed out: the route answers 401 itself.
        if (!currentPlayer(request)) return;
        await invitationsByAddress(request);
        await invitations(request);
        if (pendingCap !== null) await checkPending(request, pendingCap);
      },
    },
  });

  /**
   * The host's pending invitations, newest first, one Query of cap+1 at most. Pending ones all
   * last as long (INVITATION_TTL_MS), so any that have expired but not yet been recorded as
   * such are the oldest: those on the page are left out, and none beyond it can count.
   */
  async function checkPending(request: FastifyRequest, max: number) {
    const page = await options.store.listGames({ playerId: playerOf(request), list: 'sent', limit: max });
    const at = now().getTime();
    const waiting = page.items.filter((game) => game.deadline === null || Date.parse(game.deadline) > at);
    if (waiting.length < max) return;
    const soonest = Math.min(...waiting.map((game) => (game.deadline ? Date.parse(game.deadline) : at + 60_000)));
    throw new RateLimitedError('rate/pending-invitations', (soonest - at) / 1000);
  }
}

export default fp(rateLimitPlugin, { name: 'rate-limit', dependencies: ['session'] });
