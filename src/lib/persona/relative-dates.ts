// Relative date words in a message ("tomorrow", "next week", "on Monday", "domani", "завтра") resolved
// against the message's own local date, for episode memories. Invariants: calendar arithmetic on the
// zone-less local date only (UTC fields, never the runtime's zone); a span that only looks like a date
// word ("heute Morgen" = this morning) is skipped; the first date phrase of a sentence wins.

import { rx, WORD_END, WORD_START, type DateWords } from './memory-rules/types';

export interface ResolvedDate {
  /** YYYY-MM-DD: the day (or the first day of the week/weekend/month) meant. */
  date: string;
  /** What `date` stands for; a language's templates phrase it ("on 2023-05-05", "am 2023-05-05"). */
  span: DateSpan;
  /** English phrase: "on 2023-05-05", "the week of 2023-05-08", "the weekend of ...", "in 2023-06". */
  phrase: string;
  /** Span of the date words in the sentence. */
  start: number;
  end: number;
}

export type DateSpan = 'day' | 'week' | 'weekend' | 'month';

type DateKind = 'today' | 'tomorrow' | 'dayAfter' | 'yesterday' | 'nextWeek' | 'weekend' | 'nextMonth' | number;

interface CompiledDates {
  /** Every date phrase in one alternation (group n -> kind), longer phrases first. */
  re: RegExp;
  kinds: { group: number; kind: DateKind }[];
  not: RegExp | null;
  /** A "last" word inside a weekday match makes it the past one. */
  last: RegExp | null;
}

const cache = new WeakMap<DateWords, CompiledDates>();

function compile(dw: DateWords): CompiledDates {
  let c = cache.get(dw);
  if (c !== undefined) return c;
  const parts: { forms: readonly string[]; kind: DateKind }[] = [
    // Longer phrases first: at the same position the first alternative wins ("pasado mañana" before
    // "mañana", "heute Abend" before "heute").
    { forms: dw.dayAfterTomorrow, kind: 'dayAfter' },
    { forms: dw.tonight, kind: 'today' },
    { forms: dw.nextWeek, kind: 'nextWeek' },
    { forms: dw.nextMonth, kind: 'nextMonth' },
    { forms: dw.weekend, kind: 'weekend' },
    { forms: dw.tomorrow, kind: 'tomorrow' },
    { forms: dw.yesterday, kind: 'yesterday' },
    { forms: dw.today, kind: 'today' },
  ];
  // A weekday takes its preposition and a "last" word with it ("on Monday", "am Montag", "lunedì scorso"),
  // so that neither is left in a memory's object.
  const prep = dw.weekdayPrefix === undefined ? '' : String.raw`(?:(?:${dw.weekdayPrefix})\s+)?`;
  const last = dw.lastWeekday === undefined ? '' : String.raw`(?:(?:${dw.lastWeekday})\s+)?`;
  const lastAfter = dw.lastWeekday === undefined ? '' : String.raw`(?:\s+(?:${dw.lastWeekday}))?`;
  dw.weekdays.forEach((forms, day) => parts.push({ forms: [`${prep}${last}(?:${forms})${lastAfter}`], kind: day }));
  const kinds: { group: number; kind: DateKind }[] = [];
  const alternatives: string[] = [];
  for (const { forms, kind } of parts) {
    if (forms.length === 0) continue;
    // Longest form first within a kind too: "heute morgen" before "heute".
    alternatives.push(`(${[...forms].sort((a, b) => b.length - a.length).join('|')})`);
    kinds.push({ group: alternatives.length, kind });
  }
  c = {
    re: new RegExp(`${WORD_START}(?:${alternatives.join('|')})${WORD_END}`, 'giu'),
    kinds,
    not: dw.notDates === undefined ? null : rx(String.raw`\b(?:${dw.notDates.join('|')})\b`, 'giu'),
    last: dw.lastWeekday === undefined ? null : rx(String.raw`\b(?:${dw.lastWeekday})\b`),
  };
  cache.set(dw, c);
  return c;
}

const DAY_MS = 86_400_000;

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Monday = 0 ... Sunday = 6. */
function weekday(ms: number): number {
  return (new Date(ms).getUTCDay() + 6) % 7;
}

/**
 * The first relative date phrase in `sentence`, resolved from the message time `ts` (zone-less ISO).
 * `past` picks the previous weekday for a bare weekday name ("went there on Monday").
 */
export function findDate(sentence: string, dw: DateWords, ts: string, past = false): ResolvedDate | null {
  const day = Date.UTC(Number(ts.slice(0, 4)), Number(ts.slice(5, 7)) - 1, Number(ts.slice(8, 10)));
  if (Number.isNaN(day)) return null;
  const c = compile(dw);
  const blocked: [number, number][] = [];
  if (c.not !== null) {
    c.not.lastIndex = 0;
    for (const m of sentence.matchAll(c.not)) blocked.push([m.index, m.index + m[0].length]);
  }
  c.re.lastIndex = 0;
  for (const m of sentence.matchAll(c.re)) {
    const start = m.index;
    const end = start + m[0].length;
    if (blocked.some(([a, b]) => start < b && a < end)) continue;
    const kind = c.kinds.find(({ group }) => m[group] !== undefined)?.kind;
    if (kind === undefined) continue;
    return { ...resolve(kind, day, sentence, start, end, past, c), start, end };
  }
  return null;
}

function resolve(
  kind: DateKind,
  day: number,
  sentence: string,
  start: number,
  end: number,
  past: boolean,
  c: CompiledDates,
): { date: string; span: DateSpan; phrase: string } {
  const on = (ms: number): { date: string; span: DateSpan; phrase: string } => ({ date: iso(ms), span: 'day', phrase: `on ${iso(ms)}` });
  switch (kind) {
    case 'today':
      return on(day);
    case 'tomorrow':
      return on(day + DAY_MS);
    case 'dayAfter':
      return on(day + 2 * DAY_MS);
    case 'yesterday':
      return on(day - DAY_MS);
    case 'nextWeek': {
      const monday = day + (7 - weekday(day)) * DAY_MS;
      return { date: iso(monday), span: 'week', phrase: `the week of ${iso(monday)}` };
    }
    case 'weekend': {
      const w = weekday(day);
      const saturday = day + (w <= 5 ? 5 - w : -1) * DAY_MS;
      return { date: iso(saturday), span: 'weekend', phrase: `the weekend of ${iso(saturday)}` };
    }
    case 'nextMonth': {
      const d = new Date(day);
      const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      return { date: iso(first), span: 'month', phrase: `in ${iso(first).slice(0, 7)}` };
    }
    default: {
      const last = past || (c.last !== null && c.last.test(sentence.slice(start, end)));
      const w = weekday(day);
      const ahead = (kind - w + 7) % 7 || 7;
      const back = (w - kind + 7) % 7 || 7;
      return on(last ? day - back * DAY_MS : day + ahead * DAY_MS);
    }
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "May 5" for 2023-05-05: a birthday recurs, so the year is left out. */
export function monthDay(date: string): string {
  return `${MONTHS[Number(date.slice(5, 7)) - 1] ?? ''} ${Number(date.slice(8, 10))}`;
}
