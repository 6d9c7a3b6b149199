// Words for lexical matching, in any script: Intl.Segmenter finds words (dictionary-based for Chinese,
// Japanese, Thai), then case, width and Latin accents are folded and stretched letters ("sooo") are
// shortened, so slang spelled loosely still matches. Pure; the same function serves documents and queries.

const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });

/** Combining accents of Latin/Greek/Cyrillic only: marks in other scripts (Devanagari vowels) carry meaning. */
const LATIN_MARKS = /[\u0300-\u036f]/g;
const STRETCHED = /(\p{L})\1{2,}/gu;
const HAS_WORD_CHAR = /[\p{L}\p{N}]/u;

export function normalizeWord(word: string): string {
  return word.normalize('NFKD').replace(LATIN_MARKS, '').normalize('NFC').toLowerCase().replace(STRETCHED, '$1$1');
}

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const { segment, isWordLike } of segmenter.segment(text)) {
    if (isWordLike !== true && !HAS_WORD_CHAR.test(segment)) continue;
    const word = normalizeWord(segment);
    if (word !== '' && HAS_WORD_CHAR.test(word)) out.push(word);
  }
  return out;
}
