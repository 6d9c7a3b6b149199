// The "How close is it?" screen of one persona: its saved fidelity reports (live from IndexedDB), running
// a new evaluation in the page (the loaded LLM through the model manager, the persona's embedding model
// through an embed worker of its own), and the blind friend test played on a report's examples.
// Invariants: one run at a time; Cancel stops at once and saves nothing (a report is saved whole or not
// at all); a persona without held-out pairs or without an embedding model says why instead of running.

import { describeStats, makeRound, pickStats, seedFrom, type BlindRound, type PickStats } from '../lib/persona/blind-test';
import { LIKELIHOOD_LABELS, runFidelityEval, VARIANT_LABELS, VARIANTS, type EvalEngines, type EvalProgress, type VariantId } from '../lib/persona/fidelity-run';

// The panel's labels and variant order (ui/ reaches lib/ only through app/).
export { VARIANT_LABELS, VARIANTS, type VariantId };
import type { ModelSpec as EmbedModelSpec } from '../lib/embed/models';
import { SETTINGS_KEY } from '../lib/embed/settings';
import { AppError, type AppErrorData } from '../lib/rpc/app-error';
import { EmbedClient } from '../lib/rpc/embed-client';
import type { Result } from '../lib/rpc/progress';
import { openDb } from '../lib/store/db';
import {
  addBlindRound,
  readFidelityRows,
  resetBlindRounds,
  saveFidelityReport,
  watchBlindRounds,
  watchFidelityReports,
} from '../lib/store/fidelity';
import type { BlindRoundRow, FidelityReportRow, PersonaRow } from '../lib/store/schema';
import { getEmbedJob } from '../lib/store/vectors';
import { fidelitySources } from '../lib/persona/fidelity-sources';
import type { PersonaDb } from '../lib/store/db';
import { embeddings } from './embed-manager.svelte';
import { formatEta, type ProgressView } from './format';
import type { ModelManager } from './model-manager.svelte';

/** Held-out pairs evaluated per run by default: enough for rough numbers, short on a slow model. */
export const DEFAULT_SAMPLES = 10;
export const DEFAULT_REPLY_TOKENS = 48;
export const SAMPLE_LIMITS = { min: 1, max: 50 } as const;
export const REPLY_TOKEN_LIMITS = { min: 8, max: 256 } as const;
/** Generated replies shown beside the real one in the friend test (chance is 1 in 3). */
export const BLIND_K = 2;
/** Texts per call to the embed worker: keeps Cancel responsive and memory flat. */
const EMBED_CHUNK = 16;

/** Why nothing can be measured yet, with what to do about it. */
export type Blocker =
  | { kind: 'missing' }
  | { kind: 'no-profile' }
  | { kind: 'no-held-out'; standalone: boolean; pairs: number }
  | { kind: 'no-embed-model' };

export interface RunState {
  progress: EvalProgress | null;
  /** performance.now() when the current phase (and variant) started: the ETA counts from here. */
  phaseStartedAt: number;
  loadingModel: boolean;
}

export interface Revealed {
  round: BlindRound;
  picked: number;
  correct: boolean;
}

const PHASE_LABELS: Record<EvalProgress['phase'], string> = {
  embed: 'Embedding replies',
  generate: 'Generating replies',
  score: 'Scoring',
  likelihood: 'Scoring the real replies',
};

/** The progress line of a run: phase (and variant), n of total, ETA from the phase's own rate. */
export function describeEvalProgress(progress: EvalProgress, elapsedMs: number): ProgressView {
  const fraction = progress.total > 0 ? progress.done / progress.total : null;
  const label = progress.variant === undefined ? undefined : progress.phase === 'likelihood' ? LIKELIHOOD_LABELS[progress.variant] : VARIANT_LABELS[progress.variant];
  const variant = label === undefined ? '' : ` · ${label}`;
  const eta = fraction !== null && progress.done > 0 && fraction < 1 ? formatEta((elapsedMs / 1000 / progress.done) * (progress.total - progress.done)) : '';
  return {
    label: `${PHASE_LABELS[progress.phase]}${variant}`,
    fraction,
    detail: [`${progress.done} of ${progress.total}`, eta].filter((p) => p !== '').join(' · '),
  };
}

function isStandalone(persona: PersonaRow): boolean {
  return persona.origin === 'description' || persona.origin === 'manual' || persona.origin === 'card';
}

function embedSettingsSaved(): boolean {
  try {
    return localStorage.getItem(SETTINGS_KEY) !== null;
  } catch {
    return false;
  }
}

function clampInt(value: number, limits: { min: number; max: number }, fallback: number): number {
  return Number.isFinite(value) ? Math.min(limits.max, Math.max(limits.min, Math.round(value))) : fallback;
}

/** Rejects with an abort when `signal` fires (a terminated worker's call never settles on its own). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AppError('aborted', 'The evaluation was cancelled.'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The stored rows of a persona, turned into what an evaluation is computed from (training period only). */
async function loadFidelitySources(db: PersonaDb, personaId: string) {
  const rows = await readFidelityRows(db, personaId);
  return rows === undefined ? undefined : fidelitySources(rows);
}

export class FidelityManager {
  reports = $state.raw<FidelityReportRow[]>([]);
  reportsLoaded = $state(false);
  rounds = $state.raw<BlindRoundRow[]>([]);
  /** The report on screen (null = the newest). */
  selectedId = $state<string | null>(null);
  blocker = $state.raw<Blocker | null>(null);
  heldOut = $state<number | null>(null);
  run = $state.raw<RunState | null>(null);
  /** Last progress time, so the ETA refreshes with each report. */
  now = $state(0);
  error = $state.raw<AppErrorData | null>(null);
  notice = $state<string | null>(null);
  maxSamples = $state(DEFAULT_SAMPLES);
  maxReplyTokens = $state(DEFAULT_REPLY_TOKENS);
  /** Run with the persona's voice adapter loaded (GGUF models): its report names the adapter. */
  withVoiceAdapter = $state(false);
  revealed = $state.raw<Revealed | null>(null);

  readonly personaId: string;
  readonly models: ModelManager;
  readonly #embed = new EmbedClient();
  #abort: AbortController | null = null;
  #stops: (() => void)[] = [];

  constructor(personaId: string, models: ModelManager) {
    this.personaId = personaId;
    this.models = models;
  }

  start(): void {
    const db = openDb();
    const reports = watchFidelityReports(db, this.personaId).subscribe({
      next: (rows) => {
        this.reports = rows;
        this.reportsLoaded = true;
      },
      error: (error: unknown) => (this.error = { name: 'AppError', code: 'store-read-failed', message: `Saved reports could not be read: ${String(error)}` }),
    });
    const rounds = watchBlindRounds(db, this.personaId).subscribe({ next: (rows) => (this.rounds = rows), error: () => undefined });
    this.#stops = [() => reports.unsubscribe(), () => rounds.unsubscribe()];
    void this.checkReady();
  }

  stop(): void {
    this.cancel(false);
    for (const stop of this.#stops) stop();
    this.#stops = [];
    this.#embed.cancel();
  }

  get report(): FidelityReportRow | undefined {
    return this.reports.find((r) => r.id === this.selectedId) ?? this.reports[0];
  }

  get progress(): ProgressView | null {
    const run = this.run;
    if (run === null) return null;
    if (run.loadingModel) return { label: 'Loading the model', fraction: null, detail: 'The chosen model is loaded first (see the Models screen).' };
    if (run.progress === null) return { label: 'Reading the persona', fraction: null, detail: 'Held-out replies, examples and memories.' };
    return describeEvalProgress(run.progress, this.now - run.phaseStartedAt);
  }

  /** Works out whether a run can measure anything, and why not (shown instead of the Run button). */
  async checkReady(): Promise<Blocker | null> {
    const db = openDb();
    const sources = await loadFidelitySources(db, this.personaId);
    let blocker: Blocker | null = null;
    if (sources === undefined) blocker = { kind: 'missing' };
    else {
      const held = sources.pairs.filter((p) => p.heldOut).length;
      this.heldOut = held;
      if (held === 0) blocker = { kind: 'no-held-out', standalone: isStandalone(sources.persona), pairs: sources.pairs.length };
      else if (sources.profile === null) blocker = { kind: 'no-profile' };
      else if ((await this.#embedModel()) === null) blocker = { kind: 'no-embed-model' };
    }
    this.blocker = blocker;
    return blocker;
  }

  /** The persona's embedding model: the one its vectors were made with, else the one chosen in the panel. */
  async #embedModel(): Promise<EmbedModelSpec | null> {
    const job = await getEmbedJob(openDb(), this.personaId);
    if (job !== undefined) {
      const dtype = (['q8', 'fp32', 'fp16'] as const).find((d) => d === job.model.dtype) ?? 'q8';
      return { id: job.model.id, dtype, dims: job.model.dims, label: job.model.label };
    }
    return embedSettingsSaved() ? $state.snapshot(embeddings().settings.model) : null;
  }

  #engines(model: { id: string; contextWindow: number }, embedModel: EmbedModelSpec): EvalEngines {
    const source = $state.snapshot(embeddings().settings.source);
    return {
      modelId: model.id,
      contextWindow: model.contextWindow,
      generate: async (messages, options, signal) => {
        const result = await this.models.engine.generate(messages, { ...options, ...(signal === undefined ? {} : { signal }) });
        if (!result.ok) throw new AppError(result.error.code, result.error.message);
        if (result.value.finishReason === 'abort' || signal?.aborted === true) throw new AppError('aborted', 'The evaluation was cancelled.');
        return result.value.text;
      },
      countTokens: (texts) => this.models.engine.countTokens(texts),
      embed: async (texts, signal) => {
        const out: Float32Array[] = [];
        for (let i = 0; i < texts.length; i += EMBED_CHUNK) {
          if (signal?.aborted === true) throw new AppError('aborted', 'The evaluation was cancelled.');
          const result = await untilAborted<Result<Float32Array[]>>(this.#embed.api.embedTexts({ model: embedModel, source, texts: texts.slice(i, i + EMBED_CHUNK) }), signal);
          if (!result.ok) throw new AppError(result.error.code, `The embedding model could not embed the replies: ${result.error.message}`);
          out.push(...result.value);
        }
        return out;
      },
    };
  }

  /** Runs an evaluation with the loaded model and saves the report (the newest few are kept). */
  async evaluate(): Promise<void> {
    if (this.run !== null) return;
    this.error = null;
    this.notice = null;
    const maxSamples = clampInt(this.maxSamples, SAMPLE_LIMITS, DEFAULT_SAMPLES);
    const maxReplyTokens = clampInt(this.maxReplyTokens, REPLY_TOKEN_LIMITS, DEFAULT_REPLY_TOKENS);
    const abort = new AbortController();
    this.#abort = abort;
    this.run = { progress: null, phaseStartedAt: performance.now(), loadingModel: false };
    try {
      if ((await this.checkReady()) !== null) return;
      const embedModel = await this.#embedModel();
      const sources = await loadFidelitySources(openDb(), this.personaId);
      if (embedModel === null || sources === undefined || sources.profile === null) return;
      // With the persona's voice adapter (GGUF models), the report names it beside the model, so a run
      // with it and one without compare persona vs persona + adapter.
      const stored = sources.persona.voiceAdapter;
      const voice = this.withVoiceAdapter && stored !== undefined ? { file: stored.file, label: stored.label, scale: stored.scale } : null;
      this.run = { ...this.run, loadingModel: this.models.loaded === null };
      const model = await this.models.ensureLoaded(voice);
      if (abort.signal.aborted) return;
      if (!model.ok) {
        this.error = model.error;
        return;
      }
      this.run = { progress: null, phaseStartedAt: performance.now(), loadingModel: false };
      const report = await runFidelityEval(
        {
          personaName: sources.persona.displayName,
          personName: sources.persona.personName,
          userName: sources.persona.selfName,
          profile: sources.profile,
          pairs: sources.pairs.map(({ personaId: _p, ...pair }) => pair),
          memories: sources.memories.map(({ personaId: _p, createdAt: _c, updatedAt: _u, userEdited: _e, ...item }) => item),
          ...(sources.persona.definition === undefined ? {} : { definition: sources.persona.definition }),
          personMessages: sources.personMessages,
          otherMessages: sources.otherMessages,
          maxSamples,
          maxReplyTokens,
          seed: Date.now() % 2 ** 31,
        },
        this.#engines(
          model.value.voiceAdapter === undefined
            ? model.value
            : { ...model.value, id: `${model.value.id} + voice adapter ${model.value.voiceAdapter.label} ×${model.value.voiceAdapter.scale}` },
          embedModel,
        ),
        {
          signal: abort.signal,
          onProgress: (p) => {
            if (this.run === null || this.#abort !== abort) return;
            const previous = this.run.progress;
            const entering = previous === null || previous.phase !== p.phase || previous.variant !== p.variant;
            this.run = { ...this.run, progress: p, phaseStartedAt: entering ? performance.now() : this.run.phaseStartedAt };
            this.now = performance.now();
          },
        },
      );
      if (abort.signal.aborted) return;
      const row = await saveFidelityReport(openDb(), this.personaId, report, { maxSamples, maxReplyTokens });
      this.selectedId = row.id;
      this.revealed = null;
    } catch (error) {
      if (abort.signal.aborted) return;
      this.error =
        error instanceof AppError
          ? error.toJSON()
          : { name: 'AppError', code: 'eval-failed', message: `The evaluation failed: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      if (this.#abort === abort) {
        this.#abort = null;
        this.run = null;
      }
    }
  }

  /** Stops the run at once; nothing of it is saved. */
  cancel(say = true): void {
    const abort = this.#abort;
    if (abort === null) return;
    abort.abort();
    // A batch of embeddings is one long call: terminating the worker is the only way to stop it.
    this.#embed.cancel();
    this.#abort = null;
    this.run = null;
    if (say) this.notice = 'Evaluation cancelled. Nothing was saved.';
  }

  select(id: string): void {
    this.selectedId = id;
    this.revealed = null;
  }

  // -------------------------------------------------------------------------------------------------
  // Blind friend test

  /** The round on screen: the revealed one, else the next of the current report (null if none fits). */
  get round(): BlindRound | null {
    if (this.revealed !== null) return this.revealed.round;
    const row = this.report;
    if (row === undefined) return null;
    const examples = row.report.examples;
    const played = this.rounds.length;
    // Walk forward from the next example until one has a usable generated reply.
    for (let step = 0; step < examples.length; step++) {
      const example = examples[(played + step) % examples.length];
      if (example === undefined) continue;
      const round = makeRound(example, BLIND_K, seedFrom(`${row.id}:${played}:${step}`));
      if (round !== null) return round;
    }
    return null;
  }

  get stats(): PickStats {
    return pickStats(this.rounds.map((r) => ({ k: r.k, correct: r.correct })));
  }

  get sentence(): string {
    return describeStats(this.stats);
  }

  /** Records a pick of the round on screen and reveals which reply was real. */
  async pick(index: number): Promise<void> {
    const round = this.round;
    const row = this.report;
    if (this.revealed !== null || round === null || row === undefined) return;
    const order = round.candidates.map((c) => c.source);
    try {
      const stored = await addBlindRound(openDb(), this.personaId, { reportId: row.id, pairId: round.pairId, k: round.k, order, picked: index });
      this.revealed = { round, picked: index, correct: stored.correct };
    } catch (error) {
      this.error = { name: 'AppError', code: 'store-write-failed', message: `The pick could not be saved: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  nextRound(): void {
    this.revealed = null;
  }

  async resetRounds(): Promise<void> {
    this.revealed = null;
    await resetBlindRounds(openDb(), this.personaId);
  }
}

// ---------------------------------------------------------------------------------------------------
// Chart data (the components stay free of arithmetic)

const CHAR_EDGES = [1, 10, 20, 40, 80, 160] as const;
const BUBBLE_EDGES = [1, 2, 3, 4, 5] as const;

/** Counts of `values` in [edge_i, edge_i+1), the last bin open-ended; values below the first edge are dropped. */
export function histogram(values: readonly number[], edges: readonly number[]): number[] {
  const counts = edges.map(() => 0);
  for (const v of values) {
    let bin = -1;
    for (let i = 0; i < edges.length; i++) if (v >= (edges[i] ?? Infinity)) bin = i;
    if (bin >= 0) counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts;
}

function binLabels(edges: readonly number[]): string[] {
  return edges.map((from, i) => {
    const next = edges[i + 1];
    if (next === undefined) return `${from}+`;
    return next - from === 1 ? String(from) : `${from}–${next - 1}`;
  });
}

export interface DistributionChart {
  labels: string[];
  real: number[];
  generated: number[];
}

/** Characters per bubble and bubbles per reply, real vs one variant, as histogram counts. */
export function distributionCharts(row: FidelityReportRow, variant: VariantId): { chars: DistributionChart; bubbles: DistributionChart } {
  const real = row.report.realDistributions;
  const generated = row.report.generatedDistributions[variant];
  return {
    chars: { labels: binLabels(CHAR_EDGES), real: histogram(real.chars, CHAR_EDGES), generated: histogram(generated.chars, CHAR_EDGES) },
    bubbles: { labels: binLabels(BUBBLE_EDGES), real: histogram(real.bubbles, BUBBLE_EDGES), generated: histogram(generated.bubbles, BUBBLE_EDGES) },
  };
}
