import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * deploy/deploy-ecs.sh, offline: a fake `aws` (and docker) first on PATH records every call and
 * answers canned JSON. The real AWS CLI is never reachable from these tests.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(root, 'deploy/deploy-ecs.sh');
const REGION = 'eu-west-1';
const ACCOUNT = '210987654321';
const REPOSITORY_URI = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/tictactoe-repo`;
const FAMILY_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/TicTacToeTask`;
const OLD = `${FAMILY_ARN}:7`;
const NEW = `${FAMILY_ARN}:8`;

const temporary = mkdtempSync(join(tmpdir(), 'deploy-ecs-test-'));
afterAll(() => rmSync(temporary, { recursive: true, force: true }));

const STACK = {
  Stacks: [
    {
      StackName: 'TicTacToe',
      Outputs: [
        { OutputKey: 'Url', OutputValue: 'http://example.invalid' },
        { OutputKey: 'ClusterName', OutputValue: 'TicTacToe-Cluster' },
        { OutputKey: 'ServiceName', OutputValue: 'TicTacToe-Service' },
        { OutputKey: 'RepositoryUri', OutputValue: REPOSITORY_URI },
      ],
    },
  ],
};

const TASK_DEFINITION = {
  taskDefinition: {
    taskDefinitionArn: OLD,
    family: 'TicTacToeTask',
    revision: 7,
    status: 'ACTIVE',
    requiresAttributes: [{ name: 'ecs.capability.secrets.asm.environment-variables' }],
    compatibilities: ['EC2', 'FARGATE'],
    registeredAt: '2026-11-30T10:00:00Z',
    registeredBy: `arn:aws:iam::${ACCOUNT}:role/cdk`,
    runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
    containerDefinitions: [
      { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable', portMappings: [] },
      {
        name: 'web',
        image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/cdk-assets:abc`,
        portMappings: [{ containerPort: 5000 }],
      },
    ],
  },
};

interface Deployment {
  status: 'PRIMARY' | 'ACTIVE';
  taskDefinition: string;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason?: string;
  runningCount: number;
  desiredCount: number;
}
const service = (...deployments: Deployment[]) => ({
  services: [{ status: 'ACTIVE', taskDefinition: deployments[0]?.taskDefinition ?? OLD, deployments }],
});
const deployment = (taskDefinition: string, fields: Partial<Deployment> = {}): Deployment => ({
  status: 'PRIMARY',
  taskDefinition,
  rolloutState: 'COMPLETED',
  runningCount: 2,
  desiredCount: 2,
  ...fields,
});
const STEADY_OLD = service(deployment(OLD));
const ROLLING = service(
  deployment(NEW, { rolloutState: 'IN_PROGRESS', runningCount: 1 }),
  deployment(OLD, { status: 'ACTIVE' }),
);
const DONE = service(deployment(NEW));

/** What the fake AWS answers; describe-services answers `services` in turn, the last one from then on. */
interface Answers {
  stack?: object | null;
  services?: object[];
  runningTaskDefinitions?: string[];
}

/** The fake `aws`: records its arguments (and the task definition it is given), answers from files. */
const FAKE_AWS = `#!/bin/sh
dir=$(dirname "$0")
printf 'aws %s\\n' "$*" >> "$dir/calls.log"
while [ $# -gt 0 ]; do case "$1" in --region|--output) shift 2 ;; *) break ;; esac; done
command="$1 $2"
for arg in "$@"; do case "$arg" in file://*) cat "\${arg#file://}" > "$dir/registered.json" ;; esac; done
case "$command" in
  "cloudformation describe-stacks")
    [ -f "$dir/stack.json" ] || { echo "An error occurred (ValidationError): Stack with id TicTacToe does not exist" >&2; exit 254; }
    cat "$dir/stack.json" ;;
  "ecs describe-services")
    n=$(($(cat "$dir/polls" 2>/dev/null || echo 0) + 1)); echo "$n" > "$dir/polls"
    last=$(cat "$dir/services.count"); [ "$n" -le "$last" ] || n=$last
    cat "$dir/service-$n.json" ;;
  "ecs describe-task-definition") cat "$dir/task-definition.json" ;;
  "ecr get-login-password") echo the-registry-password ;;
  "ecs register-task-definition") echo '{"taskDefinition":{"taskDefinitionArn":"${NEW}","revision":8}}' ;;
  "ecs update-service") echo '{"service":{}}' ;;
  "ecs list-tasks") cat "$dir/tasks.json" ;;
  "ecs describe-tasks") cat "$dir/described.json" ;;
  *) echo "unexpected aws $*" >&2; exit 98 ;;
esac
`;
const FAKE_ENGINE = (name: string) => `#!/bin/sh
dir=$(dirname "$0")
printf '${name} %s\\n' "$*" >> "$dir/calls.log"
case "$1" in login) printf 'stdin=%s\\n' "$(cat)" >> "$dir/calls.log" ;; esac
`;

/** Tools the script and the fakes use, linked one by one: PATH holds nothing else (no real aws). */
const BASICS = ['cat', 'dirname', 'mktemp', 'rm', 'sleep'];

function which(tool: string): string {
  for (const dir of ['/usr/bin', '/bin', '/usr/local/bin']) {
    if (existsSync(join(dir, tool))) return join(dir, tool);
  }
  throw new Error(`${tool} is needed to run these tests`);
}

let counter = 0;
/** A folder that is the whole PATH: the basics, jq unless left out, the fakes asked for. */
function sandbox(
  answers: Answers = {},
  tools: { aws?: boolean; jq?: boolean; docker?: boolean; podman?: boolean } = {},
) {
  const bin = join(temporary, `bin-${counter++}`);
  mkdirSync(bin, { recursive: true });
  for (const tool of [...BASICS, ...(tools.jq === false ? [] : ['jq'])]) symlinkSync(which(tool), join(bin, tool));
  const script = (name: string, body: string) => {
    writeFileSync(join(bin, name), body);
    chmodSync(join(bin, name), 0o755);
  };
  if (tools.aws !== false) script('aws', FAKE_AWS);
  if (tools.docker !== false) script('docker', FAKE_ENGINE('docker'));
  if (tools.podman) script('podman', FAKE_ENGINE('podman'));
  if (answers.stack !== null) writeFileSync(join(bin, 'stack.json'), JSON.stringify(answers.stack ?? STACK));
  writeFileSync(join(bin, 'task-definition.json'), JSON.stringify(TASK_DEFINITION));
  const services = answers.services ?? [STEADY_OLD, ROLLING, DONE];
  services.forEach((answer, index) => {
    writeFileSync(join(bin, `service-${index + 1}.json`), JSON.stringify(answer));
  });
  writeFileSync(join(bin, 'services.count'), String(services.length));
  const running = answers.runningTaskDefinitions ?? [NEW, NEW];
  const arns = running.map((_, index) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task/TicTacToe-Cluster/task${index}`);
  writeFileSync(join(bin, 'tasks.json'), JSON.stringify({ taskArns: arns }));
  writeFileSync(
    join(bin, 'described.json'),
    JSON.stringify({ tasks: running.map((taskDefinitionArn, index) => ({ taskArn: arns[index], taskDefinitionArn })) }),
  );
  const log = join(bin, 'calls.log');
  return {
    bin,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
    registered: () =>
      JSON.parse(readFileSync(join(bin, 'registered.json'), 'utf8')) as typeof TASK_DEFINITION.taskDefinition,
  };
}

function deploy(bin: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(which('bash'), [SCRIPT, ...args], {
    encoding: 'utf8',
    env: { PATH: bin, HOME: temporary, TMPDIR: temporary, ...env },
    timeout: 15_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ARGS = ['--region', REGION, '--image-tag', 'v42', '--poll-seconds', '0'];
const IMAGE = `${REPOSITORY_URI}:v42`;

describe('deploy/deploy-ecs.sh', () => {
  it('is valid bash, and --help runs nothing', () => {
    expect(spawnSync('bash', ['-n', SCRIPT], { encoding: 'utf8' }).status).toBe(0);
    const fake = sandbox();
    const result = deploy(fake.bin, ['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--stack NAME');
    expect(fake.calls()).toEqual([]);
  });

  it('builds, pushes, registers a revision with the new image, rolls the service onto it and waits for it', () => {
    const fake = sandbox();
    const result = deploy(fake.bin, ARGS);
    expect(result.stderr).not.toContain('deploy-ecs:');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`deploy-ecs: TicTacToe-Service runs TicTacToeTask:8 (${IMAGE}, 2 tasks)\n`);

    // `aws ecr get-login-password | docker login …` is one pipeline: both start at once, so either
    // may write its line first. Put that pair in one order; everything else keeps the script's.
    const calls = fake.calls();
    const login = calls.findIndex((call) => call.includes('ecr get-login-password') || call.includes('docker login'));
    if (login >= 0) calls.splice(login, 2, ...calls.slice(login, login + 2).sort());
    const json = `--region ${REGION} --output json`;
    expect(calls).toEqual([
      `aws ${json} cloudformation describe-stacks --stack-name TicTacToe`,
      `aws ${json} ecs describe-services --cluster TicTacToe-Cluster --services TicTacToe-Service`,
      `aws ${json} ecs describe-task-definition --task-definition ${OLD}`,
      // ARM64 in the running task definition: the image is built for Graviton.
      `docker build --platform linux/arm64 --tag ${IMAGE} --build-arg VERSION=v42 --build-arg REVISION=unknown ${root.replace(/\/$/, '')}`,
      `aws --region ${REGION} ecr get-login-password`,
      `docker login --username AWS --password-stdin ${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`,
      // docker's fake logs what it read after its own line, once aws has written it.
      'stdin=the-registry-password',
      `docker push ${IMAGE}`,
      expect.stringMatching(new RegExp(`^aws ${json} ecs register-task-definition --cli-input-json file://`)),
      `aws ${json} ecs update-service --cluster TicTacToe-Cluster --service TicTacToe-Service --task-definition ${NEW}`,
      `aws ${json} ecs describe-services --cluster TicTacToe-Cluster --services TicTacToe-Service`,
      `aws ${json} ecs describe-services --cluster TicTacToe-Cluster --services TicTacToe-Service`,
      `aws ${json} ecs list-tasks --cluster TicTacToe-Cluster --service-name TicTacToe-Service --desired-status RUNNING`,
      `aws ${json} ecs describe-tasks --cluster TicTacToe-Cluster --tasks arn:aws:ecs:${REGION}:${ACCOUNT}:task/TicTacToe-Cluster/task0 arn:aws:ecs:${REGION}:${ACCOUNT}:task/TicTacToe-Cluster/task1`,
    ]);

    // The same task definition with only the web container's image changed, and none of the
    // fields register-task-definition refuses.
    const registered = fake.registered();
    const {
      taskDefinitionArn,
      revision,
      status,
      requiresAttributes,
      compatibilities,
      registeredAt,
      registeredBy,
      ...kept
    } = TASK_DEFINITION.taskDefinition;
    expect(registered).toEqual({
      ...kept,
      containerDefinitions: [
        TASK_DEFINITION.taskDefinition.containerDefinitions[0],
        { ...TASK_DEFINITION.taskDefinition.containerDefinitions[1], image: IMAGE },
      ],
    });
  });

  it('fails when the circuit breaker rolls the deployment back, and says why', () => {
    const rolledBack = service(
      deployment(OLD, { rolloutState: 'IN_PROGRESS', runningCount: 1 }),
      deployment(NEW, {
        status: 'ACTIVE',
        rolloutState: 'FAILED',
        rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
        runningCount: 0,
      }),
    );
    const fake = sandbox({ services: [STEADY_OLD, ROLLING, rolledBack] });
    const result = deploy(fake.bin, ARGS);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `deploy-ecs: the deployment of ${NEW} failed and the circuit breaker rolled it back`,
    );
    expect(result.stderr).toContain('tasks failed to start');
    expect(result.stdout).toBe('');
    expect(fake.calls().some((call) => call.includes('list-tasks'))).toBe(false);
  });

  it('fails when the old revision is primary again once the rollback has finished', () => {
    const fake = sandbox({ services: [STEADY_OLD, STEADY_OLD] });
    const result = deploy(fake.bin, ARGS);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`was replaced by ${OLD}`);
  });

  it('fails when a running task is not the new revision, even though the deployment completed', () => {
    const fake = sandbox({ runningTaskDefinitions: [NEW, OLD] });
    const result = deploy(fake.bin, ARGS);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`tasks of TicTacToe-Service still run ${OLD}, not ${NEW}`);
  });

  it('fails when the rollout does not finish in time', () => {
    const fake = sandbox({ services: [STEADY_OLD, ROLLING] });
    const result = deploy(fake.bin, [...ARGS, '--timeout-minutes', '0']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('did not finish within 0 minutes (IN_PROGRESS, 1/2 tasks running)');
  });

  it('stops before building when the stack does not exist, or is not the CDK app', () => {
    const missing = sandbox({ stack: null });
    const result = deploy(missing.bin, ARGS);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('stack TicTacToe not found in eu-west-1');
    expect(missing.calls()).toEqual([
      `aws --region ${REGION} --output json cloudformation describe-stacks --stack-name TicTacToe`,
    ]);

    const other = sandbox({ stack: { Stacks: [{ StackName: 'TicTacToe', Outputs: [] }] } });
    const wrong = deploy(other.bin, ARGS);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('has no ClusterName, ServiceName and RepositoryUri outputs');
    expect(other.calls().some((call) => call.startsWith('docker'))).toBe(false);
  });

  it('names each missing tool and calls nothing', () => {
    const cases = [
      { tools: { aws: false }, message: 'the AWS CLI (v2) is not installed' },
      { tools: { jq: false }, message: 'jq is not installed' },
      { tools: { docker: false }, message: 'neither docker nor podman is installed' },
    ];
    for (const { tools, message } of cases) {
      const fake = sandbox({}, tools);
      const result = deploy(fake.bin, ARGS);
      expect(result.status, message).toBe(1);
      expect(result.stderr).toContain(`deploy-ecs: ${message}`);
      expect(fake.calls()).toEqual([]);
    }
  });

  it('uses podman when docker is not installed', () => {
    const fake = sandbox({}, { docker: false, podman: true });
    const result = deploy(fake.bin, ARGS);
    expect(result.status).toBe(0);
    expect(fake.calls()).toContain(`podman push ${IMAGE}`);
  });

  it('requires the region and refuses malformed values before any call', () => {
    const fake = sandbox();
    expect(deploy(fake.bin, ['--image-tag', 'v42']).stderr).toContain('--region (or AWS_REGION) is required');
    expect(deploy(fake.bin, ['--region', 'eu west 1']).stderr).toContain('--region: not a region name');
    expect(deploy(fake.bin, [...ARGS, '--platform', 'linux/s390x']).stderr).toContain('--platform: linux/amd64 or');
    expect(deploy(fake.bin, [...ARGS, '--stack', 'Tic Tac']).stderr).toContain('--stack: not a stack name');
    expect(fake.calls()).toEqual([]);
  });
});
