/**
 * A CPU profile of the production server under the CPU-per-move load (bench/cpu-per-move.ts):
 *   npm run build && node --import tsx bench/profile-moves.ts [dynamodb|memory] [seconds] [moves/s]
 * Runs `node --cpu-prof server/dist/main.js` (on dynalite in a child process for `dynamodb`),
 * plays for the given seconds after a warm-up, stops the server, and prints where its CPU
 * went (bench/profile-summary.ts). The .cpuprofile stays in test-results/profiles/ for DevTools.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { measureCpuPerMove } from './cpu-per-move.js';
import { dynamodbEnv, startDatabase } from './database.js';
import { root, startServer } from './processes.js';
import { summarizeProfile } from './profile-summary.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const [store = 'dynamodb', seconds = '20', rate = '100'] = process.argv.slice(2);
if (store !== 'dynamodb' && store !== 'memory') throw new Error(`unknown store ${store}: dynamodb or memory`);

const dir = join(root, 'test-results/profiles', `${store}-${Date.now()}`);
mkdirSync(dir, { recursive: true });
const database = store === 'dynamodb' ? await startDatabase() : null;
try {
  const server = await startServer('server/dist/main.js', database ? dynamodbEnv(database.endpoint) : {}, [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
  ]);
  try {
    const result = await measureCpuPerMove(server, {
      movesPerSecond: Number(rate),
      pairs: 10,
      warmupMoves: 4000,
      settleSeconds: 2,
      seconds: Number(seconds),
    });
    console.log(`${store}: ${result.cpuMsPerMove.toFixed(2)} ms CPU per move over ${result.moves} moves`);
  } finally {
    await server.stop();
  }
} finally {
  await database?.close();
}
const [profile] = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
if (!profile) throw new Error(`no profile written in ${dir}`);
summarizeProfile(join(dir, profile), 30);
