// The journey benchmark's reference page: the bare engines doing the app's work without the app. Each call
// starts a fresh worker (nothing in memory from an earlier round) and times from this page: a load counts
// from the worker's start, as the app's does.
// Exposed to the driving script as window.journeyBench.
import { ModelManager } from '@wllama/wllama';
import { chooseGgufBackend, probeGpu } from '../../src/lib/llm/capabilities';
import type { ChatMessage } from '../../src/lib/llm/types';
import { askBareWorker } from './bare-worker-client';
import type { BareReply } from './chat-bare-worker';
import type { BareEmbedReply } from './embed-bare-worker';
import type { BareGgufReply, BareGgufRequest } from './gguf-bare-worker';

const LOCAL_PATH = '/models/transformers/';

const api = {
  /** Loads the embedder, then embeds `texts` (in this order) in batches of `batchSize`. */
  async embed(modelId: string, texts: string[], batchSize: number): Promise<{ loadMs: number; pipelineLoadMs: number; embedMs: number; vectors: number }> {
    const started = performance.now();
    const worker = new Worker(new URL('./embed-bare-worker.ts', import.meta.url), { type: 'module', name: 'embed-bare' });
    try {
      const loaded = await askBareWorker<BareEmbedReply>(worker, { type: 'load', modelId, dtype: 'q8', localPath: LOCAL_PATH });
      if (loaded.type !== 'loaded') throw new Error(`unexpected ${loaded.type}`);
      const loadMs = Math.round(performance.now() - started);
      const done = await askBareWorker<BareEmbedReply>(worker, { type: 'embed', texts, batchSize });
      if (done.type !== 'embedded') throw new Error(`unexpected ${done.type}`);
      return { loadMs, pipelineLoadMs: loaded.ms, embedMs: done.ms, vectors: done.vectors };
    } finally {
      worker.terminate();
    }
  },

  /** Loads the chat model, then times one reply to `messages` up to its first streamed token. */
  async firstToken(modelId: string, messages: ChatMessage[], maxNewTokens: number): Promise<{ loadMs: number; pipelineLoadMs: number; firstTokenMs: number }> {
    const loadStarted = performance.now();
    const worker = new Worker(new URL('./chat-bare-worker.ts', import.meta.url), { type: 'module', name: 'chat-bare' });
    try {
      const loaded = await askBareWorker<BareReply>(worker, { type: 'load', modelId, dtype: 'q8', localPath: LOCAL_PATH });
      if (loaded.type !== 'loaded') throw new Error(`unexpected ${loaded.type}`);
      const loadMs = Math.round(performance.now() - loadStarted);
      let first: number | null = null;
      const started = performance.now();
      await askBareWorker<BareReply>(worker, { type: 'generate', messages, maxNewTokens }, () => {
        first ??= performance.now();
      });
      if (first === null) throw new Error('no token was streamed');
      return { loadMs, pipelineLoadMs: loaded.ms, firstTokenMs: Math.round(first - started) };
    } finally {
      worker.terminate();
    }
  },

  /**
   * The same for a GGUF model in a bare wllama worker: load from `url` (downloaded anew, as the app's
   * first load is) with the app's CPU thread choice, then the first streamed token of the completion `prompt`.
   */
  async ggufFirstToken(url: string, prompt: string, contextWindow: number, maxTokens: number): Promise<{ loadMs: number; pipelineLoadMs: number; firstTokenMs: number; threads: number }> {
    await new ModelManager().clear();
    const { threads } = chooseGgufBackend({ ...(await probeGpu()), available: false }, crossOriginIsolated, navigator.hardwareConcurrency);
    const loadStarted = performance.now();
    const worker = new Worker(new URL('./gguf-bare-worker.ts', import.meta.url), { type: 'module', name: 'gguf-bare' });
    try {
      const loaded = await askBareWorker<BareGgufReply>(worker, { type: 'load', url, threads, contextWindow } satisfies BareGgufRequest);
      if (loaded.type !== 'loaded') throw new Error(`unexpected ${loaded.type}`);
      const loadMs = Math.round(performance.now() - loadStarted);
      let first: number | null = null;
      const started = performance.now();
      await askBareWorker<BareGgufReply>(worker, { type: 'generate', prompt, maxTokens } satisfies BareGgufRequest, () => {
        first ??= performance.now();
      });
      if (first === null) throw new Error('no token was streamed');
      return { loadMs, pipelineLoadMs: loaded.ms, firstTokenMs: Math.round(first - started), threads: loaded.threads };
    } finally {
      worker.terminate();
    }
  },
};

export type JourneyBenchApi = typeof api;
(window as unknown as { journeyBench: JourneyBenchApi }).journeyBench = api;
document.body.dataset['ready'] = 'true';
