/**
 * A replay's position as the address has it: `?ply=N` is the board after move N (moves count
 * from 1, position 0 is the empty board), as in shared/src/analysis.ts.
 */

/** The position to open at: `?ply=N` when N is a whole number, at most the game's length; else the last. */
export function plyFromSearch(search: string, total: number): number {
  const raw = new URLSearchParams(search).get('ply');
  if (raw === null || !/^\d{1,2}$/.test(raw)) return total;
  return Math.min(Number(raw), total);
}

/** The same query with `ply` set, or removed for null; other parameters (an invitation) are kept. */
export function searchWithPly(search: string, ply: number | null): string {
  const params = new URLSearchParams(search);
  if (ply === null) params.delete('ply');
  else params.set('ply', String(ply));
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** Where a key takes the replay: ← and → step, Home and End jump; null for any other key. */
export function plyAfterKey(key: string, ply: number, total: number): number | null {
  if (key === 'ArrowLeft') return Math.max(0, ply - 1);
  if (key === 'ArrowRight') return Math.min(total, ply + 1);
  if (key === 'Home') return 0;
  if (key === 'End') return total;
  return null;
}
