// Read and delete operations on personas and what they own. Deleting a persona removes every row
// keyed by it, in one transaction, so a half-deleted persona can never be observed.

import { Dexie, liveQuery, type Observable } from 'dexie';
import { personaIndexedTables, type PersonaDb } from './db';
import { forgottenMemoriesKey } from './persona-data';
import type { MessageRow, PersonaRow, SourceRow, TurnRow, VoiceAdapterRow } from './schema';

export function watchPersonas(db: PersonaDb): Observable<PersonaRow[]> {
  return liveQuery(() => db.personas.orderBy('createdAt').reverse().toArray());
}

export function watchPersona(db: PersonaDb, id: string): Observable<PersonaRow | undefined> {
  return liveQuery(() => db.personas.get(id));
}

export function listSources(db: PersonaDb, personaId: string): Promise<SourceRow[]> {
  return db.sources.where('personaId').equals(personaId).sortBy('importedAt');
}

/** Personas that already hold a chat with one of these fingerprints (a re-import or a newer export). */
export async function findPersonasByFingerprint(
  db: PersonaDb,
  fingerprints: readonly string[],
): Promise<{ fingerprint: string; persona: PersonaRow }[]> {
  if (fingerprints.length === 0) return [];
  const sources = await db.sources.where('fingerprint').anyOf([...fingerprints]).toArray();
  const out: { fingerprint: string; persona: PersonaRow }[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    if (source.fingerprint === null || seen.has(source.personaId + source.fingerprint)) continue;
    const persona = await db.personas.get(source.personaId);
    if (persona === undefined) continue;
    seen.add(source.personaId + source.fingerprint);
    out.push({ fingerprint: source.fingerprint, persona });
  }
  return out;
}

/** One page of a persona's messages in timeline order; offset-based for the virtualized browser. */
export function pageMessages(db: PersonaDb, personaId: string, offset: number, limit: number): Promise<MessageRow[]> {
  return db.messages
    .where('[personaId+sortKey]')
    .between([personaId, Dexie.minKey], [personaId, Dexie.maxKey])
    .offset(offset)
    .limit(limit)
    .toArray();
}

export function getPersona(db: PersonaDb, personaId: string): Promise<PersonaRow | undefined> {
  return db.personas.get(personaId);
}

/** All of a persona's messages / turns in timeline order (the persona builder reads them whole). */
export function listMessages(db: PersonaDb, personaId: string): Promise<MessageRow[]> {
  return db.messages
    .where('[personaId+sortKey]')
    .between([personaId, Dexie.minKey], [personaId, Dexie.maxKey])
    .toArray();
}

export function listTurns(db: PersonaDb, personaId: string): Promise<TurnRow[]> {
  return db.turns
    .where('[personaId+seq]')
    .between([personaId, Dexie.minKey], [personaId, Dexie.maxKey])
    .toArray();
}

/** The messages behind a memory or pair ("why"), in the order of the ids, missing ones skipped. */
export async function getMessages(db: PersonaDb, personaId: string, ids: readonly string[]): Promise<MessageRow[]> {
  const rows = await db.messages.bulkGet(ids.map((id): [string, string] => [personaId, id]));
  return rows.filter((row): row is MessageRow => row !== undefined);
}

export function countMessages(db: PersonaDb, personaId: string): Promise<number> {
  return db.messages.where('personaId').equals(personaId).count();
}

export async function deletePersona(db: PersonaDb, personaId: string): Promise<void> {
  const indexed = personaIndexedTables(db);
  await db.transaction('rw', [...indexed, db.personas, db.profiles, db.embedJobs, db.memoryJobs, db.meta], async () => {
    for (const table of indexed) await table.where('personaId').equals(personaId).delete();
    await db.profiles.delete(personaId);
    await db.embedJobs.delete(personaId);
    await db.memoryJobs.delete(personaId);
    await db.meta.delete(forgottenMemoriesKey(personaId));
    await db.personas.delete(personaId);
  });
}

/**
 * Points the persona at a voice adapter (or at none); returns the row it replaced, whose file the caller
 * then deletes. False when the persona is gone (the caller deletes the new file instead).
 */
export async function setVoiceAdapter(db: PersonaDb, personaId: string, adapter: VoiceAdapterRow | null): Promise<{ replaced: VoiceAdapterRow | null } | false> {
  return db.transaction('rw', db.personas, async () => {
    const persona = await db.personas.get(personaId);
    if (persona === undefined) return false;
    const replaced = persona.voiceAdapter ?? null;
    const rest = { ...persona };
    delete rest.voiceAdapter;
    await db.personas.put(adapter === null ? rest : { ...rest, voiceAdapter: adapter });
    return { replaced };
  });
}

/** The per-device salt of PII masking tokens, created on first use and kept until a wipe. */
export async function maskSalt(db: PersonaDb): Promise<string> {
  return db.transaction('rw', db.meta, async () => {
    const row = await db.meta.get('mask-salt');
    if (row !== undefined) return row.value;
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const value = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    await db.meta.put({ key: 'mask-salt', value });
    return value;
  });
}
