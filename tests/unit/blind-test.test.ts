// The blind friend test helper: the seeded shuffle is a stable permutation, rounds never show duplicate
// texts, and the pick-rate statistics match hand-computed binomial values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  atLeastProbability,
  describeStats,
  makeRound,
  pickStats,
  seedFrom,
  seededShuffle,
  type BlindExample,
} from '../../src/lib/persona/blind-test';

const example: BlindExample = {
  pairId: 'pair-1',
  context: [{ author: 'Bob', text: 'coming tonight?', ts: '2024-01-01T10:00:00' }],
  real: 'yes!!\nsee you at 8',
  generated: { persona: 'Sure, I will be there.', personaAdapted: 'sure i will be there', generic: 'As an AI…', noExamples: 'maybe' },
};

describe('seededShuffle', () => {
  it('returns a permutation of its input, the same for the same seed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 30 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (items, seed) => {
        const a = seededShuffle(items, seed);
        expect([...a].sort((x, y) => x - y)).toEqual([...items].sort((x, y) => x - y));
        expect(seededShuffle(items, seed)).toEqual(a);
      }),
    );
  });

  it('different seeds give different orders (not a fixed permutation)', () => {
    const items = [0, 1, 2, 3, 4, 5, 6, 7];
    const orders = new Set(Array.from({ length: 20 }, (_, seed) => seededShuffle(items, seed).join(',')));
    expect(orders.size).toBeGreaterThan(10);
  });

  it('puts the real reply in every position about equally often', () => {
    const counts = [0, 0, 0];
    for (let seed = 0; seed < 3000; seed++) {
      const round = makeRound(example, 2, seedFrom(`r${seed}`));
      if (round !== null) counts[round.realIndex] = (counts[round.realIndex] ?? 0) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(850);
  });
});

describe('makeRound', () => {
  it('shows the real reply and k generated ones from the preferred variants, stable for a seed', () => {
    const round = makeRound(example, 2, 42);
    expect(round).not.toBeNull();
    if (round === null) return;
    expect(round.k).toBe(2);
    expect(round.candidates).toHaveLength(3);
    expect(round.candidates[round.realIndex]).toEqual({ source: 'real', text: example.real });
    expect(round.candidates.map((c) => c.source).sort()).toEqual(['persona', 'personaAdapted', 'real']);
    expect(makeRound(example, 2, 42)).toEqual(round);
  });

  it('skips empty and duplicate texts, and gives up when nothing generated is usable', () => {
    const dupes: BlindExample = { ...example, generated: { persona: 'yes!!  see you at 8', personaAdapted: '  ', noExamples: 'ok' } };
    const round = makeRound(dupes, 2, 1);
    expect(round?.k).toBe(1);
    expect(round?.candidates.map((c) => c.source).sort()).toEqual(['noExamples', 'real']);
    expect(makeRound({ ...example, generated: { persona: '' } }, 2, 1)).toBeNull();
    expect(makeRound({ ...example, real: ' ' }, 2, 1)).toBeNull();
  });
});

describe('pick statistics', () => {
  it('computes binomial tails on known values', () => {
    // n = 10, p = 1/3: P(X >= 6) = 0.07656353... (sum of C(10,j) 2^(10-j) / 3^10 for j = 6..10)
    expect(atLeastProbability(new Array<number>(10).fill(1 / 3), 6)).toBeCloseTo(0.0765635, 6);
    // n = 4, p = 1/2: P(X >= 3) = 5/16
    expect(atLeastProbability([0.5, 0.5, 0.5, 0.5], 3)).toBeCloseTo(5 / 16, 12);
    expect(atLeastProbability([0.5, 0.5], 0)).toBe(1);
    expect(atLeastProbability([0.5, 0.5], 3)).toBe(0);
    // Mixed chances (Poisson-binomial): P(both) = 1/2 * 1/3.
    expect(atLeastProbability([1 / 2, 1 / 3], 2)).toBeCloseTo(1 / 6, 12);
  });

  it('reports rate, chance, p-value and a plain sentence', () => {
    const rounds = [...Array.from({ length: 6 }, () => ({ k: 2, correct: true })), ...Array.from({ length: 4 }, () => ({ k: 2, correct: false }))];
    const stats = pickStats(rounds);
    expect(stats).toMatchObject({ rounds: 10, correct: 6, rate: 0.6 });
    expect(stats.chance).toBeCloseTo(1 / 3, 12);
    expect(stats.pValue).toBeCloseTo(0.0765635, 6);
    expect(describeStats(stats)).toContain('Your friends found the real reply 6 of 10 times; chance is 33%.');
    expect(describeStats(stats)).toContain('not clearly better than guessing');
    const strong = pickStats(Array.from({ length: 10 }, () => ({ k: 2, correct: true })));
    expect(strong.pValue).toBeCloseTo(3 ** -10, 12);
    expect(describeStats(strong)).toContain('better than guessing');
    expect(describeStats(pickStats([]))).toBe('No rounds played yet.');
  });
});
