// Header rows + continuation lines -> ParsedItems. Invariants: one item per row, in line order; text
// of person items is bidi-stripped and trimmed at its end (first-line indent too); system text is
// everything after the timestamp header, prefix included.

import { stripInvisible } from '../decode-text';
import type { ParsedItem } from '../types';
import type { AuthorResolver } from './authors';
import { resolveBody, splitBody, type SplitOptions } from './body';
import {
  personKind,
  plainMessage,
  quoteBeforeColon,
  stripEdited,
  systemLanguage,
  systemPrefixGate,
  systemPrefixLanguage,
} from './classify';
import type { HeaderTable } from './table';
import type { LocaleVotes } from './votes';

const PROGRESS_EVERY = 2000;
/** System lines that vote for the locale (the first ones say all there is to say). */
const SYSTEM_VOTES = 500;

/** Marks, odd spaces and Arabic tashkeel: anything that makes a body need more than trimming. */
// One character class scans fastest; tashkeel (combining marks) are wanted one code point at a time.
// eslint-disable-next-line no-misleading-character-class
const SPECIAL = /[\u200b\u200e\u200f\u202a-\u202f\u2066-\u2069\ufeff\u061c\u00a0\u2007\u2009\u0640\u064b-\u065f\u0670]/;

/** The first body line plus the row's continuation lines, joined with '\n'. */
function joined(first: string, lines: readonly string[], from: number, to: number): string {
  let raw = first;
  for (let i = from; i < to; i++) raw += `\n${lines[i] ?? ''}`;
  return raw;
}

function systemItem(
  t: HeaderTable,
  i: number,
  raw: string,
  lines: readonly string[],
  end: number,
  votes: LocaleVotes | null,
  langs: ReadonlySet<string> | null,
): ParsedItem {
  const line = t.line[i] ?? 0;
  const text = stripInvisible(joined(raw, lines, line + 1, end)).trim();
  if (votes !== null) {
    // iOS prefixes the chat or group name ("Group: ‎Alice added Bob"): vote with the event itself.
    const colon = text.indexOf(': ');
    votes.add(systemLanguage(text, true, langs) ?? (colon === -1 ? null : systemLanguage(text.slice(colon + 2), true, langs)));
  }
  return { ts: t.ts[i] ?? '', author: null, kind: 'system', text, line: line + 1 };
}

function personItem(t: HeaderTable, i: number, raw: string, lines: readonly string[], end: number, votes: LocaleVotes | null): ParsedItem {
  const line = t.line[i] ?? 0;
  const start = t.textStart[i] ?? 0;
  const rawFirst = start === 0 ? raw : raw.slice(start);
  const all = end === line + 1 ? rawFirst : joined(rawFirst, lines, line + 1, end);
  // One scan decides whether the text needs more than trimming.
  const plain = !SPECIAL.test(all);
  let text = (plain ? all : stripInvisible(all)).trimEnd();
  let s = 0;
  while (s < text.length && (text.charCodeAt(s) === 0x20 || text.charCodeAt(s) === 0x09)) s++;
  if (s > 0) text = text.slice(s);
  // Every edited marker ends with '>': most texts skip the marker lookup.
  const edited = text.charCodeAt(text.length - 1) === 0x3e ? stripEdited(text) : null;
  if (edited !== null) {
    text = edited.text;
    votes?.add(edited.lang);
  }
  const kind = personKind(rawFirst, text, plain);
  if (kind.lang !== null) votes?.add(kind.lang);
  const ts = t.ts[i] ?? '';
  const author = t.author[i] ?? null;
  // Two literals rather than adding `edited` afterwards: a shape reached by adding a property is
  // held weakly, and losing it in a collection would throw away the optimised code of this loop.
  return edited === null
    ? { ts, author, kind: kind.kind, text, line: line + 1 }
    : { ts, author, kind: kind.kind, text, line: line + 1, edited: true };
}

/**
 * Splits every row's body (author or system) and builds its item, in row order. The whole file's
 * author evidence is only complete at the end, so the few rows it can re-attribute ("Name:" with no
 * space, names containing ": ") are revisited and rebuilt afterwards.
 *
 * The common row (an unmarked "Name: one line of text" in a long export) is handled inline in the
 * loop: one function with a hot loop is optimised within the first rows of every parse, where a
 * chain of small calls would run unoptimised much longer. Anything unusual takes the general path.
 */
export function buildItems(
  t: HeaderTable,
  split: SplitOptions,
  resolver: AuthorResolver,
  votes: LocaleVotes,
  signal: AbortSignal | undefined,
): ParsedItem[] {
  const lines = t.lines;
  t.system = new Uint8Array(t.n);
  t.author = new Array<string | null>(t.n).fill(null);
  t.textStart = new Int32Array(t.n);
  t.revisit = new Uint8Array(t.n);
  const items = new Array<ParsedItem>(t.n);
  const gate = systemPrefixGate(split.langs);
  const fast = !split.checkUnmarked;
  let systemVotes = 0;
  for (let i = 0; i < t.n; i++) {
    if (i % PROGRESS_EVERY === 0 && i > 0) signal?.throwIfAborted();
    const line = t.line[i] ?? 0;
    const end = i + 1 < t.n ? (t.line[i + 1] ?? lines.length) : lines.length;
    const raw = (lines[line] ?? '').slice(t.bodyStart[i] ?? 0);
    if (fast) {
      const colon = raw.indexOf(': ');
      const c0 = colon === -1 ? 0 : raw.charCodeAt(colon + 2);
      if (
        colon > 0 &&
        c0 !== 0x200e &&
        c0 !== 0x200f &&
        c0 !== 0x20 &&
        !quoteBeforeColon(raw) &&
        raw.lastIndexOf(': ', 120) === colon
      ) {
        const first = raw.charAt(colon + 2);
        const rest = raw.length - colon - 2;
        const maybeSystem = gate.byFirst.has(first) || (rest <= gate.eqMax + 2 && gate.eqFirst.has(first));
        if (!maybeSystem || systemPrefixLanguage(raw.slice(colon + 2), split.langs) === null) {
          const author = resolver.author(raw.slice(0, colon));
          if (author !== '') {
            t.system[i] = 0;
            t.author[i] = author;
            t.textStart[i] = colon + 2;
            let text = raw.slice(colon + 2);
            if (end === line + 1 && !SPECIAL.test(text)) {
              // One plain line: trim its end; a plain message needs nothing else.
              const last = text.charCodeAt(text.length - 1);
              if (last === 0x20 || last === 0x09 || last === 0x0d) text = text.trimEnd();
              if (text.charCodeAt(0) !== 0x20 && plainMessage(text, true)) {
                items[i] = { ts: t.ts[i] ?? '', author, kind: 'message', text, line: line + 1 };
                continue;
              }
            }
            items[i] = personItem(t, i, raw, lines, end, votes);
            continue;
          }
        }
      }
    }
    splitBody(t, i, raw, split, resolver);
    if (t.system[i] === 1) {
      items[i] = systemItem(t, i, raw, lines, end, systemVotes < SYSTEM_VOTES ? votes : null, split.langs);
      systemVotes++;
    } else {
      items[i] = personItem(t, i, raw, lines, end, votes);
    }
  }
  revisitRows(t, items, resolver);
  return items;
}

function revisitRows(t: HeaderTable, items: ParsedItem[], resolver: AuthorResolver): void {
  const lines = t.lines;
  let systemCorpus: string | null = null;
  const mentioned = (name: string): boolean => {
    if (systemCorpus === null) {
      const parts: string[] = [];
      for (let i = 0; i < t.n; i++) if (t.system[i] === 1) parts.push(stripInvisible(t.body(i)));
      systemCorpus = parts.join('\n');
    }
    return systemCorpus.includes(name);
  };
  for (let i = 0; i < t.n; i++) {
    if (t.revisit[i] !== 1) continue;
    const system = t.system[i];
    const author = t.author[i];
    const start = t.textStart[i];
    const raw = t.body(i);
    resolveBody(t, i, raw, resolver, mentioned);
    if (t.system[i] === system && t.author[i] === author && t.textStart[i] === start) continue;
    const end = i + 1 < t.n ? (t.line[i + 1] ?? lines.length) : lines.length;
    items[i] = t.system[i] === 1 ? systemItem(t, i, raw, lines, end, null, null) : personItem(t, i, raw, lines, end, null);
  }
}
