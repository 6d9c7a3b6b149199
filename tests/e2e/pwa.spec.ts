// The installable app: Chromium's own installability check passes in a persistent profile (and fails
// when the manifest loses its icons, so the check is real), the Install button appears when the browser
// offers installation, a new version waits for the person's go-ahead, and the storage line tells the
// truth about space and persistence (persistence is requested once a persona is saved).
import { chromium, expect, test, type BrowserContext } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURES, createPersona, pickFiles } from './app-model';
import { launchOptions } from './browser';
import { waitForServiceWorker } from './pwa-model';

const DIST_SW = fileURLToPath(new URL('../../dist/sw.js', import.meta.url));

async function withPersistentProfile(baseURL: string, run: (context: BrowserContext) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'personayou-profile-'));
  const context = await chromium.launchPersistentContext(dir, { ...launchOptions(), headless: true, baseURL });
  try {
    await run(context);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('Chromium reports the app installable in a persistent profile, with an Install button', async ({ baseURL }) => {
  if (baseURL === undefined) throw new Error('baseURL is not configured');
  await withPersistentProfile(baseURL, async (context) => {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/');
    await waitForServiceWorker(page);
    const cdp = await context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
    expect(manifest.url).toMatch(/\/manifest\.webmanifest$/);
    expect((await cdp.send('Page.getInstallabilityErrors')).installabilityErrors).toEqual([]);
    // The browser offered installation (beforeinstallprompt): the header shows the app's own button.
    await expect(page.getByTestId('install-app')).toBeVisible();
  });

  // Control: the same check on the same build reports errors once the manifest has no usable icon.
  await withPersistentProfile(baseURL, async (context) => {
    await context.route('**/manifest.webmanifest', async (route) => {
      const response = await route.fetch();
      const broken = { ...(await response.json()), icons: [] };
      await route.fulfill({ response, json: broken });
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/');
    await waitForServiceWorker(page);
    const cdp = await context.newCDPSession(page);
    const errors = (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors.map((e) => e.errorId);
    expect(errors.length).toBeGreaterThan(0);
    await expect(page.getByTestId('install-app')).toHaveCount(0);
  });
});

test('a new version waits for the go-ahead, then takes over after one reload', async ({ page }) => {
  await page.goto('/');
  await waitForServiceWorker(page);
  await expect(page.getByTestId('update-available')).toHaveCount(0);
  const firstWorker = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);

  // A new deployment: the service worker file changes on the server (restored afterwards).
  const original = readFileSync(DIST_SW);
  try {
    writeFileSync(DIST_SW, Buffer.concat([original, Buffer.from(`\n// next deployment ${Date.now()}\n`)]));
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration?.update();
    });
    await expect(page.getByTestId('update-available')).toBeVisible();
    // Nothing changes until the person says so: the new worker is waiting, the old one still controls.
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state)).toBe(
      'installed',
    );

    await page.evaluate(() => ((window as unknown as { __beforeUpdate: boolean }).__beforeUpdate = true));
    const reloaded = page.waitForEvent('framenavigated');
    await page.getByRole('button', { name: 'Update now' }).click();
    await reloaded;
    await page.waitForFunction(() => (window as unknown as { __beforeUpdate?: boolean }).__beforeUpdate === undefined);
    await waitForServiceWorker(page);
    // The waiting version took over: nothing waits any more and the page is controlled again.
    const state = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return { waiting: registration?.waiting ?? null, controller: navigator.serviceWorker.controller?.scriptURL };
    });
    expect(state).toEqual({ waiting: null, controller: firstWorker });
    await expect(page.getByTestId('update-available')).toHaveCount(0);
  } finally {
    writeFileSync(DIST_SW, original);
  }
});

test('the storage line shows real numbers, and persistence is requested once a persona is saved', async ({ page }) => {
  await page.addInitScript(() => {
    const calls: string[] = [];
    (window as unknown as { __persistCalls: string[] }).__persistCalls = calls;
    const original = StorageManager.prototype.persist;
    StorageManager.prototype.persist = function persist(this: StorageManager) {
      calls.push(location.hash);
      return original.call(this);
    };
  });
  await page.goto('/');
  const status = page.getByTestId('storage-status');
  await expect(status).toBeVisible();
  await expect(page.getByTestId('storage-summary')).toContainText(/used · .* available/);

  const persisted = await page.evaluate(() => navigator.storage.persisted());
  await expect(status).toHaveAttribute('data-risk', persisted ? 'persisted' : 'may-evict');
  expect(await page.evaluate(() => (window as unknown as { __persistCalls: string[] }).__persistCalls)).toEqual([]);

  await pickFiles(page, [join(FIXTURES, 'whatsapp/en/chat-analytics__4A_11M.txt')]);
  await createPersona(page, 'Alice');
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __persistCalls: string[] }).__persistCalls.length))
    .toBe(1);

  if (!persisted) {
    // Not persisted (this incognito profile): the line says the data may be cleared and what to do. The
    // storage line is in the footer of the chat list (the persona's chat is full height).
    await page.goto('/#/');
    await status.locator('summary').click();
    await expect(page.getByTestId('storage-advice')).toContainText('Install the app');
  }
});
