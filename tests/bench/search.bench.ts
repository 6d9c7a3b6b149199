// `npm run bench:search`: the exact scan against voy-search at 1k / 10k / 100k real-shape vectors (build
// time, query p50/p95, memory, bytes stored, recall@10 against exact), then the hybrid mix tuned on the
// fixture retrieval test set. Prints one JSON object on stdout; progress goes to stderr.
// Vectors: reply contexts of the largest real chat, embedded in Chromium by the real engine with the
// MiniLM-shape model (cached in tests/.tmp, keyed by model and texts). Sizes beyond the real count are
// filled with realistic synthetic vectors: a real vector plus Gaussian noise scaled so the new vector sits
// at the real set's median nearest-neighbour similarity (same anisotropy, same local density).
// Usage: node --expose-gc --import tsx tests/bench/search.bench.ts [--queries 200] [--sizes 1000,10000,100000]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ModelSpec } from '../../src/lib/embed/models';
import { textHash } from '../../src/lib/embed/texts';
import { KindCorpus, type CorpusEntry } from '../../src/lib/search/corpus';
import { ExactIndex } from '../../src/lib/search/exact-index';
import type { HybridParams } from '../../src/lib/search/hybrid';
import { packVectors, type VectorIndex } from '../../src/lib/search/vector-index';
import { VoyIndex, initVoy, voyMemoryBytes } from './voy-index';
import { openBenchPage } from './embed-harness';
import type { EmbedBenchApi } from './embed-worker';
import { buildTestSet, scoreRanking } from './search-testset';

const MODEL: ModelSpec = { id: 'all-MiniLM-L6-v2-randomweights', dtype: 'q8', dims: 384, label: 'MiniLM-L6 shape (random weights)' };
const CACHE = fileURLToPath(new URL('../.tmp/', import.meta.url));
const require = createRequire(import.meta.url);
const log = (line: string) => process.stderr.write(`${line}\n`);

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}
const QUERIES = Number(arg('--queries', '200'));
const SIZES = arg('--sizes', '1000,10000,100000').split(',').map(Number);

// ---- vectors of real chat text, embedded in the browser (cached) ----

async function embedTexts(texts: string[]): Promise<{ dims: number; packed: Float32Array }> {
  const key = textHash(`${MODEL.id}@${MODEL.dtype}\n${texts.join('\n')}`);
  const file = `${CACHE}search-bench-${key}.f32`;
  if (existsSync(file)) {
    const bytes = readFileSync(file);
    const packed = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
    log(`vectors: ${texts.length} from cache`);
    return { dims: packed.length / texts.length, packed };
  }
  log(`vectors: embedding ${texts.length} texts in Chromium (cached afterwards)`);
  const harness = await openBenchPage(4192);
  try {
    // Sorted by length so batches pad little; put back in order afterwards.
    const order = texts.map((t, i) => i).sort((a, b) => (texts[a]?.length ?? 0) - (texts[b]?.length ?? 0));
    const sorted = order.map((i) => texts[i] ?? '');
    const result = await harness.page.evaluate(
      async ([spec, t]) => {
        const r = await (window as unknown as { embedBench: EmbedBenchApi }).embedBench.embedAll(spec, t, 32);
        const bytes = new Uint8Array(r.packed.buffer);
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return { dims: r.dims, ms: r.ms, base64: btoa(binary) };
      },
      [MODEL, sorted] as const,
    );
    log(`vectors: embedded in ${(result.ms / 1000).toFixed(1)} s (${((texts.length / result.ms) * 1000).toFixed(1)} sentences/s)`);
    const sortedPacked = new Float32Array(new Uint8Array(Buffer.from(result.base64, 'base64')).buffer);
    const packed = new Float32Array(sortedPacked.length);
    order.forEach((original, position) => packed.set(sortedPacked.subarray(position * result.dims, (position + 1) * result.dims), original * result.dims));
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(file, Buffer.from(packed.buffer));
    return { dims: result.dims, packed };
  } finally {
    await harness.close();
  }
}

// ---- helpers ----

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

function row(packed: Float32Array, i: number, dims: number): Float32Array {
  return packed.subarray(i * dims, (i + 1) * dims);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Median cosine of each real vector to its nearest other real vector (sampled). */
function medianNearest(packed: Float32Array, dims: number, count: number): number {
  const index = new ExactIndex(packed.subarray(0, count * dims), dims);
  const sims: number[] = [];
  for (let i = 0; i < Math.min(count, 300); i++) sims.push(index.search(row(packed, i, dims), 2)[1]?.score ?? 1);
  sims.sort((a, b) => a - b);
  return percentile(sims, 0.5);
}

/** `size` vectors: the real ones first, then real-plus-noise ones at the real nearest-neighbour similarity. */
function expand(real: Float32Array, dims: number, realCount: number, size: number, target: number, seed = 1): Float32Array {
  const out = new Float32Array(size * dims);
  const take = Math.min(size, realCount);
  out.set(real.subarray(0, take * dims));
  const sigma = Math.sqrt(Math.max(1 / (target * target) - 1, 1e-6) / dims);
  const rand = rng(seed);
  for (let i = take; i < size; i++) {
    const base = row(real, Math.floor(rand() * realCount), dims);
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      const x = (base[d] ?? 0) + sigma * gaussian(rand);
      out[i * dims + d] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    for (let d = 0; d < dims; d++) out[i * dims + d] = (out[i * dims + d] ?? 0) / norm;
  }
  return out;
}

// ---- main ----

const testSet = buildTestSet(QUERIES);
const contexts = testSet.pairs.map((p) => p.context);
const { dims, packed: all } = await embedTexts(contexts);
const trainCount = testSet.trainSize;
const queryVectors = testSet.queries.map((q) => row(all, q.pair, dims));
const target = medianNearest(all, dims, trainCount);
log(`real vectors: ${trainCount} (+${contexts.length - trainCount} held out), median nearest-neighbour cosine ${target.toFixed(4)}`);

await initVoy(() => readFile(require.resolve('voy-search/voy_search_bg.wasm')));

interface IndexRow {
  index: 'exact' | 'voy';
  vectors: number;
  realVectors: number;
  buildMs: number;
  queryP50Ms: number;
  queryP95Ms: number;
  memoryBytes: number;
  storedBytes: number;
  recallAt10: number;
  error?: string;
}

const table: IndexRow[] = [];
for (const size of SIZES) {
  const packed = expand(all, dims, trainCount, size, target);
  const exactTop = new Map<number, number[]>();
  for (const name of ['exact', 'voy'] as const) {
    log(`index: ${name} at ${size}`);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const wasmBefore = await voyMemoryBytes();
    let index: VectorIndex;
    // Build = what the app does with the rows read from IndexedDB: pack them, then index.
    const rows = Array.from({ length: size }, (_, i) => row(packed, i, dims));
    const started = performance.now();
    try {
      const fresh = packVectors(rows, dims);
      index = name === 'voy' ? new VoyIndex(fresh, dims) : new ExactIndex(fresh, dims);
    } catch (error) {
      table.push({ index: name, vectors: size, realVectors: Math.min(size, trainCount), buildMs: round(performance.now() - started), queryP50Ms: 0, queryP95Ms: 0, memoryBytes: 0, storedBytes: 0, recallAt10: 0, error: String(error) });
      continue;
    }
    const buildMs = performance.now() - started;
    gc();
    const memoryBytes =
      name === 'exact' ? size * dims * 4 : Math.max(0, process.memoryUsage().heapUsed - heapBefore) + ((await voyMemoryBytes()) - wasmBefore);
    const times: number[] = [];
    let recall = 0;
    queryVectors.forEach((q, qi) => {
      const t0 = performance.now();
      const found = index.search(q, 10).map((n) => n.index);
      times.push(performance.now() - t0);
      if (name === 'exact') exactTop.set(qi, found);
      const truth = new Set(exactTop.get(qi) ?? []);
      recall += found.filter((i) => truth.has(i)).length / Math.max(1, truth.size);
    });
    times.sort((a, b) => a - b);
    let storedBytes = 0;
    try {
      storedBytes = index.serializedBytes();
    } catch (error) {
      storedBytes = -1;
      log(`  serialize failed: ${String(error)}`);
    }
    table.push({
      index: name,
      vectors: size,
      realVectors: Math.min(size, trainCount),
      buildMs: round(buildMs),
      queryP50Ms: round(percentile(times, 0.5), 3),
      queryP95Ms: round(percentile(times, 0.95), 3),
      memoryBytes,
      storedBytes,
      recallAt10: round(recall / queryVectors.length, 4),
    });
    log(`  ${JSON.stringify(table.at(-1))}`);
    index.dispose();
  }
}

// ---- hybrid mix on the retrieval test set ----

const entries: CorpusEntry<number>[] = testSet.pairs.slice(0, trainCount).map((p, i) => ({ row: i, text: p.context, vector: row(all, i, dims), eligible: true }));
const corpus = new KindCorpus(entries, dims);
function evaluate(params: HybridParams, lambda = 1) {
  let recall = 0;
  let mrr = 0;
  let ndcg = 0;
  for (const q of testSet.queries) {
    const ranked = corpus.search(testSet.pairs[q.pair]?.context ?? '', row(all, q.pair, dims), 10, { params, lambda, pool: 100 }).map((r) => r.row);
    const s = scoreRanking(ranked, new Set(q.relevant));
    recall += s.recall;
    mrr += s.mrr;
    ndcg += s.ndcg;
  }
  const n = testSet.queries.length;
  return { alpha: params.alpha, vectorNorm: params.vectorNorm, lambda, recallAt10: round(recall / n, 4), mrr: round(mrr / n, 4), ndcgAt10: round(ndcg / n, 4) };
}
const grid = [];
for (const vectorNorm of ['raw', 'minmax'] as const) {
  for (const alpha of [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]) grid.push(evaluate({ alpha, vectorNorm }));
}
const mmrEffect = [1, 0.85, 0.7, 0.5].map((lambda) => evaluate({ alpha: 0.5, vectorNorm: 'raw' }, lambda));
const randomBaseline = testSet.queries.reduce((s, q) => s + Math.min(10, q.relevant.length) / Math.min(10, q.relevant.length) * (q.relevant.length / trainCount), 0) / testSet.queries.length;

process.stdout.write(
  `${JSON.stringify(
    {
      bench: 'search',
      model: MODEL,
      machine: { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg().map((l) => round(l, 1)) },
      vectors: {
        dims,
        real: trainCount,
        source: 'reply contexts of whatsapp/it/nmoya__22_OW_MT_2012_large.txt, embedded by transformers.js in Chromium',
        synthetic: 'beyond the real count: real vector + Gaussian noise at the real median nearest-neighbour cosine',
        medianNearestCosine: round(target, 4),
      },
      queries: queryVectors.length,
      indexes: table,
      hybrid: {
        testSet: { candidates: trainCount, queries: testSet.queries.length, medianRelevant: [...testSet.queries.map((q) => q.relevant.length)].sort((a, b) => a - b)[Math.floor(testSet.queries.length / 2)] },
        precisionOfRandomPick: round(randomBaseline, 4),
        grid,
        mmr: mmrEffect,
      },
    },
    null,
    2,
  )}\n`,
);
