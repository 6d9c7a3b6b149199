// The WhatsApp header grammar and the date/time rules: every layout family, separators, clocks,
// native digits, eras and calendars, invisible characters, and the file-wide date-order decision.

import { describe, expect, it } from 'vitest';
import { detectNumericOrder, hour24, toGregorian } from '../../src/lib/ingest/whatsapp/header-dates';
import { matchHeader } from '../../src/lib/ingest/whatsapp/header';
import { looksLikeWhatsApp, parseWhatsAppText } from '../../src/lib/ingest/whatsapp/index';
import { HeaderTable } from '../../src/lib/ingest/whatsapp/table';

const LRM = '\u200e';
const RLM = '\u200f';
const NBSP = '\u00a0';
const NNBSP = '\u202f';
const BOM = '\ufeff';

function parse(lines: readonly string[]): ReturnType<typeof parseWhatsAppText> {
  return parseWhatsAppText(lines.join('\n'), 'chat.txt');
}

/** Timestamp and author of the first item of a one-message chat. */
function first(line: string): { ts: string; author: string | null; text: string } {
  const item = parse([line]).items[0];
  if (item === undefined) throw new Error(`no item for ${line}`);
  return { ts: item.ts, author: item.author, text: item.text };
}

describe('header layouts', () => {
  it.each([
    ['iOS bracket, 24h with seconds', '[31.12.23, 21:05:10] Anna: hi', '2023-12-31T21:05:10', 'whatsapp-ios'],
    ['iOS bracket, no comma', '[3/18/22 14:56:00] Anna: hi', '2022-03-18T14:56:00', 'whatsapp-ios'],
    ['Android dash', '31/12/2023, 21:05 - Anna: hi', '2023-12-31T21:05:00', 'whatsapp-android'],
    ['Android dash, no comma', '23/03/2021 18:44 - Anna: hi', '2021-03-23T18:44:00', 'whatsapp-android'],
    ['Android dash, en dash', '31/12/2023, 21:05 – Anna: hi', '2023-12-31T21:05:00', 'whatsapp-android'],
    ['Android dashes in the date', '23-03-2022 13:31 - Anna: hi', '2022-03-23T13:31:00', 'whatsapp-android'],
    ['ISO-like date', '2019-10-20, 10:16 - Anna: hi', '2019-10-20T10:16:00', 'whatsapp-android'],
    ['legacy colon layout', '09/12/2012 17:02:35: Anna: hi', '2012-12-09T17:02:35', 'whatsapp-legacy'],
    ['legacy with dot time', '13.06.18 21.25.15: Anna: hi', '2018-06-13T21:25:15', 'whatsapp-legacy'],
    ['Finnish klo', '13.6.2018 klo 21.25.15 - Anna: hi', '2018-06-13T21:25:15', 'whatsapp-android'],
    ['year first in brackets', '[2016/04/15 15:04] Anna: hi', '2016-04-15T15:04:00', 'whatsapp-ios'],
    ['Korean dotted date, clock word before time', '2022. 3. 18. 오후 2:56 - Anna: hi', '2022-03-18T14:56:00', 'whatsapp-android'],
    ['CJK date', '2022年3月18日 14:56 - Anna: hi', '2022-03-18T14:56:00', 'whatsapp-android'],
    ['time first (desktop copy)', '[10:34, 12/15/2020] Anna: hi', '2020-12-15T10:34:00', 'whatsapp-ios'],
    ['month name first', 'Dec 30, 2013, 9:00 PM - Anna: hi', '2013-12-30T21:00:00', 'whatsapp-android'],
    ['day then month name', '4. März 2014 08:00 - Anna: hi', '2014-03-04T08:00:00', 'whatsapp-android'],
  ])('%s', (_name, line, ts, format) => {
    const r = parse([line]);
    expect(r.format).toBe(format);
    expect(r.items[0]).toMatchObject({ ts, author: 'Anna', text: 'hi', kind: 'message' });
  });

  it('reads a bare "date, time Name: text" line only when a name follows', () => {
    expect(matchHeader('15/12/2025, 10:34:00 AM Charlie: hi')?.family).toBe('bare');
    const r = parse(['[15/12/2025, 10:32:03 AM] Alice: one', '15/12/2025, 10:34:00 AM Charlie: two', '12/15/25, 10:35 AM - Bob: three']);
    expect(r.items.map((i) => i.author)).toEqual(['Alice', 'Charlie', 'Bob']);
  });

  it('rejects lines that only start like a date', () => {
    for (const line of ['2/11/19: Arrival', '12.05.2020 the meeting', '10:30 see you', '[not a date] Anna: hi', '99/99/99, 99:99 - x']) {
      expect(matchHeader(line), line).toBeNull();
    }
    // A bare date and time without "Name: " after it is text, not a header.
    const r = parse(['12.05.20, 10:00 - Anna: plans', '12.05.2020 14:00 Treffen am Bahnhof']);
    expect(r.items).toHaveLength(1);
    expect(r.items[0]?.text).toBe('plans\n12.05.2020 14:00 Treffen am Bahnhof');
  });
});

describe('shapes real exports were refused or misread in', () => {
  it('an era year in the year position: 3/18/R4', () => {
    const r = parse(['3/18/R4, 14:56 - Anna: hi', '3/19/R4, 9:01 - Bob: yo']);
    expect(r.dateOrder).toBe('MDY');
    expect(r.items.map((i) => [i.ts, i.author])).toEqual([
      ['2022-03-18T14:56:00', 'Anna'],
      ['2022-03-19T09:01:00', 'Bob'],
    ]);
  });

  it('a multi-word clock word: 9:15 in the morning', () => {
    const r = parse(['18/03/2022, 9:15 in the morning - Anna: hi', '18/03/2022, 3:15 in the afternoon - Bob: yo', '18/03/2022, 12:05 at night - Anna: zz']);
    expect(r.items.map((i) => [i.ts, i.author, i.text])).toEqual([
      ['2022-03-18T09:15:00', 'Anna', 'hi'],
      ['2022-03-18T15:15:00', 'Bob', 'yo'],
      ['2022-03-18T00:05:00', 'Anna', 'zz'],
    ]);
    expect(first('[18/03/2022, 9:15:02 de la noche] Ana: hola')).toEqual({ ts: '2022-03-18T21:15:02', author: 'Ana', text: 'hola' });
    expect(first('18.03.2022, öğleden sonra 3:15 - Ayşe: selam').ts).toBe('2022-03-18T15:15:00');
  });

  it('a file with one single message, however long', () => {
    const text = ['[18/03/2022, 14:56:01] Anna: the only message', ...Array.from({ length: 80 }, (_, i) => `line ${i}`)].join('\n');
    expect(looksLikeWhatsApp(text)).toBe(true);
    const r = parseWhatsAppText(text, 'chat.txt');
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({ ts: '2022-03-18T14:56:01', author: 'Anna' });
  });

  it('year first with a dot after the time: 2022/12/14, 13:34. - ', () => {
    const r = parse(['2022/12/14, 13:34. - Anna: hi', '2022/12/14, 13:35. - Bob: yo']);
    expect(r.items.map((i) => [i.ts, i.author, i.text])).toEqual([
      ['2022-12-14T13:34:00', 'Anna', 'hi'],
      ['2022-12-14T13:35:00', 'Bob', 'yo'],
    ]);
  });

  it('a file that switches layout midway, late in a long export', () => {
    const before = Array.from({ length: 30 }, (_, i) => `14/03/2022, 10:${String(10 + i)} - Anna: old phone ${i}`);
    const after = ['[3/15/22, 9:00:00 AM] Anna: new phone', '[3/15/22, 9:01:30 PM] Bob: welcome back'];
    const r = parse([...before, ...after]);
    expect(r.items).toHaveLength(32);
    expect(r.items.slice(29).map((i) => [i.ts, i.author, i.text])).toEqual([
      ['2022-03-14T10:39:00', 'Anna', 'old phone 29'],
      ['2022-03-15T09:00:00', 'Anna', 'new phone'],
      ['2022-03-15T21:01:30', 'Bob', 'welcome back'],
    ]);
  });
});

describe('clocks', () => {
  it.each([
    ['AM/PM', '1/29/18, 12:24 PM - A: x', '2018-01-29T12:24:00'],
    ['12 AM is midnight', '1/29/18, 12:05 AM - A: x', '2018-01-29T00:05:00'],
    ['hour > 12 with PM is read as written', '29.01.18, 23:59 PM - A: x', '2018-01-29T23:59:00'],
    ['00 with AM is midnight', '30.01.18, 00:04 AM - A: x', '2018-01-30T00:04:00'],
    ['lowercase pm', '2024/12/01, 10:04 pm - A: x', '2024-12-01T22:04:00'],
    ['p.m.', '23/06/2018, 1:55 p.m. - A: x', '2018-06-23T13:55:00'],
    ['p. m. with NBSP', `09/10/22, 10:37${NBSP}p.${NBSP}m. - A: x`, '2022-10-09T22:37:00'],
    ['a. m. with spaces', '01/01/2019, 11:25 a. m. - A: x', '2019-01-01T11:25:00'],
    ['NNBSP before PM', `[13/11/2025, 12:25:55${NNBSP}PM] A: x`, '2025-11-13T12:25:55'],
    ['German nachm.', '29.01.18, 11:33 nachm. - A: x', '2018-01-29T23:33:00'],
    ['German vorm.', '29.01.18, 9:10 vorm. - A: x', '2018-01-29T09:10:00'],
    ['Arabic م (evening)', `[٢٧/٣/٢٠٢٢، ٩:٤١:٣٥${NBSP}م] A: x`, '2022-03-27T21:41:35'],
    ['Arabic ص (morning)', '[27/3/2022، 9:41:35 ص] A: x', '2022-03-27T09:41:35'],
    ['Japanese 午後 before the time', '[2022/03/18 午後2:56:00] A: x', '2022-03-18T14:56:00'],
    ['Japanese 午前 12 is midnight', '[2022/03/18 午前12:05:00] A: x', '2022-03-18T00:05:00'],
    ['Chinese 下午', '[2022/3/18 下午2:56:00] A: x', '2022-03-18T14:56:00'],
    ['Chinese 上午', '2022/3/18 上午9:05 - A: x', '2022-03-18T09:05:00'],
    ['Korean 오전', '2022. 3. 19. 오전 12:30 - A: x', '2022-03-19T00:30:00'],
    ['Persian ب.ظ.', '۱۴۰۱/۱/۱، ۲:۳۰ ب.ظ. - A: x', '2022-03-21T14:30:00'],
  ])('%s', (_name, line, ts) => {
    expect(first(line).ts).toBe(ts);
  });

  it('hour24 applies a clock word or a day period', () => {
    expect(hour24(12, 'AM')).toBe(0);
    expect(hour24(12, 'PM')).toBe(12);
    expect(hour24(1, 'PM')).toBe(13);
    expect(hour24(13, 'PM')).toBe(13);
    expect(hour24(7, '')).toBe(7);
    // A day period says which half of the day an hour is in: "at night" is 21-23, "12 at night" 0.
    expect(hour24(9, 'at night')).toBe(21);
    expect(hour24(12, 'at night')).toBe(0);
    expect(hour24(12, 'in the afternoon')).toBe(12);
    expect(hour24(2, 'de la madrugada')).toBe(2);
    expect(hour24(12, 'noon')).toBe(12);
    expect(hour24(6, 'вечера')).toBe(18);
    expect(hour24(9, '朝')).toBe(9);
  });

  it('learns clock words no table knows from the order of the messages', () => {
    // Icelandic f.h./e.h. and Amharic ጥዋት/ከሰዓት are in neither the language tables nor CLDR_LANGS.
    const r = parse(['18/03/2022, 12:05 f.h. - A: x', '18/03/2022, 9:15 f.h. - B: y', '18/03/2022, 12:30 e.h. - A: z', '18/03/2022, 9:45 e.h. - B: w']);
    expect(r.items.map((i) => i.ts)).toEqual(['2022-03-18T00:05:00', '2022-03-18T09:15:00', '2022-03-18T12:30:00', '2022-03-18T21:45:00']);
    const am = parse(['[18/03/2022, ጥዋት 10:05:00] A: x', '[18/03/2022, ከሰዓት 2:15:00] B: y']);
    expect(am.items.map((i) => [i.ts, i.author])).toEqual([
      ['2022-03-18T10:05:00', 'A'],
      ['2022-03-18T14:15:00', 'B'],
    ]);
    // Never after a bare time: "9:15 Meeting: agenda" is not a header with a clock word.
    expect(matchHeader('18/03/2022 9:15 Meeting: agenda')?.clock ?? '').toBe('');
  });

  it('reads day periods of many languages, before or after the time', () => {
    for (const [line, ts] of [
      ['18/03/2022, 7:05 de la tarde - A: x', '2022-03-18T19:05:00'],
      ['18/03/2022, 6:30 вечера - A: x', '2022-03-18T18:30:00'],
      ['[2022/03/18 夜9:15:00] A: x', '2022-03-18T21:15:00'],
      ['18/03/2022, 10:15 da noite - A: x', '2022-03-18T22:15:00'],
      ['2022. 03. 18. du. 3:15 - A: x', '2022-03-18T15:15:00'],
      ['18/03/2022, 9:15 ’s avonds - A: x', '2022-03-18T21:15:00'],
    ] as const) {
      expect(first(line).ts, line).toBe(ts);
    }
  });
});

describe('digits, eras and calendars', () => {
  it('reads Arabic-Indic and Persian digits and the Arabic comma', () => {
    expect(first('[١٨‏/٣‏/٢٠٢٢، ٢:٥٦:٠٠ م] A: x').ts).toBe('2022-03-18T14:56:00');
    expect(first('۱۸/۳/۲۰۲۲، ۱۴:۵۶ - A: x').ts).toBe('2022-03-18T14:56:00');
  });

  it('converts Buddhist-era years (written BE or not, 4 or 2 digits)', () => {
    expect(first('[3/18/2565 BE, 14:56:01] A: x').ts).toBe('2022-03-18T14:56:01');
    expect(first('18/3/2565 14:56 - A: x').ts).toBe('2022-03-18T14:56:00');
    expect(first('18/3/65 14:56 - A: x').ts).toBe('2022-03-18T14:56:00');
  });

  it('converts Japanese era years, written first or last', () => {
    expect(first('[R4/03/18 14:56:00] A: x').ts).toBe('2022-03-18T14:56:00');
    expect(first('[18.03.令和4, 14:56:00] A: x').ts).toBe('2022-03-18T14:56:00');
    expect(first('18/3/R 4 14:56 - A: x').ts).toBe('2022-03-18T14:56:00');
    expect(first('[H31/04/30 10:00:00] A: x').ts).toBe('2019-04-30T10:00:00');
    expect(toGregorian(4, 3, 18, '令和')).toEqual({ y: 2022, m: 3, d: 18 });
  });

  it('converts Solar Hijri and Islamic years', () => {
    expect(toGregorian(1401, 1, 1, '')).toEqual({ y: 2022, m: 3, d: 21 });
    expect(toGregorian(1399, 12, 30, '')).toEqual({ y: 2021, m: 3, d: 20 });
    const ramadan = toGregorian(1443, 9, 1, '');
    expect(ramadan?.y).toBe(2022);
    expect(ramadan?.m).toBe(4);
    expect(Math.abs((ramadan?.d ?? 0) - 2)).toBeLessThanOrEqual(1);
  });

  it('rejects impossible dates and keeps such a line as text of the previous message', () => {
    expect(toGregorian(2023, 2, 30, '')).toBeNull();
    expect(toGregorian(2024, 2, 29, '')).toEqual({ y: 2024, m: 2, d: 29 });
    const r = parse(['31/01/2023, 10:00 - A: one', '31/02/2023, 10:05 - A: two', '01/02/2023, 10:10 - B: three']);
    expect(r.items.map((i) => i.text)).toEqual(['one\n31/02/2023, 10:05 - A: two', 'three']);
    expect(r.warnings.join(' ')).toContain('impossible dates');
  });
});

describe('invisible characters in headers', () => {
  it('tolerates marks and BOMs before and inside the header', () => {
    expect(first(`${LRM}[3/27/22, 21:41:55] A: x`).ts).toBe('2022-03-27T21:41:55');
    expect(first(`${BOM}${BOM}[29.01.18, 12:24:03] A: x`).ts).toBe('2018-01-29T12:24:03');
    expect(first(`[${BOM}29.01.18, 12:26:03] A: x`).ts).toBe('2018-01-29T12:26:03');
    expect(first(`[${RLM}18${RLM}/3${RLM}/2022، 14:56:01] A: x`).ts).toBe('2022-03-18T14:56:01');
    expect(first(`${LRM}20/03/2022, 20:08 - A: x`).ts).toBe('2022-03-20T20:08:00');
  });

  it('reads a phone-number author wrapped in LRE/PDF with NBSPs as a plain name', () => {
    expect(first('[27/3/2022, 21:54:45] \u202a+40\u00a0521\u00a0028\u00a061\u00a088\u202c: hi').author).toBe('+40 521 028 61 88');
  });
});

describe('date order', () => {
  function table(dates: readonly string[], layout = '{d}, 10:00 - A: x'): ReturnType<typeof parse> {
    return parse(dates.map((d) => layout.replace('{d}', d)));
  }

  it('a component > 12 decides', () => {
    expect(table(['12/01/20', '13/01/20']).dateOrder).toBe('DMY');
    expect(table(['01/12/20', '01/13/20']).dateOrder).toBe('MDY');
    expect(table(['2020/01/13']).dateOrder).toBe('YMD');
    expect(table(['2020/13/01']).dateOrder).toBe('YDM');
  });

  it('otherwise the order under which time runs forward wins', () => {
    // As DMY: 10 Jan, 11 Jan, 12 Jan; as MDY: 1 Oct, 1 Nov, 1 Dec -- both forward, then back:
    const r = table(['10/01/20', '11/01/20', '12/01/20', '01/02/20', '02/02/20']);
    expect(r.dateOrder).toBe('DMY');
    const r2 = table(['01/10/20', '01/11/20', '01/12/20', '02/01/20', '02/02/20']);
    expect(r2.dateOrder).toBe('MDY');
  });

  it('otherwise a default by layout', () => {
    // Unpadded day/month with a 2-digit year: the en-US M/d/yy pattern.
    expect(table(['12/9/20']).dateOrder).toBe('MDY');
    // Zero-padded with '/': day first (en-GB, fr, es, it, pt...).
    expect(table(['01/12/24', '02/12/24']).dateOrder).toBe('DMY');
    // Dots and dashes: day first.
    expect(table(['01.02.20']).dateOrder).toBe('DMY');
    expect(table(['01-02-2020']).dateOrder).toBe('DMY');
    // iOS bracket, 2-digit year, English UI: M/D/YY.
    const ios = parse(['[01/02/20, 10:00:00] A: ‎image omitted', '[01/02/20, 10:01:00] B: ok']);
    expect(ios.dateOrder).toBe('MDY');
  });

  it('decides per layout in a file mixing exports', () => {
    const r = parse(['12/15/25, 10:30 AM - John: one', '12/15/25, 10:31 AM - Jane: two', '[15/12/2025, 10:32:03 AM] Alice: three']);
    expect(r.items.map((i) => i.ts)).toEqual(['2025-12-15T10:30:00', '2025-12-15T10:31:00', '2025-12-15T10:32:03']);
  });

  it('detectNumericOrder reads the table columns', () => {
    const t = new HeaderTable([], 4);
    const h = matchHeader('13/01/20, 10:00 - A: x');
    if (h === null) throw new Error('no header');
    t.push(h, 0, t.sigId('k', h));
    expect(detectNumericOrder(t, [0], { bracket: false, englishUi: false })).toBe('DMY');
  });

  it('month-name dates without a year continue from the last year and roll over in January', () => {
    const r = parse(['Dec 30, 2013, 9:00 PM - A: x', 'Dec 31, 11:59 PM - B: y', 'Jan 1, 10:00 AM - A: z']);
    expect(r.items.map((i) => i.ts)).toEqual(['2013-12-30T21:00:00', '2013-12-31T23:59:00', '2014-01-01T10:00:00']);
  });
});
