// The Knowledge tab's state for one persona: its documents with how much of each is embedded (live from
// IndexedDB), adding .txt/.md files (read, chunked and stored one by one, with a clear error per file
// that cannot be used), viewing and removing one. After an add the new chunks are embedded at once with
// the model the persona was embedded with (only the new chunks: the job skips what is stored).

import { catalogEntry, type ModelSpec } from '../lib/embed/models';
import { checkKnowledgeFile, decodeKnowledgeFile, prepareKnowledgeDoc } from '../lib/persona/knowledge';
import { AppError, type AppErrorData } from '../lib/rpc/app-error';
import {
  addKnowledgeDoc,
  deleteKnowledgeDoc,
  getKnowledgeDoc,
  listDocChunks,
  openDb,
  watchKnowledgeStatus,
  type KnowledgeChunkRow,
  type KnowledgeDocRow,
  type KnowledgeDocStatus,
} from '../lib/store/index';
import { getEmbedJob } from '../lib/store/vectors';
import { embeddings } from './embed-manager.svelte';

export const KNOWLEDGE_ACCEPT = '.txt,.md,.markdown,text/plain,text/markdown';

export interface AddProgress {
  done: number;
  total: number;
  file: string;
}

function toErrorData(error: unknown, fileName: string): AppErrorData {
  if (error instanceof AppError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { name: 'AppError', code: 'knowledge-failed', message: `"${fileName}" could not be added: ${message}`, file: fileName };
}

export class KnowledgeManager {
  docs = $state.raw<KnowledgeDocStatus[]>([]);
  loaded = $state(false);
  adding = $state.raw<AddProgress | null>(null);
  errors = $state.raw<AppErrorData[]>([]);
  notice = $state<string | null>(null);
  viewing = $state.raw<{ doc: KnowledgeDocRow; chunks: KnowledgeChunkRow[] } | null>(null);

  readonly personaId: string;
  #stop: (() => void) | null = null;
  #cancelled = false;

  constructor(personaId: string) {
    this.personaId = personaId;
  }

  start(): void {
    const sub = watchKnowledgeStatus(openDb(), this.personaId).subscribe({
      next: (rows) => {
        this.docs = rows;
        this.loaded = true;
      },
      error: (error: unknown) => {
        this.errors = [{ name: 'AppError', code: 'store-read-failed', message: `The notes could not be read: ${String(error)}` }];
      },
    });
    this.#stop = () => sub.unsubscribe();
  }

  stop(): void {
    this.#cancelled = true;
    this.#stop?.();
    this.#stop = null;
  }

  /** The persona's embeddings are being built right now (new chunks are on their way). */
  get embedding(): boolean {
    return embeddings().runningFor(this.personaId);
  }

  /** Adds files one by one; each is whole or not at all, and a bad one does not stop the others. */
  async add(files: readonly File[]): Promise<void> {
    if (this.adding !== null || files.length === 0) return;
    this.#cancelled = false;
    this.errors = [];
    this.notice = null;
    const errors: AppErrorData[] = [];
    let added = 0;
    for (const [i, file] of files.entries()) {
      if (this.#cancelled) break;
      this.adding = { done: i, total: files.length, file: file.name };
      try {
        // Checked before reading, so a huge file is never loaded into memory.
        checkKnowledgeFile(file.name, file.size);
        const text = decodeKnowledgeFile(new Uint8Array(await file.arrayBuffer()), file.name);
        await addKnowledgeDoc(openDb(), this.personaId, prepareKnowledgeDoc(file.name, text));
        added++;
      } catch (error) {
        errors.push(toErrorData(error, file.name));
      }
    }
    this.adding = null;
    this.errors = errors;
    if (this.#cancelled) this.notice = `Stopped: ${added} of ${files.length} files were added.`;
    if (added > 0) await this.#embedNew();
  }

  /** Stops adding after the file being stored now (that one is stored whole). */
  cancel(): void {
    this.#cancelled = true;
  }

  async remove(docId: string): Promise<void> {
    if (this.viewing?.doc.id === docId) this.viewing = null;
    await deleteKnowledgeDoc(openDb(), this.personaId, docId);
  }

  async view(docId: string): Promise<void> {
    const db = openDb();
    const [doc, chunks] = await Promise.all([getKnowledgeDoc(db, this.personaId, docId), listDocChunks(db, this.personaId, docId)]);
    this.viewing = doc === undefined ? null : { doc, chunks };
  }

  closeView(): void {
    this.viewing = null;
  }

  /**
   * Embeds the new chunks with the model the persona's vectors were made with. Without embeddings yet the
   * notes are still found by their words; the panel above builds everything at once.
   */
  async #embedNew(): Promise<void> {
    const manager = embeddings();
    const job = await getEmbedJob(openDb(), this.personaId);
    if (job === undefined) {
      this.notice = 'Added. Build the embeddings (above) to find these notes by meaning too; until then they are found by their words.';
      return;
    }
    if (manager.run !== null) {
      this.notice = 'Added. Another embedding job is running: use “Update embeddings” above when it is done.';
      return;
    }
    const model: ModelSpec = {
      id: job.model.id,
      dtype: (['q8', 'fp32', 'fp16'] as const).find((d) => d === job.model.dtype) ?? 'q8',
      dims: job.model.dims,
      label: catalogEntry(job.model.id)?.label ?? job.model.label,
    };
    await manager.start(this.personaId, model);
  }
}
