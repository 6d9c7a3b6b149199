// Shapes of the per-language tables the memory extractor runs: trigger patterns for self-statements
// ("I live in", "vivo a", "ich wohne in"), kinship words, guards (negation, hypotheticals, reported
// speech), date words and the statement templates. Invariants: every trigger is first person; patterns
// are written with `\b`, which `rx` turns into a Unicode-aware boundary (JS's own `\b` only knows ASCII
// letters); a language's templates are wholly in that language, so a statement never mixes two.

import type { DateSpan } from '../relative-dates';

/** What a trigger states; the language's `say` templates turn it into a statement. */
export type FactKind =
  | 'live' // Lives in X (residence)
  | 'moved' // Moved to X (residence)
  | 'work' // Works at X (employer)
  | 'jobAs' // Works as X: the object is the job, whatever it is
  | 'job' // "I'm a X": only when X is in the language's job list
  | 'study' // Studies X
  | 'birthday' // Birthday is on X (or on the date the sentence names)
  | 'born' // Was born in/on X
  | 'love'
  | 'like'
  | 'dislike' // a negated like or love: "I don't like X", "Ich mag keine X", "No me gusta X"
  | 'hate'
  | 'cantStand'
  | 'favorite' // Favorite <cat> is X (group `cat`)
  | 'want' // Wants to X
  | 'plan' // Plans to X
  | 'going' // Going to <place> (episode; with a date) or going to <verb> (plan; with a date only)
  | 'went' // Went to X (episode, past)
  | 'event'; // Has X <date> (episode; needs a date)

export interface TriggerRule {
  kind: FactKind;
  /** Case-insensitive; the object starts where the match ends. Built with rx(). */
  re: RegExp;
}

export interface KinRule {
  /** "my sister", "mia sorella", "моя сестра": the match ends right after the kin word. */
  re: RegExp;
  /** English relation name: sister, mother, dog... */
  relation: string;
}

export interface DateWords {
  today: string[];
  tonight: string[];
  tomorrow: string[];
  dayAfterTomorrow: string[];
  yesterday: string[];
  nextWeek: string[];
  weekend: string[];
  nextMonth: string[];
  /** Monday first; each day's forms as regex sources (e.g. 'lunedì|lunedi'). */
  weekdays: readonly [string, string, string, string, string, string, string];
  /** Spans that look like a date word but are not ("heute Morgen" = this morning, "esta mañana"). */
  notDates?: string[];
  /** Words next to a weekday that make it the past one ("last", "scorso"), as a regex alternation. */
  lastWeekday?: string;
  /** Prepositions before a weekday that belong to the date phrase ("on", "am", "el"). */
  weekdayPrefix?: string;
}

/** What a template may use besides the value. */
export interface SayContext {
  /** The persona's name. */
  person: string;
  /** The preposition the person used before the value ("in", "nach", "в"), or ''. */
  prep: string;
  /** The person's own verb of the trigger ("переехала", "fahre"), lowercase, or ''. */
  verb: string;
}

/**
 * Statement templates of one language. The value is the person's own words as written (so a Russian
 * object keeps the case its preposition governs, and the template repeats that preposition); nothing
 * is translated.
 */
export interface Say {
  live(v: string, c: SayContext): string;
  moved(v: string, c: SayContext): string;
  work(v: string, c: SayContext): string;
  jobAs(v: string, c: SayContext): string;
  /** "I'm a nurse" / "Ich bin Lehrerin": the job or student word as written. */
  job(v: string, c: SayContext): string;
  study(v: string, c: SayContext): string;
  /** `v`: the person's words ("March 3", "il 5 maggio") or dayMonth() of a resolved date. */
  birthday(v: string, c: SayContext): string;
  dayMonth(month: number, day: number): string;
  born(v: string, c: SayContext): string;
  love(v: string, c: SayContext): string;
  like(v: string, c: SayContext): string;
  dislike(v: string, c: SayContext): string;
  hate(v: string, c: SayContext): string;
  cantStand(v: string, c: SayContext): string;
  favorite(cat: string, v: string, c: SayContext): string;
  want(v: string, c: SayContext): string;
  plan(v: string, c: SayContext): string;
  going(v: string, c: SayContext): string;
  went(v: string, c: SayContext): string;
  /** "I have a job interview on Monday": `v` is the thing as written. */
  event(v: string, c: SayContext): string;
  /** A resolved date as a phrase that follows a statement. */
  date(span: DateSpan, iso: string): string;
  often(v: string): string;
  /** "Anna is Sam's sister": `relation` is the English key of the kin table. */
  named(name: string, relation: string, c: SayContext): string;
  /** "Has a brother". */
  unnamed(relation: string): string;
}

export interface LangRules {
  tag: string;
  say: Say;
  /** First-person words: an object with one ("Loves my wife") is not a statement of its own. */
  firstPerson: RegExp;
  /** Anywhere in the sentence: the statement holds only for now ("this week", "for now"): no lasting fact. */
  temporary: RegExp;
  /** Right after a kin word: "'s name is", "heißt", "se llama" -- the name follows. */
  namedAs: RegExp;
  triggers: TriggerRule[];
  kin: KinRule[];
  /** Anywhere before the trigger in the sentence: "if", "wenn", "se", "если"... */
  hypothetical: RegExp;
  /** Anywhere before the trigger: "said", "dice", "сказал"... */
  reported: RegExp;
  /** Matches at the very end of the text before the trigger: "don't ", "non ", "не ". */
  negationBefore: RegExp;
  /** Matches the start of an object that negates the statement: "(ich mag) keine", "(j'aime) pas". */
  negationAfter: RegExp;
  /** Matches the end of an object that negates it, in languages that negate last: "(ich mag Jazz) nicht". */
  negationLast?: RegExp;
  /** Matches the end of the text before a pro-drop verb that is really a noun: "il lavoro", "el trabajo". */
  nounBefore?: RegExp;
  /** Words that end an object: conjunctions, "because", time adverbs... (matched as whole words). */
  boundary: RegExp;
  /** Objects starting with these are not facts about the persona: pronouns, "you", "this", "how"... */
  stopObject: RegExp;
  /** Second-person words: "I love you" is not a preference; "I live in Rome, and you?" is still a statement. */
  secondPerson: RegExp;
  /** Stripped from the start of an object: articles, intensifiers. */
  leading: RegExp;
  /** Stripped from the end of an object: intensifiers, "now", "too". */
  trailing: RegExp;
  /** First word of an object that is a verb in the infinitive (for "going to" + verb, "quiero" + verb). */
  infinitive: RegExp;
  /** Job words for "I'm a X" (lowercase). */
  jobs: ReadonlySet<string>;
  /** Words naming a student (job rule -> "Is a student"). */
  student: ReadonlySet<string>;
  /** Activities worth remembering when they recur: word -> canonical key (shared across languages). */
  activities: ReadonlyMap<string, string>;
  /** Prepositions before a place name ("in|nach|aus", "a|in", "в|во"), as one regex alternation source. */
  placePreps: string;
  /** Month names (for "my birthday is in May" / "il 5 maggio"): an explicit date needs a digit or one of these. */
  months: RegExp;
  /** Capitalized words that are not names or places (days, months, interjections). Lowercase. */
  notNames: ReadonlySet<string>;
  dates: DateWords;
}

/**
 * Word start: no letter, digit, mark or apostrophe before (JS's own `\b` only knows ASCII letters). A
 * word after an elision ("un'ora", "l'ora") is part of that token, not a word of its own.
 */
export const WORD_START = String.raw`(?<![\p{L}\p{N}\p{M}'])`;
/** Word end: no letter, digit or mark after. */
export const WORD_END = String.raw`(?![\p{L}\p{N}\p{M}])`;

/**
 * A case-insensitive Unicode pattern where `\b` is a Unicode word boundary: a word start when what
 * follows is a letter or a group, a word end when the pattern, a group or an alternative ends there.
 * (One lookaround each instead of a general two-sided boundary: cheaper to build and to run.)
 */
export function rx(source: string, flags = 'iu'): RegExp {
  const out = source.replace(/\\b(?=(.|$))/gsu, (_m, next: string) => (next === '' || next === ')' || next === '|' ? WORD_END : WORD_START));
  return new RegExp(out, flags);
}

/** A whole-word alternation of the given forms (regex sources), case-insensitive. */
export function words(forms: readonly string[], flags = 'iu'): RegExp {
  return rx(String.raw`\b(?:${forms.join('|')})\b`, flags);
}

/** A set of lowercase words from a space-separated list. */
export function set(list: string): ReadonlySet<string> {
  return new Set(list.split(/\s+/u).filter((w) => w !== ''));
}

/** Activity words -> canonical key, from "key: form form, key: form" lists. */
export function activities(list: string): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  for (const group of list.split(',')) {
    const [key, forms] = group.split(':');
    if (key === undefined || forms === undefined) continue;
    for (const form of forms.trim().split(/\s+/u)) if (form !== '') map.set(form, key.trim());
  }
  return map;
}
