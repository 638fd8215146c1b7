import { expect } from '@playwright/test';
import { OnlinePlayer, test } from '../online-fixtures';

/** Signs Alice and Bob in (Bob on the second instance when the project has one). */
async function aliceAndBob(browser: Parameters<typeof OnlinePlayer.open>[0], secondBaseURL: string | undefined) {
  const alice = await OnlinePlayer.open(browser, 'alice');
  const bob = await OnlinePlayer.open(browser, 'bob', secondBaseURL);
  await bob.signIn();
  await alice.signIn();
  return { alice, bob };
}

test.describe('turn signals', () => {
  test('the tab title says when it is your move, and the lobby counts those games', async ({
    browser,
    secondBaseURL,
  }) => {
    const { alice, bob } = await aliceAndBob(browser, secondBaseURL);
    await expect(alice.page).toHaveTitle('Tic-tac-toe');
    await alice.invite(bob.name);
    await bob.page.getByRole('button', { name: `Accept ${alice.name}'s invitation` }).click();
    const id = await bob.gameId();
    await expect(bob.page).toHaveTitle(`● Your turn · vs ${alice.name}`);
    await expect(alice.section('Games in progress')).toContainText(`Waiting for ${bob.name}`);
    await expect(alice.page).toHaveTitle('Tic-tac-toe');

    // Bob moves: his tab waits, Alice's lobby counts one game for her.
    await bob.play(4, 'X');
    await expect(bob.page).toHaveTitle(`Waiting for ${alice.name} · Tic-tac-toe`);
    await expect(alice.page).toHaveTitle('(1) Your turn · Tic-tac-toe');
    const second = await alice.call('/api/games', { opponent: bob.name });
    await bob.call(`/api/games/${second.id}/accept`);
    await bob.call(`/api/games/${second.id}/moves`, { cell: 0 });
    await expect(alice.page).toHaveTitle('(2) Your turn · Tic-tac-toe');

    // On the game's page the title follows the turn, live, on both sides.
    await alice.page
      .getByTestId(`game-${id}`)
      .getByRole('link', { name: `vs ${bob.name}` })
      .click();
    await expect(alice.page).toHaveTitle(`● Your turn · vs ${bob.name}`);
    await alice.play(0, 'O');
    await expect(alice.page).toHaveTitle(`Waiting for ${bob.name} · Tic-tac-toe`);
    await expect(bob.page).toHaveTitle(`● Your turn · vs ${alice.name}`);
    await bob.page.getByRole('button', { name: 'Resign' }).click();
    await bob.page.getByRole('button', { name: 'Yes, resign' }).click();
    await expect(alice.page).toHaveTitle(`You won · vs ${bob.name}`);

    // Leaving a page puts back the title it found.
    await alice.page.getByRole('link', { name: '← Lobby' }).click();
    await expect(alice.page).toHaveTitle('(1) Your turn · Tic-tac-toe');
    await alice.page.getByRole('link', { name: 'Play here' }).click();
    await expect(alice.page).toHaveTitle('Tic-tac-toe');
    await bob.page.getByRole('link', { name: 'Play here' }).click();
    await expect(bob.page).toHaveTitle('Tic-tac-toe');
    await Promise.all([alice.close(), bob.close()]);
  });

  test('the lobby lists the games waiting for your move first, and marks them', async ({ browser, secondBaseURL }) => {
    const { alice, bob } = await aliceAndBob(browser, secondBaseURL);
    const games: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { id } = await alice.call('/api/games', { opponent: bob.name });
      await bob.call(`/api/games/${id}/accept`);
      games.push(id);
    }
    const [first, second, third, fourth] = games as [string, string, string, string];
    // Bob (X) moves in the first, second and fourth; Alice answers in the fourth, which is newest.
    for (const id of [first, second, fourth]) await bob.call(`/api/games/${id}/moves`, { cell: 0 });
    await alice.call(`/api/games/${fourth}/moves`, { cell: 4 });

    // The server lists newest first: fourth (Bob's move), second, first (Alice's), third (Bob's).
    await expect(alice.page).toHaveTitle('(2) Your turn · Tic-tac-toe');
    const rows = alice.section('Games in progress').getByRole('listitem');
    await expect
      .poll(() => rows.evaluateAll((items) => items.map((item) => item.getAttribute('data-testid'))))
      .toEqual([second, first, fourth, third].map((id) => `game-${id}`));
    for (const [index, yours] of [true, true, false, false].entries()) {
      const row = rows.nth(index);
      await expect(row.getByTestId('your-turn')).toHaveCount(yours ? 1 : 0);
      await expect(row).toContainText(yours ? 'Your turn' : `Waiting for ${bob.name}`);
      await expect(row).toHaveCSS('border-left-width', yours ? '4px' : '0px');
    }
    await Promise.all([alice.close(), bob.close()]);
  });
});
