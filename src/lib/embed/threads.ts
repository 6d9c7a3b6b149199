// How many threads ONNX Runtime Web may use in a worker. Threads need SharedArrayBuffer, which only a
// cross-origin isolated page has (the app's COOP/COEP headers); without it there is exactly one thread.
// The default below is chosen from bench:embed measurements (see the constant's comment).

export interface ThreadContext {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

/**
 * Threads as a share of the cores when isolated: bench:embed on 2 cores measured the MiniLM-L6 shape at
 * batch 8 with 1 thread and with 2 (see the README's benchmark notes), and ORT's own default (half the
 * cores, at most 4) leaves one core idle there.
 */
export const MAX_ORT_THREADS = 4;

export function ortThreadCount(context: ThreadContext, requested?: number): number {
  if (!context.crossOriginIsolated) return 1;
  const cores = Math.max(1, Math.floor(context.hardwareConcurrency || 1));
  const wanted = requested ?? Math.min(MAX_ORT_THREADS, cores);
  return Math.max(1, Math.min(wanted, cores, MAX_ORT_THREADS));
}

/** The context of the running worker or page. */
export function currentThreadContext(): ThreadContext {
  return {
    crossOriginIsolated: typeof self !== 'undefined' && self.crossOriginIsolated === true,
    hardwareConcurrency: typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : 1,
  };
}
