/// <reference types="vite/client" />
// The CPU engine: transformers.js text generation on ONNX Runtime's WASM backend, behind the same
// RuntimeAdapter as WebLLM. The only importer of @huggingface/transformers under src/lib/llm (lazily).
// Invariants: ORT's wasm is the copy bundled with the app (never a CDN); model files come only from
// the spec's source; Stop takes effect before the next decode step (see `yieldEachStep`).

import type * as TransformersModule from '@huggingface/transformers';
import { configureTransformers } from '../embed/transformers-env';
import { DEFAULT_MAX_TOKENS, type AdapterGeneration, type ProgressSink, type RuntimeAdapter, type TokenSink } from './engine';
import { llmError } from './errors';
import { FileProgressAggregator, type FileProgressEvent } from './progress';
import { StopScanner } from './stop';
import type { ChatMessage, CpuModelSource, FinishReason, ModelSpec } from './types';

type Transformers = typeof TransformersModule;
type CpuSpec = Extract<ModelSpec, { engine: 'cpu' }>;

let library: Promise<Transformers> | undefined;

function loadTransformers(): Promise<Transformers> {
  library ??= import('@huggingface/transformers');
  return library;
}

function configure(env: Transformers['env'], source: CpuModelSource): void {
  configureTransformers(env, source);
}

export async function isCpuModelCached(spec: CpuSpec): Promise<boolean> {
  const t = await loadTransformers();
  configure(t.env, spec.source);
  try {
    return await t.ModelRegistry.is_pipeline_cached('text-generation', spec.modelId, { dtype: spec.dtype, device: 'wasm' });
  } catch {
    return false;
  }
}

export async function deleteCpuModelCache(spec: CpuSpec): Promise<void> {
  const t = await loadTransformers();
  configure(t.env, spec.source);
  await t.ModelRegistry.clear_pipeline_cache('text-generation', spec.modelId, { dtype: spec.dtype, device: 'wasm' });
}

/** Resolves on the next macrotask: lets the worker read messages queued behind a long computation. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}

interface Forwardable {
  forward(inputs: unknown): Promise<unknown>;
}

/**
 * transformers.js decodes in one async loop that never yields a macrotask, so an "interrupt" message
 * from the page would only be read after the whole reply. Wrapping `forward` to yield one macrotask
 * per step lets that message in (cost: well under a millisecond per token); when the flag is set the
 * next step throws instead of running, so Stop costs at most the step already running.
 * Chosen over a SharedArrayBuffer flag (needs cross-origin isolation, which the app cannot assume on
 * every host) and over terminating the worker (the model would reload, ~0.6 s to seconds).
 */
function yieldEachStep(model: Forwardable, isInterrupted: () => boolean): void {
  const forward = model.forward.bind(model);
  model.forward = async (inputs: unknown) => {
    await nextTask();
    if (isInterrupted()) throw new Interrupted();
    return forward(inputs);
  };
}

export async function createCpuAdapter(spec: CpuSpec, onProgress: ProgressSink, warmUp: boolean): Promise<RuntimeAdapter> {
  const t = await loadTransformers();
  configure(t.env, spec.source);
  const aggregate = new FileProgressAggregator();
  const progress_callback = (info: unknown) => {
    const p = aggregate.update(info as FileProgressEvent);
    if (p !== null) onProgress(p);
  };
  // Side by side: the tokenizer's files download and parse while the weights download and ORT starts.
  const [tokenizer, model] = await Promise.all([
    t.AutoTokenizer.from_pretrained(spec.modelId, { progress_callback }),
    t.AutoModelForCausalLM.from_pretrained(spec.modelId, { dtype: spec.dtype, device: 'wasm', progress_callback }),
  ]);

  let interrupted = false;
  yieldEachStep(model as unknown as Forwardable, () => interrupted);

  const encodeChat = (messages: readonly ChatMessage[]) =>
    tokenizer.apply_chat_template(
      messages.map((m) => ({ role: m.role, content: m.content })),
      { add_generation_prompt: true, return_dict: true },
    ) as { input_ids: { dims: number[] }; attention_mask: unknown };

  // End-of-sequence ids tell a natural end ('stop') from hitting max_tokens ('length').
  const configs = model as unknown as { generation_config?: { eos_token_id?: unknown }; config?: { eos_token_id?: unknown } };
  const eosIds = new Set<bigint>(
    [configs.generation_config?.eos_token_id, configs.config?.eos_token_id]
      .flat()
      .filter((x): x is number => typeof x === 'number')
      .map((x) => BigInt(x)),
  );

  const adapter: RuntimeAdapter = {
    runtime: 'CPU (WebAssembly)',
    async generate(messages, options, sink: TokenSink): Promise<AdapterGeneration> {
      interrupted = false;
      const inputs = encodeChat(messages);
      const promptTokens = inputs.input_ids.dims.at(-1) ?? 0;
      if (promptTokens >= spec.contextWindow) {
        throw llmError('context-exceeded', `The prompt has ${promptTokens} tokens but “${spec.label}” reads at most ${spec.contextWindow}.`);
      }
      const maxNew = Math.max(1, Math.min(options.max_tokens ?? DEFAULT_MAX_TOKENS, spec.contextWindow - promptTokens));
      const stops = new StopScanner(options.stop ?? []);
      const stopping = new t.InterruptableStoppingCriteria();
      let text = '';
      let generated = 0;
      let lastToken: bigint | null = null;
      const emit = (piece: string) => {
        if (piece === '') return;
        text += piece;
        sink.text(piece);
      };
      const streamer = new t.TextStreamer(tokenizer, {
        skip_prompt: true,
        skip_special_tokens: true,
        token_callback_function: (ids: bigint[]) => {
          generated += ids.length;
          lastToken = ids.at(-1) ?? lastToken;
          sink.token();
        },
        callback_function: (piece: string) => {
          emit(stops.push(piece));
          if (stops.stopped) stopping.interrupt();
        },
      });
      const temperature = options.temperature ?? 0.7;
      try {
        await model.generate({
          ...inputs,
          max_new_tokens: maxNew,
          ...(options.ignoreEos === true ? { min_new_tokens: maxNew } : {}),
          do_sample: temperature > 0,
          ...(temperature > 0 ? { temperature } : {}),
          ...(options.top_p !== undefined ? { top_p: options.top_p } : {}),
          streamer,
          stopping_criteria: [stopping],
        } as Parameters<typeof model.generate>[0]);
      } catch (error) {
        if (error instanceof Interrupted) return { text, finishReason: 'abort', promptTokens };
        throw error;
      }
      emit(stops.end());
      // A stop string or the end-of-sequence token is a natural end; running out of max_tokens is not.
      const hitLimit = !stops.stopped && generated >= maxNew && (lastToken === null || !eosIds.has(lastToken));
      const finishReason: FinishReason = hitLimit ? 'length' : 'stop';
      return { text, finishReason, promptTokens };
    },
    interrupt() {
      interrupted = true;
    },
    async countTokens(texts) {
      return texts.map((s) => (s === '' ? 0 : tokenizer.encode(s, { add_special_tokens: false }).length));
    },
    async countPromptTokens(messages) {
      return encodeChat(messages).input_ids.dims.at(-1) ?? 0;
    },
    async unload() {
      await model.dispose();
    },
  };

  if (warmUp) {
    onProgress({ phase: 'warm-up' });
    // The first run allocates ORT's buffers; paying that here keeps the first reply's latency honest.
    await adapter.generate([{ role: 'user', content: 'Hi' }], { max_tokens: 1, temperature: 0 }, { token() {}, text() {} });
  }
  return adapter;
}
