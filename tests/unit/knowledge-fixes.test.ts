// Knowledge edge cases: an underlined (setext) heading starts a chunk like `# Title`; chunking a file
// that is mostly whitespace stays linear; deleting a document takes only the chunks the embedding job
// counted off its totals (never done > total).
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { runEmbedJob } from '../../src/lib/embed/embed-job';
import { modelKey, type ModelSpec } from '../../src/lib/embed/models';
import { chunkText, prepareKnowledgeDoc } from '../../src/lib/persona/knowledge';
import { PersonaDb } from '../../src/lib/store/db';
import { addKnowledgeDoc, deleteKnowledgeDoc } from '../../src/lib/store/knowledge';
import { FakeEmbedder } from './embed-fake';
import { personaRow } from '../fixtures/store/persona-row';

/** A paragraph of `n` distinct words. */
function paragraph(seed: string, n: number): string {
  return Array.from({ length: n }, (_, i) => `${seed}${i}`).join(' ') + '.';
}

describe('chunking', () => {
  it('starts a new chunk at an underlined heading (=== and ---), without overlap across it', () => {
    for (const underline of ['===========', '-----------']) {
      const text = `${paragraph('a', 150)}\n\nSecond part\n${underline}\n\n${paragraph('b', 150)}`;
      const chunks = chunkText(text);
      const second = chunks.find((c) => c.text.startsWith('Second part'));
      expect(second, underline).toBeDefined();
      expect(chunks[chunks.indexOf(second!) - 1]?.text.includes('Second')).toBe(false);
    }
    // A line followed by a longer text, not by an underline, is no heading.
    const plain = `${paragraph('a', 150)}\n\nSecond part\nis just a sentence. ${paragraph('b', 150)}`;
    expect(chunkText(plain).some((c) => c.text.startsWith('Second part'))).toBe(false);
  });

  it('chunks a file that is mostly whitespace (trailing and between words) without empty or untrimmed chunks', () => {
    const words = paragraph('word', 20_000);
    const cases = [
      `${words}${' '.repeat(850_000)}`,
      Array.from({ length: 1000 }, (_, i) => `w${i}${'\n'.repeat(900)}`).join(''),
    ];
    for (const text of cases) {
      const chunks = chunkText(text);
      for (const c of chunks) {
        expect(text.slice(c.start, c.end)).toBe(c.text);
        expect(c.text.trim()).toBe(c.text);
        expect(c.text).not.toBe('');
      }
    }
  });
});

describe('deleting a document', () => {
  const MODEL: ModelSpec = { id: 'test/fake', dtype: 'q8', dims: null, label: 'Fake' };

  it('takes only chunks the embedding job counted off its totals', async () => {
    const db = new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
    await db.personas.put(personaRow('p1', { personName: 'Alice' }));
    const recipe = prepareKnowledgeDoc('recipes.md', `# Recipes\n\n${paragraph('filler', 150)}`);
    await addKnowledgeDoc(db, 'p1', recipe, 1);
    const embedder = new FakeEmbedder(modelKey(MODEL), 16);
    expect(await runEmbedJob({ db, embedder, model: MODEL, onProgress: () => undefined, now: () => 100 }, 'p1')).toMatchObject({ ok: true });
    const job = await db.embedJobs.get('p1');
    expect(job).toMatchObject({ done: recipe.chunks.length, total: recipe.chunks.length });

    // Added after the job planned: not in its counts, so deleting it changes nothing.
    const later = prepareKnowledgeDoc('later.md', paragraph('later', 400));
    await addKnowledgeDoc(db, 'p1', later, 200);
    expect(await deleteKnowledgeDoc(db, 'p1', later.id, 300)).toBe(true);
    expect(await db.embedJobs.get('p1')).toMatchObject({ done: recipe.chunks.length, total: recipe.chunks.length });

    // Counted and embedded: both counts drop by its chunks.
    expect(await deleteKnowledgeDoc(db, 'p1', recipe.id, 400)).toBe(true);
    expect(await db.embedJobs.get('p1')).toMatchObject({ done: 0, total: 0 });
  });

  it('never leaves done above total', async () => {
    const db = new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
    await db.personas.put(personaRow('p1', { personName: 'Alice' }));
    const doc = prepareKnowledgeDoc('a.md', paragraph('a', 400));
    await addKnowledgeDoc(db, 'p1', doc, 1);
    // A job row whose counts are already off (an older app version): deleting clamps done to total.
    await db.embedJobs.put({
      personaId: 'p1', modelId: modelKey(MODEL), model: { id: MODEL.id, dtype: MODEL.dtype, dims: 16, label: MODEL.label },
      state: 'done', done: 5, total: doc.chunks.length + 1, startedAt: 10, updatedAt: 10, finishedAt: 10,
      sourceStamp: '', backend: 'wasm', batchSize: null, error: null,
    });
    await deleteKnowledgeDoc(db, 'p1', doc.id, 20);
    const job = await db.embedJobs.get('p1');
    expect(job?.total).toBe(1);
    expect(job?.done).toBeLessThanOrEqual(job?.total ?? 0);
  });
});
