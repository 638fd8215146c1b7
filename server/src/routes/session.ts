import { SessionSchema, SignInRequestSchema } from '@ttt/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Accounts } from '../online/accounts.js';
import { currentPlayer, ensurePlayerExists } from '../online/session-player.js';

export interface SessionRoutesOptions {
  accounts: Accounts;
}

/** Sign in (creating the account when asked), who am I, sign out. */
const sessionRoutes: FastifyPluginAsyncZod<SessionRoutesOptions> = async (app, { accounts }) => {
  app.get(
    '/api/session',
    {
      schema: {
        tags: ['session'],
        summary:
          'The signed-in player, or null; 401 auth/player-gone (and signed out) when that player no longer exists',
        response: { 200: SessionSchema },
      },
    },
    async (request) => {
      const player = currentPlayer(request);
      if (player) await ensurePlayerExists(request, player, accounts);
      return { player };
    },
  );

  app.post(
    '/api/session',
    {
      ...app.accountLimits.signIn,
      schema: {
        tags: ['session'],
        summary:
          'Sign in; with `create: true` a name nobody has yet creates the player, without it an unknown name answers 404 auth/unknown-player',
        body: SignInRequestSchema,
        response: { 200: SessionSchema },
      },
    },
    async (request) => {
      const { name, password, create } = request.body;
      const { player, created } = await accounts.signIn(name, password, create, request.ip);
      request.session.set('player', player);
      request.log.info({ playerId: player.id, created }, created ? 'player created' : 'player signed in');
      return { player, created };
    },
  );

  app.delete(
    '/api/session',
    { schema: { tags: ['session'], summary: 'Sign out (the local game stays)', response: { 200: SessionSchema } } },
    async (request) => {
      request.session.set('player', undefined);
      return { player: null };
    },
  );
};

export default sessionRoutes;
