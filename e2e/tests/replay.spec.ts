import { expect, type Page } from '@playwright/test';
import { LocalBoard } from '../fixtures';
import { OnlinePlayer, test } from '../online-fixtures';

/** X corner, O edge (a mistake: only the centre draws), then X forks and wins. */
const CORNER_EDGE = [0, 1, 4, 8, 3, 6, 5];

/** The replay's parts on a page: its board carries the position it shows as `data-ply`. */
function replay(page: Page) {
  return {
    board: page.getByRole('group', { name: /^Replay board/ }),
    status: page.getByTestId('replay-status'),
    summary: page.getByTestId('replay-summary'),
    cell: (index: number) => page.getByTestId(`replay-cell-${index}`),
    move: (ply: number) => page.getByTestId('replay-moves').getByRole('link', { name: new RegExp(`^${ply}\\. `) }),
  };
}

const plyInUrl = (page: Page) => new URL(page.url()).searchParams.get('ply');

test.describe('replays and analysis', () => {
  test('a finished online game is replayed by keyboard, and its address keeps the position', async ({ browser }) => {
    test.setTimeout(90_000);
    const alice = await OnlinePlayer.withAccount(browser, 'alice');
    const bob = await OnlinePlayer.withAccount(browser, 'bob');
    const { id } = await alice.call('/api/games', { opponent: bob.name });
    await bob.call(`/api/games/${id}/accept`);
    // Bob accepted, so he plays X.
    for (const [index, cell] of CORNER_EDGE.entries()) {
      await (index % 2 === 0 ? bob : alice).call(`/api/games/${id}/moves`, { cell });
    }

    const page = alice.page;
    await page.goto(`/games/${id}`);
    const r = replay(page);
    await expect(r.summary).toContainText('X: no mistakes');
    await expect(r.summary).toContainText('O: 1 mistake (move 2)');
    // It opens at the end; the address says nothing until the position changes.
    await expect(r.board).toHaveAttribute('data-ply', '7');
    expect(plyInUrl(page)).toBeNull();

    await r.board.focus();
    await page.keyboard.press('Home');
    await expect(r.board).toHaveAttribute('data-ply', '0');
    await expect(r.status).toHaveText('Start of the game: 7 moves.');
    await expect.poll(() => plyInUrl(page)).toBe('0');

    await page.keyboard.press('ArrowRight');
    await expect(r.board).toHaveAttribute('data-ply', '1');
    await expect(r.status).toContainText(`Move 1 of 7: X (${bob.name}) at row 1, column 1`);
    await expect.poll(() => plyInUrl(page)).toBe('1');

    await page.keyboard.press('ArrowRight');
    await expect(r.board).toHaveAttribute('data-ply', '2');
    await expect(r.status).toContainText('A mistake: the best move was row 2, column 2.');
    await expect(r.cell(1)).toHaveAccessibleName('row 1, column 2, O, last move, a mistake');
    await expect(r.cell(4)).toHaveAccessibleName('row 2, column 2, empty, a best move');
    await expect(r.move(2)).toHaveAttribute('aria-current', 'step');
    await expect.poll(() => plyInUrl(page)).toBe('2');

    await page.keyboard.press('ArrowLeft');
    await expect(r.board).toHaveAttribute('data-ply', '1');
    await expect.poll(() => plyInUrl(page)).toBe('1');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => plyInUrl(page)).toBe('2');

    // A reload, or the link shared, opens at that position.
    await page.reload();
    await expect(r.board).toHaveAttribute('data-ply', '2');
    await expect(r.cell(4)).toHaveAccessibleName('row 2, column 2, empty, a best move');

    // The move list and the buttons go there too; End goes to the last position.
    await r.move(5).click();
    await expect(r.board).toHaveAttribute('data-ply', '5');
    await expect.poll(() => plyInUrl(page)).toBe('5');
    await page.getByRole('button', { name: 'Next move' }).click();
    await expect(r.board).toHaveAttribute('data-ply', '6');
    await page.keyboard.press('End');
    await expect(r.board).toHaveAttribute('data-ply', '7');
    await expect(r.cell(5)).toHaveAccessibleName('row 2, column 3, X, last move, winning line');
    await expect(page.getByRole('button', { name: 'Next move' })).toBeDisabled();
    // The step button that turned disabled handed focus to the board: the keys still work.
    await page.getByRole('button', { name: 'Previous move' }).click();
    await page.getByRole('button', { name: 'Last position' }).click();
    await expect(r.board).toBeFocused();
    await page.keyboard.press('ArrowLeft');
    await expect(r.board).toHaveAttribute('data-ply', '6');
    await Promise.all([alice.close(), bob.close()]);
  });

  test('a local game ends and its analysis shows the mistake, also after a reload', async ({ page }) => {
    const board = new LocalBoard(page);
    await board.open();
    await board.play(...CORNER_EDGE);
    await expect(board.status).toHaveText('Player X Wins!');

    const r = replay(page);
    await expect(r.summary).toContainText('O: 1 mistake (move 2)');
    await expect(r.summary).toContainText('X: no mistakes');
    await expect(r.move(2)).toContainText('mistake');
    await r.move(2).click();
    await expect(r.board).toHaveAttribute('data-ply', '2');
    await expect(r.status).toContainText('A mistake: the best move was row 2, column 2.');
    await expect.poll(() => plyInUrl(page)).toBe('2');

    // The server kept the order of the moves: the replay survives a reload, at its position.
    await page.reload();
    await expect(board.status).toHaveText('Player X Wins!');
    await expect(r.board).toHaveAttribute('data-ply', '2');
    await expect(r.cell(4)).toHaveAccessibleName('row 2, column 2, empty, a best move');

    // A new game puts the replay away, and its position leaves the address.
    await board.reset.click();
    await expect(board.status).toHaveText("Player X's Turn");
    await expect(r.board).toHaveCount(0);
    await expect.poll(() => plyInUrl(page)).toBeNull();
  });
});
