import {
  ClassicGameSchema,
  ErrorBodySchema,
  LocalGameSchema,
  LocalMovesSchema,
  MoveRequestSchema,
  type Random,
  ResetRequestSchema,
} from '@ttt/shared';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { BadRequestError } from '../errors.js';
import {
  decode,
  encode,
  type LocalGameState,
  playLocalMove,
  startLocalGame,
  TWO_PLAYER,
  toClassic,
} from '../local-game.js';

export interface ClassicRoutesOptions {
  random: Random;
  /** Counts each move played (the Moves metric). */
  metrics?: { move(): void };
}

const MOVE_ERRORS = {
  'out-of-range': 'The cell index must be a whole number from 0 to 8',
  'cell-taken': 'That cell is already taken',
  'game-over': 'The game is over; reset to play again',
  'not-your-turn': "It is the computer's turn",
} as const;

/**
 * The classic API: one local game per browser, kept in the encrypted session cookie so any
 * instance can answer and a restart loses nothing. Its answers keep the exact legacy shape.
 */
const classicRoutes: FastifyPluginAsyncZod<ClassicRoutesOptions> = async (app, { random, metrics }) => {
  const load = (request: FastifyRequest): LocalGameState => {
    const state = decode(request.session.get('local'));
    if (state) return state;
    // No cookie, a tampered or foreign one, or one from an older version: a fresh game.
    return startLocalGame(TWO_PLAYER, random);
  };
  const save = (request: FastifyRequest, state: LocalGameState) => request.session.set('local', encode(state));

  app.get('/state', { schema: { response: { 200: ClassicGameSchema } } }, async (request) =>
    toClassic(load(request).board),
  );

  app.get(
    '/api/local',
    { schema: { tags: ['local'], summary: 'The local game with its settings', response: { 200: LocalGameSchema } } },
    async (request) => {
      const state = load(request);
      return { game: toClassic(state.board), settings: state.settings, lastMove: state.moves?.at(-1) ?? null };
    },
  );

  app.get(
    '/api/local/moves',
    {
      schema: {
        tags: ['local'],
        summary: 'The local game’s moves in order, for its replay and analysis',
        response: { 200: LocalMovesSchema },
      },
    },
    async (request) => ({ moves: load(request).moves }),
  );

  app.post(
    '/move',
    {
      config: { classicError: 'Invalid move' },
      schema: {
        tags: ['local'],
        summary: 'Play a cell of the local game (and get the computer’s reply)',
        body: MoveRequestSchema,
        response: { 200: ClassicGameSchema, 400: ErrorBodySchema },
      },
    },
    async (request) => {
      const state = load(request);
      const result = playLocalMove(state, request.body.index, random);
      if (!result.ok) throw new BadRequestError(`move/${result.reason}`, MOVE_ERRORS[result.reason]);
      save(request, result.state);
      metrics?.move();
      return toClassic(result.state.board);
    },
  );

  app.post(
    '/reset',
    {
      config: { classicError: 'Invalid reset' },
      schema: {
        tags: ['local'],
        summary: 'Start a new local game: two players by default, or against the computer',
        body: ResetRequestSchema,
        response: { 200: ClassicGameSchema, 400: ErrorBodySchema },
      },
    },
    async (request) => {
      const state = startLocalGame(request.body ?? TWO_PLAYER, random);
      save(request, state);
      return toClassic(state.board);
    },
  );
};

export default classicRoutes;
