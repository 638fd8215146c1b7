import type { GameView, MoveEvent } from '@ttt/shared';
import { describe, expect, it } from 'vitest';
import { afterMoveEvent, applyMoveEvent, replaces } from './use-game';

const game: GameView = {
  id: 'AAAAAAAAAAAAAAAAAAAAAA',
  version: 3,
  status: 'playing',
  invite: 'name',
  host: { id: 'alice', name: 'Alice' },
  opponent: { id: 'bob', name: 'Bob' },
  hostMark: 'O',
  board: ['X', '', '', '', 'O', '', '', '', ''],
  turn: 'X',
  result: null,
  createdAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:00:02.000Z',
  rematchOf: null,
  moves: [0, 4],
  finishedAt: null,
  rematchId: null,
};

const move = (overrides: Partial<MoveEvent>): MoveEvent => ({
  id: game.id,
  version: 4,
  cell: 8,
  mark: 'X',
  status: 'playing',
  result: null,
  at: '2026-11-22T10:00:03.000Z',
  ...overrides,
});

describe('what the game page shows', () => {
  it('never replaces a board with an older version of the same game', () => {
    expect(replaces(game, { ...game, version: 2 })).toBe(false);
    expect(replaces(game, { ...game, version: 3 })).toBe(true);
    expect(replaces(game, { ...game, version: 4 })).toBe(true);
    expect(replaces(null, game)).toBe(true);
    expect(replaces(game, { ...game, id: 'BBBBBBBBBBBBBBBBBBBBBB', version: 1 })).toBe(true);
  });

  it('applies the next move event to the board, the move list and the turn', () => {
    const next = afterMoveEvent(game, move({}));
    expect(next).toEqual({
      show: {
        ...game,
        version: 4,
        board: ['X', '', '', '', 'O', '', '', '', 'X'],
        moves: [0, 4, 8],
        turn: 'O',
        updatedAt: '2026-11-22T10:00:03.000Z',
      },
    });
  });

  it('ends the game with the result carried by the finishing move', () => {
    const result = { winner: 'X' as const, reason: 'line' as const, line: [0, 4, 8] as [number, number, number] };
    const shown = applyMoveEvent(game, move({ status: 'finished', result }));
    expect(shown).toMatchObject({ status: 'finished', result, turn: null, finishedAt: '2026-11-22T10:00:03.000Z' });
  });

  it('ignores events already seen and re-reads the game after a gap', () => {
    expect(afterMoveEvent(game, move({ version: 3 }))).toBeNull();
    expect(afterMoveEvent(game, move({ version: 2 }))).toBeNull();
    expect(afterMoveEvent(game, move({ version: 6 }))).toEqual({ refresh: true });
  });
});
