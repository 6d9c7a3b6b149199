// Classification of WhatsApp lines: system events and the kinds of person items, compiled once from
// the per-language tables into literal indexes and one-regex gates per rule family.
// Invariants: no rule backtracks over a body (literal tests, gated anchored regexes); every hit
// reports its language so the caller can vote for the export's locale.

import type { ItemKind } from '../types';
import { firstDirMark, matchForm, startsWithDirMark } from './chars';
import { LOCALES, type LocaleTable, type SystemRule } from './locales/index';
import { escapeRegExp } from '../../util/escape-regexp';

interface Compiled {
  rule: SystemRule;
  lang: string;
}

interface RuleIndex {
  eq: Map<string, string>;
  eqMaxLength: number;
  eqFirst: Set<string>;
  byFirst: Map<string, Compiled[]>;
  byLast: Map<string, Compiled[]>;
  keyed: Compiled[];
  /**
   * One regex per rule family, built from the rules' literals: a single native scan says whether any
   * rule of the family can match, so ordinary messages never reach the per-rule loops.
   */
  anyPrefix: RegExp;
  anySuffix: RegExp;
  anyKey: RegExp;
}

const NEVER = /$^/;

function emptyIndex(): RuleIndex {
  return {
    eq: new Map(),
    eqMaxLength: 0,
    eqFirst: new Set(),
    byFirst: new Map(),
    byLast: new Map(),
    keyed: [],
    anyPrefix: NEVER,
    anySuffix: NEVER,
    anyKey: NEVER,
  };
}

/** Builds the any* gates once all rules are in. */
function sealIndex(index: RuleIndex): void {
  const prefixes: string[] = [];
  for (const list of index.byFirst.values()) {
    for (const c of list) if (c.rule.t === 'pre' || c.rule.t === 'both') prefixes.push(c.rule.t === 'pre' ? c.rule.s : c.rule.p);
  }
  const suffixes: string[] = [];
  for (const list of index.byLast.values()) for (const c of list) if (c.rule.t === 'suf') suffixes.push(c.rule.s);
  const keys = index.keyed.map((c) => (c.rule.t === 're' ? c.rule.key : ''));
  const alt = (xs: string[]): string => [...new Set(xs)].map(escapeRegExp).join('|');
  index.anyPrefix = prefixes.length === 0 ? NEVER : new RegExp(`^(?:${alt(prefixes)})`);
  index.anySuffix = suffixes.length === 0 ? NEVER : new RegExp(`(?:${alt(suffixes)})$`);
  index.anyKey = keys.length === 0 ? NEVER : new RegExp(alt(keys));
}

function push(map: Map<string, Compiled[]>, key: string, c: Compiled): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [c]);
  else list.push(c);
}

function dropFinalDot(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x20) end--;
  const c = s.charCodeAt(end - 1);
  if (c === 0x2e || c === 0x3002) end--; // '.' '。'
  return end === s.length ? s : s.slice(0, end);
}

function addRule(index: RuleIndex, rule: SystemRule, lang: string): void {
  const c: Compiled = { rule, lang };
  switch (rule.t) {
    case 'eq': {
      const k = dropFinalDot(rule.s);
      if (!index.eq.has(k)) index.eq.set(k, lang);
      index.eqMaxLength = Math.max(index.eqMaxLength, k.length);
      index.eqFirst.add(k.charAt(0));
      break;
    }
    case 'pre':
      push(index.byFirst, rule.s.charAt(0), c);
      break;
    case 'both':
      push(index.byFirst, rule.p.charAt(0), c);
      break;
    case 'suf':
      push(index.byLast, rule.s.charAt(rule.s.length - 1), c);
      break;
    case 're':
      index.keyed.push(c);
      break;
  }
}

/** The body in the shapes rules are tested against. */
interface Shapes {
  t: string;
  noDot: string;
  /** First sentence (up to ". "), or '' when the body is a single sentence. */
  first: string;
}

function shapesOf(text: string): Shapes {
  const t = text.trim();
  const noDot = dropFinalDot(t);
  let cut = t.indexOf('. ');
  if (cut === -1) cut = t.indexOf('。');
  const first = cut > 0 && cut < noDot.length ? t.slice(0, cut) : '';
  return { t, noDot, first };
}

function endsWithActor(s: string, suffix: string, minPrefix: number): boolean {
  return s.length > suffix.length + minPrefix - 1 && s.endsWith(suffix);
}

function ruleMatches(c: Compiled, sh: Shapes): boolean {
  const r = c.rule;
  switch (r.t) {
    case 'eq':
      return sh.noDot === r.s;
    case 'pre':
      return sh.t.startsWith(r.s);
    case 'both':
      if (!sh.t.startsWith(r.p)) return false;
      return (
        endsWithActor(sh.noDot, r.s, r.p.length + 1) || (sh.first !== '' && endsWithActor(sh.first, r.s, r.p.length + 1))
      );
    case 'suf':
      return endsWithActor(sh.noDot, r.s, 1) || (sh.first !== '' && endsWithActor(sh.first, r.s, 1));
    case 're':
      return sh.t.includes(r.key) && (r.re.test(sh.noDot) || (sh.noDot !== sh.t && r.re.test(sh.t)));
  }
}

function findIn(index: RuleIndex, sh: Shapes, prefixOnly: boolean): string | null {
  if (sh.t === '') return null;
  if (sh.noDot.length <= index.eqMaxLength) {
    const eq = index.eq.get(sh.noDot);
    if (eq !== undefined) return eq;
  }
  if (index.anyPrefix.test(sh.t)) {
    for (const c of index.byFirst.get(sh.t.charAt(0)) ?? []) if (ruleMatches(c, sh)) return c.lang;
  }
  if (prefixOnly) return null;
  // Suffix rules accept "X left." and "X left. Tap to learn more." alike: the body or its first sentence.
  if (index.anySuffix.test(sh.noDot)) {
    for (const c of index.byLast.get(sh.noDot.charAt(sh.noDot.length - 1)) ?? []) if (ruleMatches(c, sh)) return c.lang;
  }
  if (sh.first !== '' && index.anySuffix.test(sh.first)) {
    for (const c of index.byLast.get(sh.first.charAt(sh.first.length - 1)) ?? []) if (ruleMatches(c, sh)) return c.lang;
  }
  if (index.anyKey.test(sh.t)) {
    for (const c of index.keyed) if (ruleMatches(c, sh)) return c.lang;
  }
  return null;
}

interface Placeholder {
  kind: ItemKind;
  lang: string;
}

interface Tables {
  /** System rules of one language set (every language: key ''), built on first use. */
  rules: Map<string, { strict: RuleIndex; loose: RuleIndex }>;
  locales: readonly LocaleTable[];
  /** Whole-body placeholders (media, contact, deleted) as spelled, lower-cased and capitalised. */
  placeholders: Map<string, Placeholder>;
  /** Longest placeholder and the last characters placeholders end with: most lines skip the lookup. */
  placeholderMax: number;
  placeholderLast: Set<string>;
  placeholderFirst: Set<string>;
  /** Prefixes (as spelled, lower-cased, capitalised) followed by punctuation or nothing: calls, live
   * location, long deleted notices; bucketed by first character. */
  prefixes: Map<string, Array<{ p: string; kind: ItemKind; lang: string; loosePunct: boolean }>>;
  /** First characters of `prefixes` and the longest text worth a lookup. */
  prefixFirst: Set<string>;
  prefixMax: number;
  fileAttached: Map<string, string>;
  attached: Map<string, string>;
  edited: Array<{ marker: string; lang: string }>;
  poll: RegExp;
  pollOption: RegExp;
  langs: readonly string[];
}


let tables: Tables | null = null;

function build(locales: readonly LocaleTable[]): Tables {
  const placeholders = new Map<string, Placeholder>();
  const prefixes: Tables['prefixes'] = new Map();
  const fileAttached = new Map<string, string>();
  const attached = new Map<string, string>();
  const edited: Tables['edited'] = [];
  const polls = new Set<string>();
  const options = new Set<string>();
  // Keys as WhatsApp spells them plus lower-case and capitalised forms, so the common case needs no
  // case folding per line.
  const addPlaceholder = (s: string, kind: ItemKind, lang: string): void => {
    const k = dropFinalDot(s.trim());
    for (const v of [k, k.toLowerCase(), k.charAt(0).toUpperCase() + k.slice(1), k.charAt(0).toLowerCase() + k.slice(1)]) {
      if (!placeholders.has(v)) placeholders.set(v, { kind, lang });
    }
  };
  const addPrefix = (s: string, kind: ItemKind, lang: string, loosePunct: boolean): void => {
    const base = dropFinalDot(s.trim());
    const forms = new Set([base, base.toLowerCase(), base.charAt(0).toUpperCase() + base.slice(1)]);
    for (const p of forms) {
      const list = prefixes.get(p.charAt(0));
      const entry = { p, kind, lang, loosePunct };
      if (list === undefined) prefixes.set(p.charAt(0), [entry]);
      else list.push(entry);
    }
  };
  for (const t of locales) {
    for (const s of t.media ?? []) addPlaceholder(s, 'media', t.lang);
    for (const s of t.contact ?? []) addPlaceholder(s, 'contact', t.lang);
    for (const s of t.deleted ?? []) addPlaceholder(s, 'deleted', t.lang);
    for (const s of t.deletedPrefix ?? []) addPrefix(s, 'deleted', t.lang, true);
    for (const s of t.call ?? []) addPrefix(s, 'call', t.lang, false);
    for (const s of t.liveLocation ?? []) addPrefix(s, 'location', t.lang, false);
    for (const s of t.fileAttached ?? []) if (!fileAttached.has(s.toLowerCase())) fileAttached.set(s.toLowerCase(), t.lang);
    for (const s of t.attached ?? []) if (!attached.has(s.toLowerCase())) attached.set(s.toLowerCase(), t.lang);
    for (const s of t.edited ?? []) edited.push({ marker: s, lang: t.lang });
    for (const s of t.poll ?? []) polls.add(s);
    for (const s of t.pollOption ?? []) options.add(s);
  }
  // Longest prefix first, so "Missed voice call" wins over "Voice call".
  for (const list of prefixes.values()) list.sort((a, b) => b.p.length - a.p.length);
  edited.sort((a, b) => b.marker.length - a.marker.length);
  const alt = (set: Set<string>): string => [...set].map(escapeRegExp).join('|');
  return {
    rules: new Map(),
    locales,
    placeholders,
    prefixes,
    prefixFirst: new Set(prefixes.keys()),
    prefixMax: 80,
    placeholderMax: Math.max(...[...placeholders.keys()].map((k) => k.length)),
    placeholderLast: new Set([...placeholders.keys()].map((k) => k.charAt(k.length - 1))),
    placeholderFirst: new Set([...placeholders.keys()].map((k) => k.charAt(0))),
    fileAttached,
    attached,
    edited,
    poll: new RegExp(`^(?:${alt(polls)})\\s?:`),
    pollOption: new RegExp(`\\n(?:${alt(options)})\\s?:`),
    langs: locales.map((l) => l.lang),
  };
}

function getTables(): Tables {
  tables ??= build(LOCALES);
  return tables;
}

/** System-rule indexes restricted to `langs` (all languages when null), cached per language set. */
let lastLangs: ReadonlySet<string> | null | undefined;
let lastRules: { strict: RuleIndex; loose: RuleIndex } | null = null;

function rulesFor(langs: ReadonlySet<string> | null): { strict: RuleIndex; loose: RuleIndex } {
  // Callers pass the same set for a whole file: an identity check avoids rebuilding the key per line.
  if (langs === lastLangs && lastRules !== null) return lastRules;
  const tb = getTables();
  const key = langs === null ? '' : [...langs].sort().join(',');
  let idx = tb.rules.get(key);
  if (idx === undefined) {
    idx = { strict: emptyIndex(), loose: emptyIndex() };
    for (const t of tb.locales) {
      if (langs !== null && !langs.has(t.lang)) continue;
      for (const r of t.system) addRule(idx.strict, r, t.lang);
      for (const r of t.systemLoose ?? []) addRule(idx.loose, r, t.lang);
    }
    sealIndex(idx.strict);
    sealIndex(idx.loose);
    tb.rules.set(key, idx);
  }
  lastLangs = langs;
  lastRules = idx;
  return idx;
}

/** The cheap check for every line of a long file: exact events and start-anchored rules only. */
function prefixLanguage(index: RuleIndex, text: string): string | null {
  let bucket = index.byFirst.get(text.charAt(0));
  // A long bucket (every language at once) is cheaper behind the one-regex gate.
  if (bucket !== undefined && bucket.length > 12 && !index.anyPrefix.test(text)) bucket = undefined;
  if (bucket !== undefined) {
    for (const c of bucket) {
      const r = c.rule;
      if (r.t === 'pre' ? text.startsWith(r.s) : r.t === 'both' && text.startsWith(r.p) && ruleMatches(c, shapesOf(matchForm(text)))) {
        return c.lang;
      }
    }
  }
  if (text.length > index.eqMaxLength + 2 || !index.eqFirst.has(text.charAt(0))) return null;
  return index.eq.get(dropFinalDot(text.trim())) ?? null;
}

/** Every language tag the tables know, in tie-break order. */
export function knownLanguages(): readonly string[] {
  return getTables().langs;
}

/**
 * Language of the system event `text` is (marks already stripped), or null when it is none.
 * `loose` also admits generic events ("X added Y") that a person could have typed; `prefixOnly`
 * limits the check to rules anchored at the start (cheap enough for every line of a long file).
 */
export function systemLanguage(
  text: string,
  loose: boolean,
  langs: ReadonlySet<string> | null,
  prefixOnly = false,
): string | null {
  if (text.length > 500) return null;
  const idx = rulesFor(langs);
  if (prefixOnly && !loose) return prefixLanguage(idx.strict, text);
  const sh = shapesOf(matchForm(text));
  const hit = findIn(idx.strict, sh, prefixOnly);
  if (hit !== null || !loose) return hit;
  return findIn(idx.loose, sh, prefixOnly);
}

/** A quote character around a subject or group name, before the body's first colon. */
const QUOTE_BEFORE_COLON = /^[^:]*?["“”„«»「」『』'‘’]/;

/**
 * True when the body may be a system event that itself contains ": " (a quoted subject, as in
 * `X changed the subject to "a: b"`): a quote opens before the first colon.
 */
export function quoteBeforeColon(body: string): boolean {
  return QUOTE_BEFORE_COLON.test(body);
}

/** What decides, without a call, that an unmarked body cannot start with a system event. */
export interface PrefixGate {
  /** Start-anchored rules by first character. */
  byFirst: ReadonlyMap<string, readonly unknown[]>;
  /** First characters and longest length of whole-body events. */
  eqFirst: ReadonlySet<string>;
  eqMax: number;
}

export function systemPrefixGate(langs: ReadonlySet<string> | null): PrefixGate {
  const strict = rulesFor(langs).strict;
  return { byFirst: strict.byFirst, eqFirst: strict.eqFirst, eqMax: strict.eqMaxLength };
}

/** True when `text` is one plain line of person text (see isPlainMessage); `oneLine` skips the '\n' scan. */
export function plainMessage(text: string, oneLine = false): boolean {
  return isPlainMessage(getTables(), text, oneLine);
}

/** The cheap check for unmarked "Name: text" bodies of long files: exact events and start-anchored rules. */
export function systemPrefixLanguage(text: string, langs: ReadonlySet<string> | null): string | null {
  return text.length > 500 ? null : prefixLanguage(rulesFor(langs).strict, text);
}

export interface KindResult {
  kind: ItemKind;
  lang: string | null;
}

const MESSAGE: KindResult = { kind: 'message', lang: null };
const LOCATION: KindResult = { kind: 'location', lang: null };
const POLL: KindResult = { kind: 'poll', lang: null };
const EMPTY_MEDIA: KindResult = { kind: 'media', lang: null };

const ATTACHED = /^<([^<>:\n]{1,30}):\s?([^<>\n]+)>$/;
const FILE_ATTACHED = /^(.*\.([A-Za-z0-9]{1,6}))\s\(([^()\n]{2,40})\)$/;
const MEDIA_EXT = new Set([
  'jpg', 'jpeg', 'png', 'gif', 'webp', 'heic', 'bmp', 'mp4', 'mov', '3gp', 'mkv', 'avi', 'webm', 'opus', 'ogg', 'oga', 'm4a',
  'mp3', 'aac', 'amr', 'wav', 'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'txt', 'zip', 'rar', 'apk', 'vcf', 'csv',
]);
const MAPS = /^[^:\n]{1,30}?\s?:\s?https?:\/\/(?:maps\.google\.[a-z.]+\/|goo\.gl\/maps|maps\.app\.goo\.gl\/|maps\.apple\.com\/|(?:www\.)?google\.[a-z.]+\/maps)\S*$/;

function attachmentKind(fileName: string): ItemKind {
  return /\.vcf$/i.test(fileName.trim()) ? 'contact' : 'media';
}

/** Calls, live location and long deleted notices: a known prefix, then nothing or punctuation. */
function lookupPrefix(tb: Tables, k: string): Placeholder | null {
  // `k` is the line as written (final '.' dropped); prefixes carry their case variants.
  for (const e of tb.prefixes.get(k.charAt(0)) ?? []) {
    if (!k.startsWith(e.p)) continue;
    if (k.length === e.p.length) return e;
    const next = k.charAt(e.p.length);
    if (e.loosePunct || next === '.' || next === ',' || next === '•' || next === '(' || next === '·') return e;
    if (next === ' ') {
      const after = k.charAt(e.p.length + 1);
      if (after === '•' || after === '(' || after === '·' || after === '-' || after === '–') return e;
    }
  }
  return null;
}

/**
 * Kind of a person item. `rawFirst` is the first body line with its bidi marks (iOS marks text that
 * WhatsApp wrote with U+200E), `text` the whole body with marks stripped; `plain` promises that the
 * raw body had no marks, odd spaces or tashkeel (saves scans per line).
 */
export function personKind(rawFirst: string, text: string, plain = false): KindResult {
  if (plain && isPlainMessage(getTables(), text, false)) return MESSAGE;
  return personKindSlow(rawFirst, text, plain);
}

/**
 * The common case in a few checks: one plain line that cannot be any placeholder, call, location,
 * attachment or poll. Kept small so the engine optimises it early in every parse.
 */
function isPlainMessage(tb: Tables, text: string, oneLine: boolean): boolean {
  const n = text.length;
  if (n === 0 || (!oneLine && text.indexOf('\n') !== -1)) return false;
  const c0 = text.charAt(0);
  const cl = text.charCodeAt(n - 1);
  if (c0 === '<' || cl === 0x3e || cl === 0x29 || text.indexOf('://') !== -1) return false;
  if (n <= tb.placeholderMax + 1 && tb.placeholderFirst.has(c0)) return false;
  if (n <= tb.prefixMax && tb.prefixFirst.has(c0)) return false;
  if (tb.placeholderLast.has(text.charAt(n - 1)) && text.indexOf('.') !== -1) return false;
  return text.trim().length === n;
}

function personKindSlow(rawFirst: string, text: string, plain: boolean): KindResult {
  const tb = getTables();
  const nl = text.indexOf('\n');
  const line = nl === -1 ? text : text.slice(0, nl);
  const firstLine = (plain ? line : matchForm(line)).trim();
  if (firstLine === '') return text.trim() === '' ? EMPTY_MEDIA : MESSAGE;

  if (firstLine.length <= 160) {
    const exact = dropFinalDot(firstLine);
    const ph =
      exact.length <= tb.placeholderMax &&
      tb.placeholderLast.has(exact.charAt(exact.length - 1)) &&
      tb.placeholderFirst.has(exact.charAt(0))
        ? tb.placeholders.get(exact)
        : undefined;
    // A placeholder followed by lines is media with a caption; deleted/contact notices have none.
    if (ph !== undefined && (nl === -1 || ph.kind === 'media')) return ph;
    if (nl === -1 && exact.length <= tb.prefixMax && tb.prefixFirst.has(exact.charAt(0))) {
      const pre = lookupPrefix(tb, exact);
      if (pre !== null) return pre;
    }
  }
  // iOS writes "<file name> ‎document omitted": the placeholder is the last marked segment.
  const mark = plain ? -1 : firstDirMark(rawFirst);
  if (mark >= 0) {
    let last = rawFirst;
    for (let i = mark; i !== -1; i = firstDirMark(rawFirst, i + 1)) last = rawFirst.slice(i + 1);
    const seg = matchForm(last).trim();
    const hit = seg.length <= 90 ? tb.placeholders.get(dropFinalDot(seg)) : undefined;
    if (hit !== undefined && hit.kind !== 'deleted') return hit;
    const att = seg.charCodeAt(0) === 0x3c ? ATTACHED.exec(seg) : null;
    if (att !== null) return { kind: attachmentKind(att[2] ?? ''), lang: tb.attached.get((att[1] ?? '').toLowerCase()) ?? null };
  }
  const endsWithPlaceholder = suffixPlaceholder(tb, firstLine);
  if (endsWithPlaceholder !== null) return endsWithPlaceholder;
  const c0 = firstLine.charCodeAt(0);
  if (c0 === 0x3c) {
    const att = ATTACHED.exec(firstLine);
    if (att !== null && /\.[A-Za-z0-9]{1,6}$/.test((att[2] ?? '').trim())) {
      return { kind: attachmentKind(att[2] ?? ''), lang: tb.attached.get((att[1] ?? '').trim().toLowerCase()) ?? null };
    }
  }
  if (firstLine.charCodeAt(firstLine.length - 1) === 0x29) {
    const fa = FILE_ATTACHED.exec(firstLine);
    if (fa !== null) {
      const label = (fa[3] ?? '').toLowerCase();
      const lang = tb.fileAttached.get(label);
      if (lang !== undefined || MEDIA_EXT.has((fa[2] ?? '').toLowerCase())) {
        return { kind: attachmentKind(fa[1] ?? ''), lang: lang ?? null };
      }
    }
  }
  if (firstLine.indexOf('://') !== -1) {
    if (MAPS.test(firstLine) || firstLine.includes('foursquare.com/v/')) return LOCATION;
  } else if (nl !== -1 && text.lastIndexOf('\nhttps://foursquare.com/v/') !== -1 && text.split('\n').length <= 4) {
    // Android venue: name, address, then the foursquare link.
    return LOCATION;
  }
  if (nl !== -1 && tb.poll.test(firstLine) && tb.pollOption.test(text)) return POLL;
  return MESSAGE;
}

const FILE_TITLE = /\S\.[A-Za-z0-9]{2,5}(?:\s+•\s+[^•]*)?\s*$/;

/**
 * A placeholder closing the line after other text: "note <Media omitted>" (old exports put the
 * bracketed placeholder after the text), or "Report.pdf • 2 pages document omitted" (iOS documents
 * whose bidi marks were lost). Bare placeholder words need a file title before them.
 */
function suffixPlaceholder(tb: Tables, line: string): Placeholder | null {
  if (line.charCodeAt(line.length - 1) === 0x3e) {
    const open = line.lastIndexOf('<');
    if (open > 0) {
      const ph = tb.placeholders.get(line.slice(open));
      if (ph !== undefined && ph.kind !== 'deleted') return ph;
    }
    return null;
  }
  if (!tb.placeholderLast.has(line.charAt(line.length - 1)) || line.indexOf('.') === -1) return null;
  // Try the last one to four words as a placeholder.
  let cut = line.length;
  for (let words = 0; words < 4; words++) {
    cut = line.lastIndexOf(' ', cut - 1);
    if (cut <= 0) return null;
    const ph = tb.placeholders.get(line.slice(cut + 1));
    if (ph !== undefined && ph.kind !== 'deleted' && FILE_TITLE.test(line.slice(0, cut))) return ph;
  }
  return null;
}

/** Strips a trailing "<This message was edited>" marker (any language); null when there is none. */
export function stripEdited(text: string): { text: string; lang: string } | null {
  if (text.charCodeAt(text.length - 1) !== 0x3e) return null; // '>'
  for (const e of getTables().edited) {
    if (text.endsWith(e.marker)) return { text: text.slice(0, text.length - e.marker.length).trimEnd(), lang: e.lang };
  }
  return null;
}

const WHATSAPP_NAME = /WhatsApp|واتساب|וואטסאפ|واتس‌اپ|واتس اپ|ВатсАп/;

/**
 * iOS fallbacks for languages without tables: WhatsApp prefixes text it wrote with a bidi mark. A
 * marked body naming WhatsApp (the encryption notice) or made of several marked segments (security
 * code changes: "‎‎Your code changed. ‎Tap to learn more.") is a system event.
 */
export function looksLikeIosSystem(rawBody: string, text: string): boolean {
  if (!startsWithDirMark(rawBody)) return false;
  if (WHATSAPP_NAME.test(text)) return true;
  let i = 0;
  while (i < rawBody.length) {
    const c = rawBody.charCodeAt(i);
    if (c === 0x200e || c === 0x200f || c === 0x20) i++;
    else break;
  }
  const inner = firstDirMark(rawBody, i);
  return inner !== -1 && rawBody.slice(i, inner).trim().length >= 3 && rawBody.slice(inner + 1).trim().length >= 3;
}
