import { type Player, PlayerSchema } from '@ttt/shared';
import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../errors.js';

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
