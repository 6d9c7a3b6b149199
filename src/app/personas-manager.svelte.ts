// Personas as the UI sees them: a live list from IndexedDB (updated when the worker writes), plus the
// delete and wipe actions. Deletion and wipe run on the page: they are short and need no worker.

import {
  countMessages,
  deletePersona,
  listSources,
  openDb,
  pageMessages,
  takeInterruptedImport,
  watchPersonas,
  wipeEverything,
  type MessageRow,
  type PendingImport,
  type PersonaRow,
  type SourceRow,
  type WipeOptions,
} from '../lib/store/index';

export class PersonasManager {
  list = $state.raw<PersonaRow[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** Set when the app last stopped in the middle of writing an import (tab closed, browser killed). */
  interrupted = $state.raw<PendingImport | null>(null);
  wiped = $state(false);

  #unsubscribe: (() => void) | null = null;

  start(): void {
    if (this.#unsubscribe !== null) return;
    void takeInterruptedImport(openDb()).then(
      (pending) => (this.interrupted = pending),
      () => undefined,
    );
    const subscription = watchPersonas(openDb()).subscribe({
      next: (rows) => {
        this.list = rows;
        this.loaded = true;
      },
      error: (error: unknown) => {
        this.error = `Your personas could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
        this.loaded = true;
      },
    });
    this.#unsubscribe = () => subscription.unsubscribe();
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  byId(id: string): PersonaRow | undefined {
    return this.list.find((p) => p.id === id);
  }

  async remove(id: string): Promise<void> {
    await deletePersona(openDb(), id);
  }

  sources(id: string): Promise<SourceRow[]> {
    return listSources(openDb(), id);
  }

  messagePage(id: string, offset: number, limit: number): Promise<MessageRow[]> {
    return pageMessages(openDb(), id, offset, limit);
  }

  messageCount(id: string): Promise<number> {
    return countMessages(openDb(), id);
  }

  async wipe(options: WipeOptions = {}): Promise<void> {
    this.stop();
    await wipeEverything(openDb(), options);
    this.list = [];
    // Nothing may reopen (and so recreate) the database until the person starts again: a reload does that.
    this.wiped = true;
  }
}
