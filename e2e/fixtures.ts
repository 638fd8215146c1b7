import { test as base, expect, type Locator, type Page } from '@playwright/test';

/** The local board at `/`: cells by accessible name, the status line, the controls. */
export class LocalBoard {
  readonly status: Locator;
  readonly reset: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByRole('status');
    this.reset = page.getByRole('button', { name: 'Reset' });
    this.error = page.getByRole('alert');
  }

  async open() {
    await this.page.goto('/');
    await expect(this.status).toHaveText("Player X's Turn");
  }

  /** Cell by index 0-8, whatever it holds. */
  cell(index: number): Locator {
    const row = Math.floor(index / 3) + 1;
    const column = (index % 3) + 1;
    return this.page.getByRole('button', { name: new RegExp(`^row ${row}, column ${column}, `) });
  }

  async play(...cells: number[]) {
    for (const index of cells) {
      const before = await this.marks();
      await this.cell(index).click();
      await expect.poll(() => this.marks()).toBeGreaterThan(before);
    }
  }

  async marks(): Promise<number> {
    const names = await this.page
      .getByRole('button', { name: /^row \d, column \d, / })
      .evaluateAll((cells) => cells.map((cell) => cell.getAttribute('aria-label') ?? ''));
    return names.filter((name) => !name.includes('empty')).length;
  }

  async cells(): Promise<string[]> {
    return this.page.getByRole('button', { name: /^row \d, column \d, / }).evaluateAll((cells) =>
      cells.map((cell) => {
        const mark = (cell.getAttribute('aria-label') ?? '').split(', ')[2] ?? '';
        return mark === 'empty' ? '' : mark;
      }),
    );
  }

  async chooseComputer(level: 'Easy' | 'Medium' | 'Perfect', side: 'X (first)' | 'O (second)') {
    await this.page.getByText('Against the computer').click();
    await expect(this.page.getByLabel('Level')).toBeEnabled();
    await this.page.getByLabel('Level').selectOption({ label: level });
    await expect(this.page.getByLabel('Level')).toBeEnabled();
    await this.page.getByText(side).click();
    await expect(this.page.getByLabel('Level')).toBeEnabled();
  }
}

export const test = base.extend<{ board: LocalBoard }>({
  board: async ({ page }, use) => {
    await use(new LocalBoard(page));
  },
});

export { expect };
