import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { secretWeakness } from './secret-strength.js';

describe('secretWeakness', () => {
  it.each([
    ['a'.repeat(32), 'it has only 1 different characters'],
    ['abababababababababababababababab', 'it has only 2 different characters'],
    ['0123456789'.repeat(4), 'it repeats a shorter part'],
    ['Tr0ub4dor&3xyzTr0ub4dor&3xyzTr0u', 'it repeats a shorter part'],
    ['Q7!mZ2#k12345678aXp9Lw3Rt5Vy7Bn0', 'it has a run of 8 characters in a row'],
    ['Q7!mZ2#kzyxwvutsaXp9Lw3Rt5Vy7Bn0', 'it has a run of 8 characters in a row'],
    ['xxaxxbxxcxxdxxexxfxxgxxhxxixxjxxk', 'it holds only about 68 bits of randomness'],
  ])('finds %s weak', (secret, why) => {
    expect(secretWeakness(secret)).toBe(why);
  });

  it('never refuses random secrets as the README makes them (hex of 16 bytes and up, base64 of 24 and up)', () => {
    for (let i = 0; i < 2000; i++) {
      for (const secret of [
        randomBytes(16).toString('hex'),
        randomBytes(32).toString('hex'),
        randomBytes(24).toString('base64'),
        randomBytes(48).toString('base64'),
      ]) {
        expect(secretWeakness(secret), secret).toBeNull();
      }
    }
  });
});
