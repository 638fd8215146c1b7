import { fileURLToPath } from 'node:url';
import {
  Aws,
  aws_certificatemanager as acm,
  CfnOutput,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  Duration,
  aws_dynamodb as dynamodb,
  aws_ec2 as ec2,
  aws_ecr as ecr,
  aws_ecs as ecs,
  aws_ecs_patterns as ecsPatterns,
  aws_elasticache as elasticache,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
  aws_logs as logs,
  RemovalPolicy,
  Size,
  Stack,
  type StackProps,
  aws_secretsmanager as secretsmanager,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
  aws_wafv2 as wafv2,
} from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import type { Construct } from 'constructs';
import type { Settings } from './settings.js';

/** The repository root: the Dockerfile's build context. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The table the app expects (server/src/storage/dynamodb/table.ts, codec.ts; docs/dynamodb.md). */
export const TABLE = {
  partitionKey: 'GameId',
  ttlAttribute: 'ExpiresAt',
  sortKey: 'StatusDate',
  indexes: [
    { name: 'HostId-StatusDate-index', partitionKey: 'HostId' },
    { name: 'OpponentId-StatusDate-index', partitionKey: 'OpponentId' },
  ],
  /** What a lobby list shows (SUMMARY_ATTRIBUTES), projected into both indexes besides the keys. */
  summaryAttributes: [
    'Version',
    'Status',
    'Invite',
    'HostId',
    'HostName',
    'OpponentId',
    'OpponentName',
    'HostMark',
    'Board',
    'Result',
    'CreatedAt',
    'UpdatedAt',
    'RematchOf',
    'TimeControl',
    'Deadline',
    'Rated',
    'Tally',
  ],
  /** The leaderboard: rated players' STATS# items by rating (a sparse index; RANKED_ATTRIBUTES projected). */
  leaderboard: {
    name: 'Leaderboard-Rating-index',
    partitionKey: 'Leaderboard',
    sortKey: 'Rating',
    attributes: ['PlayerName', 'Deviation', 'Volatility', 'RatedGames', 'LastRatedAt'],
  },
} as const;

/**
 * Every DynamoDB action the server sends with DYNAMODB_CREATE_TABLES=false (docs/dynamodb.md):
 * no CreateTable, and no TTL calls, which it makes only when it creates the table.
 */
export const TABLE_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
];

/** The metric contract with the app (server METRICS=emf): namespace and dimension. */
export const METRICS_NAMESPACE = 'TicTacToe';

export const CONTAINER_PORT = 5000;
/** main.ts gives in-flight requests 10 s after SIGTERM, then exits; ECS waits a little longer before SIGKILL. */
export const STOP_TIMEOUT_SECONDS = 15;
/** Draining only needs ordinary requests to finish: live streams reconnect to another task. */
export const DEREGISTRATION_DELAY_SECONDS = 15;

export interface TicTacToeStackProps extends StackProps {
  settings: Settings;
  /** Tests pass a placeholder so that synth neither stages nor hashes the repository; default: the Dockerfile. */
  image?: ecs.ContainerImage;
}

export class TicTacToeStack extends Stack {
  constructor(scope: Construct, id: string, props: TicTacToeStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const service = settings.stackName;

    const vpc = new ec2.Vpc(this, 'Network', {
      maxAzs: 2,
      natGateways: settings.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'tasks', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      ],
    });
    // Free, and keeps DynamoDB traffic off the NAT gateway (cheaper, one hop less).
    vpc.addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });

    const table = new dynamodb.Table(this, 'Games', {
      partitionKey: { name: TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.ttlAttribute,
      // Deleting the table is an explicit choice: then neither protection nor retention stands in the way.
      deletionProtection: !settings.deleteTableOnDestroy,
      removalPolicy: settings.deleteTableOnDestroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    for (const index of TABLE.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: TABLE.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: TABLE.summaryAttributes.filter((name) => name !== index.partitionKey),
      });
    }
    table.addGlobalSecondaryIndex({
      indexName: TABLE.leaderboard.name,
      partitionKey: { name: TABLE.leaderboard.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE.leaderboard.sortKey, type: dynamodb.AttributeType.NUMBER },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...TABLE.leaderboard.attributes],
    });

    // Cookies are sealed with the current secret and still read with the previous one (rotation, docs/deploy-aws.md).
    const sessionSecret = new secretsmanager.Secret(this, 'SessionSecret', {
      description: `SESSION_SECRET of ${service}: the key session cookies are sealed with`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    const previousSessionSecret = new secretsmanager.Secret(this, 'SessionSecretPrevious', {
      description: `SESSION_SECRET_PREVIOUS of ${service}: the key before the last rotation`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });

    // The stack's own repository, for images pushed by deploy-ecs.sh (-c imageTag=...); old images expire.
    const repository = new ecr.Repository(this, 'Repository', {
      imageScanOnPush: true,
      emptyOnDelete: true,
      removalPolicy: RemovalPolicy.DESTROY,
      lifecycleRules: [
        {
          rulePriority: 1,
          description: 'untagged layers',
          tagStatus: ecr.TagStatus.UNTAGGED,
          maxImageAge: Duration.days(1),
        },
        { rulePriority: 2, description: 'keep the last 10 images', tagStatus: ecr.TagStatus.ANY, maxImageCount: 10 },
      ],
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // The app's role: only the table's item actions, on it and its indexes; assumable only by this account's tasks.
    const taskRole = new iam.Role(this, 'TaskRole', {
      description: `${service} tasks: the games table`,
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:ecs:${Aws.REGION}:${Aws.ACCOUNT_ID}:*` },
        },
      }),
    });
    table.grant(taskRole, ...TABLE_ACTIONS);

    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: 256,
      memoryLimitMiB: 512,
      taskRole,
      runtimePlatform: {
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        cpuArchitecture: settings.arch === 'arm64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
      },
    });

    const bus = settings.bus ? this.bus(vpc, service) : undefined;
    const https = settings.certificateArn !== undefined;
    const container = taskDefinition.addContainer('web', {
      image: props.image ?? this.image(settings, repository),
      portMappings: [{ name: 'http', containerPort: CONTAINER_PORT, appProtocol: ecs.AppProtocol.http }],
      environment: {
        STORAGE: 'dynamodb',
        AWS_REGION: Aws.REGION,
        DYNAMODB_TABLE: table.tableName,
        DYNAMODB_CREATE_TABLES: 'false',
        // Exactly one proxy, the load balancer: client addresses for rate limits, and https for Secure cookies.
        TRUST_PROXY: '1',
        LOG_LEVEL: 'info',
        METRICS: 'emf',
        METRICS_SERVICE: service,
        ...(bus ? { REDIS_URL: bus.url, REDIS_CLUSTER: 'true' } : {}),
      },
      secrets: {
        SESSION_SECRET: ecs.Secret.fromSecretsManager(sessionSecret),
        SESSION_SECRET_PREVIOUS: ecs.Secret.fromSecretsManager(previousSessionSecret),
      },
      logging: ecs.LogDrivers.awsLogs({
        logGroup,
        streamPrefix: 'tictactoe',
        // A slow log pipe must not stall the event loop; lines beyond the buffer are dropped instead.
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
        maxBufferSize: Size.mebibytes(4),
      }),
      // Liveness only: restarting does not fix a storage outage (docs/security.md, /healthz and /readyz).
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          "fetch('http://127.0.0.1:'+(process.env.PORT||5000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
        ],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(10),
      },
      // The app writes nothing to disk (Dockerfile: files root-owned, read-only to the app).
      readonlyRootFilesystem: true,
      stopTimeout: Duration.seconds(STOP_TIMEOUT_SECONDS),
    });
    // One descriptor per live stream (server/src/open-files.ts sizes its caps from this limit).
    container.addUlimits({ name: ecs.UlimitName.NOFILE, softLimit: 65536, hardLimit: 65536 });

    const web = new ecsPatterns.ApplicationLoadBalancedFargateService(this, 'Web', {
      vpc,
      taskDefinition,
      desiredCount: settings.desiredCount,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
      publicLoadBalancer: true,
      // Live updates are Server-Sent Events with a comment every 15 s; 120 s leaves room for a slow client.
      idleTimeout: Duration.seconds(120),
      ...(https
        ? {
            protocol: elbv2.ApplicationProtocol.HTTPS,
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', settings.certificateArn ?? ''),
            redirectHTTP: true,
            sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
          }
        : { protocol: elbv2.ApplicationProtocol.HTTP }),
    });
    // Readiness: a task that cannot reach its table gets no players (docs/security.md).
    web.targetGroup.configureHealthCheck({
      path: '/readyz',
      healthyHttpCodes: '200',
      interval: Duration.seconds(10),
      timeout: Duration.seconds(5),
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 3,
    });
    web.targetGroup.setAttribute('deregistration_delay.timeout_seconds', String(DEREGISTRATION_DELAY_SECONDS));
    web.service
      .autoScaleTaskCount({ minCapacity: settings.desiredCount, maxCapacity: settings.maxCount })
      .scaleOnCpuUtilization('Cpu', {
        targetUtilizationPercent: 60,
        scaleOutCooldown: Duration.seconds(60),
        scaleInCooldown: Duration.minutes(5),
      });

    if (bus)
      bus.securityGroup.addIngressRule(
        web.service.connections.securityGroups[0] ?? fail('no service group'),
        bus.ports,
        'the service only',
      );

    if (settings.waf) this.firewall(web.loadBalancer, settings.wafRateLimit, service);

    this.monitoring(settings, web);

    const scheme = https ? 'https' : 'http';
    new CfnOutput(this, 'Url', {
      description: 'Open the game here',
      value: `${scheme}://${settings.domainName ?? web.loadBalancer.loadBalancerDnsName}`,
    });
    new CfnOutput(this, 'LogsCommand', {
      description: 'Follow the logs (AWS CLI v2)',
      value: `aws logs tail ${logGroup.logGroupName} --follow --region ${Aws.REGION}`,
    });
    new CfnOutput(this, 'ClusterName', { value: web.cluster.clusterName });
    new CfnOutput(this, 'ServiceName', { value: web.service.serviceName });
    new CfnOutput(this, 'RepositoryUri', { value: repository.repositoryUri });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'SessionSecretArn', { value: sessionSecret.secretArn });
    new CfnOutput(this, 'SessionSecretPreviousArn', { value: previousSessionSecret.secretArn });
    new CfnOutput(this, 'LogGroupName', { value: logGroup.logGroupName });
  }

  /** The Dockerfile built as an asset at deploy time, or a tag already pushed to the stack's repository. */
  private image(settings: Settings, repository: ecr.IRepository): ecs.ContainerImage {
    if (settings.imageTag) return ecs.ContainerImage.fromEcrRepository(repository, settings.imageTag);
    return ecs.ContainerImage.fromAsset(REPOSITORY_ROOT, {
      file: 'Dockerfile',
      platform: settings.arch === 'arm64' ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64,
      // .dockerignore applies too. The deploy code stays out of the context, so editing it rebuilds no image;
      // deploy/tests stays in: the root tsconfig that the image's build checks references it.
      exclude: ['**/cdk.out', '**/node_modules', '.git', 'deploy/*', '!deploy/tests'],
    });
  }

  /** ElastiCache Serverless (Valkey): TLS always, reachable only through its own security group. */
  private bus(vpc: ec2.IVpc, service: string) {
    const securityGroup = new ec2.SecurityGroup(this, 'BusSecurityGroup', {
      vpc,
      description: `${service} bus, reachable from the service tasks only`,
      allowAllOutbound: false,
    });
    const cache = new elasticache.CfnServerlessCache(this, 'Bus', {
      engine: 'valkey',
      majorEngineVersion: '8',
      serverlessCacheName: `${service.toLowerCase().replace(/-+/g, '-')}-bus`.slice(0, 40),
      description: `${service} live-update bus`,
      securityGroupIds: [securityGroup.securityGroupId],
      subnetIds: vpc.privateSubnets.map((subnet) => subnet.subnetId),
      // The bus holds presence and counters, a few MB: a ceiling keeps a bug from running up the bill.
      cacheUsageLimits: { dataStorage: { maximum: 1, unit: 'GB' } },
    });
    return {
      securityGroup,
      // 6379 the primary endpoint, 6380 the reader endpoint a cluster client may be told about.
      ports: ec2.Port.tcpRange(6379, 6380),
      url: `rediss://${cache.attrEndpointAddress}:${cache.attrEndpointPort}`,
    };
  }

  /** A regional web ACL with one rate-based rule per client address. */
  private firewall(loadBalancer: elbv2.IApplicationLoadBalancer, limit: number, service: string) {
    const visibility = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName: name,
      sampledRequestsEnabled: true,
    });
    const acl = new wafv2.CfnWebACL(this, 'Firewall', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`${service}-waf`),
      rules: [
        {
          name: 'RequestsPerAddress',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: visibility(`${service}-rate`),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'FirewallAssociation', {
      resourceArn: loadBalancer.loadBalancerArn,
      webAclArn: acl.attrArn,
    });
  }

  /** Alarms on the app's metrics (Embedded Metric Format) and the load balancer, and a dashboard of them. */
  private monitoring(settings: Settings, web: ecsPatterns.ApplicationLoadBalancedFargateService) {
    const dimensionsMap = { Service: settings.stackName };
    const app = (metricName: string, statistic = 'Sum') =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap,
        statistic,
        period: Duration.minutes(1),
      });
    const errorRate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { errors: app('Responses5xx'), requests: app('Requests') },
      label: '5xx responses (%)',
      period: Duration.minutes(1),
    });
    const unhealthy = web.targetGroup.metrics.unhealthyHostCount({ statistic: 'Maximum', period: Duration.minutes(1) });
    const throttles = app('DynamoDBThrottles');

    const alarms = [
      new cloudwatch.Alarm(this, 'ErrorRateAlarm', {
        alarmDescription: 'More than 5% of responses were 5xx in 3 of the last 5 minutes',
        metric: errorRate,
        threshold: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'UnhealthyTargetsAlarm', {
        alarmDescription: 'A target failed /readyz for 3 minutes in a row',
        metric: unhealthy,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'DynamoDBThrottlesAlarm', {
        alarmDescription: 'DynamoDB throttled requests of the app in 2 of the last 5 minutes',
        metric: throttles,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    if (settings.alarmEmail) {
      const topic = new sns.Topic(this, 'Alarms', { displayName: `${settings.stackName} alarms` });
      topic.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));
      for (const alarm of alarms) alarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    }

    new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: settings.stackName,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Requests and 5xx',
            left: [app('Requests'), app('Responses5xx')],
            right: [errorRate],
          }),
          new cloudwatch.GraphWidget({
            title: 'Moves and live streams',
            left: [app('Moves')],
            right: [app('LiveStreams', 'Maximum')],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'DynamoDB latency (ms)',
            left: [app('DynamoDBLatency', 'p50'), app('DynamoDBLatency', 'p99')],
          }),
          new cloudwatch.GraphWidget({
            title: 'DynamoDB requests and throttles',
            left: [app('DynamoDBRequests')],
            right: [throttles],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Targets',
            left: [web.targetGroup.metrics.healthyHostCount({ statistic: 'Minimum' }), unhealthy],
          }),
          new cloudwatch.GraphWidget({
            title: 'Tasks CPU and memory (%)',
            left: [web.service.metricCpuUtilization(), web.service.metricMemoryUtilization()],
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: 24 })],
      ],
    });
  }
}

function fail(message: string): never {
  throw new Error(message);
}
