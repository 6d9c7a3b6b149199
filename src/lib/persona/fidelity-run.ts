// The fidelity evaluation (pure orchestration, engines injected; runs in node for `npm run eval` and in
// the browser for the "How close is it?" panel). Invariants: every variant answers the same held-out
// contexts, in the same order, with the same model and generation options, and is scored by the same
// code; held-out pairs are never examples or retrieval answers (asserted, not assumed); an abort rejects
// with AppError code 'aborted' before any report exists (nothing half-made is returned).

import { contextText } from '../embed/texts';
import type { ChatMessage, GenerationOptions } from '../llm/types';
import { AppError } from '../rpc/app-error';
import { contentCloseness, replyDistributions, styleMatch, trainAuthorship, type StyleMatch } from './fidelity';
import { assemblePrompt } from './prompt';
import { adaptToStyle } from './style-adapter';
import { memoriesBeforeTest } from './test-slice';
import type { MemoryItem, PairContextLine, PersonaDefinition, ReplyPair, StyleProfile } from './types';

export type VariantId = 'persona' | 'personaAdapted' | 'generic' | 'retrieval' | 'noExamples';

/** Report order, fixed. */
export const VARIANTS: readonly VariantId[] = ['persona', 'personaAdapted', 'generic', 'retrieval', 'noExamples'];

export const VARIANT_LABELS: Readonly<Record<VariantId, string>> = {
  persona: 'Persona',
  personaAdapted: 'Persona + style adapter',
  generic: 'Generic assistant',
  retrieval: 'Retrieval only (a real past reply)',
  noExamples: 'Persona without examples',
};

export interface EvalEngines {
  /** One completion (non-streaming is fine). */
  generate(messages: ChatMessage[], options: GenerationOptions, signal?: AbortSignal): Promise<string>;
  countTokens(texts: string[]): Promise<number[]>;
  contextWindow: number;
  modelId: string;
  /** Unit-length vectors, one per text. */
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

export interface EvalInput {
  personaName: string;
  personName: string;
  userName: string | null;
  profile: StyleProfile;
  /** All pairs; `heldOut` marks the test slice. */
  pairs: ReplyPair[];
  memories: MemoryItem[];
  definition?: PersonaDefinition;
  /** TRAINING-period message texts for the authorship classifier. */
  personMessages: string[];
  otherMessages: string[];
  /** Held-out pairs used, latest first; default 20. */
  maxSamples?: number;
  maxReplyTokens?: number;
  seed?: number;
}

export type EvalProgress = { phase: 'embed' | 'generate' | 'score'; done: number; total: number; variant?: VariantId };

export interface VariantReport {
  id: VariantId;
  label: string;
  style: StyleMatch;
  content: { mean: number; each: number[] };
  authorship: { share: number };
}

export interface FidelityExample {
  pairId: string;
  context: PairContextLine[];
  real: string;
  generated: Record<VariantId, string>;
  /** Training pairs the persona prompt showed as examples (never held-out ones). */
  usedExampleIds?: string[];
  /** The training pair whose real reply the retrieval variant returned. */
  retrievedPairId?: string | null;
}

export interface FidelityReport {
  version: 1;
  createdAt: string;
  modelId: string;
  samples: number;
  heldOutPairs: number;
  /** Added after the first contract: optional so reports stored before them still type-check. */
  trainingPairs?: number;
  maxReplyTokens?: number;
  authorship: { heldOutAccuracy: number; trainPerson: number; trainOther: number };
  /** Same order every run: persona, personaAdapted, generic, retrieval, noExamples. */
  variants: VariantReport[];
  realDistributions: { chars: number[]; bubbles: number[] };
  generatedDistributions: Record<VariantId, { chars: number[]; bubbles: number[] }>;
  examples: FidelityExample[];
}

export const DEFAULT_SAMPLES = 20;
export const DEFAULT_EVAL_REPLY_TOKENS = 64;
/** Retrieved examples / memories per prompt, as in chat. */
const EXAMPLES_PER_PROMPT = 8;
const MEMORIES_PER_PROMPT = 4;
const EMBED_BATCH = 32;
/** The classifier trains on at most this many latest messages per side: enough, and fast in a tab. */
const MAX_TRAIN_MESSAGES = 4000;

export const GENERIC_SYSTEM_PROMPT = 'You are a helpful assistant. Reply to the last message.';

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new AppError('aborted', 'The fidelity evaluation was cancelled; no report was made.');
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

/** Indices of the k rows most similar to `query`, best first; ties keep the earlier row. */
function topK(query: Float32Array, rows: readonly Float32Array[], k: number): { index: number; score: number }[] {
  return rows
    .map((row, index) => ({ index, score: dot(query, row) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, k);
}

/** The conversation the persona answers: the held-out context as user turn(s), authors named in a group. */
function historyOf(context: readonly PairContextLine[]): { role: 'user'; content: string }[] {
  const authors = new Set(context.map((l) => l.author));
  const text = context
    .map((l) => (authors.size > 1 ? `${l.author}: ${l.text}` : l.text))
    .filter((t) => t.trim() !== '')
    .join('\n');
  return [{ role: 'user', content: text === '' ? '…' : text }];
}

/** Text given to the classifier and the embedder for a reply: bubbles joined by spaces. */
const flat = (reply: string): string => reply.replace(/\s*\n\s*/g, ' ').trim();

async function embedAll(
  engines: EvalEngines,
  texts: readonly string[],
  signal: AbortSignal | undefined,
  onBatch: (done: number) => void,
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += EMBED_BATCH) {
    throwIfAborted(signal);
    const batch = texts.slice(i, i + EMBED_BATCH);
    const vectors = await engines.embed([...batch], signal);
    if (vectors.length !== batch.length) {
      throw new AppError('eval-embed-failed', `The embedder returned ${vectors.length} vectors for ${batch.length} texts.`);
    }
    out.push(...vectors);
    onBatch(batch.length);
  }
  return out;
}

/**
 * Runs the persona and its baselines on the latest held-out contexts and scores them. Progress: 'embed'
 * (training contexts, memories and the sampled contexts), 'generate' (3 model calls per sample:
 * persona, generic, noExamples), 'score' (embedding replies, classifier). Rejects with AppError
 * 'eval-no-held-out' when the persona has no held-out pairs, 'aborted' on abort.
 */
export async function runFidelityEval(
  input: EvalInput,
  engines: EvalEngines,
  options: { signal?: AbortSignal; onProgress?: (p: EvalProgress) => void } = {},
): Promise<FidelityReport> {
  const { signal } = options;
  const progress = options.onProgress ?? (() => {});
  const maxReplyTokens = Math.max(1, input.maxReplyTokens ?? DEFAULT_EVAL_REPLY_TOKENS);
  const training = input.pairs.filter((p) => !p.heldOut && contextText(p.context) !== '');
  const heldOut = input.pairs.filter((p) => p.heldOut);
  // Latest first; ties by id so the choice never depends on input order.
  const samples = [...heldOut]
    .filter((p) => contextText(p.context) !== '' && p.reply.trim() !== '')
    .sort((a, b) => (a.replyTs < b.replyTs ? 1 : a.replyTs > b.replyTs ? -1 : a.id < b.id ? -1 : 1))
    .slice(0, Math.max(1, input.maxSamples ?? DEFAULT_SAMPLES));
  if (heldOut.length === 0 || samples.length === 0) {
    throw new AppError(
      'eval-no-held-out',
      `${input.personaName} has no held-out replies to test with: the evaluation needs at least 5 reply pairs (the latest ~10% are held out).`,
    );
  }
  if (training.length === 0) {
    throw new AppError('eval-no-training', `${input.personaName} has no reply pairs outside the held-out slice, so there is nothing to retrieve examples from.`);
  }
  throwIfAborted(signal);

  // ---- embed: training contexts, memories, sampled contexts
  // Memories learned from the test slice would hand the model what the held-out replies say.
  const memories = memoriesBeforeTest(input.memories, input.pairs).filter((m) => m.supersededBy === undefined && m.text.trim() !== '');
  const embedTexts = [...training.map((p) => contextText(p.context)), ...memories.map((m) => m.text), ...samples.map((p) => contextText(p.context))];
  let embedded = 0;
  progress({ phase: 'embed', done: 0, total: embedTexts.length });
  const vectors = await embedAll(engines, embedTexts, signal, (n) => {
    embedded += n;
    progress({ phase: 'embed', done: embedded, total: embedTexts.length });
  });
  const trainVectors = vectors.slice(0, training.length);
  const memoryVectors = vectors.slice(training.length, training.length + memories.length);
  const sampleVectors = vectors.slice(training.length + memories.length);

  // ---- generate
  const generation: GenerationOptions = { temperature: 0, max_tokens: maxReplyTokens, ...(input.seed !== undefined ? { seed: input.seed } : {}) };
  const pinned = memories.filter((m) => m.pinned);
  const generated: Record<VariantId, string[]> = { persona: [], personaAdapted: [], generic: [], retrieval: [], noExamples: [] };
  const examples: FidelityExample[] = [];
  const modelVariants: VariantId[] = ['persona', 'generic', 'noExamples'];
  const totalCalls = samples.length * modelVariants.length;
  let calls = 0;
  progress({ phase: 'generate', done: 0, total: totalCalls });

  for (let s = 0; s < samples.length; s++) {
    const sample = samples[s];
    const query = sampleVectors[s];
    if (sample === undefined || query === undefined) continue;
    const nearest = topK(query, trainVectors, EXAMPLES_PER_PROMPT).map(({ index, score }) => ({ pair: training[index], score }));
    const retrievedExamples = nearest.flatMap((x) => (x.pair === undefined ? [] : [{ pair: x.pair, score: x.score }]));
    if (retrievedExamples.some((e) => e.pair.heldOut)) {
      throw new AppError('eval-held-out-leak', 'A held-out reply was about to be used as an example; the evaluation stopped so the scores stay honest.');
    }
    const relevant = topK(query, memoryVectors, MEMORIES_PER_PROMPT)
      .flatMap(({ index, score }) => {
        const item = memories[index];
        return item === undefined || item.pinned ? [] : [{ item, score }];
      });
    const history = historyOf(sample.context);
    const base = {
      personaName: input.personaName,
      personName: input.personName,
      userName: input.userName,
      profile: input.profile,
      pinnedMemories: pinned,
      memories: relevant,
      examples: retrievedExamples,
      history,
      contextWindow: engines.contextWindow,
      maxReplyTokens,
      countTokens: (texts: string[]) => engines.countTokens(texts),
      ...(input.definition !== undefined ? { definition: input.definition } : {}),
    };
    const personaPrompt = await assemblePrompt({ ...base, maxExamples: EXAMPLES_PER_PROMPT });
    const barePrompt = await assemblePrompt({ ...base, maxExamples: 0 });
    const heldOutIds = new Set(heldOut.map((p) => p.id));
    if (personaPrompt.usedExampleIds.some((id) => heldOutIds.has(id))) {
      throw new AppError('eval-held-out-leak', 'A held-out reply was used as an example; the evaluation stopped so the scores stay honest.');
    }
    const prompts: Record<'persona' | 'generic' | 'noExamples', ChatMessage[]> = {
      persona: personaPrompt.messages,
      generic: [{ role: 'system', content: GENERIC_SYSTEM_PROMPT }, ...history],
      noExamples: barePrompt.messages,
    };
    const out: Partial<Record<VariantId, string>> = {};
    for (const variant of modelVariants) {
      throwIfAborted(signal);
      const text = (await engines.generate(prompts[variant as 'persona' | 'generic' | 'noExamples'], { ...generation }, signal)).trim();
      throwIfAborted(signal);
      out[variant] = text;
      calls++;
      progress({ phase: 'generate', done: calls, total: totalCalls, variant });
    }
    out.personaAdapted = adaptToStyle(out.persona ?? '', input.profile).join('\n');
    const best = topK(query, trainVectors, 1)[0];
    const retrieved = best === undefined ? undefined : training[best.index];
    if (retrieved?.heldOut === true) throw new AppError('eval-held-out-leak', 'Retrieval returned a held-out reply; the evaluation stopped.');
    out.retrieval = retrieved?.reply ?? '';
    const row = {} as Record<VariantId, string>;
    for (const v of VARIANTS) {
      row[v] = out[v] ?? '';
      generated[v].push(row[v]);
    }
    examples.push({
      pairId: sample.id,
      context: sample.context,
      real: sample.reply,
      generated: row,
      usedExampleIds: personaPrompt.usedExampleIds,
      retrievedPairId: retrieved?.id ?? null,
    });
  }

  // ---- score: reply embeddings, the authorship classifier, style
  const real = samples.map((p) => p.reply);
  const scoreTotal = VARIANTS.length + 2;
  let scored = 0;
  progress({ phase: 'score', done: 0, total: scoreTotal });
  const realVectors = await embedAll(engines, real.map(flat), signal, () => {});
  scored++;
  progress({ phase: 'score', done: scored, total: scoreTotal });

  const personTrain = input.personMessages.slice(-MAX_TRAIN_MESSAGES);
  const otherTrain = input.otherMessages.slice(-MAX_TRAIN_MESSAGES);
  const classifier = trainAuthorship(personTrain, otherTrain, { seed: input.seed ?? 1 });
  const heldOutOther = heldOut.flatMap((p) => p.context.map((l) => l.text)).filter((t) => t.trim() !== '');
  const heldOutAccuracy = classifier.accuracyOn(heldOut.map((p) => flat(p.reply)), heldOutOther);
  scored++;
  progress({ phase: 'score', done: scored, total: scoreTotal });

  const signatureWords = input.profile.person.signature.map((s) => s.text);
  const variants: VariantReport[] = [];
  const generatedDistributions = {} as Record<VariantId, { chars: number[]; bubbles: number[] }>;
  for (const id of VARIANTS) {
    throwIfAborted(signal);
    const replies = generated[id];
    const replyVectors = await embedAll(engines, replies.map((r) => (flat(r) === '' ? ' ' : flat(r))), signal, () => {});
    // An empty reply (a model that said nothing) is nobody's message: never attributed to the person.
    const attributed = replies.filter((r) => flat(r) !== '' && classifier.predict(flat(r)) >= 0.5).length;
    const shareAttributed = replies.length === 0 ? 0 : attributed / replies.length;
    variants.push({
      id,
      label: VARIANT_LABELS[id],
      style: styleMatch(replies, real, { signatureWords }),
      content: contentCloseness(replyVectors, realVectors),
      authorship: { share: Math.round(shareAttributed * 1000) / 1000 },
    });
    generatedDistributions[id] = replyDistributions(replies);
    scored++;
    progress({ phase: 'score', done: scored, total: scoreTotal, variant: id });
  }

  return {
    version: 1,
    createdAt: new Date().toISOString(),
    modelId: engines.modelId,
    samples: samples.length,
    heldOutPairs: heldOut.length,
    trainingPairs: training.length,
    maxReplyTokens,
    authorship: { heldOutAccuracy, trainPerson: personTrain.length, trainOther: otherTrain.length },
    variants,
    realDistributions: replyDistributions(real),
    generatedDistributions,
    examples,
  };
}
