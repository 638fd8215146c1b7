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
  settle,
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
/** `ms` after T0. */
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();
const ONE_PLUS_TWO = { type: 'live', initialSeconds: 60, incrementSeconds: 2 } as const;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A live game (1 minute + 2 s) Bob accepted at T0: Bob plays X, his clock runs. */
function live(): OnlineGame {
  const invitation = ok(invite(alice, bob, ids(3), T0, { timeControl: ONE_PLUS_TWO }));
  return ok(decide(invitation, bob, { type: 'accept' }, T0));
}
const claim = (outcome: 'win' | 'draw', moverAwaySince: string | null) =>
  ({ type: 'claim', outcome, moverAwaySince, abandonAfterMs: 30_000 }) as const;

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
      'accepting an invitation after it expired',
      () => decide(invitation(), bob, { type: 'accept' }, at(DAY)),
      'game/expired',
    ],
    [
      'claiming a game without live clocks',
      () => decide(play(started(), [4]), bob, claim('win', T0), at(DAY)),
      'claim/not-live',
    ],
    ['claiming on your own turn', () => decide(live(), bob, claim('win', T0), at(40_000)), 'claim/your-turn'],
    [
      'claiming while the opponent is here',
      () => decide(live(), alice, claim('win', null), at(40_000)),
      'claim/opponent-here',
    ],
    ['claiming too soon', () => decide(live(), alice, claim('win', at(20_000)), at(40_000)), 'claim/too-soon'],
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
      'game/expired',
      'claim/not-live',
      'claim/your-turn',
      'claim/opponent-here',
      'claim/too-soon',
    ];
    expect([...codes].sort()).toEqual([...all].sort());
  });
});

describe('time: invitations expire, clocks run, time-outs and claims', () => {
  it('gives an invitation a deadline, a correspondence time control unless one is chosen', () => {
    const plain = ok(invite(alice, bob, ids(1), T0));
    expect(plain).toMatchObject({ timeControl: { type: 'correspondence', days: 3 }, deadline: at(DAY), clocks: null });
    const chosen = ok(invite(alice, null, ids(2), T0, { timeControl: ONE_PLUS_TWO, invitationTtlMs: HOUR }));
    expect(chosen).toMatchObject({ timeControl: ONE_PLUS_TWO, deadline: at(HOUR) });
  });

  it('expires an invitation nobody answered at its deadline, not before', () => {
    const invitation = ok(invite(alice, null, ids(1), T0));
    expect(settle(invitation, at(DAY - 1))).toBeNull();
    const expired = settle(invitation, at(DAY));
    expect(expired?.next).toMatchObject({ status: 'expired', version: 2, deadline: null, inviteToken: null });
    expect(expired?.event).toMatchObject({ type: 'game' });
  });

  it('starts the clocks on acceptance, X to move', () => {
    expect(live()).toMatchObject({ status: 'playing', clocks: { X: 60_000, O: 60_000 }, deadline: at(60_000) });
  });

  it("takes a move's time off the mover's clock, adds the increment, and starts the other clock", () => {
    const game = live();
    const moved = ok(decide(game, bob, { type: 'move', cell: 4 }, at(10_000)));
    expect(moved).toMatchObject({ clocks: { X: 52_000, O: 60_000 }, deadline: at(70_000) });
    const reply = ok(decide(moved, alice, { type: 'move', cell: 0 }, at(70_000 - 1)));
    expect(reply).toMatchObject({ clocks: { X: 52_000, O: 2001 }, deadline: at(70_000 - 1 + 52_000) });
  });

  it('gives each correspondence move its days, and nothing is due once the game is over', () => {
    const game = play(started(), [4]);
    expect(game.deadline).toBe(at(1000 + 3 * DAY));
    expect(play(started(), [0, 3, 1, 4, 2]).deadline).toBeNull();
    expect(ok(decide(game, bob, { type: 'resign' }, T1)).deadline).toBeNull();
  });

  it('makes the player who ran out of time lose, at the deadline, with their clock at zero', () => {
    const game = ok(decide(live(), bob, { type: 'move', cell: 4 }, at(10_000)));
    expect(settle(game, at(69_999))).toBeNull();
    const timedOut = settle(game, at(90_000));
    expect(timedOut?.next).toMatchObject({
      status: 'finished',
      result: { winner: 'X', reason: 'timeout', line: null },
      finishedAt: at(70_000),
      updatedAt: at(90_000),
      clocks: { X: 52_000, O: 0 },
      deadline: null,
    });
  });

  it('refuses a move after the deadline and records the time-out with the refusal', () => {
    const game = live();
    const late = decide(game, bob, { type: 'move', cell: 4 }, at(60_000));
    expect(late).toMatchObject({ ok: false, code: 'game/over' });
    if (late.ok) return;
    expect(late.settled?.next).toMatchObject({ status: 'finished', result: { winner: 'O', reason: 'timeout' } });
  });

  it('applies an action after a deadline to the game as the deadline left it', () => {
    // The game timed out; a rematch of it is allowed, and the time-out is written with it.
    const game = live();
    const decision = decide(game, bob, { type: 'link-rematch', rematchId: ids(9).id }, at(61_000));
    expect(decision.ok && decision.next).toMatchObject({
      status: 'finished',
      version: game.version + 2,
      rematchId: ids(9).id,
      result: { reason: 'timeout' },
    });
  });

  it('lets the player waiting claim the win or a draw once the player to move has been gone long enough', () => {
    const game = live();
    const win = ok(decide(game, alice, claim('win', at(5000)), at(35_000)));
    expect(win).toMatchObject({
      status: 'finished',
      result: { winner: 'O', reason: 'abandoned', line: null },
      clocks: { X: 25_000, O: 60_000 },
      deadline: null,
    });
    const draw = ok(decide(game, alice, claim('draw', at(5000)), at(35_000)));
    expect(draw.result).toEqual({ winner: null, reason: 'abandoned', line: null });
    expect(refused(decide(game, carol, claim('win', at(5000)), at(35_000)))).toBe('game/not-a-player');
  });

  it('keeps the time control for a rematch, with a new deadline to answer', () => {
    const finished = ok(decide(live(), bob, { type: 'resign' }, at(1000)));
    const offer = ok(rematch(finished, alice, ids(9).id, at(2000), HOUR));
    expect(offer).toMatchObject({ timeControl: ONE_PLUS_TWO, deadline: at(2000 + HOUR), clocks: null });
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
      'a move with live clocks',
      () => {
        const before = live();
        return [before, ok(decide(before, bob, { type: 'move', cell: 4 }, at(10_000)))];
      },
    ],
    [
      'a time-out',
      () => {
        const before = live();
        const change = settle(before, at(61_000));
        if (!change) throw new Error('not due');
        return [before, change.next];
      },
    ],
    [
      'a claim',
      () => {
        const before = live();
        return [before, ok(decide(before, alice, claim('draw', T0), at(31_000)))];
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
