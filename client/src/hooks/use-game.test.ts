import { applyEvent, type GameView, type MoveEvent } from '@ttt/shared';
import { describe, expect, it } from 'vitest';
import { gameSummary } from '../test-games';
import { type PendingMove, replaces, withPendingMove } from './use-game';

const game: GameView = {
  ...gameSummary({
    version: 3,
    board: ['X', '', '', '', 'O', '', '', '', ''],
    updatedAt: '2026-11-22T10:00:02.000Z',
    deadline: '2026-11-25T10:00:02.000Z',
  }),
  moves: [0, 4],
  finishedAt: null,
  rematchId: null,
  clocks: null,
};

const move = (overrides: Partial<MoveEvent>): MoveEvent => ({
  id: game.id,
  version: 4,
  cell: 8,
  mark: 'X',
  status: 'playing',
  result: null,
  deadline: '2026-11-25T10:00:03.000Z',
  clocks: null,
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
    expect(applyEvent(game, { type: 'move', ...move({}) })).toEqual({
      ...game,
      version: 4,
      board: ['X', '', '', '', 'O', '', '', '', 'X'],
      moves: [0, 4, 8],
      turn: 'O',
      updatedAt: '2026-11-22T10:00:03.000Z',
      deadline: '2026-11-25T10:00:03.000Z',
    });
  });

  it('ends the game with the result carried by the finishing move', () => {
    const result = { winner: 'X' as const, reason: 'line' as const, line: [0, 4, 8] as [number, number, number] };
    const shown = applyEvent(game, { type: 'move', ...move({ status: 'finished', result }) });
    expect(shown).toMatchObject({ status: 'finished', result, turn: null, finishedAt: '2026-11-22T10:00:03.000Z' });
  });

  it('ignores events already seen and re-reads the game after a gap', () => {
    expect(applyEvent(game, { type: 'move', ...move({ version: 3 }) })).toBe(game);
    expect(applyEvent(game, { type: 'move', ...move({ version: 2 }) })).toBe(game);
    expect(applyEvent(game, { type: 'move', ...move({ version: 6 }) })).toBe('gap');
  });
});

describe('our own move, drawn before the server answers', () => {
  const pending: PendingMove = { cell: 8, mark: 'X', fromVersion: 3 };
  const answered = applyEvent(game, { type: 'move', ...move({}) }) as GameView;

  it('is drawn on the version it was made on, and the turn passes', () => {
    expect(withPendingMove(game, pending)).toEqual({
      ...game,
      board: ['X', '', '', '', 'O', '', '', '', 'X'],
      moves: [0, 4, 8],
      turn: 'O',
    });
    // The version stays the server's: the answer or the pushed event still follow it.
    expect(withPendingMove(game, pending).version).toBe(3);
    expect(withPendingMove(game, null)).toBe(game);
  });

  it('is drawn once when the pushed event for it arrives before the answer', () => {
    // The event moves the kept view to version 4; the pending move no longer applies.
    expect(withPendingMove(answered, pending)).toBe(answered);
    expect(answered.moves).toEqual([0, 4, 8]);
  });

  it('gives way to any newer view, and to a cell the view already has taken', () => {
    const elsewhere = { ...game, version: 4, board: ['X', '', '', '', 'O', '', '', 'O', ''] as GameView['board'] };
    expect(withPendingMove(elsewhere, pending)).toBe(elsewhere);
    expect(withPendingMove(game, { ...pending, cell: 4 })).toBe(game);
  });
});
