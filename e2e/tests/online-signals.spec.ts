import { expect } from '@playwright/test';
import { aliceAndBob, OnlinePlayer, test } from '../online-fixtures';

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

interface NoticeRecord {
  title: string;
  body: string | undefined;
  tag: string | undefined;
}
interface FakeBrowser {
  notices: NoticeRecord[];
  clickLastNotice: () => void;
  permissionAsks: number;
  setHidden: (hidden: boolean) => void;
}

/**
 * Init script: a Notification that records instead of showing, whose permission prompt
 * answers `answer` (kept for the session, as a browser keeps it), and a tab that a test can
 * hide: document.visibilityState / hidden follow setHidden, which fires visibilitychange.
 */
function fakeNotifications(answer: NotificationPermission) {
  const fake = window as unknown as FakeBrowser;
  fake.notices = [];
  fake.permissionAsks = 0;
  const shown: { onclick: (() => void) | null }[] = [];
  fake.clickLastNotice = () => shown.at(-1)?.onclick?.();
  class RecordingNotification {
    static get permission() {
      return sessionStorage.getItem('fake-permission') ?? 'default';
    }
    static async requestPermission() {
      fake.permissionAsks++;
      sessionStorage.setItem('fake-permission', answer);
      return answer;
    }
    onclick: (() => void) | null = null;
    constructor(title: string, options?: NotificationOptions) {
      fake.notices.push({ title, body: options?.body, tag: options?.tag });
      shown.push(this);
    }
    close() {}
  }
  Object.defineProperty(window, 'Notification', { value: RecordingNotification, configurable: true, writable: true });
  let hidden = false;
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => (hidden ? 'hidden' : 'visible'),
  });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  fake.setHidden = (value) => {
    hidden = value;
    document.dispatchEvent(new Event('visibilitychange'));
  };
}

const fakeOf = (player: OnlinePlayer) => ({
  notices: () => player.page.evaluate(() => (window as unknown as FakeBrowser).notices),
  permissionAsks: () => player.page.evaluate(() => (window as unknown as FakeBrowser).permissionAsks),
  hide: (hidden: boolean) =>
    player.page.evaluate((value) => (window as unknown as FakeBrowser).setHidden(value), hidden),
  clickLastNotice: () => player.page.evaluate(() => (window as unknown as FakeBrowser).clickLastNotice()),
});

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
    await expect(alice.page).toHaveTitle(`You won (resigned) · vs ${bob.name}`);

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
    await expect(bob.cell(4)).toHaveAccessibleName('row 2, column 2, O, last move');
    await expect.poll(tones).toBe(2);

    // Muted from the keyboard: neither move sounds (the second one's board shows only after the first's effects ran).
    await mute.focus();
    await bob.page.keyboard.press('Space');
    await expect(mute).toHaveAttribute('aria-pressed', 'true');
    await bob.play(1, 'X');
    await alice.call(`/api/games/${id}/moves`, { cell: 7 });
    await expect(bob.cell(7)).toHaveAccessibleName('row 3, column 2, O, last move');
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

  test('notifies of an invitation and of your turn only while the tab is hidden, asking only on a click', async ({
    browser,
    secondBaseURL,
  }) => {
    test.setTimeout(60_000);
    const alice = await OnlinePlayer.open(browser, 'alice');
    const bob = await OnlinePlayer.open(browser, 'bob', secondBaseURL);
    await alice.context.addInitScript(fakeNotifications, 'granted' as NotificationPermission);
    await bob.signIn();
    await alice.signIn();
    const fake = fakeOf(alice);

    // Loading the lobby, even afresh, asks nothing.
    await alice.page.reload();
    await expect(alice.connection).toHaveAttribute('data-connection', 'live');
    expect(await fake.permissionAsks()).toBe(0);
    const notify = alice.page.getByRole('button', { name: 'Notify me' });
    await expect(notify).toHaveAttribute('aria-pressed', 'false');
    await notify.click();
    await expect(notify).toHaveAttribute('aria-pressed', 'true');
    expect(await fake.permissionAsks()).toBe(1);

    // While the lobby is in view, an invitation is only listed; hidden, the next one is notified too.
    // A read of the lobby notifies before it is drawn, so the second row means both are decided.
    const invitations = alice.section('Invitations for you').getByRole('listitem');
    const first = await bob.call('/api/games', { opponent: alice.name });
    await expect(invitations).toHaveCount(1);
    await fake.hide(true);
    const carol = await OnlinePlayer.withAccount(browser, 'carol', secondBaseURL);
    const second = await carol.call('/api/games', { opponent: alice.name });
    await carol.close();
    await expect(invitations).toHaveCount(2);
    expect(await fake.notices()).toEqual([
      { title: `${carol.name} invites you to play`, body: 'Open it to accept or decline.', tag: `game-${second.id}` },
    ]);
    // A click on the notification opens that game.
    await fake.clickLastNotice();
    await expect(alice.page).toHaveURL(new RegExp(`/games/${second.id}$`));

    // On a game's page: Bob's reply while Alice looks is not notified; the next one, hidden, is.
    await alice.call(`/api/games/${first.id}/accept`);
    await alice.page.goto(`/games/${first.id}`);
    await expect(notify).toHaveAttribute('aria-pressed', 'true');
    await alice.play(0, 'X');
    await bob.call(`/api/games/${first.id}/moves`, { cell: 4 });
    await expect(alice.status).toHaveText('Your turn');
    await alice.play(1, 'X');
    await fake.hide(true);
    await bob.call(`/api/games/${first.id}/moves`, { cell: 7 });
    await expect(alice.cell(7)).toHaveAccessibleName('row 3, column 2, O, last move');
    await expect
      .poll(fake.notices)
      .toEqual([
        { title: `Your turn · vs ${bob.name}`, body: `${bob.name} played row 3, column 2.`, tag: `game-${first.id}` },
      ]);
    // Turned off, nothing more: not even a hidden turn.
    await fake.hide(false);
    await notify.click();
    await expect(notify).toHaveAttribute('aria-pressed', 'false');
    await alice.play(2, 'X');
    await expect(alice.status).toHaveText('You win');
    expect(await fake.notices()).toHaveLength(1);
    await Promise.all([alice.close(), bob.close()]);
  });

  test('a blocked site or a browser without notifications is explained, and the lobby works on', async ({
    browser,
    secondBaseURL,
  }) => {
    const alice = await OnlinePlayer.open(browser, 'alice');
    const bob = await OnlinePlayer.open(browser, 'bob', secondBaseURL);
    await alice.context.addInitScript(fakeNotifications, 'denied' as NotificationPermission);
    await bob.context.addInitScript(() => {
      delete (window as { Notification?: unknown }).Notification;
    });
    await bob.signIn();
    await alice.signIn();

    const notify = alice.page.getByRole('button', { name: 'Notify me' });
    await notify.click();
    await expect(alice.page.getByText('Notifications are blocked for this site.')).toBeVisible();
    await expect(notify).toHaveAttribute('aria-pressed', 'false');
    await expect(notify).toHaveAccessibleDescription(/Notifications are blocked for this site/);

    await expect(bob.page.getByText("This browser can't show notifications.")).toBeVisible();
    await expect(bob.page.getByRole('button', { name: 'Notify me' })).toHaveCount(0);
    await bob.invite(alice.name);
    await expect(alice.section('Invitations for you')).toContainText(`${bob.name} invited you`);
    await Promise.all([alice.close(), bob.close()]);
  });

  test('the host in the lobby is offered the game as soon as it is accepted, without losing what they type', async ({
    browser,
    secondBaseURL,
  }) => {
    const { alice, bob } = await aliceAndBob(browser, secondBaseURL);
    await alice.invite(bob.name);
    await expect(alice.section('Invitations you sent')).toContainText(`You invited ${bob.name}`);
    await bob.page.getByRole('button', { name: `Accept ${alice.name}'s invitation` }).click();
    const id = await bob.gameId();

    // Alice is not typing: the offer takes the focus, and Enter opens the game.
    const offer = alice.page.getByTestId('accepted-offer');
    await expect(offer).toContainText(`${bob.name} accepted your invitation`);
    await expect(alice.page.getByRole('button', { name: 'Open the game' })).toBeFocused();
    await alice.page.keyboard.press('Enter');
    expect(await alice.gameId()).toBe(id);
    await expect(alice.status).toHaveText(`Waiting for ${bob.name}`);

    // Alice is typing a name when the next one is accepted: the offer waits beside her text.
    await alice.page.getByRole('link', { name: '← Lobby' }).click();
    const next = await alice.call('/api/games', { opponent: bob.name });
    await expect(alice.section('Invitations you sent')).toContainText(`You invited ${bob.name}`);
    const field = alice.page.getByLabel("Opponent's name");
    await field.pressSequentially('car');
    await bob.call(`/api/games/${next.id}/accept`);
    await expect(offer).toContainText(`${bob.name} accepted your invitation`);
    await alice.page.keyboard.type('ol');
    await expect(field).toHaveValue('carol');
    await expect(field).toBeFocused();
    await alice.page.getByRole('button', { name: 'Not now' }).click();
    await expect(offer).toHaveCount(0);
    await expect(alice.section('Games in progress').getByTestId(`game-${next.id}`)).toBeVisible();
    await Promise.all([alice.close(), bob.close()]);
  });
});
