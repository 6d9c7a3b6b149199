/// <reference types="vite/client" />
// One place that points transformers.js at its runtime and its model files, shared by the embedder and
// the CPU chat engine. Invariants: ONNX Runtime's wasm is the copy bundled with the app (never a CDN);
// ORT is imported from its own URL (no blob: copy, which the CSP forbids); a local folder is root-relative (transformers.js 4.3.1 skips the local lookup for absolute URLs); a
// custom server is laid out like the hub (`<base><model id>/resolve/main/<file>`).

import type * as TransformersModule from '@huggingface/transformers';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

export type TransformersSource =
  | { kind: 'hub' }
  | { kind: 'custom'; baseUrl: string }
  | { kind: 'local'; path: string };

export function configureTransformers(env: typeof TransformersModule.env, source: TransformersSource): void {
  const wasm = env.backends.onnx.wasm;
  if (wasm !== undefined) wasm.wasmPaths = { mjs: ortMjsUrl, wasm: ortWasmUrl };
  // Its wasm cache re-imports ORT's factory from a blob: URL, which the workers' Content-Security-Policy
  // (script-src 'self') refuses. The service worker precaches both files, so offline use needs no second cache.
  env.useWasmCache = false;
  if (source.kind === 'local') {
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
    env.localModelPath = source.path;
  } else {
    env.allowLocalModels = false;
    env.allowRemoteModels = true;
    env.remoteHost = source.kind === 'custom' ? source.baseUrl : 'https://huggingface.co/';
    env.remotePathTemplate = '{model}/resolve/{revision}/';
  }
}
