// Import flow state: pick -> analyze (worker) -> choose participants -> commit (worker) -> done.
// The only bridge between the import screen and the ingest worker. Cancel is immediate: the worker is
// terminated, the pending call is abandoned, and nothing was stored (commits are one transaction).

import type { Analysis, CommitChoice, CommitResult } from '../lib/importer/ingest-api';
import type { PortableImport } from '../lib/importer/portable';
import type { AppErrorData } from '../lib/rpc/app-error';
import { IngestClient, proxy } from '../lib/rpc/ingest-client';
import type { ImportProgress, Result } from '../lib/rpc/progress';
import { clearPendingImport, openDb } from '../lib/store/index';
import { markPhase } from '../lib/util/phase-timing';

export type ImportStage = 'idle' | 'analyzing' | 'choose' | 'committing' | 'done';

const CANCELLED = Symbol('cancelled');

export class ImportManager {
  stage = $state<ImportStage>('idle');
  progress = $state<ImportProgress | null>(null);
  /** When the current phase started (ms), for rates and the ETA. */
  phaseStartedAt = $state(0);
  analysis = $state.raw<Analysis | null>(null);
  error = $state<AppErrorData | null>(null);
  result = $state.raw<CommitResult | null>(null);
  notice = $state<string | null>(null);
  /** Set when the picked file was a persona backup or a character card, imported directly. */
  portable = $state.raw<PortableImport | null>(null);

  readonly #client = new IngestClient();
  #cancel: (() => void) | null = null;

  get busy(): boolean {
    return this.stage === 'analyzing' || this.stage === 'committing';
  }

  async pick(files: readonly File[]): Promise<void> {
    if (files.length === 0 || this.busy) return;
    markPhase('import:pick');
    this.reset();
    this.stage = 'analyzing';
    const [single] = files;
    if (files.length === 1 && single !== undefined) {
      // A backup (.zip with our manifest) or a character card (.png / card .json) is imported directly;
      // the worker answers null for anything else, which then goes the chat-export way below.
      const portable = await this.#run((onProgress) => this.#client.api.importPortable(single, onProgress));
      if (portable === CANCELLED) return;
      if (!portable.ok) {
        this.error = portable.error;
        this.stage = 'idle';
        return;
      }
      if (portable.value !== null) {
        this.portable = portable.value;
        this.result = { personaId: portable.value.personaId, displayName: portable.value.displayName, added: 0, alreadyStored: 0 };
        this.stage = 'done';
        return;
      }
    }
    const outcome = await this.#run((onProgress) => this.#client.api.analyze([...files], onProgress));
    if (outcome === CANCELLED) return;
    if (!outcome.ok) {
      this.error = outcome.error;
      this.stage = 'idle';
      return;
    }
    this.analysis = outcome.value;
    markPhase('import:parsed');
    this.stage = outcome.value.files.some((f) => f.ok) ? 'choose' : 'idle';
  }

  async create(choice: CommitChoice): Promise<void> {
    if (this.stage !== 'choose') return;
    this.stage = 'committing';
    this.error = null;
    markPhase('import:commit');
    const outcome = await this.#run((onProgress) => this.#client.api.commit(choice, onProgress));
    if (outcome === CANCELLED) return;
    if (!outcome.ok) {
      this.error = outcome.error;
      // The parsed files are still in the worker: the person can free space and press Create again.
      this.stage = 'choose';
      return;
    }
    this.result = outcome.value;
    markPhase('import:done');
    this.stage = 'done';
  }

  cancel(): void {
    if (!this.busy) return;
    const wasCommitting = this.stage === 'committing';
    this.#client.cancel();
    this.#cancel?.();
    this.#cancel = null;
    this.reset();
    if (wasCommitting) void clearPendingImport(openDb()).catch(() => undefined);
    this.notice = wasCommitting
      ? 'Import cancelled. Nothing was stored; your personas are unchanged.'
      : 'Import cancelled.';
  }

  reset(): void {
    this.stage = 'idle';
    this.progress = null;
    this.analysis = null;
    this.error = null;
    this.result = null;
    this.notice = null;
    this.portable = null;
  }

  /** Drops the worker (e.g. before a wipe, so it holds no database connection). */
  shutdown(): void {
    this.#client.cancel();
    this.reset();
  }

  async #run<T>(
    call: (onProgress: (p: ImportProgress) => void) => Promise<Result<T>>,
  ): Promise<Result<T> | typeof CANCELLED> {
    const cancelled = new Promise<typeof CANCELLED>((resolve) => {
      this.#cancel = () => resolve(CANCELLED);
    });
    this.progress = null;
    this.phaseStartedAt = performance.now();
    const onProgress = proxy((p: ImportProgress) => {
      if (this.progress?.phase !== p.phase) {
        this.phaseStartedAt = performance.now();
        if (p.phase === 'write' || p.phase === 'build' || p.phase === 'turns') markPhase(`import:${p.phase}`);
      }
      this.progress = p;
    });
    try {
      return await Promise.race([call(onProgress), cancelled]);
    } catch (error) {
      // Only a crashed worker gets here (expected failures are results).
      return {
        ok: false,
        error: {
          name: 'AppError',
          code: 'worker-crashed',
          message: `The import stopped unexpectedly (${error instanceof Error ? error.message : String(error)}). Nothing was stored; try again.`,
        },
      };
    } finally {
      this.#cancel = null;
    }
  }
}
