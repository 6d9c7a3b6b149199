// Exact nearest neighbours: a scan over one packed Float32Array. Recall is 1 by construction, and at
// the sizes one person's chats reach (up to ~100k vectors) the scan is fast enough (see bench:search).
// Invariant: the packed array is never copied or mutated after construction.

import { TopK, dot, type Neighbor, type VectorIndex } from './vector-index';

export class ExactIndex implements VectorIndex {
  readonly name = 'exact' as const;
  readonly size: number;
  readonly dims: number;
  readonly #packed: Float32Array;

  constructor(packed: Float32Array, dims: number) {
    if (dims <= 0 || packed.length % dims !== 0) throw new Error(`packed length ${packed.length} is not a multiple of ${dims}`);
    this.#packed = packed;
    this.dims = dims;
    this.size = packed.length / dims;
  }

  search(query: Float32Array, k: number, accept?: (index: number) => boolean): Neighbor[] {
    if (query.length !== this.dims) throw new Error(`query has ${query.length} dimensions, index has ${this.dims}`);
    const top = new TopK(k);
    for (let i = 0; i < this.size; i++) {
      if (accept !== undefined && !accept(i)) continue;
      const score = dot(this.#packed, i, this.dims, query);
      if (score > top.threshold) top.push(i, score);
    }
    return top.items;
  }

  /** The raw vectors: nothing else needs storing. */
  serializedBytes(): number {
    return this.#packed.byteLength;
  }

  dispose(): void {
    // Nothing outside the JS heap.
  }
}
