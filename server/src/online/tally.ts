import {
  addToRecord,
  countGame,
  dropPending,
  fixRatings,
  type Mark,
  markCounted,
  newStats,
  type PlayerStats,
  playerAt,
  tallyDue,
  type WinLossRecord,
} from '@ttt/shared';
import { DomainError } from '../domain-error.js';
import type { GameRecord, GameSummaryRecord, Page, Store } from '../storage/types.js';

/**
 * A finished game counted in both players' records and ratings, exactly once each, with
 * conditional writes only (DynamoDB has transactions, dynalite has none; this needs neither):
 *
 * 1. read both players' stats;
 * 2. then learn the game as it is now: a rated game fixes both ratings on it (a write
 *    conditional on its version), any other game is read again;
 * 3. each player whose entry in the game's tally is still empty, and whose stats don't list
 *    the game as pending, gets it counted: a write conditional on the stats' version, which
 *    lists the game as pending with the rating change it made;
 * 4. the game's tally records both (conditional on its version);
 * 5. the stats drop it from pending (best effort: any later tally drops what it finds done).
 *
 * Why a game is never counted twice: a player's stats list a game from the write that counts
 * it (3) until after the game's tally shows it (4 before 5). A count is written only by whoever
 * read the stats without the game (1) and then the game without the entry (2), and the write is
 * conditional on the stats' version read in 1, so nothing can have counted the game in between.
 * Why a game is never lost: until its tally is full the game is due (`tallyDue`), and every
 * read of a due game (opening it, a lobby or a profile listing it) runs this again.
 */

export interface TallyOptions {
  /** Publishes a change to a game (the tally's writes are changes like any other). */
  changed(next: GameRecord, previous: GameRecord): void;
  log?: { warn(details: object, message: string): void } | undefined;
  /** Called between steps by tests, to crash or race a tally at a given point. */
  step?: (name: 'stats-read' | 'game-known' | 'counted' | 'marked') => Promise<void>;
}

const MARKS = ['X', 'O'] as const;
/** Rounds a tally may take (each lost race is one): then it is left for the next read to finish. */
const MAX_ROUNDS = 8;

export class Tallies {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
    private readonly options: TallyOptions,
  ) {}

  /** Counts a finished game for both players unless it is counted already: the game as last written. */
  async settle(game: GameRecord): Promise<GameRecord> {
    let current = game;
    for (let attempt = 0; tallyDue(current); attempt++) {
      if (attempt >= MAX_ROUNDS) throw new DomainError('game/stale');
      try {
        current = await this.round(current);
      } catch (error) {
        // Another tally (or a rematch link) wrote first: look again, from a fresh read.
        if (!(error instanceof DomainError) || error.code !== 'game/stale') throw error;
        const fresh = await this.store.getGame(current.id);
        if (!fresh) return current;
        current = fresh;
      }
    }
    return current;
  }

  /**
   * The player's record: from their stats, or for a player none of whose games has been
   * counted yet, from their finished games (as before records were counters): from `finished`,
   * the first page of them, when it holds them all.
   */
  async record(playerId: string, finishedPage?: Promise<Page<GameSummaryRecord>>): Promise<WinLossRecord> {
    const [stats] = await this.store.getStats([playerId]);
    if (stats) return stats.record;
    // All their finished games on one page being read anyway (the lobby's): count those, read nothing more.
    const finished = await finishedPage;
    if (finished && finished.cursor === null) return recordOf(finished.items, playerId);
    return this.countFinished(playerId, false);
  }

  private async round(game: GameRecord): Promise<GameRecord> {
    const at = () => this.now().toISOString();
    const players = { X: playerAt(game, 'X'), O: playerAt(game, 'O') };
    if (!players.X || !players.O) throw new Error(`finished game ${game.id} lacks a player`);
    // 1. Both players' stats; a player's first stats start from the games finished before counters.
    const found = await this.store.getStats([players.X.id, players.O.id]);
    await this.options.step?.('stats-read');
    const stats = {} as Record<Mark, PlayerStats>;
    for (const [mark, player] of [
      ['X', players.X],
      ['O', players.O],
    ] as const) {
      stats[mark] =
        found.find((entry) => entry.playerId === player.id) ??
        newStats(player, await this.countFinished(player.id, true));
    }
    const owed = await this.otherPending(stats, game.id);

    // 2. The game as it is now, known after the stats were read.
    let current: GameRecord;
    const fixed = fixRatings(game, stats, at());
    if (fixed) {
      await this.store.updateGame(fixed, game.version);
      this.options.changed(fixed, game);
      current = fixed;
    } else {
      const fresh = await this.store.getGame(game.id);
      if (!fresh) throw new DomainError('game/not-found');
      current = fresh;
    }
    await this.options.step?.('game-known');
    if (!current.tally || (current.rated && !current.tally.snapshot)) return current; // settle() goes round again

    // 3. Count it for each player whose stats don't have it yet.
    const counted: Partial<Record<Mark, { change: PlayerStats['pending'][number]['change'] }>> = {};
    const written: Partial<Record<Mark, PlayerStats>> = {};
    await Promise.all(
      MARKS.map(async (mark) => {
        const mine = stats[mark];
        const done = owed.done[mark];
        if (current.tally?.[mark] !== null) {
          // Counted and shown on the game already: only the stats' pending list may need tidying.
          const tidy = dropPending(mine, [...done, current.id]);
          if (tidy) await this.saveQuietly(tidy, mine.version);
          return;
        }
        const pending = mine.pending.find((entry) => entry.gameId === current.id);
        if (pending) {
          counted[mark] = { change: pending.change };
          return;
        }
        const base = dropPending(mine, done) ?? mine;
        const next = countGame(base, current, mark, at());
        if (!next) throw new Error(`game ${current.id} cannot be counted for ${mine.playerId}`);
        await this.store.saveStats({ ...next, version: mine.version + 1 }, mine.version);
        written[mark] = { ...next, version: mine.version + 1 };
        counted[mark] = { change: next.pending.at(-1)?.change ?? null };
      }),
    );
    await this.options.step?.('counted');

    // 4. The game's tally shows both.
    const marked = markCounted(current, counted, at());
    if (!marked) return current;
    await this.store.updateGame(marked, current.version);
    this.options.changed(marked, current);
    await this.options.step?.('marked');

    // 5. The stats need not list it any more.
    await Promise.all(
      MARKS.map(async (mark) => {
        const latest = written[mark] ?? stats[mark];
        const tidy = dropPending(latest, [current.id]);
        if (tidy) await this.saveQuietly(tidy, latest.version);
      }),
    );
    for (const id of owed.due) void this.settleLater(id);
    return marked;
  }

  /**
   * Other games the stats list as pending: those whose tally shows them now (read after the
   * stats) may be dropped; those still due were interrupted, and are finished later.
   */
  private async otherPending(stats: Record<Mark, PlayerStats>, gameId: string) {
    const done: Record<Mark, string[]> = { X: [], O: [] };
    const due = new Set<string>();
    const ids = new Set(MARKS.flatMap((mark) => stats[mark].pending.map((entry) => entry.gameId)));
    ids.delete(gameId);
    if (ids.size === 0) return { done, due };
    const games = new Map((await this.store.getGames([...ids])).map((game) => [game.id, game]));
    for (const mark of MARKS) {
      for (const { gameId: id } of stats[mark].pending) {
        if (id === gameId) continue;
        const game = games.get(id);
        const seat = game && MARKS.find((m) => playerAt(game, m)?.id === stats[mark].playerId);
        if (!game || !seat || game.tally?.[seat]) done[mark].push(id);
        else due.add(id);
      }
    }
    return { done, due };
  }

  private async settleLater(id: string) {
    try {
      const game = await this.store.getGame(id);
      if (game) await this.settle(game);
    } catch (error) {
      this.options.log?.warn({ err: error, gameId: id }, 'could not finish counting a game');
    }
  }

  /** A tidying write: losing its race only leaves the tidying to the next tally. */
  private async saveQuietly(next: PlayerStats, version: number) {
    try {
      await this.store.saveStats({ ...next, version: version + 1 }, version);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'game/stale') throw error;
    }
  }

  /**
   * Wins, losses and draws counted from the player's finished games: all of them, or (`legacy`)
   * only those finished before records were counters, which no tally will ever count. Those have
   * no tally; as an index made before ratings projects none at all, each is checked on the game
   * itself (one BatchGetItem per 100, once per player: only when their first stats are made).
   */
  private async countFinished(playerId: string, legacy: boolean) {
    const counted: GameSummaryRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.listGames({ playerId, list: 'finished', limit: 100, cursor });
      if (!legacy) counted.push(...page.items);
      else {
        const untallied = page.items.filter((game) => game.tally === null).map((game) => game.id);
        const games = untallied.length ? await this.store.getGames(untallied) : [];
        counted.push(...games.filter((game) => game.tally === null));
      }
      cursor = page.cursor ?? undefined;
    } while (cursor);
    return recordOf(counted, playerId);
  }
}

/** Wins, losses and draws in these finished games, from the player's side. */
function recordOf(games: readonly Parameters<typeof addToRecord>[1][], playerId: string): WinLossRecord {
  return games.reduce((record, game) => addToRecord(record, game, playerId), { wins: 0, losses: 0, draws: 0 });
}
