// Knowledge documents: decoding (.txt/.md, BOM, UTF-16, limits), titles, chunking (offsets, overlap,
// headings, no cut inside a word or an emoji), the store (one transaction, duplicates, delete with
// vectors), the embedding plan (chunks embedded, only new ones after an add) and hybrid retrieval.
import fc from 'fast-check';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { runEmbedJob } from '../../src/lib/embed/embed-job';
import { modelKey, type ModelSpec } from '../../src/lib/embed/models';
import { embedItems } from '../../src/lib/embed/texts';
import {
  CHUNK_OPTIONS,
  MAX_KNOWLEDGE_BYTES,
  chunkText,
  decodeKnowledgeFile,
  excerpt,
  knowledgeTitle,
  prepareKnowledgeDoc,
} from '../../src/lib/persona/knowledge';
import { AppError } from '../../src/lib/rpc/app-error';
import { buildPersonaCorpus, retrieve } from '../../src/lib/search/retrieve';
import { PersonaDb } from '../../src/lib/store/db';
import {
  addKnowledgeDoc,
  deleteKnowledgeDoc,
  knowledgeStatus,
  listDocChunks,
  listKnowledgeDocs,
  loadKnowledgeSources,
} from '../../src/lib/store/knowledge';
import { FakeEmbedder, hashVector } from './embed-fake';
import { personaRow } from '../fixtures/store/persona-row';

const utf8 = (s: string) => new TextEncoder().encode(s);

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not-an-app-error';
  }
  return 'no-error';
}

/** A paragraph of `n` distinct words. */
function paragraph(seed: string, n: number): string {
  return Array.from({ length: n }, (_, i) => `${seed}${i}`).join(' ') + '.';
}

describe('decoding knowledge files', () => {
  it('reads UTF-8 with and without a BOM, UTF-16 LE, and normalizes line endings', () => {
    expect(decodeKnowledgeFile(utf8('Hello\r\nworld'), 'a.txt')).toBe('Hello\nworld');
    expect(decodeKnowledgeFile(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('Grüße')]), 'a.md')).toBe('Grüße');
    const text = 'Ciao 👋 notes';
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      bytes[2 + i * 2] = unit & 0xff;
      bytes[3 + i * 2] = unit >> 8;
    }
    expect(decodeKnowledgeFile(bytes, 'u16.txt')).toBe(text);
  });

  it('refuses other extensions, empty, binary and too-large files with a sentence naming the file', () => {
    expect(codeOf(() => decodeKnowledgeFile(utf8('x'), 'photo.jpg'))).toBe('knowledge-not-text');
    expect(codeOf(() => decodeKnowledgeFile(new Uint8Array(0), 'empty.txt'))).toBe('knowledge-empty');
    expect(codeOf(() => decodeKnowledgeFile(utf8(' \n\t '), 'blank.md'))).toBe('knowledge-empty');
    expect(codeOf(() => decodeKnowledgeFile(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), 'image.txt'))).toBe('knowledge-binary');
    expect(codeOf(() => decodeKnowledgeFile(new Uint8Array(MAX_KNOWLEDGE_BYTES + 1).fill(0x61), 'big.txt'))).toBe('knowledge-too-large');
    try {
      decodeKnowledgeFile(new Uint8Array(0), 'empty.txt');
    } catch (error) {
      expect((error as AppError).message).toContain('"empty.txt"');
      expect((error as AppError).file).toBe('empty.txt');
    }
  });
});

describe('titles', () => {
  it('takes the first markdown heading, else the file name', () => {
    expect(knowledgeTitle('intro\n\n## Recipes  ##\ntext\n# Later', 'x.md')).toBe('Recipes');
    expect(knowledgeTitle('Holiday plans\n=====\n\nbody', 'x.md')).toBe('Holiday plans');
    expect(knowledgeTitle('just text', 'letters/to mum.txt')).toBe('to mum');
    expect(knowledgeTitle('#hashtag is not a heading', '.notes')).toBe('.notes');
  });
});

describe('chunking', () => {
  it('keeps a short text whole and trims it, with its offsets', () => {
    const text = '\n\n  Short note.  \n';
    expect(chunkText(text)).toEqual([{ text: 'Short note.', start: 4, end: 15 }]);
  });

  it('cuts long text at paragraphs within the size range, with offsets into the document and an overlap', () => {
    const text = Array.from({ length: 20 }, (_, i) => paragraph(`w${i}x`, 30)).join('\n\n');
    const chunks = chunkText(text);
    expect(chunks.length).toBeGreaterThan(3);
    for (const [i, c] of chunks.entries()) {
      expect(text.slice(c.start, c.end)).toBe(c.text);
      expect(c.text.length).toBeLessThanOrEqual(CHUNK_OPTIONS.max);
      if (i < chunks.length - 1) expect(c.text.length).toBeGreaterThanOrEqual(CHUNK_OPTIONS.min - CHUNK_OPTIONS.overlap);
      const next = chunks[i + 1];
      // Overlap: the next chunk starts inside this one, at most `overlap` characters before its end.
      if (next !== undefined) {
        expect(next.start).toBeLessThan(c.end);
        expect(c.end - next.start).toBeLessThanOrEqual(CHUNK_OPTIONS.overlap + 20);
      }
    }
    // Every character of the document is in some chunk (no gaps).
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]?.start ?? 0).toBeLessThanOrEqual(chunks[i - 1]?.end ?? 0);
  });

  it('starts a new chunk at a heading, without overlap across it', () => {
    const text = `${paragraph('a', 150)}\n\n# Second part\n\n${paragraph('b', 150)}`;
    const chunks = chunkText(text);
    const second = chunks.find((c) => c.text.startsWith('# Second part'));
    expect(second).toBeDefined();
    const before = chunks[chunks.indexOf(second!) - 1];
    expect(before?.text.includes('Second')).toBe(false);
  });

  it('never cuts inside a word, a surrogate pair or an emoji sequence (property)', () => {
    const word = fc.constantFrom('alpha', 'beta', 'Grüße', '👨‍👩‍👧', '🇮🇹', 'café', '東京', 'x');
    const sep = fc.constantFrom(' ', ' ', '\n', '\n\n', '. ', '! ');
    fc.assert(
      fc.property(fc.array(fc.tuple(word, sep), { minLength: 1, maxLength: 600 }), (parts) => {
        const text = parts.map(([w, s]) => w + s).join('');
        const words = new Set<string>(parts.map(([w]) => w));
        for (const c of chunkText(text, { min: 60, max: 120, overlap: 20 })) {
          expect(text.slice(c.start, c.end)).toBe(c.text);
          expect(/\s/.test(text[c.start - 1] ?? ' ')).toBe(true);
          expect(/\s/.test(text[c.end] ?? ' ')).toBe(true);
          for (const token of c.text.split(/[\s.!]+/).filter((t) => t !== '')) expect(words.has(token)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('cuts text without spaces at word-segment boundaries, never inside a surrogate pair', () => {
    const text = '東京の天気は晴れです😀'.repeat(200);
    const chunks = chunkText(text, { min: 100, max: 200, overlap: 0 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(200);
      expect(/^[\udc00-\udfff]/.test(c.text)).toBe(false);
      expect(/[\ud800-\udbff]$/.test(c.text)).toBe(false);
    }
    expect(chunks.map((c) => c.text).join('')).toBe(text);
  });

  it('gives stable ids from the content and position', () => {
    const a = prepareKnowledgeDoc('a.md', `# T\n\n${paragraph('z', 300)}`);
    const b = prepareKnowledgeDoc('renamed.md', `# T\n\n${paragraph('z', 300)}`);
    expect(a.id).toBe(b.id);
    expect(a.chunks.map((c) => c.id)).toEqual(b.chunks.map((c) => c.id));
    expect(new Set(a.chunks.map((c) => c.id)).size).toBe(a.chunks.length);
    expect(prepareKnowledgeDoc('c.md', 'other').id).not.toBe(a.id);
    expect(excerpt('word '.repeat(100), 30).length).toBeLessThanOrEqual(31);
  });
});

// ---------------------------------------------------------------------------------------------------
// Store, embedding plan and retrieval

const DIMS = 64;
const MODEL: ModelSpec = { id: 'test/fake', dtype: 'q8', dims: null, label: 'Fake' };

async function freshDb(): Promise<PersonaDb> {
  const db = new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
  await db.personas.put(personaRow('p1', { personName: 'Alice' }));
  await db.memories.put({ id: 'm1', personaId: 'p1', type: 'fact', text: 'Alice likes tea', subject: 'Alice', pinned: false, confidence: 1, origin: 'user', createdAt: 1, updatedAt: 1 } as never);
  return db;
}

const RECIPE = `# Grandma's recipes\n\nThe zabaglione needs six yolks, sugar and marsala, whisked over a water bath.\n\n${paragraph('filler', 150)}`;
const TRIP = `Notes about the trip to Lisbon: the hotel was near the river and the tram 28 stops outside.`;

describe('knowledge store', () => {
  it('adds a document with its chunks in one go and refuses the same text twice', async () => {
    const db = await freshDb();
    const doc = prepareKnowledgeDoc('recipes.md', RECIPE);
    const row = await addKnowledgeDoc(db, 'p1', doc, 10);
    expect(row).toMatchObject({ fileName: 'recipes.md', title: "Grandma's recipes", chunkCount: doc.chunks.length });
    expect((await listDocChunks(db, 'p1', doc.id)).map((c) => c.text)).toEqual(doc.chunks.map((c) => c.text));
    await expect(addKnowledgeDoc(db, 'p1', prepareKnowledgeDoc('copy.md', RECIPE))).rejects.toMatchObject({ code: 'knowledge-duplicate' });
    await expect(addKnowledgeDoc(db, 'nobody', prepareKnowledgeDoc('x.md', TRIP))).rejects.toMatchObject({ code: 'persona-missing' });
    // Nothing half-written for the refused ones.
    expect(await db.knowledgeDocs.count()).toBe(1);
    expect(await db.knowledgeChunks.count()).toBe(doc.chunks.length);
  });

  it('embeds chunks with the persona, only new ones after an add, and deletes a document with its vectors', async () => {
    const db = await freshDb();
    const recipe = prepareKnowledgeDoc('recipes.md', RECIPE);
    await addKnowledgeDoc(db, 'p1', recipe);
    const embedder = new FakeEmbedder(modelKey(MODEL), DIMS);
    const first = await runEmbedJob({ db, embedder, model: MODEL, onProgress: () => undefined }, 'p1');
    expect(first).toMatchObject({ ok: true, value: { embedded: 1 + recipe.chunks.length } });
    expect(embedder.embeddedTexts).toContain(recipe.chunks[0]?.text);
    expect((await knowledgeStatus(db, 'p1')).map((s) => s.embedded)).toEqual([recipe.chunks.length]);

    const trip = prepareKnowledgeDoc('trip.txt', TRIP);
    await addKnowledgeDoc(db, 'p1', trip);
    expect((await knowledgeStatus(db, 'p1')).find((s) => s.doc.id === trip.id)?.embedded).toBe(0);
    const before = embedder.embeddedTexts.length;
    const second = await runEmbedJob({ db, embedder, model: MODEL, onProgress: () => undefined }, 'p1');
    expect(second).toMatchObject({ ok: true, value: { embedded: 1, alreadyStored: 1 + recipe.chunks.length } });
    expect(embedder.embeddedTexts.slice(before)).toEqual([TRIP]);

    const job = await db.embedJobs.get('p1');
    expect(await deleteKnowledgeDoc(db, 'p1', recipe.id)).toBe(true);
    expect(await deleteKnowledgeDoc(db, 'p1', recipe.id)).toBe(false);
    expect(await db.knowledgeChunks.where('[personaId+docId]').equals(['p1', recipe.id]).count()).toBe(0);
    const kinds = (await db.vectors.toArray()).map((v) => `${v.kind}:${v.refId}`);
    expect(kinds.sort()).toEqual(['knowledge:' + (trip.chunks[0]?.id ?? ''), 'memory:m1'].sort());
    expect(await db.embedJobs.get('p1')).toMatchObject({ done: (job?.done ?? 0) - recipe.chunks.length, total: (job?.total ?? 0) - recipe.chunks.length });
    expect((await listKnowledgeDocs(db, 'p1')).map((d) => d.fileName)).toEqual(['trip.txt']);
  });

  it('plans knowledge chunks like memories (trimmed, empty ones skipped)', () => {
    const items = embedItems({ pairs: [], turns: [], memories: [], knowledge: [{ id: 'k1', text: '  fact  ' }, { id: 'k2', text: ' ' }] });
    expect(items.map((i) => [i.kind, i.refId, i.text])).toEqual([['knowledge', 'k1', 'fact']]);
  });

  it('retrieves the chunk sharing a rare word with the query, with its source, through the stored rows', async () => {
    const db = await freshDb();
    await addKnowledgeDoc(db, 'p1', prepareKnowledgeDoc('recipes.md', RECIPE));
    await addKnowledgeDoc(db, 'p1', prepareKnowledgeDoc('trip.txt', TRIP));
    const knowledge = await loadKnowledgeSources(db, 'p1');
    const vectors = knowledge.map((k) => ({ kind: 'knowledge' as const, refId: k.id, vector: hashVector(k.text, DIMS) }));
    const corpus = buildPersonaCorpus('fake@q8', { pairs: [], memories: [], turns: [], knowledge }, vectors);
    const found = await retrieve(
      { corpus: () => Promise.resolve(corpus), embedQuery: (_m, text) => Promise.resolve(hashVector(text, DIMS)) },
      'p1',
      'how do you make zabaglione?',
    );
    expect(found?.knowledge[0]).toMatchObject({ fileName: 'recipes.md', title: "Grandma's recipes" });
    expect(found?.knowledge[0]?.text).toContain('zabaglione');
    expect(found?.knowledge[0]?.lexicalScore).toBeGreaterThan(0);
    expect(found?.searched.knowledge).toBe(knowledge.length);

    // With vectors that cannot tell the chunks apart (as with random weights), BM25 alone still decides.
    const flat = knowledge.map((k) => ({ kind: 'knowledge' as const, refId: k.id, vector: hashVector('same', DIMS) }));
    const blind = buildPersonaCorpus('fake@q8', { pairs: [], memories: [], turns: [], knowledge }, flat);
    for (const query of ['zabaglione please', 'which tram was it?']) {
      const hit = await retrieve(
        { corpus: () => Promise.resolve(blind), embedQuery: () => Promise.resolve(hashVector('same', DIMS)) },
        'p1',
        query,
      );
      expect(hit?.knowledge[0]?.text).toContain(query.startsWith('zab') ? 'zabaglione' : 'tram 28');
    }
  });
});
