// Memory extraction without an LLM: rules for the persona's own statements ("I live in Berlin", "mia
// sorella Anna", "domani vado a Roma") in the languages the chat is written in, plus places and
// activities the persona mentions on several days. Invariants: only the persona's text messages are
// read; questions, hypotheticals, reported speech and quotes state nothing; a negated like is a dislike
// and any other negation states nothing; a statement is wholly in the language of its rules, with the
// value in the person's own words and their sentence kept as `quote`; the same fact said again merges
// into one item (ids hash type + subject + text); a newer confident value of the same single-valued
// slot (residence, employer, partner, the taste for one thing...) supersedes the older item.

import { hashString } from '../ingest/hash';
import { findDate, monthDay, type ResolvedDate } from './relative-dates';
import { detectLanguage, isFunctionWord } from './lang';
import { laughFamily } from './laughter';
import { MEMORY_LANGUAGES, memoryRules } from './memory-rules/index';
import { rx, WORD_START, type FactKind, type LangRules, type SayContext } from './memory-rules/types';
import type { MessageLike } from './style';
import { cleanText, PLACEHOLDER, wordsOf } from './words';
import type { MemoryItem, MemoryType } from './types';

export interface MemoryOptions {
  /** Rule sets to run (tags of MEMORY_RULES); default: the languages the persona writes most. */
  languages?: readonly string[];
  /** A place or activity becomes a memory when mentioned on at least this many days (default 3). */
  minDaysRecurring?: number;
}

/** One statement found in one message, before merging. */
interface Candidate {
  type: MemoryType;
  subject: string;
  text: string;
  strength: number;
  /** What the statement is about ("residence", "likes", "relation:sister") and its value as written. */
  slot?: string;
  value?: string;
  /** The person's sentence the statement came from. */
  quote: string;
  /** Sure enough to supersede an older value (a name-like place, not a lowercase guess). */
  confident: boolean;
  /** Single-valued group ("residence", "rel:wife", "pref:sushi"...) and the value compared within it. */
  group?: string;
  groupValue?: string;
  /** For relationships: the relation, so "Has a sister" can give way to "Anna is X's sister". */
  relation?: string;
  named?: boolean;
  eventDate?: string;
}

interface Merged {
  item: MemoryItem;
  strength: number;
  confident: boolean;
  group?: string;
  groupValue?: string;
  relation?: string;
  named?: boolean;
}

interface KindDef {
  type: MemoryType;
  strength: number;
  maxWords: number;
}

const KINDS: Readonly<Record<FactKind, KindDef>> = {
  live: { type: 'fact', strength: 0.8, maxWords: 4 },
  moved: { type: 'fact', strength: 0.8, maxWords: 4 },
  work: { type: 'fact', strength: 0.75, maxWords: 5 },
  jobAs: { type: 'fact', strength: 0.75, maxWords: 4 },
  job: { type: 'fact', strength: 0.7, maxWords: 4 },
  study: { type: 'fact', strength: 0.7, maxWords: 5 },
  birthday: { type: 'fact', strength: 0.85, maxWords: 4 },
  born: { type: 'fact', strength: 0.75, maxWords: 4 },
  love: { type: 'preference', strength: 0.7, maxWords: 5 },
  like: { type: 'preference', strength: 0.6, maxWords: 5 },
  dislike: { type: 'preference', strength: 0.7, maxWords: 5 },
  hate: { type: 'preference', strength: 0.7, maxWords: 5 },
  cantStand: { type: 'preference', strength: 0.7, maxWords: 5 },
  favorite: { type: 'preference', strength: 0.8, maxWords: 5 },
  want: { type: 'goal', strength: 0.5, maxWords: 8 },
  plan: { type: 'goal', strength: 0.65, maxWords: 8 },
  going: { type: 'episode', strength: 0.6, maxWords: 6 },
  went: { type: 'episode', strength: 0.6, maxWords: 6 },
  event: { type: 'episode', strength: 0.6, maxWords: 4 },
};

/** Kinds whose value is a lasting fact: a sentence that says it holds only for now states none. */
const LASTING: ReadonlySet<FactKind> = new Set(['live', 'work', 'jobAs', 'job', 'study']);

/** Relations a person has one of at a time: a newer name supersedes the older one. */
const SINGLE_RELATIONS = new Set(['wife', 'husband', 'boyfriend', 'girlfriend', 'partner', 'boss']);
/** Relations too common (or too vague) to remember without a name. */
const NAME_ONLY_RELATIONS = new Set(['friend', 'best friend', 'boss', 'roommate', 'partner']);

const MIN_SHARE_FOR_RULES = 0.1;
const MAX_RULE_LANGUAGES = 3;
const MAX_RECURRING_SOURCES = 20;

/** Comparison form: NFKD without marks, lowercase, punctuation dropped (apostrophes kept), spaces collapsed. */
function norm(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// ---------------------------------------------------------------------------------------------
// Sentences and guards

const SENTENCE_SPLIT = /(?<=[.!?…。！？])\s+|\n+/u;
/** Ends an object: clause punctuation, brackets, quotes, dashes, emoji, masked values. */
const HARD_STOP = new RegExp(`[,;:!?.()\\[\\]{}"“”«»„<>…/|*]|\\s[-–—]\\s|\\p{Extended_Pictographic}|${PLACEHOLDER}`, 'u');
const TRAILING_NOISE = /[\s\p{P}\p{S}\p{Extended_Pictographic}\uFE0F\u200D]+$/u;
const CAPITALIZED = /^\p{Lu}/u;
const HAS_UPPER = /\p{Lu}/u;
const NAME_AFTER = /^,?\s+(\p{Lu}[\p{Ll}\p{M}'-]+)(?:\s+(\p{Lu}[\p{Ll}\p{M}'-]+))?/u;
const PLACE_NAME = /^\p{Lu}[\p{L}\p{M}'-]*(?:\s+(?:(?:de|da|do|del|di|della|la|le|am|an|upon|on|sur|of)\s+)?\p{Lu}[\p{L}\p{M}'-]*){0,2}/u;
const ARTICLE_THEN_CAPITAL = /^(?:the|el|la|los|las|le|les|il|lo|l'|o|a|os|as|der|die|das|den|dem|de|het)\s+\p{Lu}/iu;

interface Limits {
  /** Triggers must end before this offset (a trailing "..., and you?" question does not count). */
  statementEnd: number;
}

/**
 * Where the statement part of a sentence ends. A question states nothing, except a tag question
 * like "I live in Rome, and you?" whose last comma-part is a short second-person question.
 */
function limits(sentence: string, lang: LangRules): Limits {
  const trimmed = sentence.replace(TRAILING_NOISE, (m) => (/[?？؟]/u.test(m) ? '?' : ''));
  if (!/[?？؟]$/u.test(trimmed)) return { statementEnd: sentence.length };
  const comma = trimmed.lastIndexOf(',');
  if (comma > 0) {
    const tail = trimmed.slice(comma + 1);
    if (tail.trim().split(/\s+/u).length <= 3 && lang.secondPerson.test(tail)) return { statementEnd: comma };
  }
  return { statementEnd: -1 };
}

/** True when the text before a trigger opens a quotation that is still open. */
function insideQuote(prefix: string): boolean {
  const open = (prefix.match(/[“„«]/gu)?.length ?? 0) - (prefix.match(/[”»]/gu)?.length ?? 0);
  return open > 0 || (prefix.match(/"/g)?.length ?? 0) % 2 === 1;
}

/** Quotes, hypotheticals, reported speech and nouns spelled like a verb state nothing (negations are read apart). */
function blocked(prefix: string, lang: LangRules): boolean {
  return insideQuote(prefix) || lang.hypothetical.test(prefix) || lang.reported.test(prefix) || (lang.nounBefore?.test(prefix) ?? false);
}

// ---------------------------------------------------------------------------------------------
// Objects

interface Compiled {
  rules: LangRules;
  /**
   * All triggers as one alternation behind one word-start check: a sentence is scanned once instead
   * of once per rule (per-rule scans with Unicode boundaries at every position took ~10 s on 10k
   * messages). Generic triggers ("I'm" + job, "I have" + event) come last, so specific ones win a tie.
   */
  triggers: RegExp;
  /** Capture group number of each trigger in `triggers`, and the trigger's kind. */
  triggerGroups: { group: number; tag: FactKind }[];
  kin: RegExp;
  kinGroups: { group: number; tag: string }[];
  boundary: RegExp;
  stopStart: RegExp;
  places: RegExp;
  /** A negation word opening an object: "(ich mag) keine Tomaten", "(j'aime) pas le café". */
  negStart: RegExp;
  namedAs: RegExp;
}

const compiled = new WeakMap<LangRules, Compiled>();
const GENERIC: ReadonlySet<FactKind> = new Set(['job', 'event']);

/** Number of capture groups in a regex source. */
function groupCount(source: string): number {
  return (new RegExp(`${source}|`, 'u').exec('')?.length ?? 1) - 1;
}

/** One alternation of sources (each starting with a word boundary), with each source's group number. */
function combine<T>(parts: readonly { source: string; tag: T }[]): { re: RegExp; groups: { group: number; tag: T }[] } {
  const groups: { group: number; tag: T }[] = [];
  const alternatives: string[] = [];
  let next = 1;
  for (const { source, tag } of parts) {
    const body = source.startsWith(WORD_START) ? source.slice(WORD_START.length) : source;
    alternatives.push(`(${body})`);
    groups.push({ group: next, tag });
    next += 1 + groupCount(body);
  }
  return { re: new RegExp(`${WORD_START}(?:${alternatives.join('|')})`, 'giu'), groups };
}

function compile(rules: LangRules): Compiled {
  let c = compiled.get(rules);
  if (c !== undefined) return c;
  const ordered = [...rules.triggers.filter((t) => !GENERIC.has(t.kind)), ...rules.triggers.filter((t) => GENERIC.has(t.kind))];
  const triggers = combine(ordered.map((t) => ({ source: t.re.source, tag: t.kind })));
  const kin = combine(rules.kin.map((k) => ({ source: k.re.source, tag: k.relation })));
  c = {
    rules,
    triggers: triggers.re,
    triggerGroups: triggers.groups,
    kin: kin.re,
    kinGroups: kin.groups,
    boundary: new RegExp(rules.boundary.source, 'giu'),
    stopStart: new RegExp(`^(?:${rules.stopObject.source})`, 'iu'),
    places: rx(String.raw`\b(?:${rules.placePreps})\s+`, 'giu'),
    negStart: new RegExp(`^(?:${rules.negationAfter.source})\\s+`, 'iu'),
    namedAs: new RegExp(`^(?:${rules.namedAs.source})`, 'iu'),
  };
  compiled.set(rules, c);
  return c;
}

/** Which of the combined alternatives matched. */
function matchedTag<T>(m: RegExpMatchArray, groups: readonly { group: number; tag: T }[]): T | null {
  for (const { group, tag } of groups) if (m[group] !== undefined) return tag;
  return null;
}

/**
 * The object of a statement: from `from` to the first clause boundary, boundary word or date phrase,
 * trimmed of articles/intensifiers the language lists; null when empty, too long or a non-object.
 */
function objectAt(sentence: string, from: number, c: Compiled, maxWords: number, date: ResolvedDate | null, stripLeading: boolean): string | null {
  let start = from;
  // A date right at the start ("ich gehe morgen ...", "ik ga morgen voetballen") is skipped, not a cut.
  if (date !== null && date.start >= from && sentence.slice(from, date.start).trim() === '') start = date.end;
  let rest = sentence.slice(start);
  const hard = HARD_STOP.exec(rest);
  if (hard !== null) rest = rest.slice(0, hard.index);
  if (date !== null && date.start >= start && date.start - start < rest.length) rest = rest.slice(0, date.start - start);
  c.boundary.lastIndex = 0;
  // A boundary word right at the start ("mi piace ma...", "I like, so...") leaves no object at all.
  for (const m of rest.matchAll(c.boundary)) {
    rest = rest.slice(0, m.index);
    break;
  }
  let obj = rest.trim();
  for (let k = 0; k < 3; k++) {
    const before = obj;
    obj = obj.replace(c.rules.trailing, '').trim();
    const words = obj.split(/\s+/u);
    // Trailing laughs and dangling function words ("tutto di", "pranzo con lui", "Paris on").
    while (words.length > 1) {
      const last = (words[words.length - 1] ?? '').toLowerCase();
      if (laughFamily(last) === null && !isFunctionWord(last)) break;
      words.pop();
    }
    obj = words.join(' ');
    if (stripLeading) obj = obj.replace(c.rules.leading, '').trim();
    if (obj === before) break;
  }
  if (obj === '' || obj.split(/\s+/u).length > maxWords) return null;
  if (c.stopStart.test(obj)) return null;
  return obj;
}

/** "Napoli per poco" -> "Napoli": a capitalized place object ends where its name ends. */
function placeName(obj: string): string {
  if (!CAPITALIZED.test(obj)) return obj;
  return PLACE_NAME.exec(obj)?.[0] ?? obj;
}

/** A place name: capitalized (or "the Netherlands"), or any short phrase from someone who never capitalizes. */
function placeLike(obj: string, lowercaseWriter: boolean, rules: LangRules): boolean {
  const first = (obj.split(/\s+/u)[0] ?? '').toLowerCase();
  if (rules.notNames.has(first)) return false;
  if (CAPITALIZED.test(obj) || ARTICLE_THEN_CAPITAL.test(obj)) return true;
  return lowercaseWriter && obj.split(/\s+/u).length <= 2;
}

// ---------------------------------------------------------------------------------------------
// Rules -> candidates

interface MessageContext {
  sentence: string;
  ts: string;
  lowercaseWriter: boolean;
  personName: string;
  out: Candidate[];
  /** The sentence's date phrase, looked up once per sentence and reading (future / past weekday). */
  dates: Map<boolean, ResolvedDate | null>;
}

function dateOf(ctx: MessageContext, rules: LangRules, past: boolean): ResolvedDate | null {
  let d = ctx.dates.get(past);
  if (d === undefined) {
    d = findDate(ctx.sentence, rules.dates, ctx.ts, past);
    ctx.dates.set(past, d);
  }
  return d;
}

/** The last word of a trigger when it is a preposition the template repeats ("in", "nach", "в", "all'"). */
function prepOf(trigger: string): string {
  const words = trigger.trim().split(/\s+/u);
  const last = words[words.length - 1] ?? '';
  return words.length > 1 && last.length <= 5 ? last.toLowerCase() : '';
}

/**
 * A like or love the person negates after the verb ("Ich mag keine Tomaten", "Ik vind kaas niet lekker",
 * "Ich mag Jazz nicht"): the object without its negation, else null. `clause` is the text after the
 * trigger up to the first hard stop.
 */
function negatedObject(obj: string, clause: string, c: Compiled): string | null {
  const atStart = c.negStart.exec(obj);
  if (atStart !== null) return obj.slice(atStart[0].length).trim() || null;
  const last = c.rules.negationLast;
  if (last === undefined) return null;
  c.boundary.lastIndex = 0;
  const b = c.boundary.exec(clause);
  const cut = b === null ? clause : clause.slice(0, b.index);
  if (!last.test(cut)) return null;
  return obj.replace(new RegExp(last.source, 'giu'), ' ').replace(/\s+/gu, ' ').trim() || null;
}

function applyTrigger(triggerKind: FactKind, m: RegExpMatchArray, c: Compiled, ctx: MessageContext, negated: boolean): void {
  const { rules } = c;
  const say = rules.say;
  let kind = triggerKind;
  const start = m.index ?? 0;
  const end = start + m[0].length;
  const sentence = ctx.sentence;
  // A negated like or love is a dislike; any other negated statement states nothing ("I don't live in
  // Bonn", "I don't hate it": not the opposite fact either).
  if (negated) {
    if (kind !== 'like' && kind !== 'love') return;
    kind = 'dislike';
  }
  if (LASTING.has(kind) && rules.temporary.test(sentence)) return;
  const def = KINDS[kind];
  const date = dateOf(ctx, rules, kind === 'went');
  const sc: SayContext = { person: ctx.personName, prep: prepOf(m[0]), verb: m[0].trim().toLowerCase() };
  const object = (stripLeading = true, maxWords = def.maxWords): string | null => {
    const obj = objectAt(sentence, end, c, maxWords, date, stripLeading);
    // "Loves my wife", "Wants to see my mum": about someone else (the kin rules keep the relation).
    return obj === null || rules.firstPerson.test(obj) ? null : obj;
  };
  const push = (text: string, extra: Partial<Candidate> = {}): void => {
    ctx.out.push({ type: def.type, subject: ctx.personName, text, strength: def.strength, quote: sentence.trim(), confident: def.strength >= 0.7, ...extra });
  };
  const secondPerson = (obj: string): boolean => rules.secondPerson.test(obj);
  // "Mi piace parlare con te", "I want to go there with you": about the two of them, not a taste or a goal.
  const hard = HARD_STOP.exec(sentence.slice(end));
  const clause = hard === null ? sentence.slice(end) : sentence.slice(end, end + hard.index);
  const aboutYou = rules.secondPerson.test(clause);
  const when = (d: ResolvedDate): string => say.date(d.span, d.date);
  // Articles are grammar the statement needs in most languages ("Le encanta el chocolate"); English and
  // Russian lists hold intensifiers only.
  const keepsArticles = rules.tag !== 'en' && rules.tag !== 'ru';

  switch (kind) {
    case 'live':
    case 'moved': {
      const raw = object(false);
      if (raw === null || !placeLike(raw, ctx.lowercaseWriter, rules)) return;
      const obj = placeName(raw);
      const confident = CAPITALIZED.test(obj) || ARTICLE_THEN_CAPITAL.test(obj);
      const text = kind === 'live' ? say.live(obj, sc) : say.moved(obj, sc);
      push(text, { slot: 'residence', value: obj, group: 'residence', groupValue: placeKey(obj, rules), confident });
      return;
    }
    case 'work': {
      const obj = object(false);
      // "lavoro da fare" (work to do) names no workplace.
      if (obj === null || secondPerson(obj) || (rules.tag !== 'en' && rules.infinitive.test(obj))) return;
      push(say.work(obj, sc), { slot: 'employer', value: obj, group: 'employer', groupValue: placeKey(obj, rules) });
      return;
    }
    case 'jobAs': {
      const obj = object(rules.tag !== 'en');
      if (obj === null || secondPerson(obj)) return;
      push(say.jobAs(obj, sc), { slot: 'job', value: obj, group: 'job', groupValue: norm(obj) });
      return;
    }
    case 'job': {
      const obj = object(rules.tag !== 'en');
      if (obj === null) return;
      const words = obj.split(/\s+/u);
      // English puts adjectives first ("a software engineer"); elsewhere the job comes first ("un medico
      // bravo"), and a later job word belongs to something else ("sono andato dal dottore").
      const reach = rules.tag === 'en' ? 3 : 1;
      const at = words.findIndex((w, i) => i < reach && rules.jobs.has(w.toLowerCase()));
      if (at < 0) return;
      const phrase = words.slice(0, at + 1).join(' ');
      const head = words[at] ?? '';
      if (rules.student.has(head.toLowerCase())) push(say.job(phrase, sc), { slot: 'study', value: head, group: 'study', groupValue: 'student' });
      else push(say.job(phrase, sc), { slot: 'job', value: phrase, group: 'job', groupValue: norm(phrase) });
      return;
    }
    case 'study': {
      const obj = object(false);
      if (obj === null || secondPerson(obj)) return;
      push(say.study(obj, sc), { slot: 'study', value: obj, group: 'study', groupValue: norm(obj) });
      return;
    }
    case 'birthday': {
      // "my birthday is on May 5" names it; "my birthday is tomorrow", "oggi è il mio compleanno" and
      // a bare "it's my birthday!" give it by the message's date.
      const obj = objectAt(sentence, end, c, def.maxWords, date, false);
      const expectsValue = /\s$/u.test(m[0]);
      let day: string | null = null;
      let value: string | null = null;
      if (obj !== null) {
        // Anything else after the trigger ("my birthday party on Saturday") is not a birthday date.
        if (!/\d/u.test(obj) && !rules.months.test(obj)) return;
        day = obj;
      }
      const iso = date?.date ?? (expectsValue ? null : ctx.ts.slice(0, 10));
      if (day === null && iso !== null) {
        day = rules.tag === 'en' ? monthDay(iso) : say.dayMonth(Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));
        value = iso.slice(5, 10);
      }
      if (day === null) return;
      push(say.birthday(day, sc), { slot: 'birthday', value: value ?? day, group: 'birthday', groupValue: norm(value ?? day) });
      return;
    }
    case 'born': {
      const obj = object(false);
      if (obj === null) return;
      const on = /^\d{1,2}(?!\d)/u.test(obj);
      if (!on && !/^\d{4}$/u.test(obj) && !placeLike(obj, ctx.lowercaseWriter, rules)) return;
      push(say.born(obj, { ...sc, prep: rules.tag === 'en' ? (on ? 'on' : 'in') : sc.prep }), { slot: 'born', value: obj });
      return;
    }
    case 'love':
    case 'like':
    case 'dislike':
    case 'hate':
    case 'cantStand': {
      let obj = object(!keepsArticles);
      if (obj === null || aboutYou) return;
      if (kind === 'like' || kind === 'love') {
        const negatedObj = negatedObject(obj, clause, c);
        if (negatedObj !== null) {
          kind = 'dislike';
          obj = negatedObj;
        }
      }
      const text = say[kind](obj, sc);
      const likes = kind === 'like' || kind === 'love';
      push(text, { strength: KINDS[kind].strength, slot: likes ? 'likes' : 'dislikes', value: obj, group: `pref:${taste(obj, rules)}`, groupValue: likes ? 'likes' : 'dislikes' });
      return;
    }
    case 'favorite': {
      const obj = object(!keepsArticles);
      const cat = m.groups?.['cat']?.trim();
      if (obj === null || cat === undefined || cat === '' || secondPerson(obj)) return;
      push(say.favorite(cat, obj, sc), { slot: 'likes', value: obj, group: `favorite:${norm(cat)}`, groupValue: norm(obj) });
      return;
    }
    case 'want':
    case 'plan': {
      const obj = object();
      if (obj === null || aboutYou || !rules.infinitive.test(obj)) return;
      // A bare verb ("I want to know", "voglio capire") is a mood of the moment, not a goal.
      if (kind === 'want' && obj.split(/\s+/u).length < 2) return;
      push(kind === 'want' ? say.want(obj, sc) : say.plan(obj, sc), { slot: 'goal', value: obj });
      return;
    }
    case 'going':
    case 'went': {
      const obj = object(false);
      if (obj === null || secondPerson(obj)) return;
      const verb = kind === 'going' && !CAPITALIZED.test(obj) && rules.infinitive.test(obj);
      const eventDate = date?.date;
      if (verb) {
        // "I'm going to call him" is a plan only when it has a day.
        if (date === null) return;
        push(`${say.plan(obj, sc)} ${when(date)}`, { slot: 'event', value: obj, eventDate, type: 'episode' });
        return;
      }
      const dest = placeName(obj);
      const text = kind === 'going' ? say.going(dest, sc) : say.went(dest, sc);
      if (date !== null) push(`${text} ${when(date)}`, { slot: 'event', value: dest, eventDate });
      else if (placeLike(obj, ctx.lowercaseWriter, rules)) push(text, { slot: 'event', value: dest, strength: 0.45, confident: false });
      return;
    }
    case 'event': {
      if (date === null) return;
      const obj = object(false);
      if (obj === null || secondPerson(obj)) return;
      push(`${say.event(obj, sc)} ${when(date)}`, { slot: 'event', value: obj, eventDate: date.date });
      return;
    }
  }
}

/** What a taste is about, for "likes X" vs "dislikes X" ("das Wetter" and "Wetter" are one thing). */
function taste(obj: string, rules: LangRules): string {
  return norm(obj.replace(rules.leading, ''));
}

/**
 * Comparison key of a place or employer: articles dropped and, in Russian, the case ending (a
 * preposition governs it: "в Москве" and "в Москву" are one city).
 */
function placeKey(obj: string, rules: LangRules): string {
  const key = norm(obj.replace(ARTICLE_PREFIX, ''));
  return rules.tag === 'ru' ? key.split(' ').map((w) => (w.length > 4 ? w.replace(/(?:ии|ия|ию|ие|ой|ом|ем|е|у|а|и|я|ю)$/u, '') : w)).join(' ') : key;
}

const ARTICLE_PREFIX = /^(?:the|el|la|los|las|le|les|l'|il|lo|o|a|os|as|der|die|das|den|dem|de|het)\s+/iu;

function applyKin(m: RegExpMatchArray, relation: string, c: Compiled, ctx: MessageContext, names: Set<string>): void {
  const { rules } = c;
  const start = m.index ?? 0;
  const prefix = ctx.sentence.slice(0, start);
  if (insideQuote(prefix) || rules.reported.test(prefix) || rules.hypothetical.test(prefix)) return;
  let rest = ctx.sentence.slice(start + m[0].length);
  // "my sister's name is Anna", "meine Schwester heißt Anna", "mi hermana se llama Lucía".
  const namedAs = c.namedAs.exec(rest);
  if (namedAs !== null) rest = ` ${rest.slice(namedAs[0].length)}`;
  const after = NAME_AFTER.exec(rest);
  let name: string | null = null;
  if (after !== null) {
    const first = after[1] ?? '';
    const second = after[2];
    if (!rules.notNames.has(first.toLowerCase()) && first !== ctx.personName) {
      name = second !== undefined && !rules.notNames.has(second.toLowerCase()) ? `${first} ${second}` : first;
    }
  }
  const sc: SayContext = { person: ctx.personName, prep: '', verb: '' };
  const quote = ctx.sentence.trim();
  if (name !== null) {
    names.add(norm(name));
    ctx.out.push({
      type: 'relationship',
      subject: name,
      text: rules.say.named(name, relation, sc),
      strength: 0.8,
      quote,
      confident: true,
      slot: `relation:${relation}`,
      value: name,
      relation,
      named: true,
      ...(SINGLE_RELATIONS.has(relation) ? { group: `rel:${relation}`, groupValue: norm(name) } : {}),
    });
  } else if (!NAME_ONLY_RELATIONS.has(relation)) {
    ctx.out.push({
      type: 'relationship',
      subject: ctx.personName,
      text: rules.say.unnamed(relation),
      strength: 0.45,
      quote,
      confident: false,
      slot: `relation:${relation}`,
      value: '',
      relation,
      named: false,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Recurring places and activities

interface Recurring {
  days: Set<string>;
  forms: Map<string, number>;
  ids: string[];
  first: string;
  last: string;
}

function noteRecurring(map: Map<string, Recurring>, key: string, form: string, message: MessageLike): void {
  let r = map.get(key);
  if (r === undefined) {
    r = { days: new Set(), forms: new Map(), ids: [], first: message.ts, last: message.ts };
    map.set(key, r);
  }
  r.days.add(message.ts.slice(0, 10));
  r.forms.set(form, (r.forms.get(form) ?? 0) + 1);
  if (r.ids.length < MAX_RECURRING_SOURCES && r.ids[r.ids.length - 1] !== message.id) r.ids.push(message.id);
  if (message.ts < r.first) r.first = message.ts;
  if (message.ts > r.last) r.last = message.ts;
}

function scanPlaces(text: string, c: Compiled, excluded: ReadonlySet<string>, map: Map<string, Recurring>, message: MessageLike): void {
  c.places.lastIndex = 0;
  for (const m of text.matchAll(c.places)) {
    const name = PLACE_NAME.exec(text.slice(m.index + m[0].length));
    if (name === null) continue;
    const place = name[0];
    const key = norm(place);
    if (key.length < 2 || excluded.has(key) || key.split(' ').some((w) => c.rules.notNames.has(w))) continue;
    noteRecurring(map, `place:${key}`, place, message);
  }
}

// ---------------------------------------------------------------------------------------------

/** The rule languages the persona writes most (at least 10% of the messages a language could be told for). */
export function memoryLanguages(messages: readonly MessageLike[], personName: string): string[] {
  const counts = new Map<string, number>();
  let known = 0;
  for (const message of messages) {
    if (message.kind !== 'message' || message.author !== personName) continue;
    const lang = detectLanguage(message.text, wordsOf(message.text));
    if (lang === null) continue;
    known++;
    counts.set(lang, (counts.get(lang) ?? 0) + 1);
  }
  const tags = [...counts]
    .filter(([tag, n]) => MEMORY_LANGUAGES.includes(tag) && n >= MIN_SHARE_FOR_RULES * known)
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_RULE_LANGUAGES)
    .map(([tag]) => tag);
  // Nothing told (short messages only): every rule set; their triggers are first-person specific.
  return tags.length > 0 ? tags : [...MEMORY_LANGUAGES];
}

function confidence(strength: number, mentions: number): number {
  const c = 1 - (1 - strength) * 0.6 ** (mentions - 1);
  return Math.round(Math.min(0.97, c) * 100) / 100;
}

function itemId(type: MemoryType, subject: string, text: string): string {
  return hashString(`${type}\u0000${norm(subject)}\u0000${norm(text)}`);
}

/**
 * Memory items from the persona's own messages (messages in timeline order; any kinds and authors
 * may be passed, only the persona's text messages are read).
 */
export function extractMemories(messages: readonly MessageLike[], personName: string, options: MemoryOptions = {}): MemoryItem[] {
  const tags = options.languages ?? memoryLanguages(messages, personName);
  const langs = tags.map(memoryRules).filter((r): r is LangRules => r !== undefined).map(compile);
  const minDays = options.minDaysRecurring ?? 3;

  // Names of the participants are not places; gathered first so a place is checked against all of them.
  const excluded = new Set<string>();
  for (const message of messages) {
    if (message.author !== null) for (const w of norm(message.author).split(' ')) excluded.add(w);
  }

  const merged = new Map<string, Merged>();
  const recurring = new Map<string, Recurring>();
  const kinNames = new Set<string>();
  const add = (cand: Candidate, message: MessageLike): void => {
    const id = itemId(cand.type, cand.subject, cand.text);
    const existing = merged.get(id);
    if (existing === undefined) {
      merged.set(id, {
        item: {
          id,
          type: cand.type,
          text: cand.text,
          subject: cand.subject,
          sourceMessageIds: [message.id],
          firstSeen: message.ts,
          lastSeen: message.ts,
          confidence: 0,
          pinned: false,
          origin: 'rule',
          quote: cand.quote,
          ...(cand.slot === undefined ? {} : { slot: cand.slot, value: cand.value ?? '' }),
          ...(cand.eventDate === undefined ? {} : { eventDate: cand.eventDate }),
        },
        strength: cand.strength,
        confident: cand.confident,
        ...(cand.group === undefined ? {} : { group: cand.group, groupValue: cand.groupValue }),
        ...(cand.relation === undefined ? {} : { relation: cand.relation, named: cand.named }),
      });
      return;
    }
    const item = existing.item;
    if (!item.sourceMessageIds.includes(message.id)) item.sourceMessageIds.push(message.id);
    if (message.ts < item.firstSeen) item.firstSeen = message.ts;
    if (message.ts > item.lastSeen) item.lastSeen = message.ts;
    existing.strength = Math.max(existing.strength, cand.strength);
    existing.confident ||= cand.confident;
  };

  for (const message of messages) {
    if (message.kind !== 'message' || message.author !== personName || message.text.trim() === '') continue;
    const text = cleanText(message.text).replace(/[’‘]/gu, "'");
    const lowercaseWriter = !HAS_UPPER.test(text);
    const words = wordsOf(text);
    for (const c of langs) {
      if (!lowercaseWriter) scanPlaces(text, c, excluded, recurring, message);
      for (const w of words) {
        const key = c.rules.activities.get(w);
        if (key !== undefined) noteRecurring(recurring, `activity:${key}`, w, message);
      }
      c.triggers.lastIndex = 0;
      c.kin.lastIndex = 0;
      if (!c.triggers.test(text) && !c.kin.test(text)) continue;
      const out: Candidate[] = [];
      for (const sentence of text.split(SENTENCE_SPLIT)) {
        if (sentence.trim() === '') continue;
        const ctx: MessageContext = { sentence, ts: message.ts, lowercaseWriter, personName, out, dates: new Map() };
        const { statementEnd } = limits(sentence, c.rules);
        c.triggers.lastIndex = 0;
        for (const m of sentence.matchAll(c.triggers)) {
          const at = m.index;
          if (at + m[0].length > statementEnd) break;
          const kind = matchedTag(m, c.triggerGroups);
          const prefix = sentence.slice(0, at);
          if (kind === null || blocked(prefix, c.rules)) continue;
          applyTrigger(kind, m, c, ctx, c.rules.negationBefore.test(prefix));
        }
        c.kin.lastIndex = 0;
        for (const m of sentence.matchAll(c.kin)) {
          const relation = matchedTag(m, c.kinGroups);
          if (relation !== null) applyKin(m, relation, c, ctx, kinNames);
        }
      }
      const seen = new Set<string>();
      for (const cand of out) {
        const key = `${cand.type}|${cand.subject}|${cand.text}`;
        if (seen.has(key)) continue;
        seen.add(key);
        add(cand, message);
      }
    }
  }

  const items = [...merged.values()];
  // "Has a sister" says less than "Anna is X's sister": keep the named one only.
  const namedRelations = new Set(items.filter((m) => m.named === true).map((m) => m.relation));
  const kept = items.filter((m) => !(m.named === false && namedRelations.has(m.relation)));

  const residences = new Set(kept.filter((m) => m.group === 'residence').map((m) => norm(m.item.value ?? '')));
  for (const [key, r] of recurring) {
    if (r.days.size < minDays) continue;
    const form = [...r.forms].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? '';
    if (key.startsWith('place:') && (residences.has(norm(form)) || kinNames.has(norm(form)))) continue;
    const text = (langs[0]?.rules ?? memoryRules('en'))?.say.often(form) ?? `Often mentions ${form}`;
    const id = itemId('fact', personName, text);
    if (merged.has(id)) continue;
    kept.push({
      item: {
        id,
        type: 'fact',
        text,
        subject: personName,
        sourceMessageIds: r.ids,
        firstSeen: r.first,
        lastSeen: r.last,
        confidence: Math.round(Math.min(0.8, 0.35 + 0.05 * r.days.size) * 100) / 100,
        pinned: false,
        origin: 'rule',
      },
      strength: -1,
      confident: false,
    });
  }

  for (const m of kept) {
    if (m.strength >= 0) m.item.confidence = confidence(m.strength, m.item.sourceMessageIds.length);
  }
  supersede(kept);
  return kept
    .map((m) => m.item)
    .sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : a.text < b.text ? -1 : 1));
}

/**
 * Within each single-valued group, an item is superseded by the next confident item (by when it was
 * last said) with a different value: "Lives in Berlin" (2021) <- "Moved to Munich" (2023). A guess
 * ("lives in town" from someone who never capitalises) never pushes a named value into the past.
 */
function supersede(items: readonly Merged[]): void {
  const bySlot = new Map<string, Merged[]>();
  for (const m of items) {
    if (m.group === undefined) continue;
    const list = bySlot.get(m.group);
    if (list === undefined) bySlot.set(m.group, [m]);
    else list.push(m);
  }
  for (const list of bySlot.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => (a.item.lastSeen < b.item.lastSeen ? -1 : a.item.lastSeen > b.item.lastSeen ? 1 : a.item.firstSeen < b.item.firstSeen ? -1 : 1));
    for (let i = 0; i < list.length; i++) {
      const older = list[i];
      if (older === undefined) continue;
      const newer = list.slice(i + 1).find((m) => m.confident && m.groupValue !== older.groupValue);
      if (newer !== undefined) older.item.supersededBy = newer.item.id;
    }
  }
}
