import { GameIdSchema } from '@ttt/shared';
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
      '',
    ]) {
      expect(isOnlinePage(`/games/${id}`), id).toBe(GameIdSchema.safeParse(id).success);
    }
  });

  it('takes /online and nothing else', () => {
    expect(isOnlinePage('/online')).toBe(true);
    for (const path of ['/', '/online/', '/onlinex', '/games', '/games/', `/games/${'A'.repeat(22)}/x`]) {
      expect(isOnlinePage(path), path).toBe(false);
    }
  });
});
