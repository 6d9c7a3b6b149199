// Benchmark worker: the app's transformers.js adapter on a chosen backend, timed per batch size, and a
// bulk embedder for the search benchmark. Runs in the browser (WASM / WebGPU exist only there).
import { expose } from 'comlink';
import { chooseBackend, probeAdapter, type Backend } from '../../src/lib/embed/backend';
import type { Embedder } from '../../src/lib/embed/embedder';
import type { ModelSpec } from '../../src/lib/embed/models';
import { currentThreadContext, ortThreadCount } from '../../src/lib/embed/threads';
import { createTransformersEmbedder } from '../../src/lib/embed/transformers-embedder';

const loaded = new Map<string, Promise<Embedder>>();

function embedder(spec: ModelSpec, backend: Backend, threads?: number): Promise<Embedder> {
  const key = `${spec.id}@${spec.dtype}|${backend}`;
  let found = loaded.get(key);
  if (found === undefined) {
    found = createTransformersEmbedder({ spec, source: { kind: 'local' }, backend, ...(threads === undefined ? {} : { threads }) });
    loaded.set(key, found);
  }
  return found;
}

export interface BatchTiming {
  batchSize: number;
  sentences: number;
  ms: number;
  sentencesPerSecond: number;
}

const api = {
  async adapter() {
    const facts = await probeAdapter();
    return { facts, choice: chooseBackend(facts), crossOriginIsolated: self.crossOriginIsolated, cores: navigator.hardwareConcurrency };
  },

  /** The thread count ONNX Runtime gets in this worker for a request (undefined: the app's default). */
  threadCount(requested?: number): number {
    return ortThreadCount(currentThreadContext(), requested);
  },

  /** Embeds `texts` in batches of each size (after one warm-up batch) within a time budget per size. */
  async timeBatches(spec: ModelSpec, backend: Backend, texts: string[], sizes: number[], budgetMs: number, threads?: number): Promise<BatchTiming[]> {
    const e = await embedder(spec, backend, threads);
    await e.embed(texts.slice(0, Math.min(4, texts.length)));
    const out: BatchTiming[] = [];
    for (const size of sizes) {
      let done = 0;
      const started = performance.now();
      while (done < texts.length && performance.now() - started < budgetMs) {
        const batch = texts.slice(done, done + size);
        await e.embed(batch);
        done += batch.length;
      }
      const ms = performance.now() - started;
      out.push({ batchSize: size, sentences: done, ms: Math.round(ms), sentencesPerSecond: Math.round((done / ms) * 10000) / 10 });
    }
    return out;
  },

  /** Embeds everything (batch `size`), returned packed, for the search benchmark. */
  async embedAll(spec: ModelSpec, texts: string[], size: number): Promise<{ dims: number; packed: Float32Array; ms: number }> {
    const e = await embedder(spec, 'wasm');
    const started = performance.now();
    const vectors: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += size) vectors.push(...(await e.embed(texts.slice(i, i + size))));
    const dims = vectors[0]?.length ?? 0;
    const packed = new Float32Array(vectors.length * dims);
    vectors.forEach((v, i) => packed.set(v, i * dims));
    return { dims, packed, ms: performance.now() - started };
  },
};

export type EmbedBenchApi = typeof api;
expose(api);
