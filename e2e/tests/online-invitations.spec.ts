import { expect } from '@playwright/test';
import { aliceAndBob, OnlinePlayer, test } from '../online-fixtures';

test.describe('invitations', () => {
  test('an invitation to a name nobody has yet waits, and is there when that name signs up', async ({
    browser,
    secondBaseURL,
  }) => {
    const alice = await OnlinePlayer.open(browser, 'alice');
    const newcomer = await OnlinePlayer.open(browser, 'newcomer', secondBaseURL);
    await alice.signIn();
    await alice.invite(newcomer.name);
    await expect(alice.page.getByTestId('invite-notice')).toHaveText(
      `${newcomer.name} hasn't joined yet; the invitation will wait for them (for a day), or send a link.`,
    );
    await expect(alice.section('Invitations you sent')).toContainText(`You invited ${newcomer.name}`);

    await newcomer.signIn();
    await expect(newcomer.section('Invitations for you')).toContainText(`${alice.name} invited you`);
    await newcomer.page.getByRole('button', { name: `Accept ${alice.name}'s invitation` }).click();
    await expect(newcomer.status).toHaveText('Your turn');
    await alice.close();
    await newcomer.close();
  });

  test('a second invitation between two players points to the first; a decline is told to the host', async ({
    browser,
    secondBaseURL,
  }) => {
    const { alice, bob } = await aliceAndBob(browser, secondBaseURL);
    await alice.invite(bob.name);
    await expect(alice.section('Invitations you sent')).toContainText(`You invited ${bob.name}`);
    await expect(alice.page.getByLabel("Opponent's name")).toHaveValue('');
    await expect(alice.page.getByTestId('invite-notice')).toHaveCount(0);

    await alice.invite(bob.name);
    await expect(alice.page.getByRole('alert')).toContainText(
      `You have already invited ${bob.name}; that invitation is still waiting for an answer`,
    );
    await expect(alice.section('Invitations you sent').getByRole('listitem')).toHaveCount(1);
    // Bob declines while Alice watches her lobby: she is told, live.
    await expect(bob.section('Invitations for you')).toContainText(`${alice.name} invited you`);
    await bob.page.getByRole('button', { name: `Decline ${alice.name}'s invitation` }).click();
    await expect(alice.page.getByTestId('declined')).toHaveText(`${bob.name} declined your invitation.Dismiss`);
    await expect(alice.section('Invitations you sent')).toHaveCount(0);

    // The link to the first invitation opens it.
    await alice.invite(bob.name);
    await expect(alice.section('Invitations you sent')).toContainText(`You invited ${bob.name}`);
    await expect(alice.page.getByLabel("Opponent's name")).toHaveValue('');
    await alice.invite(bob.name);
    await alice.page.getByRole('link', { name: 'Open that invitation' }).click();
    await expect(alice.status).toHaveText(`Waiting for ${bob.name} to accept`);
    await alice.close();
    await bob.close();
  });

  test('a rematch says it is one; a link invitation says who it waits for', async ({ browser, secondBaseURL }) => {
    const { alice, bob } = await aliceAndBob(browser, secondBaseURL);
    const game = await alice.call('/api/games', { opponent: bob.name });
    await bob.call(`/api/games/${game.id}/accept`);
    await bob.call(`/api/games/${game.id}/resign`);
    await alice.page.goto(`/games/${game.id}`);
    await alice.page.getByRole('button', { name: 'Rematch' }).click();
    await expect(alice.status).toHaveText(`Waiting for ${bob.name} to accept your rematch`);
    await expect(bob.section('Invitations for you')).toContainText(`${alice.name} wants a rematch`);
    await bob
      .section('Invitations for you')
      .getByRole('link', { name: `Open the invitation from ${alice.name}` })
      .click();
    await expect(bob.status).toHaveText(`${alice.name} offers you a rematch`);

    await alice.page.getByRole('link', { name: '← Lobby' }).click();
    await alice.page.getByRole('button', { name: 'Create an invitation link' }).click();
    await expect(alice.page.getByRole('heading', { level: 1 })).toContainText('waiting for someone to accept the link');
    await expect(alice.page.getByRole('heading', { level: 1 })).not.toContainText('someone (');
    await alice.close();
    await bob.close();
  });
});
