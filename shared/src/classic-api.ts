import * as z from 'zod/mini';
import { BoardSchema, CellIndexSchema, LevelSchema, MarkSchema } from './schemas.js';

/**
 * The classic local-game API (`POST /move`, `POST /reset`, `GET /state`). Existing clients
 * depend on this exact shape, so it never gains or loses a field.
 */
export const ClassicGameSchema = z.object({
  board: BoardSchema,
  current_player: MarkSchema,
  winner: z.nullable(z.enum(['X', 'O', 'Draw'])),
  game_over: z.boolean(),
});
export type ClassicGame = z.infer<typeof ClassicGameSchema>;

export const MoveRequestSchema = z.object({ index: CellIndexSchema });
export type MoveRequest = z.infer<typeof MoveRequestSchema>;

/** Who plays the local board: two people taking turns, or one person against the computer. */
export const LocalSettingsSchema = z.object({
  mode: z._default(z.enum(['two-player', 'computer']), 'two-player'),
  level: z._default(LevelSchema, 'perfect'),
  human: z._default(MarkSchema, 'X'),
});
export type LocalSettings = z.infer<typeof LocalSettingsSchema>;

/** `POST /reset` takes no body (classic two-player game) or settings. */
export const ResetRequestSchema = z.optional(z.nullable(LocalSettingsSchema));
export type ResetRequest = z.input<typeof ResetRequestSchema>;

/**
 * `GET /api/local`: the classic game plus the settings and the last move, so a reloaded page
 * redraws it as it was. `lastMove` is null before the first move, and for a game saved before
 * the server kept the order of moves.
 */
export const LocalGameSchema = z.object({
  game: ClassicGameSchema,
  settings: LocalSettingsSchema,
  lastMove: z.nullable(CellIndexSchema),
});
export type LocalGame = z.infer<typeof LocalGameSchema>;

/**
 * `GET /api/local/moves`: the local game's moves in order (cells 0-8), for its replay. null for a
 * game saved before the server kept the order. A new endpoint: the classic answers stay as they are.
 */
export const LocalMovesSchema = z.object({ moves: z.nullable(z.array(CellIndexSchema)) });
export type LocalMoves = z.infer<typeof LocalMovesSchema>;

export const HealthSchema = z.object({ status: z.literal('ok') });
