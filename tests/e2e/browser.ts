// Which Chromium the e2e tests drive: the system one when present (Debian's /usr/bin/chromium), else
// Playwright's own download. Also the flags every launch needs on a headless machine.
import { existsSync } from 'node:fs';

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function systemChromium(): string | undefined {
  return SYSTEM_CHROMIUM.find((path) => existsSync(path));
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchOptions(): { executablePath?: string; args: string[] } {
  const executablePath = process.env.PLAYWRIGHT_CHROMIUM_PATH ?? systemChromium();
  return executablePath === undefined ? { args: CHROMIUM_ARGS } : { executablePath, args: CHROMIUM_ARGS };
}
