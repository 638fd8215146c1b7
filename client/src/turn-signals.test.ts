import type { GameSummary, GameView, Lobby } from '@ttt/shared';
import { describe, expect, it } from 'vitest';
import { gameSummary } from './test-games';
import { countYourTurn, gameChange, lobbyChanges, lobbyNotices, yourTurnFirst } from './turn-signals';

const alice = { id: 'alice', name: 'Alice' };
const bob = { id: 'bob', name: 'Bob' };
const EMPTY = ['', '', '', '', '', '', '', '', ''] as const;

/** Alice hosts and plays O; Bob was invited and plays X, so he moves first. */
const game = (id: string, overrides: Partial<GameSummary> = {}): GameSummary =>
  gameSummary({ id: id.padEnd(22, 'A'), host: alice, opponent: bob, ...overrides });
/** One X on the board: O (Alice) to move. */
const xPlayed = (id: string, updatedAt = '2026-11-22T10:00:00.000Z') =>
  game(id, { version: 3, board: ['X', '', '', '', '', '', '', '', ''], turn: 'O', updatedAt });

const lobby = (
  player: typeof alice,
  lists: Partial<Record<'received' | 'sent' | 'playing' | 'finished', GameSummary[]>>,
  cursor: string | null = null,
): Lobby => ({
  player,
  record: { wins: 0, losses: 0, draws: 0 },
  received: { games: lists.received ?? [], cursor: null },
  sent: { games: lists.sent ?? [], cursor: null },
  playing: { games: lists.playing ?? [], cursor },
  finished: { games: lists.finished ?? [], cursor: null },
});

describe('yourTurnFirst', () => {
  it('puts the games waiting for the player first, keeping the server’s order within each group', () => {
    const games = [game('a'), xPlayed('b'), game('c'), xPlayed('d')];
    expect(yourTurnFirst(games, 'alice').map((g) => g.id[0])).toEqual(['b', 'd', 'a', 'c']);
    expect(yourTurnFirst(games, 'bob').map((g) => g.id[0])).toEqual(['a', 'c', 'b', 'd']);
    expect(countYourTurn(games, 'alice')).toBe(2);
    expect(countYourTurn(games, 'carol')).toBe(0);
    expect(yourTurnFirst(games, 'carol')).toEqual(games);
  });
});

describe('gameChange', () => {
  const view = (moves: number[], overrides: Partial<GameView> = {}): GameView => {
    const board = [...EMPTY] as GameView['board'];
    moves.forEach((cell, index) => {
      board[cell] = index % 2 === 0 ? 'X' : 'O';
    });
    return {
      ...game('g', { board, version: 2 + moves.length }),
      moves,
      finishedAt: null,
      rematchId: null,
      clocks: null,
      ...overrides,
    };
  };

  it('says nothing on the first load or for another game', () => {
    expect(gameChange(null, view([0]), 'alice')).toEqual({ sound: null, yourTurn: false });
    expect(gameChange(view([]), { ...view([0]), id: 'other'.padEnd(22, 'A') }, 'alice')).toEqual({
      sound: null,
      yourTurn: false,
    });
  });

  it('tells the opponent’s move from your own, and when it becomes your turn', () => {
    expect(gameChange(view([]), view([0]), 'alice')).toEqual({ sound: 'other', yourTurn: true });
    expect(gameChange(view([]), view([0]), 'bob')).toEqual({ sound: 'own', yourTurn: false });
    expect(gameChange(view([0]), view([0, 4]), 'alice')).toEqual({ sound: 'own', yourTurn: false });
    expect(gameChange(view([0]), view([0]), 'alice')).toEqual({ sound: null, yourTurn: false });
    // Two moves in one read (a gap): one sound, for the last one; Bob's turn then and now.
    expect(gameChange(view([0, 4]), view([0, 4, 8, 1]), 'bob')).toEqual({ sound: 'other', yourTurn: false });
  });

  it('gives a spectator sounds and never a turn', () => {
    expect(gameChange(view([]), view([0]), 'carol')).toEqual({ sound: 'other', yourTurn: false });
    expect(gameChange(view([]), view([0]), null)).toEqual({ sound: 'other', yourTurn: false });
  });

  it('signals a turn when an accepted invitation starts with your move', () => {
    const pending = view([], { status: 'pending', hostMark: 'X', turn: null });
    expect(gameChange(pending, view([], { hostMark: 'X' }), 'alice')).toEqual({ sound: null, yourTurn: true });
  });
});

describe('lobbyChanges', () => {
  const later = '2026-11-22T10:05:00.000Z';

  it('finds new invitations, accepted ones and new turns', () => {
    const invitation = game('inv', { status: 'pending', host: bob, opponent: alice, hostMark: 'X', updatedAt: later });
    const sent = game('sent', { status: 'pending', turn: null });
    const before = lobby(alice, { sent: [sent], playing: [game('p')] });
    const after = lobby(alice, {
      received: [invitation],
      playing: [game('sent', { updatedAt: later }), xPlayed('p', later)],
    });
    const changes = lobbyChanges(before, after);
    expect(changes.invitations.map((g) => g.id[0])).toEqual(['i']);
    expect(changes.accepted.map((g) => g.id[0])).toEqual(['s']);
    expect(changes.yourTurn.map((g) => g.id[0])).toEqual(['p']);
    expect(lobbyNotices(changes, 'alice').map((n) => n.title)).toEqual([
      'Bob invites you to play',
      'Bob accepted your invitation',
      'Your turn · vs Bob',
    ]);
  });

  it('finds nothing when nothing changed, or only what the player did', () => {
    const same = lobby(alice, { received: [game('r', { status: 'pending' })], playing: [xPlayed('p')] });
    expect(lobbyChanges(same, same)).toEqual({ invitations: [], accepted: [], yourTurn: [] });
    // Alice moved: the game waits for Bob now.
    const moved = lobby(alice, {
      playing: [game('p', { board: ['X', 'O', '', '', '', '', '', '', ''], updatedAt: later })],
    });
    expect(lobbyChanges(same, moved).yourTurn).toEqual([]);
    // Bob's invitations to others are not Alice's news; a game Bob accepted is not accepted for Alice.
    const bobs = lobby(bob, { playing: [game('p', { updatedAt: later })] });
    expect(lobbyChanges(lobby(bob, { received: [game('p', { status: 'pending' })] }), bobs).accepted).toEqual([]);
  });

  it('ignores a game that only rose from a later page', () => {
    const first = [xPlayed('a', '2026-11-22T10:03:00.000Z'), game('b', { updatedAt: '2026-11-22T10:02:00.000Z' })];
    const before = lobby(alice, { playing: first }, 'cursor');
    // "b" finished (Alice resigned): "old" from the second page moves up, unchanged.
    const after = lobby(
      alice,
      {
        playing: [first[0] as GameSummary, xPlayed('old', '2026-11-22T09:00:00.000Z')],
        finished: [game('b', { status: 'finished', updatedAt: later })],
      },
      'cursor',
    );
    expect(lobbyChanges(before, after)).toEqual({ invitations: [], accepted: [], yourTurn: [] });
    // The same game risen because Bob just played in it is news.
    const played = lobby(alice, { playing: [xPlayed('old', later), ...first] }, 'cursor');
    expect(lobbyChanges(before, played).yourTurn.map((g) => g.id.slice(0, 3))).toEqual(['old']);
    expect(lobbyChanges(before, played).accepted).toEqual([]);
  });

  it('counts an invitation accepted beyond the first page of sent ones, by its empty board', () => {
    const before = lobby(alice, { sent: [game('s1', { status: 'pending' })] });
    const after = lobby(alice, {
      sent: [game('s1', { status: 'pending' })],
      playing: [game('s2', { updatedAt: later })],
    });
    expect(lobbyChanges(before, after).accepted.map((g) => g.id.slice(0, 2))).toEqual(['s2']);
  });

  it('gives one notice per game: an accepted game that starts with your move says accepted', () => {
    const hostFirst = game('h', { hostMark: 'X', updatedAt: later });
    const changes = lobbyChanges(
      lobby(alice, { sent: [game('h', { status: 'pending', hostMark: 'X' })] }),
      lobby(alice, { playing: [hostFirst] }),
    );
    expect(changes.yourTurn).toHaveLength(1);
    expect(lobbyNotices(changes, 'alice')).toEqual([
      expect.objectContaining({ title: 'Bob accepted your invitation', body: 'You move first.' }),
    ]);
  });
});
