// Entry of the eval harness page (src/cli/eval-page.html, served only by `npm run eval`'s own Vite dev
// server, never built into the app): wires the app's real llm worker (LlmClient) and embed worker
// (EmbedClient) into the page API and puts it on `window.evalPage` for node to call.
import { EmbedClient } from '../lib/rpc/embed-client';
import { LlmClient } from '../lib/rpc/llm-client';
import { createEvalPageApi, type EvalPageWindow, type PageGpu } from './eval-page-api';
import type { LoadProgress } from '../lib/llm/types';

/** Exposed by node (page.exposeFunction) before the page loads. */
type ProgressWindow = { evalLoadProgress?: (progress: LoadProgress) => Promise<void> };

const embed = new EmbedClient();
const gpu = (navigator as Navigator & { gpu?: PageGpu }).gpu;
const api = createEvalPageApi({
  llm: new LlmClient(),
  embedder: () => embed.api,
  gpu,
  origin: location.origin,
  onLoadProgress: (progress) => {
    void (window as unknown as ProgressWindow).evalLoadProgress?.(progress);
  },
});
(window as unknown as EvalPageWindow).evalPage = api;
document.body.dataset['ready'] = 'true';
