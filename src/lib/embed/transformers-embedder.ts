/// <reference types="vite/client" />
// The transformers.js adapter (the only importer of @huggingface/transformers): feature extraction
// with mean pooling + normalization on ONNX Runtime Web. Invariants: ORT's wasm runtime is the copy
// bundled with this app (never a CDN); model files come only from the source the person chose.
// transformers.js is imported lazily so the worker can answer messages before the wasm is loaded.

import { AppError } from '../rpc/app-error';
import type { Backend } from './backend';
import type { Embedder, ModelLoadProgress } from './embedder';
import { modelKey, type ModelSource, type ModelSpec } from './models';
import { configureTransformers } from './transformers-env';

const importLibrary = () => import('@huggingface/transformers');
type Transformers = Awaited<ReturnType<typeof importLibrary>>;

let library: Promise<Transformers> | undefined;

function loadLibrary(): Promise<Transformers> {
  library ??= importLibrary();
  library.catch(() => (library = undefined));
  return library;
}

/** The folder of this site that holds transformers.js model folders (root-relative: 4.3.1 needs that). */
export function localModelPath(): string {
  return `${import.meta.env.BASE_URL}models/transformers/`;
}

function configure(env: Transformers['env'], source: ModelSource, threads?: number): void {
  configureTransformers(env, source.kind === 'local' ? { kind: 'local', path: localModelPath() } : source, threads);
}

function loadError(spec: ModelSpec, source: ModelSource, cause: unknown): AppError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  const where =
    source.kind === 'local' ? `this site's ${localModelPath()} folder` : source.kind === 'custom' ? source.baseUrl : 'the model hub';
  return new AppError(
    'embed-model-unavailable',
    `The embedding model “${spec.label}” could not be loaded from ${where} (${detail}). Check your connection or the model source in the settings, then start again.`,
    { cause, details: { model: spec.id, dtype: spec.dtype } },
  );
}

export async function createTransformersEmbedder(options: {
  spec: ModelSpec;
  source: ModelSource;
  backend: Backend;
  onProgress?: (progress: ModelLoadProgress) => void;
  /** ONNX Runtime threads (benchmarks); the default suits the device (threads.ts). */
  threads?: number;
}): Promise<Embedder> {
  const { spec, source, backend } = options;
  const transformers = await loadLibrary();
  configure(transformers.env, source, options.threads);
  const extractor = await transformers
    .pipeline('feature-extraction', spec.id, {
      device: backend,
      dtype: spec.dtype,
      progress_callback: (info) => {
        if (info.status === 'progress') options.onProgress?.({ file: info.file, loaded: info.loaded, total: info.total });
      },
    })
    .catch((error: unknown) => {
      throw loadError(spec, source, error);
    });
  let dims = spec.dims;
  return {
    modelId: modelKey(spec),
    backend,
    get dims() {
      return dims;
    },
    async embed(texts) {
      if (texts.length === 0) return [];
      const output = await extractor([...texts], { pooling: 'mean', normalize: true });
      const data = output.data as Float32Array;
      const width = output.dims[output.dims.length - 1] ?? 0;
      dims = width;
      const vectors: Float32Array[] = [];
      for (let i = 0; i < texts.length; i++) vectors.push(data.slice(i * width, (i + 1) * width));
      output.dispose();
      return vectors;
    },
    async dispose() {
      await extractor.dispose();
    },
  };
}
