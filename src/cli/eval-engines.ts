// The evaluation's engines in node: transformers.js (its node build, on onnxruntime-node) for text
// generation and embeddings behind EvalEngines. The app's adapters cannot run here (they import ORT's
// wasm with Vite `?url`), so this file is the node adapter registered in eslint's ENGINE_OWNERS.
// Invariants: model files come only from the given folder, or from the hub when remote is allowed.

import { resolve } from 'node:path';
import type * as TransformersModule from '@huggingface/transformers';
import type { EvalEngines } from '../lib/persona/fidelity-run';

type Transformers = typeof TransformersModule;
export type NodeDtype = 'q4' | 'q8' | 'fp16' | 'fp32';

export interface NodeEngineOptions {
  modelId: string;
  embedModelId: string;
  dtype: NodeDtype;
  embedDtype: NodeDtype;
  /** A folder holding `<model id>/` folders (transformers.js localModelPath); null = the hub. */
  modelsDir: string | null;
  /** Allow downloads from the hub (or `remoteHost`). */
  remote: boolean;
  remoteHost?: string;
  /** Tokens the prompt and reply may use together. */
  contextWindow: number;
  onStatus?: (message: string) => void;
}

export interface NodeEngines extends EvalEngines {
  dispose(): Promise<void>;
}

export class ModelLoadError extends Error {}

function configure(env: Transformers['env'], options: NodeEmbedderOptions): void {
  env.allowLocalModels = options.modelsDir !== null;
  if (options.modelsDir !== null) env.localModelPath = `${resolve(options.modelsDir)}/`;
  env.allowRemoteModels = options.remote;
  if (options.remoteHost !== undefined) env.remoteHost = options.remoteHost.endsWith('/') ? options.remoteHost : `${options.remoteHost}/`;
}

function where(options: NodeEmbedderOptions): string {
  const parts: string[] = [];
  if (options.modelsDir !== null) parts.push(`the folder ${options.modelsDir}`);
  if (options.remote) parts.push(options.remoteHost ?? 'the model hub');
  return parts.join(' or ');
}

export type NodeEmbedderOptions = Pick<NodeEngineOptions, 'embedModelId' | 'embedDtype' | 'modelsDir' | 'remote' | 'remoteHost' | 'onStatus'>;

export interface NodeEmbedder {
  embed: EvalEngines['embed'];
  dispose(): Promise<void>;
}

async function loader<T>(options: NodeEmbedderOptions, what: string, id: string, run: () => Promise<T>, quiet = false): Promise<T> {
  if (!quiet) options.onStatus?.(`loading ${what} ${id} …`);
  try {
    return await run();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ModelLoadError(`The ${what} "${id}" could not be loaded from ${where(options)} (${detail}).`);
  }
}

/** The embedding model alone (mean-pooled, normalized), for engines whose language model is not transformers.js. */
export async function createNodeEmbedder(options: NodeEmbedderOptions): Promise<NodeEmbedder> {
  const t: Transformers = await import('@huggingface/transformers');
  configure(t.env, options);
  const extractor = await loader(options, 'embedding model', options.embedModelId, () =>
    t.pipeline('feature-extraction', options.embedModelId, { dtype: options.embedDtype }),
  );
  return {
    async embed(texts) {
      if (texts.length === 0) return [];
      const output = await extractor([...texts], { pooling: 'mean', normalize: true });
      const data = output.data as Float32Array;
      const width = output.dims[output.dims.length - 1] ?? 0;
      const vectors: Float32Array[] = [];
      for (let i = 0; i < texts.length; i++) vectors.push(data.slice(i * width, (i + 1) * width));
      output.dispose();
      return vectors;
    },
    async dispose() {
      await extractor.dispose();
    },
  };
}

export async function createNodeEngines(options: NodeEngineOptions): Promise<NodeEngines> {
  const t: Transformers = await import('@huggingface/transformers');
  configure(t.env, options);
  const load = <T>(what: string, id: string, run: () => Promise<T>, quiet = false): Promise<T> => loader(options, what, id, run, quiet);
  const tokenizer = await load('language model', options.modelId, () => t.AutoTokenizer.from_pretrained(options.modelId));
  const model = await load('language model', options.modelId, () =>
    t.AutoModelForCausalLM.from_pretrained(options.modelId, { dtype: options.dtype }), true,
  );
  const embedder = await createNodeEmbedder(options);

  return {
    modelId: `${options.modelId}@${options.dtype}`,
    contextWindow: options.contextWindow,
    async generate(messages, generation, signal) {
      const inputs = tokenizer.apply_chat_template(
        messages.map((m) => ({ role: m.role, content: m.content })),
        { add_generation_prompt: true, return_dict: true },
      ) as { input_ids: TransformersModule.Tensor; attention_mask: TransformersModule.Tensor };
      const promptTokens = inputs.input_ids.dims.at(-1) ?? 0;
      if (promptTokens >= options.contextWindow) {
        throw new Error(`The prompt has ${promptTokens} tokens but the context window is ${options.contextWindow}.`);
      }
      const maxNew = Math.max(1, Math.min(generation.max_tokens ?? 64, options.contextWindow - promptTokens));
      const stopping = new t.InterruptableStoppingCriteria();
      const onAbort = (): void => stopping.interrupt();
      signal?.addEventListener('abort', onAbort);
      const temperature = generation.temperature ?? 0;
      try {
        const output = (await model.generate({
          ...inputs,
          max_new_tokens: maxNew,
          do_sample: temperature > 0,
          ...(temperature > 0 ? { temperature } : {}),
          stopping_criteria: [stopping],
        } as Parameters<typeof model.generate>[0])) as TransformersModule.Tensor;
        const fresh = output.slice(null, [promptTokens, output.dims.at(-1) ?? promptTokens]);
        return tokenizer.batch_decode(fresh, { skip_special_tokens: true })[0] ?? '';
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
    async countTokens(texts) {
      return texts.map((s) => (s === '' ? 0 : tokenizer.encode(s, { add_special_tokens: false }).length));
    },
    embed: (texts, signal) => embedder.embed(texts, signal),
    async dispose() {
      await embedder.dispose();
      await model.dispose();
    },
  };
}
