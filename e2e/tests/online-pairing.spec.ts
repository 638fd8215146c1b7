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
    await expect(aliceCard).toContainText('Looking for an opponent (1 min + 2 s, casual)…');
    await alice.page.getByRole('button', { name: 'Cancel' }).click();
    await expect(aliceCard).toHaveText('Nobody is waiting right now.');

    // She asks again and waits; Bob, arriving on the other instance, sees someone waiting.
    await alice.page.getByRole('button', { name: 'Play anyone' }).click();
    await expect(aliceCard).toContainText('Looking for an opponent (1 min + 2 s, casual)…');
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

  test('a rated seeker is paired only with a rated one, by keyboard, and their game is rated', async ({
    browser,
    secondBaseURL,
  }) => {
    const erin = await OnlinePlayer.open(browser, 'erin');
    const frank = await OnlinePlayer.open(browser, 'frank', secondBaseURL);
    const grace = await OnlinePlayer.open(browser, 'grace');
    await erin.signIn();
    const erinCard = erin.page.getByTestId('pairing');
    // Erin asks for a rated game with the keyboard alone: tab to the box, tick it, ask.
    await erin.page.getByLabel('Time control for Play anyone').selectOption({ label: 'Live · 3 min + 2 s' });
    await erin.page.getByLabel('Time control for Play anyone').focus();
    await erin.page.keyboard.press('Tab');
    const rated = erin.page.getByRole('checkbox', { name: 'Rated game for Play anyone' });
    await expect(rated).toBeFocused();
    await erin.page.keyboard.press('Space');
    await expect(rated).toBeChecked();
    await erin.page.keyboard.press('Tab');
    await expect(erin.page.getByRole('button', { name: 'Play anyone' })).toBeFocused();
    await erin.page.keyboard.press('Enter');
    await expect(erinCard).toContainText('Looking for an opponent (3 min + 2 s, rated)…');

    // Grace wants the same time control, casual: she waits beside Erin instead of joining her.
    await grace.signIn();
    await grace.page.getByLabel('Time control for Play anyone').selectOption({ label: 'Live · 3 min + 2 s' });
    await grace.page.getByRole('button', { name: 'Play anyone' }).click();
    await expect(grace.page.getByTestId('pairing')).toContainText('Looking for an opponent (3 min + 2 s, casual)…');
    await expect(grace.page.getByTestId('pairing')).toContainText('1 more waiting for other games.');

    // Frank, on the other instance, asks for a rated one: he and Erin land in one rated game.
    await frank.signIn();
    await frank.page.getByLabel('Time control for Play anyone').selectOption({ label: 'Live · 3 min + 2 s' });
    await frank.page.getByRole('checkbox', { name: 'Rated game for Play anyone' }).check();
    await frank.page.getByRole('button', { name: 'Play anyone' }).click();
    const id = await frank.gameId();
    expect(await erin.gameId()).toBe(id);
    await expect(erin.status).toHaveText('Your turn');
    for (const player of [erin, frank]) {
      const game = await player.context.request.get(`/api/games/${id}`);
      expect(await game.json()).toMatchObject({ status: 'playing', rated: true, ratingChanges: null });
    }
    await expect(grace.page.getByTestId('pairing')).toContainText('Looking for an opponent (3 min + 2 s, casual)…');
    await grace.page.getByRole('button', { name: 'Cancel' }).click();
    await expect(grace.page.getByTestId('pairing')).toHaveText('Nobody is waiting right now.');
    await erin.close();
    await frank.close();
    await grace.close();
  });

  test('leaving the lobby while waiting leaves the queue', async ({ browser, secondBaseURL }) => {
    const carol = await OnlinePlayer.open(browser, 'carol');
    const dave = await OnlinePlayer.open(browser, 'dave', secondBaseURL);
    await carol.signIn();
    await carol.page.getByLabel('Time control for Play anyone').selectOption({ label: 'Live · 5 min + 3 s' });
    await carol.page.getByRole('button', { name: 'Play anyone' }).click();
    await expect(carol.page.getByTestId('pairing')).toContainText('Looking for an opponent (5 min + 3 s, casual)…');
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
