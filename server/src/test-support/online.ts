import type { GameView, TimeControl } from '@ttt/shared';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { Browser } from './app.js';

export const PASSWORD = 'correct horse battery';

/** A signed-in player driving the API like the web client does. */
export class OnlinePlayer extends Browser {
  constructor(
    app: FastifyInstance,
    readonly name: string,
  ) {
    super(app);
  }

  get id() {
    return this.name.toLowerCase();
  }

  /** Signs in, creating the player when nobody has the name yet. */
  static async signIn(app: FastifyInstance, name: string, password = PASSWORD): Promise<OnlinePlayer> {
    const player = new OnlinePlayer(app, name);
    const response = await player.post('/api/session', { name, password, create: true });
    expect(response.statusCode, response.body).toBe(200);
    return player;
  }

  async invite(opponent: string, timeControl?: TimeControl): Promise<GameView> {
    const response = await this.post('/api/games', { opponent, ...(timeControl ? { timeControl } : {}) });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  async inviteByLink(): Promise<GameView> {
    const response = await this.post('/api/games', { invite: 'link' });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  /** The game as shown; without the server's time, which differs with every answer. */
  async game(id: string): Promise<GameView> {
    const response = await this.get(`/api/games/${id}`);
    expect(response.statusCode, response.body).toBe(200);
    const { serverTime, ...game } = response.json() as GameView;
    expect(typeof serverTime).toBe('string');
    return game;
  }

  /** An action that must succeed. */
  async act(id: string, action: string, body?: unknown): Promise<GameView> {
    const response = await this.post(`/api/games/${id}/${action}`, body);
    expect(response.statusCode, `${this.name} ${action}: ${response.body}`).toBeLessThan(300);
    return response.json();
  }

  async move(id: string, cell: number): Promise<GameView> {
    return this.act(id, 'moves', { cell });
  }
}

/** Plays cells in order, each by whoever's turn it is. */
export async function playOut(players: OnlinePlayer[], id: string, cells: number[]): Promise<GameView> {
  const first = players[0];
  if (!first) throw new Error('no players');
  let game: GameView = await first.game(id);
  for (const cell of cells) {
    const turnId: string | undefined = game.turn === game.hostMark ? game.host.id : game.opponent?.id;
    const mover: OnlinePlayer | undefined = players.find((p) => p.id === turnId);
    if (!mover) throw new Error(`nobody to move for ${game.turn}`);
    game = await mover.move(id, cell);
  }
  return game;
}

/** A game between host and opponent, accepted and ready: the opponent plays X. */
export async function startedGame(
  host: OnlinePlayer,
  opponent: OnlinePlayer,
  timeControl?: TimeControl,
): Promise<GameView> {
  const invitation = await host.invite(opponent.name, timeControl);
  return opponent.act(invitation.id, 'accept');
}

let counter = 0;
/** Names unique across a test run, so suites can share one store. */
export const uniqueName = (base: string) =>
  `${base}${(counter++).toString(36)}${Math.floor(Math.random() * 1e4)}`.slice(0, 20);
