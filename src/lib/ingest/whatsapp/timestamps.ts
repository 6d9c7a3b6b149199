// Turns the headers' raw dates and times into ISO timestamps once the file's date order is known.
// Invariants: every row gets a valid `ts` or '' (impossible date: the caller demotes the line to
// message text); the order is decided per layout over all of that layout's rows.

import type { DateOrder } from '../types';
import { detectNumericOrder, hour24, numericDate, toGregorian, type Ymd } from './header-dates';
import type { HeaderTable } from './table';
import { learnUnknownClocks } from './unknown-clocks';

const TWO = Array.from({ length: 60 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

function datePart(d: Ymd): string {
  return `${String(d.y).padStart(4, '0')}-${TWO[d.m] ?? ''}-${TWO[d.d] ?? ''}`;
}

export interface TimestampResult {
  /** Date order per signature id. */
  orderBySig: Map<number, DateOrder>;
  /** Rows whose date or time is impossible under the detected order. */
  demoted: number;
}

/**
 * Fills t.ts for every row. Month-name dates without a year (old Android, current year) continue
 * from the last explicit year (the first one written when none came before; the year of parsing
 * when the file writes none at all), rolling over when the month goes back.
 */
export function resolveTimestamps(t: HeaderTable, englishUi: boolean): TimestampResult {
  const orderBySig = new Map<number, DateOrder>();
  for (const [sig, rows] of sampleRowsBySignature(t)) {
    const info = t.sigs[sig];
    if (info === undefined) continue;
    if (info.kind === 'num') orderBySig.set(sig, detectNumericOrder(t, rows, { bracket: info.family === 'bracket', englishUi }));
    else orderBySig.set(sig, info.kind === 'cjk' ? 'YMD' : info.kind === 'dm' ? 'DMY' : 'MDY');
  }
  const demoted = fillTimestamps(t, orderBySig, firstExplicitYear(t));
  learnUnknownClocks(t);
  return { orderBySig, demoted };
}

/** Rows per signature, an even sample of at most about 4000 each (enough to decide a date order). */
function sampleRowsBySignature(t: HeaderTable): Map<number, number[]> {
  if (t.sigs.length === 1) {
    const stride = Math.max(1, Math.floor(t.n / 4000));
    const rows: number[] = [];
    for (let i = 0; i < t.n; i += stride) rows.push(i);
    return new Map([[0, rows]]);
  }
  const counts: number[] = [];
  for (let i = 0; i < t.n; i++) {
    const s = t.sig[i] ?? 0;
    counts[s] = (counts[s] ?? 0) + 1;
  }
  const rowsBySig = new Map<number, number[]>();
  const seen: number[] = [];
  for (let i = 0; i < t.n; i++) {
    const s = t.sig[i] ?? 0;
    const k = seen[s] ?? 0;
    seen[s] = k + 1;
    const stride = Math.max(1, Math.floor((counts[s] ?? 0) / 4000));
    if (k % stride !== 0) continue;
    const list = rowsBySig.get(s);
    if (list === undefined) rowsBySig.set(s, [i]);
    else list.push(i);
  }
  return rowsBySig;
}

/** The first year written with a month-name date, for month-name dates that omit it. */
function firstExplicitYear(t: HeaderTable): number {
  if (!t.sigs.some((s) => s.kind === 'dm' || s.kind === 'md')) return 0;
  let undatedBefore = 0;
  let month = 0;
  for (let i = 0; i < t.n; i++) {
    const kind = t.sigOf(i).kind;
    if (kind === 'num' || kind === 'cjk') continue;
    if (t.lc(i) !== 0) return (t.c[i] ?? 0) - undatedBefore;
    // Undated rows before the first year: count the year changes to start early enough.
    const m = t.b[i] ?? 0;
    if (m < month) undatedBefore++;
    month = m;
  }
  return new Date().getFullYear() - undatedBefore;
}

/** 0 = 24-hour clock, 1 = AM, 2 = PM, 3 = a day period, whose hours need its own table. */
function clockKindOf(clock: string): number {
  if (clock === '') return 0;
  let am = true;
  let pm = true;
  for (let h = 0; h < 24; h++) {
    const v = hour24(h, clock);
    if (v !== (h === 12 ? 0 : h)) am = false;
    if (v !== (h < 12 ? h + 12 : h)) pm = false;
  }
  return am ? 1 : pm ? 2 : 3;
}

/** What rowTimestamp carries from row to row. */
interface TsState {
  orderBySig: ReadonlyMap<number, DateOrder>;
  /** Per clock id: 0 = 24h clock, 1 = AM, 2 = PM, 3 = a day period (see clockHours). */
  clockKind: number[];
  /** Per clock id: the 24-hour hour for each hour as written. */
  clockHours: Uint8Array[];
  year: number;
  /** Month of the previous month-name date (year inference). */
  month: number;
  prevA: number;
  prevB: number;
  prevC: number;
  prevSig: number;
  prevDate: string | null;
}

/** Fills t.ts; returns how many rows have an impossible date or time. */
function fillTimestamps(t: HeaderTable, orderBySig: ReadonlyMap<number, DateOrder>, startYear: number): number {
  const ts = new Array<string>(t.n);
  const state: TsState = {
    orderBySig,
    clockKind: t.clocks.map(clockKindOf),
    clockHours: t.clocks.map((c) => Uint8Array.from({ length: 24 }, (_, h) => hour24(h, c))),
    year: startYear,
    month: 0,
    prevA: -1,
    prevB: -1,
    prevC: -1,
    prevSig: -1,
    prevDate: null,
  };
  let demoted = 0;
  for (let i = 0; i < t.n; i++) {
    const v = rowTimestamp(t, i, state);
    if (v === '') demoted++;
    ts[i] = v;
  }
  t.ts = ts;
  return demoted;
}

/** Row i's ISO timestamp, or '' when its date or time is impossible. */
function rowTimestamp(t: HeaderTable, i: number, st: TsState): string {
  const a = t.a[i] ?? 0;
  const b = t.b[i] ?? 0;
  const c = t.c[i] ?? 0;
  const sig = t.sig[i] ?? 0;
  // Consecutive messages mostly share a date: reuse the formatted date while it repeats.
  if (a !== st.prevA || b !== st.prevB || c !== st.prevC || sig !== st.prevSig) {
    const kind = t.sigOf(i).kind;
    let ymd: Ymd | null;
    if (kind === 'num') ymd = numericDate(a, b, c, t.eraOf(i), st.orderBySig.get(sig) ?? 'DMY');
    else if (kind === 'cjk') ymd = toGregorian(a, b, c, t.eraOf(i));
    else {
      // Without a year (old Android wrote none for the current year) the date follows the last
      // explicit one, moving to the next year when the month goes back (December -> January).
      if (t.lc(i) !== 0) st.year = c;
      else if (b < st.month) st.year++;
      st.month = b;
      ymd = toGregorian(st.year, b, a, '');
    }
    st.prevDate = ymd === null ? null : datePart(ymd);
    st.prevA = a;
    st.prevB = b;
    st.prevC = c;
    st.prevSig = sig;
  }
  const date = st.prevDate;
  const time = t.time[i] ?? 0;
  let hour = time >> 12;
  const ck = st.clockKind[t.clock[i] ?? 0] ?? 0;
  if (ck === 2 && hour < 12) hour += 12;
  else if (ck === 1 && hour === 12) hour = 0;
  else if (ck === 3 && hour < 24) hour = st.clockHours[t.clock[i] ?? 0]?.[hour] ?? hour;
  if (date === null || hour > 23) return '';
  return `${date}T${TWO[hour] ?? '00'}:${TWO[(time >> 6) & 63] ?? '00'}:${TWO[time & 63] ?? '00'}`;
}
