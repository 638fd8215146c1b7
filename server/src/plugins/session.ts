import { hkdfSync, randomBytes } from 'node:crypto';
import secureSession from '@fastify/secure-session';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { markForgotten, SignedInSchema } from '../online/session-player.js';
import { SESSION_LIFETIME_SECONDS, type Sessions } from '../online/sessions.js';

/** What the encrypted session cookie may hold. Read values are re-validated before use. */
declare module '@fastify/secure-session' {
  interface SessionData {
    /** The local (one-screen or computer) game; see local-game.ts. */
    local: unknown;
    /** The signed-in player of online play and their session: `{ id, name, sid }`. */
    player: unknown;
  }
}

export const SESSION_COOKIE = 'ttt_session';
const THIRTY_DAYS = SESSION_LIFETIME_SECONDS;

/** A 32-byte secretbox key from a passphrase; HKDF is instant, unlike the plugin's own pwhash. */
export function sessionKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'tictactoe/session', 'secretbox key v1', 32));
}

export interface SessionOptions {
  secret: string | undefined;
  previousSecret: string | undefined;
  /** Where sign-ins are registered; a cookie whose session ended counts as signed out. */
  sessions?: Sessions | undefined;
  /** Whether a player exists: a session the store forgot says why, when its player is gone too. */
  playerExists?: ((id: string) => Promise<boolean>) | undefined;
}

/** Routes that open event streams (…/events): held open by a session, ended with it. */
const isStreamRoute = (url: string) => /\/events$/.test(url);

async function sessionPlugin(app: FastifyInstance, options: SessionOptions) {
  let keys: Buffer[];
  if (options.secret) {
    keys = [sessionKey(options.secret)];
    if (options.previousSecret) keys.push(sessionKey(options.previousSecret));
  } else {
    keys = [randomBytes(32)];
    app.log.warn(
      'SESSION_SECRET is not set: using a random key for this process. Sessions (local games, sign-ins) will not survive a restart and will not be shared by several instances. Set SESSION_SECRET (32+ characters) in production.',
    );
  }
  await app.register(secureSession, {
    key: keys,
    cookieName: SESSION_COOKIE,
    expiry: THIRTY_DAYS,
    cookie: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      // Secure whenever the request came over https (with TRUST_PROXY, as the load balancer says).
      secure: 'auto',
      maxAge: THIRTY_DAYS,
    },
  });

  const { sessions } = options;
  if (!sessions) return;
  // Only the API reads the player; pages and assets cost no check.
  app.addHook('onRequest', async (request, reply) => {
    const url = request.routeOptions.url;
    if (url === undefined || !url.startsWith('/api/')) return;
    const held = request.session.get('player');
    if (held === undefined) return;
    const signedIn = SignedInSchema.safeParse(held);
    const state = signedIn.success ? await sessions.check(signedIn.data.id, signedIn.data.sid) : 'ended';
    if (signedIn.success && state === 'active') {
      if (isStreamRoute(url)) {
        const release = sessions.hold(signedIn.data.id, signedIn.data.sid, () => reply.raw.destroy());
        reply.raw.once('close', release);
      }
      return;
    }
    // The store forgot the player and their sessions (an in-memory server restarted): signed
    // out, and told why where a player is needed or asked for (as before sessions were revocable).
    if (signedIn.success && state === 'forgotten' && !(await options.playerExists?.(signedIn.data.id))) {
      markForgotten(request, signedIn.data.name);
      return;
    }
    // Signed out elsewhere, or a cookie from before sessions were revocable: signed out here too.
    request.session.set('player', undefined);
  });
  const stopSweeping = sessions.startSweeping();
  app.addHook('onClose', async () => {
    stopSweeping();
    await sessions.close();
  });
}

export default fp(sessionPlugin, { name: 'session' });
