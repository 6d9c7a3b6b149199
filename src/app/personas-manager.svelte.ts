// Personas as the UI sees them: a live list from IndexedDB (updated when the worker writes), plus the
// delete and wipe actions. Deletion and wipe run on the page: they are short and need no worker. At start,
// personas whose build is missing or older than the builder are finished in the ingest worker, one by one.

import { BUILDER_VERSION } from '../lib/importer/builder-version';
import { deleteAdapterFile } from '../lib/llm/adapter-files';
import { IngestClient, proxy } from '../lib/rpc/ingest-client';
import {
  countMessages,
  deletePersona,
  listSources,
  openDb,
  pageMessages,
  personasToFinish,
  takeInterruptedImport,
  watchLastChatMessages,
  watchPersonas,
  wipeEverything,
  type ChatMessageRow,
  type MessageRow,
  type PendingImport,
  type PersonaRow,
  type SourceRow,
  type WipeOptions,
} from '../lib/store/index';

/** Replaced as a whole on every change (the list is `$state.raw`), never mutated. */
const NO_MESSAGES: ReadonlyMap<string, ChatMessageRow> = new Map<string, ChatMessageRow>();

export class PersonasManager {
  list = $state.raw<PersonaRow[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** Set when the app last stopped in the middle of writing an import (tab closed, browser killed). */
  interrupted = $state.raw<PendingImport | null>(null);
  wiped = $state(false);
  /** Personas being built at start ("Finishing this persona…"); each leaves the set when it is done. */
  finishing = $state.raw<readonly string[]>([]);
  /** Personas whose finishing failed this time: left as they were, tried again at the next start. */
  finishFailed = $state.raw<readonly string[]>([]);
  /** The newest chat message of each persona, for the chat list. */
  lastMessages = $state.raw<ReadonlyMap<string, ChatMessageRow>>(NO_MESSAGES);

  #unsubscribe: (() => void) | null = null;
  #builder: IngestClient | null = null;
  #finishRunning = false;

  start(): void {
    if (this.#unsubscribe !== null) return;
    void takeInterruptedImport(openDb()).then(
      (pending) => (this.interrupted = pending),
      () => undefined,
    );
    void this.finishStale();
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
    const last = watchLastChatMessages(openDb()).subscribe({
      next: (map) => (this.lastMessages = map),
      error: () => undefined,
    });
    this.#unsubscribe = () => {
      subscription.unsubscribe();
      last.unsubscribe();
    };
  }

  /** The chat list: personas with their newest message, most recent activity first (new personas too). */
  get chats(): { persona: PersonaRow; last: ChatMessageRow | undefined; at: number }[] {
    return this.list
      .map((persona) => {
        const last = this.lastMessages.get(persona.id);
        return { persona, last, at: Math.max(last?.createdAt ?? 0, persona.updatedAt) };
      })
      .sort((a, b) => b.at - a.at);
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    // A build cut short rolls back whole (one transaction): the persona is finished at the next start.
    this.#builder?.cancel();
    this.#builder = null;
  }

  /**
   * Builds every stored persona that has messages but a missing or older build: an import that stopped
   * before its build (made by a version that built in a second step), or a build from before a builder
   * change, or a restored backup made by an older builder. Found on the page, so the list says
   * "Finishing…" at once; built in the ingest worker. A call while one runs does nothing.
   */
  async finishStale(): Promise<void> {
    if (this.#finishRunning) return;
    this.#finishRunning = true;
    try {
      await this.#finish();
    } finally {
      this.#finishRunning = false;
    }
  }

  async #finish(): Promise<void> {
    let stale: PersonaRow[];
    try {
      stale = await personasToFinish(openDb(), BUILDER_VERSION);
    } catch {
      return;
    }
    if (stale.length === 0) return;
    this.finishing = stale.map((p) => p.id);
    const builder = new IngestClient();
    this.#builder = builder;
    const settle = (personaId: string, failed: boolean): void => {
      this.finishing = this.finishing.filter((id) => id !== personaId);
      if (failed) this.finishFailed = [...this.finishFailed, personaId];
    };
    try {
      const outcome = await builder.api.finish(
        proxy((personaId: string, state: 'finishing' | 'done' | 'failed') => {
          if (state !== 'finishing') settle(personaId, state === 'failed');
        }),
      );
      if (!outcome.ok) for (const id of this.finishing) settle(id, true);
    } catch {
      // The worker was stopped (wipe, page closing): nothing half-built was stored.
    } finally {
      if (this.#builder === builder) {
        builder.cancel();
        this.#builder = null;
      }
      this.finishing = [];
    }
  }

  byId(id: string): PersonaRow | undefined {
    return this.list.find((p) => p.id === id);
  }

  async remove(id: string): Promise<void> {
    const adapter = this.byId(id)?.voiceAdapter;
    await deletePersona(openDb(), id);
    // Its voice adapter file goes too (it was trained on this person's messages).
    if (adapter !== undefined) await deleteAdapterFile(adapter.file);
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
