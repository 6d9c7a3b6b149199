// The installable app as the UI sees it: service worker registration, "update available" (a new version
// waits until the person accepts it, then the page reloads once), "ready offline", and the browser's
// install prompt where it offers one. The only module that registers or removes the service worker.
/// <reference types="vite-plugin-pwa/vanillajs" />

import { registerSW } from 'virtual:pwa-register';

/** Chromium's install prompt event (not in the DOM typings). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

function isStandalone(): boolean {
  const iosStandalone = (navigator as Navigator & { standalone?: boolean }).standalone === true;
  return iosStandalone || window.matchMedia('(display-mode: standalone)').matches;
}

function installFinished(worker: ServiceWorker | null, timeoutMs: number): Promise<void> {
  if (worker === null || worker.state !== 'installing') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    worker.addEventListener('statechange', () => {
      if (worker.state === 'installing') return;
      clearTimeout(timer);
      resolve();
    });
  });
}

export class PwaManager {
  /** A new version is installed and waiting for the person's go-ahead. */
  needRefresh = $state(false);
  /** The app shell is cached: the app opens without network from now on. */
  offlineReady = $state(false);
  /** The browser offered to install the app (Chromium's beforeinstallprompt). */
  canInstall = $state(false);
  /** Running as an installed app (standalone window or home-screen app). */
  installed = $state(isStandalone());

  #updateServiceWorker: ((reloadPage?: boolean) => Promise<void>) | null = null;
  #installPrompt: BeforeInstallPromptEvent | null = null;

  start(): () => void {
    if (this.#updateServiceWorker === null && 'serviceWorker' in navigator) {
      this.#updateServiceWorker = registerSW({
        immediate: true,
        onNeedRefresh: () => (this.needRefresh = true),
        onOfflineReady: () => (this.offlineReady = true),
        onNeedReload: () => this.#reloadOnce(),
      });
    }
    const onPrompt = (event: Event): void => {
      // Keep the browser's mini-infobar away; the header shows an Install button instead.
      event.preventDefault();
      this.#installPrompt = event as BeforeInstallPromptEvent;
      this.canInstall = true;
    };
    const onInstalled = (): void => {
      this.#installPrompt = null;
      this.canInstall = false;
      this.installed = true;
    };
    window.addEventListener('beforeinstallprompt', onPrompt);
    window.addEventListener('appinstalled', onInstalled);
    return () => {
      window.removeEventListener('beforeinstallprompt', onPrompt);
      window.removeEventListener('appinstalled', onInstalled);
    };
  }

  /** Activates the waiting version; the page reloads when it takes control. */
  async update(): Promise<void> {
    this.needRefresh = false;
    // The register helper reloads only pages that were controlled when they loaded; a first visit that
    // stayed open until an update must reload too, or it keeps asking for files the new version removed.
    navigator.serviceWorker.addEventListener('controllerchange', () => this.#reloadOnce(), { once: true });
    await this.#updateServiceWorker?.(true);
  }

  #reloading = false;

  #reloadOnce(): void {
    if (this.#reloading) return;
    this.#reloading = true;
    window.location.reload();
  }

  dismissUpdate(): void {
    this.needRefresh = false;
  }

  dismissOfflineReady(): void {
    this.offlineReady = false;
  }

  async install(): Promise<void> {
    const prompt = this.#installPrompt;
    if (prompt === null) return;
    // A prompt event can be used once, whatever the answer.
    this.#installPrompt = null;
    this.canInstall = false;
    await prompt.prompt();
    const { outcome } = await prompt.userChoice;
    if (outcome === 'accepted') this.installed = true;
  }

  /**
   * Removes the service worker (part of "wipe everything"; a reload registers it again). Waits for an
   * install in progress first: it would otherwise write its cache after the wipe deleted the caches.
   */
  async forgetServiceWorker(): Promise<void> {
    if (!('serviceWorker' in navigator)) return;
    for (const registration of await navigator.serviceWorker.getRegistrations()) {
      await installFinished(registration.installing, 15_000);
      await registration.unregister();
    }
    this.needRefresh = false;
    this.offlineReady = false;
  }
}
