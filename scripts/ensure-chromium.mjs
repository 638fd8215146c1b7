#!/usr/bin/env node
// Makes sure the e2e tests have a Chromium: the system's, else Debian's package (as root),
// else Playwright's download; otherwise stops and says what to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { systemChromium } from './chromium.mjs';

const log = (message) => console.log(`[ensure-chromium] ${message}`);

function playwrightChromium() {
  try {
    const require = createRequire(new URL('../e2e/package.json', import.meta.url));
    const { chromium } = require('@playwright/test');
    const path = chromium.executablePath();
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function run(command, args) {
  log(`running: ${command} ${args.join(' ')}`);
  return (
    spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
      .status === 0
  );
}

const found = systemChromium() ?? playwrightChromium();
if (found) {
  log(`using ${found}`);
  process.exit(0);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && existsSync('/etc/debian_version')) {
  if (
    run('apt-get', ['update', '-qq']) &&
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'])
  ) {
    const installed = systemChromium();
    if (installed) {
      log(`installed ${installed}`);
      process.exit(0);
    }
  }
  log('apt-get could not install chromium; trying Playwright’s own download');
}

if (run('npx', ['--no-install', 'playwright', 'install', 'chromium']) && playwrightChromium()) {
  log(`installed ${playwrightChromium()}`);
  process.exit(0);
}

console.error(`
No Chromium found for the end-to-end tests, and none could be installed.
Install one of:
  - Debian/Ubuntu:  sudo apt-get install chromium
  - any system:     npx playwright install --with-deps chromium
  - or point CHROMIUM_PATH at an existing Chromium or Chrome binary.
`);
process.exit(1);
