import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '../fixtures';

const docs = fileURLToPath(new URL('../../docs/', import.meta.url));

test.describe('layout', () => {
  test('fits a 360 px phone without sideways scrolling', async ({ board, page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
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

  test('the README screenshot: a game in progress on a desktop', async ({ board, page }) => {
    await page.setViewportSize({ width: 900, height: 820 });
    await board.open();
    await board.play(4, 0, 2, 6);
    await expect(board.status).toHaveText("Player X's Turn");
    const path = process.env.UPDATE_SCREENSHOT ? `${docs}screenshot.png` : test.info().outputPath('screenshot.png');
    mkdirSync(docs, { recursive: true });
    await page.screenshot({ path });
  });
});
