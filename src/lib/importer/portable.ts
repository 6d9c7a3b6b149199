// The ingest worker's portability calls: export a persona (bundle, card PNG/JSON, fine-tune JSONL) or a
// conversation (SillyTavern JSONL) as bytes, and import a picked bundle or card. Every call returns a
// Result (expected failures cross the worker boundary as data). `importPortable` answers null for a
// file that is no bundle or card, so the import screen treats it as a chat export as before.

import { firstZipMemberName } from '../ingest/zip';
import { extensionOf } from '../ingest/detect';
import { looksLikeCard, readCard } from '../persona/card';
import { isPng } from '../persona/png-card';
import { AppError, type AppErrorData } from '../rpc/app-error';
import { throttle, type ImportProgress, type Result } from '../rpc/progress';
import { readFileBytes } from './read-file';
import type { PersonaDb } from '../store/db';
import { exportBundle, importBundle, looksLikeBundle, type BundleProgress } from '../store/bundle';
import { exportCard, exportFinetune, exportSillyTavernChat } from './portable-exports';
import { createStandalonePersona } from '../store/standalone';
import { version as APP_VERSION } from '../../../package.json';

export type ExportRequest =
  | { kind: 'bundle'; personaId: string }
  | { kind: 'card-png'; personaId: string; image: Uint8Array }
  | { kind: 'card-json'; personaId: string }
  | { kind: 'finetune'; personaId: string }
  | { kind: 'st-chat'; conversationId: string };

export interface ExportedFile {
  fileName: string;
  mime: string;
  bytes: Uint8Array;
  /** JSONL exports: lines written; fine-tune: pairs skipped as empty and held out for evaluation. */
  lines?: number;
  skipped?: number;
  heldOut?: number;
}

export interface PortableImport {
  kind: 'bundle' | 'card';
  personaId: string;
  displayName: string;
  /** Rows written (bundle) or memories made from the card's lorebook (card). */
  rows: number;
  memories: number;
}

function toErrorData(error: unknown): AppErrorData {
  if (error instanceof AppError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { name: 'AppError', code: 'internal', message: `Something went wrong: ${message}` };
}

export async function exportPortable(
  db: PersonaDb,
  request: ExportRequest,
  onProgress?: (progress: BundleProgress) => void,
): Promise<Result<ExportedFile>> {
  try {
    switch (request.kind) {
      case 'bundle': {
        const report = onProgress === undefined ? undefined : throttle(onProgress, 100);
        const out = await exportBundle(db, request.personaId, {
          appVersion: APP_VERSION,
          ...(report === undefined ? {} : { onProgress: (p: BundleProgress) => report(p, p.done === p.total) }),
        });
        return { ok: true, value: { fileName: out.fileName, mime: 'application/zip', bytes: out.bytes } };
      }
      case 'card-png':
      case 'card-json': {
        const png = request.kind === 'card-png';
        const out = await exportCard(db, request.personaId, png ? 'png' : 'json', png ? request.image : undefined);
        return { ok: true, value: { ...out, mime: png ? 'image/png' : 'application/json' } };
      }
      case 'finetune': {
        const out = await exportFinetune(db, request.personaId);
        if (out.lines === 0) {
          throw new AppError('nothing-to-export', 'This persona has no reply pairs to train on (a persona made without chat history has none).');
        }
        return {
          ok: true,
          value: { fileName: out.fileName, mime: 'application/jsonl', bytes: new TextEncoder().encode(out.jsonl), lines: out.lines, skipped: out.skipped, heldOut: out.heldOut },
        };
      }
      case 'st-chat': {
        const out = await exportSillyTavernChat(db, request.conversationId);
        return { ok: true, value: { fileName: out.fileName, mime: 'application/jsonl', bytes: new TextEncoder().encode(out.jsonl), lines: out.lines } };
      }
    }
  } catch (error) {
    return { ok: false, error: toErrorData(error) };
  }
}

/** What kind of portable file this might be, from its name and first bytes (no full read). */
async function sniff(file: File): Promise<'bundle' | 'card' | 'json' | null> {
  const ext = extensionOf(file.name);
  const head = new Uint8Array(await file.slice(0, 1024).arrayBuffer());
  if (isPng(head)) return 'card';
  if (ext === 'zip') return looksLikeBundle(firstZipMemberName(head)) ? 'bundle' : null;
  if (ext === 'json') return 'json';
  return null;
}

export async function importPortable(
  db: PersonaDb,
  file: File,
  onProgress: (progress: ImportProgress) => void,
): Promise<Result<PortableImport | null>> {
  try {
    const kind = await sniff(file);
    if (kind === null) return { ok: true, value: null };
    const report = throttle(onProgress, 80);
    const bytes = await readFileBytes(file, (bytesDone, bytesTotal) =>
      report({ phase: 'read', file: file.name, fileIndex: 0, fileCount: 1, bytesDone, bytesTotal }),
    );
    if (kind === 'bundle') {
      const out = await importBundle(db, file.name, bytes, {
        onProgress: (p) => {
          if (p.phase === 'write') report({ phase: 'write', done: p.done, total: p.total }, p.done === p.total);
          else report({ phase: 'parse', file: file.name, fileIndex: 0, fileCount: 1, bytesDone: p.done, bytesTotal: p.total, items: 0 });
        },
      });
      return { ok: true, value: { kind: 'bundle', personaId: out.personaId, displayName: out.displayName, rows: out.rows, memories: 0 } };
    }
    if (kind === 'json') {
      // A .json may be a chat export (generic JSON format): only a card-shaped object is taken here.
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(bytes).replace(/^\uFEFF/, ''));
      } catch {
        return { ok: true, value: null };
      }
      if (!looksLikeCard(json)) return { ok: true, value: null };
    }
    const card = readCard(file.name, bytes);
    const personaId = await createStandalonePersona(db, {
      displayName: card.displayName,
      definition: card.definition,
      origin: 'card',
      memories: card.memories,
    });
    return { ok: true, value: { kind: 'card', personaId, displayName: card.displayName, rows: 1 + card.memories.length, memories: card.memories.length } };
  } catch (error) {
    return { ok: false, error: toErrorData(error) };
  }
}
