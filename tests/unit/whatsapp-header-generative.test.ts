// Generative test of the WhatsApp header grammar: one synthetic chat rendered through hundreds of
// random header layouts (field order, separators, brackets, year widths, era marks, clock words and
// day periods of many languages on either side of the time, words of languages the parser does not know, seconds, trailing punctuation, native
// digits, invisible characters, CRLF) must come back with every message's exact time, author and
// text; so must random one-message files and files whose layout changes midway.
// The clock words are printed by Intl (CLDR), as phones print them, not by the parser's own tables.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sniffText } from '../../src/lib/ingest/detect';
import { parseWhatsAppText } from '../../src/lib/ingest/whatsapp/index';

interface Message {
  /** Local time written in the header, ISO with seconds. */
  ts: string;
  author: string;
  text: string;
}

// Every day is > 12, so the date order of any layout is decidable from the file (rule 2 in dates.ts).
// Hours cover midnight, noon, both halves of the day and every day period.
const CHAT: readonly Message[] = [
  { ts: '2022-03-13T00:05:07', author: 'Anna', text: 'hi' },
  { ts: '2022-03-13T06:40:00', author: 'Bob Smith', text: 'Re: the plan: is it on?' },
  { ts: '2022-03-13T09:15:41', author: 'Zoë', text: 'morning' },
  { ts: '2022-03-13T12:00:00', author: 'Карина', text: 'first line\nsecond line\n\nfourth line' },
  { ts: '2022-03-14T12:30:12', author: '+49 151 2345678', text: '👍' },
  { ts: '2022-03-14T13:45:09', author: 'Anna', text: 'lunch?' },
  { ts: '2022-03-14T18:20:33', author: 'Bob Smith', text: 'ok' },
  { ts: '2022-03-14T21:10:10', author: 'Zoë', text: 'night' },
  { ts: '2022-03-14T23:59:59', author: 'Карина', text: 'late' },
  { ts: '2022-11-28T03:07:08', author: 'Anna', text: 'up early' },
  { ts: '2023-01-31T15:00:00', author: 'Bob Smith', text: 'new year' },
  { ts: '2024-02-29T10:44:44', author: 'Zoë', text: 'leap day' },
];

type Order = 'DMY' | 'MDY' | 'YMD' | 'YDM';
type Year = 'full' | 'short' | 'reiwa' | 'reiwa-kanji' | 'buddhist' | 'buddhist-thai' | 'buddhist-short';
type Family = 'bracket' | 'bracket-dash' | 'dash' | 'en-dash' | 'colon';

/** How a clock is written: 24-hour, an AM/PM pair from a language table, or CLDR's words for a language. */
type Clock =
  | { kind: '24h' }
  | { kind: 'pair'; am: string; pm: string }
  | { kind: 'cldr'; lang: string; width: 'narrow' | 'short' | 'long' | undefined }
  /** AM/PM words of a language the parser has no words for: it must learn them from the chat. */
  | { kind: 'unknown'; lang: string };

interface Grammar {
  order: Order;
  sep: '/' | '.' | '-' | ' ' | '. ';
  dateEndDot: boolean;
  year: Year;
  pad: boolean;
  dtSep: string;
  hourPad: boolean;
  timeSep: ':' | '.';
  seconds: boolean;
  clock: Clock;
  clockBefore: boolean;
  clockSpace: string;
  trail: '' | '.' | ',';
  family: Family;
  timeFirst: boolean;
  nativeDigits: boolean;
  lrm: boolean;
  rlmInDate: boolean;
  bom: boolean;
  crlf: boolean;
}

const LRM = '\u200e';
const RLM = '\u200f';
const NNBSP = '\u202f';
const NBSP = '\u00a0';

/** AM/PM pairs as WhatsApp prints them in several languages (not read from the parser's tables). */
const PAIRS: readonly (readonly [string, string])[] = [
  ['AM', 'PM'],
  ['am', 'pm'],
  ['a.m.', 'p.m.'],
  ['a. m.', 'p. m.'],
  ['vorm.', 'nachm.'],
  ['ص', 'م'],
  ['午前', '午後'],
  ['上午', '下午'],
  ['오전', '오후'],
  ['ÖÖ', 'ÖS'],
  ['לפנה״צ', 'אחה״צ'],
  ['पूर्वाह्न', 'अपराह्न'],
  ['ق.ظ.', 'ب.ظ.'],
  ['ก่อนเที่ยง', 'หลังเที่ยง'],
  ['π.μ.', 'μ.μ.'],
  ['SA', 'CH'],
  ['de.', 'du.'],
  ['ap.', 'ip.'],
  ['fm', 'em'],
  ['dop.', 'odp.'],
];

/** Languages whose CLDR day periods ("in the morning", "de la tarde", "夜") the test prints. */
const CLDR_LANGS = ['en', 'es', 'fr', 'it', 'pt', 'de', 'nl', 'ru', 'pl', 'id', 'tr', 'ja', 'zh', 'ko', 'ar', 'hi', 'hu', 'el', 'vi', 'th', 'he', 'fa'];

/** Languages whose AM/PM words are in neither the parser's tables nor its CLDR list. */
const UNKNOWN_LANGS = ['is', 'am', 'mn', 'sq', 'si', 'my', 'lo', 'as', 'yo', 'ig', 'ky', 'tk', 'mk', 'ga'];

const clockArb: fc.Arbitrary<Clock> = fc.oneof(
  fc.constant<Clock>({ kind: '24h' }),
  fc.constantFrom(...PAIRS).map(([am, pm]): Clock => ({ kind: 'pair', am, pm })),
  fc
    .record({ lang: fc.constantFrom(...CLDR_LANGS), width: fc.constantFrom('narrow' as const, 'short' as const, 'long' as const, undefined) })
    .map((c): Clock => ({ kind: 'cldr', ...c })),
  fc.constantFrom(...UNKNOWN_LANGS).map((lang): Clock => ({ kind: 'unknown', lang })),
);

const grammarArb: fc.Arbitrary<Grammar> = fc
  .record({
    order: fc.constantFrom<Order>('DMY', 'MDY', 'YMD', 'YDM'),
    sep: fc.constantFrom<Grammar['sep']>('/', '.', '-', ' ', '. '),
    dateEndDot: fc.boolean(),
    year: fc.constantFrom<Year>('full', 'short', 'reiwa', 'reiwa-kanji', 'buddhist', 'buddhist-thai', 'buddhist-short'),
    pad: fc.boolean(),
    dtSep: fc.constantFrom(', ', ' ', ',  ', '، ', ' um ', ' klo ', ' à ', ' at '),
    hourPad: fc.boolean(),
    timeSep: fc.constantFrom<Grammar['timeSep']>(':', '.'),
    seconds: fc.boolean(),
    clock: clockArb,
    clockBefore: fc.boolean(),
    clockSpace: fc.constantFrom('', ' ', NNBSP, NBSP),
    trail: fc.constantFrom<Grammar['trail']>('', '', '.', ','),
    family: fc.constantFrom<Family>('bracket', 'bracket-dash', 'dash', 'en-dash', 'colon'),
    timeFirst: fc.boolean(),
    nativeDigits: fc.boolean(),
    lrm: fc.boolean(),
    rlmInDate: fc.boolean(),
    bom: fc.boolean(),
    crlf: fc.boolean(),
  })
  .map((g) => consistent(g));

/** Drops combinations no phone writes and that no reader could tell apart. */
function consistent(g: Grammar): Grammar {
    const yearFirst = g.order === 'YMD' || g.order === 'YDM';
    return {
      ...g,
      // A 2-digit year written first reads as a day (13/03/22 vs 22/03/13): not a layout any phone uses.
      year: yearFirst && (g.year === 'short' || g.year === 'buddhist-short') ? 'full' : g.year,
      // A trailing dot only closes dotted dates ("2022. 3. 13.").
      dateEndDot: g.dateEndDot && (g.sep === '.' || g.sep === '. '),
      // A word the parser does not know is only read where a bracket or " - " closes it.
      family: g.clock.kind === 'unknown' && g.family === 'colon' ? 'dash' : g.family,
      // Time first is a desktop copy in brackets, "[10:34, 12/15/2020]" ("0.05.07, 13.03.22" is two dates).
      timeFirst: g.timeFirst && g.timeSep === ':' && (g.family === 'bracket' || g.family === 'bracket-dash'),
      // No word between date and a clock word written before the time ("at 午後2:56").
      dtSep: g.clockBefore && g.clock.kind !== '24h' && /[a-zà]/.test(g.dtSep) ? ', ' : g.dtSep,
      // Punctuation closes a bare time ("13:34."); after a word it would be part of it ("n." is Czech).
      trail: g.clock.kind === '24h' || g.clockBefore ? g.trail : '',
      // Native digits, era marks and Arabic separators stay out of each other's way as in real exports.
      nativeDigits: g.nativeDigits && (g.year === 'full' || g.year === 'short'),
    };
}

function two(n: number, pad: boolean): string {
  return pad && n < 10 ? `0${n}` : String(n);
}

function yearText(y: number, year: Year): string {
  switch (year) {
    case 'full':
      return String(y);
    case 'short':
      return two(y % 100, true);
    case 'reiwa':
      return `R${y - 2018}`;
    case 'reiwa-kanji':
      return `令和${y - 2018}`;
    case 'buddhist':
      return `${y + 543} BE`;
    case 'buddhist-thai':
      return `${y + 543} พ.ศ.`;
    case 'buddhist-short':
      return two((y + 543) % 100, true);
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The hour as a 12-hour clock writes it and the day-period word CLDR prints with it. */
function cldrTime(lang: string, width: 'narrow' | 'short' | 'long' | undefined, hour: number, minute: number): { h: number; word: string } {
  const key = `${lang}|${width ?? ''}`;
  let f = formatters.get(key);
  if (f === undefined) {
    f = new Intl.DateTimeFormat(`${lang}-u-nu-latn`, { hour: 'numeric', minute: '2-digit', hourCycle: 'h12', dayPeriod: width, timeZone: 'UTC' });
    formatters.set(key, f);
  }
  const parts = f.formatToParts(new Date(Date.UTC(2021, 0, 4, hour, minute)));
  const h = Number(parts.find((p) => p.type === 'hour')?.value);
  const word = parts.find((p) => p.type === 'dayPeriod')?.value.trim() ?? '';
  return { h, word };
}

const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';
const native = (s: string): string => s.replace(/\d/g, (d) => ARABIC_DIGITS[Number(d)] ?? d);

/** One header for a message under a grammar (the "Name: text" body follows it). */
function header(g: Grammar, ts: string): string {
  const [date, time] = ts.split('T') as [string, string];
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mi, ss] = time.split(':').map(Number) as [number, number, number];
  const yy = yearText(y, g.year);
  const mm = two(mo, g.pad);
  const dd = two(d, g.pad);
  const fields = { DMY: [dd, mm, yy], MDY: [mm, dd, yy], YMD: [yy, mm, dd], YDM: [yy, dd, mm] }[g.order];
  const mark = g.rlmInDate ? RLM : '';
  let dateText = fields.join(`${mark}${g.sep}`) + (g.dateEndDot ? '.' : '');

  let hour = hh;
  let word = '';
  if (g.clock.kind === 'pair') {
    word = hh < 12 ? g.clock.am : g.clock.pm;
    hour = hh % 12 === 0 ? 12 : hh % 12;
  } else if (g.clock.kind === 'cldr' || g.clock.kind === 'unknown') {
    const c = cldrTime(g.clock.lang, g.clock.kind === 'cldr' ? g.clock.width : undefined, hh, mi);
    hour = c.h;
    word = c.word;
  }
  let timeText = two(hour, g.hourPad) + g.timeSep + two(mi, true) + (g.seconds ? g.timeSep + two(ss, true) : '');
  if (g.nativeDigits) {
    dateText = native(dateText);
    timeText = native(timeText);
  }
  if (word !== '') timeText = g.clockBefore ? `${word}${g.clockSpace}${timeText}` : `${timeText}${g.clockSpace}${word}`;
  timeText += g.trail;

  const stamp = g.timeFirst ? `${timeText}, ${dateText}` : `${dateText}${g.dtSep}${timeText}`;
  const open = g.lrm ? LRM : '';
  switch (g.family) {
    case 'bracket':
      return `${open}[${stamp}] `;
    case 'bracket-dash':
      return `${open}[${stamp}] - `;
    case 'dash':
      return `${open}${stamp} - `;
    case 'en-dash':
      return `${open}${stamp} – `;
    case 'colon':
      return `${open}${stamp}: `;
  }
}

/** The expected timestamp: seconds are 00 when the layout writes none. */
function expectedTs(g: Grammar, ts: string): string {
  return g.seconds ? ts : `${ts.slice(0, 17)}00`;
}

function render(parts: readonly { g: Grammar; messages: readonly Message[] }[]): string {
  const first = parts[0]?.g;
  const eol = first?.crlf === true ? '\r\n' : '\n';
  const lines = parts.flatMap(({ g, messages }) => messages.map((m) => `${header(g, m.ts)}${m.author}: ${m.text.split('\n').join(eol)}`));
  return (first?.bom === true ? '\ufeff' : '') + lines.join(eol) + eol;
}

function parsed(text: string): { ts: string; author: string | null; text: string }[] {
  try {
    return parseWhatsAppText(text, 'chat.txt').items.map((i) => ({ ts: i.ts, author: i.author, text: i.text }));
  } catch (err) {
    throw new Error(`${String(err)} in ${JSON.stringify(text.slice(0, 200))}`);
  }
}

function expected(parts: readonly { g: Grammar; messages: readonly Message[] }[]): { ts: string; author: string; text: string }[] {
  return parts.flatMap(({ g, messages }) => messages.map((m) => ({ ts: expectedTs(g, m.ts), author: m.author, text: m.text })));
}

/**
 * Unknown clock words are learned from the order of the messages; one message, or a short run of
 * them after a layout change, cannot say which half of the day a word means.
 */
function knownClock(g: Grammar): Grammar {
  return g.clock.kind === 'unknown' ? { ...g, clock: { kind: '24h' } } : g;
}

/** Counted across runs so the report can say how much was checked. */
const stats = { grammars: 0, messages: 0, oneMessageFiles: 0, switchedFiles: 0 };

describe('WhatsApp header grammar, generated', () => {
  it('reads the same chat back through 600 random header layouts', () => {
    fc.assert(
      fc.property(grammarArb, (g) => {
        const parts = [{ g, messages: CHAT }];
        const text = render(parts);
        expect(parsed(text), JSON.stringify(text.split(/\r?\n/, 2))).toEqual(expected(parts));
        stats.grammars++;
        stats.messages += CHAT.length;
      }),
      { numRuns: 600 },
    );
    expect(stats.grammars).toBe(600);
  });

  it('recognises and reads a file of one single message under 300 random layouts', () => {
    fc.assert(
      fc.property(
        grammarArb,
        fc.constantFrom(...CHAT),
        fc.constantFrom('', 'WhatsApp Chat with Anna\n'),
        fc.constantFrom('', '\nmore\nand more\n\n\nlines', '\n'.repeat(3) + 'x\n'.repeat(60)),
        (generated, m, preamble, tail) => {
          const g = knownClock(generated);
          const message = { ...m, text: `${m.text}${tail}`.trimEnd() };
          const parts = [{ g, messages: [message] }];
          const text = preamble + render(parts);
          expect(sniffText(text, 'chat.txt'), text.split('\n', 2).join('|')).toBe('whatsapp');
          expect(parsed(text), text.split('\n', 2).join('|')).toEqual(expected(parts));
          stats.oneMessageFiles++;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads a file whose layout changes midway with each of its layouts, 200 random pairs', () => {
    // The second layout heads at least two messages in a row: a single odd line in a long uniform
    // export is quoted text (tested in whatsapp-parse.test.ts).
    const later = CHAT.filter((m) => !m.ts.includes('-02-29')).map((m) => ({ ...m, ts: `${Number(m.ts.slice(0, 4)) + 2}${m.ts.slice(4)}` }));
    const long = [...CHAT, ...later].sort((a, b) => a.ts.localeCompare(b.ts));
    fc.assert(
      fc.property(grammarArb, grammarArb, fc.integer({ min: 2, max: long.length - 2 }), (g1raw, g2raw, cut) => {
        // Two layouts with the same shape must share their date order: a shape is read with one order.
        const sameShape =
          g1raw.family.startsWith('bracket') === g2raw.family.startsWith('bracket') &&
          g1raw.sep.trim() === g2raw.sep.trim() &&
          g1raw.timeFirst === g2raw.timeFirst;
        const g1 = knownClock(g1raw);
        const g2 = knownClock(consistent({ ...g2raw, crlf: g1.crlf, bom: false, order: sameShape ? g1raw.order : g2raw.order }));
        const parts = [
          { g: g1, messages: long.slice(0, cut) },
          { g: g2, messages: long.slice(cut) },
        ];
        const text = render(parts);
        expect(parsed(text), JSON.stringify([header(g1, CHAT[0]?.ts ?? ''), header(g2, CHAT[0]?.ts ?? '')])).toEqual(expected(parts));
        stats.switchedFiles++;
      }),
      { numRuns: 200 },
    );
    console.info(`generated header grammars: ${JSON.stringify(stats)}`);
  });
});
