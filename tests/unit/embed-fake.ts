// Test-only Embedder: feature hashing of the words of a text into a fixed number of dimensions, then
// unit length. Deterministic and fast, with a crude sense of similarity (shared words), so retrieval
// and job tests run without a model. It records every batch, and can be told to fail or block.
import type { Backend } from '../../src/lib/embed/backend';
import { normalizeInPlace, type Embedder } from '../../src/lib/embed/embedder';
import { hashPair } from '../../src/lib/ingest/hash';
import { tokenize } from '../../src/lib/search/tokenize';

export function hashVector(text: string, dims: number): Float32Array {
  const v = new Float32Array(dims);
  for (const word of tokenize(text)) {
    const [h1, h2] = hashPair(word);
    v[h1 % dims] = (v[h1 % dims] ?? 0) + (h2 % 2 === 0 ? 1 : -1);
  }
  // A small constant component keeps empty/unknown texts from being the zero vector.
  v[0] = (v[0] ?? 0) + 0.01;
  return normalizeInPlace(v);
}

export class FakeEmbedder implements Embedder {
  readonly backend: Backend = 'wasm';
  readonly batches: string[][] = [];
  /** Throws on the call with this index (0-based), to simulate a crash mid-job. */
  failOnCall: number | null = null;
  /** Runs before each batch returns (e.g. to abort a job between batches). */
  onBatch: ((call: number) => void) | null = null;
  disposed = false;

  constructor(
    readonly modelId: string,
    readonly dims: number = 64,
  ) {}

  embed(texts: readonly string[]): Promise<Float32Array[]> {
    const call = this.batches.length;
    if (this.failOnCall === call) return Promise.reject(new Error('simulated crash'));
    this.batches.push([...texts]);
    this.onBatch?.(call);
    return Promise.resolve(texts.map((t) => hashVector(t, this.dims)));
  }

  get embeddedTexts(): string[] {
    return this.batches.flat();
  }

  dispose(): Promise<void> {
    this.disposed = true;
    return Promise.resolve();
  }
}
