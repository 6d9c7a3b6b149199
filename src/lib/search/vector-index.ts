// The VectorIndex interface: nearest neighbours by cosine similarity over unit-length vectors.
// Indexes are rebuildable caches built from the vectors stored in IndexedDB (the source of truth), so
// they address items by position in the packed array they were built from, not by stored ids.

export interface Neighbor {
  /** Position of the vector in the packed array the index was built from. */
  index: number;
  /** Cosine similarity with the query (dot product of unit vectors). */
  score: number;
}

export interface VectorIndex {
  /** 'exact' in the app; benchmarks name the indexes they compare against it. */
  readonly name: string;
  readonly size: number;
  readonly dims: number;
  /** The `k` most similar vectors, best first. `accept` filters positions (e.g. held-out pairs). */
  search(query: Float32Array, k: number, accept?: (index: number) => boolean): Neighbor[];
  /** Bytes a serialized copy of the index takes (what persisting it would cost). */
  serializedBytes(): number;
  dispose(): void;
}

/** Packs vectors of equal length into one Float32Array (row-major). */
export function packVectors(vectors: readonly Float32Array[], dims: number): Float32Array {
  const packed = new Float32Array(vectors.length * dims);
  vectors.forEach((v, i) => {
    if (v.length !== dims) throw new Error(`vector ${i} has ${v.length} dimensions, expected ${dims}`);
    packed.set(v, i * dims);
  });
  return packed;
}

export function dot(packed: Float32Array, row: number, dims: number, query: Float32Array): number {
  const base = row * dims;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  // Four accumulators: V8 keeps them in registers and the loop runs ~2x faster than a single sum.
  for (; d + 3 < dims; d += 4) {
    s0 += (packed[base + d] ?? 0) * (query[d] ?? 0);
    s1 += (packed[base + d + 1] ?? 0) * (query[d + 1] ?? 0);
    s2 += (packed[base + d + 2] ?? 0) * (query[d + 2] ?? 0);
    s3 += (packed[base + d + 3] ?? 0) * (query[d + 3] ?? 0);
  }
  for (; d < dims; d++) s0 += (packed[base + d] ?? 0) * (query[d] ?? 0);
  return s0 + s1 + s2 + s3;
}

/** Keeps the best `k` (index, score) pairs seen, sorted best first. */
export class TopK {
  readonly #k: number;
  readonly items: Neighbor[] = [];

  constructor(k: number) {
    this.#k = Math.max(0, k);
  }

  get threshold(): number {
    return this.items.length < this.#k ? -Infinity : (this.items[this.items.length - 1]?.score ?? -Infinity);
  }

  push(index: number, score: number): void {
    if (this.#k === 0 || score <= this.threshold) return;
    let i = this.items.length;
    while (i > 0 && (this.items[i - 1]?.score ?? Infinity) < score) i--;
    this.items.splice(i, 0, { index, score });
    if (this.items.length > this.#k) this.items.pop();
  }
}
