// The LLM memory pass of one persona and the review of what it proposed: start (optionally capped to
// the latest N chunks) / pause / cancel / resume (also after a reload: a `running` job found at start
// is offered "Resume"), progress with numbers and an ETA, accept / edit / reject, and the memory graph
// (entities of each memory, one entity's view). Runs on whatever model the model manager has loaded.
// Invariants: one pass at a time per manager; a chunk's proposals land with the job's position in one
// transaction; an answer that arrives after Pause or Cancel is dropped, and that chunk is read again.

import type { ModelManager } from './model-manager.svelte';
import type { AppErrorData } from '../lib/rpc/app-error';
import {
  chunkTurns,
  extractionPrompt,
  firstChunkFor,
  knownMemories,
  MEMORY_ANSWER_JSON_SCHEMA,
  proposalsFromAnswer,
} from '../lib/persona/memory-llm';
import { buildMemoryGraph, entityView, type EntityView, type GraphEntity, type MemoryGraph } from '../lib/persona/memory-graph';
import {
  acceptAllProposals,
  acceptProposal,
  getMemoryJob,
  getPersona,
  listProposals,
  listTurns,
  openDb,
  rejectAllProposals,
  rejectProposal,
  setMemoryJobState,
  startMemoryJob,
  watchMemoryJob,
  watchPendingProposals,
  writeChunkResult,
  type MemoryJobState,
  type MemoryProposalRow,
  type MemoryRow,
  type ProposalEdit,
} from '../lib/store/index';
import { formatEta, type ProgressView } from './format';

/** Answer tokens per chunk: room for a handful of items, short enough for a slow device. */
const MAX_ANSWER_TOKENS = 320;

/** Label "Reading chunk 3 of 10" (or how it ended); detail "2 chunks read · 1 usable answer · 4 proposals · ETA". */
export type MemoryPassProgress = ProgressView;

export class MemoryLlmManager {
  job = $state.raw<MemoryJobState | undefined>(undefined);
  pending = $state.raw<MemoryProposalRow[]>([]);
  /** True while this tab runs the pass. */
  running = $state(false);
  error = $state.raw<AppErrorData | null>(null);
  /** Why the last pass stopped early, or a note about the last answer. */
  notice = $state<string | null>(null);
  #msPerChunk = $state<number | null>(null);
  #names = $state.raw<{ personName: string; participants: string[] }>({ personName: '', participants: [] });

  readonly personaId: string;
  readonly #models: ModelManager;
  readonly #memories: () => readonly MemoryRow[];
  #abort: AbortController | null = null;
  #stopAs: 'paused' | 'cancelled' = 'paused';
  #stops: (() => void)[] = [];

  readonly graph: MemoryGraph = $derived.by(() => buildMemoryGraph(this.#memories(), this.#names));

  constructor(personaId: string, models: ModelManager, memories: () => readonly MemoryRow[]) {
    this.personaId = personaId;
    this.#models = models;
    this.#memories = memories;
  }

  start(): void {
    const db = openDb();
    const job = watchMemoryJob(db, this.personaId).subscribe((row) => (this.job = row));
    const pending = watchPendingProposals(db, this.personaId).subscribe((rows) => (this.pending = rows));
    this.#stops = [() => job.unsubscribe(), () => pending.unsubscribe()];
    void getPersona(db, this.personaId).then((p) => {
      if (p !== undefined) this.#names = { personName: p.personName, participants: p.selfName === null ? [p.personName] : [p.personName, p.selfName] };
    });
  }

  /** Stops watching; a running pass is paused (it can be resumed later). */
  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    this.pause();
  }

  /** The loaded model's name, or null when none is loaded (the pass needs one). */
  get modelLabel(): string | null {
    return this.#models.loaded?.label ?? null;
  }

  /** A job left `running` by a closed tab: offered "Resume". */
  get interrupted(): boolean {
    return !this.running && this.job?.state === 'running';
  }

  get resumable(): boolean {
    const job = this.job;
    return !this.running && job !== undefined && (job.state === 'paused' || job.state === 'running' || job.state === 'failed') && job.nextChunk < job.totalChunks;
  }

  get progress(): MemoryPassProgress | null {
    const job = this.job;
    if (job === undefined) return null;
    const inPass = Math.max(0, job.totalChunks - job.firstChunk);
    const done = Math.max(0, job.nextChunk - job.firstChunk);
    const usable = job.chunksRead - job.unusable;
    const parts = [
      `${job.chunksRead} ${job.chunksRead === 1 ? 'chunk' : 'chunks'} read`,
      `${usable} usable ${usable === 1 ? 'answer' : 'answers'}`,
      `${job.proposals} ${job.proposals === 1 ? 'proposal' : 'proposals'}`,
    ];
    if (this.running && this.#msPerChunk !== null) parts.push(formatEta(((inPass - done) * this.#msPerChunk) / 1000));
    const label = this.running
      ? `Reading chunk ${Math.min(done + 1, inPass)} of ${inPass}`
      : job.state === 'done'
        ? `Finished: ${inPass} of ${inPass} chunks`
        : job.state === 'cancelled'
          ? `Cancelled after ${done} of ${inPass} chunks`
          : `${job.state === 'failed' ? 'Stopped by an error' : 'Paused'} at chunk ${done} of ${inPass}`;
    return { label, detail: parts.join(' · '), fraction: inPass === 0 ? 1 : done / inPass };
  }

  /** Starts a new pass over the history, or only its latest `latest` chunks. */
  async run(latest: number | null): Promise<void> {
    // `running` is set before the first await: a second click (or Resume) cannot start a second loop.
    if (this.running) return;
    const model = this.#models.loaded;
    if (model === null) {
      this.error = { name: 'AppError', code: 'no-model-loaded', message: 'Load a model on the Models screen first: the memory pass runs on it.' };
      return;
    }
    this.running = true;
    try {
      const db = openDb();
      const turns = await listTurns(db, this.personaId);
      const total = chunkTurns(turns).length;
      if (total === 0) {
        this.notice = 'There are no messages to read.';
        return;
      }
      await startMemoryJob(db, this.personaId, { modelId: model.id, totalChunks: total, firstChunk: firstChunkFor(total, latest) });
      await this.#loop();
    } finally {
      this.running = false;
    }
  }

  /** Continues a paused, failed or interrupted pass at its first unread chunk. */
  async resume(): Promise<void> {
    if (!this.resumable || this.running) return;
    const model = this.#models.loaded;
    if (model === null) {
      this.error = { name: 'AppError', code: 'no-model-loaded', message: 'Load a model on the Models screen first, then resume.' };
      return;
    }
    this.running = true;
    try {
      await setMemoryJobState(openDb(), this.personaId, 'running', { error: null, modelId: model.id });
      await this.#loop();
    } finally {
      this.running = false;
    }
  }

  pause(): void {
    this.#stopAs = 'paused';
    this.#abort?.abort();
  }

  async cancel(): Promise<void> {
    this.#stopAs = 'cancelled';
    if (this.#abort !== null) this.#abort.abort();
    else await setMemoryJobState(openDb(), this.personaId, 'cancelled');
  }

  async #loop(): Promise<void> {
    const db = openDb();
    const abort = new AbortController();
    this.#abort = abort;
    this.#stopAs = 'paused';
    this.running = true;
    this.error = null;
    this.notice = null;
    this.#msPerChunk = null;
    let reads = 0;
    let readMs = 0;
    try {
      const [persona, turns] = await Promise.all([getPersona(db, this.personaId), listTurns(db, this.personaId)]);
      if (persona === undefined) throw new Error('This persona no longer exists.');
      const chunks = chunkTurns(turns);
      for (;;) {
        const job = await getMemoryJob(db, this.personaId);
        if (job === undefined || job.state !== 'running' || abort.signal.aborted) break;
        if (job.nextChunk >= job.totalChunks || job.nextChunk >= chunks.length) {
          await setMemoryJobState(db, this.personaId, 'done');
          break;
        }
        const chunk = chunks[job.nextChunk];
        if (chunk === undefined) break;
        // Memories and earlier proposals (rejected ones too) count as known: nothing is proposed twice.
        const memories = this.#memories();
        const proposals = await listProposals(db, this.personaId);
        const known = knownMemories(memories);
        const started = performance.now();
        const answer = await this.#models.engine.generate(extractionPrompt(chunk, persona.personName, known), {
          temperature: 0,
          max_tokens: MAX_ANSWER_TOKENS,
          jsonSchema: MEMORY_ANSWER_JSON_SCHEMA,
          signal: abort.signal,
        });
        if (abort.signal.aborted || (answer.ok && answer.value.finishReason === 'abort')) break;
        if (!answer.ok) {
          await setMemoryJobState(db, this.personaId, 'failed', { error: answer.error.message });
          this.error = answer.error;
          break;
        }
        const outcome = proposalsFromAnswer(chunk, answer.value.text, {
          personName: persona.personName,
          known,
          existing: [...memories, ...proposals.map((p) => p.item)],
        });
        if (!outcome.usable && outcome.reason !== undefined) this.notice = `Chunk ${chunk.index + 1}: ${outcome.reason}`;
        await writeChunkResult(db, this.personaId, { chunk: chunk.index, proposals: outcome.proposals, usable: outcome.usable });
        reads++;
        readMs += performance.now() - started;
        this.#msPerChunk = readMs / reads;
      }
      if (abort.signal.aborted) await setMemoryJobState(db, this.personaId, this.#stopAs);
    } catch (error) {
      const message = `The memory pass stopped: ${error instanceof Error ? error.message : String(error)}`;
      this.error = { name: 'AppError', code: 'memory-pass-failed', message };
      await setMemoryJobState(db, this.personaId, 'failed', { error: message }).catch(() => undefined);
    } finally {
      if (this.#abort === abort) this.#abort = null;
      this.running = false;
    }
  }

  accept(id: string, edit?: ProposalEdit): Promise<boolean> {
    return acceptProposal(openDb(), this.personaId, id, edit);
  }

  reject(id: string): Promise<boolean> {
    return rejectProposal(openDb(), this.personaId, id);
  }

  acceptAll(): Promise<number> {
    return acceptAllProposals(openDb(), this.personaId);
  }

  rejectAll(): Promise<number> {
    return rejectAllProposals(openDb(), this.personaId);
  }

  /** The current memory a proposal would supersede (shown beside it). */
  memoryById(id: string | undefined): MemoryRow | undefined {
    return id === undefined ? undefined : this.#memories().find((m) => m.id === id);
  }

  /** Entities of one memory, for its chips. */
  entitiesOf(memoryId: string): GraphEntity[] {
    const keys = this.graph.links.get(memoryId)?.entityKeys ?? [];
    return keys.map((k) => this.graph.entities.get(k)?.entity).filter((e): e is GraphEntity => e !== undefined);
  }

  /** Everything linked to one entity. */
  entity(key: string): EntityView<MemoryRow> | null {
    return entityView<MemoryRow>(this.graph, key);
  }
}
