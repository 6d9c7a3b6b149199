// One persona's embedding job: plan what lacks a vector (or has a stale one), embed it in measured
// batches, and store each batch together with the job's progress. Incremental and resumable: a new run
// skips everything already stored with the same text hash, so a reload continues where it stopped.
// An abort is a result (state `cancelled`), not an error; failures are results with an AppError code.

import { AppError } from '../rpc/app-error';
import type { Result } from '../rpc/progress';
import type { PersonaDb } from '../store/db';
import type { EmbedJobRow, VectorKind, VectorRow } from '../store/schema';
import {
  beginEmbedJob,
  finishEmbedJob,
  loadEmbedSources,
  sourceStamp,
  vectorHashes,
  writeVectorBatch,
} from '../store/vectors';
import { listKnowledgeChunks } from '../store/knowledge';
import type { Backend } from './backend';
import { BatchTuner } from './batching';
import type { Embedder } from './embedder';
import { modelKey, type ModelSpec } from './models';
import { embedItems, itemKey, type EmbedItem } from './texts';

export type EmbedProgress =
  | { phase: 'load'; file: string; loaded: number; total: number }
  | { phase: 'plan' }
  | {
      phase: 'embed';
      done: number;
      total: number;
      /** Items that were already stored when this run started (a resumed job starts above zero). */
      startedAt: number;
      batchSize: number;
      backend: Backend;
    };

/** The abort reason a job sees when the database was deleted under it. */
export const DATABASE_DELETED = 'database-deleted';

export interface EmbedSummary {
  state: 'done' | 'cancelled';
  total: number;
  /** Embedded by this run. */
  embedded: number;
  /** Already stored when the run started. */
  alreadyStored: number;
  backend: Backend;
  batchSize: number | null;
  ms: number;
}

export interface EmbedJobDeps {
  db: PersonaDb;
  embedder: Embedder;
  model: ModelSpec;
  onProgress: (progress: EmbedProgress) => void;
  signal?: AbortSignal;
  tuner?: BatchTuner;
  now?: () => number;
  /** Awaited before each batch: resolves at once unless the job must yield the CPU for a while. */
  beforeBatch?: () => Promise<void>;
}

function failure(code: string, message: string): Result<never> {
  return { ok: false, error: new AppError(code, message).toJSON() };
}

/** Shortest texts first: batches then hold texts of similar length and pad little. */
function byLength(a: EmbedItem, b: EmbedItem): number {
  return a.text.length - b.text.length;
}

export async function runEmbedJob(deps: EmbedJobDeps, personaId: string): Promise<Result<EmbedSummary>> {
  const { db, embedder, onProgress, signal } = deps;
  const now = deps.now ?? (() => Date.now());
  const started = now();
  const modelId = modelKey(deps.model);
  if (embedder.modelId !== modelId) return failure('internal', `Embedder ${embedder.modelId} cannot run a job for ${modelId}.`);

  onProgress({ phase: 'plan' });
  const sources = await loadEmbedSources(db, personaId);
  if (sources === undefined) return failure('persona-missing', 'This persona no longer exists.');
  const items = embedItems({ ...sources, knowledge: await listKnowledgeChunks(db, personaId) });
  const stored = await vectorHashes(db, personaId, modelId);
  const wanted = new Map(items.map((item) => [itemKey(item.kind, item.refId), item]));
  const pending = items.filter((item) => stored.get(itemKey(item.kind, item.refId)) !== item.textHash).sort(byLength);
  const stale: { kind: VectorKind; refId: string }[] = [];
  for (const key of stored.keys()) {
    const [kind, ...rest] = key.split(':');
    const item = wanted.get(key);
    if (item === undefined || item.textHash !== stored.get(key)) stale.push({ kind: kind as VectorKind, refId: rest.join(':') });
  }
  const alreadyStored = items.length - pending.length;
  const job: EmbedJobRow = {
    personaId,
    modelId,
    model: { id: deps.model.id, dtype: deps.model.dtype, dims: embedder.dims ?? deps.model.dims, label: deps.model.label },
    state: 'running',
    done: alreadyStored,
    total: items.length,
    startedAt: started,
    updatedAt: started,
    finishedAt: null,
    sourceStamp: sourceStamp(sources.persona),
    backend: embedder.backend,
    batchSize: null,
    error: null,
  };
  if (!(await beginEmbedJob(db, job, stale))) return failure('persona-missing', 'This persona no longer exists.');

  const tuner = deps.tuner ?? new BatchTuner();
  let done = alreadyStored;
  let position = 0;
  onProgress({ phase: 'embed', done, total: items.length, startedAt: alreadyStored, batchSize: tuner.next(), backend: embedder.backend });
  while (position < pending.length) {
    await deps.beforeBatch?.();
    if (signal?.aborted === true) {
      // After a wipe nothing may be written (a write would recreate the deleted database).
      if (signal.reason === DATABASE_DELETED) return failure('store-deleted', 'The app data was wiped while embedding.');
      await finishEmbedJob(db, personaId, modelId, { state: 'cancelled', done, updatedAt: now() });
      return { ok: true, value: summary('cancelled') };
    }
    const size = tuner.next();
    const batch = pending.slice(position, position + size);
    const batchStarted = performance.now();
    let vectors: Float32Array[];
    try {
      vectors = await embedder.embed(batch.map((item) => item.text));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await finishEmbedJob(db, personaId, modelId, { state: 'failed', done, error: message, updatedAt: now() });
      return failure('embed-failed', `Embedding stopped: ${message}. What was embedded so far is kept; start again to continue.`);
    }
    if (signal?.reason === DATABASE_DELETED) return failure('store-deleted', 'The app data was wiped while embedding.');
    tuner.record(
      size,
      batch.reduce((sum, item) => sum + item.text.length, 0),
      performance.now() - batchStarted,
    );
    const rows: VectorRow[] = batch.map((item, i) => ({
      personaId,
      modelId,
      kind: item.kind,
      refId: item.refId,
      textHash: item.textHash,
      vector: vectors[i] ?? new Float32Array(0),
    }));
    done += batch.length;
    position += batch.length;
    const written = await writeVectorBatch(db, personaId, modelId, rows, { done, updatedAt: now(), batchSize: tuner.chosen ?? size });
    if (!written) return failure('persona-missing', 'This persona was deleted or is being embedded with another model.');
    onProgress({ phase: 'embed', done, total: items.length, startedAt: alreadyStored, batchSize: tuner.next(), backend: embedder.backend });
  }
  await finishEmbedJob(db, personaId, modelId, { state: 'done', done, finishedAt: now(), updatedAt: now(), error: null });
  return { ok: true, value: summary('done') };

  function summary(state: 'done' | 'cancelled'): EmbedSummary {
    return {
      state,
      total: items.length,
      embedded: done - alreadyStored,
      alreadyStored,
      backend: embedder.backend,
      batchSize: tuner.chosen,
      ms: now() - started,
    };
  }
}
