// Memory extraction without an LLM: rules for the persona's own statements ("I live in Berlin", "mia
// sorella Anna", "domani vado a Roma") in the languages the chat is written in, plus places and
// activities the persona mentions on several days. Invariants: only the persona's text messages are
// read; questions, hypotheticals, reported speech, quotes and negations state nothing; the same fact
// said again merges into one item (ids hash type + subject + text); a newer different value of a
// single-valued slot (residence, employer, partner...) supersedes the older item; pure and synchronous.

import { hashString } from '../ingest/hash';
import { findDate, monthDay, type ResolvedDate } from './dates';
import { detectLanguage, isFunctionWord } from './lang';
import { laughFamily } from './laughter';
import { MEMORY_LANGUAGES, memoryRules } from './memory-rules/index';
import { rx, WORD_START, type FactKind, type LangRules } from './memory-rules/types';
import type { MessageLike } from './style';
import { cleanText, PLACEHOLDER, wordsOf } from './text';
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
  /** Single-valued slot ("residence", "rel:wife"...) and the value compared within it. */
  slot?: string;
  value?: string;
  /** For relationships: the relation, so "Has a sister" can give way to "Anna is X's sister". */
  relation?: string;
  named?: boolean;
  eventDate?: string;
}

interface Merged {
  item: MemoryItem;
  strength: number;
  slot?: string;
  value?: string;
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
  hate: { type: 'preference', strength: 0.7, maxWords: 5 },
  cantStand: { type: 'preference', strength: 0.7, maxWords: 5 },
  favorite: { type: 'preference', strength: 0.8, maxWords: 5 },
  want: { type: 'goal', strength: 0.5, maxWords: 8 },
  plan: { type: 'goal', strength: 0.65, maxWords: 8 },
  going: { type: 'episode', strength: 0.6, maxWords: 6 },
  went: { type: 'episode', strength: 0.6, maxWords: 6 },
  event: { type: 'episode', strength: 0.6, maxWords: 4 },
};

const PREFERENCE_VERB: Partial<Record<FactKind, string>> = {
  love: 'Loves',
  like: 'Likes',
  hate: 'Hates',
  cantStand: "Can't stand",
};

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

function blocked(prefix: string, lang: LangRules): boolean {
  return (
    insideQuote(prefix) ||
    lang.hypothetical.test(prefix) ||
    lang.reported.test(prefix) ||
    lang.negationBefore.test(prefix) ||
    (lang.nounBefore?.test(prefix) ?? false)
  );
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

function applyTrigger(kind: FactKind, m: RegExpMatchArray, c: Compiled, ctx: MessageContext): void {
  const { rules } = c;
  const def = KINDS[kind];
  const start = m.index ?? 0;
  const end = start + m[0].length;
  const sentence = ctx.sentence;
  const date = dateOf(ctx, rules, kind === 'went');
  const object = (stripLeading = true, maxWords = def.maxWords): string | null =>
    objectAt(sentence, end, c, maxWords, date, stripLeading);
  const push = (text: string, extra: Partial<Candidate> = {}): void => {
    ctx.out.push({ type: def.type, subject: ctx.personName, text, strength: def.strength, ...extra });
  };
  const secondPerson = (obj: string): boolean => rules.secondPerson.test(obj);
  // "Mi piace parlare con te", "I want to go there with you": about the two of them, not a taste or a goal.
  const hard = HARD_STOP.exec(sentence.slice(end));
  const clause = hard === null ? sentence.slice(end) : sentence.slice(end, end + hard.index);
  const aboutYou = rules.secondPerson.test(clause);

  switch (kind) {
    case 'live':
    case 'moved': {
      const raw = object(false);
      if (raw === null || !placeLike(raw, ctx.lowercaseWriter, rules)) return;
      const obj = placeName(raw);
      push(kind === 'live' ? `Lives in ${obj}` : `Moved to ${obj}`, { slot: 'residence', value: norm(obj) });
      return;
    }
    case 'work': {
      const obj = object(false);
      // "lavoro da fare" (work to do) names no workplace.
      if (obj === null || secondPerson(obj) || (rules.tag !== 'en' && rules.infinitive.test(obj))) return;
      push(`Works at ${obj}`, { slot: 'employer', value: norm(obj) });
      return;
    }
    case 'jobAs': {
      const obj = object(rules.tag !== 'en');
      if (obj === null || secondPerson(obj)) return;
      push(`Works as ${obj}`, { slot: 'job', value: norm(obj) });
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
      const head = (words[at] ?? '').toLowerCase();
      if (rules.student.has(head)) push('Is a student', { slot: 'study', value: 'student' });
      else push(`Works as ${phrase}`, { slot: 'job', value: norm(phrase) });
      return;
    }
    case 'study': {
      const obj = object(false);
      if (obj === null || secondPerson(obj)) return;
      push(`Studies ${obj}`, { slot: 'study', value: norm(obj) });
      return;
    }
    case 'birthday': {
      // "my birthday is on May 5" names it; "my birthday is tomorrow", "oggi è il mio compleanno" and
      // a bare "it's my birthday!" give it by the message's date.
      const obj = objectAt(sentence, end, c, def.maxWords, date, false);
      const expectsValue = /\s$/u.test(m[0]);
      let when: string | null = null;
      if (obj !== null) {
        // Anything else after the trigger ("my birthday party on Saturday") is not a birthday date.
        if (!/\d/u.test(obj) && !rules.months.test(obj)) return;
        when = obj;
      }
      if (when === null && date !== null) when = monthDay(date.date);
      if (when === null && !expectsValue) when = monthDay(ctx.ts.slice(0, 10));
      if (when === null) return;
      push(`Birthday is on ${when}`, { slot: 'birthday', value: norm(when) });
      return;
    }
    case 'born': {
      const obj = object(false);
      if (obj === null) return;
      const on = /^\d{1,2}(?!\d)/u.test(obj);
      if (!on && !/^\d{4}$/u.test(obj) && !placeLike(obj, ctx.lowercaseWriter, rules)) return;
      push(`Was born ${on ? 'on' : 'in'} ${obj}`);
      return;
    }
    case 'love':
    case 'like':
    case 'hate':
    case 'cantStand': {
      const obj = object();
      if (obj === null || aboutYou) return;
      push(`${PREFERENCE_VERB[kind] ?? ''} ${obj}`, { slot: `pref:${norm(obj)}`, value: kind });
      return;
    }
    case 'favorite': {
      const obj = object();
      const cat = m.groups?.['cat']?.trim();
      if (obj === null || cat === undefined || cat === '' || secondPerson(obj)) return;
      push(`Favorite ${cat} is ${obj}`, { slot: `favorite:${norm(cat)}`, value: norm(obj) });
      return;
    }
    case 'want':
    case 'plan': {
      const obj = object();
      if (obj === null || aboutYou || !rules.infinitive.test(obj)) return;
      // A bare verb ("I want to know", "voglio capire") is a mood of the moment, not a goal.
      if (kind === 'want' && obj.split(/\s+/u).length < 2) return;
      push(`${kind === 'want' ? 'Wants' : 'Plans'} to ${obj}`);
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
        push(`Plans to ${obj} ${date.phrase}`, { eventDate });
        return;
      }
      const verbText = kind === 'going' ? 'Going to' : 'Went to';
      // "para o Porto", "nach der Arbeit": the article is grammar of the language, not part of the name.
      const dest = placeName(rules.tag !== 'en' && ARTICLE_THEN_CAPITAL.test(obj) ? obj.replace(/^\S+\s+/u, '') : obj);
      if (date !== null) push(`${verbText} ${dest} ${date.phrase}`, { eventDate });
      else if (placeLike(obj, ctx.lowercaseWriter, rules)) push(`${verbText} ${dest}`, { strength: 0.45 });
      return;
    }
    case 'event': {
      if (date === null) return;
      const obj = object(false);
      if (obj === null || secondPerson(obj)) return;
      push(`Has ${obj} ${date.phrase}`, { eventDate: date.date });
      return;
    }
  }
}

function applyKin(m: RegExpMatchArray, relation: string, c: Compiled, ctx: MessageContext, names: Set<string>): void {
  const { rules } = c;
  const start = m.index ?? 0;
  const prefix = ctx.sentence.slice(0, start);
  if (insideQuote(prefix) || rules.reported.test(prefix)) return;
  const after = NAME_AFTER.exec(ctx.sentence.slice(start + m[0].length));
  let name: string | null = null;
  if (after !== null) {
    const first = after[1] ?? '';
    const second = after[2];
    if (!rules.notNames.has(first.toLowerCase()) && first !== ctx.personName) {
      name = second !== undefined && !rules.notNames.has(second.toLowerCase()) ? `${first} ${second}` : first;
    }
  }
  if (name !== null) {
    names.add(norm(name));
    ctx.out.push({
      type: 'relationship',
      subject: name,
      text: `${name} is ${ctx.personName}'s ${relation}`,
      strength: 0.8,
      relation,
      named: true,
      ...(SINGLE_RELATIONS.has(relation) ? { slot: `rel:${relation}`, value: norm(name) } : {}),
    });
  } else if (!NAME_ONLY_RELATIONS.has(relation)) {
    ctx.out.push({
      type: 'relationship',
      subject: ctx.personName,
      text: `Has ${/^[aeiou]/u.test(relation) ? 'an' : 'a'} ${relation}`,
      strength: 0.45,
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
          ...(cand.eventDate === undefined ? {} : { eventDate: cand.eventDate }),
        },
        strength: cand.strength,
        ...(cand.slot === undefined ? {} : { slot: cand.slot, value: cand.value }),
        ...(cand.relation === undefined ? {} : { relation: cand.relation, named: cand.named }),
      });
      return;
    }
    const item = existing.item;
    if (!item.sourceMessageIds.includes(message.id)) item.sourceMessageIds.push(message.id);
    if (message.ts < item.firstSeen) item.firstSeen = message.ts;
    if (message.ts > item.lastSeen) item.lastSeen = message.ts;
    existing.strength = Math.max(existing.strength, cand.strength);
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
          if (kind === null || blocked(sentence.slice(0, at), c.rules)) continue;
          applyTrigger(kind, m, c, ctx);
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

  const residences = new Set(kept.filter((m) => m.slot === 'residence').map((m) => m.value));
  for (const [key, r] of recurring) {
    if (r.days.size < minDays) continue;
    const form = [...r.forms].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? '';
    if (key.startsWith('place:') && (residences.has(norm(form)) || kinNames.has(norm(form)))) continue;
    const text = `Often mentions ${form}`;
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
 * Within each single-valued slot, an item is superseded by the next item (by when it was last said)
 * with a different value: "Lives in Berlin" (2021) <- "Moved to Munich" (2023).
 */
function supersede(items: readonly Merged[]): void {
  const bySlot = new Map<string, Merged[]>();
  for (const m of items) {
    if (m.slot === undefined) continue;
    const list = bySlot.get(m.slot);
    if (list === undefined) bySlot.set(m.slot, [m]);
    else list.push(m);
  }
  for (const list of bySlot.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => (a.item.lastSeen < b.item.lastSeen ? -1 : a.item.lastSeen > b.item.lastSeen ? 1 : a.item.firstSeen < b.item.firstSeen ? -1 : 1));
    for (let i = 0; i < list.length; i++) {
      const older = list[i];
      if (older === undefined) continue;
      const newer = list.slice(i + 1).find((m) => m.value !== older.value);
      if (newer !== undefined) older.item.supersededBy = newer.item.id;
    }
  }
}
