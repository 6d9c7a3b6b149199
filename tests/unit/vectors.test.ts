// Embedding jobs against the real store (fake-indexeddb, a fresh factory per test): vectors are written
// per batch with the job's progress, a crashed or cancelled job resumes without redoing stored batches,
// changed texts and a changed model re-embed, deleted personas stop a job, and deleting a persona
// removes its vectors and job.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { BatchTuner } from '../../src/lib/embed/batching';
import { createEmbedApi } from '../../src/lib/embed/embed-api';
import { runEmbedJob, type EmbedProgress } from '../../src/lib/embed/embed-job';
import { modelKey, type ModelSpec } from '../../src/lib/embed/models';
import { PersonaDb } from '../../src/lib/store/db';
import { deletePersona } from '../../src/lib/store/personas';
import type { PairRow, PersonaRow, TurnRow } from '../../src/lib/store/schema';
import { cancelEmbedJob, getEmbedJob, listInterruptedJobs, loadVectors, vectorHashes } from '../../src/lib/store/vectors';
import { FakeEmbedder } from './embed-fake';

const MODEL: ModelSpec = { id: 'test/fake', dtype: 'q8', dims: 64, label: 'Fake' };
const OTHER: ModelSpec = { id: 'test/other', dtype: 'q8', dims: 64, label: 'Other' };

function freshDb(): PersonaDb {
  return new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
}

const persona: PersonaRow = {
  id: 'p1',
  displayName: 'Alice',
  personName: 'Alice',
  selfName: 'Bob',
  createdAt: 1,
  updatedAt: 1,
  maskPii: true,
  counts: { personMessages: 0, allMessages: 0, turns: 0, sources: 1 },
  firstTs: null,
  lastTs: null,
};

function turn(seq: number, author: string, text: string): TurnRow {
  return { personaId: 'p1', seq, author, startTs: `2024-01-01T10:${String(seq).padStart(2, '0')}:00`, endTs: '', text, bubbles: 1, messageIds: [`m${seq}`] };
}

function pair(id: string, context: string, reply: string, heldOut = false): PairRow {
  return {
    personaId: 'p1',
    id,
    context: [{ author: 'Bob', text: context, ts: '2024-01-01T10:00:00' }],
    reply,
    replyBubbles: 1,
    contextTs: '2024-01-01T10:00:00',
    replyTs: '2024-01-01T10:01:00',
    contextMessageIds: [],
    replyMessageIds: [],
    heldOut,
  };
}

async function seed(db: PersonaDb, turnCount = 20): Promise<void> {
  await db.personas.put(persona);
  const turns: TurnRow[] = [];
  for (let i = 0; i < turnCount; i++) turns.push(turn(i, i % 2 === 0 ? 'Bob' : 'Alice', `message number ${i} about ${i % 3 === 0 ? 'pizza' : 'work'}`));
  await db.turns.bulkPut(turns);
  await db.pairs.bulkPut([pair('q1', 'pizza tonight?', 'yes please'), pair('q2', 'how was work', 'long day', true)]);
  await db.memories.put({
    personaId: 'p1',
    id: 'mem1',
    type: 'preference',
    text: 'Alice loves pizza',
    subject: 'Alice',
    sourceMessageIds: [],
    firstSeen: '',
    lastSeen: '',
    confidence: 0.9,
    pinned: false,
    origin: 'rule',
    createdAt: 1,
    updatedAt: 1,
  });
}

function job(db: PersonaDb, embedder: FakeEmbedder, model = MODEL, progress: EmbedProgress[] = [], tuner = new BatchTuner([4])) {
  return runEmbedJob({ db, embedder, model, onProgress: (p) => progress.push(p), tuner }, 'p1');
}

describe('runEmbedJob', () => {
  it('embeds pairs, the persona turns and memories, writing progress per batch', async () => {
    const db = freshDb();
    await seed(db);
    const embedder = new FakeEmbedder(modelKey(MODEL));
    const progress: EmbedProgress[] = [];
    const result = await job(db, embedder, MODEL, progress);
    // 2 pairs (the held-out one is embedded too) + 10 Alice turns + 1 memory.
    expect(result).toMatchObject({ ok: true, value: { state: 'done', total: 13, embedded: 13, alreadyStored: 0, batchSize: 4 } });
    expect(embedder.batches.map((b) => b.length)).toEqual([4, 4, 4, 1]);
    expect(embedder.embeddedTexts.some((t) => t.includes('message number 0'))).toBe(false); // Bob's turns are not embedded
    const vectors = await loadVectors(db, 'p1', modelKey(MODEL));
    expect(vectors).toHaveLength(13);
    expect(vectors.every((v) => v.vector instanceof Float32Array && v.vector.length === 64)).toBe(true);
    const embeds = progress.filter((p) => p.phase === 'embed');
    expect(embeds.map((p) => p.done)).toEqual([0, 4, 8, 12, 13]);
    expect(await getEmbedJob(db, 'p1')).toMatchObject({ state: 'done', done: 13, total: 13, model: { id: 'test/fake', dims: 64 } });
  });

  it('resumes after a crash without redoing stored batches', async () => {
    const db = freshDb();
    await seed(db);
    const crashing = new FakeEmbedder(modelKey(MODEL));
    crashing.failOnCall = 2;
    const first = await job(db, crashing);
    expect(first.ok).toBe(false);
    expect(first.ok ? null : first.error.code).toBe('embed-failed');
    expect((await loadVectors(db, 'p1', modelKey(MODEL))).length).toBe(8);
    expect(await getEmbedJob(db, 'p1')).toMatchObject({ state: 'failed', done: 8 });

    const resumed = new FakeEmbedder(modelKey(MODEL));
    const progress: EmbedProgress[] = [];
    const second = await job(db, resumed, MODEL, progress);
    expect(second).toMatchObject({ ok: true, value: { embedded: 5, alreadyStored: 8 } });
    expect(resumed.embeddedTexts).toHaveLength(5);
    expect(new Set([...crashing.embeddedTexts, ...resumed.embeddedTexts]).size).toBe(13);
    expect(progress.find((p) => p.phase === 'embed')).toMatchObject({ done: 8, startedAt: 8, total: 13 });
  });

  it('stops between batches when aborted, and a later run continues', async () => {
    const db = freshDb();
    await seed(db);
    const controller = new AbortController();
    const embedder = new FakeEmbedder(modelKey(MODEL));
    embedder.onBatch = (call) => {
      if (call === 0) controller.abort();
    };
    const result = await runEmbedJob({ db, embedder, model: MODEL, onProgress: () => undefined, signal: controller.signal, tuner: new BatchTuner([4]) }, 'p1');
    expect(result).toMatchObject({ ok: true, value: { state: 'cancelled', embedded: 4 } });
    expect(await getEmbedJob(db, 'p1')).toMatchObject({ state: 'cancelled', done: 4 });
    const again = await job(db, new FakeEmbedder(modelKey(MODEL)));
    expect(again).toMatchObject({ ok: true, value: { embedded: 9, alreadyStored: 4 } });
  });

  it('re-embeds changed texts, drops vectors of removed items, and does nothing when all is current', async () => {
    const db = freshDb();
    await seed(db);
    await job(db, new FakeEmbedder(modelKey(MODEL)));
    await db.turns.put(turn(1, 'Alice', 'an edited reply'));
    await db.pairs.delete(['p1', 'q1']);
    const embedder = new FakeEmbedder(modelKey(MODEL));
    const result = await job(db, embedder);
    expect(embedder.embeddedTexts).toEqual(['an edited reply']);
    expect(result).toMatchObject({ ok: true, value: { total: 12, embedded: 1, alreadyStored: 11 } });
    const keys = await vectorHashes(db, 'p1', modelKey(MODEL));
    expect(keys.has('pair:q1')).toBe(false);
    expect(keys.size).toBe(12);

    const idle = new FakeEmbedder(modelKey(MODEL));
    expect(await job(db, idle)).toMatchObject({ ok: true, value: { embedded: 0, alreadyStored: 12 } });
    expect(idle.batches).toEqual([]);
  });

  it('re-embeds everything with a new model and drops the old vectors', async () => {
    const db = freshDb();
    await seed(db);
    await job(db, new FakeEmbedder(modelKey(MODEL)));
    const other = new FakeEmbedder(modelKey(OTHER), 32);
    expect(await job(db, other, OTHER)).toMatchObject({ ok: true, value: { embedded: 13, alreadyStored: 0 } });
    expect(await loadVectors(db, 'p1', modelKey(MODEL))).toEqual([]);
    expect((await loadVectors(db, 'p1', modelKey(OTHER))).every((v) => v.vector.length === 32)).toBe(true);
  });

  it('stops when the persona is deleted mid-job and writes nothing for it', async () => {
    const db = freshDb();
    await seed(db);
    const embedder = new FakeEmbedder(modelKey(MODEL));
    let deleted: Promise<void> | null = null;
    embedder.onBatch = (call) => {
      if (call === 1) deleted = deletePersona(db, 'p1');
    };
    const result = await job(db, embedder);
    await deleted;
    expect(result.ok ? null : result.error.code).toBe('persona-missing');
    expect(await db.vectors.count()).toBe(0);
    expect(await getEmbedJob(db, 'p1')).toBeUndefined();
    expect((await job(db, new FakeEmbedder(modelKey(MODEL)))).ok).toBe(false);
  });

  it('refuses an embedder of another model', async () => {
    const db = freshDb();
    await seed(db);
    const result = await job(db, new FakeEmbedder(modelKey(OTHER)), MODEL);
    expect(result.ok).toBe(false);
  });
});

describe('job rows', () => {
  it('lists interrupted jobs and marks a cancelled one so it is not resumed', async () => {
    const db = freshDb();
    await seed(db);
    const embedder = new FakeEmbedder(modelKey(MODEL));
    embedder.failOnCall = 1;
    await job(db, embedder);
    // A crash inside the worker records `failed`; a closed tab leaves `running`, as here.
    const row = await getEmbedJob(db, 'p1');
    if (row === undefined) throw new Error('no job row');
    await db.embedJobs.put({ ...row, state: 'running' });
    expect((await listInterruptedJobs(db)).map((j) => j.personaId)).toEqual(['p1']);
    await cancelEmbedJob(db, 'p1');
    expect(await listInterruptedJobs(db)).toEqual([]);
    expect(await getEmbedJob(db, 'p1')).toMatchObject({ state: 'cancelled', done: 4 });
  });

  it('deletePersona removes vectors and the job with everything else', async () => {
    const db = freshDb();
    await seed(db);
    await job(db, new FakeEmbedder(modelKey(MODEL)));
    expect(await db.vectors.count()).toBe(13);
    await deletePersona(db, 'p1');
    expect(await db.vectors.count()).toBe(0);
    expect(await db.embedJobs.count()).toBe(0);
  });
});

describe('a wipe during a job', () => {
  it('stops the job without writing anything that would recreate the deleted database', async () => {
    const factory = new IDBFactory();
    const db = new PersonaDb({ indexedDB: factory, IDBKeyRange });
    await seed(db, 400);
    let wipe: Promise<void> | null = null;
    const api = createEmbedApi(() => db, {
      probe: () => Promise.resolve({ available: false }),
      createEmbedder: ({ spec }) => {
        const embedder = new FakeEmbedder(modelKey(spec));
        embedder.onBatch = (call) => {
          // Call 0 is the warm-up; during the second real batch another connection deletes everything.
          if (call === 2) wipe = new PersonaDb({ indexedDB: factory, IDBKeyRange }).delete();
        };
        return Promise.resolve(embedder);
      },
    });
    const result = await api.embedPersona({ personaId: 'p1', model: MODEL, source: { kind: 'hub' } }, () => undefined);
    await wipe;
    expect(result.ok ? null : result.error.code).toBe('store-deleted');
    expect((await factory.databases()).map((d) => d.name)).toEqual([]);
    const after = await api.retrieve({ personaId: 'p1', query: 'pizza', source: { kind: 'hub' } });
    expect(after.ok ? null : after.error.code).toBe('store-deleted');
    expect((await factory.databases()).map((d) => d.name)).toEqual([]);
  });
});

describe('holding jobs for the chat', () => {
  it('a held job finishes the batch in flight, then waits until released, and completes', async () => {
    const db = freshDb();
    await seed(db);
    let embedder: FakeEmbedder | undefined;
    const api = createEmbedApi(() => db, {
      probe: () => Promise.resolve({ available: false }),
      createEmbedder: ({ spec }) => {
        embedder = new FakeEmbedder(modelKey(spec));
        // Call 0 is the warm-up; the hold comes while the first real batch runs.
        embedder.onBatch = (call) => {
          if (call === 1) api.holdJobs(true);
        };
        return Promise.resolve(embedder);
      },
    });
    const running = api.embedPersona({ personaId: 'p1', model: MODEL, source: { kind: 'hub' } }, () => undefined);
    await expect.poll(() => getEmbedJob(db, 'p1').then((j) => j?.done)).toBeGreaterThan(0);
    const heldAt = (await getEmbedJob(db, 'p1'))?.done;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await getEmbedJob(db, 'p1'))?.done).toBe(heldAt);
    expect((await getEmbedJob(db, 'p1'))?.state).toBe('running');
    api.holdJobs(false);
    expect(await running).toMatchObject({ ok: true, value: { state: 'done', total: 13, embedded: 13 } });
  });

  it('a job started while held loads nothing until released', async () => {
    const db = freshDb();
    await seed(db);
    let created = 0;
    const api = createEmbedApi(() => db, {
      probe: () => Promise.resolve({ available: false }),
      createEmbedder: ({ spec }) => {
        created++;
        return Promise.resolve(new FakeEmbedder(modelKey(spec)));
      },
    });
    api.holdJobs(true);
    const running = api.embedPersona({ personaId: 'p1', model: MODEL, source: { kind: 'hub' } }, () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(created).toBe(0);
    api.holdJobs(false);
    expect(await running).toMatchObject({ ok: true, value: { state: 'done', embedded: 13 } });
  });
});
