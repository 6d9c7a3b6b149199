// Numbers behind the embedding progress line: fraction, items per second over this run, and the time
// left. Pure, so the panel stays free of arithmetic. A resumed run counts its rate from where it resumed.

export interface EmbedRate {
  fraction: number;
  /** Items per second embedded by this run, or null before there is anything to measure. */
  perSecond: number | null;
  /** Seconds left at the current rate, or null when unknown. */
  etaSeconds: number | null;
}

export function embedRate(progress: { done: number; total: number; startedAt: number }, elapsedMs: number): EmbedRate {
  const fraction = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 1;
  const thisRun = progress.done - progress.startedAt;
  if (thisRun <= 0 || elapsedMs <= 0) return { fraction, perSecond: null, etaSeconds: null };
  const perSecond = thisRun / (elapsedMs / 1000);
  return { fraction, perSecond, etaSeconds: (progress.total - progress.done) / perSecond };
}
