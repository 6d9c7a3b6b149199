// State of one open persona beyond its row: style profile, memories and snapshots (live from
// IndexedDB), and the actions on them. Rebuild runs in the ingest worker, like the build after import.

import type { MemoryItem, MemoryType } from '../lib/persona/types';
import { localNowTs } from './format';
import type { AppErrorData } from '../lib/rpc/app-error';
import { IngestClient, proxy } from '../lib/rpc/ingest-client';
import { ChatManager } from './chat-manager.svelte';
import { MemoryLlmManager } from './memory-llm-manager.svelte';
import type { ModelManager } from './model-manager.svelte';
import type { ImportProgress } from '../lib/rpc/progress';
import {
  addMemory,
  deleteSnapshot,
  forgetMemory,
  getMessages,
  openDb,
  restoreSnapshot,
  saveSnapshot,
  updateMemory,
  updateSummary,
  watchMemories,
  watchProfile,
  watchSnapshots,
  type MemoryRow,
  type MessageRow,
  type ProfileRow,
  type SnapshotRow,
} from '../lib/store/index';

export interface NewMemory {
  type: MemoryType;
  text: string;
  subject: string;
}

export class PersonaDetail {
  profile = $state.raw<ProfileRow | undefined>(undefined);
  profileLoaded = $state(false);
  memories = $state.raw<MemoryRow[]>([]);
  snapshots = $state.raw<SnapshotRow[]>([]);
  rebuilding = $state<ImportProgress | null>(null);
  error = $state<AppErrorData | null>(null);

  readonly personaId: string;
  readonly #client = new IngestClient();
  #stops: (() => void)[] = [];

  constructor(personaId: string) {
    this.personaId = personaId;
  }

  start(): void {
    const db = openDb();
    const profile = watchProfile(db, this.personaId).subscribe((row) => {
      this.profile = row;
      this.profileLoaded = true;
    });
    const memories = watchMemories(db, this.personaId).subscribe((rows) => (this.memories = rows));
    const snapshots = watchSnapshots(db, this.personaId).subscribe((rows) => (this.snapshots = rows));
    this.#stops = [() => profile.unsubscribe(), () => memories.unsubscribe(), () => snapshots.unsubscribe()];
  }

  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    this.#client.cancel();
    this.#memoryPass?.stop();
    this.#memoryPass = null;
    this.#chat?.stop();
    this.#chat = null;
  }

  #memoryPass: MemoryLlmManager | null = null;

  #chat: ChatManager | null = null;

  /** The persona's chats (one per open persona, so a reply keeps streaming while another tab is shown). */
  chat(models: ModelManager): ChatManager {
    if (this.#chat === null) {
      this.#chat = new ChatManager(this.personaId, models);
      void this.#chat.start();
    }
    return this.#chat;
  }

  /** The LLM memory pass and its review (one per open persona, so switching tabs does not stop it). */
  memoryPass(models: ModelManager): MemoryLlmManager {
    if (this.#memoryPass === null) {
      this.#memoryPass = new MemoryLlmManager(this.personaId, models, () => this.memories);
      this.#memoryPass.start();
    }
    return this.#memoryPass;
  }

  saveSummary(summary: string): Promise<void> {
    return updateSummary(openDb(), this.personaId, summary.trim());
  }

  async addMemory(memory: NewMemory, lastTs: string | null): Promise<void> {
    // A hand-added memory is dated at the end of the persona's history when there is one, else now.
    const now = lastTs ?? localNowTs();
    const item: Omit<MemoryItem, 'id' | 'origin'> = {
      type: memory.type,
      text: memory.text.trim(),
      subject: memory.subject.trim(),
      sourceMessageIds: [],
      firstSeen: now,
      lastSeen: now,
      confidence: 1,
      pinned: false,
    };
    await addMemory(openDb(), this.personaId, item);
  }

  editMemory(id: string, changes: { text?: string; type?: MemoryType; subject?: string; pinned?: boolean }): Promise<void> {
    return updateMemory(openDb(), this.personaId, id, changes);
  }

  sourceMessages(ids: readonly string[]): Promise<MessageRow[]> {
    return getMessages(openDb(), this.personaId, ids);
  }

  forgetMemory(id: string): Promise<void> {
    return forgetMemory(openDb(), this.personaId, id);
  }

  async snapshot(name: string): Promise<void> {
    await saveSnapshot(openDb(), this.personaId, name);
  }

  restore(snapshotId: string): Promise<void> {
    return restoreSnapshot(openDb(), snapshotId);
  }

  deleteSnapshot(snapshotId: string): Promise<void> {
    return deleteSnapshot(openDb(), snapshotId);
  }

  async rebuild(): Promise<void> {
    if (this.rebuilding !== null) return;
    this.error = null;
    this.rebuilding = { phase: 'build', step: 'profile', done: 0, total: 4 };
    try {
      const result = await this.#client.api.rebuild(
        this.personaId,
        proxy((p: ImportProgress) => {
          this.rebuilding = p;
        }),
      );
      if (!result.ok) this.error = result.error;
    } finally {
      this.rebuilding = null;
    }
  }
}
