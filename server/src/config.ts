import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod/mini';
import { type Ini, IniSyntaxError, parseIni } from './ini.js';
import { HOW_TO_MAKE_A_SECRET, secretWeakness } from './secret-strength.js';

/** The only place that reads the environment: one schema, defaults, errors that name the variable. */

const booleanFlag = (fallback: boolean) =>
  z.pipe(
    z._default(z.enum(['true', 'false', '1', '0', 'yes', 'no']), fallback ? 'true' : 'false'),
    z.transform((value) => value === 'true' || value === '1' || value === 'yes'),
  );

/** The same, with no default: unset stays undefined. */
const optionalFlag = () =>
  z.optional(
    z.pipe(
      z.enum(['true', 'false', '1', '0', 'yes', 'no']),
      z.transform((value) => value === 'true' || value === '1' || value === 'yes'),
    ),
  );

/** A whole number within bounds, from its decimal text. */
const wholeNumberText = (min: number, max: number, unit = '') =>
  z.pipe(
    z.string().check(z.regex(/^\d+$/, `must be a whole number${unit}`)),
    z.pipe(
      z.transform((value: string) => Number(value)),
      z.int().check(z.gte(min, `must be ${min} or more`), z.lte(max, `must be ${max} or less`)),
    ),
  );

/** The same, with a default. */
const wholeNumber = (min: number, max: number, fallback: number, unit = '') =>
  z._default(wholeNumberText(min, max, unit), fallback);

/** At least 32 characters, and not obviously weak (secret-strength.ts); the message says how to make one. */
const sessionSecret = () =>
  z.optional(
    z.string().check(
      z.minLength(32, `must be at least 32 characters; ${HOW_TO_MAKE_A_SECRET}`),
      z.refine((value) => value.length < 32 || secretWeakness(value) === null, {
        error: (issue) => `is too weak: ${secretWeakness(String(issue.input))}; ${HOW_TO_MAKE_A_SECRET}`,
      }),
    ),
  );

// --- rate limits and proxies (issue 12) ---------------------------------------------------

/** At most `max` in each window of `windowMs`. */
export interface Rate {
  max: number;
  windowMs: number;
}

/** Every limit of plugins/rate-limit.ts and the live streams; null means off. */
export interface RateLimits {
  /** Requests of any kind per client address, counted by each instance. */
  requests: Rate | null;
  /** Accounts created (sign-ins asking to create one) per client address. */
  signUps: Rate | null;
  /** Sign-in attempts per client address. */
  signIns: Rate | null;
  /** Failed sign-ins per client address, whatever the names; past it, sign-ins from there wait. */
  signInFailures: Rate | null;
  /** Invitations (by name or link) sent per player. */
  invitations: Rate | null;
  /** Invitations sent per client address. */
  invitationsPerAddress: Rate | null;
  /** Invitations a player may have waiting for an answer at once. */
  pendingInvitations: number | null;
  /** Live streams one client address may hold open on one instance at once. */
  streamsPerAddress: number | null;
}

const WINDOW_UNITS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const RATE_FORMAT = 'must be a count per window such as 20/h, 5/15min or 100/10s (units s, min, h, d), or off';

/** `20/h`, `5/15min`, `100/10s`; `off` is null; anything else undefined. */
export function parseRate(text: string): Rate | null | undefined {
  if (text === 'off') return null;
  const match = /^(\d{1,9})\/(\d{1,6})?(s|sec|m|min|h|d)$/.exec(text);
  if (!match) return undefined;
  const max = Number(match[1]);
  const windowMs = Number(match[2] ?? 1) * (WINDOW_UNITS[match[3] ?? ''] ?? Number.NaN);
  return max >= 1 && windowMs >= 1000 && windowMs <= 7 * 86_400_000 ? { max, windowMs } : undefined;
}

/** A rate limit's variable: `count/window` or `off`, with a default. */
const rate = (fallback: string) =>
  z.pipe(
    z._default(z.string().check(z.refine((text) => parseRate(text) !== undefined, RATE_FORMAT)), fallback),
    z.transform((text: string) => parseRate(text) ?? null),
  );

/** A cap's variable: a whole number, or `off`. */
const cap = (fallback: number, unit: string) =>
  z.pipe(
    z._default(
      z.string().check(z.regex(/^(off|[1-9]\d{0,6})$/, `must be a whole number${unit} (1 or more), or off`)),
      String(fallback),
    ),
    z.transform((text: string) => (text === 'off' ? null : Number(text))),
  );

/** proxy-addr's names for address ranges, which TRUST_PROXY may list too. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, a CIDR range (10.0.0.0/16) or a range name. */
function isAddressRange(entry: string): boolean {
  if (RANGE_NAMES.has(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: how many proxies stand in front (1 behind one load balancer, which appends the
 * address it saw to X-Forwarded-For), the addresses of the proxies to believe (a list of
 * addresses or CIDR ranges), true (every hop: only behind a proxy that overwrites the header),
 * or false.
 */
const trustProxy = z.pipe(
  z._default(
    z
      .string()
      .check(
        z.refine(
          (text) =>
            /^(true|false|yes|no|\d{1,2})$/.test(text) ||
            text.split(',').every((entry) => isAddressRange(entry.trim())),
          'must be the number of proxies in front of the server (1 behind one load balancer), their addresses or CIDR ranges (10.0.0.0/16,10.1.0.0/16), true or false',
        ),
      ),
    'false',
  ),
  z.transform((text: string): boolean | number | string => {
    if (text === 'true' || text === 'yes') return true;
    if (text === 'false' || text === 'no' || text === '0') return false;
    return /^\d+$/.test(text) ? Number(text) : text;
  }),
);

const RateLimitSchema = {
  TRUST_PROXY: trustProxy,
  RATE_LIMIT_REQUESTS: rate('1200/min'),
  RATE_LIMIT_SIGNUPS: rate('20/h'),
  RATE_LIMIT_SIGNINS: rate('60/10min'),
  RATE_LIMIT_SIGNIN_FAILURES: rate('20/h'),
  RATE_LIMIT_INVITATIONS: rate('60/h'),
  RATE_LIMIT_INVITATIONS_PER_ADDRESS: rate('200/h'),
  MAX_PENDING_INVITATIONS: cap(20, ' of invitations'),
  MAX_STREAMS_PER_ADDRESS: cap(50, ' of streams'),
};

const EnvSchema = z.object({
  ...RateLimitSchema,
  PORT: wholeNumber(1, 65535, 5000),
  HOST: z._default(z.string().check(z.minLength(1, 'must not be empty')), '0.0.0.0'),
  LOG_LEVEL: z._default(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
  LOG_FORMAT: z.optional(z.enum(['json', 'pretty'])),
  LOG_REQUESTS: optionalFlag(),
  SESSION_SECRET: sessionSecret(),
  SESSION_SECRET_PREVIOUS: sessionSecret(),
  CLIENT_DIR: z.optional(z.string().check(z.minLength(1, 'must not be empty'))),
  STORAGE: z.optional(z.enum(['memory', 'dynamodb'])),
  AWS_REGION: z.optional(z.string().check(z.regex(/^[a-z0-9-]{2,32}$/, 'must be a region name such as us-east-1'))),
  AWS_DEFAULT_REGION: z.optional(
    z.string().check(z.regex(/^[a-z0-9-]{2,32}$/, 'must be a region name such as us-east-1')),
  ),
  DYNAMODB_ENDPOINT: z.optional(
    z
      .string()
      .check(
        z.refine(
          (value) => /^https?:\/\//.test(value) && URL.canParse(value),
          'must be an http(s) URL such as http://localhost:8000',
        ),
      ),
  ),
  DYNAMODB_TABLE: z._default(
    z.string().check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be 3–255 letters, digits, _ . or -')),
    'Games',
  ),
  DYNAMODB_CREATE_TABLES: booleanFlag(true),
  LIVE_POLL_MS: wholeNumber(100, 60_000, 1000, ' of milliseconds'),
  PRESENCE_GRACE_MS: wholeNumber(0, 60_000, 4000, ' of milliseconds'),
  ABANDON_AFTER_MS: wholeNumber(0, 3_600_000, 30_000, ' of milliseconds'),
  INVITATION_TTL_MS: wholeNumber(1000, 30 * 24 * 3_600_000, 24 * 3_600_000, ' of milliseconds'),
  REDIS_CLUSTER: booleanFlag(false),
  REDIS_URL: z.optional(
    z
      .string()
      .check(
        z.refine(
          (value) => /^rediss?:\/\/[^/]/.test(value) && URL.canParse(value),
          'must be a redis:// or rediss:// (TLS) URL such as redis://localhost:6379',
        ),
      ),
  ),
  MAX_STREAMS: z.optional(wholeNumberText(1, 10_000_000, ' of streams')),
  // Revocable sessions (issue 12, row 5).
  SESSION_CHECK_MS: wholeNumber(0, 300_000, 10_000, ' of milliseconds'),
  // Metrics as CloudWatch Embedded Metric Format lines on stdout (issue 13).
  METRICS: z._default(z.enum(['off', 'emf']), 'off'),
  METRICS_SERVICE: z._default(
    z.string().check(z.regex(/^[A-Za-z0-9_.:/-]{1,255}$/, 'must be 1–255 letters, digits, _ . : / or -')),
    'tictactoe',
  ),
});

export interface StorageConfig {
  kind: 'memory' | 'dynamodb';
  region: string;
  /** DynamoDB Local or another endpoint; undefined means the region's AWS endpoint. */
  endpoint: string | undefined;
  table: string;
  /** Create the table and its indexes at start-up when they are missing. */
  createTables: boolean;
  /**
   * Use placeholder credentials: an endpoint outside AWS (DynamoDB Local) is set and the
   * environment names no AWS credentials. Otherwise the SDK's default credential chain.
   */
  placeholderCredentials: boolean;
}

export interface Config {
  port: number;
  host: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  /** JSON lines for machines, or readable lines for a person (the default when stdout is a terminal). */
  logFormat: 'json' | 'pretty';
  /** A line per request at info; otherwise at debug (the default with the readable format). */
  logRequests: boolean;
  /** Secret the session key is derived from; unset means a random key for this process only. */
  sessionSecret: string | undefined;
  /** The secret before the last rotation: its cookies are still read, then re-sealed. */
  sessionSecretPrevious: string | undefined;
  /**
   * Behind a load balancer, which proxies to believe about the protocol and the client address
   * (X-Forwarded-*): a number of hops, their addresses (comma-separated addresses and CIDR
   * ranges), or true for all of them; false believes none.
   */
  trustProxy: boolean | number | string;
  /** Rate limits and caps per client address and per player; null turns one off. */
  rateLimits: RateLimits;
  /** Folder of the built client (index.html and assets). */
  clientDir: string;
  storage: StorageConfig;
  /**
   * With shared storage, how often each instance re-reads the games its clients watch, so
   * a change made through another instance reaches them (without a bus, or while it is down).
   */
  livePollMs: number;
  /** A Redis-compatible server (Redis, Valkey, ElastiCache) that carries changes between instances. */
  redisUrl: string | undefined;
  /** The Redis server runs in cluster mode (ElastiCache Serverless, or cluster mode enabled). */
  redisCluster: boolean;
  /** How long after a viewer's last stream on a game closes they count as gone (a reload is not leaving). */
  presenceGraceMs: number;
  /** In a live game, how long the player to move may be gone before the other may claim the game. */
  abandonAfterMs: number;
  /** How long an invitation waits for an answer before it expires. */
  invitationTtlMs: number;
  /**
   * Live streams this instance keeps open at once; unset means a cap computed from the
   * process's open-files limit at start-up (see open-files.ts).
   */
  maxStreams: number | undefined;
  /**
   * How long an instance trusts what it last read of a player's sessions (0: read for every
   * request): without a bus, the most a sign-out on another instance takes to reach this one.
   */
  sessionCheckMs: number;
  /** `emf`: counters written to stdout once a minute as CloudWatch Embedded Metric Format; `off`: none. */
  metrics: { kind: 'off' | 'emf' /** The `Service` dimension's value. */; service: string };
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

/** The settings of the tutorial's config file, and the variables they stand for (later lines win). */
const FILE_SETTINGS = [
  ['dynamodb', 'region', 'AWS_REGION'],
  ['dynamodb', 'endpoint', 'DYNAMODB_ENDPOINT'],
  ['dynamodb', 'table', 'DYNAMODB_TABLE'],
  ['flask', 'secret_key', 'SESSION_SECRET'],
  ['session', 'secret', 'SESSION_SECRET'],
] as const;

/** Any of these in the environment means the SDK's default chain has credentials to find. */
const AWS_CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
];

interface FileSettings {
  values: Record<string, string>;
  /** Where each value came from, for error messages. */
  origins: Record<string, string>;
  ini: Ini;
}

/** CONFIG_FILE: read synchronously, once, at start-up. */
function readConfigFile(file: string): FileSettings {
  const path = resolve(file);
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a folder'
            : (error as Error).message;
    throw new ConfigError(`Invalid configuration:\n  CONFIG_FILE: cannot read ${path} (${reason})`);
  }
  let ini: Ini;
  try {
    ini = parseIni(source);
  } catch (error) {
    if (error instanceof IniSyntaxError) {
      throw new ConfigError(`Invalid configuration:\n  CONFIG_FILE: ${path} is not a valid INI file: ${error.message}`);
    }
    throw error;
  }
  const values: Record<string, string> = {};
  const origins: Record<string, string> = {};
  for (const [section, key, variable] of FILE_SETTINGS) {
    const value = ini[section]?.[key];
    if (value === undefined || value === '') continue;
    values[variable] = value;
    origins[variable] = `[${section}] ${key} in CONFIG_FILE ${path}`;
  }
  return { values, origins, ini };
}

/** An endpoint of AWS itself (regional, FIPS, VPC) needs real credentials even when set explicitly. */
function isAwsEndpoint(endpoint: string): boolean {
  return /\.amazonaws\.com(\.cn)?$/.test(new URL(endpoint).hostname);
}

export interface ProcessFacts {
  /** stdout is a terminal: a person is reading the logs. */
  terminal: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv, facts: ProcessFacts = { terminal: false }): Config {
  const fromEnv = withoutEmpty(env);
  const file = fromEnv.CONFIG_FILE ? readConfigFile(fromEnv.CONFIG_FILE) : undefined;
  // The environment wins over the file, and either region variable wins over the file's region.
  const fileValues = { ...file?.values };
  if (fromEnv.AWS_DEFAULT_REGION) delete fileValues.AWS_REGION;
  const merged = { ...fileValues, ...fromEnv };

  const parsed = EnvSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const shown = /SECRET|KEY|PASSWORD|REDIS_URL/.test(name) ? 'a hidden value' : JSON.stringify(merged[name] ?? '');
      const origin = fromEnv[name] === undefined ? file?.origins[name] : undefined;
      return `${name}${origin ? ` (from ${origin})` : ''}: ${issue.message} (got ${shown})`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const endpoint = e.DYNAMODB_ENDPOINT;
  const logFormat = e.LOG_FORMAT ?? (facts.terminal ? 'pretty' : 'json');
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    logFormat,
    logRequests: e.LOG_REQUESTS ?? logFormat === 'json',
    sessionSecret: e.SESSION_SECRET,
    sessionSecretPrevious: e.SESSION_SECRET_PREVIOUS,
    trustProxy: e.TRUST_PROXY,
    rateLimits: {
      requests: e.RATE_LIMIT_REQUESTS,
      signUps: e.RATE_LIMIT_SIGNUPS,
      signIns: e.RATE_LIMIT_SIGNINS,
      signInFailures: e.RATE_LIMIT_SIGNIN_FAILURES,
      invitations: e.RATE_LIMIT_INVITATIONS,
      invitationsPerAddress: e.RATE_LIMIT_INVITATIONS_PER_ADDRESS,
      pendingInvitations: e.MAX_PENDING_INVITATIONS,
      streamsPerAddress: e.MAX_STREAMS_PER_ADDRESS,
    },
    clientDir: e.CLIENT_DIR ?? fileURLToPath(new URL('../../client/dist', import.meta.url)),
    storage: {
      // The tutorial's config file is for DynamoDB: its [dynamodb] section selects it unless STORAGE says otherwise.
      kind: e.STORAGE ?? (file?.ini.dynamodb ? 'dynamodb' : 'memory'),
      region: e.AWS_REGION ?? e.AWS_DEFAULT_REGION ?? 'us-east-1',
      endpoint,
      table: e.DYNAMODB_TABLE,
      createTables: e.DYNAMODB_CREATE_TABLES,
      placeholderCredentials:
        endpoint !== undefined &&
        !isAwsEndpoint(endpoint) &&
        !AWS_CREDENTIAL_VARIABLES.some((name) => fromEnv[name] !== undefined),
    },
    livePollMs: e.LIVE_POLL_MS,
    redisUrl: e.REDIS_URL,
    redisCluster: e.REDIS_CLUSTER,
    presenceGraceMs: e.PRESENCE_GRACE_MS,
    abandonAfterMs: e.ABANDON_AFTER_MS,
    invitationTtlMs: e.INVITATION_TTL_MS,
    maxStreams: e.MAX_STREAMS,
    sessionCheckMs: e.SESSION_CHECK_MS,
    metrics: { kind: e.METRICS, service: e.METRICS_SERVICE },
  };
}
