// The LLM memory pass as stored (fake-indexeddb): a chunk's proposals land with the job's position in one
// transaction (a stale or repeated write is ignored, so a resume never doubles or skips), accept / edit /
// reject / accept all / reject all, superseding keeps the old item as past, and decided or forgotten
// items are never proposed again.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MemoryItem } from '../../src/lib/persona/types';
import { PersonaDb } from '../../src/lib/store/db';
import {
  acceptAllProposals,
  acceptProposal,
  getMemoryJob,
  listProposals,
  rejectAllProposals,
  rejectProposal,
  setMemoryJobState,
  startMemoryJob,
  writeChunkResult,
} from '../../src/lib/store/memory-proposals';
import { forgetMemory, saveBuild } from '../../src/lib/store/persona-data';
import type { PersonaRow } from '../../src/lib/store/schema';
import { personaRow } from '../fixtures/store/persona-row';

const P = 'p-1';
let db: PersonaDb;

const persona: PersonaRow = personaRow(P, { personName: 'Alice', selfName: 'Bob' });

const item = (id: string, text: string, lastSeen = '2023-03-01T09:00:00', extra: Partial<MemoryItem> = {}): MemoryItem => ({
  id,
  type: 'fact',
  text,
  subject: 'Alice',
  sourceMessageIds: [`${id}-msg`],
  firstSeen: lastSeen,
  lastSeen,
  confidence: 0.6,
  pinned: false,
  origin: 'llm',
  ...extra,
});

beforeEach(async () => {
  db = new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
  await db.personas.add(persona);
  await db.memories.add({ ...item('r-berlin', 'Lives in Berlin', '2021-01-01T00:00:00'), origin: 'rule', personaId: P, createdAt: 1, updatedAt: 1 });
});

afterEach(() => db.close());

describe('memory job', () => {
  it('writes each chunk with the job position once, in order, and finishes at the last chunk', async () => {
    await startMemoryJob(db, P, { modelId: 'tiny', totalChunks: 5, firstChunk: 2 }, 100);
    expect(await getMemoryJob(db, P)).toMatchObject({ state: 'running', nextChunk: 2, firstChunk: 2, chunksRead: 0, unusable: 0 });

    expect(await writeChunkResult(db, P, { chunk: 2, proposals: [{ item: item('l1', 'Lives in Munich'), supersedes: 'r-berlin' }], usable: true })).toBe(true);
    // A repeated or out-of-order write (another tab, a late answer) changes nothing.
    expect(await writeChunkResult(db, P, { chunk: 2, proposals: [{ item: item('l2', 'Other') }], usable: true })).toBe(false);
    expect(await writeChunkResult(db, P, { chunk: 4, proposals: [], usable: true })).toBe(false);
    expect(await writeChunkResult(db, P, { chunk: 3, proposals: [], usable: false })).toBe(true);
    expect(await getMemoryJob(db, P)).toMatchObject({ state: 'running', nextChunk: 4, proposals: 1, chunksRead: 2, unusable: 1 });

    // Paused: nothing is written until resumed, then it continues at chunk 4.
    await setMemoryJobState(db, P, 'paused');
    expect(await writeChunkResult(db, P, { chunk: 4, proposals: [], usable: true })).toBe(false);
    await setMemoryJobState(db, P, 'running');
    expect(await writeChunkResult(db, P, { chunk: 4, proposals: [{ item: item('l1', 'Lives in Munich') }], usable: true })).toBe(true);
    const job = await getMemoryJob(db, P);
    expect(job).toMatchObject({ state: 'done', nextChunk: 5, proposals: 1, chunksRead: 3, unusable: 1 });
    const rows = await listProposals(db, P);
    expect(rows.map((r) => [r.id, r.status, r.chunk, r.supersedes])).toEqual([['l1', 'pending', 2, 'r-berlin']]);
  });

  it('reads a job row written without the pass counters as zero, and refuses a deleted persona', async () => {
    await db.memoryJobs.put({ personaId: P, state: 'running', modelId: 'm', nextChunk: 1, totalChunks: 3, proposals: 0, startedAt: 1, updatedAt: 1, error: null });
    expect(await getMemoryJob(db, P)).toMatchObject({ firstChunk: 0, chunksRead: 0, unusable: 0 });
    await expect(startMemoryJob(db, 'gone', { modelId: 'm', totalChunks: 1, firstChunk: 0 })).rejects.toThrow(/no longer exists/);
  });
});

describe('review', () => {
  beforeEach(async () => {
    await startMemoryJob(db, P, { modelId: 'tiny', totalChunks: 1, firstChunk: 0 });
    await writeChunkResult(db, P, {
      chunk: 0,
      usable: true,
      proposals: [
        { item: item('l-munich', 'Lives in Munich'), supersedes: 'r-berlin' },
        { item: item('l-sushi', 'Loves sushi', '2023-03-01T09:00:00', { type: 'preference' }) },
        { item: item('l-cat', 'Has a cat') },
      ],
    });
  });

  it('accepting writes an llm memory and keeps the superseded one as past; reject marks it decided', async () => {
    expect(await acceptProposal(db, P, 'l-munich', undefined, 500)).toBe(true);
    const munich = await db.memories.get([P, 'l-munich']);
    expect(munich).toMatchObject({ origin: 'llm', text: 'Lives in Munich', sourceMessageIds: ['l-munich-msg'], createdAt: 500 });
    expect(munich?.userEdited).toBeUndefined();
    expect(await db.memories.get([P, 'r-berlin'])).toMatchObject({ supersededBy: 'l-munich', userEdited: true });

    expect(await rejectProposal(db, P, 'l-cat', 600)).toBe(true);
    expect(await db.memories.get([P, 'l-cat'])).toBeUndefined();
    expect(await db.memoryProposals.get([P, 'l-cat'])).toMatchObject({ status: 'rejected', decidedAt: 600 });
    // Decided proposals are not decided again.
    expect(await acceptProposal(db, P, 'l-cat')).toBe(false);
    expect(await rejectProposal(db, P, 'l-munich')).toBe(false);
  });

  it('edit then accept stores the edited text as a user-edited item', async () => {
    await acceptProposal(db, P, 'l-sushi', { text: '  Loves sushi and ramen ', subject: '', type: 'preference' });
    expect(await db.memories.get([P, 'l-sushi'])).toMatchObject({ text: 'Loves sushi and ramen', subject: 'Alice', userEdited: true, origin: 'llm' });
    expect((await db.memoryProposals.get([P, 'l-sushi']))?.item.text).toBe('Loves sushi and ramen');
  });

  it('accept all and reject all decide every pending proposal in one go', async () => {
    expect(await rejectAllProposals(db, P)).toBe(3);
    expect(await acceptAllProposals(db, P)).toBe(0);
    expect(await db.memories.count()).toBe(1);
    await db.memoryProposals.where('personaId').equals(P).modify({ status: 'pending' });
    expect(await acceptAllProposals(db, P)).toBe(3);
    expect((await db.memories.toArray()).map((m) => m.id).sort()).toEqual(['l-cat', 'l-munich', 'l-sushi', 'r-berlin']);
    expect((await db.memories.get([P, 'r-berlin']))?.supersededBy).toBe('l-munich');
  });

  it('a later pass does not propose decided or forgotten items again', async () => {
    await acceptProposal(db, P, 'l-munich');
    await rejectProposal(db, P, 'l-cat');
    await forgetMemory(db, P, 'l-munich');
    await startMemoryJob(db, P, { modelId: 'tiny', totalChunks: 1, firstChunk: 0 });
    await writeChunkResult(db, P, {
      chunk: 0,
      usable: true,
      proposals: [{ item: item('l-munich', 'Lives in Munich') }, { item: item('l-cat', 'Has a cat') }, { item: item('l-new', 'Plays chess') }],
    });
    expect((await getMemoryJob(db, P))?.proposals).toBe(1);
    // l-sushi is still pending from the first pass; only l-new is new.
    expect((await listProposals(db, P)).filter((r) => r.status === 'pending').map((r) => r.id).sort()).toEqual(['l-new', 'l-sushi']);
  });

  it('an accepted llm memory and the item it superseded survive a rebuild', async () => {
    await acceptProposal(db, P, 'l-munich');
    await db.profiles.put({ personaId: P, profile: { version: 1 } as never, summaryEdited: false, computedAt: 1 });
    await saveBuild(db, P, {
      profile: (await db.profiles.get(P))?.profile ?? ({} as never),
      pairs: [],
      memories: [item('r-berlin', 'Lives in Berlin', '2021-01-01T00:00:00', { origin: 'rule' })],
      builderVersion: 1,
    });
    expect(await db.memories.get([P, 'l-munich'])).toBeDefined();
    expect((await db.memories.get([P, 'r-berlin']))?.supersededBy).toBe('l-munich');
  });
});
