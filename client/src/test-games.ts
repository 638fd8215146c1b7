import type { GameSummary } from '@ttt/shared';

/**
 * A game as the lobby lists show it, for tests: Alice hosts and plays O, Bob was invited and
 * plays X and is to move on an empty board (casual, correspondence). Only tests import this.
 */
export const gameSummary = (overrides: Partial<GameSummary> = {}): GameSummary => ({
  id: 'AAAAAAAAAAAAAAAAAAAAAA',
  version: 2,
  status: 'playing',
  invite: 'name',
  host: { id: 'alice', name: 'Alice' },
  opponent: { id: 'bob', name: 'Bob' },
  hostMark: 'O',
  board: ['', '', '', '', '', '', '', '', ''],
  turn: 'X',
  result: null,
  createdAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:00:00.000Z',
  rematchOf: null,
  timeControl: { type: 'correspondence', days: 3 },
  deadline: null,
  rated: false,
  ratingChanges: null,
  ...overrides,
});
