import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';
import * as z from 'zod/mini';

/**
 * Responses are serialised by fast-json-stringify from each route's zod response schema,
 * turned into JSON Schema once at start-up. Requests are validated with zod at the edge;
 * our own answers are typed by the same schemas at compile time, so checking them again at
 * run time (as the zod type provider's serializer does) only cost CPU on every request.
 * Only the schema's fields are written: nothing else a handler returns can leak out.
 */
export const serializerCompiler: FastifySerializerCompiler<z.ZodMiniType> = ({ schema }) => {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'any' });
  delete (json as { $schema?: string }).$schema;
  return fastJson(json as Parameters<typeof fastJson>[0]);
};
