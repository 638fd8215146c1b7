import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type AppOptions, buildApp } from '../app.js';
import { type Config, loadConfig, type RateLimits } from '../config.js';
import type { AccountsOptions } from '../online/accounts.js';
import type { PasswordCost } from '../online/passwords.js';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-characters-long';

/** scrypt at a cost tests can afford hundreds of times; one test pins production's (passwords.test.ts). */
export const TEST_PASSWORD_COST: PasswordCost = { N: 2 ** 10, r: 8, p: 1 };
export const TEST_ACCOUNTS: AccountsOptions = { passwordCost: TEST_PASSWORD_COST };

/** A built client stand-in: just enough of index.html to tell it apart. */
export function fakeClientDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ttt-client-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>tic-tac-toe test page</title>');
  return dir;
}

/** Every rate limit and cap off: tests sign many players up from one address. A test of a limit turns it on. */
export const NO_RATE_LIMITS: RateLimits = {
  requests: null,
  signUps: null,
  signIns: null,
  signInFailures: null,
  invitations: null,
  invitationsPerAddress: null,
  pendingInvitations: null,
  streamsPerAddress: null,
};

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ SESSION_SECRET: TEST_SECRET }),
    clientDir: fakeClientDir(),
    rateLimits: NO_RATE_LIMITS,
    ...overrides,
  };
}

export async function testApp(options: Omit<Partial<AppOptions>, 'config'> & { config?: Partial<Config> } = {}) {
  return buildApp({ accounts: TEST_ACCOUNTS, ...options, config: testConfig(options.config) });
}

/** One browser: carries its session cookie from answer to request, like a real one. */
export class Browser {
  cookie: string | undefined;
  constructor(private readonly app: FastifyInstance) {}

  async request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const headers = { ...(options.headers ?? {}) } as Record<string, string>;
    if (this.cookie && !('cookie' in headers)) headers.cookie = this.cookie;
    const response = await this.app.inject({ ...options, headers });
    const setCookie = response.headers['set-cookie'];
    for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const pair = line.split(';')[0] ?? '';
      const [name, value] = pair.split('=');
      if (name === 'ttt_session') this.cookie = value ? pair : undefined;
    }
    return response;
  }

  get(url: string, headers: Record<string, string> = {}) {
    return this.request({ method: 'GET', url, headers });
  }

  /** Another browser on `app` holding a copy of this one's cookie (captured, another device, or the same server restarted). */
  copyTo(app: FastifyInstance): Browser {
    const copy = new Browser(app);
    copy.cookie = this.cookie;
    return copy;
  }

  post(url: string, payload?: unknown, headers: Record<string, string> = {}) {
    return this.request({
      method: 'POST',
      url,
      ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
      headers,
    });
  }
}
