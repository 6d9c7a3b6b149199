// The bare embedding engine for the journey benchmark: transformers.js's feature-extraction pipeline in a
// plain module worker (mean pooling, normalized, like the app), fixed batches, no app code in the loop (no
// comlink, no job, no IndexedDB, no batch tuning). Protocol: {load} then {embed}; see bare-worker-client.ts.
import { pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { serveBareRequests, timedLoad } from './bare-worker-host';

export type BareEmbedRequest =
  | { type: 'load'; modelId: string; dtype: 'q8'; localPath: string }
  | { type: 'embed'; texts: string[]; batchSize: number };

export type BareEmbedReply = { type: 'loaded'; ms: number } | { type: 'embedded'; ms: number; vectors: number } | { type: 'error'; message: string };

let extractor: FeatureExtractionPipeline | null = null;
const post = (m: BareEmbedReply) => self.postMessage(m);

serveBareRequests<BareEmbedRequest>(async (request) => {
  if (request.type === 'load') {
    const loaded = await timedLoad(request.localPath, () => pipeline('feature-extraction', request.modelId, { dtype: request.dtype, device: 'wasm' }));
    extractor = loaded.value;
    post({ type: 'loaded', ms: loaded.ms });
    return;
  }
  if (extractor === null) throw new Error('not loaded');
  const started = performance.now();
  let vectors = 0;
  for (let i = 0; i < request.texts.length; i += request.batchSize) {
    const output = await extractor(request.texts.slice(i, i + request.batchSize), { pooling: 'mean', normalize: true });
    vectors += output.dims[0] ?? 0;
    output.dispose();
  }
  post({ type: 'embedded', ms: Math.round(performance.now() - started), vectors });
});
