import type { PairingQueue } from '@ttt/shared';
import { AlreadyExistsError, StaleGameError } from './errors.js';
import { decodeCursor, encodeCursor, listRoles, listSortKey, listStatus, toSummary } from './keys.js';
import type {
  GameRecord,
  GameSummaryRecord,
  ListQuery,
  Page,
  PlayerRecord,
  PollResult,
  PresenceRecord,
  PresenceWrite,
  SessionsRecord,
  Store,
} from './types.js';

/**
 * Everything in this process's memory: the default, for one instance and for tests.
 * Records are copied in and out so no caller can change what is stored by accident.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory';
  private readonly players = new Map<string, PlayerRecord>();
  private readonly games = new Map<string, GameRecord>();
  private readonly lobbies = new Map<string, number>();
  private readonly presence = new Map<string, PresenceRecord>();
  private readonly heartbeats = new Map<string, string>();
  private pairing: PairingQueue | null = null;
  private readonly slots = new Map<string, string>();
  private readonly sessions = new Map<string, SessionsRecord>();

  async createPlayer(player: PlayerRecord): Promise<boolean> {
    if (this.players.has(player.id)) return false;
    this.players.set(player.id, structuredClone(player));
    return true;
  }

  async getPlayer(id: string): Promise<PlayerRecord | null> {
    const player = this.players.get(id);
    return player ? structuredClone(player) : null;
  }

  async recordSignInFailure(id: string, at: string): Promise<PlayerRecord | null> {
    const player = this.players.get(id);
    if (!player) return null;
    player.failedSignIns += 1;
    player.lastFailedSignInAt = at;
    return structuredClone(player);
  }

  async clearSignInFailures(id: string): Promise<void> {
    const player = this.players.get(id);
    if (player) {
      player.failedSignIns = 0;
      player.lastFailedSignInAt = null;
    }
  }

  async getInvitationSlot(pair: string): Promise<string | null> {
    return this.slots.get(pair) ?? null;
  }

  async takeInvitationSlot(pair: string, gameId: string, expected: string | null): Promise<void> {
    if ((this.slots.get(pair) ?? null) !== expected) throw new StaleGameError();
    this.slots.set(pair, gameId);
  }

  async getPairingQueue(): Promise<PairingQueue | null> {
    return this.pairing ? structuredClone(this.pairing) : null;
  }

  async savePairingQueue(next: PairingQueue, expectedVersion: number): Promise<void> {
    if ((this.pairing?.version ?? 0) !== expectedVersion) throw new StaleGameError();
    this.pairing = structuredClone(next);
  }

  async createGame(game: GameRecord): Promise<void> {
    if (this.games.has(game.id)) throw new AlreadyExistsError('A game with this id');
    this.games.set(game.id, structuredClone(game));
  }

  async getGame(id: string): Promise<GameRecord | null> {
    const game = this.games.get(id);
    return game ? structuredClone(game) : null;
  }

  async getGames(ids: readonly string[]): Promise<GameRecord[]> {
    return [...new Set(ids)].flatMap((id) => {
      const game = this.games.get(id);
      return game ? [structuredClone(game)] : [];
    });
  }

  async updateGame(next: GameRecord, expectedVersion: number): Promise<void> {
    const stored = this.games.get(next.id);
    if (!stored || stored.version !== expectedVersion) throw new StaleGameError();
    this.games.set(next.id, structuredClone(next));
  }

  async recordMove(next: GameRecord, expectedVersion: number): Promise<void> {
    await this.updateGame(next, expectedVersion);
  }

  async listGames(query: ListQuery): Promise<Page<GameSummaryRecord>> {
    const status = listStatus(query.list);
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor, status);
    const roles = listRoles(query.list);
    const matching = [...this.games.values()]
      .filter(
        (game) =>
          game.status === status &&
          ((roles.includes('host') && game.hostId === query.playerId) ||
            (roles.includes('opponent') && game.opponentId === query.playerId)),
      )
      .map((game) => ({ game, key: listSortKey(game) }))
      .filter(({ key }) => after === null || key < after)
      .sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
    const page = matching.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(({ game }) => toSummary(structuredClone(game))),
      cursor: matching.length > query.limit && last ? encodeCursor(last.key) : null,
    };
  }

  async touchLobby(playerId: string): Promise<void> {
    if (this.players.has(playerId)) this.lobbies.set(playerId, (this.lobbies.get(playerId) ?? 0) + 1);
  }

  async poll(gameIds: readonly string[], playerIds: readonly string[]): Promise<PollResult> {
    const lobbies: Record<string, number> = {};
    for (const id of new Set(playerIds)) if (this.players.has(id)) lobbies[id] = this.lobbies.get(id) ?? 0;
    return { games: await this.getGames(gameIds), lobbies };
  }

  async savePresence(write: PresenceWrite): Promise<void> {
    let record = this.presence.get(write.gameId);
    if (!record) {
      record = { gameId: write.gameId, instances: {}, lastSeen: {} };
      this.presence.set(write.gameId, record);
    }
    const known = record.instances[write.instanceId];
    if (known && known.seq >= write.attendance.seq) return;
    record.instances[write.instanceId] = structuredClone(write.attendance);
    Object.assign(record.lastSeen, write.left);
  }

  async loadPresence(gameIds: readonly string[]): Promise<PresenceRecord[]> {
    return [...new Set(gameIds)].flatMap((id) => {
      const record = this.presence.get(id);
      return record ? [structuredClone(record)] : [];
    });
  }

  async saveHeartbeat(instanceId: string, until: string): Promise<void> {
    const known = this.heartbeats.get(instanceId);
    if (!known || known < until) this.heartbeats.set(instanceId, until);
  }

  async loadHeartbeats(instanceIds: readonly string[]): Promise<Record<string, string>> {
    const result: Record<string, string> = {};
    for (const id of instanceIds) {
      const until = this.heartbeats.get(id);
      if (until) result[id] = until;
    }
    return result;
  }

  // --- sessions ------------------------------------------------------------------------------

  async getSessions(playerId: string): Promise<SessionsRecord | null> {
    const record = this.sessions.get(playerId);
    return record ? structuredClone(record) : null;
  }

  async saveSessions(next: SessionsRecord, expectedVersion: number): Promise<void> {
    if ((this.sessions.get(next.playerId)?.version ?? 0) !== expectedVersion) throw new StaleGameError();
    this.sessions.set(next.playerId, structuredClone(next));
  }

  async close(): Promise<void> {}
}
