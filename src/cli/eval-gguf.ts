// The evaluation's GGUF engine in node: native llama.cpp through node-llama-cpp (the only importer of
// it, registered in eslint's ENGINE_OWNERS), with embeddings from transformers.js (eval-engines.ts).
// It completes and scores ModelPrompts: a base model (no chat template in its metadata) gets raw
// transcript text, a model with a template gets its messages through that template. Invariants: greedy
// completions without repeat penalty; one sequence per context, whose matching prefix is reused
// (KV cache) between calls; scoring asks llama.cpp only for the real next token's logit, the top
// logit and the softmax normaliser, never the whole vocabulary.

import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type * as NodeLlamaCppModule from 'node-llama-cpp';
import type { ChatHistoryItem, ControlledEvaluateInputItem, LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import type { ChatMessage, GenerationOptions } from '../lib/llm/types';
import type { ContinuationScore, ModelPrompt, PromptModel } from '../lib/persona/fidelity-run';
import { createNodeEmbedder, ModelLoadError, type NodeEmbedderOptions, type NodeEngines } from './eval-engines';

export interface GgufEngineOptions extends NodeEmbedderOptions {
  modelPath: string;
  /** A llama.cpp LoRA adapter (GGUF) scored and sampled as one more variant. */
  adapterPath?: string;
  /** The scale the adapter is applied with (default 1). */
  adapterScale?: number;
  /** CPU threads; llama.cpp's default oversubscribes a small machine (0.4 tokens/s seen on 2 cores). */
  threads: number;
  contextWindow: number;
}

export interface GgufEngines extends NodeEngines {
  runtime: string;
  promptModel: PromptModel & { mode: 'transcript' | 'chat' };
}

type NodeLlamaCpp = typeof NodeLlamaCppModule;

/** One context (with or without the adapter) and its single sequence. */
class SequenceModel implements PromptModel {
  readonly #lib: NodeLlamaCpp;
  readonly #model: LlamaModel;
  readonly #context: LlamaContext;
  readonly #sequence: LlamaContextSequence;
  readonly #chat: ReturnType<NodeLlamaCpp['resolveChatWrapper']> | null;

  constructor(lib: NodeLlamaCpp, model: LlamaModel, context: LlamaContext, chat: ReturnType<NodeLlamaCpp['resolveChatWrapper']> | null) {
    this.#lib = lib;
    this.#model = model;
    this.#context = context;
    this.#sequence = context.getSequence();
    this.#chat = chat;
  }

  /** The prompt's tokens (BOS first) and the strings that end a generated reply. */
  #promptTokens(prompt: ModelPrompt): { tokens: Token[]; stop: (string | Token[])[] } {
    const bos = this.#model.tokens.bos;
    const head: Token[] = bos === null ? [] : [bos];
    if ('text' in prompt) return { tokens: [...head, ...this.#model.tokenize(prompt.text, false)], stop: [...prompt.stop] };
    if (this.#chat === null) throw new Error('This model has no chat template: give it transcript prompts.');
    const history: ChatHistoryItem[] = prompt.messages.map((m: ChatMessage) =>
      m.role === 'system' ? { type: 'system', text: m.content } : m.role === 'user' ? { type: 'user', text: m.content } : { type: 'model', response: [m.content] },
    );
    history.push({ type: 'model', response: [] });
    const state = this.#chat.generateContextState({ chatHistory: history });
    const tokens = state.contextText.tokenize(this.#model.tokenizer);
    const stop = state.stopGenerationTriggers.map((t) => t.tokenize(this.#model.tokenizer));
    return { tokens, stop };
  }

  async complete(prompt: ModelPrompt, options: GenerationOptions, signal?: AbortSignal): Promise<string> {
    const { tokens, stop } = this.#promptTokens(prompt);
    const room = this.#context.contextSize - tokens.length;
    if (room < 1) throw new Error(`The prompt has ${tokens.length} tokens but the context window is ${this.#context.contextSize}.`);
    const completion = new this.#lib.LlamaCompletion({ contextSequence: this.#sequence });
    try {
      // LlamaCompletion puts the model's beginning token first itself: a second one changes what the model
      // writes (the greedy reply then differed from the browser engine's at its fourth token).
      const bos = this.#model.tokens.bos;
      const input = bos !== null && tokens[0] === bos ? tokens.slice(1) : tokens;
      return await completion.generateCompletion(input, {
        maxTokens: Math.min(options.max_tokens ?? 64, room),
        temperature: options.temperature ?? 0,
        ...(options.top_p !== undefined ? { topP: options.top_p } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        repeatPenalty: false,
        customStopTriggers: [...stop, ...(options.stop ?? [])],
        ...(signal !== undefined ? { signal } : {}),
      });
    } finally {
      completion.dispose({ disposeSequence: false });
    }
  }

  async score(prompt: ModelPrompt, continuation: string, signal?: AbortSignal): Promise<ContinuationScore> {
    const { tokens: promptTokens } = this.#promptTokens(prompt);
    // The text's own tokenization across the join when it keeps the prompt's tokens, else the two apart.
    const whole = 'text' in prompt ? this.#model.tokenize(prompt.text + continuation, false) : null;
    const head = promptTokens.length - (this.#model.tokens.bos === null || !('text' in prompt) ? 0 : 1);
    const joined = whole !== null && promptTokens.slice(promptTokens.length - head).every((t, i) => whole[i] === t);
    let target = joined && whole !== null ? whole.slice(head) : this.#model.tokenize(continuation, false);
    target = target.slice(0, Math.max(0, this.#context.contextSize - promptTokens.length));
    if (target.length === 0) return { nll: 0, tokens: 0 };
    if (signal?.aborted === true) throw new Error('aborted');
    // Reuse what the sequence already holds of the prompt; everything after is evaluated now.
    await this.#sequence.adaptStateToTokens(promptTokens.slice(0, -1), false);
    const start = this.#sequence.nextTokenIndex;
    const all = [...promptTokens, ...target.slice(0, -1)];
    const first = promptTokens.length - 1;
    const input = all.slice(start).map((token, j): ControlledEvaluateInputItem => {
      const k = start + j - first;
      const next = target[k];
      if (k < 0 || next === undefined) return token;
      // includeTop: 1 brings the top logit (includeMax does not in 3.22.1); totalLogitWeight = sum exp(l - max).
      return [token, { generateNext: { logits: { filter: { tokens: [next], includeTop: 1 } }, totalLogitWeight: true } }];
    });
    const out = await this.#sequence.controlledEvaluate(input);
    let nll = 0;
    for (let k = 0; k < target.length; k++) {
      const next = out[first + k - start]?.next;
      const token = target[k];
      if (next?.logits === undefined || next.totalLogitWeight === undefined || token === undefined) throw new Error(`llama.cpp returned no logits at position ${first + k}.`);
      let max = -Infinity;
      for (const v of next.logits.values()) max = Math.max(max, v);
      const logit = next.logits.get(token);
      if (logit === undefined) throw new Error(`llama.cpp returned no logit for token ${token}.`);
      nll -= logit - max - Math.log(next.totalLogitWeight);
    }
    return { nll, tokens: target.length };
  }

  countTokens(texts: string[]): number[] {
    return texts.map((s) => (s === '' ? 0 : this.#model.tokenize(s, false).length));
  }

  async dispose(): Promise<void> {
    await this.#context.dispose();
  }
}

export async function createGgufEngines(options: GgufEngineOptions): Promise<GgufEngines> {
  if (!existsSync(options.modelPath)) throw new ModelLoadError(`No GGUF model at ${options.modelPath} (npm run models:real fetches Gemma 3 270M into .models/gguf/).`);
  if (options.adapterPath !== undefined && !existsSync(options.adapterPath)) throw new ModelLoadError(`No LoRA adapter at ${options.adapterPath}.`);
  const lib: NodeLlamaCpp = await import('node-llama-cpp');
  options.onStatus?.(`loading ${basename(options.modelPath)} with native llama.cpp (${options.threads} thread${options.threads === 1 ? '' : 's'}) …`);
  let model: LlamaModel;
  try {
    const llama = await lib.getLlama({ gpu: false, build: 'never', logLevel: lib.LlamaLogLevel.error });
    model = await llama.loadModel({ modelPath: options.modelPath });
  } catch (error) {
    throw new ModelLoadError(`The GGUF model ${options.modelPath} could not be loaded (${error instanceof Error ? error.message : String(error)}).`);
  }
  const template = model.fileInfo.metadata.tokenizer.chat_template;
  const hasTemplate = typeof template === 'string' && template.trim() !== '';
  const chat = hasTemplate ? lib.resolveChatWrapper(model) : null;
  const contextOptions = { contextSize: options.contextWindow, threads: options.threads, batchSize: 512, sequences: 1 };
  const main = new SequenceModel(lib, model, await model.createContext(contextOptions), chat);
  let adapter: SequenceModel | null = null;
  if (options.adapterPath !== undefined) {
    try {
      adapter = new SequenceModel(lib, model, await model.createContext({ ...contextOptions, lora: { adapters: [{ filePath: options.adapterPath, scale: options.adapterScale ?? 1 }] } }), chat);
    } catch (error) {
      throw new ModelLoadError(`The LoRA adapter ${options.adapterPath} could not be loaded (${error instanceof Error ? error.message : String(error)}).`);
    }
  }
  const embedder = await createNodeEmbedder(options);
  const mode = hasTemplate ? 'chat' : 'transcript';
  options.onStatus?.(`${basename(options.modelPath)}: ${hasTemplate ? 'chat template found: prompts go through it' : 'no chat template (a base model): transcript prompts'}`);
  const adapterPath = options.adapterPath;
  return {
    modelId: basename(options.modelPath) + (adapterPath !== undefined ? ` (+ ${basename(adapterPath)}${(options.adapterScale ?? 1) === 1 ? '' : ` ×${options.adapterScale}`})` : ''),
    runtime: `node-llama-cpp ${options.threads} thread${options.threads === 1 ? '' : 's'}, ${mode} prompts`,
    contextWindow: options.contextWindow,
    promptModel: { mode, complete: (p, o, s) => main.complete(p, o, s), score: (p, c, s) => main.score(p, c, s) },
    ...(adapter !== null && adapterPath !== undefined
      ? { adapter: { label: `adapter ${basename(adapterPath)}`, complete: (p, o, s) => adapter.complete(p, o, s), score: (p, c, s) => adapter.score(p, c, s) } }
      : {}),
    generate: (messages, o, s) => main.complete({ messages }, o, s),
    countTokens: (texts) => Promise.resolve(main.countTokens(texts)),
    embed: (texts, signal) => embedder.embed(texts, signal),
    async dispose() {
      await embedder.dispose();
      await adapter?.dispose();
      await main.dispose();
      await model.dispose();
    },
  };
}
