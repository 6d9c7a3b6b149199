// voy-search (a k-d tree in WebAssembly) as the approximate index bench:search measures the app's exact scan
// against; the app does not ship it (the numbers in src/lib/search/corpus.ts say why). Its wasm is
// instantiated by hand from bytes the caller supplies, which works in node without bundler support.
// Voy returns neighbours without distances, so scores are recomputed exactly from the packed vectors.

import * as glue from 'voy-search/voy_search_bg.js';
import { dot, type Neighbor, type VectorIndex } from '../../src/lib/search/vector-index';

let ready: Promise<WebAssembly.Exports> | undefined;

const VOY_CHUNK = 2000;

/** Instantiates voy's wasm once per realm; later calls reuse it. */
export function initVoy(loadBytes: () => Promise<BufferSource>): Promise<WebAssembly.Exports> {
  ready ??= (async () => {
    const bytes = await loadBytes();
    const imports = { './voy_search_bg.js': glue as unknown as WebAssembly.ModuleImports };
    const { instance } = await WebAssembly.instantiate(bytes, imports);
    glue.__wbg_set_wasm(instance.exports);
    return instance.exports;
  })();
  ready.catch(() => (ready = undefined));
  return ready;
}

/** Bytes of voy's wasm memory (it only grows): the index's share of memory is a difference of two reads. */
export async function voyMemoryBytes(): Promise<number> {
  const exports = await ready;
  const memory = exports?.['memory'];
  return memory instanceof WebAssembly.Memory ? memory.buffer.byteLength : 0;
}

export class VoyIndex implements VectorIndex {
  readonly name = 'voy' as const;
  readonly size: number;
  readonly dims: number;
  readonly #packed: Float32Array;
  #voy: glue.Voy | null;

  /** Call `initVoy` first. */
  constructor(packed: Float32Array, dims: number) {
    if (ready === undefined) throw new Error('initVoy() must finish before a VoyIndex is built');
    if (dims <= 0 || packed.length % dims !== 0) throw new Error(`packed length ${packed.length} is not a multiple of ${dims}`);
    this.#packed = packed;
    this.dims = dims;
    this.size = packed.length / dims;
    // Voy takes its input as JSON text: one call for 100k x 384 numbers would exceed V8's longest string,
    // so the tree is fed in chunks.
    this.#voy = new glue.Voy();
    for (let start = 0; start < this.size; start += VOY_CHUNK) {
      const embeddings = [];
      for (let i = start; i < Math.min(this.size, start + VOY_CHUNK); i++) {
        embeddings.push({ id: String(i), title: '', url: '', embeddings: Array.from(packed.subarray(i * dims, (i + 1) * dims)) });
      }
      this.#voy.add({ embeddings });
    }
  }

  search(query: Float32Array, k: number, accept?: (index: number) => boolean): Neighbor[] {
    if (this.#voy === null) throw new Error('this VoyIndex was disposed');
    if (query.length !== this.dims) throw new Error(`query has ${query.length} dimensions, index has ${this.dims}`);
    const want = Math.min(k, this.size);
    // Voy cannot filter: ask for more until enough accepted neighbours come back (or all were seen).
    for (let fetch = want; ; fetch = Math.min(this.size, fetch * 4)) {
      const result = this.#voy.search(query, fetch);
      const out: Neighbor[] = [];
      for (const neighbor of result.neighbors) {
        const index = Number(neighbor.id);
        if (accept === undefined || accept(index)) out.push({ index, score: dot(this.#packed, index, this.dims, query) });
      }
      if (out.length >= want || fetch >= this.size) {
        out.sort((a, b) => b.score - a.score);
        return out.slice(0, want);
      }
    }
  }

  serializedBytes(): number {
    if (this.#voy === null) return 0;
    return new TextEncoder().encode(this.#voy.serialize()).byteLength;
  }

  dispose(): void {
    this.#voy?.free();
    this.#voy = null;
  }
}
