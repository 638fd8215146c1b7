import { expect, test } from '../fixtures';

test.describe('playing on one screen', () => {
  test('two players click their way to a win for X, with the line highlighted', async ({ board }) => {
    await board.open();
    await board.play(0, 3, 1, 4);
    await expect(board.status).toHaveText("Player X's Turn");
    await board.play(2);
    await expect(board.status).toHaveText('Player X Wins!');
    for (const index of [0, 1, 2]) await expect(board.cell(index)).toHaveAccessibleName(/winning line$/);
    await expect(board.cell(3)).not.toHaveAccessibleName(/winning line/);
    // The game is over: an empty cell takes no move.
    await board.cell(8).click({ force: true });
    await expect(board.cell(8)).toHaveAccessibleName('row 3, column 3, empty');
  });

  test('a full board without a line is a draw', async ({ board }) => {
    await board.open();
    await board.play(0, 1, 2, 4, 3, 5, 7, 6, 8);
    await expect(board.status).toHaveText("It's a Draw!");
    await expect.poll(() => board.cells()).toEqual(['X', 'O', 'X', 'X', 'O', 'O', 'O', 'X', 'X']);
  });

  test('reset starts over', async ({ board }) => {
    await board.open();
    await board.play(4, 0);
    await board.reset.click();
    await expect(board.status).toHaveText("Player X's Turn");
    await expect.poll(() => board.marks()).toBe(0);
  });

  test('a whole game with the keyboard only', async ({ board, page }) => {
    await board.open();
    // Into the board: skip link, logo, two nav links, then the board's one tabbable cell.
    const centre = board.cell(4);
    for (let i = 0; i < 10 && !(await centre.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    await expect(centre).toBeFocused();
    await page.keyboard.press('Enter'); // X centre
    await expect(centre).toHaveAccessibleName('row 2, column 2, X, last move');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowLeft');
    await expect(board.cell(0)).toBeFocused();
    await page.keyboard.press('Space'); // O top left
    await expect(board.cell(0)).toHaveAccessibleName('row 1, column 1, O, last move');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter'); // X top middle
    await expect(board.cell(1)).toHaveAccessibleName('row 1, column 2, X, last move');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowLeft');
    await expect(board.cell(6)).toBeFocused();
    await page.keyboard.press('Enter'); // O bottom left
    await expect(board.cell(6)).toHaveAccessibleName('row 3, column 1, O, last move');
    await page.keyboard.press('ArrowRight');
    await expect(board.cell(7)).toBeFocused();
    await page.keyboard.press('Space'); // X bottom middle: 1-4-7
    await expect(board.status).toHaveText('Player X Wins!');
    // The focused cell shows a visible focus ring.
    const ring = await board.cell(7).evaluate((el) => getComputedStyle(el).boxShadow);
    expect(ring).not.toBe('none');
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`a new X has its own colour from the first frame (${colorScheme})`, async ({ board, page }) => {
      await page.emulateMedia({ colorScheme });
      await board.open();
      const cell = board.cell(4);
      // Watch the cell before the click: its colour is read in the same task as the X appears.
      const watch = await cell.evaluateHandle((element) => ({
        colours: new Promise<{ first: string; settled: string }>((resolve) => {
          const observer = new MutationObserver(async () => {
            if (element.textContent !== 'X') return;
            observer.disconnect();
            const first = getComputedStyle(element).color;
            await Promise.all(element.getAnimations().map((animation) => animation.finished));
            resolve({ first, settled: getComputedStyle(element).color });
          });
          observer.observe(element, { subtree: true, childList: true, characterData: true });
        }),
      }));
      await cell.click();
      const { first, settled } = await watch.evaluate((watching) => watching.colours);
      expect(first).toBe(settled);
      // And that colour is X's, not O's.
      await board.play(0);
      const o = await board.cell(0).evaluate((element) => getComputedStyle(element).color);
      expect(settled).not.toBe(o);
    });
  }

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`the last move is outlined in its mark's colour and named (${colorScheme})`, async ({ board, page }) => {
      await page.emulateMedia({ colorScheme });
      await board.open();
      await board.play(4);
      await expect(board.cell(4)).toHaveAccessibleName('row 2, column 2, X, last move');
      await board.play(0);
      await expect(board.cell(0)).toHaveAccessibleName('row 1, column 1, O, last move');
      await expect(board.cell(4)).toHaveAccessibleName('row 2, column 2, X');
      const outline = (index: number) =>
        board.cell(index).evaluate((cell) => {
          const style = getComputedStyle(cell);
          return { border: style.borderTopColor, width: style.borderTopWidth, mark: style.color };
        });
      const last = await outline(0);
      expect(last.border).toBe(last.mark);
      expect(last.width).not.toBe('0px');
      expect((await outline(4)).border).toBe('rgba(0, 0, 0, 0)');
    });
  }

  test('a reload keeps the board', async ({ board, page }) => {
    await board.open();
    await board.play(4, 0, 8);
    await page.reload();
    await expect(board.status).toHaveText("Player O's Turn");
    await expect.poll(() => board.cells()).toEqual(['O', '', '', '', 'X', '', '', '', 'X']);
    // The last move is still outlined: the server keeps the order of moves.
    await expect(board.cell(8)).toHaveAccessibleName('row 3, column 3, X, last move');
    await expect(board.cell(4)).toHaveAccessibleName('row 2, column 2, X');
  });

  test('two browsers keep separate boards', async ({ browser }) => {
    const [one, two] = await Promise.all([browser.newContext(), browser.newContext()]);
    const { LocalBoard } = await import('../fixtures');
    const alice = new LocalBoard(await one.newPage());
    const bob = new LocalBoard(await two.newPage());
    await alice.open();
    await bob.open();
    await alice.play(0);
    await bob.play(8, 4);
    await alice.page.reload();
    await bob.page.reload();
    await expect(alice.status).toHaveText("Player O's Turn");
    await expect.poll(() => alice.cells()).toEqual(['X', '', '', '', '', '', '', '', '']);
    await expect.poll(() => bob.cells()).toEqual(['', '', '', '', 'O', '', '', '', 'X']);
    await Promise.all([one.close(), two.close()]);
  });
});

test.describe('against the computer', () => {
  test('the perfect computer never loses: the game ends in a draw or its win', async ({ board }) => {
    await board.open();
    await board.chooseComputer('Perfect', 'X (first)');
    await expect(board.page.getByText('You play X against the perfect computer.')).toBeVisible();
    for (let turn = 0; turn < 5; turn++) {
      const status = await board.status.textContent();
      if (status !== "Player X's Turn") break;
      const empty = (await board.cells()).indexOf('');
      const before = await board.marks();
      await board.cell(empty).click();
      // Our mark, then after a beat the computer's reply: two new marks, or one that ends it.
      await expect.poll(async () => (await board.marks()) - before).toBeGreaterThanOrEqual(1);
      await expect(board.status).not.toHaveText("Player O's Turn");
    }
    await expect(board.status).toHaveText(/Player O Wins!|It's a Draw!/);
  });

  test('the computer opens when the human plays O, and a reload keeps the mode', async ({ board, page }) => {
    await board.open();
    await board.chooseComputer('Easy', 'O (second)');
    await expect(board.status).toHaveText("Player O's Turn");
    await expect.poll(() => board.marks()).toBe(1);
    await expect(page.getByRole('button', { name: /, X, last move$/ })).toHaveCount(1);
    await page.reload();
    await expect(page.getByText('You play O against the easy computer.')).toBeVisible();
    await expect(page.getByLabel('Level')).toHaveValue('easy');
  });
});

test.describe('the computer takes a beat before its reply', () => {
  test('your mark shows first, the reply after the beat, and the board takes no move meanwhile', async ({
    board,
    page,
  }) => {
    // The page's timers run on a clock the test moves by hand: nothing here waits for real time.
    await page.clock.install();
    await board.open();
    await board.chooseComputer('Perfect', 'X (first)');
    const sent: number[] = [];
    await page.route('**/move', async (route) => {
      sent.push(route.request().postDataJSON().index);
      await route.continue();
    });
    await page.clock.pauseAt(Date.now() + 1000);

    await board.cell(4).click();
    await expect(board.cell(4)).toHaveAccessibleName('row 2, column 2, X, last move');
    await expect(board.status).toHaveText("Player O's Turn");
    await expect(page.getByRole('group', { name: 'Tic-tac-toe board' })).toHaveAttribute('aria-busy', 'true');
    // The answer holds the reply already; it stays off the board until the beat is over.
    await page.clock.runFor(300);
    expect(await board.marks()).toBe(1);
    await board.cell(0).click({ force: true });

    await page.clock.runFor(100);
    await expect.poll(() => board.marks()).toBe(2);
    const reply = (await board.cells()).indexOf('O');
    await expect(board.cell(reply)).toHaveAccessibleName(/, O, last move$/);
    await expect(board.cell(4)).toHaveAccessibleName('row 2, column 2, X');
    await expect(board.status).toHaveText("Player X's Turn");

    // The click during the beat sent nothing: the next request is the next move.
    const next = (await board.cells()).indexOf('');
    await board.cell(next).click();
    await expect(board.cell(next)).toHaveAccessibleName(/, X, last move$/);
    expect(sent).toEqual([4, next]);
  });

  test('Reset during the beat starts a new game, and the old reply never lands', async ({ board, page }) => {
    await page.clock.install();
    await board.open();
    await board.chooseComputer('Perfect', 'X (first)');
    await page.clock.pauseAt(Date.now() + 1000);
    await board.cell(4).click();
    await expect(board.cell(4)).toHaveAccessibleName('row 2, column 2, X, last move');
    await board.reset.click();
    await expect.poll(() => board.marks()).toBe(0);
    await page.clock.runFor(1000);
    await expect(board.status).toHaveText("Player X's Turn");
    expect(await board.marks()).toBe(0);
  });
});

test.describe('errors and double clicks', () => {
  test('a network failure shows a message in the page, and the next move works', async ({ board, page }) => {
    await board.open();
    await page.route('**/move', (route) => route.abort('connectionreset'));
    await board.cell(4).click();
    await expect(board.error).toContainText('Could not reach the server');
    await page.unroute('**/move');
    await board.play(4);
    await expect(board.status).toHaveText("Player O's Turn");
  });

  test('a second click while a move is pending sends no second request', async ({ board, page }) => {
    await board.open();
    const sent: string[] = [];
    // The first move is held until the test lets it go, after the other clicks: pending for sure, however slow the machine.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(/\/(move|reset)$/, async (route) => {
      sent.push(`${new URL(route.request().url()).pathname} ${route.request().postData()}`);
      if (sent.length === 1) await held;
      await route.continue();
    });
    await board.cell(0).click();
    await expect.poll(() => sent.length).toBe(1);
    await expect(page.getByRole('group', { name: 'Tic-tac-toe board' })).toHaveAttribute('aria-busy', 'true');
    await board.cell(1).click({ force: true });
    await expect(board.reset).toBeDisabled();
    await board.reset.click({ force: true });
    release();
    await expect(board.cell(0)).toHaveAccessibleName('row 1, column 1, X, last move');
    await expect(board.status).toHaveText("Player O's Turn");
    // A request made during the hold would come before the next move's: the next one is the second sent.
    await board.play(4);
    expect(sent).toEqual(['/move {"index":0}', '/move {"index":4}']);
  });
});
