// Page model of the app for e2e tests: import through the real file chooser, pick the person, create,
// and read the database with the raw IndexedDB API (independent of the app's own store code).
import { expect, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { goldenExpectation } from './golden';

export const FIXTURES = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));

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

/** The author with the most messages in a shared fixture, from its hand-written golden expectation. */
export function topAuthor(file: string): string {
  const [name] = Object.entries(goldenExpectation(file).authors).sort((a, b) => b[1] - a[1])[0] ?? [];
  if (name === undefined) throw new Error(`no author in the golden expectation of ${file}`);
  return name;
}

/** The shared tiny llama (real SmolLM2 tokenizer, random weights) for the CPU engine. */
export const TINY_CPU_MODEL = 'tiny-random-llama-smollm2-tok';

/**
 * On the Models screen: this site's /models/ folder (or a mirror) as the source, the tiny llama added as a custom CPU
 * model and loaded (a small `contextWindow` makes long chats overflow it). The loaded model lives in this
 * page: navigate inside the app afterwards, no reload.
 */
export async function loadTinyCpuModel(page: Page, contextWindow = 8192, from: { mirror?: string } = {}): Promise<void> {
  if (!page.url().includes('#/models')) await page.goto('/#/models');
  await expect(page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
  await expect(page.getByTestId('model-list')).toBeVisible({ timeout: 60_000 });
  const source = page.getByTestId('model-source');
  await source.getByText('Model source', { exact: true }).click();
  if (from.mirror === undefined) {
    await source.getByLabel("This site's /models/ folder").check();
  } else {
    await source.getByLabel('A mirror at this address').check();
    await source.getByLabel('Model mirror address for chat models').fill(from.mirror);
  }
  await source.getByRole('button', { name: 'Use this source' }).click();
  const custom = page.getByTestId('custom-model');
  await custom.getByText('Add a custom model', { exact: true }).click();
  await custom.getByLabel('CPU (transformers.js ONNX model)').check();
  await custom.getByLabel('Name (optional)').fill('Tiny test llama');
  await custom.getByTestId('custom-model-id').fill(TINY_CPU_MODEL);
  await custom.getByTestId('custom-dtype').selectOption('q8');
  await custom.getByTestId('custom-context').fill(String(contextWindow));
  await custom.getByTestId('custom-add').click();
  const tiny = page.getByTestId('model-row').filter({ has: page.getByText('Tiny test llama', { exact: true }) });
  await tiny.getByRole('button', { name: 'Load Tiny test llama' }).click();
  await expect(page.getByTestId('loaded-model')).toContainText('Tiny test llama', { timeout: 60_000 });
}

/** The shared tiny BERT (real MiniLM tokenizer, random weights) as a persona's embedding model. */
export const TINY_EMBED_MODEL = 'tiny-random-bert-minilm-tok';

/** In the persona's embedding panel: this site's /models/ folder and the tiny BERT, saved. */
export async function chooseTinyEmbedModel(page: Page): Promise<void> {
  const panel = page.getByTestId('embed-panel');
  await panel.getByText('Model settings', { exact: true }).click();
  await panel.getByLabel("This site's /models/ folder").check();
  await panel.getByLabel('Embedding model').selectOption({ label: 'Another model (by id)…' });
  await panel.getByLabel('Model id').fill(TINY_EMBED_MODEL);
  await panel.getByLabel('Weight type').selectOption('q8');
  await panel.getByRole('button', { name: 'Save model settings' }).click();
  await expect(panel.getByTestId('embed-model')).toHaveText(TINY_EMBED_MODEL);
}
