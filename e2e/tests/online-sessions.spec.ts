import { expect } from '@playwright/test';
import { OnlinePlayer, test } from '../online-fixtures';

test.describe('sessions', () => {
  test('"Sign out everywhere" signs out the other device on its next request, and signing in again works', async ({
    browser,
    secondBaseURL,
  }) => {
    const phone = await OnlinePlayer.open(browser, 'carol');
    await phone.signIn();
    // The same player on another device (on the other instance, where the project has one).
    const laptop = await OnlinePlayer.anotherDevice(browser, phone, secondBaseURL);
    await laptop.signIn();

    const { page } = phone;
    await page.getByRole('button', { name: 'Sign out everywhere…' }).click();
    // Asked first; the keyboard is on the answer, and Escape takes the question back.
    const confirm = page.getByRole('button', { name: 'Yes, sign out everywhere' });
    await expect(confirm).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(confirm).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Sign out everywhere…' })).toBeFocused();

    await page.keyboard.press('Enter');
    await expect(confirm).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Play online' })).toBeVisible();

    // The laptop's next request finds its session ended: back to signing in, saying why.
    await laptop.page.reload();
    await expect(laptop.page.getByRole('heading', { name: 'Play online' })).toBeVisible();
    const asked = await laptop.context.request.get('/api/lobby');
    expect(asked.status()).toBe(401);
    expect(await asked.json()).toMatchObject({ code: 'auth/signed-out' });

    // Signing in again works, on either device.
    await laptop.signIn();
    await phone.signIn();
    await phone.close();
    await laptop.close();
  });

  test('an open lobby is signed out when another device signs out everywhere', async ({ browser, secondBaseURL }) => {
    const phone = await OnlinePlayer.open(browser, 'dave');
    await phone.signIn();
    const laptop = await OnlinePlayer.anotherDevice(browser, phone, secondBaseURL);
    await laptop.signIn();

    const ended = await phone.context.request.delete('/api/sessions');
    expect(ended.status()).toBe(200);
    // Its live stream is ended by the server; reconnecting finds the session gone.
    await expect(laptop.page.getByRole('heading', { name: 'Play online' })).toBeVisible();
    await expect(laptop.page.getByText('You were signed out, on this device or on all of them.')).toBeVisible();
    await phone.close();
    await laptop.close();
  });
});
