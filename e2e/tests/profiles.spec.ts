import { expect, type Page } from '@playwright/test';
import { aliceAndBob, type OnlinePlayer, test } from '../online-fixtures';

/** A rating as the pages show it: rounded, with "?" while provisional. */
const RATING = /^(\d+)\??$/;

async function ratingOn(page: Page): Promise<number> {
  const text = (await page.getByTestId('rating').textContent()) ?? '';
  const match = RATING.exec(text.trim());
  if (!match) throw new Error(`not a rating: ${text}`);
  return Number(match[1]);
}

/** Opens a player's profile from a link with their name, and waits for it to be read. */
async function openProfile(player: OnlinePlayer, link: ReturnType<Page['getByRole']>, name: string) {
  await link.click();
  await expect(player.page).toHaveURL(new RegExp(`/players/${name}$`));
  await expect(player.page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(player.page.getByTestId('rating')).toBeVisible();
}

test.describe('profiles and ratings', () => {
  test('an invitation is rated unless the player unticks it; the lobby says which', async ({
    browser,
    secondBaseURL,
  }) => {
    const { alice, bob } = await aliceAndBob(browser, secondBaseURL);
    const rated = alice.page.getByRole('checkbox', { name: 'Rated', exact: true });
    await expect(rated).toBeChecked();
    await alice.invite(bob.name);
    const sent = alice.section('Invitations you sent').getByRole('listitem');
    await expect(sent).toHaveCount(1);
    await expect(sent.getByTestId('rated')).toHaveText(' · Rated');
    await expect(bob.section('Invitations for you').getByTestId('rated')).toHaveText(' · Rated');

    await sent.getByRole('button', { name: `Cancel the invitation to ${bob.name}` }).click();
    await expect(sent).toHaveCount(0);
    // By keyboard: the box takes focus and Space unticks it.
    await rated.focus();
    await alice.page.keyboard.press('Space');
    await expect(rated).not.toBeChecked();
    await alice.invite(bob.name);
    await expect(sent.getByTestId('rated')).toHaveText(' · Casual');
    await sent.getByRole('link', { name: `Open your invitation to ${bob.name}` }).click();
    await expect(alice.page.getByTestId('rated')).toHaveText('Casual');
    await Promise.all([alice.close(), bob.close()]);
  });

  test('a rated game changes both ratings, live on the game page, and shows on both profiles and the leaderboard', async ({
    browser,
    secondBaseURL,
  }) => {
    const { alice, bob } = await aliceAndBob(browser, secondBaseURL);
    const { id } = await alice.call('/api/games', { opponent: bob.name, rated: true });
    await bob.call(`/api/games/${id}/accept`);
    await alice.page.goto(`/games/${id}`);
    await expect(alice.page.getByTestId('rated')).toHaveText('Rated');
    await expect(alice.connection).toHaveAttribute('data-connection', 'live');

    // Bob resigns elsewhere: the game page learns the result, then the rating changes.
    await bob.call(`/api/games/${id}/resign`);
    await expect(alice.status).toHaveText(`You win — ${bob.name} resigned`);
    const changes = alice.page.getByTestId('rating-change');
    await expect(changes).toHaveCount(2);
    await expect(changes.filter({ hasText: alice.name })).toHaveText(
      new RegExp(`^ · ${alice.name} 1500 → (\\d+) \\(\\+\\d+\\)$`),
    );
    await expect(changes.filter({ hasText: bob.name })).toHaveText(
      new RegExp(`^ · ${bob.name} 1500 → \\d+ \\(-\\d+\\)$`),
    );

    // The names on the game page link to the profiles.
    const header = alice.page.getByRole('heading', { level: 1 });
    await openProfile(alice, header.getByRole('link', { name: alice.name, exact: true }), alice.name);
    const aliceRating = await ratingOn(alice.page);
    expect(aliceRating).toBeGreaterThan(1500);
    await expect(alice.page.getByTestId('record')).toHaveText('1 win · 0 losses · 0 draws');
    await expect(alice.page.getByRole('img', { name: 'Rating history' })).toBeVisible();
    await alice.page.getByText('Rating history as a table').click();
    await expect(alice.page.getByRole('cell', { name: String(aliceRating) })).toBeVisible();
    const recent = alice.page.getByRole('list', { name: 'Recent games' }).getByRole('listitem');
    await expect(recent).toHaveCount(1);
    await expect(recent).toContainText('Rated +');
    await expect(recent.getByRole('link', { name: `Won (resigned) vs ${bob.name}` })).toHaveAttribute(
      'href',
      `/games/${id}`,
    );

    // A profile survives a reload: the server serves the page at its address.
    await alice.page.reload();
    await expect(alice.page.getByTestId('rating')).toHaveText(new RegExp(`^${aliceRating}\\??$`));

    await openProfile(alice, recent.getByRole('link', { name: bob.name, exact: true }), bob.name);
    const bobRating = await ratingOn(alice.page);
    expect(bobRating).toBeLessThan(1500);
    await expect(alice.page.getByTestId('record')).toHaveText('0 wins · 1 loss · 0 draws');
    await expect(
      alice.page
        .getByRole('list', { name: 'Recent games' })
        .getByRole('link', { name: `Lost (resigned) vs ${alice.name}` }),
    ).toBeVisible();

    // Bob sees the same on his own profile, linked from his session bar.
    await bob.page.goto(`/games/${id}`);
    await openProfile(bob, bob.page.getByTestId('session').getByRole('link', { name: bob.name }), bob.name);
    expect(await ratingOn(bob.page)).toBe(bobRating);

    // The leaderboard lists both, Alice above Bob, each name linking to the profile.
    await alice.page.getByRole('link', { name: 'Leaderboard' }).click();
    await expect(alice.page).toHaveURL(/\/players$/);
    const table = alice.page.getByRole('table', { name: 'Leaderboard' });
    const row = (name: string) =>
      table.getByRole('row').filter({ has: alice.page.getByRole('link', { name, exact: true }) });
    await expect(row(alice.name)).toContainText(String(aliceRating));
    await expect(row(bob.name)).toContainText(String(bobRating));
    const rank = async (name: string) => Number(await row(name).getByRole('cell').first().textContent());
    expect(await rank(alice.name)).toBeLessThan(await rank(bob.name));
    await alice.page.reload();
    await expect(row(bob.name)).toBeVisible();
    await row(bob.name).getByRole('link', { name: bob.name, exact: true }).click();
    await expect(alice.page.getByRole('heading', { level: 1, name: bob.name })).toBeVisible();
    await Promise.all([alice.close(), bob.close()]);
  });

  test("the lobby links the player's profile, the leaderboard and every opponent's profile", async ({
    browser,
    secondBaseURL,
  }) => {
    const { alice, bob } = await aliceAndBob(browser, secondBaseURL);
    const { id } = await alice.call('/api/games', { opponent: bob.name });
    await bob.call(`/api/games/${id}/accept`);
    await bob.call(`/api/games/${id}/resign`);
    const finished = alice.section('Finished games');
    await expect(finished.getByRole('listitem')).toHaveCount(1);
    await expect(finished.getByTestId('rated')).toHaveText(' · Casual');
    await openProfile(alice, finished.getByRole('link', { name: bob.name, exact: true }), bob.name);
    // A casual game counts in the record, not in the rating.
    await expect(alice.page.getByTestId('record')).toHaveText('0 wins · 1 loss · 0 draws');
    await expect(alice.page.getByTestId('rating')).toHaveText('Unrated');
    await expect(alice.page.getByText('No rated games yet.')).toBeVisible();

    await alice.page.getByRole('link', { name: '← Lobby' }).click();
    await alice.page.getByRole('link', { name: 'Your profile' }).click();
    await expect(alice.page.getByRole('heading', { level: 1, name: alice.name })).toBeVisible();
    await expect(alice.page.getByText('This is you')).toBeVisible();
    await Promise.all([alice.close(), bob.close()]);
  });

  test('a name nobody has is said so; a path that cannot be a name is not a page', async ({ page }) => {
    const response = await page.goto('/players/nobody_here_x');
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('heading', { name: 'No such player' })).toBeVisible();
    await page.getByRole('link', { name: 'See the leaderboard' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Leaderboard' })).toBeVisible();

    const invalid = await page.goto('/players/x');
    expect(invalid?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  });
});
