// Types for voy-search's wasm-bindgen glue module, which the package ships without a declaration
// (the class below mirrors voy_search.d.ts of voy-search 0.6.3). It is imported directly so the wasm
// can be instantiated by hand in any runtime (browser, node).
declare module 'voy-search/voy_search_bg.js' {
  export interface EmbeddedResource {
    id: string;
    title: string;
    url: string;
    embeddings: number[];
  }
  export interface Resource {
    embeddings: EmbeddedResource[];
  }
  export interface SearchResult {
    neighbors: { id: string; title: string; url: string }[];
  }
  export class Voy {
    constructor(resource?: Resource);
    free(): void;
    serialize(): string;
    static deserialize(serialized: string): Voy;
    index(resource: Resource): void;
    search(query: Float32Array, k: number): SearchResult;
    add(resource: Resource): void;
    remove(resource: Resource): void;
    clear(): void;
    size(): number;
  }
  export function __wbg_set_wasm(exports: WebAssembly.Exports): void;
}
