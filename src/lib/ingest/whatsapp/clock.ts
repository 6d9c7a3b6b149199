// Clock words (AM/PM and day periods such as "in the morning", in every known language) and month
// names, shared by the header grammar. Invariants: lookups are case-insensitive for Latin letters; a
// word unique to one language votes for it, shared words (AM, a.m., ...) vote for nobody; the
// language tables' words win over CLDR's when both spell the same word.

import { LOCALES } from './locales/index';
import { escapeRegExp } from '../../util/escape-regexp';

export interface ClockWord {
  /** hours[h] = the 24-hour hour that "h:mm <word>" stands for (h as written, 0-23). */
  hours: Uint8Array;
  /** The language the word identifies, or null when several languages use it. */
  lang: string | null;
  /** The other words of the same set (a language's AM/PM pair, or its day periods). */
  siblings: readonly string[];
}

const NEUTRAL = new Set(['am', 'pm', 'a.m.', 'p.m.', 'a. m.', 'p. m.', 'a.m', 'p.m']);

function keyOf(word: string): string {
  return word.toLowerCase().replace(/\s+/g, ' ');
}

/** hours[] for a plain AM or PM word: 12 AM is midnight, 1-11 PM add 12, 13-23 stay as written. */
function halfDayHours(pm: boolean): Uint8Array {
  const hours = new Uint8Array(24);
  for (let h = 0; h < 24; h++) hours[h] = pm ? (h < 12 ? h + 12 : h) : h === 12 ? 0 : h;
  return hours;
}

/**
 * hours[] for a day period ("in the morning", "de la noche", "夜") or an AM/PM word from the 24-hour
 * hours CLDR gives it: a written hour h (1-12) means whichever of h % 12 and h % 12 + 12 lies
 * closest to those hours ("12:05 at night" is 00:05, "12:05 in the afternoon" 12:05).
 */
function periodHours(covered: readonly number[]): Uint8Array {
  const hours = new Uint8Array(24);
  const distance = (h: number): number => {
    let best = 24;
    for (const c of covered) best = Math.min(best, Math.abs(c - h), 24 - Math.abs(c - h));
    return best;
  };
  for (let h = 0; h < 24; h++) {
    if (h > 12) {
      hours[h] = h;
      continue;
    }
    const low = h % 12;
    hours[h] = distance(low + 12) < distance(low) ? low + 12 : low;
  }
  return hours;
}

interface ClockTable {
  words: Map<string, ClockWord>;
  /** Every spelling, as written in its source. */
  spellings: string[];
}

function addWord(table: ClockTable, word: string, hours: Uint8Array, lang: string, siblings: readonly string[]): void {
  const key = keyOf(word);
  const prev = table.words.get(key);
  // Every spelling is matched as written ("tr" and "TR" are both CLDR's): keep each one.
  if (!table.spellings.includes(word)) table.spellings.push(word);
  if (prev === undefined) {
    table.words.set(key, { hours, lang: NEUTRAL.has(key) ? null : lang, siblings });
  } else if (prev.lang !== lang && prev.lang !== null) {
    table.words.set(key, { ...prev, lang: null });
  }
}

let localeTable: ClockTable | null = null;

/** The clock words the language tables list (what WhatsApp itself prints, older spellings included). */
function localeClocks(): ClockTable {
  if (localeTable !== null) return localeTable;
  const table: ClockTable = { words: new Map(), spellings: [] };
  for (const t of LOCALES) {
    const siblings = [...(t.am ?? []), ...(t.pm ?? [])];
    for (const w of t.am ?? []) addWord(table, w, halfDayHours(false), t.lang, siblings);
    for (const w of t.pm ?? []) addWord(table, w, halfDayHours(true), t.lang, siblings);
  }
  localeTable = table;
  return table;
}

/** Languages whose CLDR day periods and AM/PM words are known too (phones print them from CLDR). */
const CLDR_LANGS = [
  'en', 'de', 'es', 'fr', 'it', 'pt', 'nl', 'ru', 'uk', 'tr', 'ar', 'fa', 'he', 'hi', 'bn', 'ur', 'ja',
  'zh', 'zh-Hant', 'ko', 'th', 'vi', 'id', 'ms', 'fil', 'pl', 'cs', 'sk', 'hu', 'ro', 'el', 'sv', 'da',
  'nb', 'fi', 'ca', 'hr', 'sr', 'bg', 'sw', 'ta', 'te', 'mr', 'kk', 'az', 'uz', 'af', 'lt', 'lv', 'et',
];

let cldrTable: ClockTable | null = null;

/**
 * Every AM/PM word and day period CLDR (through Intl) prints for CLDR_LANGS, in every width, with
 * the hours each one covers. Built on first need: most exports only ever use the locale words.
 */
function cldrClocks(): ClockTable {
  if (cldrTable !== null) return cldrTable;
  const table: ClockTable = { words: new Map(), spellings: [] };
  const known = localeClocks().words;
  for (const lang of CLDR_LANGS) {
    // One word may have several widths with different hours ("matin" is 0-3 narrow, 0-11 short):
    // a language's word covers every hour any width prints it with.
    const covered = new Map<string, Set<number>>();
    for (const dayPeriod of [undefined, 'narrow', 'short', 'long'] as const) {
      let f: Intl.DateTimeFormat;
      try {
        f = new Intl.DateTimeFormat(`${lang}-u-nu-latn`, { hour: 'numeric', minute: '2-digit', hourCycle: 'h12', dayPeriod, timeZone: 'UTC' });
      } catch {
        continue;
      }
      for (let h = 0; h < 24; h++) {
        for (const minute of h === 0 || h === 12 ? [0, 15] : [15]) {
          const parts = f.formatToParts(new Date(Date.UTC(2021, 0, 4, h, minute)));
          const word = parts.find((p) => p.type === 'dayPeriod')?.value.trim();
          if (word === undefined || word === '' || /\d/.test(word)) continue;
          const hours = covered.get(word) ?? new Set<number>();
          hours.add(h);
          covered.set(word, hours);
        }
      }
    }
    const siblings = [...covered.keys()];
    for (const [word, hours] of covered) {
      if (known.has(keyOf(word))) {
        if (!localeClocks().spellings.includes(word)) table.spellings.push(word);
        continue;
      }
      addWord(table, word, periodHours([...hours]), lang.slice(0, 2), siblings);
    }
  }
  cldrTable = table;
  return table;
}

const clockMemo = new Map<string, ClockWord | undefined>();

/** Looks up a clock word as matched in a header (any case, any spacing). */
export function clockWord(word: string): ClockWord | undefined {
  if (clockMemo.has(word)) return clockMemo.get(word);
  const key = keyOf(word);
  const w = localeClocks().words.get(key) ?? cldrClocks().words.get(key);
  if (clockMemo.size < 256) clockMemo.set(word, w);
  return w;
}

/**
 * Regex source matching any of the given clock words (all known words when omitted). Spaces inside a
 * word ("a. m.", "in the morning") match one optional space; the Latin AM/PM family matches in any
 * case, other words ("em", "de.", "SA") only as spelled, because in another case they are ordinary
 * words in names. Every word may stand before or after the time: languages differ ("下午2:56",
 * "de. 9:15", "9:15 in the morning") and a phone may put any of them either way.
 */
export function clockWordSource(words?: readonly string[]): string {
  const list = words ?? [...localeClocks().spellings, ...cldrClocks().spellings];
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
  return sorted.map((v) => escapeRegExp(v).replace(/ /g, '\\s?')).join('|');
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
