import { type Browser, type BrowserContext, test as base, expect, type Locator, type Page } from '@playwright/test';

export const PASSWORD = 'a long enough password';

let counter = 0;
/** Names unique within a run: the server keeps its players for the whole run. */
export const uniqueName = (base: string) =>
  `${base}_${Date.now().toString(36).slice(-4)}${(counter++).toString(36)}${Math.floor(Math.random() * 100)}`.slice(
    0,
    20,
  );

/** One person in one browser context, driving the online pages. */
export class OnlinePlayer {
  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly name: string,
  ) {}

  /** `baseURL`: another server instance for this player, when the project has one. */
  static async open(browser: Browser, name: string, baseURL?: string): Promise<OnlinePlayer> {
    const context = await browser.newContext(baseURL ? { baseURL } : {});
    const page = await context.newPage();
    return new OnlinePlayer(context, page, uniqueName(name));
  }

  /** The same player in another browser context (another device), on `baseURL` when given. */
  static async anotherDevice(browser: Browser, of: OnlinePlayer, baseURL?: string): Promise<OnlinePlayer> {
    const context = await browser.newContext(baseURL ? { baseURL } : {});
    const device = new OnlinePlayer(context, await context.newPage(), of.name);
    device.signedUp = true;
    return device;
  }

  /** Whether this player's account exists: the first sign-in confirms creating it. */
  private signedUp = false;

  /**
   * A player with an account and no page: signed up straight through the API, for when a test
   * needs someone else to send an invitation (two players have one pending invitation at a time).
   */
  static async withAccount(browser: Browser, name: string, baseURL?: string): Promise<OnlinePlayer> {
    const player = await OnlinePlayer.open(browser, name, baseURL);
    const response = await player.context.request.post('/api/session', {
      data: { name: player.name, password: PASSWORD, create: true },
    });
    expect(response.ok(), await response.text()).toBe(true);
    player.signedUp = true;
    return player;
  }

  /** A player called exactly `name` (a screenshot's "alice"): a name the run uses once, as the server keeps it. */
  static async named(browser: Browser, name: string): Promise<OnlinePlayer> {
    const context = await browser.newContext();
    return new OnlinePlayer(context, await context.newPage(), name);
  }

  async signIn() {
    await this.page.goto('/online');
    await this.fillSignIn();
    await expect(this.page.getByRole('heading', { name: `Hello, ${this.name}` })).toBeVisible();
    await expect(this.connection).toHaveAttribute('data-connection', 'live');
  }

  /** Fills the sign-in form and sends it; a new name is confirmed ("Create …") the first time. */
  async fillSignIn() {
    await this.page.getByLabel('Name').fill(this.name);
    await this.page.getByLabel('Password').fill(PASSWORD);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    if (!this.signedUp) {
      await expect(this.page.getByText(`No player is called ${this.name}. Create this account?`)).toBeVisible();
      await this.page.getByRole('button', { name: `Create ${this.name}` }).click();
      this.signedUp = true;
    }
  }

  get status(): Locator {
    return this.page.getByTestId('status');
  }

  get connection(): Locator {
    return this.page.getByTestId('connection');
  }

  section(title: string): Locator {
    return this.page.getByRole('list', { name: title });
  }

  async invite(opponent: string) {
    await this.page.getByLabel("Opponent's name").fill(opponent);
    await this.page.getByRole('button', { name: 'Invite', exact: true }).click();
  }

  cell(index: number): Locator {
    const row = Math.floor(index / 3) + 1;
    const column = (index % 3) + 1;
    return this.page.getByRole('button', { name: new RegExp(`^row ${row}, column ${column}, `) });
  }

  /**
   * Plays a cell and waits until the server has the move: the mark shows at once (before the
   * server answers), so the answer, not the mark, says the move is made.
   */
  async play(index: number, mark: 'X' | 'O') {
    const answered = this.page.waitForResponse(
      (response) => response.request().method() === 'POST' && /\/api\/games\/[^/]+\/moves$/.test(response.url()),
    );
    await this.cell(index).click();
    expect((await answered).ok()).toBe(true);
    await expect(this.cell(index)).toHaveAccessibleName(new RegExp(`^row \\d, column \\d, ${mark}`));
  }

  async gameId(): Promise<string> {
    await expect(this.page).toHaveURL(/\/games\/[A-Za-z0-9_-]{22}/);
    return new URL(this.page.url()).pathname.split('/').pop() ?? '';
  }

  /** A request straight to the API as this player (the context's cookies): quick set-ups. */
  async call(path: string, data: unknown = {}): Promise<{ id: string }> {
    const response = await this.context.request.post(path, { data });
    expect(response.ok(), await response.text()).toBe(true);
    return response.json();
  }

  async close() {
    await this.context.close();
  }
}

/** Alice, and Bob on the project's second instance when it has one, both signed in (Bob first). */
export async function aliceAndBob(browser: Browser, secondBaseURL: string | undefined) {
  const alice = await OnlinePlayer.open(browser, 'alice');
  const bob = await OnlinePlayer.open(browser, 'bob', secondBaseURL);
  await bob.signIn();
  await alice.signIn();
  return { alice, bob };
}

export interface OnlineOptions {
  /** A second instance of the same deployment; players given it talk to that one. */
  secondBaseURL: string | undefined;
}

export const test = base.extend<OnlineOptions>({
  secondBaseURL: [undefined, { option: true }],
});
