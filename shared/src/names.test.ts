import { describe, expect, it } from 'vitest';
import { isReservedName, RESERVED_NAMES } from './names.js';
import { PlayerNameSchema } from './online-api.js';

describe('reserved names', () => {
  it('refuses the reserved names in any case, and nothing that merely contains one', () => {
    for (const name of [
      'admin',
      'ADMIN',
      'Administrator',
      'root',
      'System',
      'null',
      'undefined',
      '__proto__',
      'constructor',
      'prototype',
      'anonymous',
      'moderator',
      'support',
      'api',
    ]) {
      expect(isReservedName(name), name).toBe(true);
    }
    for (const name of ['alice', 'admin2', 'rooted', 'nullable', 'toString', 'hasOwnProperty']) {
      expect(isReservedName(name), name).toBe(false);
    }
  });

  it('lists only names a player could otherwise take, in lower case', () => {
    for (const name of RESERVED_NAMES) {
      expect(name).toBe(name.toLowerCase());
      expect(PlayerNameSchema.safeParse(name).success, name).toBe(true);
    }
  });
});
