// Small helpers shared by the parser tests: the comparable part of parsed items, the runtime's local
// time in the stored form, and the ImportError a call throws.
import { ImportError } from '../../src/lib/ingest/errors';

interface ItemLike {
  ts: string;
  author: string | null;
  kind: string;
  text: string;
  edited?: boolean;
}

/** The fields tests compare; `edited` only when set, so most expectations stay short. */
export const pick = (r: { items: ItemLike[] }) =>
  r.items.map(({ ts, author, kind, text, edited }) => ({ ts, author, kind, text, ...(edited ? { edited } : {}) }));

const pad = (n: number): string => String(n).padStart(2, '0');

/** A Date as local wall-clock time in the stored form (`2024-03-01T09:05:12`). */
export const localIso = (d: Date): string =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

export function errorOf(fn: () => unknown): ImportError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ImportError) return error;
    throw error;
  }
  throw new Error('expected an ImportError');
}
