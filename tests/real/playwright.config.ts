// `npm run test:real`'s browser part: the production build in real Chromium with the REAL models that
// `npm run models:real` fetched into .models/ (served at /models/, so "Gemma 3 270M (on this server)" is
// offered). Kept out of the default e2e run (testDir tests/e2e), which uses random-weight test models.
// Its own port, and never an already running server: one started for the default suite serves the test
// models, whose index would hide the real one.
import { defineConfig } from '@playwright/test';
import { launchOptions } from '../e2e/browser';

const PORT = Number(process.env.PERSONAYOU_REAL_E2E_PORT ?? 4183);

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: '../../test-results-real',
  // Real models on a small CPU: minutes, not seconds.
  timeout: 10 * 60_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: launchOptions(),
    // A click that cannot happen fails in a minute instead of waiting out the whole test.
    actionTimeout: 60_000,
    trace: 'retain-on-failure',
  },
  projects: [{ name: 'chromium-real', use: { browserName: 'chromium' } }],
  webServer: {
    // No PERSONAYOU_TEST_MODELS: only the real .models/ folder is served.
    command: `node node_modules/vite/bin/vite.js preview --port ${PORT} --strictPort --host 127.0.0.1`,
    cwd: '../..',
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
