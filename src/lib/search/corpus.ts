// A searchable corpus of one kind of item (pairs, memories or turns): texts, packed vectors, the vector
// index and BM25, all addressed by the same positions. Built from stored vectors and rows; a cache
// that is rebuilt whenever the vectors change. Items without a vector are left out until embedded.

import { Bm25 } from './bm25';
import { ExactIndex } from './exact-index';
import { hybridCandidates, HYBRID, type HybridParams } from './hybrid';
import { mmr } from './mmr';
import { dot, packVectors, type VectorIndex } from './vector-index';

// The index is the exact scan. bench:search measured it against voy-search (a k-d tree in WebAssembly) on
// 384-d real-shape vectors, 2 cores: as fast or faster at 1k / 10k / 100k (query p50 0.5 / 22 / 189 ms
// against 0.7 / 22 / 231), recall 1 (voy 0.9995), builds in 0.3-336 ms against voy's 1-67 s, and 5.3x fewer
// bytes (voy could not serialize 100k at all: its JSON exceeds V8's longest string). A persona holds far
// fewer than 100k items, so voy never helps here; it stays only as the bench's reference.

export interface CorpusEntry<T> {
  row: T;
  text: string;
  vector: Float32Array;
  /** False for items that must never be returned (held-out pairs, superseded memories). */
  eligible: boolean;
}

export class KindCorpus<T> {
  readonly rows: T[];
  readonly texts: string[];
  readonly packed: Float32Array;
  readonly dims: number;
  readonly index: VectorIndex;
  readonly bm25: Bm25;
  readonly #eligible: Uint8Array;

  constructor(entries: readonly CorpusEntry<T>[], dims: number) {
    this.rows = entries.map((e) => e.row);
    this.texts = entries.map((e) => e.text);
    this.dims = dims;
    this.packed = packVectors(
      entries.map((e) => e.vector),
      dims,
    );
    this.index = new ExactIndex(this.packed, dims);
    this.bm25 = new Bm25(this.texts);
    this.#eligible = Uint8Array.from(entries, (e) => (e.eligible ? 1 : 0));
  }

  get size(): number {
    return this.rows.length;
  }

  /** Hybrid relevance, then MMR: the best `k` eligible items for a query, best first. */
  search(
    query: string,
    queryVector: Float32Array,
    k: number,
    options: { params?: HybridParams; lambda?: number; pool?: number } = {},
  ): { row: T; text: string; score: number; vectorScore: number; lexicalScore: number }[] {
    if (this.size === 0 || k <= 0) return [];
    const candidates = hybridCandidates(
      {
        query,
        queryVector,
        index: this.index,
        packed: this.packed,
        bm25: this.bm25,
        pool: options.pool ?? Math.max(50, k * 5),
        accept: (i) => this.#eligible[i] === 1,
      },
      options.params ?? HYBRID,
    );
    const picked = mmr(candidates, k, (a, b) => dot(this.packed, a, this.dims, this.packed.subarray(b * this.dims, (b + 1) * this.dims)), {
      ...(options.lambda === undefined ? {} : { lambda: options.lambda }),
      textOf: (i) => this.texts[i] ?? '',
    });
    return picked.map((c) => ({
      row: this.rows[c.index] as T,
      text: this.texts[c.index] ?? '',
      score: c.score,
      vectorScore: c.vectorScore,
      lexicalScore: c.lexicalScore,
    }));
  }

  dispose(): void {
    this.index.dispose();
  }
}
