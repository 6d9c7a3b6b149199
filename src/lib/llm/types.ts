// The LLM engine contract the app codes against: messages, generation options and results, load
// progress, and the LlmEngine interface (page side). Engines (WebLLM on WebGPU, transformers.js on
// WASM, llama.cpp GGUF models through wllama) live behind it in the llm worker. Invariants: an abort is a result (finishReason 'abort' /
// error code 'aborted'), never a thrown error; expected failures come back as Result with an AppError.

import type { AppErrorData } from '../rpc/app-error';
import type { Result } from '../rpc/progress';

export type Role = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: Role;
  content: string;
}

/** Which runtime runs a model. */
export type EngineKind = 'webllm' | 'cpu' | 'gguf';

export interface GenerationOptions {
  /** 0 = greedy. */
  temperature?: number;
  top_p?: number;
  /** Upper bound on generated tokens. */
  max_tokens?: number;
  /** Strings that end the reply (not included in the text). */
  stop?: readonly string[];
  /** Repeatable sampling where the engine supports it (WebLLM); the CPU engine ignores it. */
  seed?: number;
  /**
   * Keep generating until `max_tokens` even after the end-of-sequence token: tests and benchmarks use
   * it to get a fixed number of tokens (WebLLM `ignore_eos`, transformers.js `min_new_tokens`).
   */
  ignoreEos?: boolean;
  /**
   * A JSON Schema (as a string) the reply must follow. WebLLM constrains decoding to it (its
   * `response_format: json_object`); the CPU engine cannot, so callers always validate and repair the
   * text themselves (src/lib/llm/structured.ts).
   */
  jsonSchema?: string;
  /**
   * A text the model continues as is, instead of the chat messages (base GGUF models have no chat
   * template: they are prompted with a transcript ending in "Persona:"). Only the GGUF engine reads it.
   */
  completionPrompt?: string;
}

export type FinishReason = 'stop' | 'length' | 'abort';

export interface Generation {
  text: string;
  finishReason: FinishReason;
  /**
   * Prompt tokens the engine processed, chat template included (WebLLM reuses the KV cache of the
   * previous turn when the history only grew, so a follow-up can count fewer). Null when Stop came
   * before the engine reported it.
   */
  promptTokens: number | null;
  /** Tokens generated (streamed), counted by the engine per decode step. */
  completionTokens: number;
  /** Request start to first streamed token, ms (null when nothing was generated). */
  timeToFirstTokenMs: number | null;
  /** Decode speed after the first token (null with fewer than two tokens). */
  tokensPerSecond: number | null;
  totalMs: number;
}

/** Streamed text: `delta` is appended to what came before; `tokens` counts tokens so far. */
export type DeltaListener = (delta: string, tokens: number) => void;

/**
 * Loading a model, one shape per phase. `download` reports bytes of the weights (web-llm counts whole
 * shards), `load` moves weights into GPU/WASM memory, `compile` builds GPU shaders, `warm-up` runs one
 * tiny generation so the first real reply is not the slow one.
 */
export type LoadProgress =
  | {
      phase: 'download';
      bytesDone: number;
      /** Null while the total is unknown. */
      bytesTotal: number | null;
      fraction: number;
      /** Seconds left at the current rate; null until a rate is known. */
      etaSeconds: number | null;
      /** Files/shards done and total, when the engine says. */
      filesDone?: number;
      filesTotal?: number;
    }
  | { phase: 'load'; fraction: number; bytesDone?: number; filesDone?: number; filesTotal?: number }
  | { phase: 'compile'; fraction: number; done: number; total: number; etaSeconds: number | null }
  | { phase: 'warm-up' };

export type LoadPhase = LoadProgress['phase'];

/**
 * What to load: everything the worker needs, resolved on the page from ONE catalog entry and the model
 * source, so a model library and its weights can never come from different entries.
 */
export type ModelSpec = (
  | {
      engine: 'webllm';
      /** Catalog id (web-llm model_id, or `custom:...`). */
      id: string;
      label: string;
      /** Absolute URL of the weights folder (web-llm appends `resolve/main/` unless present). */
      modelUrl: string;
      /** Absolute URL of the compiled model library (.wasm) matching web-llm's ABI. */
      modelLibUrl: string;
      contextWindow: number;
      /** Build needs WebGPU `shader-f16`. */
      needsShaderF16: boolean;
      /** Qwen3: turn the thinking block off for persona replies. */
      disableThinking: boolean;
    }
  | {
      engine: 'cpu';
      id: string;
      label: string;
      /** transformers.js model id: hub id, or folder below the local/custom base. */
      modelId: string;
      dtype: CpuDtype;
      contextWindow: number;
      source: CpuModelSource;
    }
  | {
      engine: 'gguf';
      id: string;
      label: string;
      source: GgufSource;
      contextWindow: number;
      /** llama.cpp settings the benchmark varies; the app leaves them to the engine's choice. */
      tuning?: GgufTuning;
      /** A persona's LoRA voice adapter, loaded with the model (wllama cannot change it afterwards). */
      voiceAdapter?: VoiceAdapterSpec;
    }
) & {
  /** A smaller model the error messages offer after memory trouble. */
  smallerModel?: { id: string; label: string };
};

/** A LoRA adapter GGUF kept in OPFS (adapter-files.ts) and the scale it is applied with. */
export interface VoiceAdapterSpec {
  /** Stored name in the voice-adapters folder. */
  file: string;
  /** What the person called it (the picked file's name). */
  label: string;
  /** 0-2; 1 applies it as trained. */
  scale: number;
}

/** Where a GGUF file comes from: a URL (hub, this server, anywhere; cached in OPFS) or a file the person picked (kept in OPFS). */
export type GgufSource = { kind: 'url'; url: string } | { kind: 'file'; name: string };

export interface GgufTuning {
  /** CPU threads (capped at what the device allows; 1 without cross-origin isolation). */
  threads?: number;
  nBatch?: number;
  nUbatch?: number;
  flashAttn?: boolean;
  /** Run on the CPU even where a real GPU is available. */
  cpuOnly?: boolean;
}

/** How a GGUF model is prompted: through its own chat template, or as a transcript it continues (base models). */
export type PromptMode = 'chat' | 'transcript';

export type CpuDtype = 'q4' | 'q8' | 'fp16' | 'fp32';

/** Where transformers.js fetches CPU model files from. */
export type CpuModelSource =
  | { kind: 'hub' }
  /** This site's own folder, root-relative (transformers.js 4.3.1 needs that): `/models/transformers/`. */
  | { kind: 'local'; path: string }
  /** A server laid out like the hub: `<base><model id>/resolve/main/<file>`. */
  | { kind: 'custom'; baseUrl: string };

export interface LoadedModel {
  id: string;
  label: string;
  engine: EngineKind;
  contextWindow: number;
  /** How long loading took, ms (download included). */
  loadMs: number;
  /** Human description of what runs it ("WebGPU - <adapter>", "CPU (WASM, 1 thread)"). */
  runtime: string;
  /** 'transcript' for a GGUF base model without a chat template; absent or 'chat': prompted as a chat. */
  promptMode?: PromptMode;
  /** The voice adapter loaded with the model, if any. */
  voiceAdapter?: { label: string; scale: number };
}

export interface CacheStatus {
  cached: boolean;
}

export interface LoadOptions {
  onProgress?: (progress: LoadProgress) => void;
  signal?: AbortSignal;
  /** Run one tiny generation before reporting ready (default true). */
  warmUp?: boolean;
}

export interface GenerateOptions extends GenerationOptions {
  onDelta?: DeltaListener;
  signal?: AbortSignal;
}

/**
 * The engine as the app sees it (implemented page-side by LlmClient over the llm worker).
 * `load` resolves `{ ok: false, error.code: 'aborted' }` when its signal aborts; `generate` resolves
 * `{ ok: true, finishReason: 'abort' }` with the text so far.
 */
export interface LlmEngine {
  readonly loaded: LoadedModel | null;
  load(spec: ModelSpec, options?: LoadOptions): Promise<Result<LoadedModel>>;
  generate(messages: readonly ChatMessage[], options?: GenerateOptions): Promise<Result<Generation>>;
  /** Token counts of each text with the loaded model's tokenizer (no special tokens). */
  countTokens(texts: readonly string[]): Promise<number[]>;
  /**
   * Tokens of the whole prompt as the loaded model would see it, chat template included: exact on the
   * CPU engine (its own template); WebLLM adds an estimated 4 template tokens per message plus 3.
   */
  countPromptTokens(messages: readonly ChatMessage[]): Promise<number>;
  unload(): Promise<void>;
  isCached(spec: ModelSpec): Promise<boolean>;
  deleteCached(spec: ModelSpec): Promise<void>;
}

export type { AppErrorData, Result };
