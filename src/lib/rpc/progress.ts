// Progress of long operations, one discriminated union per job, so the UI can show numbers and an ETA
// for each phase. Producers throttle (a few updates per second at most); consumers never assume order
// across phases beyond what the job documents.

import type { AppErrorData } from './app-error';

export type ImportProgress =
  | { phase: 'read'; file: string; fileIndex: number; fileCount: number; bytesDone: number; bytesTotal: number }
  | {
      phase: 'parse';
      file: string;
      fileIndex: number;
      fileCount: number;
      bytesDone: number;
      bytesTotal: number;
      items: number;
    }
  | { phase: 'write'; done: number; total: number }
  | { phase: 'turns'; done: number; total: number }
  | { phase: 'build'; step: 'profile' | 'pairs' | 'memories' | 'save'; done: number; total: number };

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorData };

/**
 * Calls `emit` at most every `intervalMs`, except that `force` always goes through (final values), and so
 * does the first value of a new phase when `phaseOf` names it (a phase change is never held back).
 */
export function throttle<T>(emit: (value: T) => void, intervalMs = 100, phaseOf?: (value: T) => string): (value: T, force?: boolean) => void {
  let last = -Infinity;
  let lastPhase: string | undefined;
  return (value, force = false) => {
    const now = Date.now();
    const phase = phaseOf?.(value);
    if (!force && phase === lastPhase && now - last < intervalMs) return;
    last = now;
    lastPhase = phase;
    emit(value);
  };
}
