import { GameIdSchema, PlayerNameSchema } from '@ttt/shared';
import { describe, expect, it } from 'vitest';
import { isOnlinePage } from './online-path';

describe('isOnlinePage', () => {
  it('takes a game path exactly when GameIdSchema takes its id', () => {
    for (const id of [
      'A'.repeat(22),
      'aZ09_-aZ09_-aZ09_-aZ09',
      'A'.repeat(21),
      'A'.repeat(23),
      `${'A'.repeat(21)}.`,
      `${'A'.repeat(21)}é`,
      '',
    ]) {
      expect(isOnlinePage(`/games/${id}`), id).toBe(GameIdSchema.safeParse(id).success);
    }
  });

  it('takes a player path exactly when PlayerNameSchema takes the name', () => {
    for (const name of ['bob', 'Alice_99', 'a-b', 'ab', 'A'.repeat(20), 'A'.repeat(21), 'bo.b', 'bob!', 'bøb', '']) {
      expect(isOnlinePage(`/players/${name}`), name).toBe(PlayerNameSchema.safeParse(name).success);
    }
  });

  it('takes /online and /players and nothing else', () => {
    expect(isOnlinePage('/online')).toBe(true);
    expect(isOnlinePage('/players')).toBe(true);
    for (const path of [
      '/',
      '/online/',
      '/onlinex',
      '/games',
      '/games/',
      `/games/${'A'.repeat(22)}/x`,
      '/players/',
      '/playersx',
      '/players/bob/x',
      '/xonline',
    ]) {
      expect(isOnlinePage(path), path).toBe(false);
    }
  });
});
