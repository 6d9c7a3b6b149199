// The bare engine for the chat benchmark: transformers.js's text-generation pipeline in a plain module
// worker, no app code in the loop (no comlink, no batching, no per-step yield). Protocol: {load} then
// {generate}; per generation it posts 'token' on every decode step and 'done' at the end, so the page
// times both engines the same way.
import { pipeline, TextStreamer, type TextGenerationPipeline } from '@huggingface/transformers';
import type { ChatMessage } from '../../src/lib/llm/types';
import { serveBareRequests, timedLoad } from './bare-worker-host';

export type BareRequest =
  | { type: 'load'; modelId: string; dtype: 'q8'; localPath: string }
  | { type: 'generate'; messages: ChatMessage[]; maxNewTokens: number };

export type BareReply = { type: 'loaded'; ms: number } | { type: 'token' } | { type: 'done'; tokens: number } | { type: 'error'; message: string };

let generator: TextGenerationPipeline | null = null;
const post = (m: BareReply) => self.postMessage(m);

serveBareRequests<BareRequest>(async (request) => {
  if (request.type === 'load') {
    const loaded = await timedLoad(request.localPath, () => pipeline('text-generation', request.modelId, { dtype: request.dtype, device: 'wasm' }));
    generator = loaded.value as TextGenerationPipeline;
    post({ type: 'loaded', ms: loaded.ms });
    return;
  }
  if (generator === null) throw new Error('not loaded');
  let tokens = 0;
  const streamer = new TextStreamer(generator.tokenizer, {
    skip_prompt: true,
    token_callback_function: (ids: bigint[]) => {
      tokens += ids.length;
      post({ type: 'token' });
    },
  });
  await generator(request.messages, { max_new_tokens: request.maxNewTokens, min_new_tokens: request.maxNewTokens, do_sample: false, streamer });
  post({ type: 'done', tokens });
});
