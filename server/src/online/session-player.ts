import { type Player, PlayerSchema } from '@ttt/shared';
import type { FastifyRequest } from 'fastify';
import * as z from 'zod/mini';
import { DomainError } from '../domain-error.js';
import { UnauthorizedError } from '../errors.js';

/**
 * What the cookie holds of a signed-in player: who, and which of their sessions (sessions.ts).
 * A cookie from before sessions were revocable has no `sid`, and counts as signed out.
 */
export const SignedInSchema = z.object({ id: z.string(), name: z.string(), sid: z.string().check(z.minLength(1)) });
export type SignedIn = z.infer<typeof SignedInSchema>;

/**
 * Requests whose cookie names a player the store no longer has, nor any session of (an
 * in-memory server that restarted): signed out, and where a player is needed, told why.
 */
const forgotten = new WeakMap<FastifyRequest, string>();

export function markForgotten(request: FastifyRequest, name: string): void {
  forgotten.set(request, name);
}

/**
 * Refuses a forgotten session with 401 `auth/player-gone`, saying why; nothing otherwise. Only
 * where a page learns who is signed in (`signOut`: the session, the lobby) is the cookie cleared
 * too: a stream or a pairing request answered first must not leave the page's own read with a
 * cookie that names nobody, which would say "signed out" instead of why.
 */
export function endIfForgotten(request: FastifyRequest, signOut = false): void {
  const name = forgotten.get(request);
  if (name === undefined) return;
  if (signOut) request.session.set('player', undefined);
  throw new DomainError('auth/player-gone', { name });
}

/** The signed-in player and session, from the sealed session cookie only. */
export function currentSession(request: FastifyRequest): SignedIn | null {
  if (forgotten.has(request)) return null;
  const parsed = SignedInSchema.safeParse(request.session.get('player'));
  return parsed.success ? parsed.data : null;
}

/** The cookie from now on names this player and session. */
export function startSession(request: FastifyRequest, player: Player, sid: string): void {
  request.session.set('player', { id: player.id, name: player.name, sid } satisfies SignedIn);
}

/** The signed-in player, from the sealed session cookie only: nothing else names a player. */
export function currentPlayer(request: FastifyRequest): Player | null {
  const session = currentSession(request);
  return session ? PlayerSchema.parse({ id: session.id, name: session.name }) : null;
}

/** The signed-in player, or 401; `signOut`: a forgotten session's cookie is cleared as well (see endIfForgotten). */
export function requirePlayer(request: FastifyRequest, signOut = false): Player {
  endIfForgotten(request, signOut);
  const player = currentPlayer(request);
  if (!player) throw new UnauthorizedError('Sign in to play online');
  return player;
}
