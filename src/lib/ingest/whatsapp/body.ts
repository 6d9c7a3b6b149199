// The part of a header line after the timestamp: who wrote it (or that nobody did) and where the
// text starts. Invariants: a body without a "Name: " part is a system line unless the name writes
// elsewhere in the file; a body whose text is a known system event is a system line whatever the
// prefix; person names are cleaned (no marks, plain spaces).

import { stripInvisible } from '../decode-text';
import { candidatesOf, type AuthorResolver } from './authors';
import { cleanName, startsWithDirMark } from './chars';
import { looksLikeIosSystem, personKind, quoteBeforeColon, systemLanguage, systemPrefixLanguage } from './classify';
import type { HeaderTable } from './table';

export interface SplitOptions {
  /** Languages whose system rules apply (null: all). */
  langs: ReadonlySet<string> | null;
  /**
   * Check unmarked "Name: text" bodies against every system rule. Real exports mark such lines
   * (iOS) or give them no name (Android), so long files only try the rules anchored at the start
   * (encryption notices...); hand-edited small files get the full check.
   */
  checkUnmarked: boolean;
}

/** Pass 1 of the author split of row `i`, whose body is `raw`; fills t.system / author / textStart. */
export function splitBody(t: HeaderTable, i: number, raw: string, opts: SplitOptions, resolver: AuthorResolver): void {
  t.system[i] = 1;
  const colon = raw.indexOf(': ');
  if (colon === -1) {
    // "Name:" or "Name:text" may still be a person line once all names are known.
    if (raw.indexOf(':') !== -1) t.revisit[i] = 1;
    return;
  }
  // Android system lines quoting a subject that contains ": " ("X changed the subject to "a: b""):
  // the quote opens before the first ": ".
  if (quoteBeforeColon(raw) && systemLanguage(stripInvisible(raw), false, opts.langs) !== null) return;
  const rest = raw.slice(colon + 2);
  const c0 = rest.charCodeAt(0);
  if (c0 === 0x200e || c0 === 0x200f || (c0 === 0x20 && startsWithDirMark(rest))) {
    // iOS marks both its placeholders ("‎image omitted") and its system lines ("Group: ‎X added Y"):
    // a recognised placeholder is a person item, anything else marked is checked as an event.
    const restText = stripInvisible(rest);
    if (personKind(rest, restText.trim()).kind === 'message') {
      if (systemLanguage(restText, true, opts.langs) !== null) return;
      if (looksLikeIosSystem(rest, restText)) return;
    }
  } else if (
    opts.checkUnmarked
      ? systemLanguage(stripInvisible(rest), false, opts.langs) !== null
      : systemPrefixLanguage(rest, opts.langs) !== null
  ) {
    return;
  }
  // Another ": " close behind the first may mean a name containing ": " (bounded backward search).
  const more = raw.lastIndexOf(': ', 120);
  let author: string;
  if (more > colon) {
    const candidates = candidatesOf(raw, cleanName);
    if ((candidates.names[0] ?? '') === '') return;
    resolver.add(candidates);
    author = candidates.names[0] ?? '';
    if (candidates.names.length > 1) {
      t.candidates.set(i, candidates);
      t.revisit[i] = 1;
    }
  } else {
    author = resolver.author(raw.slice(0, colon));
    if (author === '') return;
  }
  t.system[i] = 0;
  t.author[i] = author;
  t.textStart[i] = colon + 2;
}

/**
 * Pass 2. A body without ": " can still be a person line: "Name:" alone (iOS view-once media, an
 * empty message) or "Name:text" with no space, when Name writes elsewhere in the file. Names that
 * contain ": " are settled with the whole file's evidence.
 */
export function resolveBody(
  t: HeaderTable,
  i: number,
  raw: string,
  resolver: AuthorResolver,
  mentionedInSystem: (name: string) => boolean,
): void {
  const candidates = t.candidates.get(i);
  if (candidates !== undefined) {
    const k = resolver.choose(candidates, mentionedInSystem);
    if (k > 0) {
      t.author[i] = candidates.names[k] ?? t.author[i] ?? null;
      t.textStart[i] = candidates.textStarts[k] ?? t.textStart[i] ?? 0;
    }
    return;
  }
  if (t.system[i] !== 1) return;
  if (raw.indexOf(': ') !== -1) return; // a recognised system event after "Name: "
  const c = raw.indexOf(':');
  if (c <= 0 || c > 120) return;
  const name = cleanName(raw.slice(0, c));
  if (name === '') return;
  const after = raw.slice(c + 1);
  const known = resolver.isKnown(name);
  if (after.trim() === '') {
    if (!known && (name.length > 60 || systemLanguage(stripInvisible(raw), true, null) !== null)) return;
  } else if (!known) {
    return;
  }
  t.system[i] = 0;
  t.author[i] = name;
  t.textStart[i] = c + 1;
}
