// Fidelity metrics on hand-made inputs with known answers: each style part (length, bursts, emoji rate and
// mix, casing, endings, laughter, signature words), the combined score, content closeness on hand vectors,
// and the authorship classifier (separates two clearly different authors; chance level on shuffled labels).
import { describe, expect, it } from 'vitest';
import { contentCloseness, styleMatch, trainAuthorship, type StylePartName } from '../../src/lib/persona/fidelity';

const part = (m: ReturnType<typeof styleMatch>, name: StylePartName) => {
  const p = m.parts.find((x) => x.name === name);
  if (p === undefined) throw new Error(`no part ${name}`);
  return p;
};

const REAL = ['hey whats up', 'lol yes 😂\nsee u at 8', 'no way', 'omg lol 😂', 'ok cool\nbring snacks'];

describe('styleMatch', () => {
  it('scores identical sets 100 on every part', () => {
    const m = styleMatch(REAL, REAL, { signatureWords: ['lol', 'see u'] });
    expect(m.score).toBe(100);
    for (const p of m.parts) expect(p.score).toBe(100);
    expect(m.parts.map((p) => p.name)).toEqual(['length', 'bubbles', 'emoji', 'topEmojis', 'casing', 'endings', 'laughter', 'signature']);
  });

  it('gives a low length part to disjoint length distributions and reports the medians', () => {
    const short = ['ok', 'yes', 'no', 'sure'];
    const long = ['x'.repeat(200), 'y'.repeat(180), 'z'.repeat(250), 'w'.repeat(190)];
    const p = part(styleMatch(long, short), 'length');
    expect(p.score).toBe(0);
    expect(p.real).toBe(2.5);
    expect(p.persona).toBe(195);
    // Half the generated bubbles in the real bin range: half the overlap.
    expect(part(styleMatch(['ok', 'no', 'x'.repeat(200), 'y'.repeat(200)], short), 'length').score).toBe(50);
  });

  it('compares bubbles per turn', () => {
    const bursty = ['a\nb\nc', 'd\ne\nf'];
    const single = ['a', 'b'];
    const p = part(styleMatch(single, bursty), 'bubbles');
    expect(p.score).toBe(0);
    expect(p.persona).toBe(1);
    expect(p.real).toBe(3);
    // An empty reply is not a one-message reply.
    expect(part(styleMatch(['', ''], single), 'bubbles').score).toBe(0);
  });

  it('compares the emoji rate with a floor for tiny rates', () => {
    // Real: 2 emoji over 4 bubbles = 0.5 per bubble; generated: none.
    const real = ['a 😂', 'b', 'c 😂', 'd'];
    const none = ['a', 'b', 'c', 'd'];
    const p = part(styleMatch(none, real), 'emoji');
    expect(p.real).toBe(0.5);
    expect(p.persona).toBe(0);
    // 1 - 0.5 / (0.5 + 0.05)
    expect(p.score).toBeCloseTo(100 * (1 - 0.5 / 0.55), 1);
    expect(part(styleMatch(real, real), 'emoji').score).toBe(100);
    // Same rate, other emoji: rate matches, the mix does not.
    const other = ['a 🙂', 'b', 'c 🙂', 'd'];
    expect(part(styleMatch(other, real), 'emoji').score).toBe(100);
    expect(part(styleMatch(other, real), 'topEmojis').score).toBe(0);
    // Half of the emoji the same: half the mix.
    expect(part(styleMatch(['a 😂', 'b', 'c 🙂', 'd'], real), 'topEmojis').score).toBe(50);
    // Neither side uses emoji: they agree.
    expect(part(styleMatch(none, none), 'topEmojis').score).toBe(100);
  });

  it('compares casing', () => {
    const lower = ['hello there', 'see you', 'ok then', 'fine'];
    const capital = ['Hello there', 'See you', 'Ok then', 'Fine'];
    const p = part(styleMatch(capital, lower), 'casing');
    expect(p.score).toBe(0);
    expect(p.real).toBe(1);
    expect(p.persona).toBe(0);
    expect(part(styleMatch(['Hello there', 'see you', 'ok then', 'fine'], lower), 'casing').score).toBe(75);
    // Bubbles without letters do not count.
    expect(part(styleMatch([...lower, '😂', '123'], lower), 'casing').score).toBe(100);
  });

  it('compares end punctuation', () => {
    const periods = ['I am here.', 'See you.', 'Fine.', 'Ok.'];
    const bare = ['I am here', 'See you', 'Fine', 'Ok'];
    const p = part(styleMatch(periods, bare), 'endings');
    expect(p.score).toBe(0);
    expect(p.persona).toBe(1);
    expect(p.real).toBe(0);
    expect(part(styleMatch(['a?', 'b!', 'c...', 'd.'], ['a?', 'b!', 'c…', 'd.']), 'endings').score).toBe(100);
    expect(part(styleMatch(['a?', 'b?', 'c', 'd'], ['a?', 'b!', 'c', 'd']), 'endings').score).toBe(75);
  });

  it('compares laughter rate and family', () => {
    const real = ['hahaha yes', 'ok', 'haha no', 'fine'];
    expect(part(styleMatch(real, real), 'laughter').score).toBe(100);
    const p = part(styleMatch(['yes', 'ok', 'no', 'fine'], real), 'laughter');
    expect(p.real).toBe(0.5);
    expect(p.persona).toBe(0);
    expect(p.score).toBeCloseTo(100 * (1 - 0.5 / 0.55), 1);
    // Same rate, another family: half (rate 100, family 0).
    expect(part(styleMatch(['lol yes', 'ok', 'lol no', 'fine'], real), 'laughter').score).toBe(50);
  });

  it('counts signature words and phrases per turn, weight 0 without any', () => {
    const real = ['bro that is sick', 'no bro', 'for real tho'];
    const p = part(styleMatch(['that is nice', 'no', 'really'], real, { signatureWords: ['bro', 'for real'] }), 'signature');
    expect(p.real).toBe(1); // bro, bro, for real over 3 turns
    expect(p.persona).toBe(0);
    expect(p.score).toBeCloseTo(100 * (1 - 1 / 1.1), 1);
    expect(part(styleMatch(real, real, { signatureWords: ['bro', 'for real'] }), 'signature').score).toBe(100);
    const without = styleMatch(['that is nice'], real);
    expect(part(without, 'signature').weight).toBe(0);
    // The combined score is the weighted mean of the parts.
    const weighted = without.parts.filter((x) => x.weight !== 0);
    expect(without.score).toBeCloseTo(weighted.reduce((s, x) => s + x.score, 0) / weighted.length, 0);
  });

  it('scores empty sides: both empty agree, one empty does not', () => {
    expect(styleMatch([], []).score).toBe(100);
    expect(part(styleMatch([], REAL), 'length').score).toBe(0);
  });
});

describe('contentCloseness', () => {
  const v = (...x: number[]) => Float32Array.from(x);
  it('is the cosine of unit vectors, per pair and mean', () => {
    const r = contentCloseness([v(1, 0), v(0, 1), v(Math.SQRT1_2, Math.SQRT1_2)], [v(1, 0), v(1, 0), v(1, 0)]);
    expect(r.each).toEqual([1, 0, 0.707]);
    expect(r.mean).toBeCloseTo((1 + 0 + Math.SQRT1_2) / 3, 3);
    expect(contentCloseness([v(-1, 0)], [v(1, 0)]).mean).toBe(-1);
    expect(contentCloseness([], []).mean).toBe(0);
  });
  it('refuses mismatched inputs', () => {
    expect(() => contentCloseness([v(1)], [])).toThrow(/one real vector per generated/);
    expect(() => contentCloseness([v(1, 0)], [v(1)])).toThrow(/different lengths/);
  });
});

/** Seeded generator for synthetic corpora. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a * 1103515245 + 12345) & 0x7fffffff;
    return a / 0x7fffffff;
  };
}

/** Two clearly different synthetic authors: lowercase slang with laughs vs formal capitalised prose. */
function corpus(seed: number, n: number): { a: string[]; b: string[] } {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const slang = ['lol', 'omg', 'ya', 'gonna', 'sooo', 'bro', 'kinda', 'idk', 'tbh', 'haha', 'nah', 'wanna'];
  const formal = ['Certainly', 'However', 'regarding', 'the', 'meeting', 'schedule', 'Furthermore', 'appreciate', 'consider', 'Therefore'];
  const a: string[] = [];
  const b: string[] = [];
  for (let i = 0; i < n; i++) {
    a.push(Array.from({ length: 3 + Math.floor(r() * 4) }, () => pick(slang)).join(' '));
    b.push(`${Array.from({ length: 5 + Math.floor(r() * 5) }, () => pick(formal)).join(' ')}.`);
  }
  return { a, b };
}

describe('trainAuthorship', () => {
  it('separates two clearly different authors (> 0.9 on unseen messages)', () => {
    const train = corpus(1, 150);
    const test = corpus(2, 100);
    const model = trainAuthorship(train.a, train.b, { seed: 3 });
    expect(model.accuracyOn(test.a, test.b)).toBeGreaterThan(0.9);
    expect(model.predict('lol idk bro')).toBeGreaterThan(0.5);
    expect(model.predict('However, regarding the meeting schedule.')).toBeLessThan(0.5);
  });

  it('is at chance (~0.5) when trained on shuffled labels', () => {
    const train = corpus(4, 200);
    const test = corpus(5, 200);
    const all = [...train.a, ...train.b];
    const r = rng(9);
    const labels = all.map(() => r() < 0.5);
    const model = trainAuthorship(all.filter((_, i) => labels[i]), all.filter((_, i) => !labels[i]), { seed: 1 });
    const acc = model.accuracyOn(test.a, test.b);
    expect(acc).toBeGreaterThan(0.3);
    expect(acc).toBeLessThan(0.7);
  });

  it('is deterministic for a given input order and seed, and balanced for unequal classes', () => {
    const train = corpus(6, 60);
    const m1 = trainAuthorship(train.a, train.b, { seed: 7 });
    const m2 = trainAuthorship(train.a, train.b, { seed: 7 });
    expect(m1.predict('gonna be late lol')).toBe(m2.predict('gonna be late lol'));
    // 10x more messages of one author still does not make "always the majority".
    const big = corpus(8, 300);
    const skewed = trainAuthorship(big.a.slice(0, 30), big.b, { seed: 1 });
    const test = corpus(10, 50);
    expect(skewed.accuracyOn(test.a, test.b)).toBeGreaterThan(0.85);
  });
});
