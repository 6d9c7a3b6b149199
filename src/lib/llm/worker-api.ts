// The llm worker's API (exposed with comlink by workers/llm.worker.ts): catalog, cache queries, load,
// generate with batched streaming, interrupt, token counts, unload. One model at a time; generations
// run one after another in arrival order. Runtime adapters are imported lazily per engine, so the
// WebLLM bundle is only fetched when a WebLLM model (or the catalog) is needed, and wllama only for a GGUF.
// Invariants: every call resolves with a Result (errors are AppErrorData with LLM codes, never thrown
// across the boundary); a request interrupted before it started never runs.

import type { AppErrorData } from '../rpc/app-error';
import type { Result } from '../rpc/progress';
import { DeltaBatcher } from './batcher';
import { CPU_CATALOG, describeSpecSource, GGUF_CATALOG, webLlmCatalog, type CpuEntry, type GgufEntry, type ModelRecordLike, type WebLlmEntry } from './catalog';
import type { RuntimeAdapter } from './engine';
import { llmError, toLlmError, type ErrorContext } from './errors';
import type { ChatMessage, DeltaListener, Generation, GenerationOptions, LoadedModel, LoadProgress, ModelSpec } from './types';

interface Loaded {
  spec: ModelSpec;
  adapter: RuntimeAdapter;
  info: LoadedModel;
}

function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

function fail<T>(error: { toJSON(): AppErrorData }): Result<T> {
  return { ok: false, error: error.toJSON() };
}

function context(spec: ModelSpec, phase: ErrorContext['phase']): ErrorContext {
  return {
    phase,
    model: spec.label,
    from: describeSpecSource(spec),
    ...(spec.smallerModel === undefined ? {} : { smallerModel: spec.smallerModel }),
  };
}

/** Errors after which the loaded model cannot be trusted to run again. */
const FATAL = new Set(['device-lost', 'out-of-memory', 'engine-crashed']);

/** Sends progress at most every `ms`, but always on a phase change (so no phase is ever skipped). */
function progressThrottle(emit: (p: LoadProgress) => void, ms = 100): (p: LoadProgress) => void {
  let last = Number.NEGATIVE_INFINITY;
  let phase: string | null = null;
  return (p) => {
    const now = performance.now();
    const final = 'fraction' in p && p.fraction >= 1;
    if (p.phase === phase && !final && now - last < ms) return;
    last = now;
    phase = p.phase;
    emit(p);
  };
}

export interface WorkerCatalog {
  webllm: WebLlmEntry[];
  cpu: CpuEntry[];
  /** The curated hub GGUFs (this server's files and picked files are listed page-side). */
  gguf: GgufEntry[];
}

export type AdapterFactory = (spec: ModelSpec, onProgress: (p: LoadProgress) => void, warmUp: boolean) => Promise<RuntimeAdapter>;

/** The real runtimes, each imported only when a model of its kind is loaded. */
const realAdapters: AdapterFactory = async (spec, onProgress, warmUp) => {
  if (spec.engine === 'webllm') {
    const { createWebLlmAdapter } = await import('./webllm-engine');
    return createWebLlmAdapter(spec, onProgress, warmUp);
  }
  if (spec.engine === 'gguf') {
    const { createGgufAdapter } = await import('./wllama-engine');
    return createGgufAdapter(spec, onProgress, warmUp);
  }
  const { createCpuAdapter } = await import('./cpu-engine');
  return createCpuAdapter(spec, onProgress, warmUp);
};

/** `adapterFor` is injectable so the tests can drive the queue, batching and errors with a fake runtime. */
export function createLlmWorkerApi(adapterFor: AdapterFactory = realAdapters) {
  let current: Loaded | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let runningId: number | null = null;
  const cancelled = new Set<number>();

  async function drop(): Promise<void> {
    const was = current;
    current = null;
    if (was === null) return;
    was.adapter.interrupt();
    await queue.catch(() => undefined);
    await was.adapter.unload().catch(() => undefined);
  }

  return {
    async catalog(): Promise<Result<WorkerCatalog>> {
      try {
        const { prebuiltRecords } = await import('./webllm-engine');
        return ok({ webllm: webLlmCatalog((await prebuiltRecords()) as ModelRecordLike[]), cpu: [...CPU_CATALOG], gguf: [...GGUF_CATALOG] });
      } catch {
        // web-llm failed to load (an old browser without BigInt64Array or wasm features): the CPU
        // and GGUF models do not need it, so they are still offered.
        return ok({ webllm: [], cpu: [...CPU_CATALOG], gguf: [...GGUF_CATALOG] });
      }
    },

    async isCached(specs: readonly ModelSpec[]): Promise<Result<boolean[]>> {
      try {
        const out: boolean[] = [];
        for (const spec of specs) {
          if (spec.engine === 'webllm') {
            const { isWebLlmCached } = await import('./webllm-engine');
            out.push(await isWebLlmCached(spec).catch(() => false));
          } else if (spec.engine === 'gguf') {
            const { isGgufCached } = await import('./wllama-engine');
            out.push(await isGgufCached(spec).catch(() => false));
          } else {
            const { isCpuModelCached } = await import('./cpu-engine');
            out.push(await isCpuModelCached(spec));
          }
        }
        return ok(out);
      } catch (error) {
        return fail(toLlmError(error, { phase: 'cache', model: specs[0]?.label ?? 'model' }));
      }
    },

    async deleteCached(spec: ModelSpec): Promise<Result<null>> {
      try {
        if (current?.spec.id === spec.id) await drop();
        if (spec.engine === 'webllm') {
          const { deleteWebLlmCache } = await import('./webllm-engine');
          await deleteWebLlmCache(spec);
        } else if (spec.engine === 'gguf') {
          const { deleteGgufCache } = await import('./wllama-engine');
          await deleteGgufCache(spec);
        } else {
          const { deleteCpuModelCache } = await import('./cpu-engine');
          await deleteCpuModelCache(spec);
        }
        return ok(null);
      } catch (error) {
        return fail(toLlmError(error, context(spec, 'cache')));
      }
    },

    async load(spec: ModelSpec, onProgress: (p: LoadProgress) => void, warmUp = true): Promise<Result<LoadedModel>> {
      await drop();
      const started = performance.now();
      const report = progressThrottle((p) => void onProgress(p));
      try {
        const adapter = await adapterFor(spec, report, warmUp);
        const info: LoadedModel = {
          id: spec.id,
          label: spec.label,
          engine: spec.engine,
          contextWindow: spec.contextWindow,
          loadMs: Math.round(performance.now() - started),
          runtime: adapter.runtime,
          promptMode: adapter.promptMode ?? 'chat',
          ...(spec.engine === 'gguf' && spec.voiceAdapter !== undefined ? { voiceAdapter: { label: spec.voiceAdapter.label, scale: spec.voiceAdapter.scale } } : {}),
        };
        current = { spec, adapter, info };
        return ok(info);
      } catch (error) {
        return fail(toLlmError(error, context(spec, 'load')));
      }
    },

    loaded(): LoadedModel | null {
      return current?.info ?? null;
    },

    /** Streams one reply; `onDelta` gets batched text (at most one call per ~frame). */
    generate(id: number, messages: readonly ChatMessage[], options: GenerationOptions, onDelta?: DeltaListener): Promise<Result<Generation>> {
      const run = async (): Promise<Result<Generation>> => {
        const loaded = current;
        if (loaded === null) return fail(llmError('no-model-loaded', 'No model is loaded. Load one on the Models screen first.'));
        const started = performance.now();
        if (cancelled.delete(id)) {
          return ok({ text: '', finishReason: 'abort', promptTokens: null, completionTokens: 0, timeToFirstTokenMs: null, tokensPerSecond: null, totalMs: 0 });
        }
        runningId = id;
        let tokens = 0;
        let unsent = 0;
        let firstAt: number | null = null;
        const batcher = new DeltaBatcher((delta, n) => void onDelta?.(delta, n));
        try {
          const result = await loaded.adapter.generate(messages, options, {
            token() {
              tokens++;
              unsent++;
              firstAt ??= performance.now();
            },
            text(delta) {
              batcher.push(delta, unsent);
              unsent = 0;
            },
          });
          if (unsent > 0) batcher.push('', unsent);
          batcher.close();
          const ended = performance.now();
          return ok({
            text: result.text,
            finishReason: result.finishReason,
            promptTokens: result.promptTokens,
            completionTokens: tokens,
            timeToFirstTokenMs: firstAt === null ? null : Math.round(firstAt - started),
            tokensPerSecond: firstAt !== null && tokens > 1 && ended > firstAt ? ((tokens - 1) * 1000) / (ended - firstAt) : null,
            totalMs: Math.round(ended - started),
          });
        } catch (error) {
          batcher.close();
          const mapped = toLlmError(error, context(loaded.spec, 'generate'));
          if (FATAL.has(mapped.code) && current === loaded) {
            current = null;
            void loaded.adapter.unload().catch(() => undefined);
          }
          return fail(mapped);
        } finally {
          runningId = null;
          cancelled.delete(id);
        }
      };
      const next = queue.then(run, run);
      queue = next.catch(() => undefined);
      return next;
    },

    /** Stops request `id`: at once if it is running, before it starts if it is queued. */
    interrupt(id: number): void {
      if (runningId === id) current?.adapter.interrupt();
      else cancelled.add(id);
    },

    async countTokens(texts: readonly string[]): Promise<Result<number[]>> {
      if (current === null) return fail(llmError('no-model-loaded', 'No model is loaded. Load one on the Models screen first.'));
      try {
        return ok(await current.adapter.countTokens(texts));
      } catch (error) {
        return fail(toLlmError(error, context(current.spec, 'generate')));
      }
    },

    async countPromptTokens(messages: readonly ChatMessage[]): Promise<Result<number>> {
      if (current === null) return fail(llmError('no-model-loaded', 'No model is loaded. Load one on the Models screen first.'));
      try {
        return ok(await current.adapter.countPromptTokens(messages));
      } catch (error) {
        return fail(toLlmError(error, context(current.spec, 'generate')));
      }
    },

    async unload(): Promise<void> {
      await drop();
    },
  };
}

export type LlmWorkerApi = ReturnType<typeof createLlmWorkerApi>;

