// Pure parts of embedding: backend choice from adapter facts, batch size by measurement, settings read
// back from untrusted storage, what text each item embeds (and when it counts as changed), rate and ETA.
import { describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/lib/embed/backend';
import { BatchTuner } from '../../src/lib/embed/batching';
import { normalizeInPlace } from '../../src/lib/embed/embedder';
import { CATALOG, DEFAULT_MODEL, modelKey } from '../../src/lib/embed/models';
import { embedRate } from '../../src/lib/embed/progress-view';
import { DEFAULT_SETTINGS, isSafeModelId, normalizeBaseUrl, parseSettings, serializeSettings } from '../../src/lib/embed/settings';
import { MAX_EMBED_CHARS, clipTail, contextText, embedItems, textHash, turnRefId } from '../../src/lib/embed/texts';

describe('chooseBackend', () => {
  it('uses WASM without WebGPU, on fallback adapters and on software renderers', () => {
    expect(chooseBackend({ available: false }).backend).toBe('wasm');
    expect(chooseBackend({ available: true, isFallbackAdapter: true, vendor: 'nvidia' }).backend).toBe('wasm');
    // What headless Chromium reports here.
    expect(chooseBackend({ available: true, vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader Device (Subzero)' })).toEqual({
      backend: 'wasm',
      reason: 'The WebGPU adapter is software rendering (swiftshader).',
    });
    expect(chooseBackend({ available: true, description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }).backend).toBe('wasm');
    expect(chooseBackend({ available: true, description: 'Microsoft Basic Render Driver' }).backend).toBe('wasm');
    expect(chooseBackend({ available: true }).backend).toBe('wasm');
  });

  it('uses WebGPU on a real GPU', () => {
    expect(chooseBackend({ available: true, vendor: 'nvidia', architecture: 'ampere', isFallbackAdapter: false }).backend).toBe('webgpu');
    expect(chooseBackend({ available: true, vendor: 'apple', architecture: 'metal-3' }).backend).toBe('webgpu');
    // "cpu" must be a word: an architecture name containing the letters is still a GPU.
    expect(chooseBackend({ available: true, vendor: 'intel', architecture: 'gen-12lp', description: 'Intel(R) Iris(R) Xe Graphics' }).backend).toBe('webgpu');
  });
});

describe('BatchTuner', () => {
  it('tries each candidate once, then keeps the fastest by characters per millisecond', () => {
    const tuner = new BatchTuner([8, 16, 32]);
    const rates: Record<number, number> = { 8: 10, 16: 25, 32: 20 };
    const sizes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const size = tuner.next();
      sizes.push(size);
      tuner.record(size, rates[size] ?? 0, 1);
    }
    expect(sizes).toEqual([8, 16, 32, 16, 16, 16]);
    expect(tuner.chosen).toBe(16);
  });

  it('halves the chosen size when a batch takes too long', () => {
    const tuner = new BatchTuner([4, 8], 100);
    tuner.record(4, 100, 10);
    tuner.record(8, 400, 10);
    expect(tuner.chosen).toBe(8);
    tuner.record(8, 400, 500);
    expect(tuner.next()).toBe(4);
  });

  it('counts a too-slow trial as the slowest while still trying', () => {
    const tuner = new BatchTuner([4, 8], 100);
    tuner.record(4, 100, 10);
    tuner.record(8, 100_000, 150);
    expect(tuner.chosen).toBe(4);
  });
});

describe('settings', () => {
  it('round-trips and falls back to the default on anything unusable', () => {
    const custom = {
      source: { kind: 'custom' as const, baseUrl: 'https://models.example.org/mirror/' },
      model: { id: 'org/some-model', dtype: 'fp32' as const, dims: null, label: 'org/some-model' },
    };
    expect(parseSettings(serializeSettings(custom))).toEqual(custom);
    expect(parseSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings('{not json')).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings('42')).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings(JSON.stringify({ source: { kind: 'custom', baseUrl: 'javascript:alert(1)' } })).source).toEqual({ kind: 'hub' });
    expect(parseSettings(JSON.stringify({ model: { id: '../../etc/passwd' } })).model).toEqual(DEFAULT_SETTINGS.model);
    expect(parseSettings(JSON.stringify({ model: { id: DEFAULT_MODEL.id, dtype: 'int3' } })).model.dtype).toBe('q8');
  });

  it('validates base URLs and model ids', () => {
    expect(normalizeBaseUrl('https://example.org/models')).toBe('https://example.org/models/');
    expect(normalizeBaseUrl('ftp://example.org/')).toBeNull();
    expect(normalizeBaseUrl('not a url')).toBeNull();
    expect(isSafeModelId('Xenova/all-MiniLM-L6-v2')).toBe(true);
    expect(isSafeModelId('tiny-random-bert-minilm-tok')).toBe(true);
    expect(isSafeModelId('a/../b')).toBe(false);
    expect(isSafeModelId('/abs')).toBe(false);
    expect(isSafeModelId('https://x')).toBe(false);
  });

  it('offers a multilingual default and an English option, each with size and languages', () => {
    expect(DEFAULT_MODEL.languages).toMatch(/50\+ languages/);
    expect(CATALOG.map((m) => m.id)).toContain('Xenova/all-MiniLM-L6-v2');
    for (const model of CATALOG) expect(model.bytes).toBeGreaterThan(1_000_000);
    expect(modelKey({ id: 'a/b', dtype: 'q8' })).not.toBe(modelKey({ id: 'a/b', dtype: 'fp32' }));
  });
});

describe('embedded texts', () => {
  const line = (text: string) => ({ author: 'Bob', text, ts: '2024-01-01T10:00:00' });

  it('embeds pair contexts, the persona turns and memories, skipping empty texts and duplicate turns', () => {
    const items = embedItems({
      pairs: [
        { id: 'p1', context: [line('hi'), line('are you coming tonight?')], heldOut: false },
        { id: 'p2', context: [line('  ')], heldOut: true },
      ],
      turns: [
        { seq: 0, author: 'Alice', text: 'yes!', messageIds: ['m1'] },
        { seq: 1, author: 'Alice', text: 'yes again', messageIds: ['m1'] },
        { seq: 2, author: 'Alice', text: '', messageIds: ['m3'] },
      ],
      memories: [{ id: 'mem1', text: 'Alice has a dog called Rex' }],
    });
    expect(items.map((i) => [i.kind, i.refId, i.text])).toEqual([
      ['pair', 'p1', 'hi\nare you coming tonight?'],
      ['turn', 'm1', 'yes!'],
      ['memory', 'mem1', 'Alice has a dog called Rex'],
    ]);
  });

  it('keeps the end of long contexts, at a word boundary', () => {
    const long = `${'start '.repeat(200)}the question at the end?`;
    const clipped = contextText([line(long)]);
    expect(clipped.length).toBeLessThanOrEqual(MAX_EMBED_CHARS);
    expect(clipped.endsWith('the question at the end?')).toBe(true);
    expect(clipped.startsWith('start')).toBe(true);
    expect(clipTail('short')).toBe('short');
  });

  it('hashes the text so any change re-embeds, and ids turns by their first message', () => {
    expect(textHash('hello')).toBe(textHash('hello'));
    expect(textHash('hello')).not.toBe(textHash('hello!'));
    expect(turnRefId({ seq: 4, author: 'A', text: 'x', messageIds: ['id-9', 'id-10'] })).toBe('id-9');
    expect(turnRefId({ seq: 4, author: 'A', text: 'x', messageIds: [] })).toBe('seq-4');
  });
});

describe('rate and ETA', () => {
  it('counts only what this run embedded', () => {
    expect(embedRate({ done: 60, total: 100, startedAt: 40 }, 2000)).toEqual({ fraction: 0.6, perSecond: 10, etaSeconds: 4 });
    expect(embedRate({ done: 40, total: 100, startedAt: 40 }, 2000)).toEqual({ fraction: 0.4, perSecond: null, etaSeconds: null });
    expect(embedRate({ done: 0, total: 0, startedAt: 0 }, 0).fraction).toBe(1);
  });

  it('normalizes vectors to unit length', () => {
    const v = normalizeInPlace(Float32Array.from([3, 4]));
    expect(Array.from(v)).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    expect(Array.from(normalizeInPlace(new Float32Array(3)))).toEqual([0, 0, 0]);
  });
});
