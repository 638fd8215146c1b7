import { isReservedName, type Player } from '@ttt/shared';
import { DomainError } from '../domain-error.js';
import { TooManyRequestsError, UnauthorizedError } from '../errors.js';
import { StaleGameError } from '../storage/errors.js';
import type { PlayerRecord, SignInGuard, Store } from '../storage/types.js';
import { hashPassword, needsRehash, PASSWORD_COST, type PasswordCost, verifyPassword } from './passwords.js';
import { clearClient, clientKey, GUARD_RULES, type GuardRules, NEW_GUARD, reserveAttempt } from './sign-in-guard.js';

export const WRONG_CREDENTIALS = 'Wrong name or password';

/** How many times a successful sign-in re-reads the guard to clear its entry when others write meanwhile. */
const CLEAR_ATTEMPTS = 3;

export interface AccountsOptions {
  /** scrypt parameters of new hashes (and re-hashes); tests pass a cheap one. */
  passwordCost?: PasswordCost;
  /** How attempts are throttled (sign-in-guard.ts). */
  guardRules?: GuardRules;
  /** Checks a password against a stored hash; tests count the checks. */
  verify?: (password: string, stored: string) => Promise<boolean>;
}

function inWords(seconds: number): string {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/**
 * Sign-in, with every attempt reserved on the player item before its password is checked (see
 * sign-in-guard.ts). A name nobody has is created only when asked (`create`), so a typo in
 * one's own name is a question, not a new empty account.
 */
export class Accounts {
  private readonly passwordCost: PasswordCost;
  private readonly guardRules: GuardRules;
  private readonly verify: (password: string, stored: string) => Promise<boolean>;

  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
    options: AccountsOptions = {},
  ) {
    this.passwordCost = options.passwordCost ?? PASSWORD_COST;
    this.guardRules = options.guardRules ?? GUARD_RULES;
    this.verify = options.verify ?? verifyPassword;
  }

  /** `address` is the client's (request.ip): failures are counted per name and per address. */
  async signIn(
    name: string,
    password: string,
    create: boolean | undefined,
    address: string,
  ): Promise<{ player: Player; created: boolean }> {
    const id = name.toLowerCase();
    let existing = await this.store.getPlayer(id);
    if (!existing) {
      if (!create) throw new DomainError('auth/unknown-player', { name });
      if (isReservedName(name)) throw new DomainError('auth/reserved-name', { name });
      const record: PlayerRecord = {
        id,
        name,
        passwordHash: await hashPassword(password, this.passwordCost),
        createdAt: this.now().toISOString(),
        signInGuard: NEW_GUARD,
      };
      if (await this.store.createPlayer(record)) return { player: { id, name }, created: true };
      // Someone took the name a moment ago: this is now a sign-in to their account.
      existing = await this.store.getPlayer(id);
      if (!existing) throw new UnauthorizedError(WRONG_CREDENTIALS);
    }

    const guard = existing.signInGuard;
    const reservation = reserveAttempt(guard, clientKey(address), this.now().getTime(), this.guardRules);
    if (!reservation.ok) {
      const from = reservation.shared ? 'from many networks at once' : 'from your network';
      throw new TooManyRequestsError(
        'auth/locked',
        `Too many failed sign-ins for this name ${from}. Try again in ${inWords(reservation.retryAfterSeconds)}.`,
        reservation.retryAfterSeconds,
      );
    }
    try {
      await this.store.saveSignInGuard(id, reservation.next, guard.version);
    } catch (error) {
      // Another attempt on this name was reserved from the same guard: one check per reservation, never a loop.
      if (error instanceof StaleGameError) throw new DomainError('auth/busy');
      throw error;
    }

    if (!(await this.verify(password, existing.passwordHash))) {
      throw new UnauthorizedError(WRONG_CREDENTIALS, 'auth/wrong-credentials');
    }
    const rehash = needsRehash(existing.passwordHash, this.passwordCost)
      ? await hashPassword(password, this.passwordCost)
      : undefined;
    await this.forgetFailures(id, reservation.next, reservation.key, rehash);
    return { player: { id: existing.id, name: existing.name }, created: false };
  }

  /** One write after a success: this client's entry goes (and an old hash is replaced). */
  private async forgetFailures(id: string, reserved: SignInGuard, key: string, rehash: string | undefined) {
    let guard = reserved;
    for (let attempt = 0; attempt < CLEAR_ATTEMPTS; attempt++) {
      try {
        await this.store.saveSignInGuard(id, clearClient(guard, key), guard.version, rehash);
        return;
      } catch (error) {
        if (!(error instanceof StaleGameError)) throw error;
        const player = await this.store.getPlayer(id);
        if (!player) return;
        guard = player.signInGuard;
      }
    }
    // Attempts kept landing in between: the entry keeps this one counted, the next success clears it.
  }

  /** Whether the player a session names still exists (the in-memory store forgets everyone on restart). */
  async exists(id: string): Promise<boolean> {
    return (await this.store.getPlayer(id)) !== null;
  }
}
