import { expect } from '@playwright/test';
import { aliceAndBob, OnlinePlayer, PASSWORD, test } from '../online-fixtures';

test.describe('accounts', () => {
  test('a name nobody has is a question, asked once; a known name signs straight in', async ({ browser }) => {
    const player = await OnlinePlayer.open(browser, 'testuser');
    const { page, name } = player;
    const question = page.getByText(`No player is called ${name}. Create this account?`);
    const hello = page.getByRole('heading', { name: `Hello, ${name}` });

    await page.goto('/online');
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(question).toBeVisible();
    await expect(hello).toHaveCount(0);

    // "Change the name" goes back to the name; editing it takes the question away.
    await page.getByRole('button', { name: 'Change the name' }).click();
    await expect(page.getByLabel('Name')).toBeFocused();
    await page.keyboard.type('someone_else');
    await expect(question).toHaveCount(0);

    await page.getByLabel('Name').fill(name);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: `Create ${name}` }).click();
    await expect(hello).toBeVisible();

    // Signed out and back in: the account exists, so no question.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Play online' })).toBeVisible();
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Password').fill(PASSWORD);
    const answered = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/session');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await answered).status()).toBe(200);
    await expect(hello).toBeVisible();
    await expect(question).toHaveCount(0);
    await player.close();
  });

  test('a game page says who is signed in and signs out; signed out, it offers to sign in and come back', async ({
    browser,
    secondBaseURL,
  }) => {
    const { alice, bob } = await aliceAndBob(browser, secondBaseURL);
    const game = await alice.call('/api/games', { opponent: bob.name });
    await bob.call(`/api/games/${game.id}/accept`);

    await alice.page.goto(`/games/${game.id}`);
    const session = alice.page.getByTestId('session');
    await expect(session).toContainText(`Signed in as ${alice.name}`);
    await expect(alice.status).toHaveText(`Waiting for ${bob.name}`);
    await session.getByRole('button', { name: 'Sign out' }).click();

    // Still on the game, now as a visitor, with a way back in.
    await expect(session).toContainText('Not signed in');
    await expect(alice.page.getByText('You are watching this game.')).toBeVisible();
    await alice.page.getByRole('link', { name: 'Sign in to play' }).click();
    await expect(alice.page).toHaveURL(`/online?next=${encodeURIComponent(`/games/${game.id}`)}`);
    await alice.fillSignIn();
    await expect(alice.page).toHaveURL(`/games/${game.id}`);
    await expect(session).toContainText(`Signed in as ${alice.name}`);
    await expect(alice.status).toHaveText(`Waiting for ${bob.name}`);
    await expect(alice.page.getByRole('button', { name: 'Resign' })).toBeVisible();
    await Promise.all([alice.close(), bob.close()]);
  });
});
