// The WebLLM adapter (the only importer of @mlc-ai/web-llm): loads a model
// from ONE resolved ModelSpec (weights URL + model library URL), streams chat completions, interrupts,
// counts tokens with the model's own tokenizer, and answers cache queries. web-llm bundles ~2 MB of
// wasm, so it is imported lazily and only inside the llm worker.
// Invariants: appConfig uses the Cache API (useIndexedDBCache false); Qwen3 never "thinks" here.

import type * as WebLlmModule from '@mlc-ai/web-llm';
import type { AppConfig, ChatCompletionRequestStreaming, InitProgressReport, MLCEngine } from '@mlc-ai/web-llm';
import { DEFAULT_MAX_TOKENS, type AdapterGeneration, type ProgressSink, type RuntimeAdapter, type TokenSink } from './engine';
import { llmError } from './errors';
import { isWebLlmFinished, parseWebLlmReport } from './progress';
import type { ChatMessage, FinishReason, GenerationOptions, ModelSpec } from './types';

type WebLlm = typeof WebLlmModule;
type WebLlmSpec = Extract<ModelSpec, { engine: 'webllm' }>;

let library: Promise<WebLlm> | undefined;

export function loadWebLlm(): Promise<WebLlm> {
  library ??= import('@mlc-ai/web-llm');
  return library;
}

/** The app config for exactly one model: the spec's weights and library, nothing else. */
export function appConfigFor(spec: WebLlmSpec): AppConfig {
  return {
    model_list: [
      {
        model: spec.modelUrl,
        model_id: spec.id,
        model_lib: spec.modelLibUrl,
        overrides: { context_window_size: spec.contextWindow },
        ...(spec.needsShaderF16 ? { required_features: ['shader-f16'] } : {}),
      },
    ],
    useIndexedDBCache: false,
  };
}

/** web-llm's prebuilt model records (the catalog is built from them in the worker). */
export async function prebuiltRecords(): Promise<AppConfig['model_list']> {
  return (await loadWebLlm()).prebuiltAppConfig.model_list;
}

export async function isWebLlmCached(spec: WebLlmSpec): Promise<boolean> {
  const webllm = await loadWebLlm();
  return webllm.hasModelInCache(spec.id, appConfigFor(spec));
}

/**
 * Deletes weights, tokenizer, config and library. web-llm 0.2.79 does not await its shard deletion, so
 * a cache query right after could still see the model: every entry below the model's URL (and the
 * library) is also removed here, and awaited.
 */
export async function deleteWebLlmCache(spec: WebLlmSpec): Promise<void> {
  const webllm = await loadWebLlm();
  await webllm.deleteModelAllInfoInCache(spec.id, appConfigFor(spec));
  const base = new URL(spec.modelUrl.endsWith('/') ? spec.modelUrl : `${spec.modelUrl}/`).href;
  for (const name of ['webllm/model', 'webllm/config', 'webllm/wasm']) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (request.url.startsWith(base) || request.url === spec.modelLibUrl) await cache.delete(request);
    }
  }
}

interface TokenizerLike {
  encode(text: string): ArrayLike<number>;
}

/**
 * web-llm 0.2.79 keeps the tokenizer private inside its pipeline; reading it is the only way to count
 * with the model's own tokenizer without loading it twice. The shape is checked at run time, and the
 * version is pinned, so a change surfaces as a clear error rather than wrong counts.
 */
function tokenizerOf(engine: MLCEngine, id: string): TokenizerLike {
  const pipelines = (engine as unknown as { loadedModelIdToPipeline?: Map<string, { tokenizer?: unknown }> }).loadedModelIdToPipeline;
  const tokenizer = pipelines?.get(id)?.tokenizer as Partial<TokenizerLike> | undefined;
  if (typeof tokenizer?.encode !== 'function') {
    throw llmError('generation-failed', 'This WebLLM version hides its tokenizer; token counts are unavailable.');
  }
  return tokenizer as TokenizerLike;
}

/** ChatML-style templates add a role header and an end marker per message. */
const TEMPLATE_TOKENS_PER_MESSAGE = 4;
const GENERATION_PROMPT_TOKENS = 3;

export async function createWebLlmAdapter(spec: WebLlmSpec, onProgress: ProgressSink, warmUp: boolean): Promise<RuntimeAdapter> {
  const webllm = await loadWebLlm();
  let runtime = 'WebGPU';
  const engine = new webllm.MLCEngine({
    appConfig: appConfigFor(spec),
    logLevel: 'WARN',
    initProgressCallback: (report: InitProgressReport) => {
      if (isWebLlmFinished(report)) runtime = report.text.replace(/^Finish loading on\s*/, '') || runtime;
      const progress = parseWebLlmReport(report);
      if (progress !== null) onProgress(progress);
    },
  });
  await engine.reload(spec.id);

  const request = (messages: readonly ChatMessage[], options: GenerationOptions): ChatCompletionRequestStreaming => ({
    messages: messages.map((m) => ({ role: m.role, content: m.content })) as ChatCompletionRequestStreaming['messages'],
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: options.max_tokens ?? DEFAULT_MAX_TOKENS,
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.top_p !== undefined ? { top_p: options.top_p } : {}),
    ...(options.stop !== undefined && options.stop.length > 0 ? { stop: [...options.stop] } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.ignoreEos === true ? { ignore_eos: true } : {}),
    ...(options.jsonSchema !== undefined ? { response_format: { type: 'json_object' as const, schema: options.jsonSchema } } : {}),
    ...(spec.disableThinking ? { extra_body: { enable_thinking: false } } : {}),
  });

  const adapter: RuntimeAdapter = {
    get runtime() {
      return runtime;
    },
    async generate(messages, options, sink: TokenSink): Promise<AdapterGeneration> {
      const chunks = await engine.chat.completions.create(request(messages, options));
      let text = '';
      let finishReason: FinishReason = 'stop';
      let promptTokens = 0;
      for await (const chunk of chunks) {
        const choice = chunk.choices[0];
        if (choice !== undefined) {
          if (choice.finish_reason === null) {
            // One chunk per prefill/decode step (web-llm skips steps that end inside an emoji, which
            // undercounts those by a token; usage.completion_tokens is off by one the other way).
            sink.token();
            const delta = choice.delta.content ?? '';
            if (delta !== '') {
              text += delta;
              sink.text(delta);
            }
          } else {
            finishReason = choice.finish_reason === 'length' ? 'length' : choice.finish_reason === 'abort' ? 'abort' : 'stop';
          }
        }
        if (chunk.usage !== undefined && chunk.usage !== null) promptTokens = chunk.usage.prompt_tokens;
      }
      return { text, finishReason, promptTokens };
    },
    interrupt() {
      void engine.interruptGenerate();
    },
    async countTokens(texts) {
      const tokenizer = tokenizerOf(engine, spec.id);
      return texts.map((t) => (t === '' ? 0 : tokenizer.encode(t).length));
    },
    async countPromptTokens(messages) {
      const tokenizer = tokenizerOf(engine, spec.id);
      let total = GENERATION_PROMPT_TOKENS;
      for (const m of messages) total += tokenizer.encode(m.content).length + TEMPLATE_TOKENS_PER_MESSAGE;
      return total;
    },
    async unload() {
      await engine.unload();
    },
  };

  if (warmUp) {
    onProgress({ phase: 'warm-up' });
    // One prefill + one token compiles the GPU pipelines the first reply would otherwise pay for.
    await engine.chat.completions.create({
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 1,
      stream: false,
      ...(spec.disableThinking ? { extra_body: { enable_thinking: false } } : {}),
    });
    await engine.resetChat();
  }
  return adapter;
}
