// Numeric summaries for the style profile: count, mean, median, p10, p90 and a histogram over fixed
// bin edges. Invariants: the person and the others use the same edges, so their charts line up; bins
// are half-open [from, to) and the last one is open-ended in meaning (its `to` only bounds the data);
// numbers are rounded to 2 decimals so profiles stay small and compare equal across runs.

import type { Distribution } from './types';

/** Bin edges per statistic, chosen for a small chart of about 8 bars. */
export const EDGES = {
  chars: [0, 5, 10, 20, 40, 80, 160, 320],
  words: [0, 1, 2, 3, 5, 8, 13, 21, 34, 55],
  bubblesPerTurn: [1, 2, 3, 4, 5, 7, 10],
  bubbleGapSeconds: [0, 5, 15, 30, 60, 120, 180],
  replyLatencySeconds: [0, 30, 60, 300, 900, 3600, 10800],
} as const satisfies Record<string, readonly number[]>;

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Linear interpolation between order statistics (the usual "type 7" quantile). */
function quantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? 0;
  return a + (b - a) * (pos - lo);
}

export function distribution(values: readonly number[], edges: readonly number[]): Distribution {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i] ?? 0;
  const last = edges[edges.length - 1] ?? 0;
  const prev = edges[edges.length - 2] ?? 0;
  const max = n > 0 ? (sorted[n - 1] ?? 0) : 0;
  const top = Math.max(last + (last - prev), Math.floor(max) + 1);
  const histogram = edges.map((from, i) => ({ from, to: edges[i + 1] ?? top, count: 0 }));
  let bin = 0;
  for (let i = 0; i < n; i++) {
    const v = sorted[i] ?? 0;
    while (bin < histogram.length - 1 && v >= (histogram[bin + 1]?.from ?? Infinity)) bin++;
    const h = histogram[bin];
    if (h !== undefined) h.count++;
  }
  return {
    count: n,
    mean: n > 0 ? round2(sum / n) : 0,
    median: round2(quantile(sorted, 0.5)),
    p10: round2(quantile(sorted, 0.1)),
    p90: round2(quantile(sorted, 0.9)),
    histogram,
  };
}
