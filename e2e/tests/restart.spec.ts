import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';
import { OnlinePlayer, PASSWORD, test } from '../online-fixtures';
import { freePort } from '../ports';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A server of this test's own, on the in-memory store, that it can stop and start again on the
 * same port with the same secret: a real restart, as `npm start` would go through one.
 */
class OwnServer {
  private process: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  static async start(): Promise<OwnServer> {
    const server = new OwnServer(await freePort());
    await server.start();
    return server;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    const child = spawn(process.execPath, ['server/dist/main.js'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        SESSION_SECRET: 'honest-state-secret-of-at-least-32-characters',
      },
      stdio: 'ignore',
    });
    this.process = child;
    const exited = once(child, 'exit');
    for (;;) {
      const healthy = await fetch(`${this.url}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy) return;
      // Not up yet: wait for the process to exit or a short while, whichever comes first.
      const gone = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 50))]);
      if (gone) throw new Error('the test server exited before it was healthy');
    }
  }

  async stop() {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}

/** A game between two players signed in through the API, on the server at `baseURL`. */
async function startGame(alice: OnlinePlayer, bob: OnlinePlayer): Promise<string> {
  for (const player of [alice, bob]) {
    const response = await player.context.request.post('/api/session', {
      data: { name: player.name, password: PASSWORD, create: true },
    });
    expect(response.ok()).toBe(true);
  }
  const game = await alice.call('/api/games', { opponent: bob.name });
  await bob.call(`/api/games/${game.id}/accept`);
  return game.id;
}

function expectNoBoard(page: Page) {
  return Promise.all([
    expect(page.getByRole('button', { name: /^row \d, column \d, / })).toHaveCount(0),
    expect(page.getByRole('button', { name: 'Resign' })).toHaveCount(0),
    expect(page.getByText('Your turn')).toHaveCount(0),
  ]);
}

test.describe('a game or a session the server no longer has', () => {
  test('after a restart on the in-memory store: the badge says the server is unreachable, then the game and the session say they are gone', async ({
    browser,
  }) => {
    test.setTimeout(60_000);
    const server = await OwnServer.start();
    try {
      const alice = await OnlinePlayer.open(browser, 'alice', server.url);
      const bob = await OnlinePlayer.open(browser, 'bob', server.url);
      const id = await startGame(alice, bob);
      // Bob plays X: his turn, on the game's page; Alice waits in her lobby.
      await bob.page.goto(`/games/${id}`);
      await expect(bob.status).toHaveText('Your turn');
      await expect(bob.connection).toHaveAttribute('data-connection', 'live');
      await alice.page.goto('/online');
      await expect(alice.page.getByRole('heading', { name: `Hello, ${alice.name}` })).toBeVisible();
      await expect(alice.connection).toHaveAttribute('data-connection', 'live');

      await server.stop();
      await expect(bob.connection).toHaveText("Can't reach the server");
      await expect(bob.connection).toHaveAttribute('data-connection', 'offline');
      await expect(alice.connection).toHaveAttribute('data-connection', 'offline');

      // Back, with nothing in memory: the game is gone, and said so without a click.
      await server.start();
      await expect(bob.page.getByRole('heading', { name: 'Game not found' })).toBeVisible({ timeout: 15_000 });
      await expectNoBoard(bob.page);
      // So is the session, whose player the restart forgot: signed out, saying why.
      await expect(bob.page.getByText(`this server no longer knows ${bob.name}`)).toBeVisible();
      await expect(bob.page.getByTestId('session')).toContainText('Not signed in');
      await bob.page.getByRole('link', { name: 'Back to the lobby' }).click();
      await expect(bob.page.getByLabel('Name')).toBeVisible();

      // The lobby that stayed open hears it on its own: no "Hello" with empty lists.
      await expect(alice.page.getByText(`this server no longer knows ${alice.name}`)).toBeVisible({ timeout: 15_000 });
      await expect(alice.page.getByRole('heading', { name: `Hello, ${alice.name}` })).toHaveCount(0);
      await expect(alice.page.getByLabel('Name')).toBeVisible();
      await Promise.all([alice.close(), bob.close()]);
    } finally {
      await server.stop();
    }
  });

  test('a stream that drops while the server answers says "Reconnecting…"', async ({ browser, page }) => {
    const alice = await OnlinePlayer.open(browser, 'alice');
    const bob = await OnlinePlayer.open(browser, 'bob');
    const id = await startGame(alice, bob);
    // The first stream opens and ends at once; the next attempt is held (never answered).
    let streams = 0;
    await page.route('**/api/games/*/events**', async (route) => {
      if (++streams === 1) {
        await route.fulfill({ status: 200, contentType: 'text/event-stream', body: 'retry: 100\n\n' });
      }
    });
    await page.goto(`/games/${id}`);
    await expect(page.getByTestId('status')).toHaveText(`${bob.name}'s turn (X)`);
    await expect(page.getByTestId('connection')).toHaveAttribute('data-connection', 'reconnecting');
    await expect(page.getByTestId('connection')).toHaveText('Reconnecting…');
    await Promise.all([alice.close(), bob.close()]);
  });

  test('a game id nobody has gets the in-app notice with a way back', async ({ page }) => {
    const response = await page.goto(`/games/${'A'.repeat(22)}`);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('heading', { name: 'Game not found' })).toBeVisible();
    await expectNoBoard(page);
    await page.getByRole('link', { name: 'Back to the lobby' }).click();
    await expect(page.getByRole('heading', { name: 'Play online' })).toBeVisible();
  });
});
