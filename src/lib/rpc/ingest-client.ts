// Page-side client of the ingest worker. Cancel terminates the worker: a parse is one synchronous loop
// that never reads messages, and terminating also aborts any open IndexedDB transaction, which is
// exactly the all-or-nothing rule. The next call starts a fresh worker.

import { proxy, wrap, type Remote } from 'comlink';
import type { IngestApi } from '../importer/ingest-api';

export class IngestClient {
  #worker: Worker | null = null;
  #api: Remote<IngestApi> | null = null;

  get api(): Remote<IngestApi> {
    if (this.#api === null) {
      this.#worker = new Worker(new URL('../../../workers/ingest.worker.ts', import.meta.url), {
        type: 'module',
        name: 'ingest',
      });
      this.#api = wrap<IngestApi>(this.#worker);
    }
    return this.#api;
  }

  /** Stops whatever the worker is doing, at once. Pending calls never settle; callers race them against cancel. */
  cancel(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#api = null;
  }
}

export { proxy };
