import { HealthSchema } from '@ttt/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** Liveness for Docker's HEALTHCHECK and the load balancer's target group. */
const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', { logLevel: 'warn', schema: { tags: ['ops'], response: { 200: HealthSchema } } }, async () => ({
    status: 'ok' as const,
  }));
};

export default healthRoutes;
