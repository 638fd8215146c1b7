import { HealthSchema } from '@ttt/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DomainError } from '../domain-error.js';
import type { Store } from '../storage/types.js';

/**
 * Whether the storage answers, asked at most once per `cacheMs`: a load balancer probing every
 * few seconds from several nodes costs one small read a second, and probes arriving while a
 * check runs wait for that one.
 */
export class Readiness {
  private last: { at: number; ready: boolean } | null = null;
  private running: Promise<boolean> | null = null;

  constructor(
    private readonly store: Pick<Store, 'ping'>,
    private readonly now: () => number,
    private readonly log: Pick<FastifyBaseLogger, 'warn'>,
    private readonly cacheMs = 1000,
  ) {}

  check(): Promise<boolean> {
    const at = this.now();
    if (this.last && at - this.last.at < this.cacheMs) return Promise.resolve(this.last.ready);
    this.running ??= this.store
      .ping()
      .then(
        () => true,
        (error: unknown) => {
          // The store logs outages itself (summarised); anything else (a missing table) is said here.
          if (!(error instanceof DomainError)) this.log.warn({ err: error }, 'readyz: the storage check failed');
          return false;
        },
      )
      .then((ready) => {
        this.last = { at: this.now(), ready };
        this.running = null;
        return ready;
      });
    return this.running;
  }
}

export interface HealthOptions {
  store: Pick<Store, 'ping'>;
  /** The clock the readiness answer is cached by. */
  now: () => Date;
  /** How long a readiness answer is reused (ms). */
  readyCacheMs?: number;
}

/**
 * `/healthz`: liveness, for the container's HEALTHCHECK; the process answers, nothing else
 * is asked. `/readyz`: readiness, for the load balancer's target group; the storage answers too.
 */
const healthRoutes: FastifyPluginAsyncZod<HealthOptions> = async (app, options) => {
  const readiness = new Readiness(options.store, () => options.now().getTime(), app.log, options.readyCacheMs);
  app.get(
    '/healthz',
    {
      logLevel: 'warn',
      schema: { tags: ['ops'], summary: 'Liveness: the process answers', response: { 200: HealthSchema } },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      logLevel: 'warn',
      schema: {
        tags: ['ops'],
        summary: 'Readiness: the process and its storage answer (503 storage/unavailable otherwise)',
        response: { 200: HealthSchema },
      },
    },
    async () => {
      if (!(await readiness.check())) throw new DomainError('storage/unavailable');
      return { status: 'ok' as const };
    },
  );
};

export default healthRoutes;
