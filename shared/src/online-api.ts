import * as z from 'zod/mini';
import { BoardSchema, CellIndexSchema, LineSchema, MarkSchema, queryInteger } from './schemas.js';

/** Online play: accounts, invitations, games, the lobby and live events (all under /api). */

export const NAME_RULE = 'Names are 3–20 letters, digits, _ or -';
export const PASSWORD_RULE = 'Passwords have at least 8 characters';

export const PlayerNameSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{3,20}$/, NAME_RULE));
export const PasswordSchema = z
  .string()
  .check(z.minLength(8, PASSWORD_RULE), z.maxLength(200, 'Passwords have at most 200 characters'));
/** Game ids are random and unguessable: knowing one is what "having the link" means. */
export const GameIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/, 'Not a game id'));
export const InviteTokenSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/, 'Not an invitation token'));

export const PlayerSchema = z.object({ id: z.string(), name: z.string() });
export type Player = z.infer<typeof PlayerSchema>;

// Request bodies are strict objects: an unknown field (a typo such as `crate: true`) is refused,
// not ignored. Answers stay plain objects, so a newer server may add fields old clients skip.
export const SignInRequestSchema = z.strictObject({
  name: PlayerNameSchema,
  password: PasswordSchema,
  /** Create the account when nobody has the name yet; without it an unknown name is refused (404). */
  create: z.optional(z.boolean()),
});
export type SignInRequest = z.infer<typeof SignInRequestSchema>;
export const SessionSchema = z.object({
  player: z.nullable(PlayerSchema),
  /** True on the sign-in that created the account. */
  created: z.optional(z.boolean()),
});
export type Session = z.infer<typeof SessionSchema>;

/** `expired`: an invitation nobody answered in time. */
export const GameStatusSchema = z.enum(['pending', 'playing', 'finished', 'declined', 'cancelled', 'expired']);
export type GameStatus = z.infer<typeof GameStatusSchema>;

/**
 * How a game ended: three in a row, a full board, a resignation, a player out of time, or a
 * claim after the player to move left a live game (a win, or a draw when the other called it).
 */
export const ResultReasonSchema = z.enum(['line', 'draw', 'resign', 'timeout', 'abandoned']);
export const ResultSchema = z.object({
  /** null for a draw. */
  winner: z.nullable(MarkSchema),
  reason: ResultReasonSchema,
  line: z.nullable(LineSchema),
});
export type Result = z.infer<typeof ResultSchema>;

/**
 * How long players have to move, chosen with the invitation and kept by its rematches.
 * - `correspondence`: no clock; each move is due within `days`.
 * - `live`: a clock per player, `initialSeconds` each, plus `incrementSeconds` per move made.
 */
export const TimeControlSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('correspondence'), days: z.int().check(z.gte(1), z.lte(14)) }),
  z.object({
    type: z.literal('live'),
    initialSeconds: z.int().check(z.gte(1), z.lte(3600)),
    incrementSeconds: z.int().check(z.gte(0), z.lte(60)),
  }),
]);
export type TimeControl = z.infer<typeof TimeControlSchema>;

/** What an invitation gets when it names no time control. */
export const DEFAULT_TIME_CONTROL: TimeControl = { type: 'correspondence', days: 3 };

/** Each player's time left, in milliseconds, at the start of the current turn (live games). */
export const ClocksSchema = z.object({ X: z.int().check(z.gte(0)), O: z.int().check(z.gte(0)) });
export type Clocks = z.infer<typeof ClocksSchema>;

/** A Glicko-2 rating (shared/glicko2.ts): on the familiar scale, 1500 for a new player. */
export const RatingSchema = z.object({ rating: z.number(), deviation: z.number(), volatility: z.number() });
export type Rating = z.infer<typeof RatingSchema>;

/** One player's rating before and after a rated game (unrounded; pages round them). */
export const RatingChangeSchema = z.object({ before: z.number(), after: z.number() });
export type RatingChange = z.infer<typeof RatingChangeSchema>;

/** Per mark, the rating change a rated game made: null until that player's rating has taken it. */
export const RatingChangesSchema = z.object({ X: z.nullable(RatingChangeSchema), O: z.nullable(RatingChangeSchema) });
export type RatingChanges = z.infer<typeof RatingChangesSchema>;

/** What every list in the lobby shows of a game. */
export const GameSummarySchema = z.object({
  id: GameIdSchema,
  version: z.int(),
  status: GameStatusSchema,
  invite: z.enum(['name', 'link']),
  host: PlayerSchema,
  /** null while a link invitation waits for someone to accept it. */
  opponent: z.nullable(PlayerSchema),
  hostMark: MarkSchema,
  board: BoardSchema,
  /** Whose turn, while the game is being played. */
  turn: z.nullable(MarkSchema),
  result: z.nullable(ResultSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  rematchOf: z.nullable(GameIdSchema),
  /** null for games made before time controls existed: no clock, nothing due. */
  timeControl: z.nullable(TimeControlSchema),
  /**
   * When the invitation expires (pending), or when the player to move runs out of time
   * (playing); null otherwise. Compare it with `serverTime`, not the device's clock.
   */
  deadline: z.nullable(z.string()),
  /** Rated games change both players' ratings when they finish; casual ones only their records. */
  rated: z.boolean(),
  /** A finished rated game: each player's rating change, once applied; null otherwise. */
  ratingChanges: z.nullable(RatingChangesSchema),
});
export type GameSummary = z.infer<typeof GameSummarySchema>;

/** The whole game, as the game page shows it to players and spectators alike. */
export const GameViewSchema = z.extend(GameSummarySchema, {
  moves: z.array(CellIndexSchema),
  finishedAt: z.nullable(z.string()),
  /** The rematch offered after this game, if any. */
  rematchId: z.nullable(GameIdSchema),
  /** The secret link of a pending link invitation; only its host ever sees it. */
  inviteToken: z.optional(z.string()),
  /** Live games: each player's time left at the start of the current turn. */
  clocks: z.nullable(ClocksSchema),
  /** The server's time when it sent this, so a device with a wrong clock still counts down right. */
  serverTime: z.optional(z.string()),
});
export type GameView = z.infer<typeof GameViewSchema>;

/** A new invitation, and whether the player invited by name has an account yet (it waits for them). */
export const CreatedGameSchema = z.extend(GameViewSchema, { opponentHasJoined: z.boolean() });
export type CreatedGame = z.infer<typeof CreatedGameSchema>;

/**
 * A time control as a request sends it: strict, so a field of the other kind
 * (`{"type":"live","days":3}`) is refused instead of silently dropped.
 */
export const TimeControlRequestSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('correspondence'), days: z.int().check(z.gte(1), z.lte(14)) }),
  z.strictObject({
    type: z.literal('live'),
    initialSeconds: z.int().check(z.gte(1), z.lte(3600)),
    incrementSeconds: z.int().check(z.gte(0), z.lte(60)),
  }),
]);

const timeControl = z.optional(TimeControlRequestSchema);
/** Rated (true) or casual (false, the default); kept by the game's rematches. */
const rated = z.optional(z.boolean());
/** Strict: a body naming an opponent *and* asking for a link means neither, and is refused. */
export const CreateGameRequestSchema = z.union([
  z.strictObject({ opponent: PlayerNameSchema, timeControl, rated }),
  z.strictObject({ invite: z.literal('link'), timeControl, rated }),
]);
export type CreateGameRequest = z.infer<typeof CreateGameRequestSchema>;

export const AcceptRequestSchema = z.optional(z.nullable(z.strictObject({ token: z.optional(InviteTokenSchema) })));
export type AcceptRequest = z.infer<typeof AcceptRequestSchema>;

export const MoveOnlineRequestSchema = z.strictObject({
  cell: CellIndexSchema,
  /** The version the player saw; a move made on an older board is refused (409). */
  version: z.optional(z.int().check(z.gte(0))),
});
export type MoveOnlineRequest = z.infer<typeof MoveOnlineRequestSchema>;

/** After the player to move left a live game: claim the win, or call it a draw. */
export const ClaimRequestSchema = z.strictObject({ outcome: z.enum(['win', 'draw']) });
export type ClaimRequest = z.infer<typeof ClaimRequestSchema>;

export const GameParamsSchema = z.object({ id: GameIdSchema });

export const GameListSchema = z.enum(['received', 'sent', 'playing', 'finished']);
export type GameList = z.infer<typeof GameListSchema>;
export const GameListQuerySchema = z.object({
  list: GameListSchema,
  cursor: z.optional(z.string().check(z.maxLength(500))),
  limit: z.optional(queryInteger(1, 50)),
});
export const GamePageSchema = z.object({ games: z.array(GameSummarySchema), cursor: z.nullable(z.string()) });
export type GamePage = z.infer<typeof GamePageSchema>;

export const RecordSchema = z.object({ wins: z.int(), losses: z.int(), draws: z.int() });
export type WinLossRecord = z.infer<typeof RecordSchema>;

export const LobbySchema = z.object({
  player: PlayerSchema,
  record: RecordSchema,
  received: GamePageSchema,
  sent: GamePageSchema,
  playing: GamePageSchema,
  finished: GamePageSchema,
});
export type Lobby = z.infer<typeof LobbySchema>;

// --- profiles and the leaderboard -------------------------------------------------------------

/** A rating as pages show it. */
export const PlayerRatingSchema = z.object({
  rating: z.number(),
  deviation: z.number(),
  /** Rated games counted. */
  games: z.int(),
  /** Still a guess (deviation above PROVISIONAL_DEVIATION): pages show it with a "?". */
  provisional: z.boolean(),
});
export type PlayerRating = z.infer<typeof PlayerRatingSchema>;

/** A rating as it stood after a rated game: the profile's chart, oldest first. */
export const RatingPointSchema = z.object({ at: z.string(), rating: z.number(), gameId: GameIdSchema });
export type RatingPoint = z.infer<typeof RatingPointSchema>;

export const PlayerParamsSchema = z.object({ name: PlayerNameSchema });

/** `GET /api/players/{name}`: public, like the games. */
export const PlayerProfileSchema = z.object({
  player: PlayerSchema,
  createdAt: z.string(),
  record: RecordSchema,
  /** null until the player's first rated game has finished. */
  rating: z.nullable(PlayerRatingSchema),
  /** The latest rated games' points, at most RATING_HISTORY_SIZE, oldest first. */
  history: z.array(RatingPointSchema),
  /** The player's latest finished games, newest first. */
  recent: z.array(GameSummarySchema),
});
export type PlayerProfile = z.infer<typeof PlayerProfileSchema>;

export const LeaderboardEntrySchema = z.object({
  rank: z.int(),
  player: PlayerSchema,
  rating: PlayerRatingSchema,
});
/** `GET /api/players`: the top LEADERBOARD_SIZE by rating; players with no rated game are left out. */
export const LeaderboardSchema = z.object({ players: z.array(LeaderboardEntrySchema) });
export type Leaderboard = z.infer<typeof LeaderboardSchema>;

/**
 * Live events (Server-Sent Events). Every event's `id:` is the game's version.
 * - `move`: one move, small enough to push often; the client applies it to version - 1.
 * - `game`: the whole game, for anything else (accept, resign, rematch) or to catch up.
 * - `lobby`: in the lobby stream, a game of yours changed; the summary says how.
 */
export const MoveEventSchema = z.object({
  id: GameIdSchema,
  version: z.int(),
  cell: CellIndexSchema,
  mark: MarkSchema,
  status: GameStatusSchema,
  result: z.nullable(ResultSchema),
  at: z.string(),
  /** When the next player must have moved by (null once the game is over, or with no time control). */
  deadline: z.nullable(z.string()),
  clocks: z.nullable(ClocksSchema),
});
export type MoveEvent = z.infer<typeof MoveEventSchema>;

/**
 * Who is on a game's page now. `players` are the game's players (host first), each
 * connected or not, with when they were last connected (null while connected, or if never
 * seen); `spectators` counts everyone else watching.
 */
export const PresenceSchema = z.object({
  players: z.array(z.object({ id: z.string(), online: z.boolean(), lastSeenAt: z.nullable(z.string()) })),
  spectators: z.int(),
  /** In a live game, how long the player to move may be gone before the other may claim. */
  abandonAfterMs: z.int(),
});
export type Presence = z.infer<typeof PresenceSchema>;
