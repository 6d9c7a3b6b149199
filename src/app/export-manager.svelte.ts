// Export state of one persona: runs each export in the ingest worker (bundle, card PNG/JSON, fine-tune
// JSONL, SillyTavern chat JSONL), shows its progress, and hands the file to the browser as a download.
// Only one export runs at a time; Cancel terminates the worker (exports write nothing, so nothing to undo).

import type { ConversationRow } from '../lib/store/schema';
import type { AppErrorData } from '../lib/rpc/app-error';
import type { BundleProgress } from '../lib/store/bundle';
import type { ExportRequest, ExportedFile } from '../lib/importer/portable';
import { IngestClient, proxy } from '../lib/rpc/ingest-client';
import { colourOf, solidPng } from '../lib/persona/png-card';
import { listConversations, openDb } from '../lib/store/index';

export type ExportKind = ExportRequest['kind'];

export interface ExportDone {
  kind: ExportKind;
  fileName: string;
  bytes: number;
  lines?: number;
  skipped?: number;
  heldOut?: number;
}

const CANCELLED = Symbol('cancelled');

/** A 400x600 card picture: the persona's initials on its colour (OffscreenCanvas), or a plain PNG without one. */
async function cardImage(name: string): Promise<Uint8Array> {
  const [r, g, b] = colourOf(name);
  if (typeof OffscreenCanvas === 'undefined') return solidPng(400, 600, [r, g, b]);
  const canvas = new OffscreenCanvas(400, 600);
  const ctx = canvas.getContext('2d');
  if (ctx === null) return solidPng(400, 600, [r, g, b]);
  ctx.fillStyle = `rgb(${r} ${g} ${b})`;
  ctx.fillRect(0, 0, 400, 600);
  const initials = name
    .split(/\s+/)
    .filter((w) => w !== '')
    .slice(0, 2)
    .map((w) => [...w][0]?.toUpperCase() ?? '')
    .join('');
  ctx.fillStyle = 'rgba(255,255,255,0.92)';
  ctx.font = 'bold 150px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(initials, 200, 300);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return new Uint8Array(await blob.arrayBuffer());
}

/** Saves bytes as a file through a temporary object URL and an <a download>. */
function download(file: ExportedFile): void {
  const url = URL.createObjectURL(new Blob([file.bytes as BlobPart], { type: file.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started by the next task; the URL is no longer needed then.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export class ExportManager {
  running = $state<ExportKind | null>(null);
  progress = $state<BundleProgress | null>(null);
  error = $state<AppErrorData | null>(null);
  done = $state<ExportDone | null>(null);
  notice = $state<string | null>(null);
  conversations = $state.raw<ConversationRow[]>([]);

  readonly #personaId: string;
  readonly #client = new IngestClient();
  #cancel: (() => void) | null = null;

  constructor(personaId: string) {
    this.#personaId = personaId;
  }

  async loadConversations(): Promise<void> {
    this.conversations = await listConversations(openDb(), this.#personaId);
  }

  exportBundle(): Promise<void> {
    return this.#run({ kind: 'bundle', personaId: this.#personaId });
  }

  async exportCard(format: 'png' | 'json', displayName: string): Promise<void> {
    if (format === 'json') return this.#run({ kind: 'card-json', personaId: this.#personaId });
    return this.#run({ kind: 'card-png', personaId: this.#personaId, image: await cardImage(displayName) });
  }

  exportFinetune(): Promise<void> {
    return this.#run({ kind: 'finetune', personaId: this.#personaId });
  }

  exportChat(conversationId: string): Promise<void> {
    return this.#run({ kind: 'st-chat', conversationId });
  }

  cancel(): void {
    if (this.running === null) return;
    this.#client.cancel();
    this.#cancel?.();
    this.#cancel = null;
    this.running = null;
    this.progress = null;
    this.notice = 'Export cancelled.';
  }

  stop(): void {
    this.#client.cancel();
  }

  async #run(request: ExportRequest): Promise<void> {
    if (this.running !== null) return;
    this.running = request.kind;
    this.progress = null;
    this.error = null;
    this.done = null;
    this.notice = null;
    const cancelled = new Promise<typeof CANCELLED>((resolve) => {
      this.#cancel = () => resolve(CANCELLED);
    });
    const onProgress = proxy((p: BundleProgress) => {
      this.progress = p;
    });
    try {
      const outcome = await Promise.race([this.#client.api.exportPortable(request, onProgress), cancelled]);
      if (outcome === CANCELLED) return;
      if (!outcome.ok) {
        this.error = outcome.error;
        return;
      }
      const file = outcome.value;
      download(file);
      this.done = {
        kind: request.kind,
        fileName: file.fileName,
        bytes: file.bytes.byteLength,
        ...(file.lines === undefined ? {} : { lines: file.lines }),
        ...(file.skipped === undefined ? {} : { skipped: file.skipped }),
        ...(file.heldOut === undefined ? {} : { heldOut: file.heldOut }),
      };
    } catch (error) {
      this.error = {
        name: 'AppError',
        code: 'worker-crashed',
        message: `The export stopped unexpectedly (${error instanceof Error ? error.message : String(error)}); try again.`,
      };
    } finally {
      this.#cancel = null;
      if (this.running === request.kind) this.running = null;
      this.progress = null;
    }
  }
}
