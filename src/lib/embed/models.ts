// Embedding models the app offers, where their files come from, and the key vectors are stored under.
// Invariant: a vector is only ever compared with vectors of the same `modelKey` (model id + weight
// type); changing either means re-embedding, never mixing spaces.

export type Dtype = 'q8' | 'fp32' | 'fp16';

export interface ModelSpec {
  /** Hub id (`Xenova/all-MiniLM-L6-v2`) or, for a local/custom source, the folder name under the base. */
  id: string;
  dtype: Dtype;
  /** Output size when known up front (the catalog); measured from the first vector otherwise. */
  dims: number | null;
  label: string;
}

export interface CatalogModel extends ModelSpec {
  /** Download size of the weights for this dtype, bytes. */
  bytes: number;
  languages: string;
  note: string;
}

/**
 * Chats are often not English, so the default is a multilingual sentence model; the English MiniLM is
 * 5x smaller and faster when the chats are English. Sizes are the q8 ONNX files on the hub.
 */
export const CATALOG: readonly CatalogModel[] = [
  {
    id: 'Xenova/paraphrase-multilingual-MiniLM-L12-v2',
    dtype: 'q8',
    dims: 384,
    label: 'Multilingual MiniLM-L12 (paraphrase)',
    bytes: 118_000_000,
    languages: '50+ languages (English, Spanish, German, French, Italian, Portuguese, Arabic, Hebrew, Hindi, Chinese, Japanese, Korean, Russian, Turkish, …)',
    note: 'Best for chats in any language.',
  },
  {
    id: 'Xenova/all-MiniLM-L6-v2',
    dtype: 'q8',
    dims: 384,
    label: 'English MiniLM-L6',
    bytes: 22_972_370,
    languages: 'English',
    note: 'Smaller and about twice as fast; English chats only.',
  },
];

export const DEFAULT_MODEL: CatalogModel = CATALOG[0] as CatalogModel;

/** Where model files are fetched from. Never a CDN for the runtime itself: ORT's wasm ships with the app. */
export type ModelSource =
  | { kind: 'hub' }
  | { kind: 'custom'; baseUrl: string }
  /** This site's own `/models/transformers/` folder (self-hosting, and the tests). */
  | { kind: 'local' };

export function modelKey(spec: Pick<ModelSpec, 'id' | 'dtype'>): string {
  return `${spec.id}@${spec.dtype}`;
}

export function catalogEntry(id: string): CatalogModel | undefined {
  return CATALOG.find((m) => m.id === id);
}

export function describeSource(source: ModelSource): string {
  switch (source.kind) {
    case 'hub':
      return 'the Hugging Face model hub';
    case 'custom':
      return source.baseUrl;
    case 'local':
      return "this site's /models/ folder";
  }
}
