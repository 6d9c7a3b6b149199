// The eval harness page's API (`npm run eval -- --engine webllm|cpu-browser`): what node calls through
// page.evaluate. It resolves the model from the app's own catalog and runs it through the app's own llm
// and embed workers (injected here, so the protocol is testable in node with fakes).
// Invariants: every argument and result is plain JSON (page.evaluate serializes them); expected failures
// are `{ ok: false, error }` results carrying an AppError's code and sentence, never thrown strings.

import type { ModelSource as EmbedSource, ModelSpec as EmbedModelSpec } from '../lib/embed/models';
import { resolveSpec, type CatalogEntry, type LlmModelSource } from '../lib/llm/catalog';
import type { ChatMessage, CpuDtype, GenerateOptions, Generation, GenerationOptions, LoadedModel, LoadOptions, LoadProgress, ModelSpec } from '../lib/llm/types';
import type { WorkerCatalog } from '../lib/llm/worker-api';
import { AppError, type AppErrorData } from '../lib/rpc/app-error';
import type { Result } from '../lib/rpc/progress';

/** What node asks the page to load; `source` is the app's model source (`local` = this server's /models/). */
export type PageLoadRequest =
  | { engine: 'webllm'; model: string; source: LlmModelSource; contextWindow: number }
  | { engine: 'cpu'; model: string; dtype: CpuDtype; source: LlmModelSource; contextWindow: number };

export interface PageLoaded {
  id: string;
  label: string;
  /** What runs it, as the app says it ("WebGPU - <adapter>", "CPU (WASM, 1 thread)"). */
  runtime: string;
  /** The model's own context window (the catalog's, or the requested one for CPU models). */
  contextWindow: number;
  loadMs: number;
}

export interface PageEmbedRequest {
  model: EmbedModelSpec;
  source: EmbedSource;
  texts: string[];
}

/** The slice of LlmClient the page uses. */
export interface PageLlm {
  catalog(): Promise<WorkerCatalog>;
  load(spec: ModelSpec, options?: LoadOptions): Promise<Result<LoadedModel>>;
  generate(messages: readonly ChatMessage[], options?: GenerateOptions): Promise<Result<Generation>>;
  countTokens(texts: readonly string[]): Promise<number[]>;
}

/** The slice of the embed worker's API the page uses. */
export interface PageEmbedder {
  embedTexts(request: PageEmbedRequest): Promise<Result<Float32Array[]>>;
}

/** The slice of `navigator.gpu` the page reads (undefined where the browser has no WebGPU at all). */
export interface PageGpu {
  requestAdapter(): Promise<{ features: ReadonlySet<string>; info?: { vendor?: string; architecture?: string; description?: string } } | null>;
}

export interface PageDeps {
  llm: PageLlm;
  embedder: () => PageEmbedder;
  gpu: PageGpu | undefined;
  /** The page's origin: `local` and `custom` sources resolve against it. */
  origin: string;
  /** Load progress, forwarded to node (an exposed function). */
  onLoadProgress: (progress: LoadProgress) => void;
}

const fail = <T>(code: string, message: string): Result<T> => ({ ok: false, error: new AppError(code, message).toJSON() });

function errorOf(error: unknown): AppErrorData {
  if (AppError.is(error)) return { name: 'AppError', code: error.code, message: error.message };
  return { name: 'AppError', code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** A CPU model as a catalog entry: the catalog's own when listed, else one made for the given folder or hub id. */
function cpuEntry(catalog: WorkerCatalog, model: string, dtype: CpuDtype, contextWindow: number): CatalogEntry {
  const listed = catalog.cpu.find((e) => (e.id === model || e.modelId === model) && e.dtype === dtype);
  if (listed !== undefined) return { ...listed, contextWindow: Math.min(listed.contextWindow, contextWindow) };
  return {
    id: `cpu:${model}`,
    engine: 'cpu',
    label: model,
    family: model,
    params: 0,
    downloadBytes: 0,
    contextWindow,
    languages: '',
    note: '',
    custom: false,
    modelId: model,
    dtype,
  };
}

export function createEvalPageApi(deps: PageDeps) {
  const running = new Map<number, AbortController>();
  let loadedSpec: ModelSpec | null = null;

  /** The WebGPU adapter Chromium offers, or why there is none. */
  async function checkWebGpu(needsShaderF16 = false): Promise<Result<{ adapter: string }>> {
    const hint = 'Use --engine cpu (transformers.js in node) or --engine cpu-browser instead.';
    if (deps.gpu === undefined) return fail('no-webgpu', `This Chromium has no WebGPU (navigator.gpu is missing). ${hint}`);
    let adapter: Awaited<ReturnType<PageGpu['requestAdapter']>>;
    try {
      adapter = await deps.gpu.requestAdapter();
    } catch (error) {
      return fail('no-webgpu', `Chromium could not ask for a WebGPU adapter (${errorOf(error).message}). ${hint}`);
    }
    if (adapter === null) return fail('no-webgpu', `Chromium found no WebGPU adapter on this machine (no GPU, and no software fallback enabled). ${hint}`);
    if (needsShaderF16 && !adapter.features.has('shader-f16')) {
      return fail('shader-f16-unsupported', 'This WebGPU adapter lacks shader-f16, which q4f16 builds need: pick the q4f32_1 build of the same model.');
    }
    const info = adapter.info;
    const name = [info?.vendor, info?.architecture, info?.description].filter((s) => s !== undefined && s !== '').join(' ');
    return { ok: true, value: { adapter: name === '' ? 'unnamed adapter' : name } };
  }

  return {
    checkWebGpu,

    /** Resolves the model against the app's catalog and loads it in the llm worker (no warm-up: the first reply pays it). */
    async load(request: PageLoadRequest): Promise<Result<PageLoaded>> {
      let catalog: WorkerCatalog;
      try {
        catalog = await deps.llm.catalog();
      } catch (error) {
        return { ok: false, error: errorOf(error) };
      }
      let entry: CatalogEntry;
      if (request.engine === 'webllm') {
        const found = catalog.webllm.find((e) => e.id === request.model);
        if (found === undefined) {
          const ids = catalog.webllm.map((e) => e.id);
          return fail('unknown-model', `"${request.model}" is not in the app's WebLLM catalog. Known ids: ${ids.length === 0 ? 'none (the catalog did not load)' : ids.join(', ')}.`);
        }
        entry = found;
        if (found.needsShaderF16) {
          const gpu = await checkWebGpu(true);
          if (!gpu.ok) return gpu;
        }
      } else {
        entry = cpuEntry(catalog, request.model, request.dtype, request.contextWindow);
      }
      const spec = resolveSpec(entry, request.source, deps.origin);
      const result = await deps.llm.load(spec, { warmUp: false, onProgress: (p) => deps.onLoadProgress(p) });
      if (!result.ok) return result;
      loadedSpec = spec;
      return {
        ok: true,
        value: { id: spec.id, label: spec.label, runtime: result.value.runtime, contextWindow: spec.contextWindow, loadMs: result.value.loadMs },
      };
    },

    /** One complete reply; `id` lets node stop it with `abort(id)`. A stopped reply is an 'aborted' result. */
    async generate(id: number, messages: ChatMessage[], options: GenerationOptions): Promise<Result<string>> {
      if (loadedSpec === null) return fail('no-model', 'No model is loaded in the eval page.');
      const controller = new AbortController();
      running.set(id, controller);
      try {
        const result = await deps.llm.generate(messages, { ...options, signal: controller.signal });
        if (!result.ok) return result;
        if (result.value.finishReason === 'abort') return fail('aborted', 'The reply was stopped.');
        return { ok: true, value: result.value.text };
      } catch (error) {
        return { ok: false, error: errorOf(error) };
      } finally {
        running.delete(id);
      }
    },

    /** Stops reply `id` if it is still running; false when it already ended. */
    abort(id: number): boolean {
      const controller = running.get(id);
      controller?.abort();
      return controller !== undefined;
    },

    async countTokens(texts: string[]): Promise<Result<number[]>> {
      try {
        return { ok: true, value: await deps.llm.countTokens(texts) };
      } catch (error) {
        return { ok: false, error: errorOf(error) };
      }
    },

    /** Unit vectors as plain arrays (page.evaluate moves JSON, not typed arrays). */
    async embed(request: PageEmbedRequest): Promise<Result<number[][]>> {
      try {
        const result = await deps.embedder().embedTexts(request);
        if (!result.ok) return result;
        return { ok: true, value: result.value.map((v) => Array.from(v)) };
      } catch (error) {
        return { ok: false, error: errorOf(error) };
      }
    },
  };
}

export type EvalPageApi = ReturnType<typeof createEvalPageApi>;
/** What the harness page puts on `window`. */
export type EvalPageWindow = { evalPage: EvalPageApi };
