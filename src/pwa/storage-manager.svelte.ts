// Storage as the UI sees it: used/available space, whether the browser keeps the data for sure
// (persisted), and whether downloaded models are cached. Asks for persistent storage at the moments that
// matter (a persona was just saved, a big model download starts), at most once per page load unasked,
// because some browsers (Firefox) show a permission prompt for it.

import { hasStoredModels } from '../lib/store/index';
import { describeStorage, type StorageFacts, type StorageView } from './storage-status';

export class StorageStatusManager {
  facts = $state.raw<StorageFacts | null>(null);
  readonly view: StorageView | null = $derived(this.facts === null ? null : describeStorage(this.facts));
  /** Downloaded model files are in Cache Storage (the wipe dialog offers to keep them). */
  hasModels = $state(false);

  readonly #installed: () => boolean;
  #askedThisLoad = false;

  constructor(installed: () => boolean) {
    this.#installed = installed;
  }

  async refresh(): Promise<void> {
    const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
    let usage: number | null = null;
    let quota: number | null = null;
    let persisted: boolean | null = null;
    try {
      const estimate = await storage?.estimate();
      usage = estimate?.usage ?? null;
      quota = estimate?.quota ?? null;
    } catch {
      // Some browsers refuse estimates in private windows: show what is known.
    }
    try {
      persisted = typeof storage?.persisted === 'function' ? await storage.persisted() : null;
    } catch {
      persisted = null;
    }
    try {
      this.hasModels = await hasStoredModels();
    } catch {
      this.hasModels = false;
    }
    this.facts = { usage, quota, persisted, installed: this.#installed() };
  }

  /** Asks the browser to keep this origin's data (the person pressed a button, or a download starts). */
  async requestPersistence(): Promise<boolean> {
    this.#askedThisLoad = true;
    let granted = false;
    try {
      const storage = navigator.storage;
      granted = (await storage.persisted()) || (await storage.persist());
    } catch {
      granted = false;
    }
    await this.refresh();
    return granted;
  }

  /** After a persona is saved: the first moment there is something worth keeping. Once per page load. */
  async persistAfterSave(): Promise<void> {
    if (this.#askedThisLoad) {
      await this.refresh();
      return;
    }
    await this.requestPersistence();
  }
}
