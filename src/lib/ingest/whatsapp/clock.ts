// Clock words (AM/PM in every known language) and month names, shared by the header grammar.
// Invariants: lookups are case-insensitive for Latin letters; a word unique to one language votes
// for it, shared words (AM, a.m., ...) vote for nobody.

import { LOCALES } from './locales/index';

export interface ClockWord {
  pm: boolean;
  /** The language the word identifies, or null when several languages use it. */
  lang: string | null;
}

const CJK_CLOCK = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/;

const NEUTRAL = new Set(['am', 'pm', 'a.m.', 'p.m.', 'a. m.', 'p. m.', 'a.m', 'p.m']);

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function keyOf(word: string): string {
  return word.toLowerCase().replace(/\s+/g, ' ');
}

let clockTable: Map<string, ClockWord> | null = null;
let clockSpellings: string[] = [];

function buildClockTable(): Map<string, ClockWord> {
  const table = new Map<string, ClockWord>();
  const spellings = new Set<string>();
  const add = (word: string, pm: boolean, lang: string): void => {
    spellings.add(word);
    const key = keyOf(word);
    const prev = table.get(key);
    if (prev === undefined) {
      table.set(key, { pm, lang: NEUTRAL.has(key) ? null : lang });
    } else if (prev.lang !== lang) {
      table.set(key, { pm: prev.pm, lang: null });
    }
  };
  for (const t of LOCALES) {
    for (const w of t.am ?? []) add(w, false, t.lang);
    for (const w of t.pm ?? []) add(w, true, t.lang);
  }
  clockSpellings = [...spellings];
  return table;
}

function clockWords(): Map<string, ClockWord> {
  clockTable ??= buildClockTable();
  return clockTable;
}

const clockMemo = new Map<string, ClockWord | undefined>();

/** Looks up a clock word as matched in a header (any case, any spacing). */
export function clockWord(word: string): ClockWord | undefined {
  if (clockMemo.has(word)) return clockMemo.get(word);
  const w = clockWords().get(keyOf(word));
  if (clockMemo.size < 256) clockMemo.set(word, w);
  return w;
}

/**
 * Regex source matching any of the given clock words (all known words when omitted). Spaces inside a
 * word ("a. m.") match one optional space; the Latin AM/PM family matches in any case, other words
 * ("em", "de.", "SA") only as spelled, because in another case they are ordinary words in names.
 */
export function clockWordSource(words?: readonly string[], where: 'before' | 'after' | 'any' = 'any'): string {
  clockWords();
  // Chinese, Japanese and Korean write the word before the time ("下午2:56"), the others after it:
  // the generic grammar only offers each word where it occurs, which keeps its regexes small.
  const list = (words ?? clockSpellings).filter((w) => where === 'any' || (where === 'before') === CJK_CLOCK.test(w));
  const variants = new Set<string>();
  for (const w of list) {
    variants.add(w);
    const base = keyOf(w);
    if (NEUTRAL.has(base)) {
      variants.add(base);
      variants.add(base.toUpperCase());
      variants.add(base.charAt(0).toUpperCase() + base.slice(1));
    }
  }
  const sorted = [...variants].sort((a, b) => b.length - a.length);
  return sorted.map((v) => escapeRe(v).replace(/ /g, '\\s?')).join('|');
}

// ---- month names ------------------------------------------------------------------------------

const MONTH_LANGS = ['en', 'de', 'es', 'fr', 'it', 'pt', 'nl', 'ru', 'tr', 'cs', 'pl', 'id', 'sv', 'da', 'nb', 'fi', 'ro', 'hu', 'el', 'uk'];

let monthTable: Map<string, number> | null = null;

function buildMonthTable(): Map<string, number> {
  const table = new Map<string, number>();
  const add = (name: string, month: number): void => {
    const k = name.toLowerCase().replace(/\.$/, '');
    if (k.length >= 3 && !table.has(k)) table.set(k, month);
  };
  for (const lang of MONTH_LANGS) {
    let long: Intl.DateTimeFormat;
    let short: Intl.DateTimeFormat;
    let longInDate: Intl.DateTimeFormat;
    let shortInDate: Intl.DateTimeFormat;
    try {
      long = new Intl.DateTimeFormat(lang, { month: 'long', timeZone: 'UTC' });
      short = new Intl.DateTimeFormat(lang, { month: 'short', timeZone: 'UTC' });
      longInDate = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'long', timeZone: 'UTC' });
      shortInDate = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', timeZone: 'UTC' });
    } catch {
      continue;
    }
    for (let m = 0; m < 12; m++) {
      const d = new Date(Date.UTC(2021, m, 15));
      add(long.format(d), m + 1);
      add(short.format(d), m + 1);
      // Inflected forms ("марта", "stycznia") appear next to a day number.
      for (const f of [longInDate, shortInDate]) {
        for (const part of f.formatToParts(d)) if (part.type === 'month') add(part.value, m + 1);
      }
    }
  }
  // English abbreviations Intl spells differently ("Sept").
  add('sept', 9);
  return table;
}

/** Month number 1-12 for a month name or abbreviation in a known language, else 0. */
export function monthNumber(name: string): number {
  monthTable ??= buildMonthTable();
  return monthTable.get(name.toLowerCase().replace(/\.$/, '')) ?? 0;
}
