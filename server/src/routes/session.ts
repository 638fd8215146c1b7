import { SessionSchema, SignInRequestSchema } from '@ttt/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { UnauthorizedError } from '../errors.js';
import type { Accounts } from '../online/accounts.js';
import { currentPlayer, currentSession, endIfForgotten, startSession } from '../online/session-player.js';
import type { Sessions } from '../online/sessions.js';

export interface SessionRoutesOptions {
  accounts: Accounts;
  sessions: Sessions;
}

/** Sign in (creating the account when asked), who am I, sign out, sign out everywhere. */
const sessionRoutes: FastifyPluginAsyncZod<SessionRoutesOptions> = async (app, { accounts, sessions }) => {
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
      // A session whose player is gone was found by the session check (plugins/session.ts).
      endIfForgotten(request, true);
      return { player: currentPlayer(request) };
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
      // The session this browser had (if any) ends, so no copy of its cookie outlives it.
      const previous = currentSession(request);
      if (previous && previous.id !== player.id) await sessions.end(previous.id, previous.sid);
      startSession(
        request,
        player,
        await sessions.start(player.id, previous?.id === player.id ? previous.sid : undefined),
      );
      request.log.info({ playerId: player.id, created }, created ? 'player created' : 'player signed in');
      return { player, created };
    },
  );

  app.delete(
    '/api/session',
    {
      schema: {
        tags: ['session'],
        summary:
          'Sign out: this session ends, and a copy of its cookie no longer signs anyone in (the local game stays)',
        response: { 200: SessionSchema },
      },
    },
    async (request) => {
      const signedIn = currentSession(request);
      if (signedIn) await sessions.end(signedIn.id, signedIn.sid);
      request.session.set('player', undefined);
      return { player: null };
    },
  );

  app.delete(
    '/api/sessions',
    {
      schema: {
        tags: ['session'],
        summary:
          'Sign out everywhere: every session of the signed-in player ends, on every device; 401 auth/signed-out when signed out',
        response: { 200: SessionSchema },
      },
    },
    async (request) => {
      const signedIn = currentSession(request);
      if (!signedIn) throw new UnauthorizedError('Sign in first');
      await sessions.endAll(signedIn.id);
      request.session.set('player', undefined);
      request.log.info({ playerId: signedIn.id }, 'player signed out everywhere');
      return { player: null };
    },
  );
};

export default sessionRoutes;
