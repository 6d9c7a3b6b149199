// The style adapter (pure, deterministic): conforms a generated reply to the person's measured habits
// without changing its words, because small models follow style instructions poorly.
// Declared edits, and only these (property-tested against an independent oracle): the letter case of the
// first letter of a bubble (never inside a word written in capitals: "NASA", "US"); sentence-final
// periods; laughter tokens that are laughter in context (letters only, never a digit run like "555",
// never "www", never an all-capitals code like "KKK"), added, removed or swapped for the person's own
// laugh; emoji added or removed (a removed keycap leaves its digit or symbol); whitespace and bubble
// splits. Every other word and number comes out as it went in. Protected spans -- links, e-mail
// addresses, mask tokens -- come out byte-identical: every rule runs with each span shielded by a placeholder.

import { MASK_TOKEN_SOURCE } from '../ingest/mask';
import { isEmojiGrapheme, scanEmoji } from './emoji';
import { laughterInContext } from './laughter';
import type { StyleProfile, StyleStats } from './types';
import { fnv1a } from '../util/fnv1a';
import { graphemes } from '../util/graphemes';

/** Fewer measured messages than this and no habit is "strong": the reply is only trimmed and split. */
const MIN_MESSAGES = 20;
/** Start bubbles with a small letter when at least this share of their messages is all-lowercase. */
const LOWERCASE_SHARE = 0.6;
/** Capitalise the first letter when at least this share starts with a capital (and few are lowercase). */
const CAPITAL_SHARE = 0.8;
/** Drop sentence-final periods when at most this share of their messages ends with one. */
const NO_PERIOD_SHARE = 0.05;
/** Never-uses: emoji per message / share of messages with laughter below these, remove them. */
const NO_EMOJI_RATE = 0.02;
const NO_LAUGH_SHARE = 0.01;
/** Adds their favourite emoji / laugh to replies without one, at their own rate, above these shares. */
const ADD_EMOJI_SHARE = 0.3;
const ADD_LAUGH_SHARE = 0.3;
/** Swap other laughs for theirs when one family makes at least this share of their laughs. */
const LAUGH_FAMILY_SHARE = 0.6;

/** Same word pattern as text.ts, with positions (text.ts only returns the tokens). */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:['’][\p{L}\p{M}]+)*/gu;
/** Scripts written without spaces: their word boundaries come from a segmenter, so laughs there are left alone. */
const NO_SPACES_SCRIPT = /[\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u{20000}-\u{2FA1F}]/u;
/** The word at the start of a string (same pattern as WORD). */
const WORD_AT = /^[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:['’][\p{L}\p{M}]+)*/u;
const SENTENCE_END = /(?<=[.!?…])\s+(?=\S)/u;

// Protected spans. Over-matching only means some text keeps its casing, so the patterns are loose; the
// bare-domain and e-mail forms start at a word start only, which keeps a long unbroken word linear.
const URL_CHAR = String.raw`[A-Za-z0-9\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF\-._~:/?#\[\]@!$&'()*+,;=%]`;
const PROTECTED_SOURCES = [
  MASK_TOKEN_SOURCE,
  String.raw`(?:https?|ftp):\/\/${URL_CHAR}+`,
  String.raw`www\.[\p{L}\p{N}-]+\.${URL_CHAR}+`,
  String.raw`(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,24}`,
  String.raw`(?<![\p{L}\p{N}.-])[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,24}\/${URL_CHAR}*`,
  // Placeholders are private-use characters, so any already in the reply are shielded as spans too:
  // restoring can then never mistake one for a placeholder.
  String.raw`[\uE000-\uF8FF]`,
];
const PROTECTED = new RegExp(PROTECTED_SOURCES.join('|'), 'giu');
const PLACEHOLDER_FIRST = 0xe000;
const PLACEHOLDER_COUNT = 0xf8ff - 0xe000 + 1;
const PLACEHOLDER = /[\uE000-\uF8FF]/gu;
/** Sentence punctuation after a link belongs to the sentence ("see x.com/a."). */
const URL_TRAILING = /[.,!?;:'"]+$/u;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

interface Shielded {
  text: string;
  spans: string[];
}

/**
 * Replaces each protected span by one placeholder character (which no rule below reads as a letter,
 * digit, word, emoji, period or space). A span glued to a word is widened to the whole word, so word
 * boundaries -- and hence laughter detection -- stay what they were. Null when a reply has more spans
 * than placeholders (thousands; no real reply does): then nothing can be protected safely.
 */
function shield(text: string): Shielded | null {
  const spans: string[] = [];
  let out = '';
  let done = 0;
  PROTECTED.lastIndex = 0;
  for (let m = PROTECTED.exec(text); m !== null; m = PROTECTED.exec(text)) {
    let start = m.index;
    let span = m[0];
    if (!span.startsWith('[') && span.length > 1) {
      span = span.replace(URL_TRAILING, '');
      // A closing parenthesis is the link's own only when the link opened one ("wiki/Foo_(Bar)").
      while (span.endsWith(')') && span.split('(').length < span.split(')').length) span = span.slice(0, -1);
    }
    let end = start + span.length;
    while (start > done && WORD_CHAR.test(text.charAt(start - 1))) start--;
    while (end < text.length && WORD_CHAR.test(text.charAt(end))) end++;
    if (spans.length === PLACEHOLDER_COUNT) return null;
    out += text.slice(done, start) + String.fromCharCode(PLACEHOLDER_FIRST + spans.length);
    spans.push(text.slice(start, end));
    done = end;
    PROTECTED.lastIndex = end;
  }
  return { text: out + text.slice(done), spans };
}

function unshield(text: string, spans: readonly string[]): string {
  return text.replace(PLACEHOLDER, (ch) => spans[ch.charCodeAt(0) - PLACEHOLDER_FIRST] ?? ch);
}


/** Same test as the prompt's style rules: several short bubbles per turn. */
function isBursty(p: StyleStats): boolean {
  const b = p.bubblesPerTurn;
  return b.count > 0 && b.mean >= 1.5 && b.p90 >= 2;
}

/** 32-bit FNV-1a mapped to [0, 1): a deterministic "coin" per reply, so rates are met on average. */
function coin(text: string, salt: string): number {
  return fnv1a(`${salt}\u0000${text}`) / 4294967296;
}

const tidy = (s: string): string => s.replace(/[ \t]{2,}/g, ' ').trim();

function removeEmoji(text: string): string {
  if (scanEmoji(text).emojis.length === 0) return text;
  // A space in place of each emoji, so "a😀b" does not become one word. A keycap ("1️⃣", "#️⃣") is a
  // digit or symbol the person typed, styled: its base character stays.
  return graphemes(text)
    .map((g) => (!isEmojiGrapheme(g) ? g : g.includes('\u20E3') ? g.charAt(0) : ' '))
    .join('');
}

/** Replaces (or, with null, removes) every laughter token of a family other than `keep`. */
function replaceLaughs(text: string, replacement: string | null, keep: string | null): string {
  if (NO_SPACES_SCRIPT.test(text)) return text;
  return text.replace(WORD, (word) => {
    const family = laughterInContext(word);
    if (family === null || family === keep) return word;
    return replacement ?? ' ';
  });
}

/** Splits one line into about `target` bubbles at sentence ends, balancing their lengths. */
function splitSentences(line: string, target: number): string[] {
  const sentences = line.split(SENTENCE_END);
  if (sentences.length <= 1 || target <= 1) return [line];
  const groups = Math.min(target, sentences.length);
  const total = sentences.reduce((s, x) => s + x.length, 0);
  const out: string[] = [];
  let current: string[] = [];
  let done = 0;
  sentences.forEach((sentence, i) => {
    current.push(sentence);
    done += sentence.length;
    const left = sentences.length - i - 1;
    const bubblesLeft = groups - out.length - 1;
    // Close a bubble when its share of the text is reached, or when every remaining sentence is needed.
    if (bubblesLeft > 0 && (done >= (total * (out.length + 1)) / groups || left === bubblesLeft)) {
      out.push(current.join(' '));
      current = [];
    }
  });
  if (current.length > 0) out.push(current.join(' '));
  return out;
}

/**
 * Capitalises the bubble's first letter-or-digit when it is a lowercase letter of a cased script: a
 * bubble that starts with a number ("3pm"), a protected span (placeholder) or an uncased script
 * ("مرحبا hello", "我喜欢iphone") is left alone, since capitalising a later word would not be "starting
 * with a capital" anyway.
 */
function capitalizeFirst(bubble: string): string {
  const m = /[\p{L}\p{N}\uE000-\uF8FF]/u.exec(bubble);
  if (m === null || !/\p{Ll}/u.test(m[0])) return bubble;
  const ch = m[0];
  const upper = ch.toUpperCase();
  // Only a one-to-one case pair ("ß" -> "SS" or "ı" -> "I" would change the word once case-folded).
  if (upper === ch || [...upper].length !== 1 || upper.toLowerCase() !== ch) return bubble;
  return bubble.slice(0, m.index) + upper + bubble.slice(m.index + ch.length);
}

function hasLaughter(text: string): boolean {
  return (NO_SPACES_SCRIPT.test(text) ? [] : text.match(WORD) ?? []).some((w) => laughterInContext(w) !== null);
}

/**
 * Lowercases the bubble's first letter when it starts a word written with only that one capital
 * ("Sure" -> "sure", "I" -> "i"); a word in capitals ("NASA", "US", "OK", "A0") or with inner capitals
 * ("McDonald's", "iPhone") keeps its case, as does every later word. Only one-to-one case pairs.
 */
function lowercaseFirst(bubble: string): string {
  const m = /[\p{L}\p{N}\uE000-\uF8FF]/u.exec(bubble);
  if (m === null || !/\p{Lu}/u.test(m[0])) return bubble;
  const word = WORD_AT.exec(bubble.slice(m.index))?.[0] ?? m[0];
  const rest = word.slice(m[0].length);
  // A code ("A0", "B12") is a word in capitals too: only a lone letter or a word with small letters after.
  if (/\p{Lu}/u.test(rest) || (rest !== '' && !/\p{Ll}/u.test(rest))) return bubble;
  const ch = m[0];
  const lower = ch.toLowerCase();
  if (lower === ch || [...lower].length !== 1 || lower.toUpperCase() !== ch) return bubble;
  return bubble.slice(0, m.index) + lower + bubble.slice(m.index + ch.length);
}

/** Removes one sentence-final period (not an ellipsis) before the end of a bubble. */
function dropFinalPeriod(bubble: string): string {
  return /[^.]\.$/.test(bubble) || bubble === '.' ? bubble.slice(0, -1) : bubble;
}

/**
 * Conforms a generated reply to `profile` and returns its bubbles (never empty strings). Deterministic:
 * the same reply and profile always give the same bubbles.
 */
export function adaptToStyle(reply: string, profile: StyleProfile): string[] {
  const text = reply.trim();
  if (text === '') return [];
  const p = profile.person;
  const lines = text
    .split('\n')
    .map(tidy)
    .filter((l) => l !== '');
  const shielded = p.messages < MIN_MESSAGES ? null : shield(lines.join('\n'));
  if (shielded === null) return lines;

  // 1. Emoji and laughter habits, on the whole reply (protected spans are placeholders from here on).
  let body = shielded.text;
  const topLaugh = p.laughter[0];
  const laughTotal = p.laughter.reduce((s, l) => s + l.count, 0);
  const laughIsEmoji = topLaugh !== undefined && scanEmoji(topLaugh.text).emojis.length > 0;
  // Their laugh is written in only when this adapter would itself read it as a laugh (a "555" or "www"
  // added to a spaced reply would read as a number or a link).
  const topFamily = topLaugh === undefined || laughIsEmoji ? null : laughterInContext(topLaugh.text);
  if (p.emojiPerMessage < NO_EMOJI_RATE) body = removeEmoji(body);
  if (p.shareWithLaughter < NO_LAUGH_SHARE) body = replaceLaughs(body, null, null);
  else if (topLaugh !== undefined && topFamily !== null && laughTotal > 0 && topLaugh.count / laughTotal >= LAUGH_FAMILY_SHARE) {
    body = replaceLaughs(body, topLaugh.text, topFamily);
  }
  let bubbles = body
    .split('\n')
    .map(tidy)
    .filter((l) => l !== '');
  if (bubbles.length === 0) return [];

  // 2. Bubbles: a bursty person sends sentences as separate bubbles; a one-bubble person sends one.
  if (isBursty(p)) {
    const target = Math.max(2, Math.round(p.bubblesPerTurn.median));
    if (bubbles.length < target) {
      const perLine = Math.ceil(target / bubbles.length);
      bubbles = bubbles.flatMap((line) => splitSentences(line, perLine));
    }
  } else if (p.bubblesPerTurn.count > 0 && p.bubblesPerTurn.mean < 1.25) {
    bubbles = [bubbles.join(' ')];
  }

  // 3. Casing and end punctuation, per bubble.
  const c = p.casing;
  bubbles = bubbles.map((b) => {
    let out = b;
    if (c.allLowercase >= LOWERCASE_SHARE) out = lowercaseFirst(out);
    else if (c.startsWithCapital >= CAPITAL_SHARE && c.allLowercase < 0.15) out = capitalizeFirst(out);
    if (p.endings.period <= NO_PERIOD_SHARE) out = dropFinalPeriod(out);
    return out;
  });

  // 4. Favourite emoji / laugh added at the person's own rate (a per-reply deterministic coin). Laughs
  // are looked for outside protected spans; the spans go back before anything is appended.
  const hasLaugh = hasLaughter(bubbles.join('\n'));
  bubbles = bubbles.map((b) => unshield(b, shielded.spans));
  const last = bubbles.length - 1;
  const favourite = p.topEmojis[0];
  const joined = bubbles.join('\n');
  // The coins read the reply case-folded: whether a habit is added never hangs on a casing edit.
  const folded = joined.toLowerCase();
  if (favourite !== undefined && p.shareWithEmoji >= ADD_EMOJI_SHARE && scanEmoji(joined).emojis.length === 0 && coin(folded, 'emoji') < p.shareWithEmoji) {
    bubbles[last] = `${bubbles[last] ?? ''} ${favourite.text}`;
  }
  if (topLaugh !== undefined && (laughIsEmoji || topFamily !== null) && p.shareWithLaughter >= ADD_LAUGH_SHARE && !hasLaugh && coin(folded, 'laugh') < p.shareWithLaughter) {
    bubbles[last] = `${bubbles[last] ?? ''} ${topLaugh.text}`;
  }
  return bubbles.map(tidy).filter((b) => b !== '');
}
