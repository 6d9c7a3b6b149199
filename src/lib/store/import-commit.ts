// Writes one import (new persona, or new messages for an existing one) in ONE IndexedDB transaction:
// it lands completely or not at all. A quota error, an exception, a terminated worker or a closed tab
// all abort the transaction and leave the previous state exactly as it was.

import { Dexie } from 'dexie';
import { AppError } from '../rpc/app-error';
import type { PersonaDb } from './db';
import type { MessageRow, PersonaRow, SourceRow, TurnRow } from './schema';
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
  source: Omit<SourceRow, 'personaId' | 'addedCount'>;
  rows: Omit<MessageRow, 'personaId'>[];
}

export interface CommitProgress {
  phase: 'write' | 'turns';
  done: number;
  total: number;
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
  buildTurns: (rows: readonly MessageRow[]) => Omit<TurnRow, 'personaId'>[],
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
    return await db.transaction('rw', [db.personas, db.sources, db.messages, db.turns, db.meta], async (tx) => {
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

      const stored = new Set<string>();
      if (target.mode === 'update') {
        const keys = await db.messages.where('personaId').equals(personaId).primaryKeys();
        for (const key of keys) stored.add(key[1]);
      }
      const seen = new Set(stored);
      const fresh: MessageRow[] = [];
      const addedPerSource = new Map<string, number>();
      let alreadyStored = 0;
      for (const write of writes) {
        let added = 0;
        for (const row of write.rows) {
          if (seen.has(row.id)) {
            alreadyStored++;
            continue;
          }
          seen.add(row.id);
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
        await db.sources.add({ ...write.source, personaId, addedCount });
      }

      const all =
        target.mode === 'create'
          ? fresh.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0))
          : await db.messages
              .where('[personaId+sortKey]')
              .between([personaId, Dexie.minKey], [personaId, Dexie.maxKey])
              .toArray();
      const turns = buildTurns(all).map((turn) => ({ ...turn, personaId }));
      await db.turns.where('personaId').equals(personaId).delete();
      for (let i = 0; i < turns.length; i += CHUNK) {
        await db.turns.bulkAdd(turns.slice(i, i + CHUNK));
        onProgress({ phase: 'turns', done: Math.min(i + CHUNK, turns.length), total: turns.length });
      }

      let personMessages = 0;
      let firstTs: string | null = null;
      let lastTs: string | null = null;
      for (const row of all) {
        if (row.author !== persona.personName) continue;
        personMessages++;
        if (firstTs === null || row.ts < firstTs) firstTs = row.ts;
        if (lastTs === null || row.ts > lastTs) lastTs = row.ts;
      }
      const sources = await db.sources.where('personaId').equals(personaId).count();
      persona = {
        ...persona,
        updatedAt: now,
        counts: { personMessages, allMessages: all.length, turns: turns.length, sources },
        firstTs,
        lastTs,
      };
      await db.personas.put(persona);
      // Cleared in the same transaction as the data: the marker survives exactly when the import did not land.
      await db.meta.delete(PENDING_IMPORT_KEY);
      return { personaId, added: fresh.length, alreadyStored, persona };
    });
  } catch (error) {
    const cause = (transaction as { idbtrans: IDBTransaction | null } | null)?.idbtrans?.error ?? null;
    throw await explainStorageError(cause ?? error, neededBytes);
  }
}
