import { describe, expect, it } from 'vitest';
import { readSettings, SettingsError } from './settings.js';

const from = (context: Record<string, unknown>) => readSettings((key) => context[key]);

describe('readSettings', () => {
  it('defaults to two x86_64 tasks on HTTP with the bus, no WAF, and the table kept', () => {
    expect(from({})).toEqual({
      stackName: 'TicTacToe',
      arch: 'x86_64',
      certificateArn: undefined,
      domainName: undefined,
      waf: false,
      wafRateLimit: 1000,
      bus: true,
      desiredCount: 2,
      maxCount: 6,
      natGateways: 1,
      deleteTableOnDestroy: false,
      alarmEmail: undefined,
      imageTag: undefined,
    });
  });

  it('reads the strings of -c name=value and the JSON values of cdk.json alike', () => {
    const settings = from({
      arch: 'arm64',
      waf: 'on',
      bus: false,
      desiredCount: '3',
      maxCount: 12,
      deleteTableOnDestroy: 'true',
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc',
    });
    expect(settings).toMatchObject({ arch: 'arm64', waf: true, bus: false, desiredCount: 3, maxCount: 12 });
    expect(settings.deleteTableOnDestroy).toBe(true);
    expect(settings.certificateArn).toMatch(/^arn:aws:acm:eu-west-1:/);
  });

  it('keeps autoscaling above the desired count', () => {
    expect(from({ desiredCount: '8' }).maxCount).toBe(8);
  });

  it('names every invalid key at once, and never allows fewer than two tasks', () => {
    const attempt = () =>
      from({ desiredCount: '1', arch: 'arm', waf: 'maybe', certificateArn: 'my-cert', maxCount: '1' });
    expect(attempt).toThrow(SettingsError);
    expect(attempt).toThrow(/desiredCount: must be a whole number from 2 to 100 \(got "1"\)/);
    expect(attempt).toThrow(/arch: must be x86_64 or arm64/);
    expect(attempt).toThrow(/waf: must be on or off/);
    expect(attempt).toThrow(/certificateArn: must be an ACM certificate ARN/);
    expect(attempt).toThrow(/maxCount: must be a whole number from 2/);
  });

  it('rejects a stack name CloudFormation would refuse', () => {
    expect(() => from({ stackName: 'tic tac toe' })).toThrow(/stackName/);
    expect(from({ stackName: 'ttt-staging' }).stackName).toBe('ttt-staging');
  });
});
