/**
 * Waits for a state, not for a time: checks `condition` until it holds. The timeout only
 * bounds a test that would otherwise hang; it is generous because CI machines are shared.
 */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Collects what a listener is given, and waits for what it should be given. */
export class Inbox<T> {
  readonly items: T[] = [];
  readonly push = (item: T) => {
    this.items.push(item);
  };

  async next(match: (item: T) => boolean, what: string, timeoutMs?: number): Promise<T> {
    let found: T | undefined;
    await until(
      () => {
        found = this.items.find(match);
        return found !== undefined;
      },
      what,
      timeoutMs,
    );
    return found as T;
  }
}
