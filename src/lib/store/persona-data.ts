// What a persona is built from, as stored: turns, the style profile, reply pairs and memories, plus named
// snapshots. A build (inside the import's own transaction, or a rebuild) replaces derived rows in one
// transaction but keeps what the user made: an edited summary, memories they added, edited or pinned,
// and memories they forgot stay gone. A persona is never seen with messages but without its build.

import { Dexie, liveQuery, type Observable } from 'dexie';
import type { MemoryItem, ReplyPair, StyleProfile } from '../persona/types';
import type { PersonaDb } from './db';
import type { MemoryRow, MessageRow, PairRow, PersonaRow, ProfileRow, SnapshotRow, SourceRow, TurnRow } from './schema';

export interface BuildOutput {
  profile: StyleProfile;
  pairs: ReplyPair[];
  memories: MemoryItem[];
  /** Version of the builder, recorded on the persona so old builds can be recognised. */
  builderVersion: number;
}

/** Everything derived from a persona's messages: its turns (per chat) and its build. */
export interface DerivedData {
  turns: Omit<TurnRow, 'personaId'>[];
  build: BuildOutput;
}

/** What a build reads: the persona, all its messages in timeline order (sortKey) and its sources. */
export interface DeriveInput {
  persona: PersonaRow;
  messages: readonly MessageRow[];
  sources: readonly SourceRow[];
}

/** The persona builder (src/lib/importer): pure and synchronous, so it runs inside a transaction. */
export type DerivePersona = (input: DeriveInput) => DerivedData;

/** Stored on the persona: memory ids the user forgot, so a rebuild does not bring them back. */
export const forgottenMemoriesKey = (personaId: string): string => `forgotten-memories:${personaId}`;

async function forgottenIds(db: PersonaDb, personaId: string): Promise<Set<string>> {
  const row = await db.meta.get(forgottenMemoriesKey(personaId));
  return new Set(row === undefined ? [] : (JSON.parse(row.value) as string[]));
}

/**
 * Writes a build of `persona` (as it should be stored, counts included) and returns the row put. Must run
 * inside a transaction over personas, profiles, pairs, memories and meta.
 */
async function writeBuild(db: PersonaDb, persona: PersonaRow, build: BuildOutput, now: number): Promise<PersonaRow> {
  const personaId = persona.id;
  const previous = await db.profiles.get(personaId);
  const profile: StyleProfile =
    previous?.summaryEdited === true ? { ...build.profile, summary: previous.profile.summary } : build.profile;
  await db.profiles.put({ personaId, profile, summaryEdited: previous?.summaryEdited ?? false, computedAt: now });

  await db.pairs.where('personaId').equals(personaId).delete();
  await db.pairs.bulkAdd(build.pairs.map((pair) => ({ ...pair, personaId })));

  const forgotten = await forgottenIds(db, personaId);
  const existing = await db.memories.where('personaId').equals(personaId).toArray();
  // User-touched memories survive a rebuild as they are; untouched rule memories are replaced.
  const kept = existing.filter((m) => m.origin !== 'rule' || m.pinned || m.userEdited === true);
  const keptIds = new Set(kept.map((m) => m.id));
  await db.memories.bulkDelete(existing.filter((m) => !keptIds.has(m.id)).map((m) => [personaId, m.id]));
  const fresh = build.memories
    .filter((m) => !keptIds.has(m.id) && !forgotten.has(m.id))
    .map((m) => ({ ...m, personaId, createdAt: now, updatedAt: now }));
  await db.memories.bulkAdd(fresh);
  const built: PersonaRow = { ...persona, builderVersion: build.builderVersion, builtAt: now };
  await db.personas.put(built);
  return built;
}

/** Replaces the persona's turns; inside a transaction over turns. */
async function writeTurns(
  db: PersonaDb,
  personaId: string,
  turns: readonly Omit<TurnRow, 'personaId'>[],
  onProgress: (done: number, total: number) => void,
): Promise<void> {
  const CHUNK = 2000;
  await db.turns.where('personaId').equals(personaId).delete();
  for (let i = 0; i < turns.length; i += CHUNK) {
    await db.turns.bulkAdd(turns.slice(i, i + CHUNK).map((turn) => ({ ...turn, personaId })));
    onProgress(Math.min(i + CHUNK, turns.length), turns.length);
  }
}

/** The tables `writeDerived` writes: a transaction calling it must include them. */
export function derivedTables(db: PersonaDb) {
  return [db.personas, db.turns, db.profiles, db.pairs, db.memories, db.meta] as const;
}

/**
 * Writes turns and build derived from the persona's messages, with `persona` (counts included) as the row
 * to keep; returns the row put. For callers already inside a transaction over `derivedTables`.
 */
export async function writeDerived(
  db: PersonaDb,
  persona: PersonaRow,
  derived: DerivedData,
  onTurns: (done: number, total: number) => void = () => {},
): Promise<PersonaRow> {
  await writeTurns(db, persona.id, derived.turns, onTurns);
  const withTurns: PersonaRow = { ...persona, counts: { ...persona.counts, turns: derived.turns.length } };
  return writeBuild(db, withTurns, derived.build, Date.now());
}

/**
 * Rebuilds everything derived from a persona's stored messages (turns, profile, pairs, memories) in ONE
 * transaction: it lands whole or not at all. Returns false when the persona does not exist.
 */
export async function rebuildDerived(db: PersonaDb, personaId: string, derive: DerivePersona): Promise<boolean> {
  return db.transaction('rw', [...derivedTables(db), db.messages, db.sources], async () => {
    const persona = await db.personas.get(personaId);
    if (persona === undefined) return false;
    const [messages, sources] = await Promise.all([
      db.messages.where('[personaId+sortKey]').between([personaId, Dexie.minKey], [personaId, Dexie.maxKey]).toArray(),
      db.sources.where('personaId').equals(personaId).toArray(),
    ]);
    await writeDerived(db, persona, derive({ persona, messages, sources }));
    return true;
  });
}

/**
 * Personas whose derived data is missing or was made by an older builder than `builderVersion`: an
 * import that stopped between its messages and its build (before both were one transaction), or a build
 * made before a builder change. Only personas with imported messages have anything to build.
 */
export async function personasToFinish(db: PersonaDb, builderVersion: number): Promise<PersonaRow[]> {
  const stale = await db.personas.filter((p) => (p.builderVersion ?? 0) < builderVersion).toArray();
  const out: PersonaRow[] = [];
  for (const persona of stale) {
    if ((await db.messages.where('personaId').equals(persona.id).limit(1).count()) > 0) out.push(persona);
  }
  return out;
}

export async function saveBuild(db: PersonaDb, personaId: string, build: BuildOutput): Promise<void> {
  await db.transaction('rw', [db.personas, db.profiles, db.pairs, db.memories, db.meta], async () => {
    const persona = await db.personas.get(personaId);
    if (persona === undefined) return; // Deleted meanwhile: nothing to attach the build to.
    await writeBuild(db, persona, build, Date.now());
  });
}

export function watchProfile(db: PersonaDb, personaId: string): Observable<ProfileRow | undefined> {
  return liveQuery(() => db.profiles.get(personaId));
}

export async function updateSummary(db: PersonaDb, personaId: string, summary: string): Promise<void> {
  await db.transaction('rw', db.profiles, async () => {
    const row = await db.profiles.get(personaId);
    if (row === undefined) return;
    await db.profiles.put({ ...row, profile: { ...row.profile, summary }, summaryEdited: true });
  });
}

export function listPairs(db: PersonaDb, personaId: string): Promise<PairRow[]> {
  return db.pairs.where('personaId').equals(personaId).toArray();
}

export function watchMemories(db: PersonaDb, personaId: string): Observable<MemoryRow[]> {
  return liveQuery(async () => {
    const rows = await db.memories.where('personaId').equals(personaId).toArray();
    return rows.sort((a, b) => Number(b.pinned) - Number(a.pinned) || (a.lastSeen < b.lastSeen ? 1 : -1));
  });
}

export async function addMemory(db: PersonaDb, personaId: string, item: Omit<MemoryItem, 'id' | 'origin'>): Promise<string> {
  const now = Date.now();
  const id = `user-${crypto.randomUUID()}`;
  await db.memories.add({ ...item, id, origin: 'user', personaId, createdAt: now, updatedAt: now });
  return id;
}

export async function updateMemory(
  db: PersonaDb,
  personaId: string,
  id: string,
  changes: Partial<Pick<MemoryItem, 'text' | 'type' | 'subject' | 'pinned' | 'confidence'>>,
): Promise<void> {
  await db.memories.update([personaId, id], { ...changes, userEdited: true, updatedAt: Date.now() });
}

/**
 * Forgets a memory: the row goes, and so does everything derived from it (its embedding vectors,
 * the supersession link of items it had replaced). A rule memory also goes on the forgotten list so a
 * rebuild does not propose it again.
 */
export async function forgetMemory(db: PersonaDb, personaId: string, id: string): Promise<void> {
  await db.transaction('rw', [db.memories, db.vectors, db.meta], async () => {
    const row = await db.memories.get([personaId, id]);
    if (row === undefined) return;
    await db.memories.delete([personaId, id]);
    await db.vectors.where('personaId').equals(personaId).filter((v) => v.kind === 'memory' && v.refId === id).delete();
    const replaced = await db.memories.where('personaId').equals(personaId).filter((m) => m.supersededBy === id).toArray();
    for (const older of replaced) {
      const { supersededBy: _dropped, ...rest } = older;
      await db.memories.put(rest);
    }
    if (row.origin !== 'user') {
      const forgotten = await forgottenIds(db, personaId);
      forgotten.add(id);
      await db.meta.put({ key: forgottenMemoriesKey(personaId), value: JSON.stringify([...forgotten]) });
    }
  });
}

export async function saveSnapshot(db: PersonaDb, personaId: string, name: string): Promise<string> {
  const id = crypto.randomUUID();
  await db.transaction('rw', [db.personas, db.profiles, db.memories, db.snapshots], async () => {
    const persona = await db.personas.get(personaId);
    if (persona === undefined) throw new Error('The persona no longer exists.');
    const snapshot: SnapshotRow = {
      id,
      personaId,
      name: name.trim() || new Date().toLocaleString(),
      createdAt: Date.now(),
      persona,
      profile: (await db.profiles.get(personaId)) ?? null,
      memories: await db.memories.where('personaId').equals(personaId).toArray(),
    };
    await db.snapshots.add(snapshot);
  });
  return id;
}

export function watchSnapshots(db: PersonaDb, personaId: string): Observable<SnapshotRow[]> {
  return liveQuery(() => db.snapshots.where('personaId').equals(personaId).reverse().sortBy('createdAt'));
}

/** Puts the persona's settings, profile and memories back as they were in the snapshot. Messages stay. */
export async function restoreSnapshot(db: PersonaDb, snapshotId: string): Promise<void> {
  await db.transaction('rw', [db.personas, db.profiles, db.memories, db.snapshots, db.meta], async () => {
    const snapshot = await db.snapshots.get(snapshotId);
    if (snapshot === undefined) throw new Error('This snapshot no longer exists.');
    const personaId = snapshot.personaId;
    const current = await db.personas.get(personaId);
    if (current === undefined) throw new Error('The persona of this snapshot no longer exists.');
    const restored: PersonaRow = {
      ...current,
      displayName: snapshot.persona.displayName,
      selfName: snapshot.persona.selfName,
      updatedAt: Date.now(),
    };
    await db.personas.put(restored);
    if (snapshot.profile === null) await db.profiles.delete(personaId);
    else await db.profiles.put(snapshot.profile);
    await db.memories.where('personaId').equals(personaId).delete();
    await db.memories.bulkAdd(snapshot.memories);
    // What the snapshot brings back is no longer forgotten.
    const forgotten = await forgottenIds(db, personaId);
    for (const m of snapshot.memories) forgotten.delete(m.id);
    await db.meta.put({ key: forgottenMemoriesKey(personaId), value: JSON.stringify([...forgotten]) });
  });
}

export async function deleteSnapshot(db: PersonaDb, snapshotId: string): Promise<void> {
  await db.snapshots.delete(snapshotId);
}
