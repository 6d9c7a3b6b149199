// Human-readable numbers for the UI: sizes, counts, dates, progress lines with rate and ETA.
// Pure functions, so the components stay free of arithmetic.

import type { ImportProgress } from '../lib/rpc/progress';
import { formatBytes } from '../lib/util/format-bytes';
import type { SourceFormat } from '../lib/ingest/types';

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

export function formatCount(n: number): string {
  return integer.format(n);
}

export { formatBytes };

/** `2019-05-04T14:59:00` -> a short local date ("4 May 2019"); the stored time has no zone. */
export function formatDay(ts: string | null): string {
  if (ts === null) return '—';
  const [y, m, d] = ts.slice(0, 10).split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) return ts;
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(undefined, {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
}

export function formatTime(ts: string): string {
  return `${formatDay(ts)} ${ts.slice(11, 16)}`;
}

export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 1) return 'less than a second left';
  if (seconds < 90) return `about ${Math.round(seconds)} s left`;
  return `about ${Math.round(seconds / 60)} min left`;
}

export const FORMAT_LABELS: Record<SourceFormat, string> = {
  'whatsapp-ios': 'WhatsApp (iPhone)',
  'whatsapp-android': 'WhatsApp (Android)',
  'whatsapp-legacy': 'WhatsApp (old format)',
  'imessage-exporter-txt': 'iMessage (imessage-exporter text)',
  'imessage-exporter-html': 'iMessage (imessage-exporter HTML)',
  'imazing-csv': 'iMessage (iMazing CSV)',
  'generic-csv': 'Chat CSV (timestamp, sender, text)',
  'generic-json': 'Chat JSON (timestamp, sender, text)',
};

export interface ProgressView {
  label: string;
  /** 0..1, or null when the total is unknown. */
  fraction: number | null;
  detail: string;
}

/** What the progress bar shows for a progress report, given when its phase started. */
export function describeProgress(progress: ImportProgress, elapsedMs: number): ProgressView {
  const seconds = Math.max(elapsedMs / 1000, 0.001);
  const eta = (fraction: number) => (fraction > 0.02 ? formatEta((seconds / fraction) * (1 - fraction)) : '');
  const filePart = (p: { file: string; fileIndex: number; fileCount: number }) =>
    p.fileCount > 1 ? `${p.file} (file ${p.fileIndex + 1} of ${p.fileCount})` : p.file;
  switch (progress.phase) {
    case 'read': {
      const fraction = progress.bytesTotal > 0 ? progress.bytesDone / progress.bytesTotal : 1;
      return {
        label: `Reading ${filePart(progress)}`,
        fraction,
        detail: `${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)} · ${eta(fraction)}`,
      };
    }
    case 'parse': {
      const fraction = progress.bytesTotal > 0 ? progress.bytesDone / progress.bytesTotal : 1;
      const rate = progress.items / seconds;
      return {
        label: `Reading messages of ${filePart(progress)}`,
        fraction,
        detail: `${formatCount(progress.items)} messages · ${Math.round(fraction * 100)}% · ${formatCount(rate)} messages/s · ${eta(fraction)}`,
      };
    }
    case 'build': {
      const steps = { profile: 'Measuring the writing style', pairs: 'Finding reply pairs', memories: 'Collecting memories', save: 'Saving the persona' };
      return {
        label: steps[progress.step],
        fraction: progress.total > 0 ? progress.done / progress.total : null,
        detail: `step ${Math.min(progress.done + 1, progress.total)} of ${progress.total}`,
      };
    }
    case 'write':
    case 'turns': {
      const fraction = progress.total > 0 ? progress.done / progress.total : 1;
      const what = progress.phase === 'write' ? 'Saving messages' : 'Grouping messages into turns';
      return {
        label: what,
        fraction,
        detail: `${formatCount(progress.done)} of ${formatCount(progress.total)} · ${eta(fraction)}`,
      };
    }
  }
}

/** The device's current local wall-clock time in the stored timestamp form (`2024-05-04T14:59:00`). */
export function localNowTs(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
}

/** Up to two initials of a name, for an avatar ("Alice Smith" -> "AS"; emoji and marks are skipped). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter((w) => /\p{L}|\p{N}/u.test(w));
  const letters = words.map((w) => Array.from(w).find((c) => /\p{L}|\p{N}/u.test(c)) ?? '');
  const picked = letters.length > 1 ? [letters[0], letters[letters.length - 1]] : letters.slice(0, 1);
  return picked.join('').toUpperCase() || '?';
}

/** A clock time of an instant in the reader's zone ("14:05"). */
export function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** The reader's calendar day of an instant, as a key ("2026-12-06") and as words ("Today", "6 Dec 2026"). */
export function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function dayLabel(ms: number, now: number = Date.now()): string {
  if (dayKey(ms) === dayKey(now)) return 'Today';
  if (dayKey(ms) === dayKey(now - 86_400_000)) return 'Yesterday';
  return new Date(ms).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** When, in a chat list: the time today, else the day. */
export function listWhen(ms: number, now: number = Date.now()): string {
  return dayKey(ms) === dayKey(now) ? clockTime(ms) : dayLabel(ms, now);
}
