import { expect, type Route } from '@playwright/test';
import { aliceAndBob, OnlinePlayer, test } from '../online-fixtures';

/** Alice invites Bob, Bob accepts (he plays X), and both have the game's page open. */
async function startGame(alice: OnlinePlayer, bob: OnlinePlayer): Promise<string> {
  await bob.signIn();
  await alice.signIn();
  await alice.invite(bob.name);
  await bob.page.getByRole('button', { name: `Accept ${alice.name}'s invitation` }).click();
  const id = await bob.gameId();
  await alice.page.goto(`/games/${id}`);
  await expect(alice.status).toHaveText(`Waiting for ${bob.name}`);
  await expect(bob.status).toHaveText('Your turn');
  return id;
}

/** A move request held at the network until the test lets it go. */
async function holdMoves(player: OnlinePlayer) {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let sent = 0;
  return {
    release: () => release(),
    sent: () => sent,
    route: async (answer: (route: Route) => Promise<void>) =>
      player.page.route('**/api/games/*/moves', async (route) => {
        sent++;
        await released;
        await answer(route);
      }),
  };
}

test.describe('online play', () => {
  test('invite, accept, play live to a win, see the result and the record, rematch, spectate', async ({
    browser,
    secondBaseURL,
  }) => {
    test.setTimeout(90_000);
    const { alice, bob } = await aliceAndBob(browser, secondBaseURL);

    // Alice invites Bob; it shows up in Bob's lobby without a reload.
    await alice.invite(bob.name);
    await expect(alice.section('Invitations you sent')).toContainText(`You invited ${bob.name}`);
    const invitation = bob.section('Invitations for you');
    await expect(invitation).toContainText(`${alice.name} invited you`);
    await bob.page.getByRole('button', { name: `Accept ${alice.name}'s invitation` }).click();
    const id = await bob.gameId();
    await expect(bob.status).toHaveText('Your turn');

    // Alice's lobby moves the game to "in progress" by itself; she opens it.
    await expect(alice.section('Games in progress')).toContainText(`Waiting for ${bob.name}`);
    await alice
      .section('Games in progress')
      .getByRole('link', { name: `vs ${bob.name}` })
      .click();
    expect(await alice.gameId()).toBe(id);
    await expect(alice.status).toHaveText(`Waiting for ${bob.name}`);
    await expect(alice.connection).toHaveAttribute('data-connection', 'live');

    // Each move appears on the other screen without reloading. Bob plays X (he was invited).
    const moves: [OnlinePlayer, number, 'X' | 'O'][] = [
      [bob, 0, 'X'],
      [alice, 3, 'O'],
      [bob, 1, 'X'],
      [alice, 4, 'O'],
    ];
    for (const [mover, cell, mark] of moves) {
      const other = mover === bob ? alice : bob;
      await expect(mover.status).toHaveText('Your turn');
      await mover.play(cell, mark);
      await expect(other.cell(cell)).toHaveAccessibleName(new RegExp(`, ${mark}, last move$`));
      await expect(other.status).toHaveText('Your turn');
    }
    // Bob wins with the keyboard: the online board works like the local one.
    await bob.cell(1).focus();
    await bob.page.keyboard.press('ArrowRight');
    await expect(bob.cell(2)).toBeFocused();
    await bob.page.keyboard.press('Enter');
    await expect(bob.status).toHaveText('You win');
    await expect(alice.status).toHaveText('You lose');
    for (const cell of [0, 1, 2]) await expect(alice.cell(cell)).toHaveAccessibleName(/winning line$/);
    await expect(alice.page.getByTestId('moves').getByRole('listitem')).toHaveCount(5);

    // Both find it under finished games with their own result, and their record.
    for (const [player, result, record] of [
      [bob, 'You won', '1 win · 0 losses · 0 draws'],
      [alice, 'You lost', '0 wins · 1 loss · 0 draws'],
    ] as const) {
      await player.page.getByRole('link', { name: '← Lobby' }).click();
      await expect(player.section('Finished games')).toContainText(result);
      await expect(player.page.getByTestId('record')).toHaveText(record);
    }

    // Rematch: Alice asks from the finished game; Bob sees it live and accepts; marks swap.
    await alice
      .section('Finished games')
      .getByRole('link', { name: `vs ${bob.name}` })
      .click();
    await alice.page.getByRole('button', { name: 'Rematch' }).click();
    await expect(alice.page).not.toHaveURL(new RegExp(`/games/${id}$`));
    const rematchId = await alice.gameId();
    expect(rematchId).not.toBe(id);
    await expect(alice.status).toHaveText(`Waiting for ${bob.name} to accept your rematch`);
    await expect(bob.section('Invitations for you')).toContainText(`${alice.name} wants a rematch`);
    await bob.page.getByRole('button', { name: `Accept ${alice.name}'s invitation` }).click();
    expect(await bob.gameId()).toBe(rematchId);
    await expect(alice.status).toHaveText('Your turn');

    // A third person with the link watches, read-only, live.
    const carol = await OnlinePlayer.open(browser, 'carol', secondBaseURL);
    await carol.page.goto(`/games/${rematchId}`);
    await expect(carol.status).toHaveText(`${alice.name}'s turn (X)`);
    await expect(carol.page.getByText('You are watching this game.')).toBeVisible();
    await alice.play(4, 'X');
    await expect(carol.cell(4)).toHaveAccessibleName('row 2, column 2, X, last move');
    await expect(carol.status).toHaveText(`${bob.name}'s turn (O)`);
    await carol.cell(0).click({ force: true });
    await expect(carol.cell(0)).toHaveAccessibleName('row 1, column 1, empty');

    await Promise.all([alice.close(), bob.close(), carol.close()]);
  });

  test('your own mark shows at once, and is taken back with a message when the server refuses it', async ({
    browser,
    secondBaseURL,
  }) => {
    const alice = await OnlinePlayer.open(browser, 'alice');
    const bob = await OnlinePlayer.open(browser, 'bob', secondBaseURL);
    await startGame(alice, bob);

    // Bob's move is held at the network, then refused as the server refuses a move (errors.ts).
    const refusal = await holdMoves(bob);
    await refusal.route((route) =>
      route.fulfill({
        status: 409,
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ error: 'That cell is already taken', code: 'move/cell-taken' }),
      }),
    );
    await bob.cell(4).click();
    await expect(bob.cell(4)).toHaveAccessibleName('row 2, column 2, X, last move');
    await expect(bob.status).toHaveText(`Waiting for ${alice.name}`);
    await expect.poll(() => refusal.sent()).toBe(1);
    refusal.release();
    await expect(bob.page.getByRole('alert')).toHaveText(/Your move was not played\. That cell is already taken/);
    await expect(bob.cell(4)).toHaveAccessibleName('row 2, column 2, empty');
    await expect(bob.status).toHaveText('Your turn');
    await expect(bob.page.getByText('No moves yet.')).toBeVisible();
    await expect(alice.cell(4)).toHaveAccessibleName('row 2, column 2, empty');
    await bob.page.unrouteAll();

    // Held again, then sent: the mark is there before the answer, and stays once, not twice.
    const held = await holdMoves(bob);
    await held.route((route) => route.continue());
    await bob.cell(4).click();
    await expect(bob.cell(4)).toHaveAccessibleName('row 2, column 2, X, last move');
    await expect.poll(() => held.sent()).toBe(1);
    held.release();
    await expect(bob.page.getByRole('alert')).toBeHidden();
    await expect(alice.cell(4)).toHaveAccessibleName('row 2, column 2, X, last move');
    await expect(alice.status).toHaveText('Your turn');
    await expect(bob.page.getByRole('group', { name: 'Game board' })).toHaveAttribute('aria-busy', 'false');
    await expect(bob.page.getByTestId('moves').getByRole('listitem')).toHaveCount(1);
    await Promise.all([alice.close(), bob.close()]);
  });

  test('the last move is named on both boards', async ({ browser, secondBaseURL }) => {
    const alice = await OnlinePlayer.open(browser, 'alice');
    const bob = await OnlinePlayer.open(browser, 'bob', secondBaseURL);
    await startGame(alice, bob);
    await bob.play(4, 'X');
    await expect(alice.cell(4)).toHaveAccessibleName('row 2, column 2, X, last move');
    await alice.play(0, 'O');
    for (const player of [alice, bob]) {
      await expect(player.cell(0)).toHaveAccessibleName('row 1, column 1, O, last move');
      await expect(player.cell(4)).toHaveAccessibleName('row 2, column 2, X');
    }
    await Promise.all([alice.close(), bob.close()]);
  });

  test('an invitation by link, accepted by whoever opens it', async ({ browser, secondBaseURL }) => {
    const alice = await OnlinePlayer.open(browser, 'alice');
    const dave = await OnlinePlayer.open(browser, 'dave', secondBaseURL);
    await alice.signIn();
    await alice.page.getByRole('button', { name: 'Create an invitation link' }).click();
    await expect(alice.status).toHaveText('Waiting for someone to accept your invitation link');
    const link = await alice.page.getByRole('textbox', { name: 'Invitation link' }).inputValue();
    expect(link).toMatch(/\/games\/[A-Za-z0-9_-]{22}\?invite=[A-Za-z0-9_-]{43}$/);

    // Dave opens the link signed out, signs in, and comes back to accept.
    await dave.page.goto(link);
    await dave.page.getByRole('link', { name: 'Sign in to accept' }).click();
    await dave.fillSignIn();
    await dave.page.getByRole('button', { name: `Accept ${alice.name}'s invitation` }).click();
    await expect(dave.status).toHaveText('Your turn');
    await expect(alice.status).toHaveText(`Waiting for ${dave.name}`);
    await expect(alice.page.getByRole('textbox', { name: 'Invitation link' })).toHaveCount(0);
    await Promise.all([alice.close(), dave.close()]);
  });

  test('a declined invitation leaves the sender’s lobby at once', async ({ browser, secondBaseURL }) => {
    const { alice, bob } = await aliceAndBob(browser, secondBaseURL);
    await alice.invite(bob.name);
    await expect(alice.section('Invitations you sent')).toContainText(`You invited ${bob.name}`);
    await bob.page.getByRole('button', { name: `Decline ${alice.name}'s invitation` }).click();
    await expect(alice.page.getByText('You have no open invitations.')).toBeVisible();
    await expect(bob.page.getByText('No invitations right now.')).toBeVisible();
    await Promise.all([alice.close(), bob.close()]);
  });

  test('falls back to polling when live streams are blocked', async ({ browser, secondBaseURL }) => {
    const { alice, bob } = await aliceAndBob(browser, secondBaseURL);
    await alice.invite(bob.name);
    await bob.page.getByRole('button', { name: `Accept ${alice.name}'s invitation` }).click();
    const id = await bob.gameId();

    // What a server over its stream cap answers (plugins/live.ts): the page must poll instead.
    await alice.page.route('**/events**', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json; charset=utf-8',
        headers: { 'retry-after': '30', connection: 'close' },
        body: JSON.stringify({ error: 'Too many live connections', code: 'live/too-many-streams' }),
      }),
    );
    await alice.page.goto(`/games/${id}`);
    await expect(alice.connection).toHaveAttribute('data-connection', 'polling');
    await bob.play(4, 'X');
    await expect(alice.cell(4)).toHaveAccessibleName('row 2, column 2, X, last move');
    await expect(alice.status).toHaveText('Your turn');
    await Promise.all([alice.close(), bob.close()]);
  });

  test('shows whether the opponent is here, when they left, and how many watch', async ({ browser, secondBaseURL }) => {
    test.setTimeout(60_000);
    const { alice, bob } = await aliceAndBob(browser, secondBaseURL);
    await alice.invite(bob.name);
    await bob.page.getByRole('button', { name: `Accept ${alice.name}'s invitation` }).click();
    const id = await bob.gameId();

    // Bob (X) is on the game's page; Alice (O) is still in her lobby.
    const aliceDot = bob.page.getByTestId('presence-O');
    await expect(aliceDot).toHaveAttribute('data-online', 'false');
    await expect(bob.page.getByTestId('presence')).toHaveText(`${alice.name} is not on this page`);
    await alice.page.goto(`/games/${id}`);
    await expect(aliceDot).toHaveAttribute('data-online', 'true');
    await expect(aliceDot).toContainText('connected:');
    await expect(alice.page.getByTestId('presence-X')).toHaveAttribute('data-online', 'true');
    await expect(bob.page.getByTestId('presence')).toHaveText('');

    // Someone who is not signed in opens the link (on Alice's instance): both players see it.
    const spectator = await browser.newContext();
    const watching = await spectator.newPage();
    await watching.goto(`/games/${id}`);
    await expect(watching.getByTestId('presence')).toHaveText('1 watching');
    await expect(bob.page.getByTestId('presence')).toHaveText('1 watching');
    await spectator.close();
    await expect(bob.page.getByTestId('presence')).toHaveText('');

    // Alice closes her browser: shortly after, Bob reads that she left.
    await alice.close();
    await expect(bob.page.getByTestId('presence')).toHaveText(`${alice.name} left the game`);
    await expect(aliceDot).toHaveAttribute('data-online', 'false');
    await bob.close();
  });

  test('names are checked and every name is shown as text', async ({ browser }) => {
    const mallory = await OnlinePlayer.open(browser, 'mallory');
    let dialogs = 0;
    mallory.page.on('dialog', async (dialog) => {
      dialogs++;
      await dialog.dismiss();
    });
    await mallory.page.goto('/online');
    await mallory.page.getByLabel('Name').fill('<img src=x onerror=alert(1)>');
    await mallory.page.getByLabel('Password').fill('a long enough password');
    await mallory.page.getByRole('button', { name: 'Sign in' }).click();
    await expect(mallory.page.getByRole('alert')).toContainText('Names are 3–20 letters, digits, _ or -');

    await mallory.signIn();
    await mallory.invite('<b>bob</b>');
    await expect(mallory.page.getByRole('alert')).toContainText('Names are 3–20 letters');
    await mallory.invite('nobody_by_this_name');
    await expect(mallory.page.getByTestId('invite-notice')).toContainText("nobody_by_this_name hasn't joined yet");
    await expect(mallory.page.locator('main img, main b')).toHaveCount(0);
    expect(dialogs).toBe(0);
    await mallory.close();
  });

  test('the local board links to online play and back', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Play online' }).click();
    await expect(page.getByRole('heading', { name: 'Play online' })).toBeVisible();
    await page.getByRole('link', { name: 'Play here' }).click();
    await expect(page.getByTestId('status')).toHaveText("Player X's Turn");
  });
});
