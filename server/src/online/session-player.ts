import { type Player, PlayerSchema } from '@ttt/shared';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain-error.js';
import { UnauthorizedError } from '../errors.js';
import type { Accounts } from './accounts.js';

/** The signed-in player, from the sealed session cookie only: nothing else names a player. */
export function currentPlayer(request: FastifyRequest): Player | null {
  const parsed = PlayerSchema.safeParse(request.session.get('player'));
  return parsed.success ? parsed.data : null;
}

export function requirePlayer(request: FastifyRequest): Player {
  const player = currentPlayer(request);
  if (!player) throw new UnauthorizedError('Sign in to play online');
  return player;
}

/**
 * Ends a session whose player no longer exists (the in-memory store forgets everyone on
 * restart) with 401 `auth/player-gone`. One read, so only where a page starts (the session,
 * the lobby), not on every request.
 */
export async function ensurePlayerExists(request: FastifyRequest, player: Player, accounts: Accounts): Promise<void> {
  if (await accounts.exists(player.id)) return;
  request.session.set('player', undefined);
  throw new DomainError('auth/player-gone', { name: player.name });
}
