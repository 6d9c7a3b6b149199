// The style profile: measured habits of one participant (lengths, bursts, emoji, laughter, casing,
// punctuation, openers/closers, signature words, languages, reply latency, active hours) next to the
// same numbers for everybody else. Invariants: pure and synchronous (runs in a worker and in node);
// only kind 'message' items with text count; masked PII tokens and links are never words; the person
// and the others are measured by the same code with the same histogram edges.

import type { ItemKind } from '../ingest/types';
import { localTsToMs } from '../ingest/normalize';
import { distribution, EDGES } from './distribution';
import { emojiKey, scanEmoji } from './emoji';
import { pickLanguage, wordLanguages } from './lang';
import { LAUGH_EMOJI, laughFamily } from './laughter';
import { Counts, PairIndex } from './pair-counter';
import { styleSummary } from './style-summary';
import { cleanText, isVocabulary, wordsOf } from './words';
import type { CountedText, StyleProfile, StyleStats } from './types';

/** Bumped whenever the numbers a profile holds change meaning; stored profiles of older versions are rebuilt. */
export const STYLE_PROFILE_VERSION = 1;

/** What the profile reads of a stored message (a structural subset of MessageRow). */
export interface MessageLike {
  id: string;
  ts: string;
  author: string | null;
  kind: ItemKind;
  text: string;
}

/** What the profile reads of a stored turn (a structural subset of TurnRow). */
export interface TurnLike {
  author: string;
  startTs: string;
  endTs: string;
  text: string;
  bubbles: number;
  messageIds: readonly string[];
  /** The imported chat the turn belongs to: nothing is measured across two chats (absent = one chat). */
  chat?: string;
}

export interface StyleOptions {
  /** A reply later than this after the other person's turn is a new conversation, not latency (default 12 h). */
  maxReplyLatencyHours?: number;
}

const TOP_EMOJI = 12;
const TOP_TEXTS = 10;
const TOP_SIGNATURE = 20;
/** Dirichlet prior mass spread over the vocabulary by its pooled frequency (Monroe et al. 2008). */
const PRIOR_MASS = 1000;
/** z-score a term must exceed to be called distinctive (two-sided 5%). */
const MIN_Z = 1.96;

/** Western emoticons and the Cyrillic-chat ")))" smile; kept out of words, counted on their own. */
const EMOTICON =
  /(?<![\p{L}\p{N}])(?:[:;=]['^o-]?[)(\][DPpOo3*|/\\@$]+|<3+|\^[_.-]?\^|-_-|T_T|>_<|[oO][._][oO]|:'\()(?![\p{L}\p{N}])|(?<=[\p{L}\s]|^)\){2,}(?=\s|$)/gu;
const REPEATED_MARKS = /[!?！？]{2,}/;
const REPEATED_LETTER = /(\p{L})\1{2,}/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;
const FIRST_CASED = /[\p{Lu}\p{Ll}\p{Lt}]/u;
const TRAILING_MARKS = /[.!?！？。…؟]+$/;
// Marks that sit on a letter; VS16 and the keycap mark belong to emoji, which scanEmoji counts.
const COMBINING = /(?!\uFE0F|\u20E3)\p{M}/gu;
const HAS_COMBINING = /(?!\uFE0F|\u20E3)\p{M}/u;
/** Every combining mark is at U+0300 or above: most chat text is ruled out by this cheap range test. */
const ABOVE_LATIN = /[\u0300-\uFFFF]/;

class Counter {
  readonly map = new Map<string, number>();
  add(key: string, by = 1): void {
    this.map.set(key, (this.map.get(key) ?? 0) + by);
  }
  top(limit: number, minCount = 1): CountedText[] {
    return [...this.map]
      .filter(([, c]) => c >= minCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, limit)
      .map(([text, count]) => ({ text, count }));
  }
}

/** Facts about one distinct word, computed once per word rather than once per occurrence. */
interface WordInfo {
  text: string;
  vocabulary: boolean;
  laugh: string | null;
  stretched: boolean;
  /** Languages that use it as a function word (see lang.ts), if any. */
  langs: readonly number[] | undefined;
}

/**
 * Distinct lowercase words of the whole chat and the word pairs/triples seen, numbered so that every
 * count below is kept by integer id. Shared by both sides, so one id means the same n-gram for both.
 */
class Vocabulary {
  private readonly ids = new Map<string, number>();
  readonly info: WordInfo[] = [];
  readonly bigrams = new PairIndex();
  /** (bigram id, word id) -> trigram id. */
  readonly trigrams = new PairIndex();

  id(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.info.length;
      this.ids.set(word, id);
      const laugh = laughFamily(word);
      this.info.push({
        text: word,
        vocabulary: isVocabulary(word),
        laugh,
        stretched: laugh === null && REPEATED_LETTER.test(word),
        langs: wordLanguages(word),
      });
    }
    return id;
  }

  word(id: number): string {
    return this.info[id]?.text ?? '';
  }

  bigramText(id: number): string {
    return `${this.word(this.bigrams.first(id))} ${this.word(this.bigrams.second(id))}`;
  }

  trigramText(id: number): string {
    return `${this.bigramText(this.trigrams.first(id))} ${this.word(this.trigrams.second(id))}`;
  }
}

/** Running sums for one side (the person, or everybody else). */
class Side {
  messages = 0;
  readonly chars: number[] = [];
  readonly words: number[] = [];
  emoji = 0;
  withEmoji = 0;
  readonly emojiCounts = new Counter();
  readonly emojiDisplay = new Map<string, string>();
  readonly laughter = new Counter();
  withLaughter = 0;
  readonly emoticons = new Counter();
  withEmoticon = 0;
  cased = 0;
  allLowercase = 0;
  startsWithCapital = 0;
  allCaps = 0;
  readonly endings = { period: 0, exclamation: 0, question: 0, ellipsis: 0, emoji: 0, none: 0 };
  repeatedLetters = 0;
  repeatedMarks = 0;
  readonly hours: number[] = new Array<number>(24).fill(0);
  readonly languages = new Counter();
  languageKnown = 0;
  readonly unigrams = new Counts();
  readonly bigrams = new Counts();
  turns = 0;
  readonly bubbles: number[] = [];
  readonly gaps: number[] = [];
  readonly latency: number[] = [];
  /** First / last 1, 2 and 3 words of turns, by word, bigram and trigram id. */
  readonly openers: [Counts, Counts, Counts] = [new Counts(), new Counts(), new Counts()];
  readonly closers: [Counts, Counts, Counts] = [new Counts(), new Counts(), new Counts()];

  constructor(readonly author: string | null) {}
}

/** Message text split into what the statistics read. */
interface Parsed {
  clean: string;
  tokens: string[];
}

/** Cheap pre-check: every emoticon holds one of these characters (most messages hold none). */
function mayHaveEmoticon(s: string): boolean {
  return s.includes(':') || s.includes(';') || s.includes('=') || s.includes('<') || s.includes('^') || s.includes('_') || s.includes('))');
}

/** Keycap emoji ("1️⃣") start with a digit but are not numbers. */
const KEYCAP = /[#*0-9]\uFE0F?\u20E3/gu;

function parseText(text: string, emoticons: string[] | null): Parsed {
  // `emoticons` collects what was taken out (null: not wanted).
  const clean = cleanText(text).trim();
  let forWords = clean.includes('\u20E3') ? clean.replace(KEYCAP, ' ') : clean;
  if (mayHaveEmoticon(forWords)) {
    forWords = forWords.replace(EMOTICON, (m) => {
      emoticons?.push(m.replace(/(.)\1{2,}$/u, '$1$1'));
      return ' ';
    });
  }
  return { clean, tokens: wordsOf(forWords) };
}

/** Length in user-perceived characters: code points, less combining marks and emoji-sequence parts. */
function charLength(s: string, extraEmojiCodePoints: number): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  if (ABOVE_LATIN.test(s) && HAS_COMBINING.test(s)) n -= s.match(COMBINING)?.length ?? 0;
  return Math.max(0, n - extraEmojiCodePoints);
}

/** How a message ends (the classes of StyleStats.endings); shared with the fidelity metrics so both count alike. */
export function ending(s: string, endsWithEmoji: boolean): keyof StyleStats['endings'] {
  if (endsWithEmoji) return 'emoji';
  const m = TRAILING_MARKS.exec(s);
  if (m === null) return 'none';
  const run = m[0];
  if (/[?？؟]/.test(run)) return 'question';
  if (/[!！]/.test(run)) return 'exclamation';
  if (run.includes('…') || run.includes('..')) return 'ellipsis';
  return 'period';
}

/** Reused by addMessage for the languages of one message's words (no allocation per message). */
const langLists: (readonly number[])[] = [];
const SKIN_TONE = /[\u{1F3FB}-\u{1F3FF}]/u;

/** Adds one text message; returns the ids of its words (turn openers and closers reuse them). */
function addMessage(side: Side, message: MessageLike, vocab: Vocabulary, emoticons: string[]): number[] {
  emoticons.length = 0;
  const { clean, tokens } = parseText(message.text, emoticons);
  const scan = scanEmoji(clean);
  side.messages++;
  side.chars.push(charLength(clean, scan.extraCodePoints));
  side.words.push(tokens.length);

  let laughs = 0;
  if (scan.emojis.length > 0) {
    side.withEmoji++;
    side.emoji += scan.emojis.length;
    for (const e of scan.emojis) {
      const key = emojiKey(e);
      side.emojiCounts.add(key);
      if (!side.emojiDisplay.has(key)) side.emojiDisplay.set(key, e);
      const base = SKIN_TONE.test(key) ? key.replace(/[\u{1F3FB}-\u{1F3FF}]/gu, '') : key;
      if (LAUGH_EMOJI.has(base)) {
        side.laughter.add(base);
        laughs++;
      }
    }
  }
  if (emoticons.length > 0) {
    side.withEmoticon++;
    for (const e of emoticons) side.emoticons.add(e);
  }

  const hasUpper = UPPER.test(clean);
  const hasLower = LOWER.test(clean);
  if (hasUpper || hasLower) {
    side.cased++;
    if (!hasUpper) side.allLowercase++;
    else if (!hasLower && (clean.match(/\p{Lu}/gu)?.length ?? 0) >= 2) side.allCaps++;
    const first = FIRST_CASED.exec(clean);
    if (first !== null && UPPER.test(first[0])) side.startsWithCapital++;
  }
  side.endings[ending(clean, scan.endsWithEmoji)]++;
  if (REPEATED_MARKS.test(clean)) side.repeatedMarks++;

  const hour = Number(message.ts.slice(11, 13));
  if (hour >= 0 && hour < 24) side.hours[hour] = (side.hours[hour] ?? 0) + 1;

  let prev = -1;
  let stretched = false;
  langLists.length = 0;
  const ids: number[] = new Array<number>(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    const id = vocab.id(t);
    ids[i] = id;
    const info = vocab.info[id];
    if (info === undefined) continue;
    if (info.langs !== undefined) langLists.push(info.langs);
    // Laughter as laughter.ts defines it: a family per token, and "ha ha" (short tokens repeated) as one.
    if (info.laugh !== null) {
      side.laughter.add(info.laugh);
      laughs++;
    } else if ((t === 'ha' || t === 'ja' || t === 'he') && tokens[i + 1] === t && tokens[i - 1] !== t) {
      side.laughter.add(t === 'ha' ? 'haha' : t === 'ja' ? 'jaja' : 'hehe');
      laughs++;
    }
    if (!info.vocabulary) {
      prev = -1;
      continue;
    }
    if (info.stretched) stretched = true;
    side.unigrams.add(id);
    if (prev >= 0) side.bigrams.add(vocab.bigrams.intern(prev, id));
    prev = id;
  }
  if (stretched) side.repeatedLetters++;
  // Chinese laughs inside a longer segmenter word, Japanese "(笑)".
  if (clean.includes('哈哈') && !tokens.some((t) => t.includes('哈'))) {
    side.laughter.add('哈哈');
    laughs++;
  }
  if (clean.includes('笑)') || clean.includes('笑）')) {
    side.laughter.add('笑');
    laughs++;
  }
  if (laughs > 0) side.withLaughter++;
  const lang = pickLanguage(clean, langLists);
  if (lang !== null) {
    side.languageKnown++;
    side.languages.add(lang);
  }
  return ids;
}

/** What turns need of a text message: its time and its word ids. */
interface Seen {
  ms: number;
  ids: number[];
}

function addTurn(side: Side, turn: TurnLike, bubbles: readonly (Seen | undefined)[], vocab: Vocabulary): void {
  side.turns++;
  side.bubbles.push(turn.bubbles);
  let last = Number.NaN;
  let total = 0;
  const parts: number[][] = [];
  for (const message of bubbles) {
    const ms = message?.ms ?? Number.NaN;
    if (!Number.isNaN(last) && !Number.isNaN(ms) && ms >= last) side.gaps.push((ms - last) / 1000);
    last = ms;
    if (message === undefined) total = -Infinity;
    else if (message.ids.length > 0) {
      parts.push(message.ids);
      total += message.ids.length;
    }
  }
  // The first and last three words across the turn's bubbles; a turn whose messages were not given
  // (a caller passing turns alone) is read from its own text.
  let head: number[];
  let tail: number[];
  if (total < 0) {
    head = tail = parseText(turn.text, null).tokens.map((t) => vocab.id(t));
    total = head.length;
  } else if (parts.length === 1) {
    head = tail = parts[0] ?? [];
  } else {
    head = [];
    for (let i = 0; i < parts.length && head.length < 3; i++) head.push(...(parts[i] ?? []).slice(0, 3 - head.length));
    tail = [];
    for (let i = parts.length - 1; i >= 0 && tail.length < 3; i--) tail.unshift(...(parts[i] ?? []).slice(-(3 - tail.length)));
  }
  // An opener is followed by more words (a one-word turn "ok" is an answer, not an opener).
  if (total <= 1) return;
  const [h0 = 0, h1 = 0, h2 = 0] = head;
  const t0 = tail[tail.length - 1] ?? 0;
  const t1 = tail[tail.length - 2] ?? 0;
  const t2 = tail[tail.length - 3] ?? 0;
  side.openers[0].add(h0);
  side.closers[0].add(t0);
  if (total <= 2) return;
  const hb = vocab.bigrams.intern(h0, h1);
  side.openers[1].add(hb);
  side.closers[1].add(vocab.bigrams.intern(t1, t0));
  if (total <= 3) return;
  side.openers[2].add(vocab.trigrams.intern(hb, h2));
  side.closers[2].add(vocab.trigrams.intern(vocab.bigrams.intern(t2, t1), t0));
}

/**
 * The most frequent first (or last) 1-3 words of turns. A phrase that nearly always continues the same
 * way ("oh my" -> "oh my god"; for closers "see you" <- "ok see you") is reported in its longer form only.
 */
function edgePhrases(counts: readonly [Counts, Counts, Counts], turns: number, edge: 'start' | 'end', vocab: Vocabulary): CountedText[] {
  const minCount = Math.max(2, Math.ceil(turns * 0.005));
  const { bigrams, trigrams } = vocab;
  // The shorter phrase each longer one extends: for openers its prefix, for closers its suffix.
  const shorter = [
    (id: number): number => (edge === 'start' ? bigrams.first(id) : bigrams.second(id)),
    (id: number): number =>
      edge === 'start' ? trigrams.first(id) : bigrams.lookup(bigrams.second(trigrams.first(id)), trigrams.second(id)),
  ];
  const text = [(id: number) => vocab.word(id), (id: number) => vocab.bigramText(id), (id: number) => vocab.trigramText(id)];
  const out: CountedText[] = [];
  for (let n = 0; n < 3; n++) {
    const extended = new Map<number, number>();
    const cut = shorter[n];
    if (cut !== undefined) {
      counts[n + 1]?.forEach(minCount, (id, count) => {
        const s = cut(id);
        extended.set(s, Math.max(extended.get(s) ?? 0, count));
      });
    }
    counts[n]?.forEach(minCount, (id, count) => {
      if ((extended.get(id) ?? 0) < 0.8 * count) out.push({ text: text[n]?.(id) ?? '', count });
    });
  }
  return out.sort((a, b) => b.count - a.count || b.text.length - a.text.length || (a.text < b.text ? -1 : 1)).slice(0, TOP_TEXTS);
}

/** One term's z-score, or null when it is not distinctive (z <= MIN_Z). */
function zScore(ya: number, nA: number, yb: number, nB: number): number | null {
  const alpha = (PRIOR_MASS * (ya + yb)) / (nA + nB);
  const da = Math.log((ya + alpha) / (nA + PRIOR_MASS - ya - alpha));
  const db = Math.log((yb + alpha) / (nB + PRIOR_MASS - yb - alpha));
  const z = (da - db) / Math.sqrt(1 / (ya + alpha) + 1 / (yb + alpha));
  return z > MIN_Z ? Math.round(z * 100) / 100 : null;
}

function signature(side: Side, other: Side, vocab: Vocabulary): { text: string; count: number; score: number }[] {
  const minCount = Math.max(3, Math.ceil(Math.sqrt(side.messages) / 10));
  const out: { text: string; count: number; score: number }[] = [];
  const { unigrams, bigrams } = side;
  if (unigrams.total > 0) {
    unigrams.forEach(minCount, (id, ya) => {
      const score = zScore(ya, unigrams.total, other.unigrams.get(id), other.unigrams.total);
      if (score !== null) out.push({ text: vocab.word(id), count: ya, score });
    });
  }
  if (bigrams.total > 0) {
    bigrams.forEach(minCount, (id, ya) => {
      const score = zScore(ya, bigrams.total, other.bigrams.get(id), other.bigrams.total);
      if (score !== null) out.push({ text: vocab.bigramText(id), count: ya, score });
    });
  }
  return out.sort((x, y) => y.score - x.score || y.count - x.count || (x.text < y.text ? -1 : 1)).slice(0, TOP_SIGNATURE);
}

const share = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 1000) / 1000 : 0);

function finish(side: Side, other: Side, vocab: Vocabulary): StyleStats {
  const m = side.messages;
  const languages = side.languages
    .top(20, 2)
    .map(({ text, count }) => ({ tag: text, share: share(count, side.languageKnown) }))
    .filter((l) => l.share >= 0.01);
  return {
    author: side.author,
    messages: m,
    turns: side.turns,
    chars: distribution(side.chars, EDGES.chars),
    words: distribution(side.words, EDGES.words),
    bubblesPerTurn: distribution(side.bubbles, EDGES.bubblesPerTurn),
    bubbleGapSeconds: distribution(side.gaps, EDGES.bubbleGapSeconds),
    emojiPerMessage: m > 0 ? Math.round((side.emoji / m) * 1000) / 1000 : 0,
    shareWithEmoji: share(side.withEmoji, m),
    topEmojis: side.emojiCounts.top(TOP_EMOJI).map(({ text, count }) => ({ text: side.emojiDisplay.get(text) ?? text, count })),
    laughter: side.laughter.top(TOP_TEXTS),
    shareWithLaughter: share(side.withLaughter, m),
    topEmoticons: side.emoticons.top(TOP_TEXTS),
    shareWithEmoticon: share(side.withEmoticon, m),
    casing: {
      allLowercase: share(side.allLowercase, side.cased),
      startsWithCapital: share(side.startsWithCapital, side.cased),
      allCaps: share(side.allCaps, side.cased),
    },
    endings: {
      period: share(side.endings.period, m),
      exclamation: share(side.endings.exclamation, m),
      question: share(side.endings.question, m),
      ellipsis: share(side.endings.ellipsis, m),
      emoji: share(side.endings.emoji, m),
      none: share(side.endings.none, m),
    },
    repeatedLetters: share(side.repeatedLetters, m),
    repeatedMarks: share(side.repeatedMarks, m),
    openers: edgePhrases(side.openers, side.turns, 'start', vocab),
    closers: edgePhrases(side.closers, side.turns, 'end', vocab),
    signature: signature(side, other, vocab),
    languages,
    replyLatencySeconds: distribution(side.latency, EDGES.replyLatencySeconds),
    hours: side.hours,
  };
}

/**
 * Finds the messages of a turn's ids. Turns list their messages in timeline order, as `messages` are,
 * so a cursor walking forward finds them without hashing 100k ids; ids out of that order (or missing)
 * switch to a map built once.
 */
function bubbleFinder(messages: readonly MessageLike[], seen: readonly (Seen | undefined)[]): (ids: readonly string[]) => (Seen | undefined)[] {
  let cursor = 0;
  let byId: Map<string, number> | null = null;
  const LOOKAHEAD = 64;
  return (ids) =>
    ids.map((id) => {
      if (byId === null) {
        for (let i = cursor; i < messages.length && i < cursor + LOOKAHEAD; i++) {
          if (messages[i]?.id === id) {
            cursor = i + 1;
            return seen[i];
          }
        }
        byId = new Map(messages.map((m, i) => [m.id, i]));
      }
      const i = byId.get(id);
      return i === undefined ? undefined : seen[i];
    });
}

/**
 * Measures `personName`'s style against everybody else's. `messages` may hold every kind of item
 * (only 'message' with text counts); `turns` are the turns of each chat in order (buildTurns per chat,
 * told apart by `chat`), whose `messageIds` refer to `messages`.
 */
export function computeStyleProfile(
  messages: readonly MessageLike[],
  turns: readonly TurnLike[],
  personName: string,
  options: StyleOptions = {},
): StyleProfile {
  const maxLatencyS = (options.maxReplyLatencyHours ?? 12) * 3600;
  const person = new Side(personName);
  const others = new Side(null);
  const vocab = new Vocabulary();
  // Per position in `messages`: what turns need of each text message.
  const seen: (Seen | undefined)[] = new Array<Seen | undefined>(messages.length);
  const emoticons: string[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (message === undefined || message.kind !== 'message' || message.author === null || message.text.trim() === '') continue;
    const ids = addMessage(message.author === personName ? person : others, message, vocab, emoticons);
    seen[i] = { ms: localTsToMs(message.ts), ids };
  }

  const bubblesOf = bubbleFinder(messages, seen);
  // Latency is measured to the previous turn of the same chat: a reply in one chat never answers a turn of
  // another, however the chats' turns are interleaved in `turns`.
  const previousInChat = new Map<string | undefined, TurnLike>();
  for (const turn of turns) {
    const side = turn.author === personName ? person : others;
    addTurn(side, turn, bubblesOf(turn.messageIds), vocab);
    const prev = previousInChat.get(turn.chat);
    if (prev !== undefined && prev.author !== turn.author) {
      const latency = (localTsToMs(turn.startTs) - localTsToMs(prev.endTs)) / 1000;
      if (latency >= 0 && latency < maxLatencyS) side.latency.push(latency);
    }
    previousInChat.set(turn.chat, turn);
  }

  const profile: StyleProfile = {
    version: STYLE_PROFILE_VERSION,
    personName,
    person: finish(person, others, vocab),
    others: finish(others, person, vocab),
    summary: '',
  };
  profile.summary = styleSummary(profile);
  return profile;
}
