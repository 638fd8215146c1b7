import type { GameSummary, Presence } from '@ttt/shared';
import { markOf } from '@ttt/shared';
import { describe, expect, it } from 'vitest';
import {
  acceptedNotice,
  gameTitle,
  invitationNotice,
  isConnected,
  isYourTurn,
  lobbyLine,
  lobbyTitle,
  presenceLine,
  statusLine,
  turnNotice,
  watchingLine,
  when,
} from './game-text';
import { gameSummary } from './test-games';

const game = gameSummary;

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
    const timedOut = game({ status: 'finished', turn: null, result: { winner: 'X', reason: 'timeout', line: null } });
    expect(statusLine(timedOut, 'bob')).toBe('You win — Alice ran out of time');
    expect(statusLine(timedOut, 'alice')).toBe('You lose — out of time');
    expect(statusLine(timedOut, null)).toBe('Bob wins — Alice ran out of time');
    expect(lobbyLine(timedOut, 'alice')).toBe('You lost (on time)');
    // X moved, O (Alice) left on her turn: Bob claimed the win, or called it a draw.
    const board = ['X', '', '', '', '', '', '', '', ''] as GameSummary['board'];
    const left = game({
      status: 'finished',
      turn: null,
      board,
      result: { winner: 'X', reason: 'abandoned', line: null },
    });
    expect(statusLine(left, 'bob')).toBe('You win — Alice left the game');
    expect(statusLine(left, 'alice')).toBe('You lose — you left the game');
    const drawn = { ...left, result: { winner: null, reason: 'abandoned' as const, line: null } };
    expect(statusLine(drawn, null)).toBe('Draw — Alice left the game');
    const expired = game({ status: 'expired', turn: null });
    expect(statusLine(expired, 'alice')).toBe('Your invitation expired before anyone answered');
    expect(statusLine(expired, 'bob')).toBe("Alice's invitation expired");
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
    const rematch = game({ status: 'pending', rematchOf: 'R'.repeat(22) });
    expect(lobbyLine(rematch, 'alice')).toBe('You offered Bob a rematch');
    expect(lobbyLine(rematch, 'bob')).toBe('Alice wants a rematch');
    expect(statusLine(rematch, 'bob')).toBe('Alice offers you a rematch');
    expect(statusLine(rematch, 'alice')).toBe('Waiting for Bob to accept your rematch');
    expect(invitationNotice(rematch).title).toBe('Alice offers you a rematch');
    const won = game({ status: 'finished', result: { winner: 'O', reason: 'line', line: [0, 4, 8] } });
    expect(lobbyLine(won, 'alice')).toBe('You won');
    expect(lobbyLine(won, 'bob')).toBe('You lost');
    expect(markOf(game(), 'alice')).toBe('O');
    expect(markOf(game(), 'bob')).toBe('X');
    expect(markOf(game(), 'carol')).toBeNull();
  });
});

describe('isYourTurn', () => {
  it('follows the board, not a stale turn field, and is never a spectator’s', () => {
    expect(isYourTurn(game(), 'bob')).toBe(true);
    expect(isYourTurn(game(), 'alice')).toBe(false);
    const oneMove = game({ board: ['X', '', '', '', '', '', '', '', ''], turn: 'X' });
    expect(isYourTurn(oneMove, 'alice')).toBe(true);
    expect(isYourTurn(oneMove, 'bob')).toBe(false);
    expect(isYourTurn(game(), 'carol')).toBe(false);
    expect(isYourTurn(game(), null)).toBe(false);
    expect(isYourTurn(game({ status: 'pending', turn: null }), 'bob')).toBe(false);
    expect(isYourTurn(game({ status: 'finished', turn: null }), 'bob')).toBe(false);
  });
});

describe('tab titles', () => {
  it('says on a game’s tab when it is your move, and against whom', () => {
    expect(gameTitle(game(), 'bob')).toBe('● Your turn · vs Alice');
    expect(gameTitle(game(), 'alice')).toBe('Waiting for Bob · Tic-tac-toe');
  });

  it('gives the result, the invitation and a spectator’s view', () => {
    const won = game({ status: 'finished', turn: null, result: { winner: 'O', reason: 'line', line: [0, 4, 8] } });
    expect(gameTitle(won, 'alice')).toBe('You won · vs Bob');
    expect(gameTitle(won, 'bob')).toBe('You lost · vs Alice');
    expect(gameTitle(won, null)).toBe('Alice wins · Tic-tac-toe');
    expect(gameTitle(game(), 'carol')).toBe("Bob's turn (X) · Tic-tac-toe");
    const pending = game({ status: 'pending', turn: null });
    expect(gameTitle(pending, 'alice')).toBe('Waiting for Bob to accept · Tic-tac-toe');
    expect(gameTitle(pending, 'bob')).toBe('Alice invites you to play · Tic-tac-toe');
  });

  it('counts the games waiting for you in the lobby', () => {
    expect(lobbyTitle(0)).toBe('Tic-tac-toe');
    expect(lobbyTitle(1)).toBe('(1) Your turn · Tic-tac-toe');
    expect(lobbyTitle(12)).toBe('(12) Your turn · Tic-tac-toe');
  });
});

describe('notices', () => {
  const about = { tag: 'game-AAAAAAAAAAAAAAAAAAAAAA', href: '/games/AAAAAAAAAAAAAAAAAAAAAA' };

  it('says who played where when the game’s moves are known', () => {
    const view = { ...game({ board: ['', '', '', '', 'X', '', '', '', ''] }), moves: [4] };
    expect(turnNotice(view, 'alice')).toEqual({
      title: 'Your turn · vs Bob',
      body: 'Bob played row 2, column 2.',
      ...about,
    });
  });

  it('makes do with the board in the lobby', () => {
    expect(turnNotice(game(), 'bob').body).toBe('Alice accepted: you move first.');
    expect(turnNotice(game({ board: ['X', '', '', '', '', '', '', '', ''] }), 'alice').body).toBe('Bob has played.');
  });

  it('announces an invitation and an accepted one', () => {
    const pending = game({ status: 'pending', turn: null });
    expect(invitationNotice(pending)).toEqual({
      title: 'Alice invites you to play',
      body: 'Open it to accept or decline.',
      ...about,
    });
    expect(acceptedNotice(game(), 'alice')).toEqual({
      title: 'Bob accepted your invitation',
      body: 'Bob moves first.',
      ...about,
    });
    const hostFirst = game({ hostMark: 'X' });
    expect(acceptedNotice(hostFirst, 'alice').body).toBe('You move first.');
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

describe('presence', () => {
  const presence = (bob: Partial<Presence['players'][number]>, spectators = 0): Presence => ({
    players: [
      { id: 'alice', online: true, lastSeenAt: null },
      { id: 'bob', online: false, lastSeenAt: null, ...bob },
    ],
    spectators,
    abandonAfterMs: 30_000,
  });

  it('tells a player their opponent left, and says nothing while they are here', () => {
    expect(presenceLine(game(), presence({ lastSeenAt: '2026-11-30T10:00:00.000Z' }), 'alice')).toBe(
      'Bob left the game',
    );
    expect(presenceLine(game(), presence({ online: true }), 'alice')).toBeNull();
    expect(presenceLine(game(), presence({}), 'alice')).toBe('Bob is not on this page');
  });

  it('says nothing about leaving to spectators, after the game, or before presence is known', () => {
    const left = presence({ lastSeenAt: '2026-11-30T10:00:00.000Z' });
    expect(presenceLine(game(), left, null)).toBeNull();
    expect(presenceLine(game(), left, 'mallory')).toBeNull();
    expect(presenceLine(game({ status: 'finished', turn: null }), left, 'alice')).toBeNull();
    expect(presenceLine(game(), null, 'alice')).toBeNull();
  });

  it('counts who is watching, and knows who is connected', () => {
    expect(watchingLine(presence({}, 0))).toBeNull();
    expect(watchingLine(presence({}, 1))).toBe('1 watching');
    expect(watchingLine(presence({}, 12))).toBe('12 watching');
    expect(isConnected(presence({}), 'alice')).toBe(true);
    expect(isConnected(presence({}), 'bob')).toBe(false);
    expect(isConnected(null, 'bob')).toBeNull();
    expect(isConnected(presence({}), 'carol')).toBeNull();
  });
});
