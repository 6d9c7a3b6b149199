// parseWhatsAppText end to end: author splitting, multi-line bodies, line endings, layouts that mix
// or only look alike, progress and cancellation, errors, format sniffing, and the project's own
// synthetic fixtures (variants the shared corpus lacks) with counts read off the files.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../src/lib/ingest/errors';
import { summarize } from '../../src/lib/ingest/export-summary';
import { decodeText } from '../../src/lib/ingest/decode-text';
import type { ParseProgress } from '../../src/lib/ingest/types';
import { looksLikeWhatsApp, parseWhatsAppText } from '../../src/lib/ingest/whatsapp/index';

const FIXTURES = fileURLToPath(new URL('../fixtures/whatsapp/', import.meta.url));
const LRM = '\u200e';

function fixture(name: string): ReturnType<typeof parseWhatsAppText> {
  const bytes = new Uint8Array(readFileSync(`${FIXTURES}${name}`));
  return parseWhatsAppText(decodeText(bytes, name), name);
}

const parse = (text: string): ReturnType<typeof parseWhatsAppText> => parseWhatsAppText(text, 'chat.txt');

describe('authors', () => {
  it('ends the author at the first ": " after the header', () => {
    const r = parse('01/02/2023, 10:00 - Kim: Re: the plan: is it on?');
    expect(r.items[0]).toMatchObject({ author: 'Kim', text: 'Re: the plan: is it on?' });
  });

  it('keeps a name containing ": " when every line of it says so', () => {
    const r = fixture('android-tricky-names.txt');
    expect(summarize('f', r).authors).toEqual({
      'Dr. Who: The Doctor': 3,
      'Smith, Anna (work) 💼': 2,
      '+44 7700 900123': 1,
      Bob: 3,
    });
    expect(r.items.find((i) => i.author === 'Bob')?.text).toBe('Re: the plan: is it on?');
  });

  it('prefers a name seen elsewhere in the file over a longer prefix', () => {
    const r = parse(
      [
        '2/11/19, 14:21 - The final test: Does it work with colons?: Hallelujah!',
        '2/11/19, 14:25 - The final test: Hope so!',
      ].join('\n'),
    );
    expect(r.items.map((i) => i.author)).toEqual(['The final test', 'The final test']);
  });

  it('takes a longer name that a system line spells out', () => {
    const r = parse(
      ["01/02/2023, 10:00 - A: B joined using this group's invite link", '01/02/2023, 10:01 - A: B: hello', '01/02/2023, 10:02 - C: hi'].join('\n'),
    );
    expect(r.items.map((i) => i.author)).toEqual([null, 'A: B', 'C']);
  });

  it('reads "Name:" with nothing after it and "Name:x" for a known name', () => {
    const r = parse(
      ['12/24/19, 11:23 - John Doe:.', '12/24/19, 11:24 - John Doe: Lorem ipsum.', '12/24/19, 11:25 - Carol:', '12/24/19, 11:26 - Nobody:x'].join('\n'),
    );
    expect(r.items.map((i) => [i.author, i.kind, i.text])).toEqual([
      ['John Doe', 'message', '.'],
      ['John Doe', 'message', 'Lorem ipsum.'],
      ['Carol', 'media', ''],
      [null, 'system', 'Nobody:x'],
    ]);
  });

  it('never takes an author from a system line', () => {
    const r = parse(
      [
        `[12/10/2017, 17:09:06] Group: ${LRM}Messages to this group are now secured with end-to-end encryption.`,
        '[12/10/2017, 17:09:19] Alexey: Hello world',
        '[12/10/2017, 17:09:25] Alexey changed the subject to "Mess: part 2"',
        `[12/10/2017, 17:09:30] Group: ${LRM}Alexey added Jeez`,
      ].join('\n'),
    );
    expect(r.items.map((i) => i.author)).toEqual([null, 'Alexey', null, null]);
    expect(r.items[2]?.text).toBe('Alexey changed the subject to "Mess: part 2"');
  });

  it('strips marks from names and text and turns NBSP into a space in names only', () => {
    const r = parse(`[27/3/2022, 21:54:45] \u202a+40\u00a0521\u00a0028\u202c: ${LRM}a\u00a0b`);
    expect(r.items[0]).toMatchObject({ author: '+40 521 028', text: 'a\u00a0b' });
  });
});

describe('bodies and lines', () => {
  it('joins continuation lines, keeps blank lines inside, trims the end', () => {
    const r = parse(['01/02/2023, 10:00 - Kim:   first', '', 'third  ', '', '', '01/02/2023, 10:01 - Lee: next   '].join('\n'));
    expect(r.items.map((i) => i.text)).toEqual(['first\n\nthird', 'next']);
  });

  it('handles CRLF, CR CR LF and CR-only line endings', () => {
    const lines = ['01/02/2023, 10:00 - Kim: one', 'two', '01/02/2023, 10:01 - Lee: three'];
    for (const eol of ['\r\n', '\r\r\n', '\r']) {
      const r = parse(lines.join(eol) + eol);
      expect(r.items.map((i) => i.text), JSON.stringify(eol)).toEqual(['one\ntwo', 'three']);
    }
  });

  it('skips lines before the first header with a warning', () => {
    const r = fixture('ios-preamble-crcrlf.txt');
    expect(r.warnings).toEqual(['1 line(s) before the first message were skipped.']);
    expect(r.items.map((i) => i.text)).toEqual(['Hallo', 'Hi\nzweite Zeile\n\nvierte Zeile nach Leerzeile', 'Tschüss']);
    expect(r.items[0]?.line).toBe(2);
  });

  it('in a uniform export, a line in another layout is quoted text', () => {
    // 20 of 22 header-like lines share one layout (at least 90% of at least 10): the export is uniform.
    const own = Array.from({ length: 20 }, (_, i) => `[04.01.18, 11:${String(10 + i)}:00] Alice: message ${i}`);
    const r = parse([...own, '[1.2.2019, 00:00:00] John: pasted', '2/11/19, 14:48 Alice: pasted too'].join('\n'));
    expect(r.items).toHaveLength(20);
    expect(r.items[19]?.text).toBe('message 19\n[1.2.2019, 00:00:00] John: pasted\n2/11/19, 14:48 Alice: pasted too');
  });

  it('in a file mixing exports, every layout counts', () => {
    const r = parse(
      [
        '13.6.2018 klo 21.25.15 - Mika: one',
        '13.06.18 21.25.15: Laura: two',
        '13.06.2018, 21.25 - Mika: three',
      ].join('\n'),
    );
    expect(r.items.map((i) => [i.author, i.text])).toEqual([
      ['Mika', 'one'],
      ['Laura', 'two'],
      ['Mika', 'three'],
    ]);
  });

  it('records the 1-based line where each item starts', () => {
    const r = parse(['01/02/2023, 10:00 - Kim: a', 'b', '01/02/2023, 10:01 - Lee: c'].join('\n'));
    expect(r.items.map((i) => i.line)).toEqual([1, 3]);
  });
});

describe('progress, abort and errors', () => {
  const big = Array.from({ length: 9000 }, (_, i) => `01/02/2023, 10:${String(i % 60).padStart(2, '0')} - Kim: message ${i}`).join('\n');

  it('reports progress about every 2000 lines, ending at 100%', () => {
    const seen: ParseProgress[] = [];
    parseWhatsAppText(big, 'big.txt', { onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(seen.length).toBeLessThanOrEqual(8);
    for (const p of seen) {
      expect(p.phase).toBe('parse');
      expect(p.bytesDone).toBeLessThanOrEqual(p.bytesTotal);
    }
    expect(seen.at(-1)).toMatchObject({ bytesDone: big.length, bytesTotal: big.length, items: 9000 });
  });

  it('throws the abort reason when the signal fires', () => {
    const controller = new AbortController();
    controller.abort(new DOMException('stop', 'AbortError'));
    expect(() => parseWhatsAppText(big, 'big.txt', { signal: controller.signal })).toThrow('stop');
    const late = new AbortController();
    let calls = 0;
    expect(() =>
      parseWhatsAppText(big, 'big.txt', {
        signal: late.signal,
        onProgress: () => {
          if (++calls === 2) late.abort(new DOMException('late', 'AbortError'));
        },
      }),
    ).toThrow('late');
  });

  it('throws not-an-export with an example of what was expected', () => {
    try {
      parseWhatsAppText('Dear diary,\ntoday was fine.\n', 'notes.txt');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ImportError);
      const e = err as ImportError;
      expect(e.code).toBe('not-an-export');
      expect(e.message).toContain('"notes.txt" is not a WhatsApp chat export');
      expect(e.message).toContain('[31.12.23, 21:05:10] Name: text');
    }
  });
});

describe('looksLikeWhatsApp', () => {
  it('says yes to Android and iOS exports, even after a title line', () => {
    expect(looksLikeWhatsApp('WhatsApp Chat - Team\n01/01/2024, 10:00 - A: Hi\n01/01/2024, 10:01 - B: Hello\n')).toBe(true);
    expect(looksLikeWhatsApp(`${LRM}[3/27/22, 21:41:55] Dmitry S: ${LRM}image omitted\n`)).toBe(true);
  });

  it('says no to iMessage text, CSV, JSON and prose', () => {
    expect(looksLikeWhatsApp('May 17, 2022  5:29:42 PM\nMe\nHello world\n\nMay 17, 2022  5:29:42 PM You renamed the conversation\n')).toBe(false);
    expect(looksLikeWhatsApp('timestamp,sender,text\n2023-01-02 09:45:12,John,hello\n')).toBe(false);
    expect(looksLikeWhatsApp('[{"timestamp": "2023-01-02T09:45:12", "sender": "John", "text": "hi"}]')).toBe(false);
    expect(looksLikeWhatsApp('On 12/10/2017 at 17:09 we met.\nIt was fun.\n')).toBe(false);
  });
});

describe('synthetic fixtures (variants the shared corpus lacks)', () => {
  it.each<[string, { format: string; locale: string | null; dateOrder: string; messages: number; system: number; first: string; last: string }]>([
    ['ios-ja-era.txt', { format: 'whatsapp-ios', locale: 'ja', dateOrder: 'YMD', messages: 4, system: 1, first: '2022-03-18T15:01:12', last: '2022-03-19T00:05:00' }],
    ['android-ko-ampm.txt', { format: 'whatsapp-android', locale: 'ko', dateOrder: 'YMD', messages: 4, system: 1, first: '2022-03-18T15:01:00', last: '2022-03-19T09:05:00' }],
    ['android-fa-jalali.txt', { format: 'whatsapp-android', locale: 'fa', dateOrder: 'YMD', messages: 3, system: 1, first: '2022-03-21T10:05:00', last: '2022-03-22T09:15:00' }],
    ['ios-zh-ampm.txt', { format: 'whatsapp-ios', locale: 'zh', dateOrder: 'YMD', messages: 4, system: 1, first: '2022-03-18T15:01:12', last: '2022-03-19T11:20:00' }],
    ['android-month-names.txt', { format: 'whatsapp-android', locale: null, dateOrder: 'MDY', messages: 4, system: 0, first: '2013-12-30T21:00:00', last: '2014-01-02T08:15:00' }],
    ['android-day-month-names.txt', { format: 'whatsapp-android', locale: null, dateOrder: 'DMY', messages: 3, system: 0, first: '2014-03-03T21:05:00', last: '2014-03-04T08:00:00' }],
    ['desktop-time-first.txt', { format: 'whatsapp-ios', locale: null, dateOrder: 'MDY', messages: 3, system: 0, first: '2020-12-15T10:34:00', last: '2020-12-16T09:02:00' }],
    ['android-fr.txt', { format: 'whatsapp-android', locale: 'fr', dateOrder: 'DMY', messages: 7, system: 4, first: '2023-02-14T09:05:00', last: '2023-02-14T09:15:00' }],
    ['android-es-ampm.txt', { format: 'whatsapp-android', locale: 'es', dateOrder: 'DMY', messages: 4, system: 1, first: '2023-02-05T09:05:00', last: '2023-02-13T20:00:00' }],
    ['ios-tr.txt', { format: 'whatsapp-ios', locale: 'tr', dateOrder: 'DMY', messages: 3, system: 1, first: '2022-03-18T14:57:10', last: '2022-03-18T15:00:00' }],
    ['android-he.txt', { format: 'whatsapp-android', locale: 'he', dateOrder: 'DMY', messages: 3, system: 1, first: '2022-03-18T14:57:00', last: '2022-03-18T15:00:00' }],
    ['android-th-be.txt', { format: 'whatsapp-android', locale: 'th', dateOrder: 'DMY', messages: 2, system: 1, first: '2022-03-18T14:57:00', last: '2022-03-19T08:00:00' }],
    ['android-id-dot-time.txt', { format: 'whatsapp-android', locale: 'id', dateOrder: 'DMY', messages: 3, system: 1, first: '2022-03-18T14:57:00', last: '2022-03-18T15:01:00' }],
    ['ios-pl.txt', { format: 'whatsapp-ios', locale: 'pl', dateOrder: 'DMY', messages: 2, system: 1, first: '2022-03-18T14:57:10', last: '2022-03-18T14:58:00' }],
    ['android-hi.txt', { format: 'whatsapp-android', locale: 'hi', dateOrder: 'DMY', messages: 2, system: 1, first: '2022-03-18T14:57:00', last: '2022-03-18T14:58:00' }],
    ['ios-preamble-crcrlf.txt', { format: 'whatsapp-ios', locale: null, dateOrder: 'DMY', messages: 3, system: 0, first: '2020-02-01T10:00:00', last: '2020-02-01T10:02:00' }],
    ['android-tricky-names.txt', { format: 'whatsapp-android', locale: 'en', dateOrder: 'DMY', messages: 9, system: 1, first: '2021-03-12T10:00:00', last: '2021-03-13T09:00:00' }],
  ])('%s', (name, want) => {
    const r = fixture(name);
    const s = summarize(name, r);
    expect({
      format: s.format,
      locale: s.locale,
      dateOrder: s.dateOrder,
      messages: s.messages,
      system: s.system,
      first: s.first?.ts,
      last: s.last?.ts,
    }).toEqual(want);
  });

  it('french fixture: kinds, edit flag, poll text', () => {
    const r = fixture('android-fr.txt');
    expect(r.items.map((i) => i.kind)).toEqual([
      'system',
      'system',
      'system',
      'message',
      'media',
      'deleted',
      'message',
      'call',
      'poll',
      'location',
      'system',
    ]);
    expect(r.items[6]).toMatchObject({ text: 'On part à quelle heure ?', edited: true });
    expect(r.items[8]?.text).toBe('SONDAGE :\nQuel jour ?\nOPTION : Samedi (2 votes)\nOPTION : Dimanche (1 vote)');
  });
});
