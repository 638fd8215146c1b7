import {
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
  type UpdateTimeToLiveCommandInput,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynaliteClient, freshTableName, startDynalite } from '../../test-support/dynalite.js';
import { ensureTable, ensureTimeToLive } from './table.js';

const named = (name: string, message: string) => Object.assign(new Error(message), { name });

/** A client that answers DescribeTimeToLive with `status` and UpdateTimeToLive as `update` says. */
function fakeDatabase(
  status: { TimeToLiveStatus: string; AttributeName?: string },
  update: () => unknown = () => ({}),
) {
  const updates: UpdateTimeToLiveCommandInput[] = [];
  const client = {
    async send(command: unknown) {
      if (command instanceof DescribeTimeToLiveCommand) return { TimeToLiveDescription: status };
      if (command instanceof UpdateTimeToLiveCommand) {
        updates.push(command.input);
        const answer = update();
        if (answer instanceof Error) throw answer;
        return answer;
      }
      throw new Error('unexpected command');
    },
  } as unknown as DynamoDBClient;
  const warnings: string[] = [];
  const logger = { info() {}, warn: (_details: object, message: string) => warnings.push(message) };
  return { target: { client, table: 'Games', logger }, updates, warnings };
}

describe('ensureTimeToLive', () => {
  it('turns TTL on for ExpiresAt when it is off', async () => {
    const { target, updates, warnings } = fakeDatabase({ TimeToLiveStatus: 'DISABLED' });
    expect(await ensureTimeToLive(target)).toBe('enabled');
    expect(updates).toEqual([
      { TableName: 'Games', TimeToLiveSpecification: { AttributeName: 'ExpiresAt', Enabled: true } },
    ]);
    expect(warnings).toEqual([]);
  });

  it('leaves TTL alone when it is already on, or turning on, for ExpiresAt', async () => {
    for (const TimeToLiveStatus of ['ENABLED', 'ENABLING']) {
      const { target, updates } = fakeDatabase({ TimeToLiveStatus, AttributeName: 'ExpiresAt' });
      expect(await ensureTimeToLive(target)).toBe('already-on');
      expect(updates).toEqual([]);
    }
  });

  it('warns, and changes nothing, when TTL is on another attribute', async () => {
    const { target, updates, warnings } = fakeDatabase({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
    expect(await ensureTimeToLive(target)).toBe('other-attribute');
    expect(updates).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/on the attribute ttl, not ExpiresAt/)]);
  });

  it('counts another instance turning it on first as on', async () => {
    const { target, warnings } = fakeDatabase({ TimeToLiveStatus: 'DISABLED' }, () =>
      named('ValidationException', 'TimeToLive is already enabled'),
    );
    expect(await ensureTimeToLive(target)).toBe('already-on');
    expect(warnings).toEqual([]);
  });

  it('starts anyway, with a warning that says what to do, when DynamoDB will not or may not', async () => {
    for (const refusal of [
      named('AccessDeniedException', 'not authorized to perform: dynamodb:UpdateTimeToLive'),
      named('ValidationException', 'Time to live has been modified multiple times within a fixed interval'),
      named('LimitExceededException', 'too many table operations'),
    ]) {
      const { target, warnings } = fakeDatabase({ TimeToLiveStatus: 'DISABLED' }, () => refusal);
      expect(await ensureTimeToLive(target)).toBe('not-enabled');
      expect(warnings).toEqual([expect.stringContaining(refusal.name)]);
      expect(warnings[0]).toContain('Enable TTL on the attribute ExpiresAt');
    }
  });
});

describe('ensureTable on dynalite, which has no UpdateTimeToLive', () => {
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  beforeAll(async () => {
    dynalite = await startDynalite();
  });
  afterAll(async () => {
    await dynalite.close();
  });

  it('creates the table, tries to turn TTL on, and starts with a warning', async () => {
    const client = dynaliteClient(dynalite.endpoint);
    const warnings: string[] = [];
    const logger = { info() {}, warn: (_details: object, message: string) => warnings.push(message) };
    const target = { client, table: freshTableName(), logger };
    await ensureTable(target, { create: true, pollMs: 20 });
    expect(warnings).toEqual([expect.stringMatching(/Could not enable TTL .*UnknownOperationException/)]);
    // Not allowed to create: TTL is not touched either (and needs no permission).
    warnings.length = 0;
    await ensureTable(target, { create: false });
    expect(warnings).toEqual([]);
    client.destroy();
  });
});
