import { expect } from '@playwright/test';
import { OnlinePlayer, test } from '../online-fixtures';

/** "Play anyone". One after the other: each server has one queue, and these read how many wait. */
test.describe('play anyone', () => {
  test.describe.configure({ mode: 'serial' });

  test('two players who ask to play anyone with the same time control land in one game; cancel leaves the queue', async ({
    browser,
    secondBaseURL,
  }) => {
    test.setTimeout(60_000);
    const alice = await OnlinePlayer.open(browser, 'alice');
    const bob = await OnlinePlayer.open(browser, 'bob', secondBaseURL);
    await alice.signIn();
    const aliceCard = alice.page.getByTestId('pairing');

    // Alice asks, then thinks better of it: she is out of the queue again.
    await alice.page.getByLabel('Time control for Play anyone').selectOption({ label: 'Live · 1 min + 2 s' });
    await alice.page.getByRole('button', { name: 'Play anyone' }).click();
    await expect(aliceCard).toContainText('Looking for an opponent (1 min + 2 s)…');
    await alice.page.getByRole('button', { name: 'Cancel' }).click();
    await expect(aliceCard).toHaveText('Nobody is waiting right now.');

    // She asks again and waits; Bob, arriving on the other instance, sees someone waiting.
    await alice.page.getByRole('button', { name: 'Play anyone' }).click();
    await expect(aliceCard).toContainText('Looking for an opponent (1 min + 2 s)…');
    await bob.signIn();
    await expect(bob.page.getByTestId('pairing')).toHaveText('1 player is waiting.');
    await bob.page.getByLabel('Time control for Play anyone').selectOption({ label: 'Live · 1 min + 2 s' });
    await bob.page.getByRole('button', { name: 'Play anyone' }).click();

    // Both are taken to the same game: Alice, who waited, plays X and moves first.
    const id = await bob.gameId();
    expect(await alice.gameId()).toBe(id);
    await expect(alice.status).toHaveText('Your turn');
    await expect(bob.status).toHaveText(`Waiting for ${alice.name}`);
    await expect(alice.page.getByTestId('clock-X')).toHaveAttribute('data-running', 'true');
    await alice.play(4, 'X');
    await expect(bob.status).toHaveText('Your turn');

    // Back in the lobby, nobody is left waiting.
    await bob.page.getByRole('link', { name: '← Lobby' }).click();
    await expect(bob.page.getByTestId('pairing')).toHaveText('Nobody is waiting right now.');
    await alice.close();
    await bob.close();
  });

  test('leaving the lobby while waiting leaves the queue', async ({ browser, secondBaseURL }) => {
    const carol = await OnlinePlayer.open(browser, 'carol');
    const dave = await OnlinePlayer.open(browser, 'dave', secondBaseURL);
    await carol.signIn();
    await carol.page.getByLabel('Time control for Play anyone').selectOption({ label: 'Live · 5 min + 3 s' });
    await carol.page.getByRole('button', { name: 'Play anyone' }).click();
    await expect(carol.page.getByTestId('pairing')).toContainText('Looking for an opponent (5 min + 3 s)…');
    // Dave looks once the server has Carol's leaving: her page tells it as the lobby goes away.
    const left = carol.page.waitForResponse(
      (response) => response.request().method() === 'DELETE' && new URL(response.url()).pathname === '/api/pairing',
    );
    await carol.page.getByRole('link', { name: 'Play here' }).click();
    await expect(carol.page).toHaveURL(/\/$/);
    expect((await left).ok()).toBe(true);
    await dave.signIn();
    await expect(dave.page.getByTestId('pairing')).toHaveText('Nobody is waiting right now.');
    await carol.close();
    await dave.close();
  });
});
