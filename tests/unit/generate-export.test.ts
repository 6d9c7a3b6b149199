// The benchmark's export generator: deterministic per seed, exact message count, and an `expected`
// that matches the text. Counts are checked with header regexes written here, independent of the
// generator, and cross-checked with whatsapp-chat-parser's item count.

import { describe, expect, it } from 'vitest';
import { parseString } from 'whatsapp-chat-parser';
import { EXPORT_LAYOUTS, generateWhatsAppExport, type ExportLayout } from '../bench/generate-export';

const HEADER: Record<ExportLayout, RegExp> = {
  'android-en-GB': /^\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2} - /,
  'android-en-US-12h': /^\d{1,2}\/\d{1,2}\/\d{2}, \d{1,2}:\d{2}\u202F[AP]M - /,
  'ios-en': /^\u200E?\[\d{1,2}\/\d{1,2}\/\d{2}, \d{2}:\d{2}:\d{2}\] /,
  'ios-de': /^\u200E?\[\d{2}\.\d{2}\.\d{2}, \d{2}:\d{2}:\d{2}\] /,
  'android-ru': /^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} - /,
};

// iOS writes system events behind the chat's name ("[t] Family: U+200E Ann added Bob"); everything else
// with a "Name: " prefix is a person item. Person placeholders never start with these words.
const SYSTEM_AFTER_PREFIX =
  /^\u200E(Messages and calls are end-to-end encrypted|.* (created group|added|left$|removed|joined using|changed the subject|changed this group's icon|changed the group description)|\u200EYour security code)/;

const BIDI = /[\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

interface Counted {
  headers: number;
  messages: number;
  system: number;
  authors: Record<string, number>;
  multiLine: number;
}

function count(text: string, layout: ExportLayout): Counted {
  const header = HEADER[layout];
  const out: Counted = { headers: 0, messages: 0, system: 0, authors: {}, multiLine: 0 };
  let previousWasHeader = false;
  for (const line of text.split(/\r?\n/)) {
    const m = header.exec(line);
    if (m === null) {
      if (previousWasHeader && line !== '') out.multiLine++;
      previousWasHeader = false;
      continue;
    }
    previousWasHeader = true;
    out.headers++;
    const rest = line.slice(m[0].length);
    const person = /^(.+?): ([^]*)$/.exec(rest);
    if (person === null || SYSTEM_AFTER_PREFIX.test(person[2] ?? '')) {
      out.system++;
      continue;
    }
    const name = (person[1] ?? '').replace(BIDI, '');
    out.messages++;
    out.authors[name] = (out.authors[name] ?? 0) + 1;
  }
  return out;
}

describe('generateWhatsAppExport', () => {
  it('is deterministic for a seed and differs between seeds and layouts', () => {
    const a = generateWhatsAppExport({ messages: 500, layout: 'ios-en', seed: 42 });
    const b = generateWhatsAppExport({ messages: 500, layout: 'ios-en', seed: 42 });
    const c = generateWhatsAppExport({ messages: 500, layout: 'ios-en', seed: 43 });
    const d = generateWhatsAppExport({ messages: 500, layout: 'ios-de', seed: 42 });
    expect(b).toEqual(a);
    expect(c.text).not.toBe(a.text);
    expect(d.text).not.toBe(a.text);
  });

  it('does not depend on the time zone or the clock of the machine', () => {
    // Two generations a moment apart must agree; timestamps come from the seed, not from Date.now().
    const first = generateWhatsAppExport({ messages: 200, layout: 'android-en-US-12h', seed: 9 });
    const again = generateWhatsAppExport({ messages: 200, layout: 'android-en-US-12h', seed: 9 });
    expect(again.text).toBe(first.text);
    expect(first.text).toMatch(/^\d{1,2}\/\d{1,2}\/\d{2}, \d{1,2}:\d{2}\u202F[AP]M - /);
  });

  for (const layout of EXPORT_LAYOUTS) {
    describe(layout, () => {
      const seeds = [1, 2, 3];
      const messages = 4000;
      const exports = seeds.map((seed) => generateWhatsAppExport({ messages, layout, seed }));

      it('produces the requested number of person messages', () => {
        for (const g of exports) expect(g.expected.messages).toBe(messages);
      });

      it('reports counts that match the text (independent header regex)', () => {
        for (const g of exports) {
          const got = count(g.text, layout);
          expect(got.headers).toBe(g.expected.messages + g.expected.system);
          expect(got.messages).toBe(g.expected.messages);
          expect(got.system).toBe(g.expected.system);
          expect(got.authors).toEqual(g.expected.authors);
          expect(Object.values(g.expected.authors).reduce((s, n) => s + n, 0)).toBe(messages);
        }
      });

      it('agrees with whatsapp-chat-parser on the number of items', () => {
        for (const g of exports) {
          expect(parseString(g.text)).toHaveLength(g.expected.messages + g.expected.system);
        }
      });

      it('has realistic proportions: ~1% system, ~5% media, ~5% multi-line, 2-8 people', () => {
        for (const g of exports) {
          const got = count(g.text, layout);
          const total = g.expected.messages + g.expected.system;
          expect(g.expected.system / total).toBeGreaterThan(0.004);
          expect(g.expected.system / total).toBeLessThan(0.03);
          expect(got.multiLine / total).toBeGreaterThan(0.025);
          expect(got.multiLine / total).toBeLessThan(0.09);
          const media = g.text.match(/omitted|weggelassen|<Media omitted>|<Без медиафайлов>|\(file attached\)|<Anhang: /g) ?? [];
          expect(media.length / total).toBeGreaterThan(0.03);
          expect(media.length / total).toBeLessThan(0.09);
          const people = Object.keys(g.expected.authors).length;
          expect(people).toBeGreaterThanOrEqual(2);
          expect(people).toBeLessThanOrEqual(8);
        }
      });

      it('keeps the byte-level quirks of its platform', () => {
        const text = exports.map((g) => g.text).join('');
        expect(text.includes('\r\n')).toBe(layout === 'ios-en');
        if (layout.startsWith('ios')) expect(text).toMatch(/^\u200E\[/m);
        // Emoji with skin tones and ZWJ sequences survive as written.
        expect(text).toContain('👍🏽');
        expect(text).toMatch(/\u200D/);
      });
    });
  }

  it('wraps phone-number authors in U+202A/U+202C and reports them without the marks', () => {
    let seen = 0;
    for (const layout of EXPORT_LAYOUTS) {
      for (let seed = 1; seed <= 6; seed++) {
        const g = generateWhatsAppExport({ messages: 300, layout, seed });
        for (const name of Object.keys(g.expected.authors)) {
          expect(name).not.toMatch(BIDI);
          if (!name.startsWith('+')) continue;
          seen++;
          expect(g.text).toContain(`\u202A${name}\u202C: `);
        }
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('writes bursts: most messages follow one by the same author', () => {
    const g = generateWhatsAppExport({ messages: 3000, layout: 'android-en-GB', seed: 5 });
    const authors = g.text
      .split('\n')
      .map((l) => /^\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2} - (.+?): /.exec(l)?.[1])
      .filter((a): a is string => a !== undefined);
    let same = 0;
    for (let i = 1; i < authors.length; i++) if (authors[i] === authors[i - 1]) same++;
    expect(same / authors.length).toBeGreaterThan(0.5);
  });

  it('handles zero messages and rejects nonsense counts', () => {
    const g = generateWhatsAppExport({ messages: 0, layout: 'android-ru', seed: 1 });
    expect(g.expected.messages).toBe(0);
    expect(g.expected.system).toBeGreaterThan(0);
    expect(() => generateWhatsAppExport({ messages: -1, layout: 'ios-de', seed: 1 })).toThrow(RangeError);
    expect(() => generateWhatsAppExport({ messages: 1.5, layout: 'ios-de', seed: 1 })).toThrow(RangeError);
  });
});
