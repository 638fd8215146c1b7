/**
 * A Map whose entries may carry an expiry time (epoch ms), and which forgets them once the
 * clock passes it: the memory store's stand-in for DynamoDB's TTL, and for anyone keeping
 * counters or sessions in memory. No timer: every call first drops what is due, which costs
 * one look at a heap when nothing is, so entries go exactly on time and tests need no waiting.
 */

export interface ExpiringMapOptions<K, V> {
  /** The clock expiry is judged by (epoch ms); without one nothing ever expires. */
  now?: (() => number) | undefined;
  /** Told of each entry as it expires (not of deletes), e.g. to update an index. */
  onExpire?: (key: K, value: V) => void;
}

interface Due<K> {
  at: number;
  key: K;
}

export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number | null }>();
  /** Min-heap by time; an entry replaced since is left in and skipped when it comes up. */
  private heap: Due<K>[] = [];
  private readonly now: (() => number) | undefined;
  private readonly onExpire: ((key: K, value: V) => void) | undefined;

  constructor(options: ExpiringMapOptions<K, V> = {}) {
    this.now = options.now;
    this.onExpire = options.onExpire;
  }

  get size(): number {
    this.expire();
    return this.entries.size;
  }

  get(key: K): V | undefined {
    this.expire();
    return this.entries.get(key)?.value;
  }

  has(key: K): boolean {
    this.expire();
    return this.entries.has(key);
  }

  /** When the entry expires (epoch ms), null if never, undefined if there is no entry. */
  expiresAt(key: K): number | null | undefined {
    this.expire();
    return this.entries.get(key)?.expiresAt;
  }

  /** Sets the value and its expiry (null: never); a later set replaces both. */
  set(key: K, value: V, expiresAt: number | null): this {
    this.expire();
    this.entries.set(key, { value, expiresAt });
    if (expiresAt !== null) {
      this.push({ at: expiresAt, key });
      // Replaced entries stay in the heap until due; rebuild before they outnumber the live ones.
      if (this.heap.length > 64 && this.heap.length > 2 * this.entries.size) this.compact();
    }
    return this;
  }

  delete(key: K): boolean {
    this.expire();
    return this.entries.delete(key);
  }

  values(): IterableIterator<V> {
    this.expire();
    return [...this.entries.values()].map((entry) => entry.value)[Symbol.iterator]();
  }

  /** Drops every entry whose time has come; returns how many went. */
  expire(): number {
    if (!this.now) return 0;
    const now = this.now();
    let dropped = 0;
    for (let top = this.heap[0]; top !== undefined && top.at <= now; top = this.heap[0]) {
      this.pop();
      const entry = this.entries.get(top.key);
      if (entry?.expiresAt !== top.at) continue;
      this.entries.delete(top.key);
      dropped += 1;
      this.onExpire?.(top.key, entry.value);
    }
    return dropped;
  }

  private compact() {
    this.heap = [];
    for (const [key, { expiresAt }] of this.entries) if (expiresAt !== null) this.push({ at: expiresAt, key });
  }

  private push(due: Due<K>) {
    const heap = this.heap;
    heap.push(due);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const above = heap[parent] as Due<K>;
      if (above.at <= due.at) break;
      heap[index] = above;
      index = parent;
    }
    heap[index] = due;
  }

  private pop() {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && (heap[right] as Due<K>).at < (heap[left] as Due<K>).at ? right : left;
      const below = heap[child] as Due<K>;
      if (below.at >= last.at) break;
      heap[index] = below;
      index = child;
    }
    heap[index] = last;
  }
}
