// The fidelity evaluation (pure orchestration, engines injected; runs in node for `npm run eval` and in
// the browser for the "How close is it?" panel). Invariants: every variant answers the same held-out
// contexts, in the same order, with the same model and generation options, and is scored by the same
// code; held-out pairs are never examples or retrieval answers (asserted, not assumed); an abort rejects
// with AppError code 'aborted' before any report exists (nothing half-made is returned). Engines that can
// score a given text also get the held-out likelihood: how probable the model finds each real held-out
// reply after its real context, per prompt variant (the reply itself is never in any prompt).

import { contextText } from '../embed/texts';
import type { ChatMessage, GenerationOptions } from '../llm/types';
import { AppError } from '../rpc/app-error';
import { contentCloseness, replyDistributions, styleMatch, trainAuthorship, type StyleMatch } from './fidelity';
import { assemblePrompt, type PromptInput } from './prompt';
import { adaptToStyle } from './style-adapter';
import { memoriesBeforeTest } from './test-slice';
import { assembleTranscriptPrompt, transcriptContinuation, transcriptReply } from './transcript-prompt';
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

/** A prompt for an engine that takes raw text (a base model) or messages it puts through its chat template. */
export type ModelPrompt = { text: string; stop: readonly string[] } | { messages: ChatMessage[] };

/** How probable a model finds a given continuation: the sum of -ln p over its tokens, and how many. */
export interface ContinuationScore {
  nll: number;
  tokens: number;
}

/** A model that completes and scores ModelPrompts (native llama.cpp in the CLI). */
export interface PromptModel {
  complete(prompt: ModelPrompt, options: GenerationOptions, signal?: AbortSignal): Promise<string>;
  score(prompt: ModelPrompt, continuation: string, signal?: AbortSignal): Promise<ContinuationScore>;
}

export interface EvalEngines {
  /** One completion (non-streaming is fine). */
  generate(messages: ChatMessage[], options: GenerationOptions, signal?: AbortSignal): Promise<string>;
  /**
   * When given, replies are generated through it and the held-out likelihood is reported. Mode
   * 'transcript' (a base model, no chat template): every prompt is a transcript continuation; 'chat':
   * prompts are messages the model's own chat template formats.
   */
  promptModel?: PromptModel & { mode: 'transcript' | 'chat' };
  /** The same model with a fine-tuned adapter: scored and sampled as one more variant. */
  adapter?: PromptModel & { label: string };
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
  /** Replies generated (and style-scored) for the first this many samples; the likelihood uses all. Default: all. */
  maxGenerated?: number;
  /** Also score the tuning variants (TUNING_VARIANTS; transcript prompt models only). */
  tuning?: boolean;
  /** Sample generated replies (seeded) instead of greedy decoding; the likelihood does not depend on it. */
  sampling?: { temperature: number; top_p: number };
}

export type EvalProgress =
  | { phase: 'embed' | 'generate' | 'score'; done: number; total: number; variant?: VariantId }
  | { phase: 'likelihood'; done: number; total: number; variant?: LikelihoodVariantId };

/** Prompt variants whose held-out likelihood is measured: what the model sees before the real reply. */
export type LikelihoodVariantId = 'generic' | 'context' | 'retrieval' | 'noExamples' | 'persona' | 'personaAdapter' | TuningVariantId;

/**
 * Prompt choices measured against the persona prompt when tuning (transcript mode only): the
 * instruction prompt's text before the same conversation, 4 or 16 examples instead of 8, style notes
 * just before the conversation, examples best-last instead of in time order.
 */
export type TuningVariantId = 'instruction' | 'examples4' | 'examples16' | 'styleLast' | 'bestLast';
export const TUNING_VARIANTS: readonly TuningVariantId[] = ['instruction', 'examples4', 'examples16', 'styleLast', 'bestLast'];

export const LIKELIHOOD_LABELS: Readonly<Record<LikelihoodVariantId, string>> = {
  generic: 'Generic assistant (the context, answered by "Assistant")',
  context: 'Context alone (the chat so far, answered by the persona)',
  retrieval: 'Retrieval only (real example exchanges + context)',
  noExamples: 'Persona without examples (style notes, facts + context)',
  persona: 'Persona (style notes, facts, real examples + context)',
  personaAdapter: 'Persona prompt + fine-tuned adapter',
  instruction: 'Persona, instruction framing (system-prompt text, then the transcript)',
  examples4: 'Persona with 4 examples',
  examples16: 'Persona with 16 examples',
  styleLast: 'Persona, style notes just before the conversation',
  bestLast: 'Persona, examples best-last instead of in time order',
};

export interface LikelihoodReport {
  /** Mean negative log-likelihood per token of the real held-out replies, in nats (lower = more expected). */
  unit: 'nats/token';
  promptMode: 'transcript' | 'chat';
  /** Held-out replies each number rests on (every variant scores the same ones). */
  replies: number;
  variants: { id: LikelihoodVariantId; label: string; nll: number; tokens: number; perReply: number[] }[];
}

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
  /** The persona prompt's reply with the fine-tuned adapter, when one was given. */
  adapterReply?: string;
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
  /** Held-out likelihood per prompt variant, when the engine can score text. */
  likelihood?: LikelihoodReport;
  /** The persona prompt with the fine-tuned adapter, scored like the variants, when one was given. */
  adapterVariant?: VariantReport;
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
  const generation: GenerationOptions = { temperature: 0, ...input.sampling, max_tokens: maxReplyTokens, ...(input.seed !== undefined ? { seed: input.seed } : {}) };
  const pinned = memories.filter((m) => m.pinned);
  const generated: Record<VariantId, string[]> = { persona: [], personaAdapted: [], generic: [], retrieval: [], noExamples: [] };
  const examples: FidelityExample[] = [];
  const modelVariants: VariantId[] = ['persona', 'generic', 'noExamples'];
  const totalCalls = Math.max(1, Math.min(samples.length, input.maxGenerated ?? samples.length)) * modelVariants.length;
  let calls = 0;
  progress({ phase: 'generate', done: 0, total: totalCalls });
  const likelihood = Object.fromEntries([...LIKELIHOOD_ORDER, ...TUNING_VARIANTS].map((id) => [id, { nll: 0, tokens: 0, perReply: [] as number[] }])) as Record<
    LikelihoodVariantId,
    { nll: number; tokens: number; perReply: number[] }
  >;
  const tuning = input.tuning === true && engines.promptModel?.mode === 'transcript';
  const likelihoodVariants = [...LIKELIHOOD_ORDER, ...(tuning ? TUNING_VARIANTS : [])].filter((id) => id !== 'personaAdapter' || engines.adapter !== undefined);
  const maxGenerated = Math.max(1, Math.min(samples.length, input.maxGenerated ?? samples.length));
  const likelihoodTotal = engines.promptModel === undefined ? 0 : samples.length * likelihoodVariants.length;
  let likelihoodDone = 0;
  const adapterReplies: string[] = [];

  for (let s = 0; s < samples.length; s++) {
    const sample = samples[s];
    const query = sampleVectors[s];
    if (sample === undefined || query === undefined) continue;
    const nearest = topK(query, trainVectors, tuning ? MAX_TUNING_EXAMPLES : EXAMPLES_PER_PROMPT).map(({ index, score }) => ({ pair: training[index], score }));
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
    const promptModel = engines.promptModel;
    const forms = promptModel === undefined ? null : await promptForms(base, sample, promptModel.mode, input.personaName, tuning);
    const personaPrompt = await assemblePrompt({ ...base, maxExamples: EXAMPLES_PER_PROMPT });
    const barePrompt = await assemblePrompt({ ...base, maxExamples: 0 });
    const heldOutIds = new Set(heldOut.map((p) => p.id));
    const usedExampleIds = forms?.usedExampleIds ?? personaPrompt.usedExampleIds;
    if (usedExampleIds.some((id) => heldOutIds.has(id))) {
      throw new AppError('eval-held-out-leak', 'A held-out reply was used as an example; the evaluation stopped so the scores stay honest.');
    }

    // ---- likelihood of the real reply under each prompt (scored before generating: same prompt, warm cache)
    if (forms !== null && promptModel !== undefined) {
      for (const id of likelihoodVariants) {
        const model = id === 'personaAdapter' ? engines.adapter : promptModel;
        const form = forms.prompts[id === 'personaAdapter' ? 'persona' : id];
        if (model === undefined || form === undefined) continue;
        throwIfAborted(signal);
        const scored = await model.score(form.prompt, form.target, signal);
        const sum = likelihood[id];
        sum.nll += scored.nll;
        sum.tokens += scored.tokens;
        sum.perReply.push(scored.tokens > 0 ? scored.nll / scored.tokens : NaN);
        likelihoodDone++;
        progress({ phase: 'likelihood', done: likelihoodDone, total: likelihoodTotal, variant: id });
      }
    }

    if (s >= maxGenerated) continue;
    const prompts: Record<'persona' | 'generic' | 'noExamples', ChatMessage[]> = {
      persona: personaPrompt.messages,
      generic: [{ role: 'system', content: GENERIC_SYSTEM_PROMPT }, ...history],
      noExamples: barePrompt.messages,
    };
    const out: Partial<Record<VariantId, string>> = {};
    for (const variant of modelVariants) {
      throwIfAborted(signal);
      const v = variant as 'persona' | 'generic' | 'noExamples';
      const form = forms?.prompts[v];
      const text =
        form !== undefined && forms !== null && promptModel !== undefined
          ? forms.reply(v, await promptModel.complete(form.prompt, { ...generation }, signal))
          : await engines.generate(prompts[v], { ...generation }, signal);
      throwIfAborted(signal);
      out[variant] = text.trim();
      calls++;
      progress({ phase: 'generate', done: calls, total: totalCalls, variant });
    }
    let adapterReply: string | undefined;
    if (forms !== null && engines.adapter !== undefined) {
      adapterReply = forms.reply('persona', await engines.adapter.complete(forms.prompts.persona?.prompt ?? { text: '', stop: [] }, { ...generation }, signal)).trim();
      adapterReplies.push(adapterReply);
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
      usedExampleIds,
      retrievedPairId: retrieved?.id ?? null,
      ...(adapterReply !== undefined ? { adapterReply } : {}),
    });
  }

  // ---- score: reply embeddings, the authorship classifier, style (of the samples with generated replies)
  const real = examples.map((e) => e.real);
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
  const scoreReplies = async (id: VariantId, label: string, replies: string[]): Promise<VariantReport> => {
    const replyVectors = await embedAll(engines, replies.map((r) => (flat(r) === '' ? ' ' : flat(r))), signal, () => {});
    // An empty reply (a model that said nothing) is nobody's message: never attributed to the person.
    const attributed = replies.filter((r) => flat(r) !== '' && classifier.predict(flat(r)) >= 0.5).length;
    const shareAttributed = replies.length === 0 ? 0 : attributed / replies.length;
    return {
      id,
      label,
      style: styleMatch(replies, real, { signatureWords }),
      content: contentCloseness(replyVectors, realVectors),
      authorship: { share: Math.round(shareAttributed * 1000) / 1000 },
    };
  };
  for (const id of VARIANTS) {
    throwIfAborted(signal);
    const replies = generated[id];
    variants.push(await scoreReplies(id, VARIANT_LABELS[id], replies));
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
    ...(engines.promptModel !== undefined
      ? {
          likelihood: {
            unit: 'nats/token' as const,
            promptMode: engines.promptModel.mode,
            replies: samples.length,
            variants: likelihoodVariants.map((id) => ({
              id,
              label: LIKELIHOOD_LABELS[id],
              nll: round4(likelihood[id].tokens > 0 ? likelihood[id].nll / likelihood[id].tokens : NaN),
              tokens: likelihood[id].tokens,
              perReply: likelihood[id].perReply.map(round4),
            })),
          },
        }
      : {}),
    ...(engines.adapter !== undefined ? { adapterVariant: await scoreReplies('persona', `Persona + ${engines.adapter.label}`, adapterReplies) } : {}),
  };
}

const round4 = (x: number): number => Math.round(x * 10000) / 10000;

/** Scored in this order per sample: variants that share a prompt beginning run one after the other. */
const LIKELIHOOD_ORDER: readonly LikelihoodVariantId[] = ['generic', 'context', 'retrieval', 'noExamples', 'persona', 'personaAdapter'];

type FormVariant = Exclude<LikelihoodVariantId, 'personaAdapter'>;
/** Examples retrieved per sample when tuning (the 16-example variant); the others take the best 8 of them. */
const MAX_TUNING_EXAMPLES = 16;

interface SampleForms {
  prompts: Partial<Record<FormVariant, { prompt: ModelPrompt; target: string }>>;
  /** A generated continuation back to a reply (bubbles joined by '\n'). */
  reply(variant: FormVariant, raw: string): string;
  usedExampleIds: string[];
}

const GENERIC_SPEAKER = 'Assistant';

/**
 * Every variant's prompt for one held-out sample in the engine's form, and the text scored after it
 * (the real reply, written as the model would have to write it). Transcript prompts take the context
 * one message per line under its author's name.
 */
async function promptForms(base: PromptInput, sample: ReplyPair, mode: 'transcript' | 'chat', personaName: string, tuning: boolean): Promise<SampleForms> {
  const noNotes = { profile: null, pinnedMemories: [], memories: [], useMemory: false };
  if (mode === 'transcript') {
    const history = sample.context.filter((l) => l.text.trim() !== '').map((l) => ({ role: 'user' as const, content: l.text, author: l.author }));
    const t = { ...base, history };
    const [persona, noExamples, retrieval, context] = await Promise.all([
      assembleTranscriptPrompt({ ...t, maxExamples: EXAMPLES_PER_PROMPT }),
      assembleTranscriptPrompt({ ...t, maxExamples: 0 }),
      assembleTranscriptPrompt({ ...t, ...noNotes, maxExamples: EXAMPLES_PER_PROMPT }),
      assembleTranscriptPrompt({ ...t, ...noNotes, maxExamples: 0 }),
    ]);
    const authors = [...new Set(history.map((h) => h.author))];
    const generic = [GENERIC_SYSTEM_PROMPT, ...history.map((h) => `${h.author}: ${h.content.replace(/\s*\n\s*/g, ' ')}`), `${GENERIC_SPEAKER}:`].join('\n');
    const target = transcriptContinuation(sample.reply, personaName);
    const of = (p: { prompt: string; stop: string[] }): { prompt: ModelPrompt; target: string } => ({ prompt: { text: p.prompt, stop: p.stop }, target });
    const tuned: Partial<Record<FormVariant, { prompt: ModelPrompt; target: string }>> = {};
    if (tuning) {
      const [instruction, examples4, examples16, styleLast, bestLast] = await Promise.all([
        assemblePrompt({ ...t, maxExamples: EXAMPLES_PER_PROMPT }),
        assembleTranscriptPrompt({ ...t, maxExamples: 4 }),
        assembleTranscriptPrompt({ ...t, maxExamples: MAX_TUNING_EXAMPLES }),
        assembleTranscriptPrompt({ ...t, maxExamples: EXAMPLES_PER_PROMPT }, { styleNotes: 'beforeConversation' }),
        assembleTranscriptPrompt({ ...t, maxExamples: EXAMPLES_PER_PROMPT }, { exampleOrder: 'bestLast' }),
      ]);
      const conversation = persona.sections.find((x) => x.title === 'Conversation')?.text ?? `${personaName}:`;
      tuned.instruction = of({ prompt: `${instruction.messages[0]?.content ?? ''}\n\n${conversation}`, stop: persona.stop });
      tuned.examples4 = of(examples4);
      tuned.examples16 = of(examples16);
      tuned.styleLast = of(styleLast);
      tuned.bestLast = of(bestLast);
    }
    return {
      prompts: {
        ...tuned,
        persona: of(persona),
        noExamples: of(noExamples),
        retrieval: of(retrieval),
        context: of(context),
        generic: { prompt: { text: generic, stop: [...authors.map((a) => `\n${a}:`), '\n\n'] }, target: transcriptContinuation(sample.reply, GENERIC_SPEAKER) },
      },
      reply: (variant, raw) => transcriptReply(raw, variant === 'generic' ? GENERIC_SPEAKER : personaName),
      usedExampleIds: persona.usedExampleIds,
    };
  }
  const [persona, noExamples, retrieval] = await Promise.all([
    assemblePrompt({ ...base, maxExamples: EXAMPLES_PER_PROMPT }),
    assemblePrompt({ ...base, maxExamples: 0 }),
    assemblePrompt({ ...base, ...noNotes, maxExamples: EXAMPLES_PER_PROMPT }),
  ]);
  const target = sample.reply;
  const of = (messages: ChatMessage[]): { prompt: ModelPrompt; target: string } => ({ prompt: { messages }, target });
  return {
    prompts: {
      persona: of(persona.messages),
      noExamples: of(noExamples.messages),
      retrieval: of(retrieval.messages),
      context: of(base.history),
      generic: of([{ role: 'system', content: GENERIC_SYSTEM_PROMPT }, ...base.history]),
    },
    reply: (_variant, raw) => raw,
    usedExampleIds: persona.usedExampleIds,
  };
}
