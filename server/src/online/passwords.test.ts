import { describe, expect, it } from 'vitest';
import {
  hashCost,
  hashPassword,
  LEGACY_PASSWORD_COST,
  needsRehash,
  PASSWORD_COST,
  verifyPassword,
} from './passwords.js';

describe('passwords', () => {
  it("hashes with OWASP's scrypt setting of 16 MiB by default (N=2^14, r=8, p=5), kept in the hash", async () => {
    expect(PASSWORD_COST).toEqual({ N: 16384, r: 8, p: 5 });
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$16384\$8\$5\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(hashCost(hash)).toEqual(PASSWORD_COST);
    expect(needsRehash(hash)).toBe(false);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
  });

  it('still verifies a hash made with the old parameters, and says it should be made again', async () => {
    const old = await hashPassword('correct horse battery', LEGACY_PASSWORD_COST);
    expect(old.startsWith('scrypt$16384$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse battery', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(old, LEGACY_PASSWORD_COST)).toBe(false);
  });

  it.each([
    ['another scheme', 'bcrypt$10$abc'],
    ['missing parts', 'scrypt$16384$8$1'],
    ['a cost scrypt refuses', 'scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    [
      'a cost too large to afford',
      'scrypt$4194304$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    ['a short key', 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA'],
  ])('never matches a stored hash with %s', async (_, stored) => {
    expect(await verifyPassword('correct horse battery', stored)).toBe(false);
  });
});
