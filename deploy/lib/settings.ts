/** The stack's settings: CDK context (`-c name=value` or cdk.json), checked once, with messages naming the key. */

export type Architecture = 'x86_64' | 'arm64';

export interface Settings {
  /** The CloudFormation stack's name; also the `Service` dimension of the app's metrics. */
  stackName: string;
  /** The tasks' CPU architecture; arm64 runs on Graviton (about 20% cheaper). */
  arch: Architecture;
  /** An ACM certificate in the stack's region: HTTPS on 443, HTTP redirected to it. */
  certificateArn: string | undefined;
  /** The name users type, for the URL output (point it at the load balancer yourself). */
  domainName: string | undefined;
  /** A WAF web ACL with a rate-based rule in front of the load balancer. */
  waf: boolean;
  /** Requests one address may make in 5 minutes before WAF blocks it. */
  wafRateLimit: number;
  /** The ElastiCache Serverless (Valkey) bus between tasks. */
  bus: boolean;
  /** Tasks running at least; autoscaling on CPU adds up to maxCount. */
  desiredCount: number;
  maxCount: number;
  /** NAT gateways for the tasks' private subnets (1 is cheaper, 2 survives the loss of a zone). */
  natGateways: number;
  /** Delete the games table with the stack; by default it is kept (and protected from deletion). */
  deleteTableOnDestroy: boolean;
  /** Where alarms send an email (SNS; confirm the subscription once); none by default. */
  alarmEmail: string | undefined;
  /** Run this tag of the stack's own ECR repository instead of building the Dockerfile. */
  imageTag: string | undefined;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** What the CDK app hands over: node.tryGetContext. */
export type ContextReader = (key: string) => unknown;

const text = (value: unknown): string | undefined =>
  value === undefined || value === null || value === '' ? undefined : String(value);

export function readSettings(context: ContextReader): Settings {
  const problems: string[] = [];
  const flag = (key: string, fallback: boolean): boolean => {
    const value = text(context(key));
    if (value === undefined) return fallback;
    if (/^(true|on|yes|1)$/i.test(value)) return true;
    if (/^(false|off|no|0)$/i.test(value)) return false;
    problems.push(`${key}: must be on or off (got ${JSON.stringify(value)})`);
    return fallback;
  };
  const whole = (key: string, min: number, max: number, fallback: number): number => {
    const value = text(context(key));
    if (value === undefined) return fallback;
    const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!(number >= min && number <= max)) {
      problems.push(`${key}: must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
      return fallback;
    }
    return number;
  };
  const matching = (key: string, pattern: RegExp, what: string): string | undefined => {
    const value = text(context(key));
    if (value !== undefined && !pattern.test(value)) {
      problems.push(`${key}: must be ${what} (got ${JSON.stringify(value)})`);
      return undefined;
    }
    return value;
  };

  const stackName =
    matching('stackName', /^[A-Za-z][A-Za-z0-9-]{0,63}$/, 'a letter then letters, digits or -') ?? 'TicTacToe';
  const arch = text(context('arch')) ?? 'x86_64';
  if (arch !== 'x86_64' && arch !== 'arm64')
    problems.push(`arch: must be x86_64 or arm64 (got ${JSON.stringify(arch)})`);
  const certificateArn = matching(
    'certificateArn',
    /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
    'an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)',
  );
  const domainName = matching('domainName', /^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/i, 'a host name');
  const desiredCount = whole('desiredCount', 2, 100, 2);
  const maxCount = whole('maxCount', 2, 200, Math.max(6, desiredCount));
  if (maxCount < desiredCount)
    problems.push(`maxCount: must be at least desiredCount (${desiredCount}), got ${maxCount}`);
  const settings: Settings = {
    stackName,
    arch: arch === 'arm64' ? 'arm64' : 'x86_64',
    certificateArn,
    domainName,
    waf: flag('waf', false),
    wafRateLimit: whole('wafRateLimit', 10, 2_000_000_000, 1000),
    bus: flag('bus', true),
    desiredCount,
    maxCount,
    natGateways: whole('natGateways', 1, 2, 1),
    deleteTableOnDestroy: flag('deleteTableOnDestroy', false),
    alarmEmail: matching('alarmEmail', /^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an email address'),
    imageTag: matching('imageTag', /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'an image tag'),
  };
  if (problems.length > 0) throw new SettingsError(`Invalid context:\n  ${problems.join('\n  ')}`);
  return settings;
}
