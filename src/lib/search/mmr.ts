// Maximal marginal relevance: picks results one by one, trading relevance against similarity to what
// was already picked, so five near-identical "ok see you" contexts do not fill the prompt.
// Exact duplicates (same normalized text) are always dropped, whatever the embedder.

export interface MmrItem {
  index: number;
  score: number;
}

/** Tuned with bench:search: 0.85 keeps recall within ~1% of no de-duplication while dropping near-repeats. */
export const MMR_LAMBDA = 0.85;

export function mmr<T extends MmrItem>(
  candidates: readonly T[],
  k: number,
  similarity: (a: number, b: number) => number,
  options: { lambda?: number; textOf?: (index: number) => string } = {},
): T[] {
  const lambda = options.lambda ?? MMR_LAMBDA;
  const remaining = [...candidates];
  const chosen: T[] = [];
  const seenTexts = new Set<string>();
  while (chosen.length < k && remaining.length > 0) {
    let bestAt = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < remaining.length; i++) {
      const candidate = remaining[i] as T;
      let maxSim = 0;
      for (const picked of chosen) maxSim = Math.max(maxSim, similarity(candidate.index, picked.index));
      const value = chosen.length === 0 ? candidate.score : lambda * candidate.score - (1 - lambda) * maxSim;
      if (value > bestValue) {
        bestValue = value;
        bestAt = i;
      }
    }
    const [best] = remaining.splice(bestAt, 1);
    if (best === undefined) break;
    const text = options.textOf?.(best.index).trim().toLowerCase().replace(/\s+/g, ' ');
    if (text !== undefined) {
      if (seenTexts.has(text)) continue;
      seenTexts.add(text);
    }
    chosen.push(best);
  }
  return chosen;
}
