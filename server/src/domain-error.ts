import type { RefusalCode } from '@ttt/shared';

/** Every code the game's own layers (the rules, the service, the stores) can answer with. */
export type DomainErrorCode =
  | RefusalCode
  | 'auth/unknown-player'
  | 'auth/player-gone'
  | 'game/not-found'
  | 'player/not-found'
  | 'storage/exists'
  | 'storage/unavailable'
  | 'request/bad-cursor'
  | 'pairing/busy'
  // Sign-in guard and names (issue 12, accounts).
  | 'auth/busy'
  | 'auth/reserved-name'
  // Revocable sessions (issue 12, row 5).
  | 'session/busy';

/**
 * An error in the game's words, with no HTTP in it: a stable code, and the details its
 * message needs. errors.ts gives every code its status and message, in one table.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(code);
    this.name = 'DomainError';
  }
}
