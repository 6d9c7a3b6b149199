// Finding the header lines of an export: line splitting, layout detection on a sample, the full scan
// (a compiled matcher for each layout the file shows), and the rule that tells a uniform export (odd
// lines are quoted text) from a file that switches layout or mixes exports.
// Invariants: headers come back in line order; every returned header has a plausible body.

import type { ParseOptions } from '../types';
import { clockWord } from './clock';
import { compileLayout, matchHeader, type HeaderMatch, type Layout, type LayoutMatcher } from './header';
import { HeaderTable } from './table';

const SAMPLE_HEADERS = 80;
const SAMPLE_LINES = 3000;

/** Lines without their terminators; CRLF, CR CR LF (old iOS) and CR-only files all work. */
export function splitLines(text: string): string[] {
  if (text.indexOf('\n') === -1 && text.indexOf('\r') !== -1) return text.split('\r');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? '';
    if (l.charCodeAt(l.length - 1) === 13) {
      let end = l.length - 1;
      while (end > 0 && l.charCodeAt(end - 1) === 13) end--;
      lines[i] = l.slice(0, end);
    }
  }
  return lines;
}

/** Layout identity used to tell a uniform export from a mix (clock words and day widths excluded). */
export function signatureOf(h: HeaderMatch): string {
  const yearWidth = h.kind === 'num' ? (h.la >= 3 || h.lc >= 3 ? 4 : 2) : h.lc === 0 ? 0 : 4;
  return `${h.family}|${h.kind}|${h.sep}|${yearWidth}|${h.era === '' ? '' : `e${h.eraPos}`}|${h.timeFirst ? 't' : ''}`;
}

/** A bare "date time Name: text" header is only a header when a short name and ": " follow. */
export function plausible(h: HeaderMatch, line: string): boolean {
  if (h.family !== 'bare') return true;
  const i = line.indexOf(': ', h.bodyStart);
  return i > h.bodyStart && i - h.bodyStart <= 80;
}

// Both halves of the day: a sample of mornings must not send every evening to the slow path. The
// neutral Latin words pair with their own spelling; any other word brings the rest of its set.
const CLOCK_PAIRS: Record<string, readonly string[]> = {
  am: ['PM', 'pm'],
  pm: ['AM', 'am'],
  'a.m.': ['p.m.', 'P.M.'],
  'p.m.': ['a.m.', 'A.M.'],
  'a. m.': ['p. m.', 'P. M.'],
  'p. m.': ['a. m.', 'A. M.'],
};

function clockSet(seen: Iterable<string>): string[] {
  const clocks = new Set<string>();
  for (const c of seen) {
    clocks.add(c);
    const pairs = CLOCK_PAIRS[c.toLowerCase().replace(/\s+/g, ' ')];
    for (const other of pairs ?? clockWord(c)?.siblings ?? []) clocks.add(other);
  }
  return [...clocks];
}

/** The layout one header line is written in (what a compiled matcher for it needs). */
export function layoutOf(h: HeaderMatch, line: string): Layout {
  return {
    family: h.family,
    kind: h.kind,
    timeFirst: h.timeFirst,
    sep: h.sep,
    clocks: clockSet(h.clock === '' ? [] : [h.clock]),
    eras: h.era !== '',
    timeWords: TIME_WORD.test(line),
  };
}

/** Words some locales put between date and time ("13.6.2018 klo 21.25"). */
const TIME_WORD = /\d[,\s]\s?(?:klo|kl\.|um|à|às|a las|alle|om|at|в|o)\s\d/;

interface Sample {
  n: number;
  h: HeaderMatch;
  clocks: Set<string>;
  eras: boolean;
  timeWords: boolean;
}


/** The most common layout among the first headers of the file, or null when there is none. */
export function detectLayout(lines: readonly string[]): Layout | null {
  const counts = new Map<string, Sample>();
  let found = 0;
  for (let i = 0; i < lines.length && found < SAMPLE_HEADERS && (i < SAMPLE_LINES || found === 0); i++) {
    const line = lines[i] ?? '';
    const h = matchHeader(line);
    if (h === null || !plausible(h, line)) continue;
    found++;
    const sig = signatureOf(h);
    let entry = counts.get(sig);
    if (entry === undefined) {
      entry = { n: 0, h, clocks: new Set(), eras: false, timeWords: false };
      counts.set(sig, entry);
    }
    entry.n++;
    if (h.clock !== '') entry.clocks.add(h.clock);
    if (h.era !== '') entry.eras = true;
    if (TIME_WORD.test(line)) entry.timeWords = true;
  }
  let best: Sample | null = null;
  for (const e of counts.values()) if (best === null || e.n > best.n) best = e;
  if (best === null) return null;
  return {
    family: best.h.family,
    kind: best.h.kind,
    timeFirst: best.h.timeFirst,
    sep: best.h.sep,
    clocks: clockSet(best.clocks),
    eras: best.eras,
    timeWords: best.timeWords,
  };
}

/** Where the scan reports progress and learns about cancellation (plain data: no per-parse closures). */
export interface ScanProgress {
  signal: AbortSignal | undefined;
  onProgress: ParseOptions['onProgress'];
  total: number;
}

function reportScan(p: ScanProgress, offset: number, found: number): void {
  p.signal?.throwIfAborted();
  p.onProgress?.({ phase: 'parse', bytesDone: Math.min(offset, p.total), bytesTotal: p.total, items: found });
}

export interface ScanResult {
  table: HeaderTable;
  /** Signature id most headers use. */
  primarySig: number;
}

/**
 * Every header line of the file. When one layout makes up at least 90% of at least 10 headers the
 * export is mostly uniform: a line in another layout is quoted text, not a header, unless its layout
 * also heads two messages in a row somewhere (the file switched layout, e.g. after a phone change:
 * pasted lines come one at a time). Otherwise (a file made of several exports) every layout counts.
 */
export function scanHeaders(lines: readonly string[], layout: Layout, progress: ScanProgress): ScanResult {
  const table = new HeaderTable(lines, Math.min(lines.length, 1 << 16));
  const sigCount = scanLoop(lines, compileLayout(layout), new Set([JSON.stringify(layout)]), table, progress);
  let primarySig = 0;
  let primaryN = 0;
  sigCount.forEach((n, sig) => {
    if (n > primaryN) {
      primaryN = n;
      primarySig = sig;
    }
  });
  if (primaryN >= 10 && primaryN >= 0.9 * table.n && primaryN < table.n) {
    const switched = new Set<number>();
    for (let r = 1; r < table.n; r++) {
      const sig = table.sig[r] ?? 0;
      if (sig !== primarySig && table.sig[r - 1] === sig) switched.add(sig);
    }
    const keep = new Uint8Array(table.n);
    for (let r = 0; r < table.n; r++) {
      const sig = table.sig[r] ?? 0;
      keep[r] = sig === primarySig || switched.has(sig) ? 1 : 0;
    }
    table.keepRows(keep);
  }
  return { table, primarySig };
}

/** At most this many compiled layouts per file (the detected one and those met while scanning). */
const MAX_MATCHERS = 4;

/**
 * Lines the detected layout's matcher does not take: the compiled matchers of the other layouts the
 * file has shown so far (`others`, their layout keys in `keys`), then the generic grammar. A file
 * whose layout changes midway gets a fast matcher for each of its layouts, not the generic grammar
 * for every line after the change. Plain arrays and sets, not a class: a per-parse class instance
 * collected between two parses would take the scan loop's optimised code with it.
 */
function otherLayout(line: string, others: LayoutMatcher[], keys: Set<string>): HeaderMatch | null {
  for (let k = 0; k < others.length; k++) {
    const h = (others[k] as LayoutMatcher)(line);
    if (h !== null) return h;
  }
  const h = matchHeader(line);
  // A bare layout ("date time Name: text") has no separator of its own, so a matcher for it alone
  // would read "AM - Name" as a name: those lines stay with the generic grammar, which prefers
  // every other layout.
  if (h === null || others.length >= MAX_MATCHERS - 1 || h.family === 'bare' || !plausible(h, line)) return h;
  const layout = layoutOf(h, line);
  const key = JSON.stringify(layout);
  if (!keys.has(key)) {
    keys.add(key);
    const matcher = compileLayout(layout);
    if (matcher !== matchHeader) others.push(matcher);
  }
  return h;
}

/** What scanLine remembers from one header to the next (the previous layout key and its id). */
interface ScanState {
  family: string;
  kind: string;
  sep: string;
  era: string;
  wide: number;
  timeFirst: boolean;
  sig: number;
  counts: number[];
}

/** The scan loop: scanLine does one line's work; progress and cancellation every 2000 lines. */
function scanLoop(lines: readonly string[], fast: LayoutMatcher, keys: Set<string>, table: HeaderTable, progress: ScanProgress): number[] {
  const others: LayoutMatcher[] = [];
  const state: ScanState = { family: '', kind: '', sep: '', era: '', wide: -1, timeFirst: false, sig: -1, counts: [] };
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (i % 2000 === 0 && i > 0) reportScan(progress, offset, table.n);
    offset += line.length + 1;
    scanLine(line, i, fast, others, keys, table, state);
  }
  return state.counts;
}

function scanLine(
  line: string,
  i: number,
  fast: LayoutMatcher,
  others: LayoutMatcher[],
  keys: Set<string>,
  table: HeaderTable,
  state: ScanState,
): void {
  const h = fast(line) ?? otherLayout(line, others, keys);
  if (h === null || !plausible(h, line)) return;
  // Consecutive headers nearly always share a layout: reuse the id while nothing in its key changed
  // (compared field by field: building the key string per line costs more than the comparison).
  const wide = (h.la >= 3 ? 1 : 0) | (h.lc >= 3 ? 2 : 0) | (h.lc === 0 ? 4 : 0);
  if (
    state.sig === -1 ||
    h.family !== state.family ||
    h.kind !== state.kind ||
    h.sep !== state.sep ||
    h.era !== state.era ||
    wide !== state.wide ||
    h.timeFirst !== state.timeFirst
  ) {
    state.sig = table.sigId(signatureOf(h), h);
    state.family = h.family;
    state.kind = h.kind;
    state.sep = h.sep;
    state.era = h.era;
    state.wide = wide;
    state.timeFirst = h.timeFirst;
  }
  state.counts[state.sig] = (state.counts[state.sig] ?? 0) + 1;
  table.push(h, i, state.sig);
}
