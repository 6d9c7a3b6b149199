// A persona's knowledge documents and their chunks (schema v4 tables). Invariants: a document and all
// its chunks are written in one transaction (never half a document); deleting a document deletes its
// chunks and their 'knowledge' vectors of every model in the same transaction, and takes them out of
// the embedding job's counts; the same text cannot be added twice to one persona.

import { Dexie, liveQuery, type Observable } from 'dexie';
import { AppError } from '../rpc/app-error';
import type { PreparedKnowledgeDoc } from '../persona/knowledge';
import type { PersonaDb } from './db';
import type { KnowledgeChunkRow, KnowledgeDocRow } from './schema';

/** A persona can hold this many chunks of knowledge in all (about 40 MB of text at ~800 chars each is far above). */
export const MAX_KNOWLEDGE_CHUNKS = 20_000;

function chunksOf(db: PersonaDb, personaId: string, docId: string) {
  return db.knowledgeChunks.where('[personaId+docId]').equals([personaId, docId]);
}

/** Stores a prepared document with its chunks; throws an AppError naming the file when it cannot. */
export async function addKnowledgeDoc(db: PersonaDb, personaId: string, doc: PreparedKnowledgeDoc, now = Date.now()): Promise<KnowledgeDocRow> {
  if (doc.chunks.length === 0) throw new AppError('knowledge-empty', `"${doc.fileName}" is empty: it contains no text.`, { file: doc.fileName });
  const row: KnowledgeDocRow = {
    personaId,
    id: doc.id,
    fileName: doc.fileName,
    title: doc.title,
    text: doc.text,
    addedAt: now,
    chunkCount: doc.chunks.length,
  };
  return db.transaction('rw', [db.personas, db.knowledgeDocs, db.knowledgeChunks], async () => {
    if ((await db.personas.get(personaId)) === undefined) throw new AppError('persona-missing', 'This persona no longer exists.');
    const existing = await db.knowledgeDocs.get([personaId, doc.id]);
    if (existing !== undefined) {
      throw new AppError(
        'knowledge-duplicate',
        `"${doc.fileName}" has the same text as "${existing.fileName}", which this persona already knows.`,
        { file: doc.fileName },
      );
    }
    const stored = await db.knowledgeChunks.where('personaId').equals(personaId).count();
    if (stored + doc.chunks.length > MAX_KNOWLEDGE_CHUNKS) {
      throw new AppError(
        'knowledge-full',
        `"${doc.fileName}" does not fit: this persona's notes would exceed ${MAX_KNOWLEDGE_CHUNKS} pieces. Remove some documents first.`,
        { file: doc.fileName },
      );
    }
    await db.knowledgeDocs.add(row);
    await db.knowledgeChunks.bulkAdd(doc.chunks.map((c): KnowledgeChunkRow => ({ personaId, docId: doc.id, ...c })));
    return row;
  });
}

/** Deletes a document, its chunks and their vectors; false when it was not there. */
export async function deleteKnowledgeDoc(db: PersonaDb, personaId: string, docId: string, now = Date.now()): Promise<boolean> {
  return db.transaction('rw', [db.knowledgeDocs, db.knowledgeChunks, db.vectors, db.embedJobs], async () => {
    const doc = await db.knowledgeDocs.get([personaId, docId]);
    if (doc === undefined) return false;
    const chunkIds = new Set((await chunksOf(db, personaId, docId).primaryKeys()).map(([, id]) => id));
    const vectorKeys = await db.vectors
      .where('personaId')
      .equals(personaId)
      .filter((v) => v.kind === 'knowledge' && chunkIds.has(v.refId))
      .primaryKeys();
    await db.vectors.bulkDelete(vectorKeys);
    await chunksOf(db, personaId, docId).delete();
    await db.knowledgeDocs.delete([personaId, docId]);
    // The job's counts describe what the persona has: the removed chunks are neither to do nor done. Only
    // chunks the job counted come off: it planned every chunk stored when it started, and none added later
    // (subtracting those could show done > total).
    const job = await db.embedJobs.get(personaId);
    if (job !== undefined && doc.addedAt <= job.startedAt) {
      const removed = vectorKeys.filter(([, modelId]) => modelId === job.modelId).length;
      const total = Math.max(0, job.total - chunkIds.size);
      await db.embedJobs.put({
        ...job,
        done: Math.min(total, Math.max(0, job.done - removed)),
        total,
        updatedAt: now,
      });
    }
    return true;
  });
}

/** A persona's documents, newest first. */
export async function listKnowledgeDocs(db: PersonaDb, personaId: string): Promise<KnowledgeDocRow[]> {
  const rows = await db.knowledgeDocs.where('personaId').equals(personaId).toArray();
  return rows.sort((a, b) => b.addedAt - a.addedAt || (a.id < b.id ? -1 : 1));
}

export function getKnowledgeDoc(db: PersonaDb, personaId: string, docId: string): Promise<KnowledgeDocRow | undefined> {
  return db.knowledgeDocs.get([personaId, docId]);
}

/** One document's chunks in order. */
export async function listDocChunks(db: PersonaDb, personaId: string, docId: string): Promise<KnowledgeChunkRow[]> {
  const rows = await chunksOf(db, personaId, docId).toArray();
  return rows.sort((a, b) => a.seq - b.seq);
}

/** Every chunk of a persona (what gets embedded and searched). */
export function listKnowledgeChunks(db: PersonaDb, personaId: string): Promise<KnowledgeChunkRow[]> {
  return db.knowledgeChunks.where('personaId').equals(personaId).toArray();
}

export interface KnowledgeDocStatus {
  doc: KnowledgeDocRow;
  /** Chunks that have a vector of the persona's embedding model (0 when nothing is embedded). */
  embedded: number;
}

/** Documents with how many of their chunks are embedded with the model of the persona's embedding job. */
export async function knowledgeStatus(db: PersonaDb, personaId: string): Promise<KnowledgeDocStatus[]> {
  return db.transaction('r', [db.knowledgeDocs, db.embedJobs, db.vectors], async () => {
    const docs = await listKnowledgeDocs(db, personaId);
    const job = await db.embedJobs.get(personaId);
    const perDoc = new Map<string, number>();
    if (job !== undefined) {
      // Primary keys only, over the key range of this model's knowledge vectors: no vector is read.
      const keys = await db.vectors
        .where('[personaId+modelId+kind+refId]')
        .between([personaId, job.modelId, 'knowledge', Dexie.minKey], [personaId, job.modelId, 'knowledge', Dexie.maxKey])
        .primaryKeys();
      for (const [, , , refId] of keys) {
        const docId = refId.slice(0, refId.lastIndexOf('-'));
        perDoc.set(docId, (perDoc.get(docId) ?? 0) + 1);
      }
    }
    return docs.map((doc) => ({ doc, embedded: Math.min(doc.chunkCount, perDoc.get(doc.id) ?? 0) }));
  });
}

export function watchKnowledgeStatus(db: PersonaDb, personaId: string): Observable<KnowledgeDocStatus[]> {
  return liveQuery(() => knowledgeStatus(db, personaId));
}

/** Every chunk with its document's title and file name: the searchable rows behind 'knowledge' vectors. */
export async function loadKnowledgeSources(
  db: PersonaDb,
  personaId: string,
): Promise<{ id: string; docId: string; text: string; title: string; fileName: string }[]> {
  return db.transaction('r', [db.knowledgeDocs, db.knowledgeChunks], async () => {
    const [docs, chunks] = await Promise.all([
      db.knowledgeDocs.where('personaId').equals(personaId).toArray(),
      listKnowledgeChunks(db, personaId),
    ]);
    const byId = new Map(docs.map((d) => [d.id, d]));
    return chunks.flatMap((c) => {
      const doc = byId.get(c.docId);
      return doc === undefined ? [] : [{ id: c.id, docId: c.docId, text: c.text, title: doc.title, fileName: doc.fileName }];
    });
  });
}
