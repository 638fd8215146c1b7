import * as z from 'zod/mini';

/** Building blocks used by every API schema. */
export const MarkSchema = z.enum(['X', 'O']);
export const CellSchema = z.enum(['X', 'O', '']);
export const BoardSchema = z.array(CellSchema).check(z.length(9));
export const CellIndexSchema = z.int().check(z.gte(0), z.lte(8));
export const LineSchema = z.tuple([CellIndexSchema, CellIndexSchema, CellIndexSchema]);
export const LevelSchema = z.enum(['easy', 'medium', 'perfect']);

/**
 * A whole number in a query string: plain decimal digits only. Number() alone would also take
 * `0x10`, `1e1`, ` 5` and `+5`, so a typo or a probe would mean some other number.
 */
export const queryInteger = (min: number, max: number) =>
  z.pipe(
    z.pipe(z.string().check(z.regex(/^[0-9]{1,15}$/, 'Write a whole number in plain digits')), z.transform(Number)),
    z.int().check(z.gte(min), z.lte(max)),
  );

/** The one error body of the whole API; `error` stays a plain string for old clients. */
export const IssueSchema = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});
export const ErrorBodySchema = z.object({
  error: z.string(),
  code: z.string(),
  issues: z.optional(z.array(IssueSchema)),
  /** Where what the error is about can be seen (e.g. the invitation that already exists). */
  link: z.optional(z.string()),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
export type Issue = z.infer<typeof IssueSchema>;
