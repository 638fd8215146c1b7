import { ErrorBodySchema, GameViewSchema } from '@ttt/shared';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { testApp } from './test-support/app.js';

const asCompiled = (schema: z.ZodMiniType) => {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'any' });
  return JSON.stringify(json);
};

/** Every JSON Schema handed to fast-json-stringify in this file (a module graph of its own), as text. */
const compiled = vi.hoisted((): string[] => []);
vi.mock('fast-json-stringify', async (importOriginal) => {
  const actual = await importOriginal<typeof import('fast-json-stringify')>();
  const counted = (schema: Parameters<typeof actual.default>[0], options?: Parameters<typeof actual.default>[1]) => {
    compiled.push(JSON.stringify(schema));
    return actual.default(schema, options);
  };
  return { ...actual, default: Object.assign(counted, actual.default) };
});

describe('the serializers of the whole app', () => {
  it('are compiled once per response schema, however many routes and apps use it', async () => {
    const first = await testApp();
    const second = await testApp();
    // The game view answers eight routes, the error body every route's error statuses.
    expect(compiled.filter((json) => json === asCompiled(GameViewSchema))).toHaveLength(1);
    expect(compiled.filter((json) => json === asCompiled(ErrorBodySchema))).toHaveLength(1);
    expect(compiled.filter((json, index) => compiled.indexOf(json) !== index)).toEqual([]);
    // And the app still answers through them.
    expect((await first.inject({ method: 'POST', url: '/move', payload: { index: 4 } })).json()).toMatchObject({
      current_player: 'O',
    });
    await Promise.all([first.close(), second.close()]);
  });
});
