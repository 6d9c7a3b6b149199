// Makes sure a Chromium exists before the tests that drive one start (the e2e tests, `npm run eval --engine
// cpu-browser` among them): the system one, else Playwright's own; on a fresh Debian machine where we are root, installs Debian's chromium (the only browser
// source reachable without Playwright's download). Otherwise explains what to install and fails.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const system = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (system !== undefined || process.env.PLAYWRIGHT_CHROMIUM_PATH) process.exit(0);

try {
  const { chromium } = await import('@playwright/test');
  if (existsSync(chromium.executablePath())) process.exit(0);
} catch {
  // Playwright has no browser of its own here; fall through.
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
let hasApt = false;
try {
  execSync('command -v apt-get', { stdio: 'ignore' });
  hasApt = true;
} catch {
  hasApt = false;
}
if (isRoot && hasApt) {
  console.error('No Chromium found: installing Debian\'s chromium package (about a minute)...');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
  process.exit(0);
}
console.error(
  'The e2e tests need Chromium. Install it (Debian/Ubuntu: `sudo apt-get install chromium`) or run `npx playwright install chromium`.',
);
process.exit(1);
