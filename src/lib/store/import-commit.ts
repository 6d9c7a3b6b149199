// Writes one import (new persona, or new messages for an existing one) AND what the persona is built from
// (turns, profile, pairs, memories) in ONE IndexedDB transaction: it lands completely or not at all. A
// quota error, an exception in the builder, a terminated worker or a closed tab all abort the transaction
// and leave the previous state exactly as it was. Each picked file is put in the chat it is an export of.

import { Dexie } from 'dexie';
import { AppError } from '../rpc/app-error';
import type { PersonaDb } from './db';
import type { MessageRow, PersonaRow, SourceRow } from './schema';
import { derivedTables, writeDerived, type DerivePersona } from './persona-data';
import { explainStorageError } from './storage-error';
import { PENDING_IMPORT_KEY } from './pending-import';
import { reserveSpace } from './space-check';

/**
 * `maskKeyId`: with masking, which device key masks the rows (see maskKeyIdOf). Recorded on a created
 * persona; for an update it must match the persona's, or the new rows would get other tokens.
 */
export type PersonaTarget =
  | { mode: 'create'; id: string; displayName: string; personName: string; selfName: string | null; maskPii: boolean; maskKeyId?: string }
  | { mode: 'update'; id: string; maskKeyId?: string };

/**
 * Names a mask salt without revealing it: the first 16 hex digits of its sha-256. Personas carry it in
 * bundles so another device can tell that their masked values use a key it does not have.
 */
export async function maskKeyIdOf(salt: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(salt));
  return Array.from(new Uint8Array(digest).subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A masked persona whose key is not known (a bundle made before personas recorded it): never this device's. */
export const UNKNOWN_MASK_KEY_ID = '0000000000000000';

/** True when a masked persona's values were masked with another key than `deviceKeyId` (absent = this device's). */
export function maskedElsewhere(persona: Pick<PersonaRow, 'maskPii' | 'maskKeyId'>, deviceKeyId: string): boolean {
  return persona.maskPii && persona.maskKeyId !== undefined && persona.maskKeyId !== deviceKeyId;
}

export interface SourceWrite {
  /** `chatKey` is decided here (see `chatForFile` of the builder), not by the caller. */
  source: Omit<SourceRow, 'personaId' | 'addedCount' | 'chatKey'>;
  rows: Omit<MessageRow, 'personaId'>[];
}

export interface CommitProgress {
  phase: 'write' | 'turns';
  done: number;
  total: number;
}

/** The persona builder as the commit uses it: which chat a file belongs to, and the derived data. */
export interface CommitBuilder {
  chatForFile: (
    file: { sourceId: string; fingerprint: string | null; rowIds: readonly string[] },
    chatOfFingerprint: ReadonlyMap<string, string>,
    chatOfRow: (id: string) => string | undefined,
  ) => string;
  chatKeyOf: (source: Pick<SourceRow, 'id' | 'fingerprint' | 'chatKey'>) => string;
  derive: DerivePersona;
}

export interface CommitOutcome {
  personaId: string;
  added: number;
  alreadyStored: number;
  persona: PersonaRow;
}

const CHUNK = 2000;
// Rough IndexedDB cost of a row beyond its UTF-16 text: keys, indexes, structured-clone framing.
const ROW_OVERHEAD_BYTES = 160;
const SPACE_SLACK_BYTES = 2 << 20;

export async function commitImport(
  db: PersonaDb,
  target: PersonaTarget,
  writes: readonly SourceWrite[],
  builder: CommitBuilder,
  onProgress: (progress: CommitProgress) => void = () => {},
): Promise<CommitOutcome> {
  const personaId = target.id;
  const neededBytes = writes.reduce(
    (sum, w) => sum + w.rows.reduce((s, r) => s + 2 * (r.text.length + r.id.length) + ROW_OVERHEAD_BYTES, 0),
    0,
  );
  // The IndexedDB transaction itself: when it aborts, its `error` holds the real cause (quota, full disk)
  // while the pending requests only report "AbortError".
  try {
    // IndexedDB briefly needs more than the data while it writes (write-ahead log, then compaction).
    await reserveSpace(Math.ceil(1.5 * neededBytes) + SPACE_SLACK_BYTES);
  } catch (error) {
    throw await explainStorageError(error, neededBytes);
  }
  // Dexie creates the IDBTransaction lazily, on the first request: keep Dexie's object, read it at the end.
  let transaction: { idbtrans: IDBTransaction | null } | null = null;
  try {
    return await db.transaction('rw', [...derivedTables(db), db.sources, db.messages], async (tx) => {
      transaction = tx;
      const now = Date.now();
      let persona: PersonaRow;
      if (target.mode === 'create') {
        persona = {
          id: personaId,
          displayName: target.displayName,
          personName: target.personName,
          selfName: target.selfName,
          createdAt: now,
          updatedAt: now,
          maskPii: target.maskPii,
          ...(target.maskPii && target.maskKeyId !== undefined ? { maskKeyId: target.maskKeyId } : {}),
          counts: { personMessages: 0, allMessages: 0, turns: 0, sources: 0 },
          firstTs: null,
          lastTs: null,
        };
      } else {
        const existing = await db.personas.get(personaId);
        if (existing === undefined) {
          throw new AppError('persona-missing', 'The persona to update no longer exists; nothing was imported.');
        }
        if (target.maskKeyId !== undefined && maskedElsewhere(existing, target.maskKeyId)) {
          throw new AppError(
            'mask-key-mismatch',
            `"${existing.displayName}" came from another device's backup: its masked numbers use that device's key, so a newer export can't be merged into it here. Import it as a new persona; nothing was imported.`,
          );
        }
        persona = existing;
      }

      // Which chat every row already stored belongs to, and the chat of every stored fingerprint.
      const storedSources = target.mode === 'update' ? await db.sources.where('personaId').equals(personaId).toArray() : [];
      const chatOfSource = new Map(storedSources.map((source) => [source.id, builder.chatKeyOf(source)]));
      const chatOfFingerprint = new Map<string, string>();
      for (const source of storedSources) {
        if (source.fingerprint !== null) chatOfFingerprint.set(source.fingerprint, builder.chatKeyOf(source));
      }
      const chatOfRow = new Map<string, string>();
      if (target.mode === 'update') {
        await db.messages
          .where('personaId')
          .equals(personaId)
          .each((row) => {
            chatOfRow.set(row.id, chatOfSource.get(row.sourceId) ?? `source:${row.sourceId}`);
          });
      }
      const fresh: MessageRow[] = [];
      const addedPerSource = new Map<string, number>();
      const chatOfWrite = new Map<string, string>();
      let alreadyStored = 0;
      for (const write of writes) {
        const chat = builder.chatForFile(
          { sourceId: write.source.id, fingerprint: write.source.fingerprint, rowIds: write.rows.map((row) => row.id) },
          chatOfFingerprint,
          (id) => chatOfRow.get(id),
        );
        chatOfWrite.set(write.source.id, chat);
        if (write.source.fingerprint !== null && !chatOfFingerprint.has(write.source.fingerprint)) {
          chatOfFingerprint.set(write.source.fingerprint, chat);
        }
        let added = 0;
        for (const row of write.rows) {
          if (chatOfRow.has(row.id)) {
            alreadyStored++;
            continue;
          }
          chatOfRow.set(row.id, chat);
          fresh.push({ ...row, personaId });
          added++;
        }
        addedPerSource.set(write.source.id, added);
      }

      if (target.mode === 'update' && fresh.length === 0) {
        await db.meta.delete(PENDING_IMPORT_KEY);
        return { personaId, added: 0, alreadyStored, persona };
      }

      for (let i = 0; i < fresh.length; i += CHUNK) {
        await db.messages.bulkAdd(fresh.slice(i, i + CHUNK));
        onProgress({ phase: 'write', done: Math.min(i + CHUNK, fresh.length), total: fresh.length });
      }
      onProgress({ phase: 'write', done: fresh.length, total: fresh.length });
      for (const write of writes) {
        const addedCount = addedPerSource.get(write.source.id) ?? 0;
        // A file that brought nothing new (the same export picked twice) leaves no trace.
        if (target.mode === 'update' && addedCount === 0) continue;
        const chatKey = chatOfWrite.get(write.source.id) ?? builder.chatKeyOf(write.source);
        await db.sources.add({ ...write.source, personaId, addedCount, chatKey });
      }

      const all =
        target.mode === 'create'
          ? fresh.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0))
          : await db.messages
              .where('[personaId+sortKey]')
              .between([personaId, Dexie.minKey], [personaId, Dexie.maxKey])
              .toArray();
      const sources = await db.sources.where('personaId').equals(personaId).toArray();

      let personMessages = 0;
      let firstTs: string | null = null;
      let lastTs: string | null = null;
      for (const row of all) {
        if (row.author !== persona.personName) continue;
        personMessages++;
        if (firstTs === null || row.ts < firstTs) firstTs = row.ts;
        if (lastTs === null || row.ts > lastTs) lastTs = row.ts;
      }
      persona = {
        ...persona,
        updatedAt: now,
        counts: { personMessages, allMessages: all.length, turns: 0, sources: sources.length },
        firstTs,
        lastTs,
      };
      // The build runs here, inside the import's transaction: a persona with messages but no profile,
      // pairs or memories can never be stored (nor one whose derived data is older than its messages).
      const derived = builder.derive({ persona, messages: all, sources });
      persona = await writeDerived(db, persona, derived, (done, total) => onProgress({ phase: 'turns', done, total }));
      // Cleared in the same transaction as the data: the marker survives exactly when the import did not land.
      await db.meta.delete(PENDING_IMPORT_KEY);
      return { personaId, added: fresh.length, alreadyStored, persona };
    });
  } catch (error) {
    const cause = (transaction as { idbtrans: IDBTransaction | null } | null)?.idbtrans?.error ?? null;
    throw await explainStorageError(cause ?? error, neededBytes);
  }
}
