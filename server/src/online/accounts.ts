import type { Player } from '@ttt/shared';
import { DomainError } from '../domain-error.js';
import { TooManyRequestsError, UnauthorizedError } from '../errors.js';
import type { PlayerRecord, Store } from '../storage/types.js';
import { hashPassword, verifyPassword } from './passwords.js';

/** Failed sign-ins allowed before a name is locked, then locked for longer each time. */
export const FREE_FAILURES = 5;
const FIRST_LOCK_MS = 30_000;
const LONGEST_LOCK_MS = 15 * 60_000;

export function lockedUntil(player: PlayerRecord): number | null {
  if (player.failedSignIns < FREE_FAILURES || !player.lastFailedSignInAt) return null;
  const lock = Math.min(LONGEST_LOCK_MS, FIRST_LOCK_MS * 2 ** (player.failedSignIns - FREE_FAILURES));
  return Date.parse(player.lastFailedSignInAt) + lock;
}

export const WRONG_CREDENTIALS = 'Wrong name or password';

/**
 * Sign-in, with failures throttled per name. A name nobody has is created only when asked
 * (`create`), so a typo in one's own name is a question, not a new empty account.
 */
export class Accounts {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
  ) {}

  async signIn(name: string, password: string, create = false): Promise<{ player: Player; created: boolean }> {
    const id = name.toLowerCase();
    let existing = await this.store.getPlayer(id);
    if (!existing) {
      if (!create) throw new DomainError('auth/unknown-player', { name });
      const record: PlayerRecord = {
        id,
        name,
        passwordHash: await hashPassword(password),
        createdAt: this.now().toISOString(),
        failedSignIns: 0,
        lastFailedSignInAt: null,
      };
      if (await this.store.createPlayer(record)) return { player: { id, name }, created: true };
      // Someone took the name a moment ago: this is now a sign-in to their account.
      existing = await this.store.getPlayer(id);
      if (!existing) throw new UnauthorizedError(WRONG_CREDENTIALS);
    }

    const until = lockedUntil(existing);
    const now = this.now().getTime();
    if (until !== null && now < until) {
      const seconds = Math.ceil((until - now) / 1000);
      throw new TooManyRequestsError(
        'auth/locked',
        `Too many failed sign-ins for this name. Try again in ${seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`}.`,
        seconds,
      );
    }

    if (!(await verifyPassword(password, existing.passwordHash))) {
      await this.store.recordSignInFailure(id, this.now().toISOString());
      throw new UnauthorizedError(WRONG_CREDENTIALS, 'auth/wrong-credentials');
    }
    if (existing.failedSignIns > 0) await this.store.clearSignInFailures(id);
    return { player: { id: existing.id, name: existing.name }, created: false };
  }

  /** Whether the player a session names still exists (the in-memory store forgets everyone on restart). */
  async exists(id: string): Promise<boolean> {
    return (await this.store.getPlayer(id)) !== null;
  }
}
