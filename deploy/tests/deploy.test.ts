import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

/**
 * The local deployment kit: Dockerfile, compose file and container scripts. The AWS stack that replaced
 * the ECS task definition and IAM policy files is tested offline in deploy/lib/tictactoe-stack.test.ts
 * (npm run test:deploy); deploy-ecs.sh in deploy-ecs.test.ts.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

// ---- docker-compose.yml and its nginx ------------------------------------------------------------

interface ComposeService {
  build?: string | { context?: string; dockerfile?: string };
  image?: string;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number)[];
  depends_on?: string[] | Record<string, unknown>;
  profiles?: string[];
  volumes?: string[];
  ulimits?: Record<string, number | { soft: number; hard: number }>;
}

function environmentOf(service: ComposeService): Record<string, string> {
  const { environment } = service;
  if (!environment) return {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, String(value ?? '')]));
}
const dependenciesOf = (service: ComposeService): string[] =>
  Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});

describe('docker-compose.yml', () => {
  const compose = parseYaml(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const services = compose.services;
  const service = (name: string): ComposeService => {
    const found = services[name];
    if (!found) throw new Error(`no service ${name}`);
    return found;
  };
  const app = service('app');
  const dynamo = service('dynamodb-local');
  const appEnvironment = environmentOf(app);

  it('builds the app from the Dockerfile and publishes port 5000', () => {
    const build = typeof app.build === 'string' ? { context: app.build } : app.build;
    expect(build?.context).toBe('.');
    expect(build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
    expect(app.ports?.map(String)).toContain('5000:5000');
    expect(app.profiles).toBeUndefined();
  });

  it('runs pinned DynamoDB Local in memory with a shared database', () => {
    expect(dynamo.image).toMatch(/^amazon\/dynamodb-local:\d+\.\d+\.\d+$/);
    const command = Array.isArray(dynamo.command) ? dynamo.command.join(' ') : (dynamo.command ?? '');
    expect(command).toBe('-jar DynamoDBLocal.jar -inMemory -sharedDb');
    expect(dynamo.profiles).toBeUndefined();
  });

  it('raises the open-files limit of every app service to 65,536, soft and hard', () => {
    const apps = Object.entries(services).filter(([, candidate]) => candidate.image === app.image);
    expect(apps.map(([name]) => name).sort()).toEqual(['app', 'app-a', 'app-b']);
    for (const [name, candidate] of apps) {
      const nofile = candidate.ulimits?.nofile;
      const limits = typeof nofile === 'number' ? { soft: nofile, hard: nofile } : nofile;
      expect(limits?.soft, name).toBeGreaterThanOrEqual(65_536);
      expect(limits?.hard, name).toBe(limits?.soft);
    }
  });

  it('wires the app to DynamoDB Local', () => {
    expect(appEnvironment.STORAGE).toBe('dynamodb');
    const endpoint = new URL(appEnvironment.DYNAMODB_ENDPOINT ?? 'missing:');
    expect(endpoint.protocol).toBe('http:');
    expect(endpoint.hostname).toBe('dynamodb-local');
    expect(endpoint.port).toBe('8000');
    expect(dependenciesOf(app)).toContain('dynamodb-local');
    expect(appEnvironment.AWS_REGION).toBe('us-east-1');
    expect(appEnvironment.AWS_ACCESS_KEY_ID).not.toBe('');
    expect(appEnvironment.AWS_SECRET_ACCESS_KEY).not.toBe('');
  });

  it('takes SESSION_SECRET from the environment, with a marked development-only default', () => {
    const match = /^\$\{SESSION_SECRET:-([^}]+)\}$/.exec(appEnvironment.SESSION_SECRET ?? '');
    expect(match).not.toBeNull();
    const fallback = match?.[1] ?? '';
    expect(fallback.length).toBeGreaterThanOrEqual(32);
    expect(fallback).toMatch(/dev/i);
    expect(fallback).toMatch(/insecure/i);
  });

  describe('profile multi', () => {
    const multi = Object.entries(services).filter(([, candidate]) => candidate.profiles?.includes('multi'));
    const replicas = multi.filter(([, candidate]) => candidate.image === app.image && candidate.image !== undefined);
    const proxies = multi.filter(([, candidate]) => candidate.image?.startsWith('nginx:'));
    const nginxConf = read('deploy/compose/nginx.conf');

    it('runs two app instances sharing the secret and DynamoDB Local', () => {
      expect(replicas.map(([name]) => name).sort()).toEqual(['app-a', 'app-b']);
      for (const [, replica] of replicas) {
        const environment = environmentOf(replica);
        expect(environment.SESSION_SECRET).toBe(appEnvironment.SESSION_SECRET);
        expect(environment.STORAGE).toBe('dynamodb');
        expect(environment.DYNAMODB_ENDPOINT).toBe(appEnvironment.DYNAMODB_ENDPOINT);
        expect(environment.DYNAMODB_TABLE).toBe(appEnvironment.DYNAMODB_TABLE);
        expect(environment.TRUST_PROXY).toBe('1');
        expect(dependenciesOf(replica)).toContain('dynamodb-local');
        expect(replica.ports).toBeUndefined();
      }
    });

    it('gives both instances one pinned Valkey as their bus, kept in memory and private', () => {
      const buses = multi.filter(([, candidate]) => candidate.image?.startsWith('valkey/valkey:'));
      expect(buses).toHaveLength(1);
      const [name, bus] = buses[0] ?? ['', {}];
      expect(bus.image).toMatch(/^valkey\/valkey:\d+\.\d+/);
      expect(bus.ports).toBeUndefined();
      const command = Array.isArray(bus.command) ? bus.command.join(' ') : (bus.command ?? '');
      expect(command).toContain('--appendonly no');
      for (const [, replica] of replicas) {
        expect(environmentOf(replica).REDIS_URL).toBe(`redis://${name}:6379`);
        expect(dependenciesOf(replica)).toContain(name);
      }
      // The single instance of the default profile needs no bus.
      expect(appEnvironment.REDIS_URL).toBeUndefined();
    });

    it('puts a pinned nginx with deploy/compose/nginx.conf in front, on port 5050', () => {
      expect(proxies).toHaveLength(1);
      const [, proxy] = proxies[0] ?? ['', {}];
      expect(proxy.image).toMatch(/^nginx:\d+\.\d+/);
      expect(proxy.ports?.map(String)).toEqual(['5050:5050']);
      const mount = proxy.volumes?.find((volume) => volume.startsWith('./deploy/compose/nginx.conf:')) ?? '';
      expect(mount).toMatch(/^\.\/deploy\/compose\/nginx\.conf:\/etc\/nginx\/conf\.d\/[\w.-]+\.conf:ro$/);
      expect(dependenciesOf(proxy).sort()).toEqual(['app-a', 'app-b']);
      expect(nginxConf).toMatch(/^\s*listen 5050;/m);
    });

    it('balances over exactly the two instances', () => {
      const upstream = /upstream\s+(\w+)\s*\{([^}]*)\}/.exec(nginxConf);
      const servers = [...(upstream?.[2] ?? '').matchAll(/^\s*server\s+([\w.-]+:\d+)/gm)].map((match) => match[1]);
      expect(servers).toEqual(['app-a:5000', 'app-b:5000']);
      expect(nginxConf).toContain(`proxy_pass http://${upstream?.[1]};`);
    });

    it('does not buffer the Server-Sent Events streams', () => {
      const location = /location ~ (\S+) \{([^}]*)\}/.exec(nginxConf);
      const pattern = new RegExp(location?.[1] ?? '^$');
      expect(pattern.test('/api/games/3qK9_x-1/events')).toBe(true);
      expect(pattern.test('/api/lobby/events')).toBe(true);
      expect(pattern.test('/api/games/3qK9/moves')).toBe(false);
      expect(location?.[2]).toMatch(/proxy_buffering off;/);
      expect(location?.[2]).toMatch(/proxy_read_timeout (\d+[mh]|\d{3,}s?);/);
    });
  });
});

// ---- Dockerfile and .dockerignore ----------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions with continuation lines joined and comments dropped, split into stages at FROM. */
function dockerfileStages(source: string): Instruction[][] {
  const joined = source
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const stages: Instruction[][] = [];
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const keyword = (match[1] ?? '').toUpperCase();
    // FROM --platform=… IMAGE: only the image matters here.
    const args = (match[2] ?? '').trim().replace(keyword === 'FROM' ? /^--platform=\S+\s+/ : /^$/, '');
    const instruction = { keyword, args };
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

describe('Dockerfile', () => {
  const stages = dockerfileStages(read('Dockerfile'));
  const froms = stages.map((stage) => stage[0]?.args ?? '');
  const nodeStages = froms.filter((from) => from.startsWith('node:'));
  const final = stages.at(-1) ?? [];
  const finalArgs = (keyword: string) => final.filter((step) => step.keyword === keyword).map((step) => step.args);
  const stageNamed = (name: string) =>
    stages.find((stage) => new RegExp(`\\sAS\\s+${escapeRegExp(name)}$`, 'i').test(stage[0]?.args ?? ''));

  it('builds on the builder platform: the build output is platform-independent', () => {
    expect(read('Dockerfile')).toMatch(/^FROM --platform=\$BUILDPLATFORM node:\S+ AS build$/m);
  });

  it('builds from one pinned Debian-based node image (no latest, no Alpine)', () => {
    expect(nodeStages.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      expect(from).toMatch(/^(node:\d+-(bookworm|trixie)-slim|scratch)(\s+AS\s+[\w-]+)?$/i);
    }
    expect(new Set(nodeStages.map((from) => from.split(/\s+/)[0])).size).toBe(1);
  });

  it('the runtime is that same base: the final stage starts from it, or copies its whole filesystem', () => {
    const finalFrom = froms.at(-1) ?? '';
    if (finalFrom.startsWith('scratch')) {
      const rootCopy = finalArgs('COPY').find((args) => /\s\/\s+\/$/.test(args)) ?? '';
      const source = /--from=([\w-]+)/.exec(rootCopy)?.[1] ?? '';
      expect(stageNamed(source)?.[0]?.args).toMatch(/^node:/);
    } else {
      expect(finalFrom).toMatch(/^node:/);
    }
  });

  it('installs with npm ci from the lockfile before copying the sources, then builds', () => {
    const build = stages.find((stage) => stage.some((step) => /npm run build/.test(step.args))) ?? [];
    const index = (pattern: RegExp) => build.findIndex((step) => pattern.test(`${step.keyword} ${step.args}`));
    const lockfile = index(/^COPY .*package-lock\.json/);
    // npm's cache is a build cache mount: reused between builds, never in a layer.
    const install = index(/^RUN --mount=type=cache,target=\/root\/\.npm npm ci\b/);
    const sources = index(/^COPY \. \.$/);
    const compile = index(/^RUN npm run build$/);
    expect([lockfile, install, sources, compile].every((at) => at > 0)).toBe(true);
    expect(lockfile).toBeLessThan(install);
    expect(install).toBeLessThan(sources);
    expect(sources).toBeLessThan(compile);
  });

  it("ships only the server's production dependencies and the built output", () => {
    const production = stages.flat().find((step) => /npm ci .*--omit=dev/.test(step.args));
    expect(production?.args).toMatch(/--workspace server/);
    expect(production?.args).toMatch(/^--mount=type=cache,target=\/root\/\.npm npm ci /);
    const copies = finalArgs('COPY').join('\n');
    for (const path of ['server/dist', 'shared/dist', 'shared/package.json', 'client/dist', 'node_modules']) {
      expect(copies).toContain(path);
    }
    expect(copies).not.toMatch(/^\.\s/m);
    expect(finalArgs('RUN')).toEqual([]);
  });

  it('runs as node on port 5000 with a node HEALTHCHECK on /healthz and an exec-form CMD', () => {
    expect(finalArgs('USER')).toEqual(['node']);
    expect(finalArgs('EXPOSE')).toEqual(['5000']);
    const environment = finalArgs('ENV').join(' ');
    expect(environment).toMatch(/\bPORT=5000\b/);
    expect(environment).toMatch(/\bHOST=0\.0\.0\.0\b/);
    expect(environment).toMatch(/\bNODE_ENV=production\b/);
    // Two malloc arenas: the first 100 sign-ins grew RSS by 65 MB with glibc's default, 16-34 MB with 2.
    expect(environment).toMatch(/\bMALLOC_ARENA_MAX=2\b/);
    const healthcheck = finalArgs('HEALTHCHECK');
    expect(healthcheck).toHaveLength(1);
    expect(healthcheck[0]).toMatch(/CMD \["node", "-e", ".*\/healthz/);
    expect(healthcheck[0]).not.toMatch(/curl|wget/);
    const cmd = finalArgs('CMD');
    expect(cmd).toHaveLength(1);
    expect(JSON.parse(cmd[0] ?? 'null')).toEqual(['node', 'server/dist/main.js']);
    expect(finalArgs('WORKDIR')).toEqual(['/app']);
    const order = final.map((step) => step.keyword);
    expect(order.lastIndexOf('COPY')).toBeLessThan(order.indexOf('USER'));
  });

  it('declares its syntax, and labels the image with its source, revision and version (OCI)', () => {
    expect(read('Dockerfile').split('\n')[0]).toBe('# syntax=docker/dockerfile:1');
    const labels = finalArgs('LABEL').join(' ');
    for (const [label, arg] of [
      ['source', 'SOURCE'],
      ['revision', 'REVISION'],
      ['version', 'VERSION'],
    ]) {
      expect(labels).toContain(`org.opencontainers.image.${label}="\${${arg}}"`);
      expect(finalArgs('ARG').some((args) => args.startsWith(`${arg}=`))).toBe(true);
    }
  });

  it('.dockerignore keeps dependencies, build output, history and secrets out of the context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const pattern of ['**/node_modules', '**/dist', '.git', '**/.env', '**/.env.*', '**/test-results']) {
      expect(ignored).toContain(pattern);
    }
  });
});

// ---- container scripts ---------------------------------------------------------------------------

describe('container scripts', () => {
  it.each(['scripts/test-container.sh', 'scripts/ci-container.sh'])('%s is valid bash', (script) => {
    const result = spawnSync('bash', ['-n', join(root, script)], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('test-container.sh works with any engine and enforces the checks it promises', () => {
    const script = read('scripts/test-container.sh');
    expect(script).toMatch(/^ENGINE=\$\{CONTAINER_ENGINE:-docker\}$/m);
    expect(script).toMatch(/^MAX_IMAGE_MB=\$\{MAX_IMAGE_MB:-250\}$/m);
    expect(script).toMatch(/trap cleanup EXIT/);
    expect(script).toMatch(/healthcheck run/);
    expect(script).toMatch(/stop --time 10/);
  });

  it('test-container.sh runs the image with the open-files limit production uses and checks what the server sees', () => {
    const script = read('scripts/test-container.sh');
    expect(script).toMatch(/^NOFILE=\$\{NOFILE:-65536\}$/m);
    expect(script).toMatch(/ run --detach [^\n]*\\\n\s+--ulimit "nofile=\$NOFILE:\$NOFILE" [^\n]*"\$IMAGE"/);
    expect(script).toMatch(/check "the server's open-files limit is \$NOFILE/);
    expect(script).toMatch(/check "the server runs with MALLOC_ARENA_MAX=2/);
    expect(script).toMatch(/"openFilesLimit":'"\$NOFILE"',"maxStreams":/);
  });

  it.each([
    ['README.md', /^docker run [^\n]*--ulimit nofile=65536:65536 [^\n]*tictactoe/m],
    ['docs/deploy-aws.md', /^docker run [^\n]*--ulimit nofile=65536:65536 [^\n]*tictactoe$/m],
    ['Dockerfile', /^#\s+docker run [^\n]*--ulimit nofile=65536:65536 [^\n]*tictactoe$/m],
  ])('%s shows docker run with the open-files limit', (file, line) => {
    expect(read(file)).toMatch(line);
  });

  it('ci-container.sh finds the engine tool beside the repository (or on this machine) and cleans up after it', () => {
    const script = read('scripts/ci-container.sh');
    expect(script).toMatch(
      /for candidate in "\$\{CONTAINER_ENGINE_TOOL:-\}" \.\.\/shared\/tools\/container-engine\.sh \/work\/shared\/tools\/container-engine\.sh/,
    );
    expect(script).toMatch(/bash "\$TOOL" env Dockerfile/);
    expect(script).toMatch(/docker info/);
    expect(script).toMatch(/bash scripts\/test-container\.sh/);
    expect(script).toMatch(/bash "\$TOOL" cleanup/);
  });
});
