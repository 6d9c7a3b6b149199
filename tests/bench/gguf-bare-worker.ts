// Bare wllama in a worker, for `npm run bench:gguf`: the same library, wasm, model and llama.cpp settings
// as the app's GGUF engine, with none of the app around it (no comlink, no batching, no adapter). Each
// streamed chunk is posted to the page at once, so the page times both paths the same way.
/// <reference types="vite/client" />
import wasmUrl from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import { Wllama } from '@wllama/wllama';

export type BareGgufRequest =
  | { type: 'load'; url: string; threads: number; contextWindow: number; flashAttn?: boolean; nBatch?: number; nUbatch?: number }
  | { type: 'generate'; prompt: string; maxTokens: number }
  | { type: 'unload' };

export type BareGgufReply =
  | { type: 'loaded'; ms: number; threads: number; multithread: boolean }
  | { type: 'token' }
  | { type: 'done'; tokens: number }
  | { type: 'unloaded' }
  | { type: 'error'; message: string };

const quiet = { debug: () => undefined, log: () => undefined, warn: () => undefined, error: (...a: unknown[]) => console.error(...a) };
let wllama: Wllama | null = null;
const post = (reply: BareGgufReply) => postMessage(reply);

self.onmessage = async (event: MessageEvent<BareGgufRequest>) => {
  const request = event.data;
  try {
    if (request.type === 'load') {
      const started = performance.now();
      wllama = new Wllama({ default: wasmUrl }, { logger: quiet, allowOffline: true });
      wllama.setCompat(null);
      await wllama.loadModelFromUrl(request.url, {
        n_ctx: request.contextWindow,
        n_threads: request.threads,
        n_gpu_layers: 0,
        n_parallel: 1,
        ...(request.flashAttn === undefined ? {} : { flash_attn: request.flashAttn }),
        ...(request.nBatch === undefined ? {} : { n_batch: request.nBatch }),
        ...(request.nUbatch === undefined ? {} : { n_ubatch: request.nUbatch }),
      });
      post({ type: 'loaded', ms: Math.round(performance.now() - started), threads: wllama.getNumThreads(), multithread: wllama.isMultithread() });
    } else if (request.type === 'generate') {
      if (wllama === null) throw new Error('not loaded');
      let tokens = 0;
      await wllama.createCompletion({
        prompt: request.prompt,
        max_tokens: request.maxTokens,
        temperature: 0,
        ignore_eos: true,
        stream: true,
        onData: (chunk) => {
          if (chunk.choices[0]?.finish_reason === null) {
            tokens++;
            post({ type: 'token' });
          }
          if (chunk.usage !== undefined && chunk.usage !== null) tokens = Math.max(tokens, chunk.usage.completion_tokens);
        },
      });
      post({ type: 'done', tokens });
    } else {
      await wllama?.exit();
      wllama = null;
      post({ type: 'unloaded' });
    }
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
