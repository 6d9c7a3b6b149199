// Text helpers shared by the persona builders: what counts as a word, how masked PII and links are
// kept out of style statistics, and a comparison form of short texts. Invariants: a mask token such
// as `[phone-3fa2c1]` or a URL is never a word (it becomes one U+FFFC placeholder character); scripts
// written without spaces (Chinese, Japanese, Thai...) are split with Intl.Segmenter, all else by regex.

import { MASK_TOKEN_SOURCE } from '../ingest/mask';

/** What a masked value or a link becomes in cleaned text: one character, never a word. */
export const PLACEHOLDER = '\uFFFC';

const MASK_OR_URL = new RegExp(`${MASK_TOKEN_SOURCE}|\\b(?:https?|ftp)://\\S+|\\bwww\\.\\S+`, 'giu');
const MAY_HAVE_MASK_OR_URL = /\[|:\/\/|www\./i;

/** Replaces mask tokens and URLs with the placeholder; other text is returned unchanged. */
export function cleanText(text: string): string {
  if (!MAY_HAVE_MASK_OR_URL.test(text)) return text;
  return text.replace(MASK_OR_URL, PLACEHOLDER);
}

const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:['’][\p{L}\p{M}]+)*/gu;
// Thai, Lao, Myanmar, Khmer, CJK (kana, Han, compatibility ideographs, extension B+): plain ranges test
// much faster than Script= properties, and a few symbols in these blocks only cost a segmenter call.
const NO_SPACES_SCRIPT = /[\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u{20000}-\u{2FA1F}]/u;
const HAS_LETTER = /\p{L}/u;

let wordSegmenter: Intl.Segmenter | null = null;

/**
 * Word tokens in lowercase, in order. Apostrophes inside words are kept ("don't", "c'est", "l'ora")
 * and unified to U+0027, so a typewriter and a curly apostrophe give the same word.
 */
export function wordsOf(text: string): string[] {
  let lower = text.toLowerCase();
  if (lower.includes('’')) lower = lower.replace(/’/g, "'");
  if (NO_SPACES_SCRIPT.test(lower)) {
    wordSegmenter ??= new Intl.Segmenter('ja', { granularity: 'word' });
    const out: string[] = [];
    for (const s of wordSegmenter.segment(lower)) if (s.isWordLike === true) out.push(s.segment);
    return out;
  }
  return lower.match(WORD) ?? [];
}

/** A token with a letter (numbers alone are not vocabulary). */
export function isVocabulary(token: string): boolean {
  return HAS_LETTER.test(token);
}

/**
 * Comparison form of a short text: lowercase, NFKC, runs of whitespace collapsed, punctuation at the
 * ends dropped. Used for dedupe and trivial-reply detection, never shown.
 */
export function comparable(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '');
}
