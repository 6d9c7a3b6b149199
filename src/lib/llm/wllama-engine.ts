/// <reference types="vite/client" />
// The GGUF engine: llama.cpp compiled to WebAssembly (@wllama/wllama, the only importer of it), behind
// the same RuntimeAdapter as WebLLM and the CPU engine, run inside the llm worker. Chooses WebGPU on a
// real adapter, else multi-threaded WASM when cross-origin isolated, else one thread, and says which.
// Invariants: wllama's wasm is the copy bundled with the app (never a CDN: compat mode is off); models
// come only from the spec's URL (cached by wllama in OPFS) or a file kept in OPFS; a chat template in
// the file decides the prompt mode; Stop resolves with the text so far.

import wasmUrl from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import type * as WllamaModule from '@wllama/wllama';
import { chooseGgufBackend, probeGpu, type GgufBackend } from './capabilities';
import { DEFAULT_MAX_TOKENS, type AdapterGeneration, type ProgressSink, type RuntimeAdapter, type TokenSink } from './engine';
import { llmError } from './errors';
import { estimateTokens, GENERATION_PROMPT_TOKENS, ggufPromptMode, PLAIN_STOPS, plainTranscript, TEMPLATE_TOKENS_PER_MESSAGE, templateThinks } from './gguf-meta';
import { deleteGgufFile, openGgufFile } from './gguf-files';
import { openAdapterFile } from './adapter-files';
import type { FinishReason, GenerationOptions, ModelSpec } from './types';

type Wllama = typeof WllamaModule;
type LoadParams = NonNullable<Parameters<WllamaModule.Wllama['loadModel']>[1]>;
export type GgufSpec = Extract<ModelSpec, { engine: 'gguf' }>;

let library: Promise<Wllama> | undefined;

function loadWllama(): Promise<Wllama> {
  library ??= import('@wllama/wllama');
  return library;
}

/** wllama logs every llama.cpp line at debug level; keep warnings and errors only. */
const quietLogger = {
  debug: () => undefined,
  log: () => undefined,
  warn: (...args: unknown[]) => console.warn('[wllama]', ...args),
  error: (...args: unknown[]) => console.error('[wllama]', ...args),
};

export async function isGgufCached(spec: GgufSpec): Promise<boolean> {
  if (spec.source.kind === 'file') return (await openGgufFile(spec.source.name)) !== null;
  const { ModelManager } = await loadWllama();
  const url = spec.source.url;
  return (await new ModelManager({ logger: quietLogger }).getModels()).some((m) => m.url === url);
}

export async function deleteGgufCache(spec: GgufSpec): Promise<void> {
  if (spec.source.kind === 'file') {
    await deleteGgufFile(spec.source.name);
    return;
  }
  const { ModelManager } = await loadWllama();
  const url = spec.source.url;
  const models = await new ModelManager({ logger: quietLogger }).getModels({ includeInvalid: true });
  for (const model of models) if (model.url === url) await model.remove();
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'WllamaAbortError');
}

export async function createGgufAdapter(spec: GgufSpec, onProgress: ProgressSink, warmUp: boolean): Promise<RuntimeAdapter> {
  const { Wllama } = await loadWllama();
  const tuning = spec.tuning ?? {};
  const gpu = tuning.cpuOnly === true ? { ...(await probeGpu()), available: false } : await probeGpu();
  const backend: GgufBackend = chooseGgufBackend(gpu, globalThis.crossOriginIsolated, globalThis.navigator?.hardwareConcurrency ?? null, tuning.threads);
  const wllama = new Wllama({ default: wasmUrl }, { logger: quietLogger, allowOffline: true });
  // Compat mode would fetch an Asyncify build from a CDN on browsers without JSPI: never leave the origin.
  wllama.setCompat(null);

  const params: LoadParams = {
    n_ctx: spec.contextWindow,
    n_threads: backend.threads,
    n_gpu_layers: backend.kind === 'webgpu' ? 999 : 0,
    ...(tuning.nBatch === undefined ? {} : { n_batch: tuning.nBatch }),
    ...(tuning.nUbatch === undefined ? {} : { n_ubatch: tuning.nUbatch }),
    ...(tuning.flashAttn === undefined ? {} : { flash_attn: tuning.flashAttn }),
    // One conversation at a time: one slot keeps the whole KV cache for it (the default is 4).
    n_parallel: 1,
    // Sliding-window layers (Gemma 3) keep only their last window of the KV cache by default, and then
    // llama.cpp re-reads the whole prompt every message; the full-size cache lets the next message reuse
    // the start it shares with the previous one (memory: ~20 MB more for Gemma 3 270M at 2,048 tokens,
    // ~80 MB for Gemma 3 1B at 4,096; nothing for models without sliding windows).
    swa_full: true,
  };
  const voice = spec.voiceAdapter;
  if (voice !== undefined) {
    const blob = await openAdapterFile(voice.file);
    if (blob === null) throw llmError('model-not-found', `The voice adapter “${voice.label}” is no longer in this browser’s storage. Add it again on the persona’s page.`);
    // Mounted beside the model by the project's wllama patch (patches/), applied by llama.cpp at load.
    params.lora_adapters = [{ blob, scale: voice.scale }];
  }
  if (spec.source.kind === 'file') {
    const file = await openGgufFile(spec.source.name);
    if (file === null) throw llmError('model-not-found', `“${spec.label}” is no longer in this browser’s storage. Pick the .gguf file again.`);
    onProgress({ phase: 'load', fraction: 0, bytesDone: 0 });
    await wllama.loadModel([file], params);
  } else {
    const started = performance.now();
    await wllama.loadModelFromUrl(spec.source.url, {
      ...params,
      progressCallback: ({ loaded, total }: { loaded: number; total: number }) => {
        const fraction = total > 0 ? Math.min(1, loaded / total) : 0;
        const seconds = (performance.now() - started) / 1000;
        const etaSeconds = fraction > 0.01 && fraction < 1 ? (seconds * (1 - fraction)) / fraction : fraction >= 1 ? 0 : null;
        onProgress({ phase: 'download', bytesDone: loaded, bytesTotal: total > 0 ? total : null, fraction, etaSeconds, filesDone: fraction >= 1 ? 1 : 0, filesTotal: 1 });
      },
    });
  }
  onProgress({ phase: 'load', fraction: 1 });

  const info = wllama.getLoadedContextInfo();
  const promptMode = ggufPromptMode(info.metadata);
  const noThinking = templateThinks(info.metadata) ? { chat_template_kwargs: { enable_thinking: false } } : {};
  let abort: AbortController | null = null;

  const sampling = (options: GenerationOptions) => ({
    max_tokens: options.max_tokens ?? DEFAULT_MAX_TOKENS,
    temperature: options.temperature ?? 0.7,
    ...(options.top_p !== undefined ? { top_p: options.top_p } : {}),
    ...(options.stop !== undefined && options.stop.length > 0 ? { stop: [...options.stop] } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.ignoreEos === true ? { ignore_eos: true } : {}),
    // The stable start of the persona prompt stays in the KV cache; only what changed is evaluated.
    cache_prompt: true,
  });

  const adapter: RuntimeAdapter = {
    runtime: `${backend.label} · llama.cpp${voice === undefined ? '' : ` + voice adapter ${voice.label} ×${voice.scale}`}`,
    promptMode,
    async generate(messages, options, sink: TokenSink): Promise<AdapterGeneration> {
      const controller = new AbortController();
      abort = controller;
      let text = '';
      let finishReason: FinishReason = 'stop';
      let promptTokens = 0;
      let streamed = 0;
      const take = (delta: string | null | undefined, reason: string | null, usage: { prompt_tokens: number; completion_tokens: number } | null | undefined) => {
        if (reason === null) {
          streamed++;
          sink.token();
        } else {
          finishReason = reason === 'length' ? 'length' : 'stop';
        }
        if (delta !== undefined && delta !== null && delta !== '') {
          text += delta;
          sink.text(delta);
        }
        if (usage !== undefined && usage !== null) {
          promptTokens = usage.prompt_tokens;
          // The final chunk can carry the last token's text together with the finish reason.
          for (; streamed < usage.completion_tokens; streamed++) sink.token();
        }
      };
      try {
        // A base model asked with chat messages (summaries, drafting) gets them as a plain transcript.
        const plain = options.completionPrompt ?? (promptMode === 'transcript' ? plainTranscript(messages) : undefined);
        if (plain !== undefined) {
          const stop = options.completionPrompt === undefined ? [...(options.stop ?? []), ...PLAIN_STOPS] : options.stop;
          await wllama.createCompletion({
            prompt: plain,
            stream: true,
            abortSignal: controller.signal,
            ...sampling({ ...options, ...(stop === undefined ? {} : { stop }) }),
            onData: (chunk) => {
              const choice = chunk.choices[0];
              take(choice?.text, choice?.finish_reason ?? null, chunk.usage);
            },
          });
        } else {
          await wllama.createChatCompletion({
            messages: messages.map((m) => ({ role: m.role, content: m.content })),
            stream: true,
            abortSignal: controller.signal,
            ...noThinking,
            ...sampling(options),
            onData: (chunk) => {
              const choice = chunk.choices[0];
              take(choice?.delta.content, choice?.finish_reason ?? null, chunk.usage);
            },
          });
        }
      } catch (error) {
        if (controller.signal.aborted || isAbort(error)) return { text, finishReason: 'abort', promptTokens };
        throw error;
      } finally {
        if (abort === controller) abort = null;
      }
      if (controller.signal.aborted) finishReason = 'abort';
      return { text, finishReason, promptTokens };
    },
    interrupt() {
      abort?.abort();
    },
    async countTokens(texts) {
      return texts.map(estimateTokens);
    },
    async countPromptTokens(messages) {
      let total = GENERATION_PROMPT_TOKENS;
      for (const m of messages) total += estimateTokens(m.content) + TEMPLATE_TOKENS_PER_MESSAGE;
      return total;
    },
    async unload() {
      await wllama.exit();
    },
  };

  if (warmUp) {
    onProgress({ phase: 'warm-up' });
    // One prompt + one token: allocates the compute buffers (and compiles GPU shaders) before the first reply.
    await adapter.generate([], { max_tokens: 1, temperature: 0, completionPrompt: 'Hi' }, { token() {}, text() {} });
  }
  return adapter;
}
