// Page helpers for the PWA tests: wait until the service worker is activated AND controls the page (a
// registration being "ready" is not enough for offline use), record every request of the browser
// context (page, dedicated workers, service worker), and list everything the app stores.
import { expect, type BrowserContext, type Page } from '@playwright/test';

/**
 * Waits for the active service worker to reach 'activated' and to control this page. A page loaded while
 * the worker was being replaced (e.g. right after the wipe unregistered the old one) may never be claimed;
 * a reload is then controlled by the activated worker, as any navigation in its scope is.
 */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const worker = registration.active;
    if (worker === null || worker.state === 'activated') return;
    await new Promise<void>((resolve) => {
      worker.addEventListener('statechange', () => {
        if (worker.state === 'activated') resolve();
      });
    });
  });
  const controlled = await page
    .waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 15_000 })
    .then(() => true)
    .catch(() => false);
  if (controlled) return;
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Playwright reports a dedicated worker's requests like the page's; service worker ones separately. */
export type RequestSource = 'page-or-worker' | 'service-worker';

export interface RecordedRequest {
  url: string;
  method: string;
  source: RequestSource;
  resourceType: string;
  body: Buffer | null;
}

/** Records every request the context sees from now on, with its body. */
export function recordRequests(context: BrowserContext): RecordedRequest[] {
  const records: RecordedRequest[] = [];
  context.on('request', (request) => {
    records.push({
      url: request.url(),
      method: request.method(),
      source: request.serviceWorker() === null ? 'page-or-worker' : 'service-worker',
      resourceType: request.resourceType(),
      body: request.postDataBuffer(),
    });
  });
  return records;
}

export interface StoredEverything {
  databases: string[];
  caches: string[];
  opfs: string[];
  local: number;
  session: number;
  serviceWorkers: number;
}

/** Every kind of storage the app (or a library) could use on this origin, listed from the page. */
export async function listStorage(page: Page): Promise<StoredEverything> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const opfs: string[] = [];
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) opfs.push(name);
    return {
      databases: (await indexedDB.databases()).map((d) => d.name ?? '').sort(),
      caches: (await caches.keys()).sort(),
      opfs: opfs.sort(),
      local: localStorage.length,
      session: sessionStorage.length,
      serviceWorkers: (await navigator.serviceWorker.getRegistrations()).length,
    };
  });
}

/** Collects Content-Security-Policy violations of every page of the context (install before goto). */
export async function recordCspViolations(context: BrowserContext): Promise<(page: Page) => Promise<string[]>> {
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  return (page) => page.evaluate(() => [...(window as unknown as { __cspViolations: string[] }).__cspViolations]);
}

/** Shows the persona's message list (the Messages tab of the persona screen). */
export async function showMessages(page: Page): Promise<void> {
  // Waits for the tab: right after an import the persona list may take a moment to include the new persona.
  await page.getByRole('tab', { name: 'Messages' }).click();
  await expect(page.getByTestId('message-browser').getByRole('listitem').first()).toBeVisible();
}
