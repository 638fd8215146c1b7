#!/usr/bin/env node
// The reference ceiling for the /move benchmark: the least a correct server needs. Bare
// Fastify, the same two routes and answers, one board per browser in a Map keyed by a plain
// id cookie. No encryption, no schema library, no logging, no security headers.
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';

const LINES = [
  [0, 1, 2],
  [3, 4, 5],
  [6, 7, 8],
  [0, 3, 6],
  [1, 4, 7],
  [2, 5, 8],
  [0, 4, 8],
  [2, 4, 6],
];
const boards = new Map();

function state(board) {
  const x = board.filter((c) => c === 'X').length;
  const o = board.filter((c) => c === 'O').length;
  let winner = null;
  for (const [a, b, c] of LINES) if (board[a] && board[a] === board[b] && board[a] === board[c]) winner = board[a];
  if (!winner && !board.includes('')) winner = 'Draw';
  return { board, current_player: x > o ? 'O' : 'X', winner, game_over: winner !== null };
}

function browser(request, reply) {
  let id = /(?:^|;\s*)id=([\w-]+)/.exec(request.headers.cookie ?? '')?.[1];
  if (!id || !boards.has(id)) {
    id = randomUUID();
    boards.set(id, Array(9).fill(''));
    reply.header('set-cookie', `id=${id}; Path=/; HttpOnly; SameSite=Lax`);
  }
  return id;
}

const app = Fastify({ logger: false });
app.post('/move', async (request, reply) => {
  const id = browser(request, reply);
  const board = boards.get(id);
  const index = request.body?.index;
  const current = state(board);
  if (!Number.isInteger(index) || index < 0 || index > 8 || board[index] !== '' || current.game_over) {
    return reply.code(400).send({ error: 'Invalid move' });
  }
  board[index] = current.current_player;
  return state(board);
});
app.post('/reset', async (request, reply) => {
  const id = browser(request, reply);
  boards.set(id, Array(9).fill(''));
  return state(boards.get(id));
});
app.get('/healthz', async () => ({ status: 'ok' }));

const port = Number(process.env.PORT ?? 5099);
await app.listen({ port, host: '127.0.0.1' });
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => app.close().then(() => process.exit(0)));
