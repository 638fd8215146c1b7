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

/** Init script: counts the tones the page starts (the move sound), still playing them. */
function countTones() {
  const page = window as unknown as { tones: number };
  page.tones = 0;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (this: OscillatorNode, ...args: Parameters<typeof start>) {
    page.tones++;
    return start.apply(this, args);
  };
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

  test('a move makes a sound unless muted, and the mute toggle is kept across a reload', async ({
    browser,
    secondBaseURL,
  }) => {
    const alice = await OnlinePlayer.open(browser, 'alice');
    const bob = await OnlinePlayer.open(browser, 'bob', secondBaseURL);
    await bob.context.addInitScript(countTones);
    await bob.signIn();
    await alice.signIn();
    const { id } = await alice.call('/api/games', { opponent: bob.name });
    await bob.call(`/api/games/${id}/accept`);
    await bob.page.goto(`/games/${id}`);
    const tones = () => bob.page.evaluate(() => (window as unknown as { tones: number }).tones);
    const mute = bob.page.getByRole('button', { name: 'Mute sounds' });
    await expect(mute).toHaveAttribute('aria-pressed', 'false');
    await expect(bob.status).toHaveText('Your turn');
    expect(await tones()).toBe(0);

    // Bob's own move (quietly), then Alice's.
    await bob.play(0, 'X');
    await expect.poll(tones).toBe(1);
    await alice.call(`/api/games/${id}/moves`, { cell: 4 });
    await expect(bob.cell(4)).toHaveAccessibleName('row 2, column 2, O');
    await expect.poll(tones).toBe(2);

    // Muted from the keyboard: neither move sounds (the second one's board shows only after the first's effects ran).
    await mute.focus();
    await bob.page.keyboard.press('Space');
    await expect(mute).toHaveAttribute('aria-pressed', 'true');
    await bob.play(1, 'X');
    await alice.call(`/api/games/${id}/moves`, { cell: 7 });
    await expect(bob.cell(7)).toHaveAccessibleName('row 3, column 2, O');
    expect(await tones()).toBe(2);

    // The browser remembers; Enter unmutes, and Bob's winning move sounds again.
    await bob.page.reload();
    await expect(mute).toHaveAttribute('aria-pressed', 'true');
    await mute.focus();
    await bob.page.keyboard.press('Enter');
    await expect(mute).toHaveAttribute('aria-pressed', 'false');
    await bob.play(2, 'X');
    await expect(bob.status).toHaveText('You win');
    await expect.poll(tones).toBe(1);
    await Promise.all([alice.close(), bob.close()]);
  });
});
