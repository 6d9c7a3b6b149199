// Laughter tokens across languages and scripts ("haha", "jajaja", "kkkk", "ㅋㅋ", "555", "mdr", "хаха",
// "😂"), each normalized to one family name so that "hahahah" and "ahah" count together.
// Invariants: works on lowercase word tokens (as produced by text.ts) plus the message's emoji; a token
// belongs to at most one family; pure and allocation-light (called for every word of every message).
// laughterInContext is the strict reading for editing text: never digits, "www" or a code in capitals.

/** Families made of two alternating letters ("haha", "ahah", "jajaja"): [letters, family]. */
const ALTERNATING: ReadonlyMap<string, string> = new Map([
  ['ah', 'haha'],
  ['eh', 'hehe'],
  ['hi', 'hihi'],
  ['aj', 'jaja'],
  ['ej', 'jeje'],
  ['ij', 'jiji'],
  ['js', 'jsjs'],
  ['rs', 'rsrs'],
  ['kw', 'wkwk'],
  ['ах', 'хаха'],
  ['ех', 'хехе'],
  ['их', 'хихи'],
  ['αχ', 'χαχα'],
]);

const PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/^k{3,}$/, 'kkk'],
  [/^ㅋ{2,}$/, 'ㅋㅋ'],
  [/^ㅎ{2,}$/, 'ㅎㅎ'],
  [/^5{3,}$/, '555'],
  [/^l+o+l+(?:o+l+)*$/, 'lol'],
  [/^lmf?a+o+$/, 'lmao'],
  [/^ro+fl(?:mao)?$/, 'rofl'],
  [/^mdr+$/, 'mdr'],
  [/^ptdr+$/, 'ptdr'],
  [/^x+d+$/, 'xD'],
  [/^[wｗ]{3,}$/, 'www'],
  [/^ه{3,}$/, 'ههه'],
  [/^ח{3,}$/, 'חחח'],
  [/^哈{2,}$/, '哈哈'],
];

/** Emoji that people use as laughter; each is its own family. */
export const LAUGH_EMOJI: ReadonlySet<string> = new Set(['😂', '🤣', '💀', '😆', '😹', '😅']);

/**
 * The laughter family of one lowercase token, or null. Two-letter families need at least three
 * alternations ("haha", "ahah"), so "ha", "hah" and "aha" are not laughter on their own.
 */
export function laughFamily(token: string): string | null {
  const n = token.length;
  if (n < 2) return null;
  const a = token.charAt(0);
  if (n >= 4) {
    let b = '';
    let alternations = 0;
    let ok = true;
    for (let i = 1; i < n; i++) {
      const c = token.charAt(i);
      if (c === token.charAt(i - 1)) continue;
      if (b === '') b = c;
      if ((c !== a && c !== b) || b === '') {
        ok = false;
        break;
      }
      alternations++;
    }
    if (ok && alternations >= 3 && b !== '') {
      const key = a < b ? a + b : b + a;
      const family = ALTERNATING.get(key);
      if (family !== undefined) return family;
    }
  }
  for (const [re, family] of PATTERNS) if (re.test(token)) return family;
  return null;
}

/**
 * Families in one message: word tokens (lowercase) and emoji. "ha ha" and "ja ja" (two short tokens)
 * count as one laugh; Chinese "哈哈" and Japanese "(笑)" are found in the raw text because those scripts
 * have no spaces between words.
 */
export function laughterOf(tokens: readonly string[], emojis: readonly string[], raw: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    if ((t === 'ha' || t === 'ja' || t === 'he') && tokens[i + 1] === t) {
      out.push(t === 'ha' ? 'haha' : t === 'ja' ? 'jaja' : 'hehe');
      while (tokens[i + 1] === t) i++;
      continue;
    }
    const family = laughFamily(t);
    if (family !== null) out.push(family);
  }
  for (const e of emojis) {
    const base = e.replace(/\uFE0F|[\u{1F3FB}-\u{1F3FF}]/gu, '');
    if (LAUGH_EMOJI.has(base)) out.push(base);
  }
  if (raw.includes('哈哈') && !tokens.some((t) => t.includes('哈'))) out.push('哈哈');
  if (raw.includes('笑)') || raw.includes('笑）')) out.push('笑');
  return out;
}

/**
 * Families whose tokens are something else in text written with spaces: "555" is a number (Thai
 * laughter, but Thai has no spaces and is left alone anyway), "www" a web prefix (Japanese laughter, same).
 */
const NOT_LAUGHTER_WITH_SPACES: ReadonlySet<string> = new Set(['555', 'www']);
/** Families still laughter when written in capitals ("HAHAHA", "LOL"); other capitals are codes ("KKK", "MDR", "XD"). */
const LAUGHTER_IN_CAPITALS: ReadonlySet<string> = new Set(['haha', 'hehe', 'hihi', 'jaja', 'jeje', 'jiji', 'jsjs', 'rsrs', 'wkwk', 'хаха', 'хехе', 'хихи', 'χαχα', 'lol', 'lmao', 'rofl']);
const LETTERS_ONLY = /^\p{L}+$/u;
const HAS_LOWER = /\p{Ll}/u;

/**
 * The laughter family of a word token as written (any case) when it is laughter in text written with
 * spaces, else null: letters only (a token with a digit is a number or a code), not a family that is a
 * common non-laugh in spaced text, and in capitals only when the capital form is still a laugh.
 */
export function laughterInContext(word: string): string | null {
  if (!LETTERS_ONLY.test(word)) return null;
  const family = laughFamily(word.toLowerCase());
  if (family === null || NOT_LAUGHTER_WITH_SPACES.has(family)) return null;
  if (!HAS_LOWER.test(word) && !LAUGHTER_IN_CAPITALS.has(family)) return null;
  return family;
}
