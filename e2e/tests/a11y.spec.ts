import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { OnlinePlayer } from '../online-fixtures';

/**
 * axe-core on every page, in light and dark (the app follows prefers-color-scheme, set here
 * with emulateMedia), on a phone and a desktop. @axe-core/playwright puts axe in the page with
 * page.evaluate, through the DevTools protocol, which the page's Content-Security-Policy does
 * not govern: the page keeps the policy the server sends, and each page checks that it does.
 */
const SCHEMES = ['light', 'dark'] as const;
const WIDTHS = [360, 1280] as const;

/** Opens `path`: the policy the browser got is the one the server sends, and it is in force. */
async function open(page: Page, path: string) {
  const response = await page.goto(path);
  // Asked for as a browser asks for a page: an unknown path answers JSON to anything else.
  const sent = (await page.request.get(path, { headers: { accept: 'text/html' } })).headers()[
    'content-security-policy'
  ];
  expect(sent).toContain("script-src 'self'");
  expect(response?.headers()['content-security-policy']).toBe(sent);
}

/** Whether the page refuses an inline script, as its policy says: nothing turned the policy off. */
const refusesInlineScript = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<boolean>((resolve) => {
        document.addEventListener('securitypolicyviolation', () => resolve(true), { once: true });
        const script = document.createElement('script');
        script.textContent = 'document.documentElement.dataset.inline = "ran"';
        document.head.append(script);
        script.remove();
        if (document.documentElement.dataset.inline === 'ran') resolve(false);
      }),
  );

/** Transitions started by the last change (a colour scheme's fade) run to their end: axe reads settled colours. */
const settle = (page: Page) =>
  page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation instanceof CSSTransition)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );

/**
 * axe finds nothing on the page as `ready` leaves it, in each colour scheme at each width.
 * `ready` waits for the state to check (it is called again after each change of media or size).
 */
async function expectAccessible(page: Page, what: string, ready: () => Promise<void>) {
  for (const colorScheme of SCHEMES) {
    for (const width of WIDTHS) {
      const where = `${what}, ${colorScheme}, ${width} px`;
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize({ width, height: 800 });
      expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), where).toBe(
        colorScheme === 'dark',
      );
      await ready();
      await settle(page);
      const { violations } = await new AxeBuilder({ page }).analyze();
      const found = violations.map((violation) => ({
        rule: violation.id,
        nodes: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary}`),
      }));
      expect(found, where).toEqual([]);
    }
  }
  expect(await refusesInlineScript(page), `${what}: the policy is in force`).toBe(true);
}

test.describe('accessibility (axe-core)', () => {
  test('the local board, the sign-in form (also with its errors) and the not-found page', async ({ board, page }) => {
    test.setTimeout(90_000);
    await open(page, '/');
    await expect(board.status).toHaveText("Player X's Turn");
    await board.chooseComputer('Easy', 'X (first)');
    await expectAccessible(page, 'the local board', () => expect(page.getByLabel('Level')).toBeEnabled());

    // A finished local game's replay, at a mistake: its best move is marked on the board.
    await page.getByText('Two players').click();
    await expect(page.getByLabel('Level')).toHaveCount(0);
    await board.play(0, 1, 4, 8, 3, 6, 5);
    await page.getByTestId('replay-moves').getByRole('link', { name: /^2\. / }).click();
    await expectAccessible(page, 'a local game’s replay at a mistake', () =>
      expect(page.getByTestId('replay-cell-4')).toHaveAccessibleName(/a best move$/),
    );

    await open(page, '/online');
    const heading = page.getByRole('heading', { name: 'Play online' });
    await expectAccessible(page, 'sign-in', () => expect(heading).toBeVisible());
    await page.getByLabel('Name').fill('<b>');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectAccessible(page, 'sign-in with errors', () =>
      expect(page.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true'),
    );

    await open(page, '/no-such-page');
    await expectAccessible(page, 'not found', () => expect(page.getByRole('heading', { level: 1 })).toBeVisible());
  });

  test('the lobby, with a game in each list', async ({ browser }) => {
    test.setTimeout(90_000);
    const alice = await OnlinePlayer.open(browser, 'alice');
    const bob = await OnlinePlayer.open(browser, 'bob');
    const carol = await OnlinePlayer.open(browser, 'carol');
    await bob.signIn();
    await carol.signIn();
    await alice.signIn();
    const finished = await alice.call('/api/games', { opponent: bob.name });
    await bob.call(`/api/games/${finished.id}/accept`);
    await bob.call(`/api/games/${finished.id}/resign`);
    const playing = await alice.call('/api/games', { opponent: bob.name });
    await bob.call(`/api/games/${playing.id}/accept`);
    await alice.call('/api/games', { opponent: bob.name });
    await carol.call('/api/games', { opponent: alice.name });

    await open(alice.page, '/online');
    await expectAccessible(alice.page, 'the lobby', async () => {
      for (const list of ['Invitations for you', 'Invitations you sent', 'Games in progress', 'Finished games']) {
        await expect(alice.section(list).getByRole('listitem')).toHaveCount(1);
      }
      await expect(alice.connection).toHaveAttribute('data-connection', 'live');
    });
    await Promise.all([alice.close(), bob.close(), carol.close()]);
  });

  test('a live game in progress, its resign question, a finished game and a spectator’s view', async ({ browser }) => {
    test.setTimeout(120_000);
    const alice = await OnlinePlayer.open(browser, 'alice');
    const bob = await OnlinePlayer.open(browser, 'bob');
    await bob.signIn();
    await alice.signIn();
    const live = { type: 'live', initialSeconds: 600, incrementSeconds: 5 };
    const { id } = await alice.call('/api/games', { opponent: bob.name, timeControl: live });
    await bob.call(`/api/games/${id}/accept`);
    await bob.call(`/api/games/${id}/moves`, { cell: 4 });
    await bob.page.goto(`/games/${id}`);

    await open(alice.page, `/games/${id}`);
    await expectAccessible(alice.page, 'a game in progress', async () => {
      await expect(alice.status).toHaveText('Your turn');
      await expect(alice.page.getByTestId('clock-O')).toHaveAttribute('data-running', 'true');
      await expect(alice.page.getByTestId('presence-X')).toHaveAttribute('data-online', 'true');
    });
    await alice.page.getByRole('button', { name: 'Resign' }).click();
    await expectAccessible(alice.page, 'the resign question', () =>
      expect(alice.page.getByRole('button', { name: 'Keep playing' })).toBeVisible(),
    );

    const watching = await browser.newContext();
    const spectator = await watching.newPage();
    await open(spectator, `/games/${id}`);
    await expectAccessible(spectator, 'a spectator’s view', () =>
      expect(spectator.getByText('You are watching this game.')).toBeVisible(),
    );

    await alice.page.getByRole('button', { name: 'Yes, resign' }).click();
    await expect(alice.status).toHaveText('You lose — you resigned');
    await open(bob.page, `/games/${id}`);
    await expectAccessible(bob.page, 'a finished game with its replay', async () => {
      await expect(bob.status).toHaveText(`You win — ${alice.name} resigned`);
      await expect(bob.page.getByTestId('replay-summary')).toContainText('X: no mistakes');
    });
    await Promise.all([alice.close(), bob.close(), watching.close()]);
  });

  test('a profile with a rated game, its history as a table, and the leaderboard', async ({ browser }) => {
    test.setTimeout(90_000);
    const alice = await OnlinePlayer.open(browser, 'alice');
    const bob = await OnlinePlayer.open(browser, 'bob');
    await bob.signIn();
    await alice.signIn();
    const { id } = await alice.call('/api/games', { opponent: bob.name, rated: true });
    await bob.call(`/api/games/${id}/accept`);
    await bob.call(`/api/games/${id}/resign`);

    await open(alice.page, `/players/${alice.name}`);
    const chart = alice.page.getByRole('img', { name: 'Rating history' });
    await expectAccessible(alice.page, 'a profile', () => expect(chart).toBeVisible());
    await alice.page.getByText('Rating history as a table').click();
    await expectAccessible(alice.page, 'a profile with its table', () =>
      expect(alice.page.getByRole('link', { name: 'Game 1' })).toBeVisible(),
    );
    await open(alice.page, '/players');
    await expectAccessible(alice.page, 'the leaderboard', () =>
      expect(
        alice.page.getByRole('table', { name: 'Leaderboard' }).getByRole('link', { name: alice.name }),
      ).toBeVisible(),
    );
    await Promise.all([alice.close(), bob.close()]);
  });
});
