/**
 * A player's games in sort-key order, per role, as DynamoDB's two indexes hold them (HostId
 * and OpponentId, sorted by StatusDate): so the memory store lists a player's games by looking
 * at that player's entries only, however many games the store holds.
 */

export type Role = 'host' | 'opponent';

export class PlayerIndex {
  /** Per role, per player: sort keys (listSortKey), ascending. */
  private readonly keys: Record<Role, Map<string, string[]>> = { host: new Map(), opponent: new Map() };

  add(role: Role, playerId: string, key: string) {
    let keys = this.keys[role].get(playerId);
    if (!keys) {
      keys = [];
      this.keys[role].set(playerId, keys);
    }
    keys.splice(lowerBound(keys, key), 0, key);
  }

  remove(role: Role, playerId: string, key: string) {
    const keys = this.keys[role].get(playerId);
    if (!keys) return;
    const at = lowerBound(keys, key);
    if (keys[at] === key) keys.splice(at, 1);
    if (keys.length === 0) this.keys[role].delete(playerId);
  }

  /**
   * Up to `limit` keys in [low, high), highest first: what a Query with ScanIndexForward false
   * over that range answers.
   */
  below(role: Role, playerId: string, low: string, high: string, limit: number): string[] {
    const keys = this.keys[role].get(playerId);
    if (!keys) return [];
    const start = lowerBound(keys, low);
    const found: string[] = [];
    for (let at = lowerBound(keys, high) - 1; at >= start && found.length < limit; at--) found.push(keys[at] as string);
    return found;
  }
}

/** The first position whose key is not below `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((keys[middle] as string) < key) low = middle + 1;
    else high = middle;
  }
  return low;
}
