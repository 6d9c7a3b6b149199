// The LLM memory pass as stored: its resumable job and the proposals waiting for the user's review.
// Invariants: a chunk's proposals and the job's `nextChunk` are written in one transaction (a reload
// resumes at the first chunk not written, never twice, never skipping); a proposal enters `memories`
// only when accepted, and accepting one that supersedes an item marks that item past in the same
// transaction; a decided proposal (accepted or rejected) is never proposed again by a later pass.

import { liveQuery, type Observable } from 'dexie';
import type { MemoryItem, MemoryType } from '../persona/types';
import type { PersonaDb } from './db';
import type { MemoryJobRow, MemoryProposalRow, MemoryRow } from './schema';
import { forgottenMemoriesKey } from './persona-data';

/**
 * The job row plus the counters of this pass. Stored in the same `memoryJobs` row (the fields are not
 * indexed, so no schema version is needed); rows written before these fields read as zero.
 */
export type MemoryJobState = MemoryJobRow & {
  /** First chunk of this pass (a pass capped to the latest N chunks starts above 0). */
  firstChunk: number;
  /** Chunks whose answer was read (usable or not). */
  chunksRead: number;
  /** Answers that held no usable JSON. */
  unusable: number;
};

function withDefaults(row: MemoryJobRow | undefined): MemoryJobState | undefined {
  if (row === undefined) return undefined;
  const extra = row as Partial<MemoryJobState>;
  return { ...row, firstChunk: extra.firstChunk ?? 0, chunksRead: extra.chunksRead ?? 0, unusable: extra.unusable ?? 0 };
}

export async function getMemoryJob(db: PersonaDb, personaId: string): Promise<MemoryJobState | undefined> {
  return withDefaults(await db.memoryJobs.get(personaId));
}

export function watchMemoryJob(db: PersonaDb, personaId: string): Observable<MemoryJobState | undefined> {
  return liveQuery(async () => withDefaults(await db.memoryJobs.get(personaId)));
}

/** Pending proposals, oldest chunk first. */
export function watchPendingProposals(db: PersonaDb, personaId: string): Observable<MemoryProposalRow[]> {
  return liveQuery(async () => {
    const rows = await db.memoryProposals.where('[personaId+status]').equals([personaId, 'pending']).toArray();
    return rows.sort((a, b) => a.chunk - b.chunk || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  });
}

export function listProposals(db: PersonaDb, personaId: string): Promise<MemoryProposalRow[]> {
  return db.memoryProposals.where('personaId').equals(personaId).toArray();
}

/** Starts a new pass (replacing a finished or stopped one); pending proposals of earlier passes stay. */
export async function startMemoryJob(
  db: PersonaDb,
  personaId: string,
  plan: { modelId: string; totalChunks: number; firstChunk: number },
  now = Date.now(),
): Promise<MemoryJobState> {
  const job: MemoryJobState = {
    personaId,
    state: plan.firstChunk >= plan.totalChunks ? 'done' : 'running',
    modelId: plan.modelId,
    nextChunk: plan.firstChunk,
    totalChunks: plan.totalChunks,
    proposals: 0,
    startedAt: now,
    updatedAt: now,
    error: null,
    firstChunk: plan.firstChunk,
    chunksRead: 0,
    unusable: 0,
  };
  await db.transaction('rw', [db.personas, db.memoryJobs], async () => {
    if ((await db.personas.get(personaId)) === undefined) throw new Error('This persona no longer exists.');
    await db.memoryJobs.put(job);
  });
  return job;
}

/** Marks the job paused, cancelled, failed or running again (resume); the chunk position stays. */
export async function setMemoryJobState(
  db: PersonaDb,
  personaId: string,
  state: MemoryJobRow['state'],
  changes: { error?: string | null; modelId?: string } = {},
  now = Date.now(),
): Promise<void> {
  await db.transaction('rw', db.memoryJobs, async () => {
    const row = await db.memoryJobs.get(personaId);
    if (row === undefined) return;
    await db.memoryJobs.put({ ...row, ...changes, state, updatedAt: now });
  });
}

export interface ChunkResult {
  chunk: number;
  /** The proposed items (origin 'llm') with what they supersede. */
  proposals: readonly { item: MemoryItem; supersedes?: string }[];
  usable: boolean;
}

/**
 * Writes one chunk's proposals and moves the job past that chunk, in one transaction. Ignored (false)
 * when the job is gone, stopped, or already past this chunk (another tab wrote it): nothing is doubled.
 * A proposal whose id was proposed before (any status) or forgotten is not written again.
 */
export async function writeChunkResult(db: PersonaDb, personaId: string, result: ChunkResult, now = Date.now()): Promise<boolean> {
  return db.transaction('rw', [db.memoryJobs, db.memoryProposals, db.memories, db.meta], async () => {
    const job = withDefaults(await db.memoryJobs.get(personaId));
    if (job === undefined || job.state !== 'running' || job.nextChunk !== result.chunk) return false;
    const forgottenRow = await db.meta.get(forgottenMemoriesKey(personaId));
    const forgotten = new Set(forgottenRow === undefined ? [] : (JSON.parse(forgottenRow.value) as string[]));
    const rows: MemoryProposalRow[] = [];
    for (const p of result.proposals) {
      if (forgotten.has(p.item.id) || rows.some((r) => r.id === p.item.id)) continue;
      if ((await db.memoryProposals.get([personaId, p.item.id])) !== undefined) continue;
      if ((await db.memories.get([personaId, p.item.id])) !== undefined) continue;
      rows.push({
        personaId,
        id: p.item.id,
        item: p.item,
        status: 'pending',
        chunk: result.chunk,
        ...(p.supersedes === undefined ? {} : { supersedes: p.supersedes }),
        createdAt: now,
        decidedAt: null,
      });
    }
    await db.memoryProposals.bulkAdd(rows);
    const nextChunk = result.chunk + 1;
    const next: MemoryJobState = {
      ...job,
      nextChunk,
      proposals: job.proposals + rows.length,
      chunksRead: job.chunksRead + 1,
      unusable: job.unusable + (result.usable ? 0 : 1),
      state: nextChunk >= job.totalChunks ? 'done' : 'running',
      updatedAt: now,
    };
    await db.memoryJobs.put(next);
    return true;
  });
}

export interface ProposalEdit {
  text?: string;
  type?: MemoryType;
  subject?: string;
}

async function acceptOne(db: PersonaDb, row: MemoryProposalRow, edit: ProposalEdit | undefined, now: number): Promise<void> {
  const edited = edit !== undefined && (edit.text !== undefined || edit.type !== undefined || edit.subject !== undefined);
  const item: MemoryItem = {
    ...row.item,
    ...(edit?.text !== undefined && edit.text.trim() !== '' ? { text: edit.text.trim() } : {}),
    ...(edit?.type !== undefined ? { type: edit.type } : {}),
    ...(edit?.subject !== undefined && edit.subject.trim() !== '' ? { subject: edit.subject.trim() } : {}),
    origin: 'llm',
  };
  const existing = await db.memories.get([row.personaId, item.id]);
  const memory: MemoryRow = existing
    ? { ...existing, sourceMessageIds: [...new Set([...existing.sourceMessageIds, ...item.sourceMessageIds])], updatedAt: now }
    : { ...item, personaId: row.personaId, createdAt: now, updatedAt: now, ...(edited ? { userEdited: true } : {}) };
  if (row.supersedes !== undefined) {
    const older = await db.memories.get([row.personaId, row.supersedes]);
    if (older !== undefined && older.id !== memory.id) {
      // The user's decision touched the older item: a rebuild keeps it (as past) instead of re-making it current.
      await db.memories.put({ ...older, supersededBy: memory.id, userEdited: true, updatedAt: now });
    }
  }
  if (memory.supersededBy !== undefined && (await db.memories.get([row.personaId, memory.supersededBy])) === undefined) {
    // What it was older than is gone: it is current after all.
    delete memory.supersededBy;
  }
  await db.memories.put(memory);
  await db.memoryProposals.put({ ...row, item, status: 'accepted', decidedAt: now });
}

/** Accepts a pending proposal (optionally edited first): it becomes a memory, in one transaction. */
export async function acceptProposal(db: PersonaDb, personaId: string, id: string, edit?: ProposalEdit, now = Date.now()): Promise<boolean> {
  return db.transaction('rw', [db.memoryProposals, db.memories], async () => {
    const row = await db.memoryProposals.get([personaId, id]);
    if (row === undefined || row.status !== 'pending') return false;
    await acceptOne(db, row, edit, now);
    return true;
  });
}

export async function rejectProposal(db: PersonaDb, personaId: string, id: string, now = Date.now()): Promise<boolean> {
  return db.transaction('rw', db.memoryProposals, async () => {
    const row = await db.memoryProposals.get([personaId, id]);
    if (row === undefined || row.status !== 'pending') return false;
    await db.memoryProposals.put({ ...row, status: 'rejected', decidedAt: now });
    return true;
  });
}

/** Accepts every pending proposal in one transaction; returns how many. */
export async function acceptAllProposals(db: PersonaDb, personaId: string, now = Date.now()): Promise<number> {
  return db.transaction('rw', [db.memoryProposals, db.memories], async () => {
    const rows = await db.memoryProposals.where('[personaId+status]').equals([personaId, 'pending']).toArray();
    rows.sort((a, b) => a.chunk - b.chunk || (a.item.lastSeen < b.item.lastSeen ? -1 : 1));
    for (const row of rows) await acceptOne(db, row, undefined, now);
    return rows.length;
  });
}

export async function rejectAllProposals(db: PersonaDb, personaId: string, now = Date.now()): Promise<number> {
  return db.transaction('rw', db.memoryProposals, async () => {
    const rows = await db.memoryProposals.where('[personaId+status]').equals([personaId, 'pending']).toArray();
    await db.memoryProposals.bulkPut(rows.map((r) => ({ ...r, status: 'rejected' as const, decidedAt: now })));
    return rows.length;
  });
}
