import type { Store } from '../storage/types.js';
import type { PresenceExchange, PresenceUpdate, SharedPresence } from './presence.js';

type PresenceStore = Pick<Store, 'savePresence' | 'loadPresence' | 'saveHeartbeat' | 'loadHeartbeats'>;

/**
 * Presence through the store, for instances that share DynamoDB and no bus. Nothing is
 * pushed: each instance writes its own attendance and heartbeat, and re-reads the games it
 * follows every refresh interval (Presence's `refreshMs`), so it is as fresh as that.
 */
export class StorePresenceExchange implements PresenceExchange {
  private readonly resyncListeners = new Set<() => void>();
  /** A write failed: share everything again once the store answers. */
  private behind = false;

  constructor(
    private readonly store: PresenceStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  share(update: PresenceUpdate): void {
    this.store
      .savePresence({
        gameId: update.gameId,
        instanceId: update.instanceId,
        attendance: { ...(update.attendance ?? { viewers: [], anonymous: 0 }), seq: update.seq },
        left: update.left,
      })
      .catch(() => {
        this.behind = true;
      });
  }

  async load(gameIds: readonly string[]): Promise<Map<string, SharedPresence>> {
    const result = new Map<string, SharedPresence>();
    for (const record of await this.store.loadPresence(gameIds)) {
      const shared: SharedPresence = { instances: new Map(), lastSeen: new Map(Object.entries(record.lastSeen)) };
      for (const [id, attendance] of Object.entries(record.instances)) {
        if (attendance.viewers.length > 0 || attendance.anonymous > 0) shared.instances.set(id, attendance);
      }
      result.set(record.gameId, shared);
    }
    return result;
  }

  async follow(): Promise<() => void> {
    return () => {};
  }

  async beat(instanceId: string, ttlMs: number): Promise<void> {
    await this.store.saveHeartbeat(instanceId, new Date(this.now().getTime() + ttlMs).toISOString());
    if (this.behind) {
      this.behind = false;
      for (const listener of this.resyncListeners) listener();
    }
  }

  async alive(instanceIds: readonly string[]): Promise<Set<string>> {
    const until = await this.store.loadHeartbeats(instanceIds);
    const now = this.now().toISOString();
    return new Set(instanceIds.filter((id) => (until[id] ?? '') >= now));
  }

  forget(): void {}

  onResync(listener: () => void): void {
    this.resyncListeners.add(listener);
  }

  async close(): Promise<void> {
    this.resyncListeners.clear();
  }
}
