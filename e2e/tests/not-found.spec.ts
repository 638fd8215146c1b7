import { expect, test } from '@playwright/test';

test.describe('pages that do not exist', () => {
  for (const path of ['/games/does-not-exist', '/nothing/here']) {
    test(`an unknown path (${path}) is a 404 with a not-found page and the navigation`, async ({ page }) => {
      const response = await page.goto(path);
      expect(response?.status()).toBe(404);
      await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
      const nav = page.getByRole('navigation', { name: 'Main' });
      await expect(nav.locator('[aria-current="page"]')).toHaveCount(0);
      await nav.getByRole('link', { name: 'Play online' }).click();
      await expect(page.getByRole('heading', { name: 'Play online' })).toBeVisible();
    });
  }
});
