// Retrieval: hybrid relevance finds the pairs, memories and turns a message is about, never returns
// held-out pairs or superseded memories, de-duplicates with MMR, and works end to end through the embed worker's API (fake embedder, real store).
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createEmbedApi } from '../../src/lib/embed/embed-api';
import type { EmbedProgress } from '../../src/lib/embed/embed-job';
import { modelKey, type ModelSpec } from '../../src/lib/embed/models';
import { contextText, turnRefId } from '../../src/lib/embed/texts';
import { Bm25 } from '../../src/lib/search/bm25';
import { hybridCandidates } from '../../src/lib/search/hybrid';
import { mmr } from '../../src/lib/search/mmr';
import {
  buildPersonaCorpus,
  retrieve,
  type MemorySource,
  type PairSource,
  type StoredVector,
  type TurnSource,
} from '../../src/lib/search/retrieve';
import { ExactIndex } from '../../src/lib/search/exact-index';
import { packVectors } from '../../src/lib/search/vector-index';
import { PersonaDb } from '../../src/lib/store/db';
import { FakeEmbedder, hashVector } from './embed-fake';
import { personaRow } from '../fixtures/store/persona-row';

const DIMS = 64;

const line = (text: string) => ({ author: 'Bob', text, ts: '2024-01-01T10:00:00' });
const pair = (id: string, context: string, reply: string, heldOut = false): PairSource => ({
  id,
  context: [line(context)],
  reply,
  replyTs: '2024-01-01T10:01:00',
  heldOut,
});
const memory = (id: string, text: string, supersededBy?: string): MemorySource => ({
  id,
  type: 'fact',
  text,
  subject: 'Alice',
  pinned: false,
  confidence: 0.8,
  ...(supersededBy === undefined ? {} : { supersededBy }),
});
const turn = (seq: number, text: string): TurnSource => ({ seq, author: 'Alice', text, startTs: '2024-01-01T10:00:00', messageIds: [`t${seq}`] });

const rows = {
  pairs: [
    pair('a', 'are we still on for pizza tonight?', 'yes!! pizza 🍕'),
    pair('b', 'how was the dentist', 'painful, never again'),
    pair('c', 'pizza tonight at Giulia place?', 'sure'),
    pair('d', 'pizza tonight at Giulia place?', 'sure sure'),
    pair('e', 'pizza or sushi tonight', 'sushi this time', true),
    pair('f', 'did you see the match yesterday', 'what a goal'),
  ],
  memories: [memory('m1', 'Alice works as a dentist assistant'), memory('m2', 'Alice lives in Rome', 'm3'), memory('m3', 'Alice lives in Milan')],
  turns: [turn(1, 'I love pizza more than anything'), turn(2, 'work was long today'), turn(3, 'moving to Milan next month')],
};

function storedVectors(): StoredVector[] {
  return [
    ...rows.pairs.map((p) => ({ kind: 'pair' as const, refId: p.id, vector: hashVector(contextText(p.context), DIMS) })),
    ...rows.memories.map((m) => ({ kind: 'memory' as const, refId: m.id, vector: hashVector(m.text, DIMS) })),
    ...rows.turns.map((t) => ({ kind: 'turn' as const, refId: turnRefId(t), vector: hashVector(t.text, DIMS) })),
  ];
}

function deps() {
  const corpus = buildPersonaCorpus('fake@q8', rows, storedVectors());
  return { corpus: () => Promise.resolve(corpus), embedQuery: (_model: string, text: string) => Promise.resolve(hashVector(text, DIMS)) };
}

describe('retrieve', () => {
  it('returns the relevant pairs with scores, never held-out ones, and de-duplicates', async () => {
    const result = await retrieve(deps(), 'p1', 'pizza tonight?', { k: 3 });
    if (result === null) throw new Error('no corpus');
    const ids = result.pairs.map((p) => p.id);
    expect(ids[0]).toMatch(/^[acd]$/);
    expect(ids).not.toContain('e');
    // c and d have the same context: only one of them comes back.
    expect(ids.filter((id) => id === 'c' || id === 'd')).toHaveLength(1);
    expect(ids).toContain('a');
    for (const p of result.pairs) {
      expect(p.score).toBeGreaterThan(0);
      expect(p.reply).not.toBe('');
    }
    for (let i = 1; i < result.pairs.length; i++) expect(result.pairs[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(result.pairs[i]?.score ?? 0);
    expect(result.searched).toEqual({ pairs: 6, memories: 3, turns: 3 });
  });

  it('finds memories and turns, skipping superseded memories', async () => {
    const result = await retrieve(deps(), 'p1', 'where does Alice live, Rome or Milan?', { k: 3 });
    if (result === null) throw new Error('no corpus');
    expect(result.memories[0]?.id).toBe('m3');
    expect(result.memories.map((m) => m.id)).not.toContain('m2');
    expect(result.turns[0]?.text).toBe('moving to Milan next month');
  });

  it('answers null for a persona without vectors, and nothing for k = 0', async () => {
    expect(await retrieve({ corpus: () => Promise.resolve(null), embedQuery: () => Promise.resolve(new Float32Array(DIMS)) }, 'p1', 'x')).toBeNull();
    const none = await retrieve(deps(), 'p1', 'pizza', { k: 0, kMemories: 0, kTurns: 0 });
    expect(none?.pairs).toEqual([]);
  });

  it('leaves out rows without vectors and vectors without rows', () => {
    const vectors = storedVectors().filter((v) => v.refId !== 'a');
    vectors.push({ kind: 'pair', refId: 'gone', vector: hashVector('gone', DIMS) });
    const corpus = buildPersonaCorpus('fake@q8', rows, vectors);
    expect(corpus.pairs.rows.map((p) => p.id)).toEqual(['b', 'c', 'd', 'e', 'f']);
  });
});

describe('hybrid and MMR', () => {
  const texts = ['Rex the dog is hungry', 'the cat sleeps', 'dinner is ready', 'walk the dog later'];
  // A useless embedder: every text gets the same vector, as a weak model nearly does.
  const same = texts.map(() => hashVector('constant', DIMS));
  const packed = packVectors(same, DIMS);
  const input = { query: 'feed rex', queryVector: hashVector('constant', DIMS), index: new ExactIndex(packed, DIMS), packed, bm25: new Bm25(texts), pool: 10 };

  it('lets a rare word decide when the vectors cannot tell texts apart', () => {
    expect(hybridCandidates(input, { alpha: 0.5, vectorNorm: 'raw' })[0]?.index).toBe(0);
    // Pure vector search has nothing to go on: the order is just the positions.
    expect(hybridCandidates(input, { alpha: 1, vectorNorm: 'raw' }).map((c) => c.index)).toEqual([0, 1, 2, 3]);
    expect(hybridCandidates({ ...input, query: 'walk' }, { alpha: 0, vectorNorm: 'minmax' })[0]?.index).toBe(3);
  });

  it('MMR trades relevance against similarity to what is already picked', () => {
    const items = [
      { index: 0, score: 1 },
      { index: 1, score: 0.95 },
      { index: 2, score: 0.6 },
    ];
    const similar = (a: number, b: number) => (a <= 1 && b <= 1 ? 0.99 : 0);
    expect(mmr(items, 2, similar, { lambda: 0.5 }).map((i) => i.index)).toEqual([0, 2]);
    expect(mmr(items, 2, similar, { lambda: 1 }).map((i) => i.index)).toEqual([0, 1]);
    expect(mmr(items, 3, () => 0, { textOf: (i) => (i === 2 ? 'A  b' : 'a b') }).map((i) => i.index)).toEqual([0]);
  });
});

describe('embed API', () => {
  it('embeds a persona with progress and then answers retrieve() with its pairs', async () => {
    const db = new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
    await db.personas.put(personaRow('p1', { personName: 'Alice' }));
    await db.pairs.bulkPut(
      rows.pairs.map((p) => ({ ...p, personaId: 'p1', replyBubbles: 1, contextTs: p.replyTs, contextMessageIds: [], replyMessageIds: [] })),
    );
    const model: ModelSpec = { id: 'test/fake', dtype: 'q8', dims: null, label: 'Fake' };
    const created: FakeEmbedder[] = [];
    const api = createEmbedApi(() => db, {
      probe: () => Promise.resolve({ available: true, architecture: 'swiftshader' }),
      createEmbedder: ({ spec, backend }) => {
        expect(backend).toBe('wasm');
        const embedder = new FakeEmbedder(modelKey(spec), DIMS);
        created.push(embedder);
        return Promise.resolve(embedder);
      },
    });
    expect((await api.capabilities()).choice.backend).toBe('wasm');
    const progress: EmbedProgress[] = [];
    const result = await api.embedPersona({ personaId: 'p1', model, source: { kind: 'local' } }, (p) => progress.push(p));
    expect(result).toMatchObject({ ok: true, value: { state: 'done', total: 6, embedded: 6 } });
    expect(progress.at(-1)).toMatchObject({ phase: 'embed', done: 6, total: 6 });
    expect(await db.embedJobs.get('p1')).toMatchObject({ model: { dims: DIMS } });

    const found = await api.retrieve({ personaId: 'p1', query: 'how was the dentist?', source: { kind: 'local' }, options: { k: 2 } });
    expect(found.ok && found.value?.pairs[0]?.id).toBe('b');
    // The loaded embedder is reused for queries (and was warmed up once).
    expect(created).toHaveLength(1);
    expect(created[0]?.batches[0]).toEqual(['warm up']);

    const unknown = await api.retrieve({ personaId: 'nobody', query: 'x', source: { kind: 'local' } });
    expect(unknown).toEqual({ ok: true, value: null });
  });

  it('turns a model that cannot load into an error result', async () => {
    const db = new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
    const api = createEmbedApi(() => db, {
      probe: () => Promise.resolve({ available: false }),
      createEmbedder: () => Promise.reject(new Error('404 model.onnx')),
    });
    const result = await api.embedPersona(
      { personaId: 'p1', model: { id: 'x/y', dtype: 'q8', dims: null, label: 'x' }, source: { kind: 'hub' } },
      () => undefined,
    );
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error.message).toContain('404 model.onnx');
  });
});
