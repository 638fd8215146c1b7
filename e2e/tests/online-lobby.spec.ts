import { expect } from '@playwright/test';
import { aliceAndBob, OnlinePlayer, test } from '../online-fixtures';

test.describe('the lobby, live', () => {
  test('follows invitations, acceptance, moves and the finish from live events, reading the lobby only on load', async ({
    browser,
    secondBaseURL,
  }) => {
    const alice = await OnlinePlayer.open(browser, 'alice');
    const bob = await OnlinePlayer.open(browser, 'bob', secondBaseURL);
    let reads = 0;
    alice.page.on('request', (request) => {
      if (request.method() === 'GET' && new URL(request.url()).pathname === '/api/lobby') reads++;
    });
    await bob.signIn();
    await alice.signIn();
    // Once as the page opens, once more when the live stream is ready (it may have missed a change).
    await expect.poll(() => reads).toBe(2);

    const received = alice.section('Invitations for you');
    const sent = alice.section('Invitations you sent');
    const playing = alice.section('Games in progress');
    const finished = alice.section('Finished games');

    // Bob and Carol invite Alice: the newer on top. She declines Bob's here; Carol cancels hers.
    const carol = await OnlinePlayer.withAccount(browser, 'carol', secondBaseURL);
    const first = await bob.call('/api/games', { opponent: alice.name });
    const second = await carol.call('/api/games', { opponent: alice.name });
    await expect(received.getByRole('listitem')).toHaveCount(2);
    await expect(received.getByRole('listitem').first()).toHaveAttribute('data-testid', `game-${second.id}`);
    await received
      .getByTestId(`game-${first.id}`)
      .getByRole('button', { name: `Decline ${bob.name}'s invitation` })
      .click();
    await expect(received.getByRole('listitem')).toHaveCount(1);
    await carol.call(`/api/games/${second.id}/cancel`);
    await carol.close();
    await expect(alice.page.getByText('No invitations right now.')).toBeVisible();

    // Alice invites Bob from elsewhere (another tab: straight to the API); Bob accepts and moves.
    const game = await alice.call('/api/games', { opponent: bob.name });
    const row = alice.page.getByTestId(`game-${game.id}`);
    await expect(sent.getByTestId(`game-${game.id}`)).toContainText(`You invited ${bob.name}`);
    await bob.call(`/api/games/${game.id}/accept`);
    await expect(playing.getByTestId(`game-${game.id}`)).toContainText(`Waiting for ${bob.name}`);
    await expect(alice.page.getByTestId('accepted-offer')).toContainText(`${bob.name} accepted your invitation`);
    await expect(alice.page.getByText('You have no open invitations.')).toBeVisible();
    await bob.call(`/api/games/${game.id}/moves`, { cell: 0 });
    await expect(row.getByTestId('your-turn')).toBeVisible();
    await expect(alice.page).toHaveTitle('(1) Your turn · Tic-tac-toe');
    await alice.call(`/api/games/${game.id}/moves`, { cell: 4 });
    await expect(row).toContainText(`Waiting for ${bob.name}`);
    await expect(alice.page).toHaveTitle('Tic-tac-toe');

    // Bob resigns: the game is finished, and counted once in Alice's record.
    await bob.call(`/api/games/${game.id}/resign`);
    await expect(finished.getByTestId(`game-${game.id}`)).toContainText('You won (resigned)');
    await expect(alice.page.getByText('No games in progress. Invite someone above.')).toBeVisible();
    await expect(alice.page.getByTestId('record')).toHaveText('1 win · 0 losses · 0 draws');
    // A rematch invites, and links the finished game (one more change to it): still one win.
    const rematch = await bob.call(`/api/games/${game.id}/rematch`);
    await expect(received.getByTestId(`game-${rematch.id}`)).toContainText(`${bob.name} wants a rematch`);
    const linked: { updatedAt: string } = await (await alice.context.request.get(`/api/games/${game.id}`)).json();
    await expect(finished.getByTestId(`game-${game.id}`).locator('time')).toHaveAttribute('datetime', linked.updatedAt);
    await expect(alice.page.getByTestId('record')).toHaveText('1 win · 0 losses · 0 draws');

    expect(reads).toBe(2);
    await Promise.all([alice.close(), bob.close()]);
  });

  test('a change heard while the lobby is being read is kept when the older read arrives', async ({
    browser,
    secondBaseURL,
  }) => {
    const { alice, bob } = await aliceAndBob(browser, secondBaseURL);

    // On the next load, the second read (when the stream is ready) is answered by the server at
    // once but handed to the page only when the test says so.
    // The signed-in page may still be reading its lobby: it is left first, so that every read
    // counted below comes from the page loaded again.
    const lobbyURL = alice.page.url();
    await alice.page.goto('about:blank');
    let reads = 0;
    let answered = false;
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    await alice.page.route('**/api/lobby', async (route) => {
      if (++reads !== 2) return route.continue();
      const response = await route.fetch();
      answered = true;
      await released;
      await route.fulfill({ response });
    });
    await alice.page.goto(lobbyURL);
    await expect(alice.connection).toHaveAttribute('data-connection', 'live');
    await expect(alice.page.getByText('No invitations right now.')).toBeVisible();
    await expect.poll(() => answered).toBe(true);

    // Bob's invitation comes after that read: it shows, and stays when the read is let through.
    const received = alice.section('Invitations for you').getByRole('listitem');
    const first = await bob.call('/api/games', { opponent: alice.name });
    await expect(received).toHaveCount(1);
    const handed = alice.page.waitForEvent('requestfinished', (request) => request.url().endsWith('/api/lobby'));
    release();
    await handed;
    const carol = await OnlinePlayer.withAccount(browser, 'carol', secondBaseURL);
    const second = await carol.call('/api/games', { opponent: alice.name });
    await carol.close();
    await expect(alice.page.getByTestId(`game-${second.id}`)).toBeVisible();
    await expect(received).toHaveCount(2);
    await expect(alice.page.getByTestId(`game-${first.id}`)).toBeVisible();
    expect(reads).toBe(2);
    await Promise.all([alice.close(), bob.close()]);
  });
});
