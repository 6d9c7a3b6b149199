// Dates and times of WhatsApp headers -> ISO local time, and date-order detection over a whole file.
// Invariants: output is `YYYY-MM-DDTHH:MM:SS` and a real calendar date (Gregorian); 2-digit years are
// 20YY (50-99: short Buddhist years); Buddhist, Japanese-era, Solar Hijri and Islamic years are converted.
//
// Date order rule (per header layout, over every header of the file):
//   1. Year position: a 3-4 digit (or era-marked) component is the year; with only 2-digit years, a
//      first component > 31 means year-first, otherwise the year is last.
//   2. A day/month position holding a value > 12 is the day (the position with more such values wins).
//   3. Otherwise the order under which the timestamps decrease less often (exports are chronological).
//   4. Otherwise a default by layout: year-first -> YMD; '.' or '-' separators -> DMY; '/' with a
//      2-digit year and unpadded day/month ("1/29/18", the en-US M/d/yy pattern) -> MDY; an iOS
//      bracket line with a 2-digit year and an English UI -> MDY; anything else -> DMY.

import type { DateOrder } from '../types';
import { clockWord } from './clock';
import type { HeaderTable } from './table';

export interface Ymd {
  y: number;
  m: number;
  d: number;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeap(y) ? 29 : (MONTH_DAYS[m - 1] ?? 0);
}

function jdnToGregorian(jdn: number): Ymd {
  const a = jdn + 32044;
  const b = Math.floor((4 * a + 3) / 146097);
  const c = a - Math.floor((146097 * b) / 4);
  const d = Math.floor((4 * c + 3) / 1461);
  const e = c - Math.floor((1461 * d) / 4);
  const m = Math.floor((5 * e + 2) / 153);
  return {
    d: e - Math.floor((153 * m + 2) / 5) + 1,
    m: m + 3 - 12 * Math.floor(m / 10),
    y: 100 * b + d - 4800 + Math.floor(m / 10),
  };
}

/** Solar Hijri (Persian) -> Gregorian, 33-year arithmetic rule; exact for 1300-1500 AP. */
function jalaliToGregorian(jy: number, jm: number, jd: number): Ymd {
  const y = jy + 1595;
  let days =
    -355668 + 365 * y + Math.floor(y / 33) * 8 + Math.floor(((y % 33) + 3) / 4) + jd + (jm < 7 ? (jm - 1) * 31 : (jm - 7) * 30 + 186);
  let gy = 400 * Math.floor(days / 146097);
  days %= 146097;
  if (days > 36524) {
    days--;
    gy += 100 * Math.floor(days / 36524);
    days %= 36524;
    if (days >= 365) days++;
  }
  gy += 4 * Math.floor(days / 1461);
  days %= 1461;
  if (days > 365) {
    gy += Math.floor((days - 1) / 365);
    days = (days - 1) % 365;
  }
  let gd = days + 1;
  let gm = 1;
  for (; gm <= 12; gm++) {
    const dim = daysInMonth(gy, gm);
    if (gd <= dim) break;
    gd -= dim;
  }
  return { y: gy, m: gm, d: gd };
}

/** Islamic (Hijri) -> Gregorian with the tabular calendar; may differ by a day from Umm al-Qura. */
function hijriToGregorian(y: number, m: number, d: number): Ymd {
  const jdn = d + Math.ceil(29.5 * (m - 1)) + (y - 1) * 354 + Math.floor((3 + 11 * y) / 30) + 1948439;
  return jdnToGregorian(jdn);
}

const BUDDHIST_ERAS = new Set(['BE', 'B.E.', 'พ.ศ.']);
const PERSIAN_ERAS = new Set(['AP', 'ه.ش.']);
const ISLAMIC_ERAS = new Set(['AH', 'هـ']);
const JAPANESE_ERAS: Record<string, number> = { R: 2018, 令和: 2018, H: 1988, 平成: 1988, S: 1925, 昭和: 1925 };

/**
 * A calendar date from a year as written, in Gregorian terms, or null when it is not a real date.
 * Handles 2-digit years, Japanese eras, Buddhist era, Solar Hijri and Islamic years.
 */
export function toGregorian(yearRaw: number, m: number, d: number, era: string): Ymd | null {
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  let y = yearRaw;
  const jp = JAPANESE_ERAS[era];
  if (jp !== undefined) {
    y = jp + yearRaw;
  } else if (BUDDHIST_ERAS.has(era) || y >= 2400) {
    y -= 543;
  } else if (y < 100) {
    // WhatsApp exists since 2009: a 2-digit year of 50+ is a short Buddhist-era year (25yy BE).
    y = y >= 50 ? 2500 + y - 543 : 2000 + y;
  } else if (PERSIAN_ERAS.has(era)) {
    if (d > (m <= 6 ? 31 : 30)) return null;
    return jalaliToGregorian(y, m, d);
  } else if (ISLAMIC_ERAS.has(era)) {
    if (d > 30) return null;
    return hijriToGregorian(y, m, d);
  } else if (y >= 1300 && y < 1421) {
    if (d > (m <= 6 ? 31 : 30)) return null;
    return jalaliToGregorian(y, m, d);
  } else if (y >= 1421 && y < 1500) {
    if (d > 30) return null;
    return hijriToGregorian(y, m, d);
  }
  if (y < 1900 || y > 2200 || d > daysInMonth(y, m)) return null;
  return { y, m, d };
}

/** 24-hour hour for a clock hour and its clock word ('' = 24-hour clock); unknown words change nothing. */
export function hour24(hour: number, clock: string): number {
  if (clock === '' || hour > 23) return hour;
  const w = clockWord(clock);
  return w === undefined ? hour : (w.hours[hour] ?? hour);
}

/** Reads a numeric header date (components in written order) under a given order. */
export function numericDate(a: number, b: number, c: number, era: string, order: DateOrder): Ymd | null {
  switch (order) {
    case 'DMY':
      return toGregorian(c, b, a, era);
    case 'MDY':
      return toGregorian(c, a, b, era);
    case 'YMD':
      return toGregorian(a, b, c, era);
    case 'YDM':
      return toGregorian(a, c, b, era);
  }
}

/** How often consecutive timestamps go backwards under `order` (dates invalid under it are skipped). */
function decreases(t: HeaderTable, rows: readonly number[], order: DateOrder): number {
  let prev = -1;
  let n = 0;
  for (const i of rows) {
    const d = numericDate(t.a[i] ?? 0, t.b[i] ?? 0, t.c[i] ?? 0, t.eraOf(i), order);
    if (d === null) continue;
    const k = ((d.y * 13 + d.m) * 32 + d.d) * 1440 + hour24(t.hour(i), t.clockOf(i)) * 60 + t.minute(i);
    if (prev !== -1 && k < prev) n++;
    prev = k;
  }
  return n;
}

export interface OrderHints {
  bracket: boolean;
  englishUi: boolean;
}

/**
 * Date order of the numeric headers `rows` of one layout (an even sample of a long export decides as
 * well as every line does); see the module header for the rule.
 */
export function detectNumericOrder(t: HeaderTable, rows: readonly number[], hints: OrderHints): DateOrder {
  let firstVotes = 0;
  let lastVotes = 0;
  let aOver31 = false;
  let cOver31 = false;
  for (const i of rows) {
    // An era mark sits on the year, wherever it is written ("R4/3/18", "3/18/R4", "18/3/2565 BE").
    const eraPos = t.eraPos(i);
    if (t.la(i) >= 3 || eraPos === 0) firstVotes++;
    if (t.lc(i) >= 3 || eraPos === 2) lastVotes++;
    if ((t.a[i] ?? 0) > 31) aOver31 = true;
    if ((t.c[i] ?? 0) > 31) cOver31 = true;
  }
  const yearFirst = firstVotes !== lastVotes ? firstVotes > lastVotes : aOver31 && !cOver31;

  // Positions that can be the day: (x, y) = (b, c) for year-first, (a, b) for year-last.
  let xBig = 0;
  let yBig = 0;
  for (const i of rows) {
    const x = (yearFirst ? t.b[i] : t.a[i]) ?? 0;
    const y = (yearFirst ? t.c[i] : t.b[i]) ?? 0;
    if (x > 12) xBig++;
    if (y > 12) yBig++;
  }
  const [xDay, yDay]: [DateOrder, DateOrder] = yearFirst ? ['YDM', 'YMD'] : ['DMY', 'MDY'];
  if (xBig !== yBig) return xBig > yBig ? xDay : yDay;

  const dx = decreases(t, rows, xDay);
  const dy = decreases(t, rows, yDay);
  if (dx !== dy) return dx < dy ? xDay : yDay;

  if (yearFirst) return 'YMD';
  const first = rows[0];
  const sep = first === undefined ? '/' : t.sigOf(first).sep;
  if (sep !== '/') return 'DMY';
  const twoDigitYear = rows.every((i) => t.lc(i) <= 2 && t.eraOf(i) === '');
  const unpadded = rows.some((i) => (t.la(i) === 1 && (t.a[i] ?? 0) < 10) || (t.lb(i) === 1 && (t.b[i] ?? 0) < 10));
  if (twoDigitYear && unpadded) return 'MDY';
  if (twoDigitYear && hints.bracket && hints.englishUi) return 'MDY';
  return 'DMY';
}
