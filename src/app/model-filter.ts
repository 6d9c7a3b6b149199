// The Models screen's order and search: the recommended model first, then what fits this device (cached
// first, then smaller first), and the rest apart with why they do not fit. The search matches a name
// ("qwen", "1.5B"), a size as shown ("1.2 GB") or a largest size ("< 500 MB", "under 1 GB").
import type { EntryView } from './model-manager.svelte';
import { formatBytes } from './format';

const UNITS: Record<string, number> = { kb: 1e3, mb: 1e6, gb: 1e9 };

/** A largest-download-size query ("<500mb", "≤ 1 GB", "under 2gb"), in bytes, or null. */
export function maxSizeQuery(query: string): number | null {
  const m = /^(?:<|≤|<=|under|below|max)\s*(\d+(?:[.,]\d+)?)\s*(kb|mb|gb)$/i.exec(query.trim());
  if (m === null || m[1] === undefined || m[2] === undefined) return null;
  return Number(m[1].replace(',', '.')) * (UNITS[m[2].toLowerCase()] ?? 1);
}

export function matchesQuery(view: EntryView, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  const max = maxSizeQuery(q);
  if (max !== null) return view.entry.downloadBytes > 0 && view.entry.downloadBytes <= max;
  const e = view.entry;
  const haystack = [e.label, e.id, e.family, e.downloadBytes > 0 ? formatBytes(e.downloadBytes) : '', e.engine]
    .join(' ')
    .toLowerCase();
  return q.split(/\s+/).every((word) => haystack.includes(word));
}

export interface ModelGroups {
  fits: EntryView[];
  other: EntryView[];
}

/** Splits and orders the catalog for the screen; `query` filters both groups. */
export function groupModels(views: readonly EntryView[], query: string): ModelGroups {
  const shown = views.filter((v) => matchesQuery(v, query));
  const rank = (v: EntryView) => (v.recommended ? 0 : v.loaded ? 1 : v.cached === true ? 2 : 3);
  const fits = shown
    .filter((v) => v.availability.status !== 'blocked')
    .sort((a, b) => rank(a) - rank(b) || a.entry.downloadBytes - b.entry.downloadBytes);
  const other = shown.filter((v) => v.availability.status === 'blocked').sort((a, b) => a.entry.downloadBytes - b.entry.downloadBytes);
  return { fits, other };
}
