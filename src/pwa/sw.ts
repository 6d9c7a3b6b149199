/// <reference lib="webworker" />
// The service worker: precaches the app shell (never model weights: the model libraries keep their own
// caches), answers navigations from it so the app opens offline, and receives the share-target POST.
// Updates wait until the person accepts the "update available" prompt (SKIP_WAITING message); the very
// first install claims the open page at once so it works offline after one visit.

import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { SHARE_ACTION, receiveShare } from './share-inbox';
import { escapeRegExp } from '../lib/util/escape-regexp';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

const scope = self.registration.scope;
const modelsPath = new URL('models/', scope).pathname;
const sharePath = new URL(SHARE_ACTION, scope).pathname;

// Model files are never answered with index.html: a missing model must be a real 404 for its loader.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    denylist: [new RegExp(`^${escapeRegExp(modelsPath)}`)],
  }),
);

registerRoute(
  ({ url }) => url.pathname === sharePath,
  ({ request }) => receiveShare(request, self.caches, scope),
  'POST',
);

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

clientsClaim();
