// What to tell a person about this app's storage: space used and available, and whether the browser may
// delete the data on its own (not persisted: eviction under storage pressure, and Safari's 7-day rule for
// sites not added to the Home Screen). Pure: the storage manager gathers the facts.

import { formatBytes } from '../app/format';

export interface StorageFacts {
  /** Bytes used by this origin, when the browser reports it. */
  usage: number | null;
  /** Bytes this origin may use, when the browser reports it. */
  quota: number | null;
  /** navigator.storage.persisted(); null where the API is missing. */
  persisted: boolean | null;
  /** Running as an installed app (standalone window or home-screen app). */
  installed: boolean;
}

export type EvictionRisk = 'persisted' | 'may-evict' | 'unknown';

export interface StorageView {
  /** "3.2 MB used · 1.20 GB available", or what is known of it. */
  summary: string;
  risk: EvictionRisk;
  /** One or two sentences with what to do, or null when there is nothing to do. */
  advice: string | null;
  /** Less than 10% (or 200 MB) of the quota is left: big model downloads may fail. */
  nearlyFull: boolean;
}

const LOW_SPACE_BYTES = 200 * 1_048_576;

export function describeStorage(facts: StorageFacts): StorageView {
  const { usage, quota } = facts;
  const available = usage !== null && quota !== null ? Math.max(0, quota - usage) : null;
  const parts: string[] = [];
  if (usage !== null) parts.push(`${formatBytes(usage)} used`);
  if (available !== null) parts.push(`${formatBytes(available)} available`);
  const summary = parts.length > 0 ? parts.join(' · ') : 'Storage use unknown';
  const nearlyFull = available !== null && quota !== null && quota > 0 && (available < quota * 0.1 || available < LOW_SPACE_BYTES);

  if (facts.persisted === true) return { summary, risk: 'persisted', advice: null, nearlyFull };
  const risk: EvictionRisk = facts.persisted === false ? 'may-evict' : 'unknown';
  const advice = facts.installed
    ? 'The browser may still delete this data when the device runs low on space. Keep your chat export files as a backup.'
    : 'The browser may delete this data when space runs low or when the app goes unused (Safari does after 7 days without a visit). Install the app (or add it to your Home Screen) to keep it, and keep your chat export files as a backup.';
  return { summary, risk, advice, nearlyFull };
}
