import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { OnlinePlayer } from '../online-fixtures';

const docs = fileURLToPath(new URL('../../docs/', import.meta.url));
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };

/** The longest name there is (20 characters), mostly of one wide letter: the most a page has to fit. */
const widestName = (letter: string) => `${letter.repeat(12)}${randomBytes(4).toString('hex').toUpperCase()}`;

/** How far the page reaches past the window's right edge; 0 or less means no sideways scrolling. */
const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** The vertical middle of an element on the page. */
const middle = async (locator: Locator) => {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not on the page');
  return box.y + box.height / 2;
};

/** On how many lines an element's text is laid out. */
const lines = (locator: Locator) =>
  locator.evaluate((element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return new Set([...range.getClientRects()].map((rect) => Math.round(rect.bottom))).size;
  });

/** Alice and Bob signed in, and a live game (5 min + 3 s) between them that Bob (X) has accepted. */
async function liveGame(alice: OnlinePlayer, bob: OnlinePlayer): Promise<string> {
  await bob.signIn();
  await alice.signIn();
  const live = { type: 'live', initialSeconds: 300, incrementSeconds: 3 };
  const { id } = await alice.call('/api/games', { opponent: bob.name, timeControl: live });
  await bob.call(`/api/games/${id}/accept`);
  return id;
}

test.describe('layout', () => {
  test('fits a 360 px phone without sideways scrolling', async ({ board, page }) => {
    await page.setViewportSize(PHONE);
    await board.open();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const cell = await board.cell(0).boundingBox();
    expect(cell?.width).toBeGreaterThanOrEqual(80);
  });

  test('uses a dark palette when the system asks for it', async ({ browser }) => {
    const context = await browser.newContext({ colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto('/');
    await expect(page.getByRole('status')).toHaveText("Player X's Turn");
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const channels = (background.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
    // Tailwind 4 colours may come back as oklch(L …): a dark background has a low lightness.
    const dark = background.startsWith('oklch') ? (channels[0] ?? 1) < 0.3 : channels.every((c) => c < 60);
    expect(dark, background).toBe(true);
    await context.close();
  });

  test('the choice of side keeps each option on one line, on a desktop and on a phone', async ({ board, page }) => {
    await board.open();
    await board.chooseComputer('Easy', 'X (first)');
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      // "Two players" is one line: each side's option is as tall.
      const oneLine = (await page.getByText('Two players').boundingBox())?.height;
      for (const side of ['X (first)', 'O (second)']) {
        expect((await page.getByText(side).boundingBox())?.height, `${side} at ${size.width} px`).toBe(oneLine);
      }
      expect(await sideways(page)).toBeLessThanOrEqual(0);
    }
  });

  test('20-character names fit a 360 px phone: the lobby, a game, its clocks and a spectator’s view', async ({
    browser,
  }) => {
    test.setTimeout(60_000);
    const alice = await OnlinePlayer.named(browser, widestName('W'));
    const bob = await OnlinePlayer.named(browser, widestName('M'));
    const carol = await OnlinePlayer.named(browser, widestName('W'));
    for (const player of [alice, bob, carol]) await player.page.setViewportSize(PHONE);
    await carol.signIn();
    const live = await liveGame(alice, bob);
    // A row in each of Alice's lists: finished, in progress (above), sent, received.
    const finished = await alice.call('/api/games', { opponent: bob.name });
    await bob.call(`/api/games/${finished.id}/accept`);
    await bob.call(`/api/games/${finished.id}/resign`);
    await alice.call('/api/games', { opponent: bob.name });
    await carol.call('/api/games', { opponent: alice.name });

    await alice.page.goto('/online');
    for (const list of ['Invitations for you', 'Invitations you sent', 'Games in progress', 'Finished games']) {
      await expect(alice.section(list).getByRole('listitem')).toHaveCount(1);
    }
    await expect(alice.page.getByRole('button', { name: 'Play anyone' })).toBeVisible();
    await expect.poll(() => sideways(alice.page), 'the lobby').toBeLessThanOrEqual(0);

    await alice.page.goto(`/games/${live}`);
    await expect(alice.page.getByTestId('clock-X')).toContainText(bob.name);
    await expect(alice.page.getByTestId('clock-O')).toContainText(alice.name);
    await expect(alice.status).toHaveText(`Waiting for ${bob.name}`);
    await expect.poll(() => sideways(alice.page), 'a game in progress').toBeLessThanOrEqual(0);
    // A name may break; the short words beside it do not.
    const heading = alice.page.getByRole('heading', { level: 1 });
    for (const word of [heading.getByText('(you)'), alice.page.getByText(/^\d+:\d\d$/)]) {
      for (const each of await word.all()) expect(await lines(each), (await each.textContent()) ?? '').toBe(1);
    }

    await carol.page.goto(`/games/${live}`);
    await expect(carol.status).toHaveText(`${bob.name}'s turn (X)`);
    await expect.poll(() => sideways(carol.page), 'a spectator’s view').toBeLessThanOrEqual(0);

    await bob.page.goto(`/games/${finished.id}`);
    await expect(bob.status).toHaveText(`You lose — you resigned`);
    await expect.poll(() => sideways(bob.page), 'a finished game').toBeLessThanOrEqual(0);
    await Promise.all([alice.close(), bob.close(), carol.close()]);
  });

  test('when the names wrap, "vs" starts the second player’s line', async ({ browser }) => {
    const alice = await OnlinePlayer.named(browser, widestName('W'));
    const bob = await OnlinePlayer.named(browser, widestName('M'));
    const id = await liveGame(alice, bob);
    await alice.page.goto(`/games/${id}`);
    const heading = alice.page.getByRole('heading', { level: 1 });
    await expect(heading).toContainText(bob.name);
    for (const size of [PHONE, DESKTOP]) {
      await alice.page.setViewportSize(size);
      const vs = heading.getByText('vs', { exact: true });
      const o = heading.getByText('O', { exact: true });
      expect(Math.abs((await middle(vs)) - (await middle(o))), `at ${size.width} px`).toBeLessThan(8);
      expect(await lines(vs)).toBe(1);
    }
    await Promise.all([alice.close(), bob.close()]);
  });

  test('the resign confirmation keeps its two answers side by side', async ({ browser }) => {
    const alice = await OnlinePlayer.open(browser, 'alice');
    const bob = await OnlinePlayer.open(browser, 'bob');
    const id = await liveGame(alice, bob);
    await bob.page.goto(`/games/${id}`);
    await bob.page.getByRole('button', { name: 'Resign' }).click();
    const yes = bob.page.getByRole('button', { name: 'Yes, resign' });
    const no = bob.page.getByRole('button', { name: 'Keep playing' });
    for (const size of [DESKTOP, PHONE]) {
      await bob.page.setViewportSize(size);
      expect(await middle(no), `at ${size.width} px`).toBe(await middle(yes));
    }
    await no.click();
    await expect(bob.page.getByRole('button', { name: 'Resign' })).toBeVisible();
    await Promise.all([alice.close(), bob.close()]);
  });

  test('a wrong field is marked invalid and described by its message: sign-in and invitation', async ({
    browser,
    page,
  }) => {
    await page.goto('/online');
    const name = page.getByLabel('Name');
    const password = page.getByLabel('Password');
    const signIn = page.getByRole('button', { name: 'Sign in' });
    await name.fill('<b>');
    await password.fill('short');
    await signIn.click();
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await expect(name).toHaveAccessibleDescription(/Names are 3–20 letters, digits, _ or -/);
    await expect(name).not.toHaveAccessibleDescription(/Passwords/);
    await expect(password).toHaveAttribute('aria-invalid', 'true');
    await expect(password).toHaveAccessibleDescription(/Passwords have at least 8 characters/);
    await expect(password).not.toHaveAccessibleDescription(/Names/);
    // Only the password is wrong now: only it is marked.
    await name.fill('a_good_name');
    await signIn.click();
    await expect(name).not.toHaveAttribute('aria-invalid');
    await expect(name).toHaveAccessibleDescription('3–20 letters, digits, _ or -');
    await expect(password).toHaveAttribute('aria-invalid', 'true');

    const player = await OnlinePlayer.open(browser, 'grace');
    await player.signIn();
    const opponent = player.page.getByLabel("Opponent's name");
    await player.invite('no spaces');
    await expect(opponent).toHaveAttribute('aria-invalid', 'true');
    await expect(opponent).toHaveAccessibleDescription('Names are 3–20 letters, digits, _ or -');
    await player.page.getByRole('button', { name: 'Dismiss the error' }).click();
    await expect(opponent).not.toHaveAttribute('aria-invalid');
    await expect(opponent).toHaveAccessibleDescription('');
    await player.close();
  });

  test('the README screenshot: a game in progress on a desktop', async ({ board, page }) => {
    await page.setViewportSize({ width: 900, height: 820 });
    await board.open();
    await board.play(4, 0, 2, 6);
    await expect(board.status).toHaveText("Player X's Turn");
    const path = process.env.UPDATE_SCREENSHOT ? `${docs}screenshot.png` : test.info().outputPath('screenshot.png');
    mkdirSync(docs, { recursive: true });
    await page.screenshot({ path });
  });

  test('the README screenshot of online play: a live game between two players', async ({ browser }) => {
    // Plain names for the picture; the server keeps players for the run, and this test makes them once.
    const alice = await OnlinePlayer.named(browser, 'alice');
    const bob = await OnlinePlayer.named(browser, 'bob');
    const id = await liveGame(alice, bob);
    await bob.page.goto(`/games/${id}`);
    for (const [player, cell] of [
      [bob, 4],
      [alice, 0],
      [bob, 2],
    ] as const) {
      await player.call(`/api/games/${id}/moves`, { cell });
    }
    await alice.page.setViewportSize({ width: 900, height: 1000 });
    await alice.page.goto(`/games/${id}`);
    await expect(alice.status).toHaveText('Your turn');
    await expect(alice.page.getByTestId('clock-O')).toHaveAttribute('data-running', 'true');
    await expect(alice.page.getByTestId('presence-X')).toHaveAttribute('data-online', 'true');
    const path = process.env.UPDATE_SCREENSHOT
      ? `${docs}screenshot-online.png`
      : test.info().outputPath('screenshot-online.png');
    await alice.page.screenshot({ path });
    await Promise.all([alice.close(), bob.close()]);
  });
});
