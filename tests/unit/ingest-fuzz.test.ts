// Property tests: random text, random bytes and mutated real export lines never make decodeText or
// parseWhatsAppText throw anything but an ImportError, and every parsed item keeps the item-model
// invariants (ISO timestamp of a real date, author null exactly for system items, no bidi marks).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../src/lib/ingest/errors';
import { decodeText } from '../../src/lib/ingest/decode-text';
import type { ParseResult } from '../../src/lib/ingest/types';
import { looksLikeWhatsApp, parseWhatsAppText } from '../../src/lib/ingest/whatsapp/index';

const SHARED = fileURLToPath(new URL('../fixtures/exports/whatsapp/', import.meta.url));
const OWN = fileURLToPath(new URL('../fixtures/whatsapp/', import.meta.url));

function textFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return textFiles(path);
    return name.endsWith('.txt') ? [path] : [];
  });
}

/** Up to 40 lines from each real export (the 1 MB one contributes its first lines only). */
const REAL_LINES: string[] = [...textFiles(SHARED), ...textFiles(OWN)].flatMap((path) =>
  readFileSync(path, 'utf8').split('\n').slice(0, 40),
);

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;
const MARKS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

function checkInvariants(result: ParseResult): void {
  for (const item of result.items) {
    expect(item.ts).toMatch(ISO);
    const [date, time] = item.ts.split('T') as [string, string];
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const real = new Date(Date.UTC(y, m - 1, d));
    expect(real.getUTCFullYear() === y && real.getUTCMonth() === m - 1 && real.getUTCDate() === d, item.ts).toBe(true);
    const [hh, mm, ss] = time.split(':').map(Number) as [number, number, number];
    expect(hh < 24 && mm < 60 && ss < 60, item.ts).toBe(true);
    expect(item.author === null).toBe(item.kind === 'system');
    if (item.author !== null) {
      expect(item.author.length).toBeGreaterThan(0);
      expect(item.author).not.toMatch(MARKS);
    }
    expect(item.text).not.toMatch(MARKS);
    expect(item.line).toBeGreaterThan(0);
  }
}

/** Parses and checks; the only acceptable failure is an ImportError. */
function parseSafely(text: string): void {
  let result: ParseResult;
  try {
    result = parseWhatsAppText(text, 'fuzz.txt');
  } catch (err) {
    expect(err).toBeInstanceOf(ImportError);
    return;
  }
  checkInvariants(result);
}

const realLine = fc.constantFrom(...REAL_LINES);

/** insert / delete / swap / truncate edits applied to one line. */
const mutatedLine = fc
  .tuple(
    realLine,
    fc.array(
      fc.record({
        op: fc.constantFrom('insert', 'delete', 'swap', 'truncate'),
        at: fc.nat(),
        ch: fc.constantFrom(
          ...'0123456789/.:,-[] \u200e\u200f\u202a\u202c\ufeff\u00a0\u202f\u060c\u0663PMAMpm年月日 a.m.'.split(''),
          '\n',
          '\r',
          '\u{1F600}',
        ),
      }),
      { maxLength: 4 },
    ),
  )
  .map(([line, edits]) => {
    let s = line;
    for (const e of edits) {
      const at = s.length === 0 ? 0 : e.at % (s.length + 1);
      if (e.op === 'insert') s = s.slice(0, at) + e.ch + s.slice(at);
      else if (e.op === 'delete') s = s.slice(0, at) + s.slice(at + 1);
      else if (e.op === 'swap' && at + 1 < s.length) s = s.slice(0, at) + (s[at + 1] ?? '') + (s[at] ?? '') + s.slice(at + 2);
      else if (e.op === 'truncate') s = s.slice(0, at);
    }
    return s;
  });

/** Header-shaped lines built from random pieces of every layout. */
const headerLike = fc
  .tuple(
    fc.constantFrom('', '[', '\u200e[', '\ufeff'),
    fc.integer({ min: 0, max: 40 }),
    fc.constantFrom('/', '.', '-', '\u200f/'),
    fc.integer({ min: 0, max: 40 }),
    fc.constantFrom('2020', '20', '2565', '1401', '99', '0'),
    fc.constantFrom(', ', ' ', '، ', ' klo '),
    fc.integer({ min: 0, max: 30 }),
    fc.constantFrom(':', '.'),
    fc.integer({ min: 0, max: 70 }),
    fc.constantFrom('', ':05', '.59', ':99'),
    fc.constantFrom('', ' PM', '\u202fAM', ' p.\u00a0m.', ' م', ' nachm.'),
    fc.constantFrom('] ', ' - ', ': ', ' '),
    fc.constantFrom('Anna: hi', '\u202a+1 555\u202c: yo', 'Bob added Carol', 'X: \u200eimage omitted', 'A: B: c', 'Name:', ''),
  )
  .map((p) => `${p[0]}${p[1]}${p[2]}${p[3]}${p[2]}${p[4]}${p[5]}${p[6]}${p[7]}${p[8]}${p[9]}${p[10]}${p[11]}${p[12]}`);

describe('fuzz: parseWhatsAppText', () => {
  it('random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        parseSafely(s);
        expect(typeof looksLikeWhatsApp(s)).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });

  it('mutated real export lines, shuffled, truncated and duplicated', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(realLine, mutatedLine), { minLength: 1, maxLength: 25 }),
        fc.nat(),
        fc.constantFrom('\n', '\r\n', '\r'),
        (lines, dup, eol) => {
          const copy = [...lines];
          const pick = copy[dup % copy.length];
          if (pick !== undefined) copy.splice(dup % (copy.length + 1), 0, pick);
          parseSafely(copy.join(eol));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('header-shaped lines from every layout', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(headerLike, realLine), { minLength: 1, maxLength: 20 }), (lines) => {
        parseSafely(lines.join('\n'));
      }),
      { numRuns: 400 },
    );
  });
});

describe('fuzz: decodeText', () => {
  it('random bytes decode or fail with an ImportError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          const text = decodeText(bytes, 'fuzz.txt');
          expect(text.charCodeAt(0)).not.toBe(0xfeff);
          parseSafely(text);
        } catch (err) {
          expect(err).toBeInstanceOf(ImportError);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('real text with random byte damage', () => {
    const enc = new TextEncoder();
    fc.assert(
      fc.property(fc.array(realLine, { minLength: 1, maxLength: 10 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (lines, hits) => {
        const bytes = enc.encode(lines.join('\n'));
        for (const [at, value] of hits) if (bytes.length > 0) bytes[at % bytes.length] = value;
        try {
          parseSafely(decodeText(bytes, 'fuzz.txt'));
        } catch (err) {
          expect(err).toBeInstanceOf(ImportError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
