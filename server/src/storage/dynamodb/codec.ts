import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  CellIndexSchema,
  type Clocks,
  GameIdSchema,
  GameStatusSchema,
  LineSchema,
  MarkSchema,
  type PairingQueue,
  PairingQueueSchema,
  type Result,
  ResultReasonSchema,
  type Tally,
  TallySchema,
  type TimeControl,
} from '@ttt/shared';
import * as z from 'zod/mini';
import { epochSeconds, gameExpiresAt, listSortKey } from '../keys.js';
import type {
  AttendanceRecord,
  GameRecord,
  GameSummaryRecord,
  PlayerRecord,
  PresenceRecord,
  SignInGuard,
} from '../types.js';

/**
 * Items as DynamoDB holds them, and the records they stand for: every item read back is parsed
 * (never cast), every record written is turned into attributes here. docs/dynamodb.md has the
 * layout.
 */

export const PLAYER_PREFIX = 'PLAYER#';
/** Presence of a game's page (`PRESENCE#<game id>`) and instance heartbeats (`INSTANCE#<id>`). */
export const PRESENCE_PREFIX = 'PRESENCE#';
export const INSTANCE_PREFIX = 'INSTANCE#';
/** A pair's pending invitation by name (`PAIR#<id>#<id>`, ids in order): `PendingGameId`. */
export const PAIR_PREFIX = 'PAIR#';
/** The one "Play anyone" queue: its version, and the queue itself as JSON (`Queue`). */
export const PAIRING_KEY = 'PAIRING#queue';
/** In a presence item: one attribute per instance (`I:<id>`), one per viewer who left (`S:<id>`). */
export const INSTANCE_ATTRIBUTE = 'I:';
export const SEEN_ATTRIBUTE = 'S:';
/** The TTL attribute: epoch seconds after which DynamoDB may delete the item (docs/dynamodb.md). */
export const EXPIRES_ATTRIBUTE = 'ExpiresAt';
/** DynamoDB lists hold no typeless values, and an empty string would read as "no mark" anyway. */
export const EMPTY_CELL = '-';

/** What a lobby list shows of a game (GameSummaryRecord), besides the keys every index carries. */
export const SUMMARY_ATTRIBUTES = [
  'Version',
  'Status',
  'Invite',
  'HostId',
  'HostName',
  'OpponentId',
  'OpponentName',
  'HostMark',
  'Board',
  'Result',
  'CreatedAt',
  'UpdatedAt',
  'RematchOf',
  'TimeControl',
  'Deadline',
  'Rated',
  'Tally',
];

// --- items as DynamoDB returns them, parsed (never cast) into records ---------------------------

const text = <T extends string>(inner: z.ZodMiniType<T, string>) =>
  z.pipe(
    z.object({ S: inner }),
    z.transform((attribute: { S: T }) => attribute.S),
  );
const str = text(z.string());
const int = z.pipe(
  z.object({ N: z.string().check(z.regex(/^-?\d+$/, 'not a whole number')) }),
  z.pipe(
    z.transform((attribute: { N: string }) => Number(attribute.N)),
    z.int(),
  ),
);
const cellIndex = z.pipe(int, CellIndexSchema);
const ResultItemSchema = z.pipe(
  z.object({
    M: z.object({
      Winner: z.optional(text(MarkSchema)),
      Reason: text(ResultReasonSchema),
      Line: z.optional(
        z.pipe(
          z.object({ L: z.array(cellIndex) }),
          z.pipe(
            z.transform((line: { L: number[] }) => line.L),
            LineSchema,
          ),
        ),
      ),
    }),
  }),
  z.transform(({ M }): Result => ({ winner: M.Winner ?? null, reason: M.Reason, line: M.Line ?? null })),
);
const BoardItemSchema = z.pipe(
  z.object({ L: z.array(text(z.enum(['X', 'O', EMPTY_CELL]))).check(z.length(9, 'a board has 9 cells')) }),
  z.transform((board) => board.L.map((cell) => (cell === EMPTY_CELL ? ('' as const) : cell))),
);

const count = z.pipe(int, z.int().check(z.gte(0)));
const bool = z.pipe(
  z.object({ BOOL: z.boolean() }),
  z.transform((attribute: { BOOL: boolean }) => attribute.BOOL),
);

/** A value kept as JSON text in an `S` attribute, parsed with its schema when read. */
export function jsonText<T extends z.core.$ZodType>(schema: T) {
  const parsedJson = z.pipe(
    str,
    z.transform((json: string, context): unknown => {
      try {
        return JSON.parse(json);
      } catch {
        context.issues.push({ code: 'custom', message: 'not JSON', input: json });
        return z.NEVER;
      }
    }),
  );
  return z.pipe(parsedJson, schema);
}
const TimeControlItemSchema = z.pipe(
  z.object({
    M: z.union([
      z.object({ Type: text(z.literal('correspondence')), Days: count }),
      z.object({ Type: text(z.literal('live')), Initial: count, Increment: count }),
    ]),
  }),
  z.transform(
    ({ M }): TimeControl =>
      M.Type === 'correspondence'
        ? { type: 'correspondence', days: M.Days }
        : { type: 'live', initialSeconds: M.Initial, incrementSeconds: M.Increment },
  ),
);
const ClocksItemSchema = z.pipe(
  z.object({ M: z.object({ X: count, O: count }) }),
  z.transform(({ M }): Clocks => ({ X: M.X, O: M.O })),
);

/**
 * What the lobby indexes hold of a game. TimeControl and Deadline came later: games made
 * before have neither, and an index made before projects neither (docs/dynamodb.md).
 */
const SummaryItemSchema = z.object({
  GameId: text(GameIdSchema),
  StatusDate: str,
  Version: int,
  Status: text(GameStatusSchema),
  Invite: text(z.enum(['name', 'link'])),
  HostId: str,
  HostName: str,
  OpponentId: z.optional(str),
  OpponentName: z.optional(str),
  HostMark: text(MarkSchema),
  Board: BoardItemSchema,
  Result: z.optional(ResultItemSchema),
  CreatedAt: str,
  UpdatedAt: str,
  RematchOf: z.optional(text(GameIdSchema)),
  TimeControl: z.optional(TimeControlItemSchema),
  Deadline: z.optional(str),
  /** Absent on casual games, and on games made before ratings. */
  Rated: z.optional(bool),
  /** JSON; absent until the game finishes, and on games finished before records were counters. */
  Tally: z.optional(jsonText(TallySchema)),
});

const GameItemSchema = z.extend(SummaryItemSchema, {
  InviteToken: z.optional(str),
  Moves: z.pipe(
    z.object({ L: z.array(cellIndex) }),
    z.transform((moves) => moves.L),
  ),
  FinishedAt: z.optional(str),
  RematchId: z.optional(text(GameIdSchema)),
  Clocks: z.optional(ClocksItemSchema),
});

const PlayerItemSchema = z.object({
  GameId: text(z.string().check(z.startsWith(PLAYER_PREFIX))),
  PlayerName: str,
  PasswordHash: str,
  CreatedAt: str,
  /** Missing on items written before the guard: version 0, nobody failing. */
  SignInVersion: z.optional(int),
  SignInClients: z.optional(str),
});

/** The guard's clients map, kept as JSON in `SignInClients` (at most ~51 small entries). */
const SignInClientsSchema = z.record(
  z.string(),
  z.object({ failures: z.int().check(z.gte(0)), lastFailureAt: z.number() }),
);

function signInClients(json: string | undefined, key: string): SignInGuard['clients'] {
  if (json === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(`The stored sign-in guard of ${key} is not JSON`);
  }
  return parseItem(SignInClientsSchema, parsed as Item, 'sign-in guard');
}

/** The attributes a guard is written as. */
export function signInGuardAttributes(guard: SignInGuard): {
  SignInVersion: AttributeValue;
  SignInClients: AttributeValue;
} {
  return { SignInVersion: n(guard.version), SignInClients: s(JSON.stringify(guard.clients)) };
}

/** Only what the change feed needs of a player item. */
export const LobbyVersionSchema = z.object({ LobbyVersion: z.optional(int) });

const AttendanceItemSchema = z.object({
  M: z.object({
    Viewers: z.pipe(
      z.object({ L: z.array(str) }),
      z.transform((viewers) => viewers.L),
    ),
    Anonymous: int,
    Seq: int,
  }),
});
export const HeartbeatItemSchema = z.object({ GameId: str, Until: str });

const PairingItemSchema = z.object({ GameId: text(z.literal(PAIRING_KEY)), Version: int, Queue: str });

export function pairingQueueItem(queue: PairingQueue): Item {
  return { GameId: s(PAIRING_KEY), Version: n(queue.version), Queue: s(JSON.stringify(queue)) };
}

export function pairingQueueFromItem(item: Item): PairingQueue {
  const { Version, Queue } = parseItem(PairingItemSchema, item, 'pairing queue');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Queue);
  } catch {
    throw new Error('The stored pairing queue is not JSON');
  }
  const queue = parseItem(PairingQueueSchema, parsed as Item, 'pairing queue');
  if (queue.version !== Version) throw new Error('The stored pairing queue disagrees with its version');
  return queue;
}

export type Item = Record<string, AttributeValue>;

export function parseItem<T extends z.core.$ZodType>(schema: T, item: Item, what: string): z.output<T> {
  const parsed = z.safeParse(schema, item);
  if (!parsed.success) {
    const key = item.GameId?.S ?? '(no key)';
    throw new Error(`The stored ${what} ${key} does not have the expected shape: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** A list entry: the summary and its key in the index. */
export type Listed = GameSummaryRecord & { statusDate: string };

/** The fields a summary and a whole game share, from a parsed item. */
function summaryFields(g: z.output<typeof SummaryItemSchema>): GameSummaryRecord {
  return {
    id: g.GameId,
    version: g.Version,
    status: g.Status,
    invite: g.Invite,
    hostId: g.HostId,
    hostName: g.HostName,
    opponentId: g.OpponentId ?? null,
    opponentName: g.OpponentName ?? null,
    hostMark: g.HostMark,
    board: g.Board,
    result: g.Result ?? null,
    createdAt: g.CreatedAt,
    updatedAt: g.UpdatedAt,
    rematchOf: g.RematchOf ?? null,
    timeControl: g.TimeControl ?? null,
    deadline: g.Deadline ?? null,
    rated: g.Rated ?? false,
    tally: (g.Tally as Tally | undefined) ?? null,
  };
}

export function summaryFromItem(item: Item): Listed {
  const g = parseItem(SummaryItemSchema, item, 'game summary');
  return { ...summaryFields(g), statusDate: g.StatusDate };
}

export function gameFromItem(item: Item): GameRecord {
  const g = parseItem(GameItemSchema, item, 'game');
  return {
    ...summaryFields(g),
    inviteToken: g.InviteToken ?? null,
    moves: g.Moves,
    finishedAt: g.FinishedAt ?? null,
    rematchId: g.RematchId ?? null,
    clocks: g.Clocks ?? null,
  };
}

export function playerFromItem(item: Item): PlayerRecord {
  const p = parseItem(PlayerItemSchema, item, 'player');
  return {
    id: p.GameId.slice(PLAYER_PREFIX.length),
    name: p.PlayerName,
    passwordHash: p.PasswordHash,
    createdAt: p.CreatedAt,
    signInGuard: { version: p.SignInVersion ?? 0, clients: signInClients(p.SignInClients, p.GameId) },
  };
}

// --- records as items -----------------------------------------------------------------------

export const s = (value: string): AttributeValue => ({ S: value });
export const n = (value: number): AttributeValue => ({ N: String(value) });

export function resultAttribute(result: Result): AttributeValue {
  const fields: Item = { Reason: s(result.reason) };
  if (result.winner) fields.Winner = s(result.winner);
  if (result.line) fields.Line = { L: result.line.map(n) };
  return { M: fields };
}

export function timeControlAttribute(timeControl: TimeControl): AttributeValue {
  return {
    M:
      timeControl.type === 'correspondence'
        ? { Type: s('correspondence'), Days: n(timeControl.days) }
        : { Type: s('live'), Initial: n(timeControl.initialSeconds), Increment: n(timeControl.incrementSeconds) },
  };
}

export const clocksAttribute = (clocks: Clocks): AttributeValue => ({ M: { X: n(clocks.X), O: n(clocks.O) } });

/** The whole game item; attributes whose value is null are left out, never stored as NULL. */
export function gameItem(game: GameRecord): Item {
  const item: Item = {
    GameId: s(game.id),
    Version: n(game.version),
    Status: s(game.status),
    Invite: s(game.invite),
    HostId: s(game.hostId),
    HostName: s(game.hostName),
    HostMark: s(game.hostMark),
    Board: { L: game.board.map((cell) => s(cell === '' ? EMPTY_CELL : cell)) },
    Moves: { L: game.moves.map(n) },
    CreatedAt: s(game.createdAt),
    UpdatedAt: s(game.updatedAt),
    StatusDate: s(listSortKey(game)),
  };
  const optional: [string, string | null][] = [
    ['InviteToken', game.inviteToken],
    ['OpponentId', game.opponentId],
    ['OpponentName', game.opponentName],
    ['FinishedAt', game.finishedAt],
    ['RematchOf', game.rematchOf],
    ['RematchId', game.rematchId],
    ['Deadline', game.deadline],
  ];
  for (const [name, value] of optional) if (value !== null) item[name] = s(value);
  if (game.result) item.Result = resultAttribute(game.result);
  if (game.timeControl) item.TimeControl = timeControlAttribute(game.timeControl);
  if (game.clocks) item.Clocks = clocksAttribute(game.clocks);
  if (game.rated) item.Rated = { BOOL: true };
  if (game.tally) item.Tally = s(JSON.stringify(game.tally));
  const expires = gameExpiresAttribute(game);
  if (expires) item[EXPIRES_ATTRIBUTE] = expires;
  return item;
}

/** The game's TTL attribute, or null for a game kept for good (finished). */
export function gameExpiresAttribute(game: GameRecord): AttributeValue | null {
  const expires = gameExpiresAt(game);
  return expires === null ? null : n(epochSeconds(expires));
}

/** The TTL attribute of an item that expires `ms` after `now`. */
export const expiresAfter = (now: Date, ms: number): AttributeValue => n(epochSeconds(now.getTime() + ms));

export function attendanceAttribute(attendance: AttendanceRecord): AttributeValue {
  return {
    M: { Viewers: { L: attendance.viewers.map(s) }, Anonymous: n(attendance.anonymous), Seq: n(attendance.seq) },
  };
}

/** A presence item: attributes named by instance and by viewer, each parsed on its own. */
export function presenceFromItem(item: Item): PresenceRecord {
  const key = item.GameId?.S ?? '';
  const record: PresenceRecord = { gameId: key.slice(PRESENCE_PREFIX.length), instances: {}, lastSeen: {} };
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(INSTANCE_ATTRIBUTE)) {
      const parsed = z.safeParse(AttendanceItemSchema, value);
      if (!parsed.success) {
        throw new Error(
          `The stored presence ${key} does not have the expected shape: ${z.prettifyError(parsed.error)}`,
        );
      }
      const { M } = parsed.data;
      record.instances[name.slice(INSTANCE_ATTRIBUTE.length)] = {
        viewers: M.Viewers,
        anonymous: M.Anonymous,
        seq: M.Seq,
      };
    } else if (name.startsWith(SEEN_ATTRIBUTE) && value.S !== undefined) {
      record.lastSeen[name.slice(SEEN_ATTRIBUTE.length)] = value.S;
    }
  }
  return record;
}

export function playerItem(player: PlayerRecord): Item {
  const item: Item = {
    GameId: s(PLAYER_PREFIX + player.id),
    PlayerName: s(player.name),
    PasswordHash: s(player.passwordHash),
    CreatedAt: s(player.createdAt),
    ...signInGuardAttributes(player.signInGuard),
  };
  return item;
}

/** Game ids are base64url; anything with '#' would be another kind of item. */
export const isGameId = (id: string) => !id.includes('#');
