// Page-side LlmEngine over the llm worker (comlink). Owns the worker's lifetime: cancelling a load
// terminates it (a download or shader compile cannot be interrupted otherwise, and terminating frees
// GPU and WASM memory at once); unload terminates it too. Stop during a reply interrupts the engine
// and resolves quickly with the text so far, even when the engine needs seconds to finish its step.
// Invariants: aborts are results; worker crashes become 'engine-crashed' results, never hangs.

import { proxy, wrap, type Remote } from 'comlink';
import type { CatalogEntry } from '../llm/catalog';
import type {
  ChatMessage,
  GenerateOptions,
  Generation,
  GenerationOptions,
  LlmEngine,
  LoadedModel,
  LoadOptions,
  LoadProgress,
  ModelSpec,
} from '../llm/types';
import type { LlmWorkerApi, WorkerCatalog } from '../llm/worker-api';
import { AppError, type AppErrorData } from './app-error';
import type { Result } from './progress';

const ABORTED = Symbol('aborted');
const CRASHED = Symbol('crashed');

/** How long Stop waits for the engine's own final numbers before answering from what streamed. */
const STOP_GRACE_MS = 400;

function errorData(code: string, message: string): AppErrorData {
  return { name: 'AppError', code, message };
}

function abortPromise(signal: AbortSignal | undefined): Promise<typeof ABORTED> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve(ABORTED);
    else signal.addEventListener('abort', () => resolve(ABORTED), { once: true });
  });
}

function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw AppError.fromJSON(result.error);
}

export class LlmClient implements LlmEngine {
  #worker: Worker | null = null;
  #api: Remote<LlmWorkerApi> | null = null;
  #crashed: Promise<typeof CRASHED> = new Promise(() => undefined);
  #nextId = 1;
  #loaded: LoadedModel | null = null;
  /** The runtime the current worker has loaded (or is loading). */
  #engine: ModelSpec['engine'] | null = null;

  get loaded(): LoadedModel | null {
    return this.#loaded;
  }

  get #remote(): Remote<LlmWorkerApi> {
    if (this.#api === null) {
      const worker = new Worker(new URL('../../../workers/llm.worker.ts', import.meta.url), { type: 'module', name: 'llm' });
      this.#crashed = new Promise((resolve) => {
        // An error that reaches the page means the worker's script failed or it ran out of memory.
        worker.addEventListener('error', () => resolve(CRASHED), { once: true });
      });
      this.#worker = worker;
      this.#api = wrap<LlmWorkerApi>(worker);
    }
    return this.#api;
  }

  #terminate(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#api = null;
    this.#loaded = null;
    this.#engine = null;
    this.#crashed = new Promise(() => undefined);
  }

  #crashError(): AppErrorData {
    this.#terminate();
    return errorData('engine-crashed', 'The model engine stopped unexpectedly. Load the model again, or pick a smaller one.');
  }

  async catalog(): Promise<WorkerCatalog> {
    const result = await Promise.race([this.#remote.catalog(), this.#crashed]);
    if (result === CRASHED) return { webllm: [], cpu: [], gguf: [] };
    return unwrap(result);
  }

  /** Cache status per spec, in order. */
  async cached(specs: readonly ModelSpec[]): Promise<boolean[]> {
    if (specs.length === 0) return [];
    const result = await Promise.race([this.#remote.isCached(specs), this.#crashed]);
    if (result === CRASHED) throw AppError.fromJSON(this.#crashError());
    return unwrap(result);
  }

  async isCached(spec: ModelSpec): Promise<boolean> {
    return (await this.cached([spec]))[0] ?? false;
  }

  async deleteCached(spec: ModelSpec): Promise<void> {
    const result = await Promise.race([this.#remote.deleteCached(spec), this.#crashed]);
    if (result === CRASHED) throw AppError.fromJSON(this.#crashError());
    if (this.#loaded?.id === spec.id) this.#loaded = null;
    unwrap(result);
  }

  async load(spec: ModelSpec, options: LoadOptions = {}): Promise<Result<LoadedModel>> {
    if (options.signal?.aborted === true) return { ok: false, error: errorData('aborted', 'Loading was cancelled.') };
    // Switching runtimes starts a fresh worker: WASM heaps (ORT's, TVM's) never shrink, and a GPU
    // device is only fully released with its worker.
    if (this.#engine !== null && this.#engine !== spec.engine) this.#terminate();
    this.#engine = spec.engine;
    this.#loaded = null;
    const onProgress = proxy((p: LoadProgress) => options.onProgress?.(p));
    const outcome = await Promise.race([
      this.#remote.load(spec, onProgress, options.warmUp ?? true),
      abortPromise(options.signal),
      this.#crashed,
    ]);
    if (outcome === ABORTED) {
      this.#terminate();
      return { ok: false, error: errorData('aborted', 'Loading was cancelled. Parts already downloaded are kept for next time.') };
    }
    if (outcome === CRASHED) return { ok: false, error: this.#crashError() };
    if (outcome.ok) this.#loaded = outcome.value;
    return outcome;
  }

  async generate(messages: readonly ChatMessage[], options: GenerateOptions = {}): Promise<Result<Generation>> {
    const { onDelta, signal, ...rest } = options;
    const generation: GenerationOptions = { ...rest };
    const id = this.#nextId++;
    const started = performance.now();
    let text = '';
    let tokens = 0;
    let firstAt: number | null = null;
    let open = true;
    const listener = proxy((delta: string, n: number) => {
      // After Stop answered, late batches of the interrupted request are dropped.
      if (!open) return;
      text += delta;
      tokens = n;
      if (n > 0) firstAt ??= performance.now();
      onDelta?.(delta, n);
    });
    const api = this.#remote;
    const call = api.generate(id, [...messages], generation, listener);
    const first = await Promise.race([call, abortPromise(signal), this.#crashed]);
    if (first === CRASHED) return { ok: false, error: this.#crashError() };
    if (first !== ABORTED) {
      open = false;
      if (!first.ok && (first.error.code === 'device-lost' || first.error.code === 'out-of-memory')) this.#loaded = null;
      return first;
    }
    void api.interrupt(id);
    const grace = new Promise<null>((resolve) => setTimeout(() => resolve(null), STOP_GRACE_MS));
    const settled = await Promise.race([call, grace, this.#crashed]);
    open = false;
    if (settled !== null && settled !== CRASHED && settled.ok) return settled;
    const now = performance.now();
    return {
      ok: true,
      value: {
        text,
        finishReason: 'abort',
        promptTokens: null,
        completionTokens: tokens,
        timeToFirstTokenMs: firstAt === null ? null : Math.round(firstAt - started),
        tokensPerSecond: null,
        totalMs: Math.round(now - started),
      },
    };
  }

  async countTokens(texts: readonly string[]): Promise<number[]> {
    if (texts.length === 0) return [];
    return unwrap(await this.#remote.countTokens([...texts]));
  }

  async countPromptTokens(messages: readonly ChatMessage[]): Promise<number> {
    return unwrap(await this.#remote.countPromptTokens([...messages]));
  }

  async unload(): Promise<void> {
    if (this.#api !== null) await Promise.race([this.#api.unload(), this.#crashed, new Promise((r) => setTimeout(r, 5000))]);
    this.#terminate();
  }

  /** Drops the worker at once (page teardown, wipe). */
  shutdown(): void {
    this.#terminate();
  }
}

export type { CatalogEntry, WorkerCatalog };
