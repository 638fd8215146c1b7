import type { GameSummary } from '@ttt/shared';
import { describe, expect, it } from 'vitest';
import { lobbyLine, markOf, statusLine, when } from './game-text';

const game = (overrides: Partial<GameSummary> = {}): GameSummary => ({
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
  ...overrides,
});

describe('statusLine', () => {
  it('tells each player whose turn it is', () => {
    expect(statusLine(game(), 'bob')).toBe('Your turn');
    expect(statusLine(game(), 'alice')).toBe('Waiting for Bob');
    expect(statusLine(game({ turn: 'O' }), 'alice')).toBe('Your turn');
  });

  it('tells a spectator whose turn it is, by name and mark', () => {
    expect(statusLine(game(), null)).toBe("Bob's turn (X)");
    expect(statusLine(game({ turn: 'O' }), 'mallory')).toBe("Alice's turn (O)");
  });

  it('gives each side its result', () => {
    const won = game({ status: 'finished', turn: null, result: { winner: 'X', reason: 'line', line: [0, 1, 2] } });
    expect(statusLine(won, 'bob')).toBe('You win');
    expect(statusLine(won, 'alice')).toBe('You lose');
    expect(statusLine(won, null)).toBe('Bob wins');
    const draw = game({ status: 'finished', turn: null, result: { winner: null, reason: 'draw', line: null } });
    expect(statusLine(draw, 'alice')).toBe('Draw');
    const resigned = game({ status: 'finished', turn: null, result: { winner: 'O', reason: 'resign', line: null } });
    expect(statusLine(resigned, 'alice')).toBe('You win — Bob resigned');
    expect(statusLine(resigned, 'bob')).toBe('You lose — you resigned');
    expect(statusLine(resigned, null)).toBe('Alice wins — Bob resigned');
  });

  it('describes invitations from every side', () => {
    const pending = game({ status: 'pending', turn: null });
    expect(statusLine(pending, 'alice')).toBe('Waiting for Bob to accept');
    expect(statusLine(pending, 'bob')).toBe('Alice invites you to play');
    expect(statusLine(pending, null)).toBe("Waiting for Bob to accept Alice's invitation");
    const link = game({ status: 'pending', turn: null, invite: 'link', opponent: null });
    expect(statusLine(link, 'alice')).toBe('Waiting for someone to accept your invitation link');
    expect(statusLine(link, 'carol')).toBe('Alice invites you to play');
    expect(statusLine(game({ status: 'declined', turn: null }), 'alice')).toBe('Bob declined your invitation');
    expect(statusLine(game({ status: 'cancelled', turn: null }), 'bob')).toBe('Alice cancelled the invitation');
  });
});

describe('lobbyLine and markOf', () => {
  it('summarises a game from one player’s side', () => {
    expect(lobbyLine(game(), 'bob')).toBe('Your turn');
    expect(lobbyLine(game(), 'alice')).toBe('Waiting for Bob');
    expect(lobbyLine(game({ status: 'pending' }), 'alice')).toBe('You invited Bob');
    expect(lobbyLine(game({ status: 'pending' }), 'bob')).toBe('Alice invited you');
    const won = game({ status: 'finished', result: { winner: 'O', reason: 'line', line: [0, 4, 8] } });
    expect(lobbyLine(won, 'alice')).toBe('You won');
    expect(lobbyLine(won, 'bob')).toBe('You lost');
    expect(markOf(game(), 'alice')).toBe('O');
    expect(markOf(game(), 'bob')).toBe('X');
    expect(markOf(game(), 'carol')).toBeNull();
  });
});

describe('when', () => {
  it('says how long ago, then the date', () => {
    const now = Date.parse('2026-11-22T12:00:00.000Z');
    expect(when('2026-11-22T11:59:30.000Z', now)).toBe('30 seconds ago');
    expect(when('2026-11-22T11:00:00.000Z', now)).toBe('1 hour ago');
    expect(when('2026-11-20T12:00:00.000Z', now)).toBe('2 days ago');
    expect(when('2026-10-01T12:00:00.000Z', now)).toMatch(/2026/);
  });
});
