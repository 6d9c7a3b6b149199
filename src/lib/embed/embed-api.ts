// The embed worker's API: capabilities (which backend and why), embedding a persona (resumable, with
// progress), and retrieval for a query. One embedder is kept loaded per worker and reused for queries;
// the search corpus is cached per persona and rebuilt when the stored vectors change.
// Every method returns a Result: expected failures cross the worker boundary as data with their code.

import { AppError, type AppErrorData } from '../rpc/app-error';
import { throttle, type Result } from '../rpc/progress';
import type { PersonaDb } from '../store/db';
import { countVectors, getEmbedJob, loadRetrievalRows, loadVectors, onDatabaseDeleted } from '../store/vectors';
import { loadKnowledgeSources } from '../store/knowledge';
import { buildPersonaCorpus, retrieve, type PersonaCorpus, type Retrieval, type RetrieveOptions } from '../search/retrieve';
import { chooseBackend, probeAdapter, type AdapterFacts, type BackendChoice } from './backend';
import type { Embedder, ModelLoadProgress } from './embedder';
import { DATABASE_DELETED, runEmbedJob, type EmbedProgress, type EmbedSummary } from './embed-job';
import { modelKey, type ModelSource, type ModelSpec } from './models';

export interface EmbedRequest {
  personaId: string;
  model: ModelSpec;
  source: ModelSource;
}

export interface RetrieveRequest {
  personaId: string;
  query: string;
  source: ModelSource;
  options?: RetrieveOptions;
}

export type CreateEmbedder = (options: {
  spec: ModelSpec;
  source: ModelSource;
  backend: BackendChoice['backend'];
  onProgress?: (progress: ModelLoadProgress) => void;
}) => Promise<Embedder>;

export interface EmbedApiDeps {
  createEmbedder: CreateEmbedder;
  probe?: () => Promise<AdapterFacts>;
}

function toErrorData(error: unknown): AppErrorData {
  if (error instanceof AppError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { name: 'AppError', code: 'internal', message: `Something went wrong while embedding: ${message}` };
}

interface LocksLike {
  request<T>(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

/** Runs `work` holding a per-persona lock, so two tabs never embed the same persona at once. */
async function withPersonaLock<T>(personaId: string, busy: () => T, work: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as unknown as { locks?: LocksLike } | undefined)?.locks;
  if (locks === undefined) return work();
  return locks.request(`personayou-embed:${personaId}`, { ifAvailable: true }, (lock) => (lock === null ? Promise.resolve(busy()) : work()));
}

export function createEmbedApi(openDbOnce: () => PersonaDb, deps: EmbedApiDeps) {
  let choice: Promise<{ choice: BackendChoice; adapter: AdapterFacts }> | undefined;
  // A wipe deletes the database: abort every job and refuse further work, so nothing recreates it.
  const jobs = new Set<AbortController>();
  let deleted = false;
  let watched: PersonaDb | undefined;
  function openDb(): PersonaDb {
    if (deleted) throw new AppError('store-deleted', "This app's data was wiped. Reload the page to start again.");
    const db = openDbOnce();
    if (watched !== db) {
      watched = db;
      onDatabaseDeleted(db, () => {
        deleted = true;
        for (const job of jobs) job.abort(DATABASE_DELETED);
        setHold(false);
      });
    }
    return db;
  }
  // While the page holds the jobs (its chat model loads or replies), a job waits before loading its model
  // and before each batch: on a few cores the person's reply comes first. The batch in flight finishes.
  let hold: { released: Promise<void>; release: () => void } | null = null;
  const waitForRelease = (): Promise<void> => hold?.released ?? Promise.resolve();
  function setHold(held: boolean): void {
    if (held && hold === null) {
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      hold = { released, release };
    } else if (!held && hold !== null) {
      hold.release();
      hold = null;
    }
  }
  let loaded: { key: string; embedder: Promise<Embedder> } | undefined;
  const corpora = new Map<string, { key: string; corpus: PersonaCorpus }>();

  function backend(): Promise<{ choice: BackendChoice; adapter: AdapterFacts }> {
    choice ??= (deps.probe ?? probeAdapter)().then((adapter) => ({ adapter, choice: chooseBackend(adapter) }));
    return choice;
  }

  async function embedderFor(spec: ModelSpec, source: ModelSource, onProgress?: (p: ModelLoadProgress) => void): Promise<Embedder> {
    const { choice: chosen } = await backend();
    const key = `${modelKey(spec)}|${JSON.stringify(source)}|${chosen.backend}`;
    if (loaded?.key !== key) {
      const previous = loaded;
      const embedder = (async () => {
        if (previous !== undefined) await (await previous.embedder.catch(() => null))?.dispose();
        const created = await deps.createEmbedder({ spec, source, backend: chosen.backend, ...(onProgress ? { onProgress } : {}) });
        // Warm-up: the first run compiles kernels; keep it out of the batch measurements.
        await created.embed(['warm up']);
        return created;
      })();
      loaded = { key, embedder };
      embedder.catch(() => {
        if (loaded?.key === key) loaded = undefined;
      });
    }
    return loaded.embedder;
  }

  async function corpusOf(personaId: string): Promise<PersonaCorpus | null> {
    const db = openDb();
    const job = await getEmbedJob(db, personaId);
    if (job === undefined) return null;
    const count = await countVectors(db, personaId, job.modelId);
    if (count === 0) return null;
    const key = `${job.modelId}|${job.updatedAt}|${count}|${job.sourceStamp}`;
    const cached = corpora.get(personaId);
    if (cached?.key === key) return cached.corpus;
    const [rows, vectors, knowledge] = await Promise.all([
      loadRetrievalRows(db, personaId),
      loadVectors(db, personaId, job.modelId),
      loadKnowledgeSources(db, personaId),
    ]);
    if (rows === undefined) return null;
    cached?.corpus.dispose();
    const corpus = buildPersonaCorpus(job.modelId, { ...rows, knowledge }, vectors);
    corpora.set(personaId, { key, corpus });
    return corpus;
  }

  return {
    async capabilities(): Promise<{ choice: BackendChoice; adapter: AdapterFacts }> {
      return backend();
    },

    /** Holds (true) or releases (false) every embedding job of this worker; see `hold` above. */
    holdJobs(held: boolean): void {
      setHold(held);
    },

    async embedPersona(request: EmbedRequest, onProgress: (progress: EmbedProgress) => void): Promise<Result<EmbedSummary>> {
      const busy = (): Result<EmbedSummary> => ({
        ok: false,
        error: new AppError('embed-busy', 'This persona is already being embedded in another tab of the app.').toJSON(),
      });
      return withPersonaLock(request.personaId, busy, async () => {
        const controller = new AbortController();
        jobs.add(controller);
        try {
          const db = openDb();
          const report = throttle((p: EmbedProgress) => onProgress(p), 150, (p) => p.phase);
          await waitForRelease();
          const embedder = await embedderFor(request.model, request.source, (p) => report({ phase: 'load', ...p }));
          const model: ModelSpec = { ...request.model, dims: embedder.dims ?? request.model.dims };
          return await runEmbedJob(
            {
              db,
              embedder,
              model,
              signal: controller.signal,
              onProgress: (p) => report(p, p.phase !== 'embed' || p.done === p.total),
              beforeBatch: waitForRelease,
            },
            request.personaId,
          );
        } catch (error) {
          return { ok: false, error: toErrorData(error) };
        } finally {
          jobs.delete(controller);
        }
      });
    },

    /**
     * Unit vectors of arbitrary texts with a given model, in input order (the fidelity evaluation compares
     * generated and real replies). Uses the same loaded embedder as jobs and queries.
     */
    async embedTexts(request: { model: ModelSpec; source: ModelSource; texts: string[] }): Promise<Result<Float32Array[]>> {
      try {
        const embedder = await embedderFor(request.model, request.source);
        return { ok: true, value: await embedder.embed(request.texts) };
      } catch (error) {
        return { ok: false, error: toErrorData(error) };
      }
    },

    async retrieve(request: RetrieveRequest): Promise<Result<Retrieval | null>> {
      try {
        const job = await getEmbedJob(openDb(), request.personaId);
        if (job === undefined) return { ok: true, value: null };
        const spec: ModelSpec = { id: job.model.id, dtype: job.model.dtype as ModelSpec['dtype'], dims: job.model.dims, label: job.model.label };
        const value = await retrieve(
          {
            corpus: corpusOf,
            embedQuery: async (modelId, text) => {
              if (modelId !== modelKey(spec)) throw new AppError('internal', 'The search index and the embedding job disagree on the model.');
              const [vector] = await (await embedderFor(spec, request.source)).embed([text]);
              if (vector === undefined) throw new AppError('internal', 'The embedder returned no vector for the query.');
              return vector;
            },
          },
          request.personaId,
          request.query,
          request.options,
        );
        return { ok: true, value };
      } catch (error) {
        return { ok: false, error: toErrorData(error) };
      }
    },
  };
}

export type EmbedApi = ReturnType<typeof createEmbedApi>;
