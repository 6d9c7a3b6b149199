// The worker's side of a bare-engine benchmark worker: each request goes to the handler, a throw becomes
// an 'error' reply (see bare-worker-client.ts), and a pipeline load is timed after transformers.js is
// pointed at this site's test models (the same runtime files and thread count as the app).
import { configureTransformers } from '../../src/lib/embed/transformers-env';

export function serveBareRequests<Request>(handle: (request: Request) => Promise<void>): void {
  self.onmessage = async (event: MessageEvent<Request>) => {
    try {
      await handle(event.data);
    } catch (error) {
      self.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  };
}

/** Configures transformers.js for `localPath`, then runs and times `load` (the library import excluded). */
export async function timedLoad<T>(localPath: string, load: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const { env } = await import('@huggingface/transformers');
  configureTransformers(env, { kind: 'local', path: localPath });
  const started = performance.now();
  const value = await load();
  return { value, ms: Math.round(performance.now() - started) };
}
