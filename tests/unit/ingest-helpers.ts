// Small helpers shared by the parser tests: the comparable part of parsed items, the runtime's local
// time in the stored form, the ImportError a call throws, and the fuzz check that a parser fails only so.
import fc from 'fast-check';
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

/**
 * Fuzz: `parse` run on random strings and on `seed` with a random span replaced by a random string of up
 * to `maxInsert` characters (300 runs) either returns or throws an ImportError, never anything else.
 */
export function assertFailsOnlyWithImportError(seed: string, parse: (text: string) => unknown, maxInsert = 8): void {
  const mutated = fc
    .tuple(fc.nat(seed.length), fc.nat(seed.length), fc.string({ maxLength: maxInsert }))
    .map(([a, b, insert]) => seed.slice(0, Math.min(a, b)) + insert + seed.slice(Math.max(a, b)));
  fc.assert(
    fc.property(fc.oneof(fc.string(), mutated), (text) => {
      try {
        parse(text);
      } catch (error) {
        if (!(error instanceof ImportError)) throw error;
      }
    }),
    { numRuns: 300 },
  );
}
