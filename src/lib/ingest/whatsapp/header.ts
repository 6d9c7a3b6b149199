// The WhatsApp header grammar: "[date, time] ", "date, time - ", "date time: " and friends, with the
// date components in any order and separator, an era mark on either outer one, any known clock word
// or day period before or after the time, and punctuation after it. One generic matcher knows every
// layout; `compileLayout` builds a narrower anchored regex for each layout a file uses, which is what
// runs on almost every line. All regexes are anchored and free of nested quantifiers, so a line costs
// linear time whatever it contains.

import { headNeedsNormalizing, normalizeHead } from './chars';
import { clockWordSource, monthNumber } from './clock';

export type Family = 'bracket' | 'dash' | 'colon' | 'bare';
/** num: 1/2/2020; cjk: 2020年1月2日; dm: 2 Jan 2020; md: Jan 2, 2020. */
export type DateKind = 'num' | 'cjk' | 'dm' | 'md';

export interface HeaderMatch {
  family: Family;
  kind: DateKind;
  timeFirst: boolean;
  /** num: the three numbers in written order; cjk: year, month, day; dm/md: day, month 1-12, year (0 if none). */
  a: number;
  b: number;
  c: number;
  /** Digits written for a, b, c (year position and zero padding decide the date order). */
  la: number;
  lb: number;
  lc: number;
  /** Date separator for 'num' ('/', '.', '-'), else ''. */
  sep: string;
  /** Era marker written with the year ('R', '令和', 'BE'...), else ''. */
  era: string;
  /** Which written date component carries the era mark: 0 (a) or 2 (c); -1 without one. */
  eraPos: number;
  hour: number;
  minute: number;
  second: number;
  /** The AM/PM word as written, else ''. */
  clock: string;
  /** Index in the raw line where the body (author + text) starts. */
  bodyStart: number;
}

function emptyMatch(): HeaderMatch {
  return {
    family: 'dash',
    kind: 'num',
    timeFirst: false,
    a: 0,
    b: 0,
    c: 0,
    la: 0,
    lb: 0,
    lc: 0,
    sep: '',
    era: '',
    eraPos: -1,
    hour: 0,
    minute: 0,
    second: 0,
    clock: '',
    bodyStart: 0,
  };
}

const LETTERS = '[A-Za-z\\u00C0-\\u024F\\u0370-\\u03FF\\u0400-\\u04FF]';
/** Era marks written before a year ("R4", "令和4") and after one ("2565 BE", "1401 AP"). */
const ERA_BEFORE = 'R|H|S|令和|平成|昭和';
const ERA_AFTER = 'BE|B\\.E\\.|พ\\.ศ\\.|AP|AH|ه\\.ش\\.|هـ';
const eraBefore = (group: string): string => `(?:(?<${group}>${ERA_BEFORE})\\s?)?`;
const eraAfter = (group: string): string => `(?:\\s?(?<${group}>${ERA_AFTER}))?`;
const DT_SEP = '(?:,\\s{0,2}|\\s{1,2})(?:(?:klo|kl\\.|um|à|às|a las|alle|om|at|в|o)\\s)?';
const NB_SEP_ALL = '(?:(?<dash>\\s?[-–—](?:\\s|$))|(?<colon>:\\s)|(?<bare>\\s))';
const NB_SEP_NO_BARE = '(?:(?<dash>\\s?[-–—](?:\\s|$))|(?<colon>:\\s))';
const BR_CLOSE = '\\s?\\](?:\\s?[-–—](?=\\s))?\\s?';

// Either outer component may be the year and carry an era mark ("R4/3/18", "3/18/R4", "18/3/2565 BE");
// the separator is any of "/ . -" or a space, the same twice ("2022. 3. 18." adds spaces after it).
const NUM_DATE =
  `${eraBefore('ea')}(?<a>\\d{1,4})${eraAfter('pa')}(?<sep>[./-]|\\s)\\s?(?<b>\\d{1,2})\\k<sep>\\s?` +
  `${eraBefore('ec')}(?<c>\\d{1,4})${eraAfter('pc')}\\.?`;
const CJK_DATE =
  '(?:(?<era>令和|平成|昭和)\\s?)?(?<a>\\d{1,4})\\s?[年년]\\s?(?<b>\\d{1,2})\\s?[月월]\\s?(?<c>\\d{1,2})\\s?[日일](?:\\s?[(（][^)）]{1,4}[)）])?';
const DM_DATE = `(?<a>\\d{1,2})\\.?\\s(?<b>${LETTERS}{3,12}\\.?)(?:,?\\s(?<c>\\d{4}))?`;
const MD_DATE = `(?<b>${LETTERS}{3,12}\\.?)\\s(?<a>\\d{1,2})(?:,?\\s(?<c>\\d{4}))?`;

/** A clock word ends where no letter of its script follows ("de." must not eat "de.Anna"). */
const WORD_END = '(?![A-Za-z\\u00C0-\\u024F\\u0370-\\u03FF\\u0400-\\u04FF])';

/** The time, a clock word before or after it, and the punctuation some locales end it with ("13:34."). */
function time(before: string, after: string): string {
  return (
    `(?:(?<pre>${before})\\s?)?(?<h>\\d{1,2})[:.](?<m>\\d{2})(?:[:.](?<s>\\d{2}))?` +
    `(?:\\s?(?<post>${after})${WORD_END})?[.,]?`
  );
}

const clockIntern = new Map<string, string>();

/** One string per distinct clock word, so 100k headers do not each keep their own "PM". */
function internClock(word: string): string {
  if (word === '') return '';
  const w = clockIntern.get(word);
  if (w !== undefined) return w;
  if (clockIntern.size < 512) clockIntern.set(word, word);
  return word;
}

interface Pattern {
  re: RegExp;
  kind: DateKind;
  timeFirst: boolean;
  bracket: boolean;
}

interface Patterns {
  bracket: Pattern[];
  plain: Pattern[];
  month: Pattern[];
}

let common: Patterns | null = null;
let full: Patterns | null = null;

function buildPatterns(before: string, after: string, bare: boolean): Patterns {
  const t = time(before, after);
  // "date time Name: text" only in the full tier: with the small clock list, "11:33 nachm. - Name"
  // would otherwise read as a bare header whose name is "nachm. - Name".
  const NB_SEP = bare ? NB_SEP_ALL : NB_SEP_NO_BARE;
  const p = (source: string, kind: DateKind, timeFirst: boolean, bracket: boolean): Pattern => ({
    re: new RegExp(source),
    kind,
    timeFirst,
    bracket,
  });
  return {
    bracket: [
      p(`^\\[\\s?${NUM_DATE}${DT_SEP}${t}${BR_CLOSE}`, 'num', false, true),
      p(`^\\[\\s?${t},?\\s${NUM_DATE}${BR_CLOSE}`, 'num', true, true),
      p(`^\\[\\s?${CJK_DATE}${DT_SEP}${t}${BR_CLOSE}`, 'cjk', false, true),
      p(`^\\[\\s?${DM_DATE}${DT_SEP}${t}${BR_CLOSE}`, 'dm', false, true),
      p(`^\\[\\s?${MD_DATE}${DT_SEP}${t}${BR_CLOSE}`, 'md', false, true),
    ],
    plain: [
      p(`^${NUM_DATE}${DT_SEP}${t}${NB_SEP}`, 'num', false, false),
      p(`^${t},?\\s${NUM_DATE}${NB_SEP}`, 'num', true, false),
      p(`^${CJK_DATE}${DT_SEP}${t}${NB_SEP}`, 'cjk', false, false),
      p(`^${DM_DATE}${DT_SEP}${t}${NB_SEP}`, 'dm', false, false),
    ],
    month: [p(`^${MD_DATE}${DT_SEP}${t}${NB_SEP}`, 'md', false, false)],
  };
}

/**
 * Two tiers of the generic grammar: 24-hour and AM/PM clocks first (small regexes, cheap to compile),
 * every known clock word second, compiled only when a file has a line that needs it.
 */
function genericPatterns(tier: 'common' | 'full'): Patterns {
  if (tier === 'common') {
    common ??= buildPatterns('(?!)', clockWordSource(['AM', 'PM', 'a.m.', 'p.m.', 'a. m.', 'p. m.']), false);
    return common;
  }
  if (full === null) {
    const every = clockWordSource();
    full = buildPatterns(every, every, true);
  }
  return full;
}

/**
 * A clock word no table knows (a language outside the tables and CLDR_LANGS): one to three words of
 * letters. Only where a bracket or " - " closes it, so it can never swallow a name; the file's own
 * chronology later tells which half of the day it means (unknown-clocks.ts).
 */
const UNKNOWN_WORD = "\\p{L}[\\p{L}\\p{M}.'’]{0,15}(?:\\s\\p{L}[\\p{L}\\p{M}.'’]{0,15}){0,2}";

let unknown: { bracket: Pattern[]; plain: Pattern[] } | null = null;

function unknownClockPatterns(): { bracket: Pattern[]; plain: Pattern[] } {
  if (unknown === null) {
    const t = time(UNKNOWN_WORD, UNKNOWN_WORD);
    const p = (source: string, bracket: boolean): Pattern => ({ re: new RegExp(source, 'u'), kind: 'num', timeFirst: false, bracket });
    unknown = {
      bracket: [p(`^\\[\\s?${NUM_DATE}${DT_SEP}${t}${BR_CLOSE}`, true), { ...p(`^\\[\\s?${t},?\\s${NUM_DATE}${BR_CLOSE}`, true), timeFirst: true }],
      plain: [p(`^${NUM_DATE}${DT_SEP}${t}(?<dash>\\s?[-–—](?:\\s|$))`, false)],
    };
  }
  return unknown;
}

/** A word right after the time or right before it: the line may use another clock word. */
const OTHER_CLOCK = /\d[:.]\d\d(?:[:.]\d\d)?\s?[^\s\d\-–—\],:]|[^\s\d\-–—[,:/]\s?\d{1,2}[:.]\d\d/;

/** Fills `out` from a generic pattern's match; false when the values are impossible. */
function fromGeneric(p: Pattern, m: RegExpExecArray, bodyStart: number, out: HeaderMatch): boolean {
  const g = m.groups ?? {};
  const hour = Number(g.h);
  const minute = Number(g.m);
  const second = g.s === undefined ? 0 : Number(g.s);
  if (hour > 23 || minute > 59 || second > 59) return false;
  const a = g.a ?? '';
  const b = g.b ?? '';
  const c = g.c ?? '';
  const month = p.kind === 'dm' || p.kind === 'md' ? monthNumber(b) : Number(b);
  if (month === 0) return false;
  out.family = p.bracket ? 'bracket' : g.dash !== undefined ? 'dash' : g.colon !== undefined ? 'colon' : 'bare';
  out.kind = p.kind;
  out.timeFirst = p.timeFirst;
  out.a = Number(a);
  out.b = month;
  out.c = c === '' ? 0 : Number(c);
  out.la = a.length;
  out.lb = b.length;
  out.lc = c.length;
  out.sep = g.sep ?? '';
  const eraA = g.ea ?? g.pa;
  const eraC = g.ec ?? g.pc;
  out.era = g.era ?? eraA ?? eraC ?? '';
  out.eraPos = g.era !== undefined || eraA !== undefined ? 0 : eraC !== undefined ? 2 : -1;
  out.hour = hour;
  out.minute = minute;
  out.second = second;
  out.clock = internClock(g.pre ?? g.post ?? '');
  out.bodyStart = bodyStart;
  return true;
}

/** Index of the first character that is not a bidi mark / BOM (within the first 16), or -1. */
function firstVisible(line: string): number {
  for (let i = 0; i < line.length && i < 16; i++) {
    const c = line.charCodeAt(i);
    if (c !== 0x200e && c !== 0x200f && c !== 0xfeff && !(c >= 0x202a && c <= 0x202e) && !(c >= 0x2066 && c <= 0x2069)) {
      return i;
    }
  }
  return -1;
}

type Start = 'bracket' | 'plain' | 'month' | 'era';

/** Which patterns can apply, from the first visible character (cheap rejection of text lines). */
function startOf(c: number): Start | null {
  if (c === 0x5b) return 'bracket'; // [
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x0660 && c <= 0x0669) || (c >= 0x06f0 && c <= 0x06f9)) return 'plain';
  if (c >= 0xff10 && c <= 0xff19) return 'plain';
  if (c === 0x52 || c === 0x48 || c === 0x53) return 'era'; // "R4/3/18" or "Sep 3"
  if (c === 0x4ee4 || c === 0x5e73 || c === 0x662d) return 'plain'; // 令和 平成 昭和
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f) || (c >= 0x370 && c <= 0x4ff)) {
    return 'month';
  }
  return null;
}

/** A month-name date starts with a word and a day number ("Mar 3", "März 3."); checked before normalising. */
const MONTH_START = /^[\u200e\u200f\ufeff\u202a-\u202e]*[^\s\d]{3,12}\.?[\s\u00a0]\d/;

function firstHit(list: readonly Pattern[], s: string, map: number[] | null, out: HeaderMatch): boolean {
  for (const p of list) {
    const m = p.re.exec(s);
    if (m !== null && fromGeneric(p, m, map === null ? m[0].length : (map[m[0].length] ?? s.length), out)) return true;
  }
  return false;
}

/**
 * Matches any known header layout at the start of `line` (a new object per match). Invisible marks,
 * odd spaces, native digits and the Arabic comma are tolerated anywhere inside the header.
 */
export function matchHeader(line: string): HeaderMatch | null {
  if (line.length < 8) return null;
  const start = firstVisible(line);
  if (start === -1) return null;
  const which = startOf(line.charCodeAt(start));
  if (which === null) return null;
  const monthStart = which === 'month' || which === 'era' ? MONTH_START.test(line) : false;
  if (which === 'month' && !monthStart) return null;
  const out = emptyMatch();
  let s = line;
  let map: number[] | null = null;
  // Long headers ("[R4/03/18, 9:15:00 in the afternoon] ") can carry a mark past the 40th character.
  if (headNeedsNormalizing(line, 80)) {
    const n = normalizeHead(line, 96);
    if (n.head.length < 8) return null;
    s = n.head;
    map = n.map;
  }
  if (firstHit(patternsOf(genericPatterns('common'), which, monthStart), s, map, out)) return out;
  if (!OTHER_CLOCK.test(s)) return null;
  const known = firstHit(patternsOf(genericPatterns('full'), which, monthStart), s, map, out);
  // A bare header is the weakest reading: "9:15 yb - Name: text" has a clock word, not a name "yb - Name".
  if ((known && out.family !== 'bare') || which === 'month') return known ? out : null;
  const other = emptyMatch();
  if (firstHit(which === 'bracket' ? unknownClockPatterns().bracket : unknownClockPatterns().plain, s, map, other)) return other;
  return known ? out : null;
}

function patternsOf(pats: Patterns, which: Start, monthStart: boolean): readonly Pattern[] {
  if (which === 'bracket') return pats.bracket;
  if (which === 'plain') return pats.plain;
  if (which === 'month') return pats.month;
  return monthStart ? [...pats.plain, ...pats.month] : pats.plain;
}

/** The parts of a layout that stay fixed within one export. */
export interface Layout {
  family: Family;
  kind: DateKind;
  timeFirst: boolean;
  sep: string;
  /** Clock words seen in the sample (empty: 24-hour clock). */
  clocks: readonly string[];
  /** The sample wrote an era with the year ("R4", "2565 BE") or a word before the time ("klo"). */
  eras: boolean;
  timeWords: boolean;
}

/**
 * A compiled fast matcher for one layout. It returns a scratch object that is overwritten by the
 * next call (copy what you keep), or null on lines it does not fit; those go to matchHeader.
 */
export type LayoutMatcher = (line: string) => HeaderMatch | null;

/**
 * Builds the fast path for the detected layout: one anchored regex with the family, the date
 * separator and the clock words fixed, numbered groups, and no allocation per matched line.
 */
const compiled = new Map<string, LayoutMatcher>();

export function compileLayout(layout: Layout): LayoutMatcher {
  if (layout.kind !== 'num' || layout.timeFirst) return matchHeader;
  // One matcher per layout for the life of the module: code the engine optimised around it stays
  // valid from one parse to the next (a fresh closure per parse would be thrown away with it).
  const key = JSON.stringify(layout);
  const known = compiled.get(key);
  if (known !== undefined) return known;
  const matcher = buildMatcher(layout);
  if (compiled.size < 64) compiled.set(key, matcher);
  return matcher;
}

function buildMatcher(layout: Layout): LayoutMatcher {
  const sep = layout.sep === '.' ? '\\.' : layout.sep === '-' ? '-' : layout.sep === '/' ? '\\/' : '\\s';
  const clock = layout.clocks.length > 0 ? clockWordSource(layout.clocks) : null;
  // Only what the sample used: every optional alternative or group costs time on every line.
  // Groups with eras: 1 era before a, 2 a, 3 era after a, 4 b, 5 era before c, 6 c, 7 era after c;
  // without: 1 a, 2 b, 3 c. Then (clock-before,) h, m, s(, clock-after).
  const eraB = `(?:(${ERA_BEFORE})\\s?)?`;
  const eraA = `(?:\\s?(${ERA_AFTER}))?`;
  const date = layout.eras
    ? `${eraB}(\\d{1,4})${eraA}${sep}\\s?(\\d{1,2})${sep}\\s?${eraB}(\\d{1,4})${eraA}\\.?`
    : `(\\d{1,4})${sep}\\s?(\\d{1,2})${sep}\\s?(\\d{1,4})\\.?`;
  const dtSep = layout.timeWords ? DT_SEP : '(?:,\\s{0,2}|\\s{1,2})';
  const t =
    clock === null
      ? '(\\d{1,2})[:.](\\d{2})(?:[:.](\\d{2}))?[.,]?'
      : `(?:(${clock})\\s?)?(\\d{1,2})[:.](\\d{2})(?:[:.](\\d{2}))?(?:\\s?(${clock})${WORD_END})?[.,]?`;
  const eras = layout.eras;
  const ia = eras ? 2 : 1;
  const ib = layout.eras ? 4 : 2;
  const ic = layout.eras ? 6 : 3;
  const it = (layout.eras ? 8 : 4) + (clock === null ? 0 : 1);
  const clockBefore = clock === null ? 0 : it - 1;
  const clockAfter = clock === null ? 0 : it + 3;
  // A bare layout must not read another layout's " - Name" as its own name.
  const end = { bracket: BR_CLOSE, dash: '\\s?[-–—](?:\\s|$)', colon: ':\\s', bare: '\\s(?![-–—](?:\\s|$))' }[layout.family];
  const re = new RegExp(`^${layout.family === 'bracket' ? '\\[\\s?' : ''}${date}${dtSep}${t}${end}`);
  const scratch = emptyMatch();
  let lastClockRaw = '';
  let lastClock = '';
  let lastA = '';
  let lastB = '';
  let lastC = '';
  scratch.family = layout.family;
  scratch.sep = layout.sep;
  const fill = (m: RegExpExecArray, bodyStart: number): HeaderMatch | null => {
    // Unary plus: a builtin conversion, fast even before the engine optimises this closure.
    const hour = +(m[it] ?? 0);
    const minute = +(m[it + 1] ?? 0);
    const secondText = m[it + 2];
    const second = secondText === undefined ? 0 : +secondText;
    if (hour > 23 || minute > 59 || second > 59) return null;
    const a = m[ia] ?? '';
    const b = m[ib] ?? '';
    const c = m[ic] ?? '';
    // Consecutive lines mostly share their date: convert only when its text changes.
    if (a !== lastA || b !== lastB || c !== lastC) {
      lastA = a;
      lastB = b;
      lastC = c;
      scratch.a = +a;
      scratch.b = +b;
      scratch.c = +c;
      scratch.la = a.length;
      scratch.lb = b.length;
      scratch.lc = c.length;
    }
    if (eras) {
      const eraA = m[1] || m[3] || '';
      const eraC = m[5] || m[7] || '';
      scratch.era = eraA || eraC;
      scratch.eraPos = eraA !== '' ? 0 : eraC !== '' ? 2 : -1;
    }
    scratch.hour = hour;
    scratch.minute = minute;
    scratch.second = second;
    const clockRaw = clockBefore === 0 ? '' : m[clockBefore] || m[clockAfter] || '';
    if (clockRaw !== lastClockRaw) {
      lastClockRaw = clockRaw;
      lastClock = internClock(clockRaw);
    }
    scratch.clock = lastClock;
    scratch.bodyStart = bodyStart;
    return scratch;
  };
  const expected: Start = layout.family === 'bracket' ? 'bracket' : 'plain';
  return (line: string): HeaderMatch | null => {
    const m = re.exec(line);
    if (m !== null) return fill(m, m[0].length);
    if (!headNeedsNormalizing(line)) return null;
    const start = firstVisible(line);
    const which = start === -1 ? null : startOf(line.charCodeAt(start));
    if (which !== expected && !(which === 'era' && expected === 'plain')) return null;
    const { head, map } = normalizeHead(line);
    const n = re.exec(head);
    return n === null ? null : fill(n, map[n[0].length] ?? line.length);
  };
}
