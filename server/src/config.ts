import { fileURLToPath } from 'node:url';
import * as z from 'zod/mini';

/** The only place that reads the environment: one schema, defaults, errors that name the variable. */

const booleanFlag = (fallback: boolean) =>
  z.pipe(
    z._default(z.enum(['true', 'false', '1', '0', 'yes', 'no']), fallback ? 'true' : 'false'),
    z.transform((value) => value === 'true' || value === '1' || value === 'yes'),
  );

const EnvSchema = z.object({
  PORT: z._default(
    z.pipe(
      z.string().check(z.regex(/^\d+$/, 'must be a whole number')),
      z.pipe(
        z.transform((value: string) => Number(value)),
        z.int().check(z.gte(1, 'must be 1 or more'), z.lte(65535, 'must be 65535 or less')),
      ),
    ),
    5000,
  ),
  HOST: z._default(z.string().check(z.minLength(1, 'must not be empty')), '0.0.0.0'),
  LOG_LEVEL: z._default(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
  SESSION_SECRET: z.optional(z.string().check(z.minLength(32, 'must be at least 32 characters'))),
  SESSION_SECRET_PREVIOUS: z.optional(z.string().check(z.minLength(32, 'must be at least 32 characters'))),
  TRUST_PROXY: booleanFlag(false),
  CLIENT_DIR: z.optional(z.string().check(z.minLength(1, 'must not be empty'))),
});

export interface Config {
  port: number;
  host: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  /** Secret the session key is derived from; unset means a random key for this process only. */
  sessionSecret: string | undefined;
  /** The secret before the last rotation: its cookies are still read, then re-sealed. */
  sessionSecretPrevious: string | undefined;
  /** True behind a load balancer: trust X-Forwarded-* for the protocol and client address. */
  trustProxy: boolean;
  /** Folder of the built client (index.html and assets). */
  clientDir: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Empty strings count as unset, as `FOO= node main.js` and compose files produce them. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') result[key] = value;
  }
  return result;
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = EnvSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const shown = /SECRET|KEY|PASSWORD/.test(name) ? 'a hidden value' : JSON.stringify(env[name] ?? '');
      return `${name}: ${issue.message} (got ${shown})`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    sessionSecret: e.SESSION_SECRET,
    sessionSecretPrevious: e.SESSION_SECRET_PREVIOUS,
    trustProxy: e.TRUST_PROXY,
    clientDir: e.CLIENT_DIR ?? fileURLToPath(new URL('../../client/dist', import.meta.url)),
  };
}
