// Embedding vectors and embedding jobs: the source of truth every search index is rebuilt from.
// Invariants: a batch of vectors and the job's `done` count are written in one transaction (so a
// reload resumes exactly where the last batch ended); nothing is written for a persona that was deleted
// meanwhile; one persona holds vectors of one model at a time (starting another model drops the old).

import { Dexie, liveQuery, type Observable } from 'dexie';
import type { PersonaDb } from './db';
import type { EmbedJobRow, MemoryRow, PairRow, PersonaRow, TurnRow, VectorKind, VectorRow } from './schema';

/** What a persona has that gets embedded, read in one transaction so the plan sees one state. */
export interface EmbedSourceRows {
  persona: PersonaRow;
  pairs: PairRow[];
  /** Turns written by the cloned person only. */
  turns: TurnRow[];
  memories: MemoryRow[];
}

export function sourceStamp(persona: PersonaRow): string {
  return `${persona.updatedAt}/${persona.builtAt ?? 0}`;
}

export async function loadEmbedSources(db: PersonaDb, personaId: string): Promise<EmbedSourceRows | undefined> {
  return db.transaction('r', [db.personas, db.pairs, db.turns, db.memories], async () => {
    const persona = await db.personas.get(personaId);
    if (persona === undefined) return undefined;
    const [pairs, turns, memories] = await Promise.all([
      db.pairs.where('personaId').equals(personaId).toArray(),
      db.turns
        .where('[personaId+seq]')
        .between([personaId, Dexie.minKey], [personaId, Dexie.maxKey])
        .filter((t) => t.author === persona.personName)
        .toArray(),
      db.memories.where('personaId').equals(personaId).toArray(),
    ]);
    return { persona, pairs, turns, memories };
  });
}

/** `kind:refId` -> text hash of every vector the persona has for this model. */
export async function vectorHashes(db: PersonaDb, personaId: string, modelId: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await db.vectors
    .where('[personaId+modelId]')
    .equals([personaId, modelId])
    .each((row) => {
      out.set(`${row.kind}:${row.refId}`, row.textHash ?? '');
    });
  return out;
}

export function loadVectors(db: PersonaDb, personaId: string, modelId: string): Promise<VectorRow[]> {
  return db.vectors.where('[personaId+modelId]').equals([personaId, modelId]).toArray();
}

export function countVectors(db: PersonaDb, personaId: string, modelId: string): Promise<number> {
  return db.vectors.where('[personaId+modelId]').equals([personaId, modelId]).count();
}

export function getEmbedJob(db: PersonaDb, personaId: string): Promise<EmbedJobRow | undefined> {
  return db.embedJobs.get(personaId);
}

export function watchEmbedJob(db: PersonaDb, personaId: string): Observable<EmbedJobRow | undefined> {
  return liveQuery(() => db.embedJobs.get(personaId));
}

/** Jobs left `running` by a closed tab or a crashed worker. */
export function listInterruptedJobs(db: PersonaDb): Promise<EmbedJobRow[]> {
  return db.embedJobs.filter((job) => job.state === 'running').toArray();
}

/**
 * Starts (or resumes) a job: drops vectors of other models and stale vectors of this one, and records
 * the plan. Returns false when the persona no longer exists.
 */
export async function beginEmbedJob(
  db: PersonaDb,
  job: EmbedJobRow,
  stale: readonly { kind: VectorKind; refId: string }[],
): Promise<boolean> {
  return db.transaction('rw', [db.personas, db.vectors, db.embedJobs], async () => {
    if ((await db.personas.get(job.personaId)) === undefined) return false;
    await db.vectors
      .where('personaId')
      .equals(job.personaId)
      .filter((row) => row.modelId !== job.modelId)
      .delete();
    await db.vectors.bulkDelete(stale.map((s): [string, string, string, string] => [job.personaId, job.modelId, s.kind, s.refId]));
    await db.embedJobs.put(job);
    return true;
  });
}

/**
 * Stores one batch and advances the job in the same transaction. Returns false (and writes nothing)
 * when the persona was deleted or another job for a different model took over.
 */
export async function writeVectorBatch(
  db: PersonaDb,
  personaId: string,
  modelId: string,
  rows: readonly VectorRow[],
  update: Pick<EmbedJobRow, 'done' | 'updatedAt' | 'batchSize'>,
): Promise<boolean> {
  return db.transaction('rw', [db.personas, db.vectors, db.embedJobs], async () => {
    const job = await db.embedJobs.get(personaId);
    if (job === undefined || job.modelId !== modelId || (await db.personas.get(personaId)) === undefined) return false;
    await db.vectors.bulkPut([...rows]);
    await db.embedJobs.put({ ...job, ...update });
    return true;
  });
}

export async function finishEmbedJob(
  db: PersonaDb,
  personaId: string,
  modelId: string,
  update: Partial<Pick<EmbedJobRow, 'state' | 'done' | 'error' | 'finishedAt' | 'updatedAt'>>,
): Promise<void> {
  await db.transaction('rw', db.embedJobs, async () => {
    const job = await db.embedJobs.get(personaId);
    if (job === undefined || job.modelId !== modelId) return;
    await db.embedJobs.put({ ...job, ...update });
  });
}

/** Marks a job as cancelled by the person (its worker was terminated): it is not resumed on reload. */
export async function cancelEmbedJob(db: PersonaDb, personaId: string): Promise<void> {
  await db.transaction('rw', db.embedJobs, async () => {
    const job = await db.embedJobs.get(personaId);
    if (job === undefined || job.state !== 'running') return;
    await db.embedJobs.put({ ...job, state: 'cancelled', updatedAt: Date.now() });
  });
}

/** Texts for retrieval: the rows behind vectors (pairs with their replies, memories, turns). */
export async function loadRetrievalRows(
  db: PersonaDb,
  personaId: string,
): Promise<{ pairs: PairRow[]; memories: MemoryRow[]; turns: TurnRow[] } | undefined> {
  const sources = await loadEmbedSources(db, personaId);
  if (sources === undefined) return undefined;
  return { pairs: sources.pairs, memories: sources.memories, turns: sources.turns };
}

/**
 * Calls `onDeleted` when another connection deletes the database (a wipe). Dexie closes this connection
 * then, but would reopen (and so recreate) the database on the next query: callers must stop querying.
 */
export function onDatabaseDeleted(db: PersonaDb, onDeleted: () => void): void {
  db.on('versionchange', (event: IDBVersionChangeEvent) => {
    if (event.newVersion === null || event.newVersion === 0) onDeleted();
  });
}
