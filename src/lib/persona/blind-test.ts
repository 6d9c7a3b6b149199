// The blind friend test (pure): a round shows one held-out context with the person's real reply and k
// generated replies in a seeded random order; the player picks the one they think is real. Invariants:
// the same seed always gives the same order; a round never shows two identical texts (so a pick is never
// ambiguous); the pick-rate p-value is exact (Poisson-binomial over each round's own chance).

import type { PairContextLine } from './types';
import { fnv1a } from '../util/fnv1a';

/** One evaluated example: what a fidelity report keeps per held-out pair. */
export interface BlindExample {
  pairId: string;
  context: readonly PairContextLine[];
  real: string;
  /** Generated replies by variant id ('persona', 'personaAdapted', ...). */
  generated: Readonly<Partial<Record<string, string>>>;
}

/** What a candidate is: 'real', or the id of the variant that generated it. */
export type CandidateSource = string;

export interface BlindCandidate {
  source: CandidateSource;
  text: string;
}

export interface BlindRound {
  pairId: string;
  context: readonly PairContextLine[];
  /** In display order. */
  candidates: BlindCandidate[];
  realIndex: number;
  /** Generated candidates shown (chance of a blind guess is 1 / (k + 1)). */
  k: number;
  seed: number;
}

/** Variants whose text is a model's attempt at the person's reply, in order of preference. */
export const BLIND_SOURCES: readonly string[] = ['persona', 'personaAdapted', 'noExamples'];

/** mulberry32: a tiny, well-mixed 32-bit PRNG; enough for shuffling a handful of cards. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates with the seeded generator: a permutation of `items`, the same for the same seed. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const random = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}

/** A stable 32-bit seed from a string (FNV-1a), e.g. a report id plus the round number. */
export function seedFrom(text: string): number {
  return fnv1a(text);
}

const normalized = (text: string): string => text.trim().replace(/\s+/g, ' ');

/**
 * Builds a round from an example: up to `k` distinct generated replies (from `sources`, in order) that
 * are neither empty nor the same as the real reply, plus the real one, shuffled with `seed`. Returns
 * null when the example has no usable generated reply (nothing to tell apart).
 */
export function makeRound(example: BlindExample, k: number, seed: number, sources: readonly string[] = BLIND_SOURCES): BlindRound | null {
  const seen = new Set<string>([normalized(example.real)]);
  const generated: BlindCandidate[] = [];
  for (const source of sources) {
    if (generated.length >= k) break;
    const text = example.generated[source];
    if (text === undefined || normalized(text) === '' || seen.has(normalized(text))) continue;
    seen.add(normalized(text));
    generated.push({ source, text });
  }
  if (generated.length === 0 || normalized(example.real) === '') return null;
  const candidates = seededShuffle<BlindCandidate>([{ source: 'real', text: example.real }, ...generated], seed);
  return {
    pairId: example.pairId,
    context: example.context,
    candidates,
    realIndex: candidates.findIndex((c) => c.source === 'real'),
    k: generated.length,
    seed,
  };
}

/** One answered round as the statistics need it. */
export interface PlayedRound {
  k: number;
  correct: boolean;
}

export interface PickStats {
  rounds: number;
  correct: number;
  /** Share of rounds where the real reply was found (0 when no round was played). */
  rate: number;
  /** Expected rate of blind guessing: the mean of 1 / (k + 1) over the rounds. */
  chance: number;
  /** P(at least `correct` found by blind guessing): small means the persona was told apart. */
  pValue: number;
}

/**
 * Exact one-sided p-value P(X >= observed) where X is the number of successes of independent trials with
 * success probabilities `chances` (a binomial when they are all equal).
 */
export function atLeastProbability(chances: readonly number[], observed: number): number {
  if (observed <= 0) return 1;
  if (observed > chances.length) return 0;
  // dist[j] = P(j successes so far): O(n^2) over a few dozen rounds is nothing.
  let dist = [1];
  for (const p of chances) {
    const next = new Array<number>(dist.length + 1).fill(0);
    dist.forEach((q, j) => {
      next[j] = (next[j] ?? 0) + q * (1 - p);
      next[j + 1] = (next[j + 1] ?? 0) + q * p;
    });
    dist = next;
  }
  const tail = dist.slice(observed).reduce((a, b) => a + b, 0);
  return Math.min(1, Math.max(0, tail));
}

export function pickStats(rounds: readonly PlayedRound[]): PickStats {
  const chances = rounds.map((r) => 1 / (r.k + 1));
  const correct = rounds.filter((r) => r.correct).length;
  return {
    rounds: rounds.length,
    correct,
    rate: rounds.length === 0 ? 0 : correct / rounds.length,
    chance: chances.length === 0 ? 0 : chances.reduce((a, b) => a + b, 0) / chances.length,
    pValue: atLeastProbability(chances, correct),
  };
}

/** The plain sentence under the score ("… found the real reply 6 of 10 times; chance is 33%"). */
export function describeStats(stats: PickStats): string {
  if (stats.rounds === 0) return 'No rounds played yet.';
  const times = stats.rounds === 1 ? 'time' : 'times';
  const head = `Your friends found the real reply ${stats.correct} of ${stats.rounds} ${times}; chance is ${Math.round(stats.chance * 100)}%.`;
  if (stats.rounds < 5) return `${head} Play a few more rounds before reading anything into it.`;
  if (stats.pValue < 0.05) return `${head} That is better than guessing (p = ${stats.pValue.toFixed(3)}): the persona can be told apart.`;
  return `${head} That is not clearly better than guessing (p = ${stats.pValue.toFixed(2)}).`;
}
