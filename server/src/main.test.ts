import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectionCaps, readOpenFilesLimit } from './open-files.js';
import { type Dynalite, dynaliteClient, freshTableName, startDynalite } from './test-support/dynalite.js';
import { freePort } from './test-support/ports.js';
import { until } from './test-support/wait.js';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const children: ChildProcess[] = [];
/** A session secret as `openssl rand -base64 33` makes it (an obviously weak one is refused at start). */
const SECRET = 'NiFjMFK6Hfqb61ggdES1ufbG1zVXt2mVesZhcc8fWvBn';

/** The real process, from source: `node --import tsx server/src/main.ts`. */
function start(env: Record<string, string>, nodeArgs: string[] = []) {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', '--conditions=source', main], {
    cwd: root,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, exited, output: () => output };
}

type LogLine = Record<string, unknown>;
const isListening = (line: LogLine) => String(line.msg).startsWith('Server listening at');
const isReady = (line: LogLine) => String(line.msg).startsWith('Tic-tac-toe is ready: http://');

/** A module hook that makes importing pino-pretty fail: proof that a process never loads it. */
const WITHOUT_PINO_PRETTY = [
  '--import',
  `data:text/javascript,import{register}from'node:module';register(${JSON.stringify(
    `data:text/javascript,export async function resolve(s,c,n){if(s==='pino-pretty')throw new Error('pino-pretty was imported');return n(s,c)}`,
  )})`,
];

/**
 * The JSON lines the server has logged, once `done` holds for them: lines are gathered and
 * written every 250 ms at most, so they are waited for, never read right after an event.
 */
async function logLines(server: ReturnType<typeof start>, done: (lines: LogLine[]) => boolean, what: string) {
  let lines: LogLine[] = [];
  await until(() => {
    const complete = server.output().split('\n').slice(0, -1);
    lines = complete.flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
    return done(lines);
  }, what);
  return lines;
}

async function waitForHealth(port: number, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server did not become healthy');
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('the server process', () => {
  it('refuses to start on a bad setting and names the variable', async () => {
    const server = start({ PORT: 'eighty' });
    const [code] = await server.exited;
    expect(code).toBe(1);
    expect(server.output()).toContain('PORT: must be a whole number');
  });

  it('warns without SESSION_SECRET, logs JSON, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const server = start({ PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    await waitForHealth(port);
    await fetch(`http://127.0.0.1:${port}/state`);
    // Not at a terminal: the ready line is JSON too, and every request has its line at info.
    const isRequest = (line: LogLine) => line.msg === 'request' && line.url === '/state' && line.level === 30;
    const lines = await logLines(
      server,
      (logged) => logged.some(isReady) && logged.some(isRequest),
      'the server says it is ready, and logs the request',
    );
    expect(lines.some((line) => line.level === 40 && /SESSION_SECRET is not set/.test(String(line.msg)))).toBe(true);
    expect(lines.find(isReady)).toMatchObject({ level: 30, url: `http://127.0.0.1:${port}` });
    server.child.kill('SIGTERM');
    const [code] = await server.exited;
    expect(code).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
  });

  it('stops on SIGINT too, and does not warn when SESSION_SECRET is set', async () => {
    const port = await freePort();
    const server = start({ PORT: String(port), HOST: '127.0.0.1', SESSION_SECRET: SECRET });
    await waitForHealth(port);
    await logLines(server, (logged) => logged.some(isListening), 'the server says where it listens');
    expect(server.output()).not.toContain('SESSION_SECRET is not set');
    server.child.kill('SIGINT');
    const [code] = await server.exited;
    expect(code).toBe(0);
  });
});

describe('the server process’s logs for a person', () => {
  it('at a terminal (LOG_FORMAT=pretty): readable lines, one plain ready line, no line per request', async () => {
    const port = await freePort();
    const server = start({
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_FORMAT: 'pretty',
      SESSION_SECRET: SECRET,
    });
    await waitForHealth(port);
    await until(() => server.output().includes(`\nTic-tac-toe is ready: http://127.0.0.1:${port}\n`), 'the ready line');
    await fetch(`http://127.0.0.1:${port}/state`);
    server.child.kill('SIGTERM');
    expect((await server.exited)[0]).toBe(0);
    const output = server.output();
    expect(output).toMatch(/INFO.*: Server listening at http:\/\/127\.0\.0\.1/);
    expect(output).not.toContain('{"level"');
    expect(output).not.toMatch(/\brequest\b/);
  });

  it('asked for them (LOG_REQUESTS=true), a readable line per request', async () => {
    const port = await freePort();
    const server = start({ PORT: String(port), HOST: '127.0.0.1', LOG_FORMAT: 'pretty', LOG_REQUESTS: 'true' });
    await waitForHealth(port);
    await until(() => server.output().includes('Tic-tac-toe is ready'), 'the ready line');
    await fetch(`http://127.0.0.1:${port}/state`);
    server.child.kill('SIGTERM');
    expect((await server.exited)[0]).toBe(0);
    expect(server.output()).toMatch(/INFO: request\n(?: {4}.*\n)*? {4}url: "\/state"/);
  });

  it('loads pino-pretty only for the readable format: JSON output never imports it', async () => {
    const port = await freePort();
    const json = start({ PORT: String(port), HOST: '127.0.0.1', SESSION_SECRET: SECRET }, WITHOUT_PINO_PRETTY);
    await waitForHealth(port);
    await logLines(json, (logged) => logged.some(isReady), 'the server says it is ready');
    json.child.kill('SIGTERM');
    expect((await json.exited)[0]).toBe(0);

    // The same hook stops the readable format: it does look at the import.
    const pretty = start({ PORT: String(port), HOST: '127.0.0.1', LOG_FORMAT: 'pretty' }, WITHOUT_PINO_PRETTY);
    const [code] = await pretty.exited;
    expect(code).not.toBe(0);
    expect(pretty.output()).toContain('pino-pretty was imported');
  });
});

describe('the server process’s connection limits', () => {
  it('logs the open-files limit it runs with and the caps below it, once', async () => {
    const port = await freePort();
    const server = start({ PORT: String(port), HOST: '127.0.0.1', SESSION_SECRET: SECRET });
    await waitForHealth(port);
    // A Node child of this Node process has the same limit (Node raises its soft limit to the hard one).
    const own = readOpenFilesLimit();
    const lines = await logLines(server, (logged) => logged.some(isListening), 'the server says where it listens');
    const logged = lines.filter((line) => String(line.msg).startsWith('connection limits'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 30, openFilesLimit: own.limit, ...connectionCaps(own.limit) });
    server.child.kill('SIGTERM');
    expect((await server.exited)[0]).toBe(0);
  });

  it('takes MAX_STREAMS, and warns when it is above what the limit leaves room for', async () => {
    const own = readOpenFilesLimit();
    const port = await freePort();
    const above = connectionCaps(own.limit).maxStreams + 1;
    const server = start({
      PORT: String(port),
      HOST: '127.0.0.1',
      SESSION_SECRET: SECRET,
      MAX_STREAMS: String(above),
    });
    await waitForHealth(port);
    const lines = await logLines(server, (logged) => logged.some(isListening), 'the server says where it listens');
    expect(lines.find((line) => String(line.msg).startsWith('connection limits'))).toMatchObject({
      maxStreams: above,
      maxConnections: connectionCaps(own.limit).maxConnections,
    });
    expect(
      lines.some((line) => line.level === 40 && String(line.msg).startsWith(`MAX_STREAMS=${above} is above`)),
    ).toBe(true);
    server.child.kill('SIGTERM');
    expect((await server.exited)[0]).toBe(0);
  });
});

describe('the server process on DynamoDB', () => {
  let dynalite: Dynalite;
  beforeAll(async () => {
    dynalite = await startDynalite();
  });
  afterAll(async () => {
    await dynalite.close();
  });

  it('creates its table at start-up from the config file, serves, and stops cleanly', async () => {
    const table = freshTableName();
    const file = join(mkdtempSync(join(tmpdir(), 'ttt-main-')), 'tictactoe.ini');
    writeFileSync(file, `[dynamodb]\nregion = us-east-1\nendpoint = ${dynalite.endpoint}\ntable = ${table}\n`);
    const port = await freePort();
    const server = start({ PORT: String(port), HOST: '127.0.0.1', CONFIG_FILE: file, SESSION_SECRET: SECRET });
    await waitForHealth(port);
    await logLines(server, (logged) => logged.some(isListening), 'the server says where it listens');
    expect(server.output()).toContain('"msg":"using DynamoDB for games and players"');
    expect(server.output()).not.toContain('NodeVersionSupportWarning');
    const client = dynaliteClient(dynalite.endpoint);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    client.destroy();
    expect(Table?.TableStatus).toBe('ACTIVE');

    const signIn = await fetch(`http://127.0.0.1:${port}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'dynamo_player', password: 'correct horse battery', create: true }),
    });
    expect(signIn.status).toBe(200);
    expect(await signIn.json()).toMatchObject({ created: true });

    server.child.kill('SIGTERM');
    const [code] = await server.exited;
    expect(code).toBe(0);
  });

  it('exits 1 with a clear fatal message when the table is missing and creating it is switched off', async () => {
    const table = freshTableName();
    const server = start({
      STORAGE: 'dynamodb',
      DYNAMODB_ENDPOINT: dynalite.endpoint,
      DYNAMODB_TABLE: table,
      DYNAMODB_CREATE_TABLES: 'false',
    });
    const [code] = await server.exited;
    expect(code).toBe(1);
    const fatal = server
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .find((line) => line.level === 60);
    expect(fatal?.msg).toContain(`storage: The DynamoDB table "${table}" does not exist`);
    expect(fatal?.msg).toContain('DYNAMODB_CREATE_TABLES=true');
  });

  it('exits 1 within seconds when DynamoDB is not reachable', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const server = start({ STORAGE: 'dynamodb', DYNAMODB_ENDPOINT: endpoint });
    const [code] = await server.exited;
    expect(code).toBe(1);
    expect(server.output()).toContain(
      `storage: Could not reach DynamoDB to check the table \\"Games\\" (region us-east-1, ${endpoint})`,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
