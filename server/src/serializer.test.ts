import {
  ClassicGameSchema,
  ErrorBodySchema,
  GamePageSchema,
  GameViewSchema,
  HealthSchema,
  LobbySchema,
  LocalGameSchema,
  SessionSchema,
} from '@ttt/shared';
import Fastify from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import type * as z from 'zod/mini';
import { compileSerializer, createSerializerCompiler, serializerCompiler } from './serializer.js';

const serialize = (schema: z.ZodMiniType) =>
  serializerCompiler({ schema, method: 'GET', url: '/', httpStatus: '200' }) as (data: unknown) => string;

const game = {
  id: 'AAAAAAAAAAAAAAAAAAAAAA',
  version: 3,
  status: 'finished',
  invite: 'name',
  host: { id: 'alice', name: 'Alice' },
  opponent: { id: 'bob', name: 'Bob' },
  hostMark: 'O',
  board: ['X', 'X', 'X', 'O', 'O', '', '', '', ''],
  turn: null,
  result: { winner: 'X', reason: 'line', line: [0, 1, 2] },
  createdAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:01:00.000Z',
  rematchOf: null,
  timeControl: { type: 'live', initialSeconds: 60, incrementSeconds: 2 },
  deadline: null,
  rated: true,
  ratingChanges: { X: { before: 1500, after: 1662.310895033017 }, O: null },
  moves: [0, 3, 1, 4, 2],
  finishedAt: '2026-11-22T10:01:00.000Z',
  rematchId: null,
  clocks: { X: 51_200, O: 0 },
  serverTime: '2026-11-22T10:01:00.125Z',
};

describe('the response serializer', () => {
  it.each([
    [
      'a classic game',
      ClassicGameSchema,
      { board: ['X', '', '', '', 'O', '', '', '', ''], current_player: 'X', winner: null, game_over: false },
    ],
    [
      'a drawn classic game',
      ClassicGameSchema,
      { board: Array(9).fill('X'), current_player: 'O', winner: 'Draw', game_over: true },
    ],
    [
      'the local game',
      LocalGameSchema,
      {
        game: { board: ['', '', '', '', 'X', '', '', '', ''], current_player: 'O', winner: null, game_over: false },
        settings: { mode: 'computer', level: 'easy', human: 'O' },
        lastMove: 4,
      },
    ],
    ['an error', ErrorBodySchema, { error: 'Invalid move', code: 'move/cell-taken' }],
    [
      'an error with issues',
      ErrorBodySchema,
      { error: 'x', code: 'request/invalid', issues: [{ path: ['index', 0], message: 'Too big' }] },
    ],
    ['health', HealthSchema, { status: 'ok' }],
    ['a game', GameViewSchema, game],
    [
      'a game with its invitation secret',
      GameViewSchema,
      { ...game, status: 'pending', inviteToken: 'T'.repeat(43), opponent: null },
    ],
    ['a page', GamePageSchema, { games: [], cursor: null }],
    ['a session', SessionSchema, { player: { id: 'alice', name: 'Alice' }, created: true }],
    ['no session', SessionSchema, { player: null }],
    [
      'a lobby',
      LobbySchema,
      {
        player: { id: 'a', name: 'A' },
        record: { wins: 1, losses: 0, draws: 2 },
        received: { games: [], cursor: null },
        sent: { games: [], cursor: 'abc' },
        playing: { games: [], cursor: null },
        finished: { games: [], cursor: null },
      },
    ],
  ])('writes %s exactly', (_, schema, value) => {
    expect(JSON.parse(serialize(schema as z.ZodMiniType)(value))).toEqual(value);
  });

  it('writes only the fields of the schema', () => {
    const out = JSON.parse(
      serialize(ClassicGameSchema)({
        board: Array(9).fill(''),
        current_player: 'X',
        winner: null,
        game_over: false,
        secret: 'leak',
      }),
    );
    expect(out).not.toHaveProperty('secret');
  });

  it('escapes names so they stay text', () => {
    const text = serialize(SessionSchema)({ player: { id: 'x', name: '</script><b>"hi"' } });
    expect(JSON.parse(text).player.name).toBe('</script><b>"hi"');
  });
});

describe('compiling serializers', () => {
  it('compiles a schema shared by many routes and statuses once', async () => {
    const compile = vi.fn(compileSerializer);
    const app = Fastify();
    app.setSerializerCompiler(createSerializerCompiler(compile));
    for (const path of ['/a', '/b', '/c', '/d', '/e', '/f', '/g', '/h']) {
      app.get(
        path,
        { schema: { response: { 200: GameViewSchema, 400: ErrorBodySchema, 409: ErrorBodySchema } } },
        () => game,
      );
    }
    await app.ready();
    expect(compile.mock.calls.map(([schema]) => schema)).toEqual([GameViewSchema, ErrorBodySchema]);
    expect(JSON.parse((await app.inject('/h')).body)).toEqual(game);
    await app.close();
  });
});
