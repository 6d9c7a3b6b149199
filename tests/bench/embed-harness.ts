// Drives a benchmark page in real Chromium: a Vite dev server (this project's config, test models at
// /models/ from tests/models and the generated tests/.models) on a private port, the system Chromium with
// the e2e flags, and the page (the embedding benchmark's unless told otherwise). Everything stops in
// `close()`.
import { chromium, type Browser, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import { launchOptions } from '../e2e/browser';
import { ensureTestModels, SERVED_MODELS, type TestModelId } from '../model-gen/test-models';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Harness {
  page: Page;
  browser: Browser;
  close(): Promise<void>;
}

export interface BenchPageOptions {
  /** The page under tests/bench/. */
  html: string;
  /** Everything the page and its workers import, scanned before the page opens (see optimizeDeps below). */
  entries: string[];
  /** Test models the page loads, made on first use. */
  models: TestModelId[];
}

const EMBED_BENCH_PAGE: BenchPageOptions = {
  html: 'embed-bench.html',
  entries: ['tests/bench/embed-bench.html', 'tests/bench/embed-worker.ts'],
  // The benchmark-grade embedder (the exact all-MiniLM-L6-v2 shape).
  models: ['all-MiniLM-L6-v2-randomweights'],
};

export async function openBenchPage(port = 4191, options: BenchPageOptions = EMBED_BENCH_PAGE): Promise<Harness> {
  ensureTestModels(options.models, { log: (line) => process.stderr.write(`${line}\n`) });
  // Read by vite.config.ts's test-model plugin when the config loads below.
  process.env['PERSONAYOU_TEST_MODELS'] = SERVED_MODELS;
  const server: ViteDevServer = await createServer({
    root: ROOT,
    logLevel: process.env['BENCH_VITE_LOG'] === '1' ? 'info' : 'error',
    // No watching and no HMR: files edited meanwhile must not reload the page mid-measurement.
    server: { port, strictPort: true, host: '127.0.0.1', hmr: false, watch: null },
    // Scan the bench page and its worker up front: a dependency found late makes the dev server reload
    // the page in the middle of a measurement.
    optimizeDeps: { entries: options.entries, include: ['comlink'] },
  });
  await server.listen();
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ ...launchOptions(), headless: true });
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') process.stderr.write(`[page] ${m.text()}\n`);
    });
    await page.goto(`http://127.0.0.1:${port}/tests/bench/${options.html}`);
    await page.waitForFunction(() => document.body.dataset['ready'] === 'true', undefined, { timeout: 120_000 });
    const opened = browser;
    return {
      page,
      browser: opened,
      async close() {
        await opened.close();
        await server.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await server.close();
    throw error;
  }
}
