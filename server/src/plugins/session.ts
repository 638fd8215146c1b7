import { hkdfSync, randomBytes } from 'node:crypto';
import secureSession from '@fastify/secure-session';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** What the encrypted session cookie may hold. Read values are re-validated before use. */
declare module '@fastify/secure-session' {
  interface SessionData {
    /** The local (one-screen or computer) game; see local-game.ts. */
    local: unknown;
    /** The signed-in player of online play: `{ id, name }`. */
    player: unknown;
  }
}

export const SESSION_COOKIE = 'ttt_session';
const THIRTY_DAYS = 30 * 24 * 60 * 60;

/** A 32-byte secretbox key from a passphrase; HKDF is instant, unlike the plugin's own pwhash. */
export function sessionKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'tictactoe/session', 'secretbox key v1', 32));
}

export interface SessionOptions {
  secret: string | undefined;
  previousSecret: string | undefined;
}

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
}

export default fp(sessionPlugin, { name: 'session' });
