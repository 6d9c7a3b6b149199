// The real embedder (all-MiniLM-L6-v2 from models:real, transformers.js in node): a query about a topic
// of the chat finds the real past exchange about that topic among all of the person's reply pairs,
// embedded as the app embeds them (contextText).
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeEmbedder } from '../../src/cli/eval-engines';
import { contextText } from '../../src/lib/embed/texts';
import { parseExport } from '../../src/lib/ingest/index';
import { messageIds, turnsWithIds } from '../../src/lib/ingest/normalize';
import { buildPairs } from '../../src/lib/persona/pairs';
import { ITALIAN_CHAT, MINILM_ID, requireRealModels, TRANSFORMERS_DIR } from './real-models';

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);

describe('real embedder retrieval', () => {
  beforeAll(requireRealModels);

  it('retrieves the real exchange about a topic for a query about that topic', async () => {
    const bytes = new Uint8Array(await readFile(ITALIAN_CHAT));
    const result = await parseExport({ name: 'chat.txt', bytes });
    const items = result.items.slice(0, 3000);
    const turns = turnsWithIds(items, messageIds(items), { maxGapMinutes: 5 });
    const pairs = buildPairs(turns, 'ROOT').pairs.filter((p) => contextText(p.context) !== '');
    expect(pairs.length).toBeGreaterThan(300);
    const embedder = await createNodeEmbedder({ embedModelId: MINILM_ID, embedDtype: 'q8', modelsDir: TRANSFORMERS_DIR, remote: false });
    try {
      const vectors: Float32Array[] = [];
      for (let i = 0; i < pairs.length; i += 32) vectors.push(...(await embedder.embed(pairs.slice(i, i + 32).map((p) => contextText(p.context)))));
      const [query] = await embedder.embed(['Che film hai visto oggi? Era in inglese?']);
      if (query === undefined) throw new Error('no query vector');
      const ranked = vectors.map((v, i) => ({ i, score: dot(query, v) })).sort((a, b) => b.score - a.score);
      const top = ranked.slice(0, 3).map((r) => pairs[r.i]);
      // The only exchange of these 3,000 lines about watching a film in English.
      expect(top.some((p) => p !== undefined && /film in inglese/i.test(contextText(p.context)))).toBe(true);
      // And not by accident: a query about something else does not rank it first.
      const [other] = await embedder.embed(['Sei arrivata in aeroporto? A che ora parte il volo?']);
      if (other === undefined) throw new Error('no query vector');
      const best = vectors.map((v, i) => ({ i, score: dot(other, v) })).sort((a, b) => b.score - a.score)[0];
      expect(/film in inglese/i.test(contextText(pairs[best?.i ?? 0]?.context ?? []))).toBe(false);
    } finally {
      await embedder.dispose();
    }
  });
});
