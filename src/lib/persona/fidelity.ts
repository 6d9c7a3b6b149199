// Fidelity metrics (pure): how close generated replies are to the person's real ones. Style match per
// statistic (lengths, bursts, emoji, casing, endings, laughter, signature words) combined into one 0-100
// score, content closeness of embeddings, and a small character n-gram authorship classifier.
// Invariants: no DOM, IndexedDB or network (runs in node and the browser); deterministic for a given input
// (and seed); both sides are measured by the same code, bubble by bubble, as the style profile measures messages.

import { EDGES } from './distribution';
import { emojiKey, scanEmoji } from './emoji';
import { laughterOf } from './laughter';
import { ending } from './style';
import type { StyleStats } from './types';
import { cleanText, wordsOf } from './words';
import { fnv1a } from '../util/fnv1a';

export type StylePartName = 'length' | 'bubbles' | 'emoji' | 'topEmojis' | 'casing' | 'endings' | 'laughter' | 'signature';

export interface StylePart {
  name: StylePartName;
  label: string;
  /** 0-100, 100 = the generated replies behave like the real ones on this statistic. */
  score: number;
  /** A headline number each side (generated, real), e.g. median characters per bubble. */
  persona: number;
  real: number;
  detail?: string;
  /** Weight in the combined score: 1 (also when absent), 0 when it cannot be measured (no signature words). */
  weight?: number;
}

export interface StyleMatch {
  /** Weighted mean of the parts, 0-100. */
  score: number;
  parts: StylePart[];
}

// ---------------------------------------------------------------------------------------------------
// Per-bubble measurements (the same definitions as style.ts, which keeps its helpers private)

type Casing = 'lower' | 'capital' | 'caps' | 'mixed';
type Ending = keyof StyleStats['endings'];

interface BubbleStats {
  chars: number;
  emojis: string[];
  casing: Casing | null;
  ending: Ending;
  laughs: string[];
  words: string[];
}

const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;
const FIRST_CASED = /[\p{Lu}\p{Ll}\p{Lt}]/u;

/** Splits a reply (bubbles joined with '\n') into its non-empty bubbles. */
export function bubblesOf(reply: string): string[] {
  return reply
    .split('\n')
    .map((b) => b.trim())
    .filter((b) => b !== '');
}

function casingOf(text: string): Casing | null {
  const hasUpper = UPPER.test(text);
  const hasLower = LOWER.test(text);
  if (!hasUpper && !hasLower) return null;
  if (!hasUpper) return 'lower';
  if (!hasLower && (text.match(/\p{Lu}/gu)?.length ?? 0) >= 2) return 'caps';
  const first = FIRST_CASED.exec(text);
  return first !== null && UPPER.test(first[0]) ? 'capital' : 'mixed';
}

function measureBubble(bubble: string): BubbleStats {
  const clean = cleanText(bubble).trim();
  const scan = scanEmoji(clean);
  let codePoints = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) codePoints++;
  }
  const words = wordsOf(clean);
  return {
    chars: Math.max(0, codePoints - scan.extraCodePoints),
    emojis: scan.emojis.map(emojiKey),
    casing: casingOf(clean),
    ending: ending(clean, scan.endsWithEmoji),
    laughs: laughterOf(words, scan.emojis, clean),
    words,
  };
}

interface SideStats {
  replies: number;
  bubbles: BubbleStats[];
  bubblesPerReply: number[];
}

function measure(replies: readonly string[]): SideStats {
  const bubbles: BubbleStats[] = [];
  const bubblesPerReply: number[] = [];
  for (const reply of replies) {
    const parts = bubblesOf(reply);
    bubblesPerReply.push(parts.length);
    for (const b of parts) bubbles.push(measureBubble(b));
  }
  return { replies: replies.length, bubbles, bubblesPerReply };
}

// ---------------------------------------------------------------------------------------------------
// Divergences

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Counts per key, normalized to shares (empty input: an empty map). */
function shares<K>(keys: Iterable<K>): Map<K, number> {
  const counts = new Map<K, number>();
  let total = 0;
  for (const k of keys) {
    counts.set(k, (counts.get(k) ?? 0) + 1);
    total++;
  }
  for (const [k, c] of counts) counts.set(k, c / total);
  return counts;
}

/**
 * Similarity of two categorical distributions as 100 * (1 - total variation distance): 100 when equal,
 * 0 when they share no category. Two empty distributions are equal; one empty side scores 0.
 */
function overlapScore<K>(a: Map<K, number>, b: Map<K, number>): number {
  if (a.size === 0 && b.size === 0) return 100;
  if (a.size === 0 || b.size === 0) return 0;
  let tv = 0;
  for (const k of new Set([...a.keys(), ...b.keys()])) tv += Math.abs((a.get(k) ?? 0) - (b.get(k) ?? 0));
  return 100 * (1 - tv / 2);
}

/** Index of the histogram bin (half-open [edge_i, edge_i+1), last bin open-ended) a value falls in. */
function binOf(value: number, edges: readonly number[]): number {
  let bin = 0;
  while (bin < edges.length - 1 && value >= (edges[bin + 1] ?? Infinity)) bin++;
  return bin;
}

/**
 * Similarity of two rates (shares or per-bubble means): 100 when equal, falling with the difference
 * relative to the larger rate. `floor` keeps tiny rates (0.01 vs 0) from counting as opposites.
 */
function rateScore(a: number, b: number, floor: number): number {
  const diff = Math.abs(a - b);
  if (diff === 0) return 100;
  return 100 * (1 - Math.min(1, diff / (Math.max(a, b) + floor)));
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = (sorted.length - 1) / 2;
  return ((sorted[Math.floor(mid)] ?? 0) + (sorted[Math.ceil(mid)] ?? 0)) / 2;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
}

function topKeys(map: Map<string, number>, n: number): string[] {
  return [...map].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map(([k]) => k);
}

/** Occurrences of the signature words/phrases (lowercase, word-token sequences) in one bubble's words. */
function signatureHits(words: readonly string[], phrases: readonly (readonly string[])[]): number {
  let hits = 0;
  for (const phrase of phrases) {
    const n = phrase.length;
    if (n === 0) continue;
    for (let i = 0; i + n <= words.length; i++) {
      let match = true;
      for (let k = 0; k < n && match; k++) match = words[i + k] === phrase[k];
      if (match) hits++;
    }
  }
  return hits;
}

// ---------------------------------------------------------------------------------------------------
// Style match

/**
 * Style distance between generated replies and the person's real replies (strings with '\n' between
 * bubbles). Message-level statistics are taken per bubble, as the style profile takes them per message.
 * `signatureWords`: the person's distinctive words/phrases (profile.person.signature); without them
 * that part has weight 0.
 */
export function styleMatch(generated: readonly string[], real: readonly string[], options: { signatureWords?: readonly string[] } = {}): StyleMatch {
  const g = measure(generated);
  const r = measure(real);
  const parts: StylePart[] = [];

  // Length: characters per bubble, binned with the profile's chart edges.
  const gChars = g.bubbles.map((b) => b.chars);
  const rChars = r.bubbles.map((b) => b.chars);
  parts.push({
    name: 'length',
    label: 'Message length',
    score: overlapScore(shares(gChars.map((c) => binOf(c, EDGES.chars))), shares(rChars.map((c) => binOf(c, EDGES.chars)))),
    persona: median(gChars),
    real: median(rChars),
    detail: 'median characters per message',
    weight: 1,
  });

  // Bursts: bubbles per reply; an empty reply (0 bubbles) is a bin of its own, not "one bubble".
  const bin = (n: number) => (n === 0 ? -1 : binOf(n, EDGES.bubblesPerTurn));
  parts.push({
    name: 'bubbles',
    label: 'Messages per turn',
    score: overlapScore(shares(g.bubblesPerReply.map(bin)), shares(r.bubblesPerReply.map(bin))),
    persona: round3(mean(g.bubblesPerReply)),
    real: round3(mean(r.bubblesPerReply)),
    detail: 'mean messages per turn',
    weight: 1,
  });

  // Emoji rate: emoji per bubble.
  const gEmoji = mean(g.bubbles.map((b) => b.emojis.length));
  const rEmoji = mean(r.bubbles.map((b) => b.emojis.length));
  parts.push({
    name: 'emoji',
    label: 'Emoji rate',
    score: rateScore(gEmoji, rEmoji, 0.05),
    persona: round3(gEmoji),
    real: round3(rEmoji),
    detail: 'emoji per message',
    weight: 1,
  });

  // Which emoji: overlap of the emoji mixes (both sides without emoji agree).
  const gMix = shares(g.bubbles.flatMap((b) => b.emojis));
  const rMix = shares(r.bubbles.flatMap((b) => b.emojis));
  parts.push({
    name: 'topEmojis',
    label: 'Favourite emoji',
    score: overlapScore(gMix, rMix),
    persona: gMix.size,
    real: rMix.size,
    detail: `distinct emoji; top: ${topKeys(gMix, 3).join(' ') || 'none'} vs ${topKeys(rMix, 3).join(' ') || 'none'}`,
    weight: 1,
  });

  // Casing of bubbles that have letters.
  const gCase = shares(g.bubbles.flatMap((b) => (b.casing === null ? [] : [b.casing])));
  const rCase = shares(r.bubbles.flatMap((b) => (b.casing === null ? [] : [b.casing])));
  parts.push({
    name: 'casing',
    label: 'Capitalisation',
    score: overlapScore(gCase, rCase),
    persona: round3(gCase.get('lower') ?? 0),
    real: round3(rCase.get('lower') ?? 0),
    detail: 'share of all-lowercase messages',
    weight: 1,
  });

  // How bubbles end.
  const gEnd = shares(g.bubbles.map((b) => b.ending));
  const rEnd = shares(r.bubbles.map((b) => b.ending));
  parts.push({
    name: 'endings',
    label: 'End punctuation',
    score: overlapScore(gEnd, rEnd),
    persona: round3(gEnd.get('period') ?? 0),
    real: round3(rEnd.get('period') ?? 0),
    detail: 'share of messages ending with a period',
    weight: 1,
  });

  // Laughter: how often, and (when both laugh) which families.
  const gLaughShare = mean(g.bubbles.map((b) => (b.laughs.length > 0 ? 1 : 0)));
  const rLaughShare = mean(r.bubbles.map((b) => (b.laughs.length > 0 ? 1 : 0)));
  const rate = rateScore(gLaughShare, rLaughShare, 0.05);
  const gFam = shares(g.bubbles.flatMap((b) => b.laughs));
  const rFam = shares(r.bubbles.flatMap((b) => b.laughs));
  parts.push({
    name: 'laughter',
    label: 'Laughter',
    score: gFam.size > 0 && rFam.size > 0 ? (rate + overlapScore(gFam, rFam)) / 2 : rate,
    persona: round3(gLaughShare),
    real: round3(rLaughShare),
    detail: `share of messages that laugh; ${topKeys(gFam, 2).join(' ') || 'none'} vs ${topKeys(rFam, 2).join(' ') || 'none'}`,
    weight: 1,
  });

  // Signature words: hits per reply.
  const phrases = (options.signatureWords ?? []).map((s) => wordsOf(s)).filter((p) => p.length > 0);
  const perReply = (side: SideStats): number =>
    side.replies === 0 ? 0 : side.bubbles.reduce((s, b) => s + signatureHits(b.words, phrases), 0) / side.replies;
  const gSig = perReply(g);
  const rSig = perReply(r);
  parts.push({
    name: 'signature',
    label: 'Signature words',
    score: phrases.length === 0 ? 100 : rateScore(gSig, rSig, 0.1),
    persona: round3(gSig),
    real: round3(rSig),
    detail: phrases.length === 0 ? 'no signature words measured' : `signature words per turn (${phrases.length} words)`,
    weight: phrases.length === 0 ? 0 : 1,
  });

  for (const p of parts) p.score = round1(p.score);
  const totalWeight = parts.reduce((s, p) => s + (p.weight ?? 1), 0);
  const score = totalWeight === 0 ? 0 : parts.reduce((s, p) => s + p.score * (p.weight ?? 1), 0) / totalWeight;
  return { score: round1(score), parts };
}

/** Per-bubble character lengths and bubbles per reply, for charts. */
export function replyDistributions(replies: readonly string[]): { chars: number[]; bubbles: number[] } {
  const s = measure(replies);
  return { chars: s.bubbles.map((b) => b.chars), bubbles: s.bubblesPerReply };
}

// ---------------------------------------------------------------------------------------------------
// Content closeness

/** Mean/each cosine of unit vectors generated[i] vs real[i] (same context). */
export function contentCloseness(generated: readonly Float32Array[], real: readonly Float32Array[]): { mean: number; each: number[] } {
  if (generated.length !== real.length) {
    throw new Error(`contentCloseness needs one real vector per generated one (got ${generated.length} and ${real.length}).`);
  }
  const each = generated.map((a, i) => {
    const b = real[i] ?? new Float32Array(0);
    if (a.length !== b.length) throw new Error(`Vectors ${i} have different lengths (${a.length} and ${b.length}).`);
    let dot = 0;
    for (let k = 0; k < a.length; k++) dot += (a[k] ?? 0) * (b[k] ?? 0);
    return round3(dot);
  });
  return { mean: round3(mean(each)), each };
}

// ---------------------------------------------------------------------------------------------------
// Authorship classifier

export interface AuthorshipModel {
  /** P(persona) */
  predict(text: string): number;
}

/** Hashed feature space: 2^18 buckets keep collisions rare for chat-sized corpora at 2 MB of weights. */
const FEATURE_BITS = 18;
const FEATURE_MASK = (1 << FEATURE_BITS) - 1;

interface Features {
  index: Int32Array;
  value: Float32Array;
}

/**
 * Character 1-4-grams of the lowercased, space-padded text, hashed; values are log(1 + count),
 * L2-normalized so long messages do not dominate. Case and punctuation habits survive in the grams
 * of marks and spaces; case itself is kept as two extra features (share of capitals, all-lowercase).
 */
function featurize(text: string): Features {
  const lower = ` ${text.toLowerCase().replace(/\s+/g, ' ').trim()} `;
  const chars = [...lower];
  const counts = new Map<number, number>();
  for (let n = 1; n <= 4; n++) {
    for (let i = 0; i + n <= chars.length; i++) {
      const gram = chars.slice(i, i + n).join('');
      const h = fnv1a(gram, n) & FEATURE_MASK;
      counts.set(h, (counts.get(h) ?? 0) + 1);
    }
  }
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  const capitals = text.match(/\p{Lu}/gu)?.length ?? 0;
  const index: number[] = [];
  const value: number[] = [];
  let norm = 0;
  for (const [h, c] of counts) {
    const v = Math.log1p(c);
    index.push(h);
    value.push(v);
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < value.length; i++) value[i] = (value[i] ?? 0) / norm;
  // Two dense style features in reserved slots beyond the hashed range.
  index.push(FEATURE_MASK + 1, FEATURE_MASK + 2);
  value.push(letters > 0 ? capitals / letters : 0, letters > 0 && capitals === 0 ? 1 : 0);
  return { index: Int32Array.from(index), value: Float32Array.from(value) };
}

/** mulberry32: a small seeded PRNG, so training order (and so the model) is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * Character n-gram (1-4, hashed) logistic regression trained by SGD; classes are weighted inversely to
 * their size, so a chat where one side writes 5x more does not teach "always the majority". Deterministic
 * for a given input order and seed. `accuracyOn` is BALANCED accuracy (mean of the per-class hit rates),
 * so chance is 0.5 whatever the class sizes.
 */
export function trainAuthorship(
  personTexts: readonly string[],
  otherTexts: readonly string[],
  options: { seed?: number; epochs?: number } = {},
): AuthorshipModel & { accuracyOn(person: readonly string[], other: readonly string[]): number } {
  const epochs = Math.max(1, options.epochs ?? 8);
  const random = prng(options.seed ?? 1);
  const weights = new Float64Array(FEATURE_MASK + 3);
  let bias = 0;
  const samples: { f: Features; y: number; w: number }[] = [];
  const nP = personTexts.length;
  const nO = otherTexts.length;
  const total = nP + nO;
  for (const t of personTexts) samples.push({ f: featurize(t), y: 1, w: total / (2 * Math.max(1, nP)) });
  for (const t of otherTexts) samples.push({ f: featurize(t), y: 0, w: total / (2 * Math.max(1, nO)) });
  const l2 = 1e-5;
  const order = samples.map((_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    // Fisher-Yates with the seeded generator.
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const tmp = order[i] ?? 0;
      order[i] = order[j] ?? 0;
      order[j] = tmp;
    }
    const lr = 0.5 / (1 + epoch);
    for (const k of order) {
      const s = samples[k];
      if (s === undefined) continue;
      let z = bias;
      for (let i = 0; i < s.f.index.length; i++) z += (weights[s.f.index[i] ?? 0] ?? 0) * (s.f.value[i] ?? 0);
      const grad = (sigmoid(z) - s.y) * s.w;
      bias -= lr * grad;
      for (let i = 0; i < s.f.index.length; i++) {
        const h = s.f.index[i] ?? 0;
        weights[h] = (weights[h] ?? 0) * (1 - lr * l2) - lr * grad * (s.f.value[i] ?? 0);
      }
    }
  }
  const predict = (text: string): number => {
    const f = featurize(text);
    let z = bias;
    for (let i = 0; i < f.index.length; i++) z += (weights[f.index[i] ?? 0] ?? 0) * (f.value[i] ?? 0);
    return sigmoid(z);
  };
  return {
    predict,
    accuracyOn(person, other) {
      const rates: number[] = [];
      if (person.length > 0) rates.push(person.filter((t) => predict(t) >= 0.5).length / person.length);
      if (other.length > 0) rates.push(other.filter((t) => predict(t) < 0.5).length / other.length);
      return rates.length === 0 ? 0 : round3(mean(rates));
    },
  };
}
