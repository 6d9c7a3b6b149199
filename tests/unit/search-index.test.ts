// Vector indexes: the app's exact scan and the voy index bench:search compares it with return the same
// neighbours with exact cosine scores, honour filters, and reject vectors of the wrong size. Voy's wasm is
// read from the installed package and instantiated by hand.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeInPlace } from '../../src/lib/embed/embedder';
import { ExactIndex } from '../../src/lib/search/exact-index';
import { TopK, dot, packVectors } from '../../src/lib/search/vector-index';
import { VoyIndex, initVoy } from '../bench/voy-index';

const require = createRequire(import.meta.url);

/** Deterministic pseudo-random unit vectors (mulberry32), clustered around a few centres like real embeddings. */
function vectors(count: number, dims: number, seed = 7): Float32Array[] {
  let a = seed;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  const centres = Array.from({ length: 8 }, () => Float32Array.from({ length: dims }, rand));
  return Array.from({ length: count }, (_, i) => {
    const c = centres[i % centres.length] as Float32Array;
    return normalizeInPlace(Float32Array.from(c, (x) => x + rand() * 0.8));
  });
}

function bruteForce(all: Float32Array[], query: Float32Array, k: number): number[] {
  return all
    .map((v, index) => ({ index, score: v.reduce((s, x, d) => s + x * (query[d] ?? 0), 0) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((n) => n.index);
}

beforeAll(async () => {
  await initVoy(() => readFile(require.resolve('voy-search/voy_search_bg.wasm')));
});

describe.each([
  ['exact', (packed: Float32Array, dims: number) => new ExactIndex(packed, dims)],
  ['voy', (packed: Float32Array, dims: number) => new VoyIndex(packed, dims)],
] as const)('%s index', (_name, build) => {
  const dims = 48;
  const all = vectors(600, dims);
  const packed = packVectors(all, dims);

  it('finds the true nearest neighbours with exact cosine scores', () => {
    const index = build(packed, dims);
    expect(index.size).toBe(600);
    for (const query of vectors(10, dims, 99)) {
      const found = index.search(query, 10);
      expect(found.map((n) => n.index)).toEqual(bruteForce(all, query, 10));
      for (const n of found) expect(n.score).toBeCloseTo(dot(packed, n.index, dims, query), 5);
      for (let i = 1; i < found.length; i++) expect(found[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(found[i]?.score ?? 0);
    }
    index.dispose();
  });

  it('returns only accepted positions, still the best of them', () => {
    const index = build(packed, dims);
    const query = vectors(1, dims, 5)[0] as Float32Array;
    const even = (i: number) => i % 2 === 0;
    const found = index.search(query, 5, even);
    expect(found).toHaveLength(5);
    expect(found.every((n) => even(n.index))).toBe(true);
    const expected = bruteForce(all, query, 600).filter(even).slice(0, 5);
    expect(found.map((n) => n.index)).toEqual(expected);
    index.dispose();
  });

  it('rejects a query of the wrong size, and packs only equal-sized vectors', () => {
    const index = build(packed, dims);
    expect(() => index.search(new Float32Array(dims + 1), 3)).toThrow(/dimensions/);
    expect(() => packVectors([new Float32Array(3), new Float32Array(4)], 3)).toThrow(/dimensions/);
    index.dispose();
  });

  it('reports how many bytes a stored copy would take', () => {
    const index = build(packed, dims);
    expect(index.serializedBytes()).toBeGreaterThanOrEqual(packed.byteLength);
    index.dispose();
  });
});

describe('TopK', () => {
  it('keeps the k best, best first, ignoring worse ones once full', () => {
    const top = new TopK(3);
    for (const [i, s] of [[0, 0.1], [1, 0.9], [2, 0.5], [3, 0.7], [4, 0.2]] as const) top.push(i, s);
    expect(top.items).toEqual([
      { index: 1, score: 0.9 },
      { index: 3, score: 0.7 },
      { index: 2, score: 0.5 },
    ]);
    const none = new TopK(0);
    none.push(0, 1);
    expect(none.items).toEqual([]);
  });
});
