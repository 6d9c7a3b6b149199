// PII masking: phone numbers in many countries' styles, e-mail, URLs and long ids become stable salted
// tokens; dates, times, versions, prices, year ranges and prose numbers stay; masking is idempotent.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashString } from '../../src/lib/ingest/hash';
import { createMasker, isMaskToken } from '../../src/lib/ingest/mask';

const SHARED = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));

const SALT = 'unit-test-salt';
const mask = createMasker({ salt: SALT });
const text = (s: string): string => mask(s).text;
/** The token the masker must produce for a value normalized as documented. */
const tok = (kind: 'phone' | 'email' | 'url' | 'id', normalized: string): string =>
  `[${kind}-${hashString(SALT + kind + normalized).slice(0, 6)}]`;
const TOKEN_G = /\[(phone|email|url|id)-[0-9a-f]{6}\]/g;
const tokensIn = (s: string): string[] => s.match(TOKEN_G) ?? [];

describe('phone numbers', () => {
  const cases: [string, string, string][] = [
    // [input, expected output with {} for the token, normalized digits]
    ['Ruf an: +49 170 1234567!', 'Ruf an: {}!', '491701234567'],
    ['0170/1234567', '{}', '01701234567'],
    ['Handy 0170 / 1234567 ab 18 Uhr', 'Handy {} ab 18 Uhr', '01701234567'],
    ['0170-1234567.', '{}.', '01701234567'],
    ['Büro 030 12345678', 'Büro {}', '03012345678'],
    ['+49 (0) 170 1234567', '{}', '491701234567'],
    ['0049 170 1234567', '{}', '491701234567'],
    ['+49\u00A0170\u00A01234567', '{}', '491701234567'],
    ['call (555) 123-4567 now', 'call {} now', '5551234567'],
    ['555-123-4567', '{}', '5551234567'],
    ['my nr 555.123.4567.', 'my nr {}.', '5551234567'],
    ['+1-555-123-4567', '{}', '15551234567'],
    ['+1 (555) 123-4567', '{}', '15551234567'],
    ['1-800-555-0199', '{}', '18005550199'],
    ['call 555-1234', 'call {}', '5551234'],
    ['+44 (0)20 7946 0958', '{}', '442079460958'],
    ['020 7946 0958', '{}', '02079460958'],
    ['07700 900123', '{}', '07700900123'],
    ['appelle le 06 12 34 56 78 ce soir', 'appelle le {} ce soir', '0612345678'],
    ['06.12.34.56.78', '{}', '0612345678'],
    ['+33 6 12 34 56 78', '{}', '33612345678'],
    ['llámame al 612 345 678', 'llámame al {}', '612345678'],
    ['612 34 56 78', '{}', '612345678'],
    ['+34 612 34 56 78', '{}', '34612345678'],
    ['333 123 4567', '{}', '3331234567'],
    ['+39 333 1234567', '{}', '393331234567'],
    ['звони +7 (916) 123-45-67', 'звони {}', '79161234567'],
    ['8 (916) 123-45-67', '{}', '89161234567'],
    ['8-916-123-45-67', '{}', '89161234567'],
    ['+55 21 98613-8297 entrou', '{} entrou', '5521986138297'],
    ['(21) 98613-8297', '{}', '21986138297'],
    ['+91 98765 43210', '{}', '919876543210'],
    ['98765 43210', '{}', '9876543210'],
    ['138 0013 8000', '{}', '13800138000'],
    ['+86 138 0013 8000', '{}', '8613800138000'],
    ['電話090-1234-5678です', '電話{}です', '09012345678'],
    ['０９０１２３４５６７８', '{}', '09012345678'],
    ['+972 50-869-4456 joined', '{} joined', '972508694456'],
    ['رقمي ٠١٧٠ ١٢٣٤٥٦٧', 'رقمي {}', '01701234567'],
    ['شماره ۰۹۱۲ ۳۴۵ ۶۷۸۹', 'شماره {}', '09123456789'],
    ['Tel: 1234567', 'Tel: {}', '1234567'],
    ['Handy 7654321', 'Handy {}', '7654321'],
    ['телефон 1234567', 'телефон {}', '1234567'],
    ['hey @491701234567 look', 'hey @{} look', '491701234567'],
    ['📞0170 1234567😀', '📞{}😀', '01701234567'],
    ['+40\u00A0521\u00A0028\u00A061\u00A088: hi', '{}: hi', '40521028618' + '8'],
    ['12.10.2017 0170 1234567', '12.10.2017 {}', '01701234567'],
  ];
  it.each(cases)('%j', (input, expected, digits) => {
    const result = mask(input);
    expect(result.text).toBe(expected.replace('{}', tok('phone', digits)));
    expect(result.masked).toBe(1);
  });

  it('gives one number the same token however it is written', () => {
    const forms = [
      '+49 170 1234567',
      '+49-170-1234567',
      '+49170 1234567',
      '0049 170 1234567',
      '+49 (0) 170 1234567',
      '+49 170 12 34 567',
      '+٤٩ ١٧٠ ١٢٣٤٥٦٧',
    ];
    const tokens = new Set(forms.map(text));
    expect([...tokens]).toEqual([tok('phone', '491701234567')]);
    expect(text('+49 170 1234568')).not.toBe(text('+49 170 1234567'));
  });
});

describe('e-mail addresses', () => {
  it.each([
    ['mail john.doe@example.com!', 'mail {}!', 'john.doe@example.com'],
    ['John.Doe@Example.COM', '{}', 'john.doe@example.com'],
    ['schreib an müller@beispiel.de', 'schreib an {}', 'müller@beispiel.de'],
    ['a.b+tag@sub.example.co.uk, thanks', '{}, thanks', 'a.b+tag@sub.example.co.uk'],
    ['(anna_99@web.de).', '({}).', 'anna_99@web.de'],
    ['メール: taro@example.jp です', 'メール: {} です', 'taro@example.jp'],
  ])('%j', (input, expected, normalized) => {
    expect(text(input)).toBe(expected.replace('{}', tok('email', normalized)));
  });

  it('leaves mentions and addresses without a domain alone', () => {
    for (const s of ['@Anna see you', 'user@localhost', 'a@b', 'me @ home', '@@@']) expect(text(s)).toBe(s);
  });
});

describe('URLs', () => {
  it.each([
    ['see https://example.com/a?b=1 now', 'see {} now', 'example.com/a?b=1'],
    ['see http://example.com/a?b=1', 'see {}', 'example.com/a?b=1'],
    ['www.example.com/a?b=1', '{}', 'example.com/a?b=1'],
    ['WWW.Example.com', '{}', 'example.com'],
    ['https://EXAMPLE.com/Path/', '{}', 'example.com/Path'],
    ['look: https://example.com/x.', 'look: {}.', 'example.com/x'],
    ['(see https://en.wikipedia.org/wiki/Foo_(bar))', '(see {})', 'en.wikipedia.org/wiki/Foo_(bar)'],
    ['go to bit.ly/abc123 now', 'go to {} now', 'bit.ly/abc123'],
    ['t.me/joinchat/AbC', '{}', 't.me/joinchat/AbC'],
    ['join chat.whatsapp.com/Invite123!', 'join {}!', 'chat.whatsapp.com/Invite123'],
    ['Standort: https://maps.google.com/?q=51.5021456,-0.127397', 'Standort: {}', 'maps.google.com/?q=51.5021456,-0.127397'],
    ['https://example.com/x見て', '{}見て', 'example.com/x'],
    ['https://de.wikipedia.org/wiki/Köln 😀', '{} 😀', 'de.wikipedia.org/wiki/Köln'],
    ['ftp://files.example.org/a.zip', '{}', 'files.example.org/a.zip'],
  ])('%j', (input, expected, normalized) => {
    expect(text(input)).toBe(expected.replace('{}', tok('url', normalized)));
  });

  it('leaves bare domains without a path and slash words alone', () => {
    for (const s of ['example.com is down', 'e.g./i.e. z.B./u.a.', 'and/or', 'file.txt', '1/2', 'Mr.Smith/Jones']) {
      expect(text(s)).toBe(s);
    }
  });
});

describe('long ids', () => {
  it.each([
    ['order 123456789', 'order {}', '123456789'],
    ['Bestellnummer 1234567890 ist da', 'Bestellnummer {} ist da', '1234567890'],
    ['IBAN DE89 3704 0044 0532 0130 00', 'IBAN DE{}', '89370400440532013000'],
    ['DE89370400440532013000', 'DE{}', '89370400440532013000'],
    ['card 4111 1111 1111 1111', 'card {}', '4111111111111111'],
    ['card 4111-1111-1111-1111', 'card {}', '4111111111111111'],
    ['По вот этому ШК 5000159537643 в номенклатуре', 'По вот этому ШК {} в номенклатуре', '5000159537643'],
    ['ID12345678901', 'ID{}', '12345678901'],
  ])('%j', (input, expected, normalized) => {
    expect(text(input)).toBe(expected.replace('{}', tok('id', normalized)));
  });
});

describe('no false positives', () => {
  const keep = [
    // dates and times in many locales' styles
    '12/10/2017',
    '12.10.2017',
    '2017-10-12',
    '10/12/17',
    '2019/05/04',
    'am 12.10.2017 um 21:41',
    '2017-10-12 21.41.35',
    '[12/10/2017, 21:41:35]',
    '[٢٧/٣/٢٠٢٢، ٩:٥٤:٤٥ م]',
    '12. 10. 2017',
    '21:41:35',
    'klo 21.41',
    '9.00-17.00',
    '10:00-12:00',
    '2017-10-12T21:41:35',
    // versions and addresses
    '1.2.3',
    'v10.15.7',
    'iOS 17.4.1',
    '10.0.19045.2965',
    '192.168.100.200',
    // money and quantities
    '1.299,00 €',
    '1,299.00',
    '$1,299,000',
    '1.299.000,00',
    '1 299 000 ₽',
    '12 345 678',
    'R$ 1.500.000',
    '€ 1234567',
    '1234567 EUR',
    '15 000 000 руб',
    '150 000 000',
    '99,99%',
    '1234567',
    '12345678 Aufrufe',
    '+1',
    '+100500',
    // year ranges and lists
    '2019-2020',
    '2019 - 2020',
    '2019–2020',
    '1999/2000',
    '1990 2000 2010 2020',
    '2 3 4',
    'seite 35 - 10000',
    'hallo 21:41:35 - 10000',
    '100 / 2000',
    '+1 – 100000',
    '1200–1500000',
    'numbers 2 3 4 5 6 7 8 9',
    '10 20 30 40',
    '100 200 300 400',
    '5 10 20 50 100 200 500',
    'ISBN 978-3-16-148410-0',
    // decimals and coordinates
    'pi 3.14159265358979',
    '3,14159265358979',
    'coords 51.5021456,-0.127397',
    // emoji around numbers
    '😀 12:30 👩‍👩‍👧 2019-2020 🇩🇪 1.299,00€',
  ];
  it.each(keep)('%j stays', (s) => {
    expect(mask(s)).toEqual({ text: s, masked: 0 });
  });
});

describe('tokens, salt and idempotence', () => {
  it('derives the token from the salt, the kind and the normalized value', () => {
    const r = mask('+49 170 1234567');
    expect(r.text).toBe(`[phone-${hashString(`${SALT}phone491701234567`).slice(0, 6)}]`);
    expect(isMaskToken(r.text)).toBe(true);
    expect(isMaskToken('[phone-xyz]')).toBe(false);
  });

  it('gives the same tokens for the same salt and different ones for another salt', () => {
    const s = 'Anna: +49 170 1234567, anna@web.de, https://example.com/x, order 123456789';
    const a = createMasker({ salt: 'one' })(s).text;
    expect(createMasker({ salt: 'one' })(s).text).toBe(a);
    const b = createMasker({ salt: 'two' })(s).text;
    expect(tokensIn(a)).toHaveLength(4);
    expect(tokensIn(b)).toHaveLength(4);
    for (const t of tokensIn(a)) expect(b).not.toContain(t);
  });

  it('counts replacements and never re-masks its own or foreign tokens', () => {
    const first = mask('call +49 170 1234567 or 0170 7654321, mail a@b.de, see https://x.de/y');
    expect(first.masked).toBe(4);
    expect(mask(first.text)).toEqual({ text: first.text, masked: 0 });
    const foreign = 'already [phone-abcd] and [id-12345678] and [url-0b4e9f]';
    expect(mask(foreign)).toEqual({ text: foreign, masked: 0 });
  });

  it('keeps the text around tokens exactly, emoji and ZWJ sequences included', () => {
    const s = '👩‍👩‍👧 ruf an 📞 +49 170 1234567 🙏🏽\nund schreib an a@b.de ✉️';
    expect(text(s)).toBe(`👩‍👩‍👧 ruf an 📞 ${tok('phone', '491701234567')} 🙏🏽\nund schreib an ${tok('email', 'a@b.de')} ✉️`);
  });

  it('is idempotent on adversarial mixtures of digits, separators, letters and tokens (property)', () => {
    const pieces = [
      '0', '1', '5', '9', '00', '000', '12', '170', '2019', '1234567', '٣', '０', '+', '(', ')', ' ', '\u00A0', '\u202F',
      '-', '.', '/', ',', ':', '@', '%', '€', 'a', 'Z', 'é', 'ж', '電', '😀', '\n', '[', ']', 'phone-abc123', '[id-1234]',
      'www.', 'http://', 'https://', '.com', '.de', '/x', 'x@y.de', 'tel ',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        const once = mask(parts.join(''));
        expect(mask(once.text)).toEqual({ text: once.text, masked: 0 });
      }),
      { numRuns: 3000 },
    );
  });

  it('never changes text without PII (property)', () => {
    const word = fc.constantFrom(
      'hallo', 'ok', 'Straße', 'привет', 'مرحبا', 'שלום', 'こんにちは', '你好', 'ça', 'va?', '😂', '👩‍👩‍👧', '🇩🇪', 'km', 'Uhr',
      'à', '!', '...', '(ja)', '"so"', '-', '–',
    );
    const numberish = fc.oneof(
      fc.integer({ min: 0, max: 999_999 }).map(String),
      fc.constantFrom(
        '12.10.2017', '2017-10-12', '10/12/17', '21:41:35', '12:30', '1.2.3', '1.299,00 €', '$1,299', '2019-2020',
        '99%', '3,5', '0,75', '+1', '١٢:٣٠', '192.168.0.1', '1 299 000 ₽',
      ),
    );
    // Words between numbers keep each digit run short of anything maskable.
    const safe = fc.array(fc.tuple(word, fc.option(numberish)), { maxLength: 25 }).map((pairs) =>
      pairs.map(([w, n]) => (n === null ? w : `${w} ${n}`)).join(' '),
    );
    fc.assert(
      fc.property(safe, (s) => {
        expect(mask(s)).toEqual({ text: s, masked: 0 });
      }),
      { numRuns: 3000 },
    );
  });

  it('masks 100k messages, and finishes on pathological input (a backtracking pattern would hang past the test timeout)', () => {
    const samples = [
      'ok 👍',
      'kommst du um 12:30? 😀',
      'Treffen am 12.10.2017, 1.299,00 € pro Person',
      'my number is +49 170 1234567',
      'see https://example.com/a?b=1 and mail a@b.de',
      'haha 😂😂😂 yes',
      'v1.2.3 is out, 2019-2020 was a year',
      'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.',
    ];
    const masked = Array.from({ length: 100_000 }, (_, i) => mask(samples[i % samples.length] ?? ''));
    // Deterministic: 100k calls give no more distinct outputs than there are inputs.
    expect(new Set(masked.map((m) => JSON.stringify(m))).size).toBe(samples.length);

    mask('1 '.repeat(50_000));
    mask('12 345 '.repeat(20_000));
    mask('a'.repeat(100_000));
    mask('a.'.repeat(50_000) + '/x');
    mask('a@'.repeat(50_000));
    expect(mask('x'.repeat(50_000) + '@example.com').text).toMatch(/x+\S*$/);
  });
});

// ---------------------------------------------------------------------------------------------
// The shared export corpus: its timestamps must survive, its known phone numbers and links must not.

const BIDI = /[\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

function fixtureTexts(): { path: string; lines: string[] }[] {
  const out: { path: string; lines: string[] }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.txt')) out.push({ path: p, lines: readFileSync(p, 'utf8').replace(BIDI, '').split(/\r?\n/) });
    }
  };
  walk(join(SHARED, 'whatsapp'));
  return out;
}

function fixtureLines(file: string): string[] {
  return readFileSync(join(SHARED, file), 'utf8').replace(BIDI, '').split(/\r?\n/);
}

describe('shared export corpus', () => {
  it('leaves every timestamp header of every WhatsApp fixture unchanged', () => {
    // iOS "[date, time]" and Android "date, time - " headers (the separator excluded).
    const header = /^\[([^\]]{6,40})\]|^([^\-–[]{6,36}?) [-–] /;
    let checked = 0;
    for (const { path, lines } of fixtureTexts()) {
      for (const line of lines) {
        const m = header.exec(line);
        const h = m?.[1] ?? m?.[2];
        if (h === undefined || !/\d/.test(h)) continue;
        expect(mask(h).text, `${path}: ${h}`).toBe(h);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1500);
  });

  it('masks every phone number of the Hebrew group chat and no timestamp', () => {
    const lines = fixtureLines('whatsapp/he/Whatsapp-chat-parser_MeirVitkin__test_hebrew.txt');
    const numbers = lines.join('\n').match(/\+972 5\d-\d{3}-\d{4}|\+1 \(\d{3}\) \d{3}-\d{4}/g) ?? [];
    expect(numbers.length).toBeGreaterThan(20);
    const masked = lines.map(text);
    const joined = masked.join('\n');
    expect(joined).not.toMatch(/\+972|\+1 \(/);
    expect(tokensIn(joined).filter((t) => t.startsWith('[phone-'))).toHaveLength(numbers.length);
    // Every line still starts with its date.
    masked.forEach((line, i) => expect(line.slice(0, 8)).toBe((lines[i] ?? '').slice(0, 8)));
  });

  it('masks the numbers written in the Italian and Brazilian chats', () => {
    const it2012 = fixtureLines('whatsapp/it/nmoya__22_OW_MT_2012_large.txt').map(text).join('\n');
    expect(it2012).not.toContain('0817146790');
    expect(it2012).not.toContain('305 415 1831');
    expect(it2012).not.toContain('786 3820190');
    expect(it2012).toContain(`CONTACT: ${tok('phone', '0817146790')}`);
    const br = fixtureLines('whatsapp/pt-BR/whatsapp-chat-parser_moacirmoda__chat.txt').map(text);
    expect(br[0]).toBe(`23/03/2021 18:44 - ${tok('phone', '5521986138297')} entrou usando o link de convite deste grupo`);
  });

  it('masks every link of the WhatsR chats and nothing else there', () => {
    for (const [file, count] of [
      ['whatsapp/de/WhatsR__ExampleChat.txt', 69],
      ['whatsapp/en/WhatsR__englishandroid24h.txt', 4],
    ] as const) {
      const lines = fixtureLines(file);
      const links = lines.join('\n').match(/https?:\/\/\S+/g) ?? [];
      expect(links).toHaveLength(count);
      const joined = lines.map(text).join('\n');
      expect(joined).not.toMatch(/https?:\/\//);
      const tokens = tokensIn(joined);
      expect(tokens.filter((t) => t.startsWith('[url-'))).toHaveLength(links.length);
      expect(tokens.filter((t) => !t.startsWith('[url-')).length).toBeLessThanOrEqual(1); // "004900000000"
    }
  });
});
