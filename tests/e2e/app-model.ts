// Page model of the app for e2e tests: import through the real file chooser, pick the person, create,
// and read the database with the raw IndexedDB API (independent of the app's own store code).
import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { goldenExpectation } from './golden';

export const FIXTURES = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));

const withTestEmbedder = new WeakSet<Page>();

/**
 * This test machine's embedding model: the shared tiny BERT from this site's /models/ folder (there is no
 * model hub here). Set before the app starts, only where the person (the test) chose nothing yet, as a
 * person would in the info page's embedding settings. A persona is embedded by itself once its chat opens.
 */
export async function useTestEmbedder(page: Page, model: string = TINY_EMBED_MODEL): Promise<void> {
  if (withTestEmbedder.has(page)) return;
  withTestEmbedder.add(page);
  await page.addInitScript((model) => {
    const key = 'personayou.embed-settings';
    if (localStorage.getItem(key) === null) {
      localStorage.setItem(key, JSON.stringify({ source: { kind: 'local' }, model: { id: model, dtype: 'q8', dims: null, label: model } }));
    }
  }, model);
}

/** Opens the import screen and hands the files to the real file chooser. */
export async function pickFiles(page: Page, paths: string[]): Promise<void> {
  await useTestEmbedder(page);
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
  // A persona that got messages opens in its chat; an import that added nothing stays and says so.
  await expect(page.getByTestId('chat-view').or(page.getByTestId('import-done')).first()).toBeVisible({ timeout: 90_000 });
}

/** The open persona's info page (a side panel on wide screens, its own screen on phones). */
export async function openInfo(page: Page): Promise<Locator> {
  const info = page.getByTestId('persona-info');
  const link = page.getByTestId('open-info');
  // The link toggles the page, so a click must not rest on "panel not visible yet": right after a (re)load
  // onto an info address the panel renders a moment after the page starts. Wait until the persona's screen
  // shows (the panel, or the chat's link on a phone, where the info page replaces the chat), then decide.
  await expect.poll(async () => (await info.isVisible()) || (await link.isVisible()), { timeout: 30_000 }).toBe(true);
  if (!(await info.isVisible()) && (await link.getAttribute('aria-current')) !== 'page') await link.click();
  await expect(info).toBeVisible();
  return info;
}

export async function closeInfo(page: Page): Promise<void> {
  await page.getByTestId('close-info').click();
  await expect(page.getByTestId('persona-info')).toBeHidden();
}

/** One section of the open persona's info page (Style, Memory, Knowledge, Messages, Versions, ...). */
export async function openInfoTab(page: Page, name: string): Promise<void> {
  const info = await openInfo(page);
  await info.getByRole('tab', { name, exact: true }).click();
}

/** Opens a message's menu (copy, edit, thumbs, regenerate, why this answer) and returns it. */
export async function messageMenu(message: Locator): Promise<Locator> {
  const actions = message.getByTestId('message-actions');
  if (!(await actions.isVisible())) await message.getByTestId('message-menu').click();
  await expect(actions).toBeVisible();
  return actions;
}

/** The chat header's conversations panel (list, new chat, reply settings). */
export async function openConversations(page: Page): Promise<Locator> {
  const toggle = page.getByTestId('conversations-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  return page.getByTestId('conversation-list');
}

/**
 * Waits until the background embedding has started and every job is complete (raw IndexedDB), so stored
 * data stops changing. A persona's chat starts its job by itself, a moment after the chat opens.
 */
export async function waitEmbeddingsSettled(page: Page, timeout = 180_000): Promise<void> {
  await expect
    .poll(
      async () => {
        const jobs = (await dbSnapshot(page)).stores['embedJobs'] ?? [];
        return jobs.length > 0 && jobs.every((job) => (job as { state?: string }).state === 'done');
      },
      { timeout },
    )
    .toBe(true);
}

/** Waits until the open persona's background embedding is complete (read in its info page). */
export async function waitEmbedded(page: Page, timeout = 180_000): Promise<void> {
  const info = await openInfo(page);
  await expect(info.getByTestId('embed-status')).toHaveAttribute('data-state', 'done', { timeout });
}

/**
 * The model this device is recommended, served by this site: the model source is this site's /models/
 * folder, and the CPU catalog models' files are answered with the shared tiny llama's (same tokenizer,
 * random weights), so the recommended model loads in seconds. Call before the app starts.
 */
export async function serveRecommendedModelAsTiny(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const key = 'personayou.llm-settings';
    if (localStorage.getItem(key) === null) {
      localStorage.setItem(key, JSON.stringify({ source: { kind: 'local' }, selectedId: null, customModels: [] }));
    }
  });
  await page.context().route(/\/models\/transformers\/(HuggingFaceTB|onnx-community)\/[^/]+\/(.*)$/, async (route) => {
    const url = new URL(route.request().url());
    const rest = /\/models\/transformers\/[^/]+\/[^/]+\/(.*)$/.exec(url.pathname)?.[1] ?? '';
    const response = await route.fetch({ url: `${url.origin}/models/transformers/${TINY_CPU_MODEL}/${rest}` });
    await route.fulfill({ response });
  });
}

/**
 * axe-core on the page as it is now: fails on any serious or critical violation, naming the rule, the
 * screen and the first elements. (The app's CSP would block axe's script; tests run with bypassCSP.)
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => `${v.id} (${v.impact}, ${v.nodes.length} nodes): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  expect(report, `axe on ${screen}`).toEqual([]);
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

/** Every row of every store of the app database (or of the `only` stores), read with the raw IndexedDB API. */
export async function dbSnapshot(page: Page, only?: string[]): Promise<DbSnapshot> {
  return page.evaluate(async (only) => {
    const databases = (await indexedDB.databases()).map((d) => d.name ?? '').sort();
    const stores: Record<string, unknown[]> = {};
    if (!databases.includes('personayou')) return { databases, stores };
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('personayou');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('open failed'));
    });
    try {
      for (const name of Array.from(db.objectStoreNames).filter((n) => only === null || only.includes(n))) {
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
  }, only ?? null);
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

/** The tiny llama test model (real SmolLM2 tokenizer, random weights) for the CPU engine. */
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

/** The tiny BERT test model (real MiniLM tokenizer, random weights) as a persona's embedding model. */
export const TINY_EMBED_MODEL = 'tiny-random-bert-minilm-tok';

/** In the persona's embedding panel (info page): this site's /models/ folder and the tiny BERT, saved. */
export async function chooseTinyEmbedModel(page: Page): Promise<void> {
  await openInfo(page);
  const panel = page.getByTestId('embed-panel');
  await panel.getByText('Model settings', { exact: true }).click();
  await panel.getByLabel("This site's /models/ folder").check();
  await panel.getByLabel('Embedding model').selectOption({ label: 'Another model (by id)…' });
  await panel.getByLabel('Model id').fill(TINY_EMBED_MODEL);
  await panel.getByLabel('Weight type').selectOption('q8');
  await panel.getByRole('button', { name: 'Save model settings' }).click();
  await expect(panel.getByTestId('embed-model')).toHaveText(TINY_EMBED_MODEL);
}
