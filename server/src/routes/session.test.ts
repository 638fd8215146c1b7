import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../storage/memory.js';
import { testApp } from '../test-support/app.js';
import { OnlinePlayer } from '../test-support/online.js';

const apps: FastifyInstance[] = [];
/** A server on the in-memory store; a second one with the same secret is the first restarted. */
async function server(): Promise<FastifyInstance> {
  const app = await testApp({ store: new MemoryStore() });
  apps.push(app);
  return app;
}

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

describe('a session whose player is gone (a restart on the in-memory store)', () => {
  it('is signed out on GET /api/session with 401 auth/player-gone, and the cookie no longer names the player', async () => {
    const carol = await OnlinePlayer.signIn(await server(), 'carol2');
    const after = carol.copyTo(await server());
    const response = await after.get('/api/session');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      error: expect.stringMatching(/^You were signed out: this server no longer knows carol2\./),
      code: 'auth/player-gone',
    });
    expect(response.headers['set-cookie']).toBeDefined();
    expect((await after.get('/api/session')).json()).toEqual({ player: null });
  });

  it('is signed out by the lobby too, instead of greeting a player with empty lists', async () => {
    const carol = await OnlinePlayer.signIn(await server(), 'carol2');
    const after = carol.copyTo(await server());
    const lobby = await after.get('/api/lobby');
    expect(lobby.statusCode).toBe(401);
    expect(lobby.json()).toMatchObject({ code: 'auth/player-gone' });
    expect((await after.get('/api/lobby')).json()).toMatchObject({ code: 'auth/signed-out' });
  });

  it('stays signed in while the player exists', async () => {
    const app = await server();
    const carol = await OnlinePlayer.signIn(app, 'carol2');
    expect((await carol.get('/api/session')).json()).toEqual({ player: { id: 'carol2', name: 'carol2' } });
    expect((await carol.get('/api/lobby')).statusCode).toBe(200);
    expect(carol.cookie).toBeDefined();
  });
});
