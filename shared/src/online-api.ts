import * as z from 'zod/mini';
import { BoardSchema, CellIndexSchema, LineSchema, MarkSchema } from './schemas.js';

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

export const SignInRequestSchema = z.object({ name: PlayerNameSchema, password: PasswordSchema });
export type SignInRequest = z.infer<typeof SignInRequestSchema>;
export const SessionSchema = z.object({
  player: z.nullable(PlayerSchema),
  /** True on the sign-in that created the account. */
  created: z.optional(z.boolean()),
});
export type Session = z.infer<typeof SessionSchema>;

export const GameStatusSchema = z.enum(['pending', 'playing', 'finished', 'declined', 'cancelled']);
export type GameStatus = z.infer<typeof GameStatusSchema>;

export const ResultSchema = z.object({
  /** null for a draw. */
  winner: z.nullable(MarkSchema),
  reason: z.enum(['line', 'draw', 'resign']),
  line: z.nullable(LineSchema),
});
export type Result = z.infer<typeof ResultSchema>;

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
});
export type GameView = z.infer<typeof GameViewSchema>;

export const CreateGameRequestSchema = z.union([
  z.object({ opponent: PlayerNameSchema }),
  z.object({ invite: z.literal('link') }),
]);
export type CreateGameRequest = z.infer<typeof CreateGameRequestSchema>;

export const AcceptRequestSchema = z.optional(z.nullable(z.object({ token: z.optional(InviteTokenSchema) })));
export type AcceptRequest = z.infer<typeof AcceptRequestSchema>;

export const MoveOnlineRequestSchema = z.object({
  cell: CellIndexSchema,
  /** The version the player saw; a move made on an older board is refused (409). */
  version: z.optional(z.int().check(z.gte(0))),
});
export type MoveOnlineRequest = z.infer<typeof MoveOnlineRequestSchema>;

export const GameParamsSchema = z.object({ id: GameIdSchema });

export const GameListSchema = z.enum(['received', 'sent', 'playing', 'finished']);
export type GameList = z.infer<typeof GameListSchema>;
export const GameListQuerySchema = z.object({
  list: GameListSchema,
  cursor: z.optional(z.string().check(z.maxLength(500))),
  limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(50))),
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
});
export type Presence = z.infer<typeof PresenceSchema>;
