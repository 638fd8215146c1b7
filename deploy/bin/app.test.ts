import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** `cdk synth` as a user runs it (cdk.json's app command, bin/app.ts), with no credentials and no way out. */

const deploy = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ttt-synth-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Loaded into every Node process of the run: a connection to anything but this machine is recorded and refused.
const guard = join(work, 'network-guard.mjs');
const attempts = join(work, 'network-attempts');
writeFileSync(
  guard,
  `import net from 'node:net';
import { appendFileSync } from 'node:fs';
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options = typeof args[0] === 'object' && args[0] !== null ? args[0] : { port: args[0], host: args[1] };
  const host = String(options.host ?? 'localhost');
  if (!options.path && !/^(127\\.|::1$|localhost$)/.test(host)) {
    appendFileSync(${JSON.stringify(attempts)}, host + ':' + options.port + '\\n');
    throw new Error('network guard: refused ' + host);
  }
  return connect.apply(this, args);
};
`,
);
// Container engines that record being called.
const bin = join(work, 'bin');
const engineCalls = join(work, 'engine-calls');
mkdirSync(bin);
for (const name of ['docker', 'podman', 'finch']) {
  writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >> '${engineCalls}'\nexit 1\n`);
  chmodSync(join(bin, name), 0o755);
}

function cdkSynth(outdir: string, ...context: string[]) {
  const home = join(work, 'home');
  mkdirSync(home, { recursive: true });
  return spawnSync(
    process.execPath,
    [
      join(deploy, 'node_modules/aws-cdk/bin/cdk'),
      'synth',
      '--quiet',
      '-o',
      outdir,
      ...context.flatMap((c) => ['-c', c]),
    ],
    {
      cwd: deploy,
      encoding: 'utf8',
      // Nothing from the caller's AWS setup: no keys, profile, region or config files.
      env: {
        PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
        HOME: home,
        AWS_CONFIG_FILE: join(home, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
        CDK_DOCKER: join(bin, 'docker'),
        NODE_OPTIONS: `--import ${pathToFileURL(guard).href}`,
      },
    },
  );
}

describe('cdk synth', () => {
  it('writes the template without credentials, network or a container engine', () => {
    const outdir = join(work, 'out');
    const result = cdkSynth(outdir);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    const template = JSON.parse(readFileSync(join(outdir, 'TicTacToe.template.json'), 'utf8'));
    expect(
      Object.values(template.Resources).some((resource) => (resource as { Type: string }).Type === 'AWS::ECS::Service'),
    ).toBe(true);
    expect(existsSync(attempts) ? readFileSync(attempts, 'utf8') : '').toBe('');
    expect(existsSync(engineCalls) ? readFileSync(engineCalls, 'utf8') : '').toBe('');
  });

  it('stops with a message naming a bad context value', () => {
    const result = cdkSynth(join(work, 'bad'), 'desiredCount=1', 'arch=sparc');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('desiredCount: must be a whole number from 2 to 100 (got "1")');
    expect(result.stderr).toContain('arch: must be x86_64 or arm64 (got "sparc")');
  });
});
