// Build-time PWA settings (read by vite.config.ts): the web app manifest with its share target, and what
// the service worker precaches. Invariants: only the app shell is precached, never model files (the
// libraries cache those themselves); the manifest stays installable (192 + 512 icons, maskable too).

import type { VitePWAOptions } from 'vite-plugin-pwa';
import { SHARE_ACTION, SHARE_FILES_FIELD } from './share-inbox';

export const THEME_COLOR = '#3b5bdb';

export const pwaOptions: Partial<VitePWAOptions> = {
  strategies: 'injectManifest',
  srcDir: 'src/pwa',
  filename: 'sw.ts',
  // The app shows its own "update available" prompt; main code registers the worker (no inline script).
  registerType: 'prompt',
  injectRegister: false,
  manifest: {
    id: '/',
    name: 'PersonaYou',
    short_name: 'PersonaYou',
    description: 'Chat with a simulated persona of someone you know, built on your device from your own chat exports.',
    lang: 'en',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    background_color: '#f6f7fb',
    theme_color: THEME_COLOR,
    categories: ['social', 'utilities'],
    icons: [
      { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icon-maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
      { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
    // WhatsApp shares an export as a .zip (with media) or a .txt; some apps label them octet-stream.
    share_target: {
      action: `/${SHARE_ACTION}`,
      method: 'POST',
      enctype: 'multipart/form-data',
      params: {
        title: 'title',
        text: 'text',
        files: [
          {
            name: SHARE_FILES_FIELD,
            accept: ['text/plain', 'application/zip', 'application/x-zip-compressed', 'application/octet-stream', '.txt', '.zip'],
          },
        ],
      },
    },
  },
  // The manifest and its icons are precached by the plugin itself; the patterns below add the rest.
  includeManifestIcons: false,
  injectManifest: {
    globPatterns: ['**/*.{js,mjs,css,html,svg,png,ico,wasm}'],
    // Model folders (test models served under /models, or any a host puts there) are never precached.
    globIgnores: ['models/**', '**/*.map'],
    // The ONNX Runtime wasm and web-llm chunks are far above Workbox's 2 MiB default, which would
    // silently drop them and break offline use.
    maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
  },
  devOptions: { enabled: false },
};
