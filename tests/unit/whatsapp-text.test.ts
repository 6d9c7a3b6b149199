// decodeText and stripInvisible: encodings, BOMs, binary detection, empty files, the marks we strip
// and the emoji sequences we must keep.

import { describe, expect, it } from 'vitest';
import { ImportError } from '../../src/lib/ingest/errors';
import { decodeText, stripInvisible } from '../../src/lib/ingest/decode-text';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function utf16(s: string, endian: 'le' | 'be', bom: boolean): Uint8Array {
  const out = new Uint8Array((s.length + (bom ? 1 : 0)) * 2);
  let o = 0;
  const put = (c: number): void => {
    if (endian === 'le') {
      out[o++] = c & 0xff;
      out[o++] = c >> 8;
    } else {
      out[o++] = c >> 8;
      out[o++] = c & 0xff;
    }
  };
  if (bom) put(0xfeff);
  for (let i = 0; i < s.length; i++) put(s.charCodeAt(i));
  return out;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ImportError);
    const e = err as ImportError;
    expect(e.file).toBe('x.txt');
    expect(e.message).toContain('"x.txt"');
    return e.code;
  }
  return 'no error';
}

const SAMPLE = '12/31/23, 21:05 - Zoë: héllo 👩‍👩‍👧 ✌️\n';

describe('decodeText', () => {
  it('reads UTF-8 with and without BOM, never returning the BOM', () => {
    expect(decodeText(utf8(SAMPLE), 'x.txt')).toBe(SAMPLE);
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(SAMPLE)]);
    expect(decodeText(withBom, 'x.txt')).toBe(SAMPLE);
  });

  it('reads UTF-16 LE and BE with a BOM', () => {
    expect(decodeText(utf16(SAMPLE, 'le', true), 'x.txt')).toBe(SAMPLE);
    expect(decodeText(utf16(SAMPLE, 'be', true), 'x.txt')).toBe(SAMPLE);
  });

  it('recognises BOM-less UTF-16 by its NUL bytes', () => {
    const text = '[31.12.23, 21:05:10] Anna: Hallo zusammen, wie geht es euch?\n'.repeat(5);
    expect(decodeText(utf16(text, 'le', false), 'x.txt')).toBe(text);
    expect(decodeText(utf16(text, 'be', false), 'x.txt')).toBe(text);
  });

  it('keeps going over a few broken UTF-8 bytes (replacement characters)', () => {
    const good = utf8('12/31/23, 21:05 - Zoë: hello there, this is a long enough message\n'.repeat(40));
    const bytes = new Uint8Array([...good.subarray(0, 100), 0xff, ...good.subarray(100)]);
    const text = decodeText(bytes, 'x.txt');
    expect(text).toContain('\ufffd');
    expect(text.length).toBeGreaterThan(1000);
  });

  it('rejects text that is mostly not UTF-8 (Latin-1 and the like)', () => {
    const latin1 = new Uint8Array(Array.from('Grüße aus Köln! Schöne Tage. ', (c) => c.charCodeAt(0)));
    const many = new Uint8Array(latin1.length * 20);
    for (let i = 0; i < 20; i++) many.set(latin1, i * latin1.length);
    expect(codeOf(() => decodeText(many, 'x.txt'))).toBe('unsupported-encoding');
  });

  it('rejects UTF-32', () => {
    expect(codeOf(() => decodeText(new Uint8Array([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]), 'x.txt'))).toBe('unsupported-encoding');
  });

  it('rejects empty and blank files', () => {
    expect(codeOf(() => decodeText(new Uint8Array(0), 'x.txt'))).toBe('empty-file');
    expect(codeOf(() => decodeText(utf8(' \n\t\r\n'), 'x.txt'))).toBe('empty-file');
    expect(codeOf(() => decodeText(utf8('\ufeff\u200e\u00a0\n'), 'x.txt'))).toBe('empty-file');
    expect(codeOf(() => decodeText(new Uint8Array([0xef, 0xbb, 0xbf]), 'x.txt'))).toBe('empty-file');
  });

  it('rejects images, PDFs, archives and other binary data by magic number or NUL bytes', () => {
    const magics: number[][] = [
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      [0xff, 0xd8, 0xff, 0xe0, 0, 0x10],
      [0x25, 0x50, 0x44, 0x46, 0x2d, 0x31],
      [0x50, 0x4b, 0x03, 0x04, 0x14, 0],
      [0x47, 0x49, 0x46, 0x38, 0x39, 0x61],
      [0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d, 0x70, 0x34, 0x32],
    ];
    for (const m of magics) expect(codeOf(() => decodeText(new Uint8Array([...m, 1, 2, 3, 4, 5]), 'x.txt'))).toBe('binary-file');
    const nul = new Uint8Array([0x41, 0x42, 0x00, 0x43, 0x00, 0x00, 0x01, 0x02, 0x44, 0x00, 0x03]);
    expect(codeOf(() => decodeText(nul, 'x.txt'))).toBe('binary-file');
  });

  it('names the file and the problem in the sentence', () => {
    try {
      decodeText(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'photo.jpg');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toBe('"photo.jpg" is not a chat export: it contains binary data (a JPEG image).');
    }
  });
});

describe('stripInvisible', () => {
  it('removes bidi marks, embeddings, isolates, BOM and the Arabic letter mark', () => {
    const marks = '\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u061c';
    expect(stripInvisible(`a${marks}b`)).toBe('ab');
    expect(stripInvisible('\u202a+40 521 028 61 88\u202c')).toBe('+40 521 028 61 88');
  });

  it('keeps ZWJ sequences, variation selectors, skin tones and NBSP', () => {
    const emoji = '👩‍👩‍👧‍👦 ❤️ 👍🏽 🏳️‍🌈 a\u00a0b';
    expect(stripInvisible(emoji)).toBe(emoji);
  });

  it('returns the same string when there is nothing to strip', () => {
    const s = 'plain text';
    expect(stripInvisible(s)).toBe(s);
  });
});
