// The prose style summary used in the persona prompt: 1-4 plain English sentences derived from the
// numbers of a StyleProfile. Invariants: every claim is backed by a threshold on the person's numbers
// (absolute, and against the others' where a habit only matters by contrast); no claim when the
// sample is too small; deterministic for a given profile.

import { isFunctionWord, languageName } from './lang';
import { laughFamily } from './laughter';
import type { StyleProfile, StyleStats } from './types';

/** Fewer text messages than this and there is no style to speak of. */
const MIN_MESSAGES = 5;

function list(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

function sentence(clauses: readonly string[]): string | null {
  if (clauses.length === 0) return null;
  const text = clauses.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

const quote = (s: string): string => `'${s}'`;

function form(p: StyleStats): string {
  const median = Math.round(p.chars.median);
  const size = median < 20 ? 'short' : median < 45 ? 'medium-length' : 'long';
  const lower = p.casing.allLowercase >= 0.6 ? ' lowercase' : '';
  const langs = p.languages.filter((l) => l.share >= 0.15);
  const first = langs[0];
  let inLang = '';
  if (first !== undefined) {
    const second = langs[1];
    inLang = second === undefined || first.share >= 0.85
      ? ` in ${languageName(first.tag)}`
      : ` in ${languageName(first.tag)} and ${languageName(second.tag)}`;
  }
  let rhythm = '';
  const b = p.bubblesPerTurn;
  if (b.count > 0 && b.mean >= 1.5 && b.p90 >= 2) {
    const lo = Math.max(2, Math.round(b.median));
    const hi = Math.max(lo + 1, Math.round(b.p90));
    rhythm = `${b.median < 2 ? ', often' : ','} in bursts of ${lo}-${hi}`;
  } else if (b.count > 0 && b.mean < 1.25) {
    rhythm = ', one message at a time';
  }
  return `Writes ${size}${lower} messages${inLang} (median ${median} characters)${rhythm}.`;
}

function punctuation(p: StyleStats, o: StyleStats): string | null {
  const e = p.endings;
  const clauses: string[] = [];
  const othersKnown = o.messages >= MIN_MESSAGES;
  if (e.period <= 0.05 || (e.period <= 0.1 && othersKnown && o.endings.period >= e.period + 0.1)) {
    clauses.push('rarely ends with a period');
  } else if (e.period >= 0.4) clauses.push('usually ends with a period');
  if (e.ellipsis >= 0.25 || (e.ellipsis >= 0.12 && (!othersKnown || e.ellipsis >= 1.5 * o.endings.ellipsis))) {
    clauses.push("often trails off with '...'");
  }
  if (e.exclamation >= 0.2) clauses.push('uses a lot of exclamation marks');
  if (e.question >= 0.3) clauses.push('asks many questions');
  if (p.repeatedMarks >= 0.08) clauses.push("doubles up marks like '!!' and '??'");
  if (p.repeatedLetters >= 0.06) clauses.push("stretches words ('sooo')");
  if (p.casing.allCaps >= 0.15) clauses.push('often writes in capitals');
  else if (p.casing.startsWithCapital >= 0.8 && p.casing.allLowercase < 0.15) clauses.push('starts messages with a capital letter');
  return sentence(clauses.slice(0, 4));
}

function expressive(p: StyleStats, o: StyleStats): string | null {
  const clauses: string[] = [];
  const top = p.topEmojis.filter((e, i) => i < 3 && e.count >= 3 && e.count >= 0.2 * (p.topEmojis[0]?.count ?? 0));
  if ((p.emojiPerMessage >= 0.1 || p.shareWithEmoji >= 0.08) && top.length > 0) {
    const heavy = p.emojiPerMessage >= 0.5 ? 'uses lots of emoji, mostly ' : 'uses ';
    clauses.push(`${heavy}${list(top.map((e) => e.text))}${heavy === 'uses ' ? ' often' : ''}`);
  } else if (p.emojiPerMessage < 0.02) {
    clauses.push(o.messages >= MIN_MESSAGES && o.emojiPerMessage >= 0.1 ? 'rarely uses emoji, unlike the others' : 'rarely uses emoji');
  }
  const emoticons = (p.topEmoticons ?? []).filter((e, i) => i < 2 && e.count >= 3);
  if ((p.shareWithEmoticon ?? 0) >= 0.03 && emoticons.length > 0) {
    clauses.push(`types emoticons like ${list(emoticons.map((e) => quote(e.text)))}`);
  }
  const laughs = p.laughter.filter((l, i) => i < 2 && l.count >= 3 && l.count >= 0.3 * (p.laughter[0]?.count ?? 0));
  if (p.shareWithLaughter >= 0.03 && laughs.length > 0) {
    clauses.push(`laughs with ${laughs.map((l) => quote(l.text)).join(' or ')}`);
  }
  return sentence(clauses);
}

function words(p: StyleStats): string | null {
  const minCount = Math.max(3, Math.ceil(p.messages * 0.002));
  const phrases = p.signature
    // Function words and laughs are distinctive by the numbers but say nothing a reader can imitate
    // (laughter has its own clause).
    .filter((s) => s.count >= minCount && !s.text.split(' ').every((w) => isFunctionWord(w) || laughFamily(w) !== null))
    .slice(0, 3)
    .map((s) => quote(s.text));
  const clauses: string[] = [];
  if (phrases.length > 0) clauses.push(`often says ${list(phrases)}`);
  const opener = p.openers.find((o) => !o.text.split(' ').every(isFunctionWord));
  if (opener !== undefined && p.turns > 0 && opener.count / p.turns >= 0.05 && opener.count >= 3) {
    clauses.push(`often starts with ${quote(opener.text)}`);
  }
  return sentence(clauses);
}

/** 1-4 sentences describing how the person writes, from their numbers and the others'. */
export function styleSummary(profile: StyleProfile): string {
  const p = profile.person;
  if (p.messages < MIN_MESSAGES) return `Too few messages from ${profile.personName} to describe a writing style.`;
  return [form(p), punctuation(p, profile.others), expressive(p, profile.others), words(p)]
    .filter((s): s is string => s !== null)
    .join(' ');
}
