import { expect } from '@playwright/test';
import { aliceAndBob, OnlinePlayer, test } from '../online-fixtures';

/**
 * Time controls on two screens: live clocks that run out, and a claim after the player to
 * move left. The servers run with ABANDON_AFTER_MS=1500 (playwright.config.ts and
 * scripts/e2e-dynamodb.mjs) so a claim opens in seconds.
 */
test.describe('online play against the clock', () => {
  test('a live clock runs out on both screens and the player out of time loses', async ({ browser, secondBaseURL }) => {
    test.setTimeout(60_000);
    const { alice, bob } = await aliceAndBob(browser, secondBaseURL);

    // Shorter than any the form offers: the API takes any live clock from 1 s.
    const created = await alice.page.request.post('/api/games', {
      data: { opponent: bob.name, timeControl: { type: 'live', initialSeconds: 4, incrementSeconds: 0 } },
    });
    expect(created.status()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await bob.page.getByRole('button', { name: `Accept ${alice.name}'s invitation` }).click();
    expect(await bob.gameId()).toBe(id);
    await alice.page.goto(`/games/${id}`);

    // Bob (X) moves at once; Alice's clock runs, and she does not move.
    await expect(bob.page.getByTestId('clock-X')).toHaveAttribute('data-running', 'true');
    await bob.play(4, 'X');
    await expect(alice.page.getByTestId('clock-O')).toHaveAttribute('data-running', 'true');
    await expect(alice.page.getByTestId('clock-X')).toHaveAttribute('data-running', 'false');

    await expect(alice.status).toHaveText('You lose — out of time', { timeout: 20_000 });
    await expect(bob.status).toHaveText(`You win — ${alice.name} ran out of time`, { timeout: 20_000 });
    await expect(alice.page.getByTestId('clock-O')).toContainText('0:00.0');
    await expect(alice.cell(0)).toHaveAttribute('aria-disabled', 'true');
    await alice.close();
    await bob.close();
  });

  test('the player waiting may claim a live game the player to move left; a wrong device clock does not matter', async ({
    browser,
    secondBaseURL,
  }) => {
    test.setTimeout(60_000);
    const alice = await OnlinePlayer.open(browser, 'alice');
    const bob = await OnlinePlayer.open(browser, 'bob', secondBaseURL);
    // Bob's device clock is an hour slow: his page counts from the server's time anyway.
    await bob.context.addInitScript(() => {
      const realNow = Date.now.bind(Date);
      Date.now = () => realNow() - 3_600_000;
    });
    await bob.signIn();
    await alice.signIn();

    await alice.page.getByLabel('Time control', { exact: true }).selectOption({ label: 'Live · 1 min + 2 s' });
    await alice.invite(bob.name);
    await bob.page.getByRole('button', { name: `Accept ${alice.name}'s invitation` }).click();
    const id = await bob.gameId();
    await expect(bob.page.getByTestId('clock-O')).toHaveText(/1:00$/);
    await expect(bob.page.getByTestId('clock-X')).toHaveText(/0:[0-5]\d$|1:00$/);

    await alice.page.goto(`/games/${id}`);
    await bob.play(4, 'X');
    await expect(alice.status).toHaveText('Your turn');
    // Counted from the server's time: at most the minute and the increment, however long Bob took (not an hour more).
    await expect(bob.page.getByTestId('clock-X')).toHaveText(/\)(1:0[0-2]|0:[0-5]\d)$/);
    await expect(bob.page.getByTestId('claim')).toHaveCount(0);

    // Alice, to move, closes her browser. Bob is told, then may claim.
    await alice.close();
    const claim = bob.page.getByTestId('claim');
    await expect(claim).toContainText(`${alice.name} left the game.`);
    await claim.getByRole('button', { name: 'Claim the win' }).click();
    await expect(bob.status).toHaveText(`You win — ${alice.name} left the game`);
    await expect(claim).toHaveCount(0);
    await bob.close();
  });
});
