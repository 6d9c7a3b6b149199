// The Embedder interface every embedding engine sits behind, and the progress it reports while loading.
// Invariant: `embed` returns one unit-length Float32Array per input text, in input order, each backed by
// its own buffer (so a vector can be stored or posted without dragging a whole batch along).

import type { Backend } from './backend';

export interface ModelLoadProgress {
  /** The file being fetched (or read from the cache). */
  file: string;
  loaded: number;
  total: number;
}

export interface Embedder {
  /** modelKey() of the model: what stored vectors are keyed by. */
  readonly modelId: string;
  readonly backend: Backend;
  /** Known after the first `embed` call (or from the catalog). */
  readonly dims: number | null;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

/** Scales a vector to unit length in place (a zero vector stays zero). */
export function normalizeInPlace(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += (vector[i] ?? 0) ** 2;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] ?? 0) / norm;
  return vector;
}
