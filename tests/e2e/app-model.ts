// Page model of the app for e2e tests: import through the real file chooser, pick the person, create,
// and read the database with the raw IndexedDB API (independent of the app's own store code).
import { expect, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/exports/', import.meta.url));

/** Opens the import screen and hands the files to the real file chooser. */
export async function pickFiles(page: Page, paths: string[]): Promise<void> {
  await page.goto('/#/import');
  const another = page.getByRole('button', { name: 'Import another chat' });
  if (await another.isVisible()) await another.click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByText('Choose files…').click();
  await (await chooser).setFiles(paths);
}

/** After the analysis: choose who to clone (and optionally who "me" is), then create and wait. */
export async function createPersona(page: Page, personName: string, selfName?: string): Promise<void> {
  await page.getByRole('radio', { name: `Clone ${personName}`, exact: true }).check();
  if (selfName !== undefined) await page.getByTestId('self-select').selectOption({ label: selfName });
  await page.getByRole('button', { name: /^(Create|Update) persona$/ }).click();
  await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 90_000 });
}

export async function participantCounts(page: Page): Promise<Record<string, number>> {
  const rows = page.getByTestId('participant-row');
  await expect(rows.first()).toBeVisible({ timeout: 90_000 });
  const out: Record<string, number> = {};
  for (const row of await rows.all()) {
    const name = await row.getAttribute('data-name');
    const count = await row.getByTestId('participant-count').innerText();
    if (name !== null) out[name] = Number(count.replace(/[^\d]/g, ''));
  }
  return out;
}

export interface DbSnapshot {
  databases: string[];
  stores: Record<string, unknown[]>;
}

/** Every row of every store of the app database, read with the raw IndexedDB API. */
export async function dbSnapshot(page: Page): Promise<DbSnapshot> {
  return page.evaluate(async () => {
    const databases = (await indexedDB.databases()).map((d) => d.name ?? '').sort();
    const stores: Record<string, unknown[]> = {};
    if (!databases.includes('personayou')) return { databases, stores };
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('personayou');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('open failed'));
    });
    try {
      for (const name of Array.from(db.objectStoreNames)) {
        stores[name] = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(name, 'readonly').objectStore(name).getAll();
          request.onsuccess = () => resolve(request.result as unknown[]);
          request.onerror = () => reject(request.error ?? new Error('read failed'));
        });
      }
    } finally {
      db.close();
    }
    return { databases, stores };
  });
}

/** Records every http(s) host the page, its workers and its service worker contact. */
export function recordHosts(page: Page): Set<string> {
  const hosts = new Set<string>();
  page.context().on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol === 'http:' || url.protocol === 'https:') hosts.add(url.host);
  });
  return hosts;
}
