// End-to-end tests: the production build served by `vite preview`, driven in real Chromium.
// 127.0.0.1 rather than localhost: some libraries refuse to cache responses from "localhost" URLs.
import { defineConfig } from '@playwright/test';
import { delimiter } from 'node:path';
import { launchOptions } from './tests/e2e/browser';

// Several suites can run side by side on one machine: each may pick its own port and build folder.
const PORT = Number(process.env.PERSONAYOU_E2E_PORT ?? 4173);
const OUT_DIR = process.env.PERSONAYOU_E2E_DIST ?? 'dist';
/** A second origin serving the same test models hub-style with CORS (tests/e2e/model-mirror.ts). */
const MIRROR_PORT = PORT + 1;
const TEST_MODELS = ['../shared/models', 'tests/.models', 'tests/e2e/served'].join(delimiter);

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: process.env.PERSONAYOU_E2E_DIST === undefined ? 'test-results' : `test-results-${process.env.PERSONAYOU_E2E_DIST}`,
  // Generates the WebLLM test weights into tests/.models/ when they are missing.
  globalSetup: './tests/e2e/global-setup.ts',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: launchOptions(),
    trace: 'retain-on-failure',
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: [
    {
      // The test models (real tokenizers, random weights) are served at /models/, overlaid with the generated
      // weights of tests/.models (global-setup.ts). The mirror's origin is allowed in connect-src.
      command: `node node_modules/vite/bin/vite.js preview --port ${PORT} --strictPort --host 127.0.0.1 --outDir ${OUT_DIR}`,
      env: { PERSONAYOU_TEST_MODELS: TEST_MODELS, PERSONAYOU_CONNECT_SRC: `http://127.0.0.1:${MIRROR_PORT}` },
      url: `http://127.0.0.1:${PORT}`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      command: `node node_modules/tsx/dist/cli.mjs tests/e2e/model-mirror.ts ${MIRROR_PORT} ${TEST_MODELS}`,
      url: `http://127.0.0.1:${MIRROR_PORT}/transformers/tiny-random-bert-minilm-tok/resolve/main/config.json`,
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
    },
  ],
});
