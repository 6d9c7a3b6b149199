// Build, dev server and unit-test configuration.
// Workers are ES modules (iife cannot hold top-level await); the target is esnext for the same reason.
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { pwaOptions } from './src/pwa/pwa-options';
import { connectSrcFromEnv } from './src/server/security-headers';
import { modelRoots, serveModels } from './src/server/serve-models';
import { securityHeadersPlugin } from './src/server/vite-plugin';
import { wllamaPatchGuard } from './src/server/wllama-patch';

export default defineConfig({
  plugins: [
    // Voice adapters need the project's patch to @wllama/wllama (patches/): refuse to build without it.
    wllamaPatchGuard(),
    svelte(),
    VitePWA(pwaOptions),
    // PERSONAYOU_CONNECT_SRC: more model origins the workers may download from (space-separated).
    securityHeadersPlugin({ extraConnectSrc: connectSrcFromEnv(process.env.PERSONAYOU_CONNECT_SRC) }),
    // .models/ holds what `npm run models:real` fetched; PERSONAYOU_TEST_MODELS adds the tests' folders.
    serveModels(modelRoots(process.env.PERSONAYOU_TEST_MODELS, '.models')),
  ],
  build: { target: 'esnext', sourcemap: true },
  worker: { format: 'es' },
  // transformers.js, web-llm and wllama are worker-only: pre-bundle them up front or the dev server reloads
  // the page when a worker first imports them.
  optimizeDeps: { include: ['@huggingface/transformers', '@mlc-ai/web-llm', '@wllama/wllama'] },
  preview: { host: '127.0.0.1' },
  server: { host: '127.0.0.1' },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
