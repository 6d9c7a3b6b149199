// Personas as the UI sees them: a live list from IndexedDB (updated when the worker writes), plus the
// delete and wipe actions. Deletion and wipe run on the page: they are short and need no worker.

import {
  countMessages,
  deletePersona,
  listSources,
  openDb,
  pageMessages,
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
  /** The newest chat message of each persona, for the chat list. */
  lastMessages = $state.raw<ReadonlyMap<string, ChatMessageRow>>(NO_MESSAGES);

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
