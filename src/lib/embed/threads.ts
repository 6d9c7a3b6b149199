// How many threads ONNX Runtime Web may use in a worker. Threads need SharedArrayBuffer, which only a
// cross-origin isolated page has (the app's COOP/COEP headers); without it there is exactly one thread.
// The default below is chosen from bench:embed measurements (see the constant's comment).

export interface ThreadContext {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

/**
 * Every core (at most 4) when isolated. bench:embed, 2 cores, MiniLM-L6 shape, q8, the same 128 chat
 * sentences: 2 threads vs 1 gave 1.59x at batch 8 (87 vs 55 sentences/s), 1.37x at 16, 1.97x at 32, 1.84x
 * at 64, and only at batch 1 was one thread faster (0.58x); the best of each, 87 vs 62/s, is 1.41x. ORT's
 * own default (half the cores) would have been one thread here.
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
