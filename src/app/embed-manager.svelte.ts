// Embeddings as the UI sees them: the model settings, the job of the persona on screen (a live row the
// worker writes), the run in progress with its rate and ETA, Start / Cancel, and a test search box.
// The only bridge between the UI and the embed worker. One manager per page (`embeddings()`), because
// a job outlives the persona view that started it. A job left running by a closed tab resumes here.
// Opening a persona's chat embeds it by itself when it never was (`autoStart`); a job the person
// cancelled waits for them to continue it.

import { AppError, type AppErrorData } from '../lib/rpc/app-error';
import { EmbedClient, proxy } from '../lib/rpc/embed-client';
import type { Result } from '../lib/rpc/progress';
import type { BackendChoice } from '../lib/embed/backend';
import type { EmbedProgress, EmbedSummary } from '../lib/embed/embed-job';
import { CATALOG, catalogEntry, describeSource, modelKey, type CatalogModel, type ModelSpec } from '../lib/embed/models';
import { embedRate, type EmbedRate } from '../lib/embed/progress-view';
import {
  DEFAULT_SETTINGS,
  SETTINGS_KEY,
  isSafeModelId,
  normalizeBaseUrl,
  parseSettings,
  serializeSettings,
  type EmbedSettings,
} from '../lib/embed/settings';
import type { Retrieval, RetrieveOptions } from '../lib/search/retrieve';
import { openDb } from '../lib/store/db';
import type { EmbedJobRow } from '../lib/store/schema';
import { formatBytes, formatCount, formatEta, type ProgressView } from './format';
import { markPhase } from '../lib/util/phase-timing';
import { cancelEmbedJob, getEmbedJob, listInterruptedJobs, watchEmbedJob } from '../lib/store/vectors';

const CANCELLED = Symbol('cancelled');

export interface RunState {
  personaId: string;
  model: ModelSpec;
  progress: EmbedProgress | null;
  /** performance.now() when the embed phase started: the rate counts from here. */
  embedStartedAt: number;
}

function readSettings(): EmbedSettings {
  try {
    return parseSettings(localStorage.getItem(SETTINGS_KEY));
  } catch {
    return DEFAULT_SETTINGS;
  }
}

function crashed(error: unknown): Result<never> {
  return {
    ok: false,
    error: new AppError(
      'worker-crashed',
      `Embedding stopped unexpectedly (${error instanceof Error ? error.message : String(error)}). What was stored is kept; start again to continue.`,
    ).toJSON(),
  };
}

export class EmbedManager {
  settings = $state.raw<EmbedSettings>(readSettings());
  /** The job row of the persona on screen, as stored. */
  job = $state.raw<EmbedJobRow | undefined>(undefined);
  run = $state.raw<RunState | null>(null);
  /** Last progress time, so the rate/ETA line refreshes with each report. */
  now = $state(0);
  error = $state.raw<AppErrorData | null>(null);
  notice = $state<string | null>(null);
  backend = $state.raw<BackendChoice | null>(null);
  results = $state.raw<Retrieval | null>(null);
  searching = $state(false);
  searchError = $state.raw<AppErrorData | null>(null);

  readonly catalog: readonly CatalogModel[] = CATALOG;
  readonly #client = new EmbedClient();
  #cancel: (() => void) | null = null;
  #resumeChecked = false;
  /** Holders that want the CPU for the chat (see `hold`). */
  #holds = 0;
  #searchSeq = 0;

  /** Observes one persona's job (the panel on screen); the returned function stops observing. */
  watch(personaId: string): () => void {
    this.job = undefined;
    this.results = null;
    this.searchError = null;
    const subscription = watchEmbedJob(openDb(), personaId).subscribe({
      next: (row) => (this.job = row),
      error: () => (this.job = undefined),
    });
    if (!this.#resumeChecked) {
      this.#resumeChecked = true;
      void this.resumeInterrupted(personaId);
    }
    void this.#probe();
    return () => subscription.unsubscribe();
  }

  get modelInfo(): CatalogModel | undefined {
    return catalogEntry(this.settings.model.id);
  }

  get sourceLabel(): string {
    return describeSource(this.settings.source);
  }

  runningFor(personaId: string): boolean {
    return this.run?.personaId === personaId;
  }

  /** Rate and ETA of the run in progress (items per second of this run only). */
  get rate(): EmbedRate | null {
    const p = this.run?.progress;
    if (this.run === null || p?.phase !== 'embed') return null;
    return embedRate(p, this.now - this.run.embedStartedAt);
  }

  /**
   * Starts embedding a persona in the background unless it has a job already (done, cancelled by the
   * person, or interrupted: that one resumes through `resumeInterrupted`). Nothing runs twice at once.
   */
  async autoStart(personaId: string): Promise<void> {
    if (this.run !== null) return;
    let job: EmbedJobRow | undefined;
    try {
      job = await getEmbedJob(openDb(), personaId);
    } catch {
      return;
    }
    if (job === undefined && this.run === null) await this.start(personaId);
    else if (job?.state === 'running' && this.run === null) await this.resumeInterrupted(personaId);
  }

  /** The running job of a persona as a progress line (numbers, rate, ETA), or null when none runs for it. */
  progressView(personaId: string): ProgressView | null {
    const p = this.run?.progress;
    if (!this.runningFor(personaId)) return null;
    if (p === undefined || p === null || p.phase === 'plan') return { label: 'Preparing…', fraction: null, detail: '' };
    if (p.phase === 'load') {
      return {
        label: `Loading the model (${p.file})`,
        fraction: p.total > 0 ? p.loaded / p.total : null,
        detail: `${formatBytes(p.loaded)} of ${formatBytes(p.total)}`,
      };
    }
    const rate = this.rate;
    const parts = [`${formatCount(p.done)} of ${formatCount(p.total)}`];
    if (rate?.perSecond != null) parts.push(`${rate.perSecond.toFixed(1)} items/s`);
    if (rate?.etaSeconds != null) parts.push(formatEta(rate.etaSeconds));
    parts.push(`batch ${p.batchSize} on ${p.backend === 'webgpu' ? 'WebGPU' : 'WASM'}`);
    return { label: 'Embedding', fraction: rate?.fraction ?? null, detail: parts.join(' · ') };
  }

  /** Validates and stores settings from the form; returns a sentence saying what is wrong, or null. */
  applySettings(settings: EmbedSettings): string | null {
    let source = settings.source;
    if (source.kind === 'custom') {
      const baseUrl = normalizeBaseUrl(source.baseUrl);
      if (baseUrl === null) return 'The mirror address must be a full http(s) address, like https://models.example.org/.';
      source = { kind: 'custom', baseUrl };
    }
    if (!isSafeModelId(settings.model.id)) return 'A model id looks like “owner/name” or “folder-name” (letters, digits, . _ -).';
    this.saveSettings({ source, model: settings.model });
    return null;
  }

  saveSettings(settings: EmbedSettings): void {
    this.settings = settings;
    try {
      localStorage.setItem(SETTINGS_KEY, serializeSettings(settings));
    } catch {
      // Private mode or full storage: the choice still holds for this visit.
    }
  }

  /** Embeds (or finishes embedding) a persona with the chosen model. */
  async start(personaId: string, model: ModelSpec = this.settings.model): Promise<void> {
    if (this.run !== null) return;
    this.error = null;
    this.notice = null;
    this.run = { personaId, model, progress: null, embedStartedAt: performance.now() };
    markPhase('embed:start');
    const cancelled = new Promise<typeof CANCELLED>((resolve) => {
      this.#cancel = () => resolve(CANCELLED);
    });
    const onProgress = proxy((p: EmbedProgress) => {
      if (this.run === null) return;
      const entering = p.phase === 'embed' && this.run.progress?.phase !== 'embed';
      if (entering) markPhase('embed:embedding');
      this.run = { ...this.run, progress: p, embedStartedAt: entering ? performance.now() : this.run.embedStartedAt };
      this.now = performance.now();
    });
    let outcome: Result<EmbedSummary> | typeof CANCELLED;
    // A fresh worker knows of no hold yet (messages arrive in order, so before the job starts).
    if (this.#holds > 0) void this.#client.api.holdJobs(true).catch(() => undefined);
    try {
      outcome = await Promise.race([
        this.#client.api.embedPersona({ personaId, model: $state.snapshot(model), source: $state.snapshot(this.settings.source) }, onProgress),
        cancelled,
      ]);
    } catch (error) {
      outcome = crashed(error);
    } finally {
      this.#cancel = null;
    }
    if (outcome === CANCELLED) return;
    this.run = null;
    if (outcome.ok && outcome.value.state === 'done') markPhase('embed:done');
    if (!outcome.ok) this.error = outcome.error;
    else if (outcome.value.embedded === 0 && outcome.value.alreadyStored > 0) this.notice = 'Everything was already embedded.';
  }

  /** Loads the chosen embedding model into the worker ahead of a job (a failure is left for the job to report). */
  preload(): void {
    if (this.run !== null) return;
    const request = { model: $state.snapshot(this.settings.model), source: $state.snapshot(this.settings.source), texts: [] };
    void this.#client.api.embedTexts(request).catch(() => undefined);
  }

  /**
   * Pauses embedding between batches until the returned function is called (every holder must call it):
   * on a device with few cores a chat model loading and a reply streaming next to a job are both slowed
   * by half or more, and the person is waiting for the reply. The job resumes where it stood.
   */
  hold(): () => void {
    this.#holds++;
    if (this.#holds === 1 && this.#client.running) void this.#client.api.holdJobs(true).catch(() => undefined);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
      if (this.#holds === 0 && this.#client.running) void this.#client.api.holdJobs(false).catch(() => undefined);
    };
  }

  /** Stops the run at once (the worker is terminated); stored batches stay, and Start continues from them. */
  cancel(): void {
    const run = this.run;
    if (run === null) return;
    this.#client.cancel();
    this.#cancel?.();
    this.#cancel = null;
    this.run = null;
    this.notice = 'Embedding cancelled. What was done is kept: Start continues from there.';
    void cancelEmbedJob(openDb(), run.personaId).catch(() => undefined);
  }

  /** A job still marked running belongs to a closed tab (or a crash): continue it with the same model. */
  async resumeInterrupted(preferPersonaId?: string): Promise<void> {
    if (this.run !== null) return;
    let jobs: EmbedJobRow[];
    try {
      jobs = await listInterruptedJobs(openDb());
    } catch {
      return;
    }
    const job = jobs.find((j) => j.personaId === preferPersonaId) ?? jobs[0];
    if (job === undefined) return;
    const known = catalogEntry(job.model.id);
    const model: ModelSpec = {
      id: job.model.id,
      dtype: (['q8', 'fp32', 'fp16'] as const).find((d) => d === job.model.dtype) ?? 'q8',
      dims: job.model.dims,
      label: known?.label ?? job.model.label,
    };
    await this.start(job.personaId, model);
  }

  /**
   * retrieve(personaId, query, {k}) for other managers (the chat): the pairs, memories and turns most
   * relevant to a message, or null when the persona has no vectors yet. Touches no UI state.
   */
  async retrieve(personaId: string, query: string, options: RetrieveOptions = {}): Promise<Result<Retrieval | null>> {
    try {
      return await this.#client.api.retrieve({ personaId, query, source: $state.snapshot(this.settings.source), options });
    } catch (error) {
      return crashed(error);
    }
  }

  /** Latest-wins: an older query's answer is dropped when a newer one was asked meanwhile. */
  async search(personaId: string, query: string, k = 5): Promise<void> {
    const text = query.trim();
    if (text === '') return;
    const seq = ++this.#searchSeq;
    this.searching = true;
    this.searchError = null;
    let outcome: Result<Retrieval | null>;
    try {
      outcome = await this.#client.api.retrieve({ personaId, query: text, source: $state.snapshot(this.settings.source), options: { k } });
    } catch (error) {
      outcome = crashed(error);
    }
    if (seq !== this.#searchSeq) return;
    this.searching = false;
    if (!outcome.ok) this.searchError = outcome.error;
    else this.results = outcome.value;
  }

  /** Drops the worker (e.g. before a wipe, so it holds no database connection and writes nothing more). */
  shutdown(): void {
    this.#client.cancel();
    this.#cancel?.();
    this.#cancel = null;
    this.run = null;
  }

  /** The job's vectors were made with another model than the one chosen now. */
  modelChanged(job: EmbedJobRow): boolean {
    return job.modelId !== modelKey(this.settings.model);
  }

  async #probe(): Promise<void> {
    if (this.backend !== null) return;
    try {
      this.backend = (await this.#client.api.capabilities()).choice;
    } catch {
      // A crashed worker here only means no backend line in the panel.
    }
  }
}

let shared: EmbedManager | undefined;

/** The page's embedding manager (created on first use). */
export function embeddings(): EmbedManager {
  shared ??= new EmbedManager();
  return shared;
}
