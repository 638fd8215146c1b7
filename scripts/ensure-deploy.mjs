#!/usr/bin/env node
// Makes sure deploy/ (the CDK app, its own npm package) has its dependencies as its lockfile pins
// them: installs them with `npm ci --prefix deploy` when missing or different. The app's own install
// never carries CDK; only the deploy commands and their tests need it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const deploy = new URL('../deploy/', import.meta.url);
const log = (message) => console.log(`[ensure-deploy] ${message}`);
const readJson = (url) => JSON.parse(readFileSync(url, 'utf8'));

/** The direct dependencies whose installed version differs from the lockfile's, or are missing. */
function outdated() {
  const lock = readJson(new URL('package-lock.json', deploy));
  const wanted = Object.keys(lock.packages?.['']?.dependencies ?? {});
  return wanted.filter((name) => {
    const manifest = new URL(`node_modules/${name}/package.json`, deploy);
    return !existsSync(manifest) || readJson(manifest).version !== lock.packages[`node_modules/${name}`]?.version;
  });
}

const missing = outdated();
if (missing.length === 0) {
  log('deploy/node_modules matches deploy/package-lock.json');
  process.exit(0);
}
log(`installing deploy/ (${missing.join(', ')} missing or not as locked): npm ci --prefix deploy`);
const started = Date.now();
const result = spawnSync('npm', ['ci', '--prefix', 'deploy', '--no-audit', '--no-fund'], {
  cwd: new URL('..', import.meta.url),
  stdio: 'inherit',
});
if (result.status !== 0 || outdated().length > 0) {
  console.error('[ensure-deploy] npm ci --prefix deploy failed: see above (the npm registry must be reachable).');
  process.exit(1);
}
log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
