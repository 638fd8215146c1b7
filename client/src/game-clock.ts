import { type GameView, type Mark, markOf, type Presence, type TimeControl, turnOf, turnPlayerId } from '@ttt/shared';

/**
 * Clocks and deadlines as a page shows them. Pure: every function takes the server's time
 * now (the device's clock corrected by the offset the server's answers give), so a device
 * whose clock is wrong still counts down right.
 */

/** How far the server's clock is ahead of this device's (ms), from a `serverTime` just received. */
export const offsetFrom = (serverTime: string, deviceNow: number): number => Date.parse(serverTime) - deviceNow;

/** The time controls the invitation form offers; the API takes any within its bounds. */
export const TIME_CONTROLS: { label: string; value: TimeControl }[] = [
  { label: 'Correspondence · 3 days per move', value: { type: 'correspondence', days: 3 } },
  { label: 'Correspondence · 1 day per move', value: { type: 'correspondence', days: 1 } },
  { label: 'Live · 1 min + 2 s', value: { type: 'live', initialSeconds: 60, incrementSeconds: 2 } },
  { label: 'Live · 3 min + 2 s', value: { type: 'live', initialSeconds: 180, incrementSeconds: 2 } },
  { label: 'Live · 5 min + 3 s', value: { type: 'live', initialSeconds: 300, incrementSeconds: 3 } },
];

/** "1 min + 2 s", "3 days per move"; null for games made before time controls. */
export function timeControlLabel(timeControl: TimeControl | null): string | null {
  if (!timeControl) return null;
  if (timeControl.type === 'correspondence') {
    return `${timeControl.days} ${timeControl.days === 1 ? 'day' : 'days'} per move`;
  }
  const { initialSeconds: initial, incrementSeconds: increment } = timeControl;
  const base = initial % 60 === 0 ? `${initial / 60} min` : `${initial} s`;
  return `${base} + ${increment} s`;
}

/** A player's time left (ms) at `serverNow`: the running clock counts down to its deadline. */
export function timeLeft(game: GameView, mark: Mark, serverNow: number): number | null {
  if (!game.clocks) return null;
  if (game.status === 'playing' && turnOf(game) === mark && game.deadline) {
    return Math.max(0, Date.parse(game.deadline) - serverNow);
  }
  return game.clocks[mark];
}

/** "1:05", "0:09.4" (tenths under 10 s), "0:00". */
export function formatClock(ms: number): string {
  const clamped = Math.max(0, ms);
  if (clamped < 10_000) {
    const tenths = Math.floor(clamped / 100);
    return `0:0${Math.floor(tenths / 10)}.${tenths % 10}`;
  }
  const seconds = Math.floor(clamped / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** "2 days", "5 hours", "12 minutes", "40 seconds": how long until a deadline, roughly. */
export function duration(ms: number): string {
  const units: [string, number][] = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
  ];
  for (const [unit, size] of units) {
    if (ms >= size) {
      const count = Math.floor(ms / size);
      return `${count} ${unit}${count === 1 ? '' : 's'}`;
    }
  }
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/** What is due, without live clocks: when the invitation expires, or when the move is due. */
export function deadlineLine(game: GameView, viewerId: string | null | undefined, serverNow: number): string | null {
  if (!game.deadline) return null;
  const left = duration(Date.parse(game.deadline) - serverNow);
  if (game.status === 'pending') return `The invitation expires in ${left}`;
  if (game.status !== 'playing' || game.clocks) return null;
  const mover = turnPlayerId({ ...game, hostId: game.host.id, opponentId: game.opponent?.id ?? null });
  return mover && mover === viewerId ? `Your move is due in ${left}` : `The next move is due in ${left}`;
}

/**
 * Whether the viewer may claim the game because the player to move left it, as the server
 * decides it: a live game, the viewer waiting, the mover gone (since last seen, or since the
 * turn began) for `abandonAfterMs`. `at`: when the claim opens (server time), or null if it can't.
 */
export function claimOpensAt(game: GameView, presence: Presence | null, viewerId: string | null | undefined) {
  const mine = markOf(game, viewerId);
  if (!presence || !mine || game.status !== 'playing' || game.timeControl?.type !== 'live') return null;
  const turn = turnOf(game);
  if (!turn || turn === mine) return null;
  const mover = turn === game.hostMark ? game.host : game.opponent;
  const state = presence.players.find((p) => p.id === mover?.id);
  if (!mover || !state || state.online) return null;
  const since = Math.max(Date.parse(game.updatedAt), state.lastSeenAt ? Date.parse(state.lastSeenAt) : 0);
  return { mover, at: since + presence.abandonAfterMs };
}
