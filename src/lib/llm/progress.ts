// Load progress from the engines' own reports: web-llm's InitProgressReport (a fraction plus a text
// we parse for shard counts, MB and phase) and transformers.js's per-file byte events (summed over
// files). Pure and stateful only where a rate is needed (ETA). Invariant: every report maps to one
// LoadProgress with 0 <= fraction <= 1; unknown texts map to null (ignored), never to a guess.

import type { LoadProgress } from './types';

const MB = 1024 * 1024;

export interface WebLlmReport {
  progress: number;
  timeElapsed: number;
  text: string;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

function eta(elapsedSeconds: number, fraction: number): number | null {
  // Too early for a rate: the first shards include connection setup.
  if (fraction <= 0.01 || fraction >= 1 || elapsedSeconds <= 0) return fraction >= 1 ? 0 : null;
  return (elapsedSeconds * (1 - fraction)) / fraction;
}

/**
 * Parses one web-llm 0.2.79 init report. Texts it produces:
 *   "Start to fetch params"
 *   "Fetching param cache[3/24]: 120MB fetched. 39% completed, 5 secs elapsed. It can take ..."
 *   "Loading model from cache[7/24]: 300MB loaded. 29% completed, 2 secs elapsed."
 *   "Loading GPU shader modules[40/120]: 33% completed, 9 secs elapsed."
 *   "Finish loading on WebGPU - <adapter>"
 */
export function parseWebLlmReport(report: WebLlmReport): LoadProgress | null {
  const text = report.text;
  const fraction = clamp01(report.progress);
  if (text.startsWith('Start to fetch params')) {
    return { phase: 'download', bytesDone: 0, bytesTotal: null, fraction: 0, etaSeconds: null };
  }
  const fetching = /^Fetching param cache\[(\d+)\/(\d+)\]:\s*(\d+)MB fetched\.\s*(\d+)% completed,\s*(\d+) secs elapsed/.exec(text);
  if (fetching !== null) {
    const [, iter, total, mbDone, , secs] = fetching.map(Number) as [number, number, number, number, number, number];
    const bytesDone = mbDone * MB;
    return {
      phase: 'download',
      bytesDone,
      // web-llm reports whole shards, so done/fraction is the total to within a shard.
      bytesTotal: fraction > 0 ? Math.round(bytesDone / fraction) : null,
      fraction,
      etaSeconds: eta(secs, fraction),
      // The counter is reported before it is incremented: "[0/24]" means one shard is done.
      filesDone: Math.min(iter + 1, total),
      filesTotal: total,
    };
  }
  const loading = /^Loading model from cache\[(\d+)\/(\d+)\]:\s*(\d+)MB loaded/.exec(text);
  if (loading !== null) {
    const [, done, total, mbDone] = loading.map(Number) as [number, number, number, number];
    // When everything was cached web-llm's byte counter stays 0: the shard count is the progress.
    return { phase: 'load', fraction: total > 0 ? clamp01(done / total) : fraction, bytesDone: mbDone * MB, filesDone: done, filesTotal: total };
  }
  const shaders = /^Loading GPU shader modules\[(\d+)\/(\d+)\]:.*?(\d+) secs elapsed/.exec(text);
  if (shaders !== null) {
    const [, done, total, secs] = shaders.map(Number) as [number, number, number, number];
    const f = total > 0 ? clamp01(done / total) : fraction;
    return { phase: 'compile', fraction: f, done, total, etaSeconds: eta(secs, f) };
  }
  return null;
}

/** True for web-llm's final report ("Finish loading on ..."). */
export function isWebLlmFinished(report: WebLlmReport): boolean {
  return report.text.startsWith('Finish loading');
}

/** The parts of transformers.js ProgressInfo the aggregator reads. */
export type FileProgressEvent =
  | { status: 'initiate' | 'download' | 'done'; file: string }
  | { status: 'progress'; file: string; loaded: number; total: number }
  | { status: 'ready' }
  | { status: 'progress_total'; loaded: number; total: number };

/**
 * Sums transformers.js per-file events into one download progress. Files served from the browser
 * cache report no bytes; they still count as files. `now` is injectable for the tests.
 */
export class FileProgressAggregator {
  readonly #files = new Map<string, { loaded: number; total: number; done: boolean }>();
  readonly #now: () => number;
  #started: number | null = null;

  constructor(now: () => number = () => Date.now()) {
    this.#now = now;
  }

  update(event: FileProgressEvent): LoadProgress | null {
    if (event.status === 'ready' || event.status === 'progress_total') return null;
    this.#started ??= this.#now();
    const file = this.#files.get(event.file) ?? { loaded: 0, total: 0, done: false };
    if (event.status === 'progress') {
      file.loaded = event.loaded;
      file.total = Math.max(event.total, event.loaded);
    } else if (event.status === 'done') {
      file.done = true;
      if (file.total > 0) file.loaded = file.total;
    }
    this.#files.set(event.file, file);
    return this.snapshot();
  }

  snapshot(): LoadProgress {
    let loaded = 0;
    let total = 0;
    let done = 0;
    for (const f of this.#files.values()) {
      loaded += f.loaded;
      total += f.total;
      if (f.done) done++;
    }
    const fraction = total > 0 ? clamp01(loaded / total) : this.#files.size > 0 ? done / this.#files.size : 0;
    const elapsed = this.#started === null ? 0 : (this.#now() - this.#started) / 1000;
    return {
      phase: 'download',
      bytesDone: loaded,
      bytesTotal: total > 0 ? total : null,
      fraction,
      etaSeconds: eta(elapsed, fraction),
      filesDone: done,
      filesTotal: this.#files.size,
    };
  }
}
