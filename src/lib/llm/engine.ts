// The worker-side contract each runtime adapter (WebLLM, transformers.js, wllama) implements, kept smaller
// than LlmEngine: adapters only generate and report per-token events; timing, batching, queuing and
// error mapping are done once in worker-api.ts. Invariant: `generate` resolves (never rejects) on
// interrupt, with finishReason 'abort'.

import type { ChatMessage, FinishReason, GenerationOptions, LoadProgress, PromptMode } from './types';

export interface TokenSink {
  /** One decode step happened (a token was generated). */
  token(): void;
  /** Text that may be shown now (may lag tokens while a word or character is incomplete). */
  text(delta: string): void;
}

export interface AdapterGeneration {
  text: string;
  finishReason: FinishReason;
  promptTokens: number;
}

export interface RuntimeAdapter {
  /** "WebGPU - <adapter>" / "CPU (WASM)". */
  readonly runtime: string;
  /** 'transcript' for a base GGUF model (no chat template); absent means 'chat'. */
  readonly promptMode?: PromptMode;
  generate(messages: readonly ChatMessage[], options: GenerationOptions, sink: TokenSink): Promise<AdapterGeneration>;
  /** Ends the running generation as soon as the runtime allows. */
  interrupt(): void;
  countTokens(texts: readonly string[]): Promise<number[]>;
  countPromptTokens(messages: readonly ChatMessage[]): Promise<number>;
  unload(): Promise<void>;
}

export type ProgressSink = (progress: LoadProgress) => void;

/** Default reply length when the caller gives none: a chat message, not an essay. */
export const DEFAULT_MAX_TOKENS = 256;
