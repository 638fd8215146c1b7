import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';
import * as z from 'zod/mini';

type Serialize = (data: unknown) => string;

/** A zod schema turned into JSON Schema, then into fast-json-stringify's function. */
export function compileSerializer(schema: z.ZodMiniType): Serialize {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'any' });
  delete (json as { $schema?: string }).$schema;
  return fastJson(json as Parameters<typeof fastJson>[0]) as Serialize;
}

/**
 * Responses are serialised by fast-json-stringify from each route's zod response schema,
 * turned into JSON Schema once at start-up. Requests are validated with zod at the edge;
 * our own answers are typed by the same schemas at compile time, so checking them again at
 * run time (as the zod type provider's serializer does) only cost CPU on every request.
 * Only the schema's fields are written: nothing else a handler returns can leak out.
 *
 * Fastify asks once per route and status, and the same schema answers many routes (the game
 * view answers eight): each schema is compiled once, cached by identity. Compiling was about
 * a quarter of the CPU of a cold start.
 */
export function createSerializerCompiler(
  compile: (schema: z.ZodMiniType) => Serialize = compileSerializer,
): FastifySerializerCompiler<z.ZodMiniType> {
  const compiled = new WeakMap<z.ZodMiniType, Serialize>();
  return ({ schema }) => {
    let serialize = compiled.get(schema);
    if (!serialize) {
      serialize = compile(schema);
      compiled.set(schema, serialize);
    }
    return serialize;
  };
}

/** One cache for the process: the schemas are module constants, shared by every app built. */
export const serializerCompiler = createSerializerCompiler();
