// Build, dev server and unit-test configuration.
// Workers are ES modules (iife cannot hold top-level await); the target is esnext for the same reason.
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { pwaOptions, relaxCspForDevServer } from './src/pwa/pwa-options';
import { serveModels } from './tests/e2e/serve-models';

export default defineConfig({
  // PERSONAYOU_TEST_MODELS (tests only): serve that folder at /models/ with real 404s.
  plugins: [svelte(), VitePWA(pwaOptions), relaxCspForDevServer(), serveModels(process.env.PERSONAYOU_TEST_MODELS)],
  build: { target: 'esnext', sourcemap: true },
  worker: { format: 'es' },
  // voy's wasm is instantiated by hand (src/lib/search/voy-index.ts); transformers.js and web-llm are
  // worker-only (so is wllama), so pre-bundle them up front or the dev server reloads the page when a worker first imports them.
  optimizeDeps: { exclude: ['voy-search'], include: ['@huggingface/transformers', '@mlc-ai/web-llm', '@wllama/wllama'] },
  preview: { host: '127.0.0.1' },
  server: { host: '127.0.0.1' },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
