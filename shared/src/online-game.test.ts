import { describe, expect, it } from 'vitest';
import type { Player } from './online-api.js';
import {
  applyEvent,
  type Decision,
  decide,
  type GameAction,
  gameView,
  invite,
  markOf,
  type OnlineGame,
  type RefusalCode,
  rematch,
  replayMove,
  toEvent,
  turnOf,
  turnPlayerId,
} from './online-game.js';

const alice: Player = { id: 'alice', name: 'Alice' };
const bob: Player = { id: 'bob', name: 'Bob' };
const carol: Player = { id: 'carol', name: 'Carol' };
const T0 = '2026-11-30T10:00:00.000Z';
const T1 = '2026-11-30T10:00:01.000Z';
const ids = (n: number) => ({ id: `game${String(n).padStart(18, '0')}`, token: 't'.repeat(43) });

function ok(decision: Decision): OnlineGame {
  if (!decision.ok) throw new Error(`refused: ${decision.code}`);
  return decision.next;
}
const refused = (decision: Decision): RefusalCode | null => (decision.ok ? null : decision.code);

/** Alice invited Bob by name; Bob accepted, so Bob plays X and moves first. */
function started(): OnlineGame {
  const invitation = ok(invite(alice, bob, ids(1), T0));
  return ok(decide(invitation, bob, { type: 'accept' }, T0));
}

function play(game: OnlineGame, cells: number[]): OnlineGame {
  let current = game;
  for (const cell of cells) {
    const mover = turnPlayerId(current) === 'bob' ? bob : alice;
    current = ok(decide(current, mover, { type: 'move', cell }, T1));
  }
  return current;
}

describe('who plays what, and whose turn it is', () => {
  it('gives the invitee X and the host O, and says nothing for anyone else', () => {
    const game = started();
    expect(markOf(game, 'bob')).toBe('X');
    expect(markOf(game, 'alice')).toBe('O');
    expect(markOf(game, 'carol')).toBeNull();
    expect(markOf(game, null)).toBeNull();
  });

  it('follows the board: X first, then alternately, nobody once it is over or not begun', () => {
    const game = started();
    expect([turnOf(game), turnPlayerId(game)]).toEqual(['X', 'bob']);
    const after = play(game, [4]);
    expect([turnOf(after), turnPlayerId(after)]).toEqual(['O', 'alice']);
    expect(turnOf(ok(invite(alice, bob, ids(2), T0)))).toBeNull();
    expect(turnOf(play(game, [0, 3, 1, 4, 2]))).toBeNull();
  });
});

describe('every transition', () => {
  it('invites by name: pending, version 1, no secret', () => {
    const game = ok(invite(alice, bob, ids(1), T0));
    expect(game).toMatchObject({
      version: 1,
      status: 'pending',
      invite: 'name',
      inviteToken: null,
      hostId: 'alice',
      opponentId: 'bob',
      hostMark: 'O',
      createdAt: T0,
    });
  });

  it('invites by link: no opponent yet, and the secret', () => {
    const game = ok(invite(alice, null, ids(1), T0));
    expect(game).toMatchObject({ invite: 'link', inviteToken: 't'.repeat(43), opponentId: null });
  });

  it('accepts by name and by link (the acceptor becomes the opponent, the secret goes)', () => {
    expect(started()).toMatchObject({ status: 'playing', version: 2, opponentId: 'bob' });
    const link = ok(invite(alice, null, ids(1), T0));
    const accepted = ok(decide(link, carol, { type: 'accept', token: 't'.repeat(43) }, T1));
    expect(accepted).toMatchObject({
      status: 'playing',
      opponentId: 'carol',
      opponentName: 'Carol',
      inviteToken: null,
    });
    expect(accepted.updatedAt).toBe(T1);
  });

  it('declines and cancels', () => {
    const invitation = ok(invite(alice, bob, ids(1), T0));
    expect(ok(decide(invitation, bob, { type: 'decline' }, T1))).toMatchObject({ status: 'declined', version: 2 });
    expect(ok(decide(invitation, alice, { type: 'cancel' }, T1))).toMatchObject({ status: 'cancelled', version: 2 });
  });

  it('moves, wins with the line, and draws', () => {
    const won = play(started(), [0, 3, 1, 4, 2]);
    expect(won).toMatchObject({
      status: 'finished',
      result: { winner: 'X', reason: 'line', line: [0, 1, 2] },
      finishedAt: T1,
      moves: [0, 3, 1, 4, 2],
      version: 7,
    });
    const draw = play(started(), [0, 1, 2, 4, 3, 5, 7, 6, 8]);
    expect(draw).toMatchObject({ status: 'finished', result: { winner: null, reason: 'draw', line: null } });
  });

  it('resigns: the other mark wins', () => {
    const game = play(started(), [4]);
    expect(ok(decide(game, bob, { type: 'resign' }, T1))).toMatchObject({
      status: 'finished',
      result: { winner: 'O', reason: 'resign', line: null },
    });
  });

  it('offers a rematch with the marks swapped, and links the finished game to it', () => {
    const finished = play(started(), [0, 3, 1, 4, 2]);
    const offer = ok(rematch(finished, alice, ids(9).id, T1));
    expect(offer).toMatchObject({
      id: ids(9).id,
      status: 'pending',
      hostId: 'alice',
      opponentId: 'bob',
      hostMark: 'X',
      rematchOf: finished.id,
    });
    const linked = ok(decide(finished, alice, { type: 'link-rematch', rematchId: offer.id }, T1));
    expect(linked).toMatchObject({ rematchId: offer.id, version: finished.version + 1, status: 'finished' });
  });

  it('replays a move message exactly as it was decided', () => {
    const game = play(started(), [0, 3]);
    const decided = play(game, [1]);
    expect(replayMove(game, 1, T1)).toEqual(decided);
    expect(replayMove(game, 0, T1)).toBeNull(); // taken: not a move this game can have
  });
});

describe('every refusal', () => {
  const invitation = () => ok(invite(alice, bob, ids(1), T0));
  const link = () => ok(invite(alice, null, ids(1), T0));
  const finished = () => play(started(), [0, 3, 1, 4, 2]);
  const cases: [string, () => Decision, RefusalCode][] = [
    ['inviting oneself', () => invite(alice, alice, ids(1), T0), 'game/self-invite'],
    [
      'someone else accepting an invitation by name',
      () => decide(invitation(), carol, { type: 'accept' }, T1),
      'game/not-invitee',
    ],
    [
      'the host accepting their own link',
      () => decide(link(), alice, { type: 'accept', token: 't'.repeat(43) }, T1),
      'game/own-invitation',
    ],
    [
      'a wrong link secret',
      () => decide(link(), carol, { type: 'accept', token: 'x'.repeat(43) }, T1),
      'game/bad-invite-link',
    ],
    ['no link secret', () => decide(link(), carol, { type: 'accept' }, T1), 'game/bad-invite-link'],
    ['accepting twice', () => decide(started(), bob, { type: 'accept' }, T1), 'game/already-accepted'],
    ['accepting a finished game', () => decide(finished(), bob, { type: 'accept' }, T1), 'game/already-accepted'],
    [
      'accepting a declined one',
      () => decide(ok(decide(invitation(), bob, { type: 'decline' }, T1)), bob, { type: 'accept' }, T1),
      'game/declined',
    ],
    [
      'accepting a cancelled one',
      () => decide(ok(decide(invitation(), alice, { type: 'cancel' }, T1)), bob, { type: 'accept' }, T1),
      'game/cancelled',
    ],
    ['declining a link', () => decide(link(), carol, { type: 'decline' }, T1), 'game/not-invitee'],
    ['the host declining', () => decide(invitation(), alice, { type: 'decline' }, T1), 'game/not-invitee'],
    ['declining after accepting', () => decide(started(), bob, { type: 'decline' }, T1), 'game/already-accepted'],
    ['the invitee cancelling', () => decide(invitation(), bob, { type: 'cancel' }, T1), 'game/not-host'],
    ['cancelling after the answer', () => decide(started(), alice, { type: 'cancel' }, T1), 'game/already-accepted'],
    ['a spectator moving', () => decide(started(), carol, { type: 'move', cell: 0 }, T1), 'game/not-a-player'],
    [
      'moving before the game starts',
      () => decide(invitation(), bob, { type: 'move', cell: 0 }, T1),
      'game/not-started',
    ],
    ['moving after it ends', () => decide(finished(), alice, { type: 'move', cell: 8 }, T1), 'game/over'],
    ['moving on an older board', () => decide(started(), bob, { type: 'move', cell: 0, version: 1 }, T1), 'game/stale'],
    ['moving out of turn', () => decide(started(), alice, { type: 'move', cell: 0 }, T1), 'move/not-your-turn'],
    [
      'moving onto a taken cell',
      () => decide(play(started(), [4]), alice, { type: 'move', cell: 4 }, T1),
      'move/cell-taken',
    ],
    ['a spectator resigning', () => decide(started(), carol, { type: 'resign' }, T1), 'game/not-a-player'],
    ['resigning a finished game', () => decide(finished(), bob, { type: 'resign' }, T1), 'game/not-playing'],
    ['resigning before it starts', () => decide(invitation(), bob, { type: 'resign' }, T1), 'game/not-playing'],
    ['a spectator asking for a rematch', () => rematch(finished(), carol, ids(9).id, T1), 'game/not-a-player'],
    ['a rematch before the end', () => rematch(started(), alice, ids(9).id, T1), 'game/not-finished'],
    [
      'a second rematch',
      () =>
        rematch(ok(decide(finished(), alice, { type: 'link-rematch', rematchId: ids(9).id }, T1)), bob, ids(8).id, T1),
      'game/rematch-exists',
    ],
    [
      'linking a second rematch',
      () =>
        decide(
          ok(decide(finished(), alice, { type: 'link-rematch', rematchId: ids(9).id }, T1)),
          alice,
          { type: 'link-rematch', rematchId: ids(8).id },
          T1,
        ),
      'game/rematch-exists',
    ],
  ];

  it.each(cases)('refuses %s', (_what, attempt, code) => {
    expect(refused(attempt())).toBe(code);
  });

  it('covers every refusal code there is', () => {
    const codes = new Set(cases.map(([, , code]) => code));
    const all: RefusalCode[] = [
      'game/self-invite',
      'game/not-invitee',
      'game/own-invitation',
      'game/bad-invite-link',
      'game/already-accepted',
      'game/declined',
      'game/cancelled',
      'game/not-host',
      'game/not-a-player',
      'game/over',
      'game/not-started',
      'game/not-playing',
      'game/not-finished',
      'game/stale',
      'game/rematch-exists',
      'move/not-your-turn',
      'move/cell-taken',
    ];
    expect([...codes].sort()).toEqual([...all].sort());
  });
});

describe('events: applying toEvent(previous, next) to the view of previous gives the view of next', () => {
  const viewers = [null, 'alice', 'bob', 'carol'];
  const transitions: [string, () => [OnlineGame, OnlineGame]][] = [
    [
      'accept by name',
      () => {
        const before = ok(invite(alice, bob, ids(1), T0));
        return [before, ok(decide(before, bob, { type: 'accept' }, T1))];
      },
    ],
    [
      'accept a link',
      () => {
        const before = ok(invite(alice, null, ids(1), T0));
        return [before, ok(decide(before, carol, { type: 'accept', token: 't'.repeat(43) }, T1))];
      },
    ],
    [
      'decline',
      () => {
        const before = ok(invite(alice, bob, ids(1), T0));
        return [before, ok(decide(before, bob, { type: 'decline' }, T1))];
      },
    ],
    [
      'cancel a link',
      () => {
        const before = ok(invite(alice, null, ids(1), T0));
        return [before, ok(decide(before, alice, { type: 'cancel' }, T1))];
      },
    ],
    [
      'a first move',
      () => {
        const before = started();
        return [before, play(before, [4])];
      },
    ],
    [
      'a winning move',
      () => {
        const before = play(started(), [0, 3, 1, 4]);
        return [before, play(before, [2])];
      },
    ],
    [
      'a drawing move',
      () => {
        const before = play(started(), [0, 1, 2, 4, 3, 5, 7, 6]);
        return [before, play(before, [8])];
      },
    ],
    [
      'resign',
      () => {
        const before = play(started(), [4]);
        return [before, ok(decide(before, alice, { type: 'resign' }, T1))];
      },
    ],
    [
      'link a rematch',
      () => {
        const before = play(started(), [0, 3, 1, 4, 2]);
        return [before, ok(decide(before, bob, { type: 'link-rematch', rematchId: ids(9).id }, T1))];
      },
    ],
  ];

  for (const [name, transition] of transitions) {
    it(name, () => {
      const [previous, next] = transition();
      const event = toEvent(previous, next);
      for (const viewer of viewers) {
        expect(applyEvent(gameView(previous, viewer), event)).toEqual(gameView(next, viewer));
      }
    });
  }

  it('sends a move as a move, and anything else as the whole game, never with a secret', () => {
    const before = started();
    expect(toEvent(before, play(before, [4]))).toMatchObject({ type: 'move', cell: 4, mark: 'X', version: 3 });
    const link = ok(invite(alice, null, ids(1), T0));
    const event = toEvent(null, link);
    expect(event).toMatchObject({ type: 'game' });
    expect(JSON.stringify(event)).not.toContain('t'.repeat(43));
  });

  it('ignores an event already shown or older, and asks for a read after a gap', () => {
    const game = started();
    const one = play(game, [4]);
    const two = play(one, [0]);
    const shown = gameView(one, 'bob');
    expect(applyEvent(shown, toEvent(game, one))).toBe(shown);
    expect(applyEvent(gameView(game, 'bob'), toEvent(one, two))).toBe('gap');
    expect(applyEvent(shown, { type: 'game', game: gameView(game, null) })).toBe(shown);
    expect(applyEvent(null, toEvent(one, two))).toBe('gap');
  });

  it('takes any action through decide() as the same transition', () => {
    const actions: [OnlineGame, Player, GameAction][] = [
      [ok(invite(alice, bob, ids(1), T0)), bob, { type: 'accept' }],
      [started(), bob, { type: 'move', cell: 4, version: 2 }],
    ];
    for (const [game, actor, action] of actions) {
      const decision = decide(game, actor, action, T1);
      expect(decision.ok).toBe(true);
      if (decision.ok) expect(decision.event).toEqual(toEvent(game, decision.next));
    }
  });
});
