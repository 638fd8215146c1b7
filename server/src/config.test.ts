import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

/** A config file in a fresh folder; returns its path. */
function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ttt-config-')), 'tictactoe.ini');
  writeFileSync(path, text);
  return path;
}

/** Secrets as `openssl rand -base64 33` makes them. */
const STRONG = 'qAtHAPs3ne2hxW+n15//AQvS9UrlB64sYxeXHXmmKw7E';
const STRONG_PREVIOUS = '5JfiXaCqvfoL6MqW81aRxRofEmTYEGhuglnvtEyIilmv';

const TUTORIAL_FILE = `; As in the AWS tutorial
[dynamodb]
region = eu-west-1
endpoint = http://localhost:8000

[flask]
secret_key = i69cSQX22yzgio8dGafTd6k9ifAQ6lDWQqfFNOibIahH
serverPort = 5000
`;

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 5000,
      host: '0.0.0.0',
      logLevel: 'info',
      logFormat: 'json',
      logRequests: true,
      sessionSecret: undefined,
      trustProxy: false,
      storage: {
        kind: 'memory',
        region: 'us-east-1',
        endpoint: undefined,
        table: 'Games',
        createTables: true,
        placeholderCredentials: false,
      },
      maxStreams: undefined,
      abandonAfterMs: 30_000,
      invitationTtlMs: 24 * 3_600_000,
    });
    expect(config.clientDir).toMatch(/client[/\\]dist$/);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'pretty',
      LOG_REQUESTS: 'true',
      SESSION_SECRET: STRONG,
      SESSION_SECRET_PREVIOUS: STRONG_PREVIOUS,
      TRUST_PROXY: 'true',
      CLIENT_DIR: '/srv/client',
      STORAGE: 'dynamodb',
      AWS_REGION: 'eu-central-1',
      DYNAMODB_ENDPOINT: 'http://localhost:8000',
      DYNAMODB_TABLE: 'TicTacToe.Games',
      DYNAMODB_CREATE_TABLES: 'false',
      LIVE_POLL_MS: '250',
      REDIS_URL: 'rediss://user:pass@cache.example.internal:6379',
      PRESENCE_GRACE_MS: '500',
      ABANDON_AFTER_MS: '2000',
      INVITATION_TTL_MS: '3600000',
      REDIS_CLUSTER: 'true',
      MAX_STREAMS: '5000',
      RATE_LIMIT_REQUESTS: '600/min',
      RATE_LIMIT_SIGNUPS: '5/h',
      RATE_LIMIT_SIGNINS: '30/10min',
      RATE_LIMIT_SIGNIN_FAILURES: '10/15m',
      RATE_LIMIT_INVITATIONS: 'off',
      RATE_LIMIT_INVITATIONS_PER_ADDRESS: '100/d',
      MAX_PENDING_INVITATIONS: '10',
      MAX_STREAMS_PER_ADDRESS: 'off',
      SESSION_CHECK_MS: '2500',
      METRICS: 'emf',
      METRICS_SERVICE: 'TicTacToe-staging',
    });
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      logLevel: 'debug',
      logFormat: 'pretty',
      logRequests: true,
      sessionSecret: STRONG,
      sessionSecretPrevious: STRONG_PREVIOUS,
      trustProxy: true,
      clientDir: '/srv/client',
      storage: {
        kind: 'dynamodb',
        region: 'eu-central-1',
        endpoint: 'http://localhost:8000',
        table: 'TicTacToe.Games',
        createTables: false,
        placeholderCredentials: true,
      },
      livePollMs: 250,
      redisUrl: 'rediss://user:pass@cache.example.internal:6379',
      presenceGraceMs: 500,
      abandonAfterMs: 2000,
      invitationTtlMs: 3_600_000,
      redisCluster: true,
      maxStreams: 5000,
      rateLimits: {
        requests: { max: 600, windowMs: 60_000 },
        signUps: { max: 5, windowMs: 3_600_000 },
        signIns: { max: 30, windowMs: 600_000 },
        signInFailures: { max: 10, windowMs: 900_000 },
        invitations: null,
        invitationsPerAddress: { max: 100, windowMs: 86_400_000 },
        pendingInvitations: 10,
        streamsPerAddress: null,
      },
      sessionCheckMs: 2500,
      metrics: { kind: 'emf', service: 'TicTacToe-staging' },
    });
  });

  it('trusts a read of the sessions for 10 s unless SESSION_CHECK_MS says otherwise (0: never)', () => {
    expect(loadConfig({}).sessionCheckMs).toBe(10_000);
    expect(loadConfig({ SESSION_CHECK_MS: '0' }).sessionCheckMs).toBe(0);
    expect(() => loadConfig({ SESSION_CHECK_MS: '300001' })).toThrow(/SESSION_CHECK_MS: must be 300000 or less/);
    expect(() => loadConfig({ SESSION_CHECK_MS: '10s' })).toThrow(
      /SESSION_CHECK_MS: must be a whole number of milliseconds/,
    );
  });

  it('logs readably, without a line per request, when stdout is a terminal; JSON with requests otherwise', () => {
    expect(loadConfig({}, { terminal: true })).toMatchObject({ logFormat: 'pretty', logRequests: false });
    expect(loadConfig({}, { terminal: false })).toMatchObject({ logFormat: 'json', logRequests: true });
    expect(loadConfig({ LOG_FORMAT: 'json' }, { terminal: true })).toMatchObject({
      logFormat: 'json',
      logRequests: true,
    });
    expect(loadConfig({ LOG_REQUESTS: 'yes' }, { terminal: true })).toMatchObject({
      logFormat: 'pretty',
      logRequests: true,
    });
    expect(loadConfig({ LOG_REQUESTS: 'false' })).toMatchObject({ logFormat: 'json', logRequests: false });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', SESSION_SECRET: '' })).toMatchObject({ port: 5000, sessionSecret: undefined });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT: must be a whole number \(got "eighty"\)/],
    [{ PORT: '70000' }, /PORT: must be 65535 or less/],
    [{ LIVE_POLL_MS: '10' }, /LIVE_POLL_MS: must be 100 or more/],
    [{ INVITATION_TTL_MS: '10' }, /INVITATION_TTL_MS: must be 1000 or more/],
    [{ ABANDON_AFTER_MS: '30s' }, /ABANDON_AFTER_MS: must be a whole number of milliseconds/],
    [{ MAX_STREAMS: '0' }, /MAX_STREAMS: must be 1 or more/],
    [{ MAX_STREAMS: 'lots' }, /MAX_STREAMS: must be a whole number of streams \(got "lots"\)/],
    [{ PORT: '0' }, /PORT: must be 1 or more/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL: .*"loud"/],
    [{ LOG_FORMAT: 'text' }, /LOG_FORMAT: .*"text"/],
    [{ LOG_REQUESTS: 'some' }, /LOG_REQUESTS: .*"some"/],
    [{ TRUST_PROXY: 'maybe' }, /TRUST_PROXY/],
    [{ STORAGE: 'postgres' }, /STORAGE: .*"postgres"/],
    [{ AWS_REGION: 'US East' }, /AWS_REGION: must be a region name such as us-east-1 \(got "US East"\)/],
    [{ DYNAMODB_ENDPOINT: 'localhost:8000' }, /DYNAMODB_ENDPOINT: must be an http\(s\) URL/],
    [{ DYNAMODB_TABLE: 'no spaces please' }, /DYNAMODB_TABLE: must be 3–255 letters/],
    [{ DYNAMODB_CREATE_TABLES: 'sometimes' }, /DYNAMODB_CREATE_TABLES/],
    [{ PRESENCE_GRACE_MS: '120000' }, /PRESENCE_GRACE_MS: must be 60000 or less/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ \(TLS\) URL/],
    [{ REDIS_URL: 'http://localhost:6379' }, /REDIS_URL: must be a redis:\/\//],
  ])('names the variable in the error for %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never prints a Redis URL, which may hold a password', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://user:hunter2@cache:6379' })).toThrow(/REDIS_URL: .*a hidden value/);
    expect(() => loadConfig({ REDIS_URL: 'http://user:hunter2@cache:6379' })).not.toThrow(/hunter2/);
  });

  it('never prints a secret, even a bad one', () => {
    try {
      loadConfig({ SESSION_SECRET: 'short-but-secret' });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toMatch(/SESSION_SECRET: must be at least 32 characters/);
      expect(String(error)).not.toContain('short-but-secret');
    }
  });

  it.each([
    ['32 × "a"', 'a'.repeat(32), /only 1 different characters/],
    ['a repeated word', 'Tr0ub4dor&3!'.repeat(3), /repeats a shorter part/],
    ['a run', 'Zq9!xR2#abcdefghijklmnopqrstuvwxyz', /a run of 8 characters/],
    ['a long stretch of one letter', `Kp3!xQ7#${'z'.repeat(24)}mW`, /a run of 8 characters/],
  ])(
    'refuses an obviously weak SESSION_SECRET (%s) and SESSION_SECRET_PREVIOUS, saying how to make one',
    (_, weak, why) => {
      for (const name of ['SESSION_SECRET', 'SESSION_SECRET_PREVIOUS']) {
        try {
          loadConfig({ [name]: weak });
          expect.unreachable();
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect(String(error)).toContain(`${name}: is too weak: `);
          expect(String(error)).toMatch(why);
          expect(String(error)).toContain('openssl rand -base64 48');
          expect(String(error)).toContain("require('crypto').randomBytes(48).toString('base64')");
          expect(String(error)).not.toContain(weak);
        }
      }
    },
  );

  it('accepts secrets made the ways the README says', () => {
    for (const strong of [
      STRONG,
      'f3a9c1e07b5d2846a0c9e1f7b3d5a2c8',
      'e2c0b8a94f1d37651c0aa2b9e7f4d3c18b6e9a0f2d4c7b1e5a3f0c9d8b2e6a17',
    ]) {
      expect(loadConfig({ SESSION_SECRET: strong }).sessionSecret).toBe(strong);
    }
  });

  describe('storage', () => {
    it('takes the region from AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1', () => {
      expect(loadConfig({ AWS_DEFAULT_REGION: 'eu-west-1' }).storage.region).toBe('eu-west-1');
      expect(loadConfig({ AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'eu-west-1' }).storage.region).toBe(
        'ap-south-1',
      );
      expect(loadConfig({ STORAGE: 'dynamodb' }).storage.region).toBe('us-east-1');
    });

    it('uses placeholder credentials only for a local endpoint with no AWS credentials in the environment', () => {
      const local = { STORAGE: 'dynamodb', DYNAMODB_ENDPOINT: 'http://localhost:8000' };
      expect(loadConfig(local).storage.placeholderCredentials).toBe(true);
      expect(loadConfig({ ...local, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' }).storage.placeholderCredentials).toBe(false);
      expect(loadConfig({ ...local, AWS_PROFILE: 'dev' }).storage.placeholderCredentials).toBe(false);
      expect(
        loadConfig({ ...local, DYNAMODB_ENDPOINT: 'https://dynamodb-fips.us-east-1.amazonaws.com' }).storage
          .placeholderCredentials,
      ).toBe(false);
      expect(loadConfig({ STORAGE: 'dynamodb' }).storage.placeholderCredentials).toBe(false);
    });
  });

  describe('CONFIG_FILE', () => {
    it("reads the tutorial's file, which selects DynamoDB", () => {
      const config = loadConfig({ CONFIG_FILE: configFile(TUTORIAL_FILE) });
      expect(config.storage).toEqual({
        kind: 'dynamodb',
        region: 'eu-west-1',
        endpoint: 'http://localhost:8000',
        table: 'Games',
        createTables: true,
        placeholderCredentials: true,
      });
      expect(config.sessionSecret).toBe('i69cSQX22yzgio8dGafTd6k9ifAQ6lDWQqfFNOibIahH');
    });

    it('lets every environment variable win over the file', () => {
      const config = loadConfig({
        CONFIG_FILE: configFile(`${TUTORIAL_FILE}\n[dynamodb]\ntable = FromFile\n`),
        STORAGE: 'memory',
        AWS_REGION: 'us-west-2',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:9000',
        DYNAMODB_TABLE: 'FromEnv',
        SESSION_SECRET: STRONG,
      });
      expect(config.storage).toMatchObject({
        kind: 'memory',
        region: 'us-west-2',
        endpoint: 'http://127.0.0.1:9000',
        table: 'FromEnv',
      });
      expect(config.sessionSecret).toBe(STRONG);
      // AWS_DEFAULT_REGION is an environment variable too.
      expect(
        loadConfig({ CONFIG_FILE: configFile(TUTORIAL_FILE), AWS_DEFAULT_REGION: 'sa-east-1' }).storage.region,
      ).toBe('sa-east-1');
    });

    it('reads the table and a [session] secret, and leaves storage in memory without a [dynamodb] section', () => {
      const withTable = loadConfig({ CONFIG_FILE: configFile('[dynamodb]\ntable=Tutorial_Games\n') });
      expect(withTable.storage).toMatchObject({ kind: 'dynamodb', table: 'Tutorial_Games', endpoint: undefined });
      const session = loadConfig({
        CONFIG_FILE: configFile(`# just a secret\n[session]\nsecret = ${STRONG}\n`),
      });
      expect(session.sessionSecret).toBe(STRONG);
      expect(session.storage.kind).toBe('memory');
    });

    it('stops with an error naming CONFIG_FILE and the path when the file is missing', () => {
      const missing = join(tmpdir(), 'ttt-no-such-dir', 'nothing.ini');
      expect(() => loadConfig({ CONFIG_FILE: missing })).toThrow(ConfigError);
      expect(() => loadConfig({ CONFIG_FILE: missing })).toThrow(`CONFIG_FILE: cannot read ${missing} (no such file)`);
      const folder = mkdtempSync(join(tmpdir(), 'ttt-config-'));
      expect(() => loadConfig({ CONFIG_FILE: folder })).toThrow(`CONFIG_FILE: cannot read ${folder} (it is a folder)`);
    });

    it('stops with an error naming CONFIG_FILE, the path and the line when the file is malformed', () => {
      const path = configFile('[dynamodb]\nregion = us-east-1\nsecret_key_without_equals hunter2\n');
      expect(() => loadConfig({ CONFIG_FILE: path })).toThrow(ConfigError);
      expect(() => loadConfig({ CONFIG_FILE: path })).toThrow(
        new RegExp(`CONFIG_FILE: ${path} is not a valid INI file: line 3`),
      );
      expect(() => loadConfig({ CONFIG_FILE: path })).not.toThrow(/hunter2/);
    });

    it('names the setting and the file when a value in it is wrong, and hides secrets', () => {
      const path = configFile(`[dynamodb]\nendpoint = localhost:8000\n[flask]\nsecret_key = tooshort\n`);
      try {
        loadConfig({ CONFIG_FILE: path });
        expect.unreachable();
      } catch (error) {
        expect(String(error)).toContain(
          `DYNAMODB_ENDPOINT (from [dynamodb] endpoint in CONFIG_FILE ${path}): must be an http(s) URL`,
        );
        expect(String(error)).toContain(`SESSION_SECRET (from [flask] secret_key in CONFIG_FILE ${path})`);
        expect(String(error)).not.toContain('tooshort');
      }
    });
  });
});

// --- rate limits and proxies (issue 12) ---

describe('rate limits and proxies', () => {
  it('has a default for every limit', () => {
    expect(loadConfig({}).rateLimits).toEqual({
      requests: { max: 1200, windowMs: 60_000 },
      signUps: { max: 20, windowMs: 3_600_000 },
      signIns: { max: 60, windowMs: 600_000 },
      signInFailures: { max: 20, windowMs: 3_600_000 },
      invitations: { max: 60, windowMs: 3_600_000 },
      invitationsPerAddress: { max: 200, windowMs: 3_600_000 },
      pendingInvitations: 20,
      streamsPerAddress: 50,
    });
  });

  it.each([
    ['1/s', { max: 1, windowMs: 1000 }],
    ['100/10s', { max: 100, windowMs: 10_000 }],
    ['5/m', { max: 5, windowMs: 60_000 }],
    ['20/h', { max: 20, windowMs: 3_600_000 }],
    ['3/7d', { max: 3, windowMs: 7 * 86_400_000 }],
    ['off', null],
  ])('reads %s as a rate', (text, rate) => {
    expect(loadConfig({ RATE_LIMIT_SIGNUPS: text }).rateLimits.signUps).toEqual(rate);
  });

  it.each([
    [{ RATE_LIMIT_SIGNUPS: '20' }, /RATE_LIMIT_SIGNUPS: must be a count per window such as 20\/h/],
    [{ RATE_LIMIT_SIGNUPS: '0/h' }, /RATE_LIMIT_SIGNUPS: must be a count per window/],
    [{ RATE_LIMIT_SIGNINS: '5/8d' }, /RATE_LIMIT_SIGNINS: must be a count per window/],
    [{ RATE_LIMIT_REQUESTS: '10/500ms' }, /RATE_LIMIT_REQUESTS: must be a count per window/],
    [{ RATE_LIMIT_INVITATIONS: 'lots/h' }, /RATE_LIMIT_INVITATIONS: .*\(got "lots\/h"\)/],
    [{ MAX_PENDING_INVITATIONS: '0' }, /MAX_PENDING_INVITATIONS: must be a whole number of invitations/],
    [{ MAX_STREAMS_PER_ADDRESS: 'many' }, /MAX_STREAMS_PER_ADDRESS: must be a whole number of streams/],
    [{ TRUST_PROXY: 'maybe' }, /TRUST_PROXY: must be the number of proxies in front of the server/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads TRUST_PROXY as a hop count, proxy addresses, or true and false', () => {
    const trust = (value: string) => loadConfig({ TRUST_PROXY: value }).trustProxy;
    expect(trust('1')).toBe(1);
    expect(trust('2')).toBe(2);
    expect(trust('0')).toBe(false);
    expect(trust('true')).toBe(true);
    expect(trust('yes')).toBe(true);
    expect(trust('false')).toBe(false);
    expect(trust('no')).toBe(false);
    expect(trust('10.0.0.0/16,10.1.0.0/16')).toBe('10.0.0.0/16,10.1.0.0/16');
    expect(trust('loopback, fd00::/8')).toBe('loopback, fd00::/8');
    expect(loadConfig({}).trustProxy).toBe(false);
  });
});
