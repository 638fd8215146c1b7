import { describe, expect, it } from 'vitest';
import { applyLobbyEvent, lobbyListOf } from './lobby.js';
import type { GameList, GameSummary, Lobby, Player } from './online-api.js';
import {
  addToRecord,
  type Decision,
  decide,
  type GameAction,
  invite,
  type OnlineGame,
  settle,
  summaryView,
} from './online-game.js';

const alice: Player = { id: 'alice', name: 'Alice' };
const bob: Player = { id: 'bob', name: 'Bob' };
const carol: Player = { id: 'carol', name: 'Carol' };
const players: Record<string, Player> = { alice, bob, carol };
const LISTS: GameList[] = ['received', 'sent', 'playing', 'finished'];
/** `s` seconds after a fixed start. */
const at = (s: number) => new Date(Date.parse('2026-12-01T10:00:00.000Z') + s * 1000).toISOString();
const gameId = (n: number) => `game${String(n).padStart(18, '0')}`;

function ok(decision: Decision): OnlineGame {
  if (!decision.ok) throw new Error(`refused: ${decision.code}`);
  return decision.next;
}
const invitation = (n: number, host: Player, opponent: Player | null, s: number) =>
  ok(invite(host, opponent, { id: gameId(n), token: 't'.repeat(43) }, at(s)));
const act = (game: OnlineGame, actor: Player, action: GameAction, s: number) => ok(decide(game, actor, action, at(s)));
const moves = (game: OnlineGame, cells: number[], s: number) =>
  cells.reduce((current, cell, index) => {
    const mover = current.board.filter((mark) => mark !== '').length % 2 === 0 ? 'X' : 'O';
    const actor = mover === current.hostMark ? players[current.hostId] : players[current.opponentId ?? ''];
    if (!actor) throw new Error('no one to move');
    return act(current, actor, { type: 'move', cell }, s + index);
  }, game);

/**
 * The lobby as the server reads it (routes/lobby.ts over storage/keys.ts): each list newest
 * first by last change then id, its first `limit` games, and the record of all finished games.
 */
function read(games: OnlineGame[], player: Player, limit = 20): Lobby {
  const page = (list: GameList) => {
    const listed = games
      .filter((game) => lobbyListOf(summaryView(game), player.id) === list)
      .sort((a, b) => (`${b.updatedAt}#${b.id}` > `${a.updatedAt}#${a.id}` ? 1 : -1));
    return {
      games: listed.slice(0, limit).map(summaryView),
      cursor: listed.length > limit ? `after-${listed[limit - 1]?.id}` : null,
    };
  };
  const record = games
    .filter((game) => game.status === 'finished')
    .reduce((sum, game) => addToRecord(sum, game, player.id), { wins: 0, losses: 0, draws: 0 });
  return {
    player,
    record,
    received: page('received'),
    sent: page('sent'),
    playing: page('playing'),
    finished: page('finished'),
  };
}

const apply = (lobby: Lobby, game: OnlineGame) => applyLobbyEvent(lobby, summaryView(game));
function applied(lobby: Lobby, ...games: OnlineGame[]): Lobby {
  return games.reduce((current, game) => {
    const next = apply(current, game);
    if (next === 'reread') throw new Error(`reread for ${game.id} v${game.version}`);
    return next;
  }, lobby);
}
/** Where each game is listed, by list, in order. */
const lists = (lobby: Lobby) =>
  Object.fromEntries(
    LISTS.map((list) => [list, lobby[list].games.map((game) => `${game.id.slice(-1)}v${game.version}`)]),
  );

describe('lobbyListOf', () => {
  it('puts a game in the list of the player’s part in it, and ended-before-begun games in none', () => {
    const pending = summaryView(invitation(1, alice, bob, 0));
    expect(lobbyListOf(pending, 'alice')).toBe('sent');
    expect(lobbyListOf(pending, 'bob')).toBe('received');
    expect(lobbyListOf(pending, 'carol')).toBeNull();
    expect(lobbyListOf({ ...pending, status: 'playing' }, 'bob')).toBe('playing');
    expect(lobbyListOf({ ...pending, status: 'finished' }, 'alice')).toBe('finished');
    for (const status of ['declined', 'cancelled', 'expired'] as const) {
      expect(lobbyListOf({ ...pending, status }, 'alice')).toBeNull();
    }
    expect(lobbyListOf({ ...pending, status: 'archived' as GameSummary['status'] }, 'alice')).toBeUndefined();
  });
});

describe('applyLobbyEvent', () => {
  it('an invitation arrives on top of the invitee’s received list and the host’s sent list', () => {
    const older = invitation(1, carol, bob, 0);
    const newer = invitation(2, alice, bob, 5);
    const bobs = applied(read([older], bob), newer);
    expect(lists(bobs)).toEqual({ received: ['2v1', '1v1'], sent: [], playing: [], finished: [] });
    expect(bobs.received.games[0]).toEqual(summaryView(newer));
    expect(lists(applied(read([], alice), newer))).toEqual({ received: [], sent: ['2v1'], playing: [], finished: [] });
  });

  it('an accepted invitation leaves the invitations for the games in progress, on both sides', () => {
    const pending = invitation(1, alice, bob, 0);
    const playing = act(pending, bob, { type: 'accept' }, 5);
    expect(lists(applied(read([pending], alice), playing))).toEqual({
      received: [],
      sent: [],
      playing: ['1v2'],
      finished: [],
    });
    expect(lists(applied(read([pending], bob), playing))).toEqual({
      received: [],
      sent: [],
      playing: ['1v2'],
      finished: [],
    });
  });

  it('a link invitation enters the lobby of whoever accepts it as a game in progress', () => {
    const link = invitation(1, alice, null, 0);
    const bobs = read([], bob);
    expect(apply(bobs, link)).toBe(bobs);
    const accepted = act(link, bob, { type: 'accept', token: 't'.repeat(43) }, 5);
    expect(lists(applied(read([], bob), accepted)).playing).toEqual(['1v2']);
    expect(lists(applied(read([link], alice), accepted))).toEqual(lists(read([accepted], alice)));
  });

  it('a move keeps the game in progress, turns the turn and brings the game to the top', () => {
    const first = act(invitation(1, alice, bob, 0), bob, { type: 'accept' }, 1);
    const second = act(invitation(2, alice, bob, 2), bob, { type: 'accept' }, 3);
    const before = read([first, second], alice);
    expect(lists(before).playing).toEqual(['2v2', '1v2']);
    const moved = moves(first, [4], 10);
    const after = applied(before, moved);
    expect(lists(after).playing).toEqual(['1v3', '2v2']);
    expect(after.playing.games[0]?.turn).toBe('O');
    expect(after.record).toBe(before.record);
    expect(after).toEqual(read([moved, second], alice));
  });

  it('a finished game moves to the finished list and counts in the record once', () => {
    const playing = moves(act(invitation(1, alice, bob, 0), bob, { type: 'accept' }, 1), [0, 3, 1, 4], 2);
    const won = moves(playing, [2], 10); // X (Bob) completes the top row
    const alices = applied(read([playing], alice), won);
    expect(lists(alices)).toEqual({ received: [], sent: [], playing: [], finished: ['1v7'] });
    expect(alices.record).toEqual({ wins: 0, losses: 1, draws: 0 });
    expect(applied(read([playing], bob), won).record).toEqual({ wins: 1, losses: 0, draws: 0 });

    // The same event again changes nothing; a later change to the finished game (its rematch
    // linked) brings it to the top of the finished games without counting it again.
    expect(apply(alices, won)).toBe(alices);
    const older = act(act(invitation(2, alice, bob, 3), bob, { type: 'accept' }, 4), bob, { type: 'resign' }, 11);
    const both = applied(read([playing, older], alice), won);
    expect(lists(both).finished).toEqual(['2v3', '1v7']);
    const linked = act(won, alice, { type: 'link-rematch', rematchId: gameId(3) }, 20);
    const relinked = applied(both, linked);
    expect(lists(relinked).finished).toEqual(['1v8', '2v3']);
    expect(relinked.record).toEqual({ wins: 1, losses: 1, draws: 0 });
    expect(relinked).toEqual(read([linked, older], alice));
  });

  it('counts draws, resignations and time-outs as the record does', () => {
    const start = act(invitation(1, alice, bob, 0), bob, { type: 'accept' }, 1);
    const drawn = moves(start, [0, 4, 8, 1, 7, 6, 2, 5, 3], 2);
    expect(drawn.result?.winner).toBeNull();
    expect(applied(read([start], alice), drawn).record).toEqual({ wins: 0, losses: 0, draws: 1 });
    const resigned = act(start, bob, { type: 'resign' }, 2);
    expect(applied(read([start], alice), resigned).record).toEqual({ wins: 1, losses: 0, draws: 0 });
    // Three days on, Bob has not moved: whoever reads the game next records his time-out.
    const timedOut = settle(start, at(4 * 24 * 3600))?.next;
    if (!timedOut) throw new Error('not settled');
    expect(timedOut.result?.reason).toBe('timeout');
    expect(applied(read([start], bob), timedOut).record).toEqual({ wins: 0, losses: 1, draws: 0 });
  });

  it('declined, cancelled and expired invitations leave every list', () => {
    const pending = invitation(1, alice, bob, 0);
    const other = invitation(2, carol, bob, 1);
    const declined = act(pending, bob, { type: 'decline' }, 5);
    const cancelled = act(other, carol, { type: 'cancel' }, 5);
    const bobs = read([pending, other], bob);
    expect(lists(applied(bobs, declined))).toEqual({ received: ['2v1'], sent: [], playing: [], finished: [] });
    expect(lists(applied(bobs, declined, cancelled))).toEqual({ received: [], sent: [], playing: [], finished: [] });
    expect(lists(applied(read([pending], alice), declined))).toEqual({
      received: [],
      sent: [],
      playing: [],
      finished: [],
    });
    // A day on, nobody answered: whoever reads it next records it expired.
    const expired = settle(pending, at(25 * 3600))?.next;
    if (!expired) throw new Error('not settled');
    expect(expired.status).toBe('expired');
    const none = { received: [], sent: [], playing: [], finished: [] };
    expect(lists(applied(read([pending], alice), expired))).toEqual(none);
    expect(lists(applied(read([pending], bob), expired))).toEqual(none);
  });

  it('ignores an event older than the version shown', () => {
    const pending = invitation(1, alice, bob, 0);
    const playing = act(pending, bob, { type: 'accept' }, 5);
    const moved = moves(playing, [4], 6);
    const shown = read([moved], alice);
    expect(apply(shown, playing)).toBe(shown);
    expect(apply(shown, pending)).toBe(shown);
    expect(apply(shown, moved)).toBe(shown);
  });

  it('ignores a game the player has no part in', () => {
    const theirs = invitation(1, carol, bob, 0);
    const shown = read([invitation(2, alice, bob, 1)], alice);
    expect(apply(shown, theirs)).toBe(shown);
    expect(apply(shown, act(theirs, bob, { type: 'accept' }, 2))).toBe(shown);
  });

  it('keeps the server’s order: newest first, then by id', () => {
    const a = invitation(1, alice, bob, 0);
    const b = invitation(2, alice, bob, 0);
    const c = invitation(3, alice, bob, 0);
    expect(lists(applied(read([a, c], alice), b)).sent).toEqual(['3v1', '2v1', '1v1']);
    expect(applied(read([a, c], alice), b)).toEqual(read([a, b, c], alice));
  });

  it('with more pages: a game leaving shortens the page, one entering goes on top, an older one stays below', () => {
    const games = [1, 2, 3].map((n) => act(invitation(n, alice, bob, n), bob, { type: 'accept' }, n));
    const [first, , third] = games as [OnlineGame, OnlineGame, OnlineGame];
    const shown = read(games, alice, 2);
    expect(lists(shown).playing).toEqual(['3v2', '2v2']);
    expect(shown.playing.cursor).not.toBeNull();

    const resigned = act(third, bob, { type: 'resign' }, 10);
    const shorter = applied(shown, resigned);
    expect(lists(shorter).playing).toEqual(['2v2']);
    expect(shorter.playing.cursor).toBe(shown.playing.cursor);

    // A move in the game on the next page brings it to the top of this one.
    const moved = moves(first, [4], 11);
    expect(lists(applied(shorter, moved)).playing).toEqual(['1v3', '2v2']);

    // A game sorting below the last one loaded belongs to a later page: "more" brings it.
    const late = { ...summaryView(invitation(9, alice, bob, 0)), status: 'playing' as const, version: 2 };
    expect(applyLobbyEvent(shown, late)).toEqual(shown);
  });

  it('asks for a read when it cannot be sure', () => {
    const shown = read([invitation(1, alice, bob, 0)], alice);
    const unknown = { ...summaryView(invitation(2, alice, bob, 1)), status: 'archived' as GameSummary['status'] };
    expect(applyLobbyEvent(shown, unknown)).toBe('reread');

    // A finished game not shown: ended just now (count it), or long ago and on a later page of
    // finished games (counted already)? Only a complete list of finished games tells.
    const finished = act(act(invitation(3, alice, bob, 2), bob, { type: 'accept' }, 3), bob, { type: 'resign' }, 4);
    const done = [5, 6, 7].map((n) =>
      act(act(invitation(n, alice, bob, n), bob, { type: 'accept' }, n), bob, { type: 'resign' }, n),
    );
    expect(apply(read(done, alice, 2), finished)).toBe('reread');
    expect(applied(read(done, alice, 3), finished).record).toEqual({ wins: 4, losses: 0, draws: 0 });
  });

  it('applying every change to the lobby read first gives the lobby read last', () => {
    const games = new Map<string, OnlineGame>();
    const history: OnlineGame[] = [];
    const step = (game: OnlineGame) => {
      games.set(game.id, game);
      history.push(game);
      return game;
    };
    const latest = () => [...games.values()];

    const early = step(act(invitation(1, carol, alice, 0), alice, { type: 'accept' }, 1));
    const firstAlice = read(latest(), alice, 2);
    const firstBob = read(latest(), bob, 2);
    history.length = 0;

    let one = step(invitation(2, alice, bob, 10));
    let two = step(invitation(3, bob, alice, 11));
    const three = step(invitation(4, alice, bob, 12));
    step(act(three, alice, { type: 'cancel' }, 13));
    one = step(act(one, bob, { type: 'accept' }, 14));
    two = step(act(two, alice, { type: 'decline' }, 15));
    one = step(moves(one, [0], 16));
    one = step(moves(one, [4], 17));
    step(moves(early, [4, 0], 18));
    one = step(moves(one, [1, 8, 2], 19));
    step(act(one, alice, { type: 'link-rematch', rematchId: gameId(5) }, 30));
    step(invitation(5, alice, bob, 30));
    expect(two.status).toBe('declined');

    const heard = (player: Player) =>
      history.filter((game) => game.hostId === player.id || game.opponentId === player.id);
    expect(applied(firstAlice, ...heard(alice))).toEqual(read(latest(), alice, 2));
    expect(applied(firstBob, ...heard(bob))).toEqual(read(latest(), bob, 2));
  });
});
