// Batch size by measurement: the first batches of a job try each candidate size once, then the job
// keeps the fastest. Throughput is counted in characters per millisecond, not sentences, because the
// work queue is sorted by length and early batches are shorter than late ones.
// Invariant: `next()` always returns a candidate; a batch slower than `maxBatchMs` halves the size so
// progress stays fluid on slow machines.

export const BATCH_CANDIDATES: readonly number[] = [8, 16, 32, 64];

export class BatchTuner {
  readonly #candidates: readonly number[];
  readonly #maxBatchMs: number;
  readonly #measured = new Map<number, number>();
  #chosen: number | null = null;

  constructor(candidates: readonly number[] = BATCH_CANDIDATES, maxBatchMs = 4000) {
    if (candidates.length === 0) throw new Error('BatchTuner needs at least one candidate size');
    this.#candidates = [...candidates].sort((a, b) => a - b);
    this.#maxBatchMs = maxBatchMs;
  }

  /** The size for the next batch. */
  next(): number {
    if (this.#chosen !== null) return this.#chosen;
    return this.#candidates.find((c) => !this.#measured.has(c)) ?? this.#best();
  }

  /** The size settled on after trying every candidate, or null while still trying. */
  get chosen(): number | null {
    return this.#chosen;
  }

  /** Reports one finished batch: its size, how many characters it embedded and how long it took. */
  record(size: number, chars: number, ms: number): void {
    const rate = chars / Math.max(ms, 0.001);
    if (this.#chosen === null) {
      this.#measured.set(size, Math.max(rate, this.#measured.get(size) ?? 0));
      if (this.#candidates.every((c) => this.#measured.has(c))) this.#chosen = this.#best();
    }
    if (ms > this.#maxBatchMs && size > 1) {
      const smaller = Math.max(1, Math.floor(size / 2));
      if (this.#chosen === null) this.#measured.set(size, 0);
      else this.#chosen = smaller;
    }
  }

  /** Characters per millisecond measured for each tried size (for reports and the benchmark). */
  get measurements(): ReadonlyMap<number, number> {
    return this.#measured;
  }

  #best(): number {
    let best = this.#candidates[0] ?? 1;
    let bestRate = -1;
    for (const [size, rate] of this.#measured) {
      if (rate > bestRate) {
        best = size;
        bestRate = rate;
      }
    }
    return best;
  }
}
