import { describe, expect, it } from 'vitest';
import { dynaliteClient, freshTableName } from '../../test-support/dynalite.js';
import { freePort } from '../../test-support/ports.js';
import { gameRecord } from '../contract.js';
import { StorageUnavailableError } from '../errors.js';
import { OutageLog } from './outage-log.js';
import { DynamoStore } from './store.js';

interface Line {
  level: 'info' | 'warn';
  details: Record<string, unknown>;
  message: string;
}

function recorder() {
  const lines: Line[] = [];
  return {
    lines,
    logger: {
      debug() {},
      info: (details: object, message: string) => lines.push({ level: 'info', details: { ...details }, message }),
      warn: (details: object, message: string) => lines.push({ level: 'warn', details: { ...details }, message }),
    },
  };
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
const throttled = () => Object.assign(new Error('slow down'), { name: 'ThrottlingException' });

describe('outage warnings', () => {
  it('summarise a 60 s outage of 366 failures in a few lines, with counts and no stack', () => {
    const { lines, logger } = recorder();
    let now = 0;
    const outage = new OutageLog(logger, 'games', { intervalMs: 10_000, now: () => now });
    for (let i = 0; i < 366; i++) {
      now = Math.floor((i * 60_000) / 366);
      outage.failed(i % 3 === 0 ? throttled() : refused());
    }
    now = 61_000;
    outage.answered();

    // The first failure at once, then one line per 10 s, then the recovery.
    expect(lines.length).toBeLessThanOrEqual(1 + 6 + 1);
    expect(lines[0]).toMatchObject({ level: 'warn', details: { table: 'games', error: 'ThrottlingException' } });
    const summaries = lines.slice(1, -1);
    expect(summaries.length).toBeGreaterThanOrEqual(5);
    for (const line of summaries) {
      expect(line.level).toBe('warn');
      expect(line.details.errors).toEqual({
        ThrottlingException: expect.any(Number),
        ECONNREFUSED: expect.any(Number),
      });
    }
    const counted = summaries.reduce((sum, line) => sum + (line.details.failures as number), 0);
    expect(counted).toBeLessThanOrEqual(365);
    expect(lines.at(-1)).toMatchObject({ level: 'info', details: { failures: 366, seconds: 61 } });
    for (const line of lines) {
      expect(line.details.err).toBeUndefined();
      expect(JSON.stringify(line)).not.toContain('    at ');
    }
  });

  it('says nothing while the database answers, and starts again at the next outage', () => {
    const { lines, logger } = recorder();
    let now = 0;
    const outage = new OutageLog(logger, 'games', { intervalMs: 10_000, now: () => now });
    for (let i = 0; i < 100; i++) outage.answered();
    expect(lines).toEqual([]);
    outage.failed(refused());
    outage.answered();
    now = 20_000;
    outage.failed(refused());
    expect(lines.map((line) => line.level)).toEqual(['warn', 'info', 'warn']);
    expect(lines[2]?.details).toMatchObject({ error: 'ECONNREFUSED' });
  });

  it('are what a DynamoStore logs when nothing listens on its port', async () => {
    const { lines, logger } = recorder();
    const client = dynaliteClient(`http://127.0.0.1:${await freePort()}`, { maxAttempts: 1 });
    const store = new DynamoStore(client, freshTableName(), { logger, outage: { intervalMs: 10_000, now: () => 0 } });
    for (let i = 0; i < 5; i++) {
      await expect(store.getGame(gameRecord().id)).rejects.toBeInstanceOf(StorageUnavailableError);
    }
    await expect(store.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', details: { error: 'ECONNREFUSED' } });
    expect(lines[0]?.details.err).toBeUndefined();
    await store.close();
  });
});
