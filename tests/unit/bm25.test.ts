// Lexical half of retrieval: words in any script, folded case/accents/stretched letters, and BM25
// ranking where a rare word (a name, slang) outweighs common ones.
import { describe, expect, it } from 'vitest';
import { Bm25 } from '../../src/lib/search/bm25';
import { normalizeWord, tokenize } from '../../src/lib/search/tokenize';

describe('tokenize', () => {
  it('folds case, Latin accents and stretched letters, and drops punctuation and emoji', () => {
    expect(tokenize('Sooooo GOOD!!! Café déjà-vu 😂 ok?')).toEqual(['soo', 'good', 'cafe', 'deja', 'vu', 'ok']);
    expect(normalizeWord('Ünïcödé')).toBe('unicode');
  });

  it('finds words in scripts without spaces and keeps non-Latin marks', () => {
    expect(tokenize('明日は東京に行きます')).toContain('東京');
    expect(tokenize('Привет, как дела?')).toEqual(['привет', 'как', 'дела']);
    expect(tokenize('مرحبا كيف حالك')).toEqual(['مرحبا', 'كيف', 'حالك']);
    // Devanagari vowel signs carry meaning and stay.
    expect(tokenize('नमस्ते दोस्त')).toEqual(['नमस्ते', 'दोस्त']);
    expect(tokenize('2024 was 10x better')).toEqual(['2024', 'was', '10x', 'better']);
  });
});

describe('Bm25', () => {
  const docs = [
    'are you coming to the party tonight',
    'the weather is nice today',
    'did you feed Rex the dog',
    'the the the the the the',
    'party party party at Giulia place',
    '',
  ];
  const bm25 = new Bm25(docs);

  it('ranks by rare shared words, and ignores documents sharing nothing', () => {
    const hits = bm25.search('the rex hungry', 10);
    // "rex" is rare, "the" is in most documents: the Rex document wins over the longer "the" ones.
    expect(hits[0]?.index).toBe(2);
    expect(hits.map((h) => h.index)).not.toContain(4);
    expect(bm25.search('rex hungry', 10).map((h) => h.index)).toEqual([2]);
    expect(bm25.search('nothing matches zzz', 5)).toEqual([]);
  });

  it('saturates repeated terms and normalizes by length', () => {
    const hits = bm25.search('party', 10);
    expect(hits.map((h) => h.index)).toEqual([4, 0]);
    const once = bm25.scores('party').get(0) ?? 0;
    const thrice = bm25.scores('party').get(4) ?? 0;
    expect(thrice).toBeLessThan(once * 3);
  });

  it('gives common words less weight than rare ones, never negative', () => {
    expect(bm25.idf('the')).toBeLessThan(bm25.idf('rex'));
    expect(bm25.idf('the')).toBeGreaterThanOrEqual(0);
    expect(bm25.idf('unknown-word')).toBeGreaterThan(bm25.idf('rex'));
  });

  it('matches loosely spelled slang and names in another case', () => {
    const slang = new Bm25(['sooo tired today', 'so what', 'GIULIA said hi']);
    expect(slang.search('soooooo tired', 1)[0]?.index).toBe(0);
    expect(slang.search('giulia', 1)[0]?.index).toBe(2);
  });

  it('applies the filter', () => {
    expect(bm25.search('party', 10, (i) => i !== 4).map((h) => h.index)).toEqual([0]);
  });
});
