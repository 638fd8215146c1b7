import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { App, aws_ecs as ecs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSettings } from './settings.js';
import {
  CONTAINER_PORT,
  DEREGISTRATION_DELAY_SECONDS,
  REPOSITORY_ROOT,
  STOP_TIMEOUT_SECONDS,
  TABLE,
  TABLE_ACTIONS,
  TicTacToeStack,
} from './tictactoe-stack.js';

/** The feature flags the real app runs with (cdk.json), so the tests synthesize what a deploy would. */
const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};
const readRepositoryFile = (path: string) => readFileSync(join(REPOSITORY_ROOT, path), 'utf8');

interface SynthOptions {
  /** Build the Dockerfile as an asset (staged, never built) instead of a placeholder image. */
  asset?: boolean;
  outdir?: string;
}

function synth(context: Record<string, unknown> = {}, options: SynthOptions = {}) {
  const app = new App({
    context: { ...cdkJson.context, ...context },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const settings = readSettings((key) => app.node.tryGetContext(key));
  const stack = new TicTacToeStack(app, settings.stackName, {
    settings,
    ...(options.asset ? {} : { image: ecs.ContainerImage.fromRegistry('placeholder.invalid/tictactoe:test') }),
  });
  return { app, stack, template: Template.fromStack(stack) };
}

type Json = Record<string, unknown>;
const resources = (template: Template, type: string) =>
  Object.entries(template.findResources(type)) as [string, Json][];
const only = (template: Template, type: string): [string, Json] => {
  const found = resources(template, type);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Json];
};
const propertiesOf = (resource: Json) => resource.Properties as Json;

interface ContainerDefinition {
  Environment: { Name: string; Value: unknown }[];
  Secrets?: { Name: string; ValueFrom: unknown }[];
  [key: string]: unknown;
}
const containerOf = (template: Template): ContainerDefinition => {
  const definitions = propertiesOf(only(template, 'AWS::ECS::TaskDefinition')[1])
    .ContainerDefinitions as ContainerDefinition[];
  expect(definitions).toHaveLength(1);
  return definitions[0] as ContainerDefinition;
};
const environmentOf = (template: Template) =>
  Object.fromEntries(containerOf(template).Environment.map((entry) => [entry.Name, entry.Value]));

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}
const actionsOf = (statement: Statement) => [statement.Action].flat();
const resourcesOf = (statement: Statement) =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
/** The statements of the inline policies attached to a role (by its logical id). */
function statementsOfRole(template: Template, roleId: string): Statement[] {
  return resources(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(propertiesOf(policy).Roles).includes(`"${roleId}"`))
    .flatMap(([, policy]) => (propertiesOf(policy).PolicyDocument as { Statement: Statement[] }).Statement);
}
/** The logical ids of the current and the previous session secret. */
function sessionSecretIds(template: Template): [string, string] {
  const ids = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
  const previous = ids.filter((id) => id.startsWith('SessionSecretPrevious'));
  const current = ids.filter((id) => id.startsWith('SessionSecret') && !id.startsWith('SessionSecretPrevious'));
  expect([current.length, previous.length]).toEqual([1, 1]);
  return [current[0] ?? '', previous[0] ?? ''];
}
const getAttOf = (value: unknown) => (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];

describe('the default stack', () => {
  const { template } = synth();
  const container = containerOf(template);
  const environment = environmentOf(template);
  const [tableId, table] = only(template, 'AWS::DynamoDB::Table');
  const [serviceId, service] = only(template, 'AWS::ECS::Service');
  const taskDefinition = propertiesOf(only(template, 'AWS::ECS::TaskDefinition')[1]);

  it('runs the container on port 5000', () => {
    expect(CONTAINER_PORT).toBe(5000);
    expect(container.PortMappings).toEqual([expect.objectContaining({ ContainerPort: 5000, Protocol: 'tcp' })]);
    template.hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: [Match.objectLike({ ContainerName: 'web', ContainerPort: 5000 })],
    });
  });

  it('checks liveness on /healthz in the container and readiness on /readyz at the load balancer', () => {
    expect((container.HealthCheck as { Command: string[] }).Command.join(' ')).toMatch(
      /^CMD node -e fetch\('http:\/\/127\.0\.0\.1:.*\/healthz'\)/,
    );
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 80,
      TargetType: 'ip',
      HealthCheckPath: '/readyz',
      Matcher: { HttpCode: '200' },
    });
  });

  it('runs at least two tasks, scaling on CPU from there, on Fargate with 0.25 vCPU and 512 MB', () => {
    expect(propertiesOf(service).DesiredCount).toBe(2);
    expect(propertiesOf(service).LaunchType).toBe('FARGATE');
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 6 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      }),
    });
    expect(taskDefinition).toMatchObject({ Cpu: '256', Memory: '512', RequiresCompatibilities: ['FARGATE'] });
    expect(taskDefinition.RuntimePlatform).toEqual({ CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' });
  });

  it('fails a bad deploy: the circuit breaker rolls back, and old tasks stay until new ones are healthy', () => {
    expect(propertiesOf(service).DeploymentConfiguration).toMatchObject({
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      MinimumHealthyPercent: 100,
      MaximumPercent: 200,
    });
  });

  it("stops within the app's graceful stop, after a short drain", () => {
    // main.ts: SIGTERM closes the server and exits, or gives up after this many milliseconds.
    const graceful = /graceful stop took longer[\s\S]*?\},\s*([\d_]+)\);/.exec(
      readRepositoryFile('server/src/main.ts'),
    );
    const gracefulMs = Number(graceful?.[1]?.replaceAll('_', ''));
    expect(gracefulMs).toBeGreaterThan(0);
    expect(container.StopTimeout).toBe(STOP_TIMEOUT_SECONDS);
    expect(STOP_TIMEOUT_SECONDS * 1000).toBeGreaterThan(gracefulMs);
    expect(STOP_TIMEOUT_SECONDS).toBeLessThanOrEqual(120);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'deregistration_delay.timeout_seconds', Value: String(DEREGISTRATION_DELAY_SECONDS) },
      ]),
    });
    expect(DEREGISTRATION_DELAY_SECONDS).toBeLessThan(60);
  });

  it('raises the open-files limit and keeps the root filesystem read-only', () => {
    expect(container.Ulimits).toEqual([{ Name: 'nofile', SoftLimit: 65536, HardLimit: 65536 }]);
    expect(container.ReadonlyRootFilesystem).toBe(true);
    expect(container.MountPoints ?? []).toEqual([]);
  });

  it('defines the games table as the app reads it: key, both indexes, on demand, PITR, protection, TTL', () => {
    expect(propertiesOf(table)).toMatchObject({
      KeySchema: [{ AttributeName: 'GameId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      TimeToLiveSpecification: { AttributeName: 'ExpiresAt', Enabled: true },
    });
    expect(propertiesOf(table).AttributeDefinitions).toEqual(
      expect.arrayContaining(
        ['GameId', 'HostId', 'OpponentId', 'StatusDate'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      ),
    );
    const indexes = propertiesOf(table).GlobalSecondaryIndexes as Json[];
    expect(indexes.map((index) => index.IndexName).sort()).toEqual([
      'HostId-StatusDate-index',
      'Leaderboard-Rating-index',
      'OpponentId-StatusDate-index',
    ]);
    expect(indexes.find((index) => index.IndexName === 'Leaderboard-Rating-index')?.KeySchema).toEqual([
      { AttributeName: 'Leaderboard', KeyType: 'HASH' },
      { AttributeName: 'Rating', KeyType: 'RANGE' },
    ]);
    expect(propertiesOf(table).AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'Leaderboard', AttributeType: 'S' },
        { AttributeName: 'Rating', AttributeType: 'N' },
      ]),
    );
    for (const [partitionKey, name] of [
      ['HostId', 'HostId-StatusDate-index'],
      ['OpponentId', 'OpponentId-StatusDate-index'],
    ]) {
      const index = indexes.find((candidate) => candidate.IndexName === name);
      expect(index?.KeySchema).toEqual([
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: 'StatusDate', KeyType: 'RANGE' },
      ]);
      expect(index?.Projection).toMatchObject({ ProjectionType: 'INCLUDE' });
    }
  });

  it("matches the server's own table code: index names, projected attributes and the TTL attribute", () => {
    const tableSource = readRepositoryFile('server/src/storage/dynamodb/table.ts');
    const codecSource = readRepositoryFile('server/src/storage/dynamodb/codec.ts');
    for (const index of TABLE.indexes) {
      expect(tableSource).toContain(`'${index.name}'`);
      expect(tableSource).toContain(`partitionKey: '${index.partitionKey}'`);
    }
    const summary = /export const SUMMARY_ATTRIBUTES = \[([^\]]*)\]/.exec(codecSource)?.[1] ?? '';
    const summaryAttributes = [...summary.matchAll(/'([A-Za-z]+)'/g)].map((match) => match[1]);
    expect(summaryAttributes.length).toBeGreaterThan(5);
    expect([...TABLE.summaryAttributes]).toEqual(summaryAttributes);
    expect(codecSource).toContain(`export const EXPIRES_ATTRIBUTE = '${TABLE.ttlAttribute}'`);
    const indexes = propertiesOf(table).GlobalSecondaryIndexes as {
      IndexName: string;
      Projection: { NonKeyAttributes: string[] };
    }[];
    const statsCodec = readRepositoryFile('server/src/storage/dynamodb/stats-codec.ts');
    const ranked = /export const RANKED_ATTRIBUTES = \[([^\]]*)\]/.exec(statsCodec)?.[1] ?? '';
    expect([...TABLE.leaderboard.attributes]).toEqual([...ranked.matchAll(/'([A-Za-z]+)'/g)].map((match) => match[1]));
    expect(tableSource).toContain(`'${TABLE.leaderboard.name}'`);
    for (const index of indexes) {
      if (index.IndexName === TABLE.leaderboard.name) {
        expect(index.Projection.NonKeyAttributes.sort()).toEqual([...TABLE.leaderboard.attributes].sort());
        continue;
      }
      const partitionKey = index.IndexName.split('-')[0];
      expect(index.Projection.NonKeyAttributes.sort()).toEqual(
        summaryAttributes.filter((name) => name !== partitionKey).sort(),
      );
    }
  });

  it('keeps the table when the stack is destroyed', () => {
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('runs the app against that table, never creating one', () => {
    expect(environment).toMatchObject({
      STORAGE: 'dynamodb',
      DYNAMODB_TABLE: { Ref: tableId },
      DYNAMODB_CREATE_TABLES: 'false',
      AWS_REGION: { Ref: 'AWS::Region' },
    });
  });

  it('gives the task role exactly the DynamoDB actions the server sends, on the table and its indexes only', () => {
    const taskRoleId = getAttOf(taskDefinition.TaskRoleArn)?.[0] ?? '';
    const statements = statementsOfRole(template, taskRoleId);
    expect(statements).toHaveLength(1);
    const [statement] = statements as [Statement];
    expect(statement.Effect).toBe('Allow');
    expect(actionsOf(statement).sort()).toEqual([...TABLE_ACTIONS].sort());
    expect(resourcesOf(statement)).toEqual([
      { 'Fn::GetAtt': [tableId, 'Arn'] },
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, '/index/*']] },
    ]);
  });

  it('grants what server/src/storage/dynamodb/ imports, minus what only creating the table needs (update both together)', () => {
    const folder = join(REPOSITORY_ROOT, 'server/src/storage/dynamodb');
    const sent = new Set<string>();
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
      const source = readFileSync(join(folder, file), 'utf8');
      const imports = /import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-dynamodb'/.exec(source)?.[1] ?? '';
      for (const match of imports.matchAll(/\b([A-Z][A-Za-z]+)Command\b/g)) sent.add(`dynamodb:${match[1]}`);
    }
    // UpdateTable adds the leaderboard index to a table made before it, also only when allowed to create.
    const onlyWhenCreating = [
      'dynamodb:CreateTable',
      'dynamodb:DescribeTimeToLive',
      'dynamodb:UpdateTable',
      'dynamodb:UpdateTimeToLive',
    ];
    expect(onlyWhenCreating.every((action) => sent.has(action))).toBe(true);
    expect([...sent].filter((action) => !onlyWhenCreating.includes(action)).sort()).toEqual([...TABLE_ACTIONS].sort());
  });

  it('grants no dynamodb:* anywhere, and no DynamoDB action on "*"', () => {
    const everything = JSON.stringify(template.toJSON());
    expect(everything).not.toMatch(/"dynamodb:\*"/);
    const statements = resources(template, 'AWS::IAM::Policy').flatMap(
      ([, policy]) => (propertiesOf(policy).PolicyDocument as { Statement: Statement[] }).Statement,
    );
    const dynamo = statements.filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('dynamodb:')),
    );
    expect(dynamo.length).toBeGreaterThan(0);
    for (const statement of dynamo) expect(resourcesOf(statement)).not.toContain('*');
  });

  it('lets only this account’s ECS tasks assume the task role', () => {
    const taskRoleId = getAttOf(taskDefinition.TaskRoleArn)?.[0] ?? '';
    const role = propertiesOf(template.findResources('AWS::IAM::Role')[taskRoleId] as Json);
    expect(role.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Principal: { Service: 'ecs-tasks.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: { 'aws:SourceArn': expect.anything() },
          },
        },
      ],
    });
  });

  it('takes SESSION_SECRET and SESSION_SECRET_PREVIOUS from generated secrets, never from the plain environment', () => {
    const secrets = resources(template, 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(2);
    for (const [, secret] of secrets) {
      const generated = propertiesOf(secret).GenerateSecretString as { PasswordLength: number };
      expect(generated.PasswordLength).toBeGreaterThanOrEqual(32);
      expect(propertiesOf(secret).SecretString).toBeUndefined();
    }
    const [current, previous] = sessionSecretIds(template);
    expect(container.Secrets).toEqual([
      { Name: 'SESSION_SECRET', ValueFrom: { Ref: current } },
      { Name: 'SESSION_SECRET_PREVIOUS', ValueFrom: { Ref: previous } },
    ]);
    expect(Object.keys(environment).filter((name) => /SECRET|PASSWORD|TOKEN|KEY/i.test(name))).toEqual([]);
  });

  it('logs to CloudWatch with a retention period', () => {
    const [logGroupId, logGroup] = only(template, 'AWS::Logs::LogGroup');
    expect(propertiesOf(logGroup).RetentionInDays).toBe(30);
    expect(container.LogConfiguration).toMatchObject({
      LogDriver: 'awslogs',
      Options: { 'awslogs-group': { Ref: logGroupId }, mode: 'non-blocking' },
    });
  });

  it('runs a Valkey serverless cache as the bus, reachable only from the service, over TLS', () => {
    const [cacheId, cache] = only(template, 'AWS::ElastiCache::ServerlessCache');
    expect(propertiesOf(cache)).toMatchObject({ Engine: 'valkey' });
    const cacheGroups = propertiesOf(cache).SecurityGroupIds as unknown[];
    expect(cacheGroups).toHaveLength(1);
    const cacheGroupId = getAttOf(cacheGroups[0])?.[0] ?? '';
    const serviceGroups = (propertiesOf(service).NetworkConfiguration as Json).AwsvpcConfiguration as {
      SecurityGroups: unknown[];
    };
    expect(serviceGroups.SecurityGroups).toHaveLength(1);
    const serviceGroupId = getAttOf(serviceGroups.SecurityGroups[0])?.[0];

    // Every way in: one rule, from the service's group, on the cache's ports; nothing from an address range.
    const group = propertiesOf(template.findResources('AWS::EC2::SecurityGroup')[cacheGroupId] as Json);
    expect(group.SecurityGroupIngress ?? []).toEqual([]);
    const ingress = resources(template, 'AWS::EC2::SecurityGroupIngress')
      .map(([, rule]) => propertiesOf(rule))
      .filter((rule) => getAttOf(rule.GroupId)?.[0] === cacheGroupId);
    expect(ingress).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 6379,
        ToPort: 6380,
        SourceSecurityGroupId: { 'Fn::GetAtt': [serviceGroupId, 'GroupId'] },
      }),
    ]);
    expect(ingress[0]?.CidrIp).toBeUndefined();

    expect(environment.REDIS_URL).toEqual({
      'Fn::Join': [
        '',
        [
          'rediss://',
          { 'Fn::GetAtt': [cacheId, 'Endpoint.Address'] },
          ':',
          { 'Fn::GetAtt': [cacheId, 'Endpoint.Port'] },
        ],
      ],
    });
    expect(environment.REDIS_CLUSTER).toBe('true');
  });

  it('serves HTTP on port 80 without a certificate, behind one trusted proxy', () => {
    const listeners = resources(template, 'AWS::ElasticLoadBalancingV2::Listener').map(([, listener]) =>
      propertiesOf(listener),
    );
    expect(listeners).toEqual([expect.objectContaining({ Port: 80, Protocol: 'HTTP' })]);
    expect(environment.TRUST_PROXY).toBe('1');
    template.hasOutput('Url', { Value: { 'Fn::Join': ['', ['http://', Match.anyValue()]] } });
  });

  it('has no web ACL unless asked', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  it('emits metrics as Embedded Metric Format under the stack name', () => {
    expect(environment).toMatchObject({ METRICS: 'emf', METRICS_SERVICE: 'TicTacToe' });
  });

  it("alarms on the app's 5xx rate, unhealthy targets and DynamoDB throttles, and draws a dashboard", () => {
    const alarms = resources(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => propertiesOf(alarm));
    expect(alarms).toHaveLength(3);
    const appMetric = (name: string) => ({
      Namespace: 'TicTacToe',
      MetricName: name,
      Dimensions: [{ Name: 'Service', Value: 'TicTacToe' }],
    });
    const errorRate = alarms.find((alarm) => Array.isArray(alarm.Metrics));
    const queries = errorRate?.Metrics as { Expression?: string; MetricStat?: { Metric: Json } }[];
    expect(queries.find((query) => query.Expression)?.Expression).toMatch(/errors \/ requests/);
    expect(queries.flatMap((query) => (query.MetricStat ? [query.MetricStat.Metric] : []))).toEqual(
      expect.arrayContaining([appMetric('Responses5xx'), appMetric('Requests')]),
    );
    expect(alarms).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Namespace: 'AWS/ApplicationELB', MetricName: 'UnHealthyHostCount' }),
        expect.objectContaining({ ...appMetric('DynamoDBThrottles'), Statistic: 'Sum', Threshold: 1 }),
      ]),
    );
    const [, dashboard] = only(template, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(propertiesOf(dashboard).DashboardBody);
    for (const name of [
      'Requests',
      'Responses5xx',
      'Moves',
      'LiveStreams',
      'DynamoDBLatency',
      'DynamoDBRequests',
      'DynamoDBThrottles',
    ]) {
      expect(body).toContain(`\\"${name}\\"`);
    }
  });

  it('keeps old images from piling up in its repository', () => {
    const [, repository] = only(template, 'AWS::ECR::Repository');
    const policy = JSON.parse(
      ((propertiesOf(repository).LifecyclePolicy as Json).LifecyclePolicyText as string) ?? '{}',
    );
    expect(policy.rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ selection: expect.objectContaining({ countType: 'imageCountMoreThan' }) }),
      ]),
    );
  });

  it('outputs the URL and the command that follows the logs', () => {
    const [logGroupId] = only(template, 'AWS::Logs::LogGroup');
    template.hasOutput('LogsCommand', {
      Value: {
        'Fn::Join': ['', ['aws logs tail ', { Ref: logGroupId }, ' --follow --region ', { Ref: 'AWS::Region' }]],
      },
    });
    for (const name of [
      'Url',
      'ClusterName',
      'ServiceName',
      'RepositoryUri',
      'TableName',
      'SessionSecretArn',
      'SessionSecretPreviousArn',
    ]) {
      template.hasOutput(name, {});
    }
    expect(serviceId).toBeTruthy();
  });
});

describe('with context', () => {
  const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc';

  it('certificateArn: HTTPS on 443 with that certificate, HTTP redirected to it, TRUST_PROXY set', () => {
    const { template } = synth({ certificateArn, domainName: 'play.example.com' });
    const listeners = resources(template, 'AWS::ElasticLoadBalancingV2::Listener').map(([, listener]) =>
      propertiesOf(listener),
    );
    expect(listeners).toHaveLength(2);
    expect(listeners).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Port: 443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: certificateArn }] }),
        expect.objectContaining({
          Port: 80,
          Protocol: 'HTTP',
          DefaultActions: [
            expect.objectContaining({
              Type: 'redirect',
              RedirectConfig: expect.objectContaining({ Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' }),
            }),
          ],
        }),
      ]),
    );
    expect(environmentOf(template).TRUST_PROXY).toBe('1');
    template.hasOutput('Url', { Value: 'https://play.example.com' });
  });

  it('waf=on: a regional web ACL with a rate-based rule per address, on the load balancer', () => {
    const { template } = synth({ waf: 'on', wafRateLimit: '500' });
    const [aclId, acl] = only(template, 'AWS::WAFv2::WebACL');
    expect(propertiesOf(acl)).toMatchObject({
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        expect.objectContaining({
          Action: { Block: {} },
          Statement: { RateBasedStatement: expect.objectContaining({ Limit: 500, AggregateKeyType: 'IP' }) },
        }),
      ],
    });
    const [loadBalancerId] = only(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: loadBalancerId },
      WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
    });
  });

  it('bus=off: no cache and no REDIS_URL (the tasks share changes by polling DynamoDB)', () => {
    const { template } = synth({ bus: 'off' });
    template.resourceCountIs('AWS::ElastiCache::ServerlessCache', 0);
    expect(environmentOf(template).REDIS_URL).toBeUndefined();
  });

  it('desiredCount and stackName: more tasks, and the metrics dimension follows the stack name', () => {
    const { template } = synth({ desiredCount: '4', stackName: 'ttt-staging' });
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 4 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 4 });
    expect(environmentOf(template).METRICS_SERVICE).toBe('ttt-staging');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'Service', Value: 'ttt-staging' }],
    });
  });

  it('deleteTableOnDestroy=true: the table goes with the stack, unprotected', () => {
    const { template } = synth({ deleteTableOnDestroy: 'true' });
    const [, table] = only(template, 'AWS::DynamoDB::Table');
    expect(table.DeletionPolicy).toBe('Delete');
    expect(propertiesOf(table).DeletionProtectionEnabled).toBe(false);
  });

  it('arch=arm64: Graviton tasks', () => {
    const { template } = synth({ arch: 'arm64' });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
  });

  it("imageTag: runs that tag of the stack's repository, which the execution role may pull from", () => {
    const { template } = synth({ imageTag: 'v1.2.3' }, { asset: true });
    const [repositoryId] = only(template, 'AWS::ECR::Repository');
    expect(JSON.stringify(containerOf(template).Image)).toContain(repositoryId);
    expect(JSON.stringify(containerOf(template).Image)).toContain(':v1.2.3');
    const policies = JSON.stringify(resources(template, 'AWS::IAM::Policy'));
    expect(policies).toContain(`"Fn::GetAtt":["${repositoryId}","Arn"]`);
  });
});

describe('the image asset', () => {
  const work = mkdtempSync(join(tmpdir(), 'ttt-cdk-'));
  const calls = join(work, 'engine-calls');
  const saved = { PATH: process.env.PATH, CDK_DOCKER: process.env.CDK_DOCKER };
  let outdir = '';
  let template: Template;

  beforeAll(() => {
    // Any container engine synth might call records the call and fails.
    const fakeBin = join(work, 'bin');
    mkdirSync(fakeBin);
    for (const name of ['docker', 'podman', 'finch']) {
      const path = join(fakeBin, name);
      writeFileSync(path, `#!/bin/sh\necho "${name} $*" >> '${calls}'\nexit 1\n`);
      chmodSync(path, 0o755);
    }
    process.env.PATH = `${fakeBin}${delimiter}${process.env.PATH ?? ''}`;
    process.env.CDK_DOCKER = join(fakeBin, 'docker');
    outdir = join(work, 'cdk.out');
    const result = synth({ arch: 'arm64' }, { asset: true, outdir });
    template = result.template;
    result.app.synth();
  });

  afterAll(() => {
    process.env.PATH = saved.PATH;
    if (saved.CDK_DOCKER === undefined) delete process.env.CDK_DOCKER;
    else process.env.CDK_DOCKER = saved.CDK_DOCKER;
    rmSync(work, { recursive: true, force: true });
  });

  it('is the repository Dockerfile, for the chosen platform, published to the bootstrap repository at deploy', () => {
    const manifest = JSON.parse(readFileSync(join(outdir, 'TicTacToe.assets.json'), 'utf8')) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile?: string; platform?: string } }>;
    };
    const images = Object.values(manifest.dockerImages);
    expect(images).toHaveLength(1);
    expect(images[0]?.source).toMatchObject({ dockerFile: 'Dockerfile', platform: 'linux/arm64' });
    expect(JSON.stringify(containerOf(template).Image)).toMatch(/container-assets/);
  });

  it('scopes the execution role to its log group, its secret and its image (plus the ECR login, which has no resource)', () => {
    const taskDefinition = propertiesOf(only(template, 'AWS::ECS::TaskDefinition')[1]);
    const executionRoleId = getAttOf(taskDefinition.ExecutionRoleArn)?.[0] ?? '';
    const [current, previous] = sessionSecretIds(template);
    const [logGroupId] = only(template, 'AWS::Logs::LogGroup');
    const statements = statementsOfRole(template, executionRoleId);
    const byAction = new Map(
      statements.flatMap((statement) => actionsOf(statement).map((action) => [action, statement])),
    );
    expect([...byAction.keys()].sort()).toEqual([
      'ecr:BatchCheckLayerAvailability',
      'ecr:BatchGetImage',
      'ecr:GetAuthorizationToken',
      'ecr:GetDownloadUrlForLayer',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    expect(byAction.get('logs:PutLogEvents')?.Resource).toEqual({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
    expect(resourcesOf(byAction.get('secretsmanager:GetSecretValue') as Statement)).toEqual(
      expect.arrayContaining([{ Ref: current }, { Ref: previous }]),
    );
    expect(resourcesOf(byAction.get('secretsmanager:GetSecretValue') as Statement)).toHaveLength(2);
    for (const statement of statements) {
      if (resourcesOf(statement).includes('*')) expect(actionsOf(statement)).toEqual(['ecr:GetAuthorizationToken']);
    }
    const role = propertiesOf(template.findResources('AWS::IAM::Role')[executionRoleId] as Json);
    expect(role.ManagedPolicyArns).toBeUndefined();
  });

  it('is staged, not built: synth runs no container engine', () => {
    expect(existsSync(calls) ? readFileSync(calls, 'utf8') : '').toBe('');
  });

  it('stages the app without installs, CDK output or the deploy code (so editing the stack rebuilds nothing)', () => {
    const staged = readdirSync(outdir).find(
      (name) => name.startsWith('asset.') && existsSync(join(outdir, name, 'Dockerfile')),
    );
    expect(staged).toBeDefined();
    const root = join(outdir, staged ?? '');
    for (const kept of ['Dockerfile', 'package-lock.json', 'server/src/main.ts', 'deploy/tests']) {
      expect(existsSync(join(root, kept)), kept).toBe(true);
    }
    for (const left of ['node_modules', 'deploy/node_modules', 'deploy/lib', 'deploy/cdk.json', '.git']) {
      expect(existsSync(join(root, left)), left).toBe(false);
    }
  });
});
