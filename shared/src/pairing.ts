import * as z from 'zod/mini';
import {
  GameIdSchema,
  type Player,
  PlayerSchema,
  type TimeControl,
  TimeControlRequestSchema,
  TimeControlSchema,
} from './online-api.js';

/**
 * "Play anyone" as pure functions. One queue holds, per time control and rated-or-casual choice,
 * the player waiting for an opponent (at most one: the next to ask is paired with them), and the pairings made
 * lately, so a waiting player learns their game even if the request that made it stopped
 * before creating it. The server keeps the queue as one item written conditionally on its
 * version, so two seekers make exactly one game and nobody ends up in two.
 */

/** How long a seeker stays in the queue without saying they still wait. */
export const SEEK_TTL_MS = 45_000;
/** How long a pairing is remembered for the player who waited. */
export const PAIRING_MEMORY_MS = 10 * 60_000;

/** Rated or casual; items stored before the choice existed were casual. */
const rated = z._default(z.boolean(), false);

export const SeekerSchema = z.object({
  player: PlayerSchema,
  timeControl: TimeControlSchema,
  rated,
  /** When they started waiting, and until when they count as waiting unless they ask again. */
  since: z.string(),
  until: z.string(),
});
export type Seeker = z.infer<typeof SeekerSchema>;

export const PairingSchema = z.object({
  gameId: GameIdSchema,
  /** The player who waited: they host, and play X (they have waited long enough). */
  host: PlayerSchema,
  opponent: PlayerSchema,
  timeControl: TimeControlSchema,
  /** The game it makes is rated: both asked for a rated game. */
  rated,
  at: z.string(),
});
export type Pairing = z.infer<typeof PairingSchema>;

export const PairingQueueSchema = z.object({
  version: z.int(),
  seekers: z.array(SeekerSchema),
  recent: z.array(PairingSchema),
});
export type PairingQueue = z.infer<typeof PairingQueueSchema>;

export const EMPTY_QUEUE: PairingQueue = { version: 0, seekers: [], recent: [] };

/** What a player's "Play anyone" shows. */
export const PairingStatusSchema = z.object({
  state: z.enum(['idle', 'waiting', 'paired']),
  timeControl: z.nullable(TimeControlSchema),
  /** Waiting for, or paired into, a rated game (true) or a casual one; null when idle. */
  rated: z.nullable(z.boolean()),
  /** While waiting: since when. */
  since: z.nullable(z.string()),
  /** Once paired: the game. */
  gameId: z.nullable(GameIdSchema),
  /** How many players wait for an opponent now, you included. */
  waiting: z.int(),
});
export type PairingStatus = z.infer<typeof PairingStatusSchema>;

/** `POST /api/pairing`: the time control, and rated (true) or casual (false, the default). */
export const SeekRequestSchema = z.strictObject({
  timeControl: TimeControlRequestSchema,
  rated: z.optional(z.boolean()),
});
export type SeekRequest = z.infer<typeof SeekRequestSchema>;

/** What a seeker asks for: only seekers asking for the same are paired. */
export interface SeekChoice {
  timeControl: TimeControl;
  rated: boolean;
}

const sameControl = (a: TimeControl, b: TimeControl) => JSON.stringify(a) === JSON.stringify(b);
const sameChoice = (a: SeekChoice, b: SeekChoice) => a.rated === b.rated && sameControl(a.timeControl, b.timeControl);
const later = (now: string, ms: number) => new Date(Date.parse(now) + ms).toISOString();

/** The queue without seekers whose time ran out and pairings too old to matter. */
function fresh(queue: PairingQueue, now: string): PairingQueue {
  const time = Date.parse(now);
  return {
    version: queue.version,
    seekers: queue.seekers.filter((seeker) => Date.parse(seeker.until) > time),
    recent: queue.recent.filter((pairing) => time - Date.parse(pairing.at) < PAIRING_MEMORY_MS),
  };
}

export type SeekOutcome =
  | { type: 'waiting'; queue: PairingQueue }
  | { type: 'paired'; queue: PairingQueue; pairing: Pairing };

/**
 * `player` asks to play anyone with `choice` (a time control, rated or casual) at `now`. Someone
 * else waiting for the same time control and the same rated choice: they are paired (a new
 * game, `gameId`). Otherwise the player waits, for this choice only (asking again with another
 * moves them; asking again with the same one keeps their place and extends their wait).
 */
export function seek(
  queue: PairingQueue,
  player: Player,
  choice: SeekChoice,
  now: string,
  gameId: string,
): SeekOutcome {
  const { timeControl, rated } = choice;
  const current = fresh(queue, now);
  const others = current.seekers.filter((seeker) => seeker.player.id !== player.id);
  const match = others.find((seeker) => sameChoice(seeker, choice));
  if (match) {
    const pairing: Pairing = { gameId, host: match.player, opponent: player, timeControl, rated, at: now };
    return {
      type: 'paired',
      pairing,
      queue: {
        version: queue.version + 1,
        seekers: others.filter((seeker) => seeker !== match),
        recent: [pairing, ...current.recent.filter((p) => p.host.id !== player.id && p.opponent.id !== player.id)],
      },
    };
  }
  const mine = current.seekers.find((seeker) => seeker.player.id === player.id);
  const since = mine && sameChoice(mine, choice) ? mine.since : now;
  return {
    type: 'waiting',
    queue: {
      version: queue.version + 1,
      seekers: [...others, { player, timeControl, rated, since, until: later(now, SEEK_TTL_MS) }],
      // A new wait: an older pairing of this player's is no longer news.
      recent: current.recent.filter((p) => p.host.id !== player.id && p.opponent.id !== player.id),
    },
  };
}

/** The queue without `playerId` waiting; null when they were not. */
export function leave(queue: PairingQueue, playerId: string, now: string): PairingQueue | null {
  const current = fresh(queue, now);
  if (!current.seekers.some((seeker) => seeker.player.id === playerId)) return null;
  return {
    version: queue.version + 1,
    seekers: current.seekers.filter((seeker) => seeker.player.id !== playerId),
    recent: current.recent,
  };
}

/** What `playerId` sees: waiting, paired lately, or neither; and how many wait. */
export function pairingStatus(queue: PairingQueue, playerId: string, now: string): PairingStatus {
  const current = fresh(queue, now);
  const waiting = current.seekers.length;
  const mine = current.seekers.find((seeker) => seeker.player.id === playerId);
  if (mine) {
    const { timeControl, rated, since } = mine;
    return { state: 'waiting', timeControl, rated, since, gameId: null, waiting };
  }
  const pairing = current.recent.find((p) => p.host.id === playerId || p.opponent.id === playerId);
  if (pairing) {
    const { timeControl, rated, gameId } = pairing;
    return { state: 'paired', timeControl, rated, since: null, gameId, waiting };
  }
  return { state: 'idle', timeControl: null, rated: null, since: null, gameId: null, waiting };
}

/** The recent pairing `playerId` is in, if any. */
export function pairingOf(queue: PairingQueue, playerId: string, now: string): Pairing | null {
  return fresh(queue, now).recent.find((p) => p.host.id === playerId || p.opponent.id === playerId) ?? null;
}
