// hashString: known answers (the published cyrb53 values), format, determinism, and distribution.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashPair, hashString } from '../../src/lib/ingest/hash';

describe('hashString', () => {
  it('keeps cyrb53: the low 53 bits equal the values published with cyrb53', () => {
    // cyrb53 returns 2^32 * (h2 & 0x1fffff) + h1; our lanes are [h2, h1] at full width.
    const cyrb53 = (s: string): number => {
      const [hi, lo] = hashPair(s);
      return 4294967296 * (hi & 0x1fffff) + lo;
    };
    expect(cyrb53('a')).toBe(7929297801672961);
    expect(cyrb53('b')).toBe(8684336938537663);
    expect(cyrb53('revenge')).toBe(4051478007546757);
    expect(cyrb53('revenue')).toBe(8309097637345594);
  });

  it('gives 16 lowercase hex characters, the same every time', () => {
    expect(hashString('a')).toBe('501c2ba782c97901');
    expect(hashString('')).toBe('488bdcb81aee8d83');
    expect(hashString('a')).toMatch(/^[0-9a-f]{16}$/);
    expect(hashString('👩‍👩‍👧 مرحبا 你好')).toBe(hashString('👩‍👩‍👧 مرحبا 你好'));
  });

  it('tells apart strings that differ in one code unit, in order, or by a seed', () => {
    expect(hashString('revenge')).not.toBe(hashString('revenue'));
    expect(hashString('ab')).not.toBe(hashString('ba'));
    expect(hashString('a\u0000')).not.toBe(hashString('a'));
    expect(hashString('x', 1)).not.toBe(hashString('x'));
    // Surrogate halves are hashed as they are: a lone one differs from the pair.
    expect(hashString('\ud83d')).not.toBe(hashString('\ud83d\ude00'));
  });

  it('has no collision among 200k similar strings and fills the hex digits evenly', () => {
    const seen = new Set<string>();
    const firstDigit = new Array<number>(16).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const h = hashString(`2019-05-04T14:59:00\u0000Anna\u0000message\u0000ok ${i}`);
      seen.add(h);
      const d = parseInt(h.charAt(0), 16);
      firstDigit[d] = (firstDigit[d] ?? 0) + 1;
    }
    expect(seen.size).toBe(n);
    for (const count of firstDigit) {
      expect(count).toBeGreaterThan((n / 16) * 0.95);
      expect(count).toBeLessThan((n / 16) * 1.05);
    }
  });

  it('flips about half of the 64 bits when one character changes (avalanche)', () => {
    const bits = (h: string): string =>
      h
        .split('')
        .map((c) => parseInt(c, 16).toString(2).padStart(4, '0'))
        .join('');
    let total = 0;
    const trials = 2000;
    for (let i = 0; i < trials; i++) {
      const a = bits(hashString(`message number ${i}`));
      const b = bits(hashString(`message number ${i + 1}`));
      for (let k = 0; k < 64; k++) if (a[k] !== b[k]) total++;
    }
    const mean = total / trials;
    expect(mean).toBeGreaterThan(30);
    expect(mean).toBeLessThan(34);
  });

  it('is deterministic and fixed-width for any string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const h = hashString(s);
        expect(h).toMatch(/^[0-9a-f]{16}$/);
        expect(hashString(s.slice())).toBe(h);
      }),
    );
  });

  it('hashes 100k message-sized strings without a collision', () => {
    const texts = Array.from({ length: 100_000 }, (_, i) => `2019-05-04T14:59:00|Anna|message|this is message ${i} 😀`);
    expect(new Set(texts.map((t) => hashString(t))).size).toBe(texts.length);
  });
});
