// Page-side client of the embed worker. Cancel terminates the worker: a batch is one long inference call
// that reads no messages, and terminating also aborts the open IndexedDB transaction, so at most the
// batch in flight is lost (every stored batch is complete). The next call starts a fresh worker.

import { proxy, wrap, type Remote } from 'comlink';
import type { EmbedApi } from '../embed/embed-api';

export class EmbedClient {
  #worker: Worker | null = null;
  #api: Remote<EmbedApi> | null = null;

  get api(): Remote<EmbedApi> {
    if (this.#api === null) {
      this.#worker = new Worker(new URL('../../../workers/embed.worker.ts', import.meta.url), {
        type: 'module',
        name: 'embed',
      });
      this.#api = wrap<EmbedApi>(this.#worker);
    }
    return this.#api;
  }

  get running(): boolean {
    return this.#worker !== null;
  }

  /** Stops whatever the worker is doing, at once. Pending calls never settle; callers race them against cancel. */
  cancel(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#api = null;
  }
}

export { proxy };
