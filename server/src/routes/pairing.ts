import { PairingStatusSchema, SeekRequestSchema } from '@ttt/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Pairings } from '../online/pairings.js';
import { requirePlayer } from '../online/session-player.js';

export interface PairingRoutesOptions {
  pairings: Pairings;
}

/** "Play anyone": join the queue for a time control, rated or casual; see where you stand; leave. */
const pairingRoutes: FastifyPluginAsyncZod<PairingRoutesOptions> = async (app, { pairings }) => {
  const response = { 200: PairingStatusSchema };
  app.post(
    '/api/pairing',
    {
      schema: {
        tags: ['pairing'],
        summary:
          'Play anyone: wait for an opponent with this time control and rated choice (casual unless `rated`), or be paired with one waiting',
        body: SeekRequestSchema,
        response,
      },
    },
    async (request) => {
      const player = requirePlayer(request);
      const { timeControl, rated = false } = request.body;
      const status = await pairings.seek(player, { timeControl, rated });
      if (status.state === 'paired') request.log.info({ gameId: status.gameId, rated }, 'players paired');
      return status;
    },
  );
  app.get(
    '/api/pairing',
    {
      schema: {
        tags: ['pairing'],
        summary: 'Whether you wait for an opponent or were paired (and the game), and how many wait',
        response,
      },
    },
    async (request) => pairings.status(requirePlayer(request)),
  );
  app.delete(
    '/api/pairing',
    { schema: { tags: ['pairing'], summary: 'Stop waiting for an opponent', response } },
    async (request) => pairings.leave(requirePlayer(request)),
  );
};

export default pairingRoutes;
