import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 5000,
      host: '0.0.0.0',
      logLevel: 'info',
      sessionSecret: undefined,
      trustProxy: false,
    });
    expect(config.clientDir).toMatch(/client[/\\]dist$/);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      SESSION_SECRET: 's'.repeat(32),
      SESSION_SECRET_PREVIOUS: 'p'.repeat(32),
      TRUST_PROXY: 'true',
      CLIENT_DIR: '/srv/client',
    });
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      logLevel: 'debug',
      sessionSecret: 's'.repeat(32),
      sessionSecretPrevious: 'p'.repeat(32),
      trustProxy: true,
      clientDir: '/srv/client',
    });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', SESSION_SECRET: '' })).toMatchObject({ port: 5000, sessionSecret: undefined });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT: must be a whole number \(got "eighty"\)/],
    [{ PORT: '70000' }, /PORT: must be 65535 or less/],
    [{ PORT: '0' }, /PORT: must be 1 or more/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL: .*"loud"/],
    [{ TRUST_PROXY: 'maybe' }, /TRUST_PROXY/],
  ])('names the variable in the error for %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
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
});
