// PII masking of message text: phone numbers, e-mail addresses, URLs and long digit ids become stable
// tokens such as `[phone-7f3a9c]`. Invariants: the same normalized value always gives the same token for
// one salt; masking is idempotent (tokens are never re-masked); text without PII is returned unchanged.
// Dates, times, versions, prices, year ranges and small numbers in prose are deliberately left alone.

import { hashString } from './hash';

export type MaskKind = 'phone' | 'email' | 'url' | 'id';

export interface MaskResult {
  text: string;
  /** How many values this call replaced (tokens already present are not counted). */
  masked: number;
}

export type Masker = (text: string) => MaskResult;

export interface MaskerOptions {
  /**
   * Secret mixed into every token hash. Without it a token would be a short hash of the value alone:
   * there are only ~10^10 phone numbers per country and far fewer e-mail/URL guesses worth trying,
   * so anyone holding the masked text could hash every candidate and read the numbers back. With a
   * random per-device salt that is not shipped alongside the text, the tokens only say "same value
   * as elsewhere", which is all style and memory building need.
   */
  salt: string;
}

/** Hex characters of the hash kept in a token: 24 bits keep collisions between the few hundred
 * distinct values of one chat unlikely while the token stays short. */
const TOKEN_HEX = 6;

/** A token as produced here; 4-8 hex digits are accepted so that tokens of other lengths survive. */
export const MASK_TOKEN_SOURCE = String.raw`\[(?:phone|email|url|id)-[0-9a-f]{4,8}\]`;
const TOKEN_AT_END = new RegExp(`${MASK_TOKEN_SOURCE}$`);
const TOKEN_AT_START = new RegExp(`^${MASK_TOKEN_SOURCE}`);

const WHOLE_TOKEN = new RegExp(`^${MASK_TOKEN_SOURCE}$`);

/** True for a whole string that is one mask token (for consumers that treat tokens as opaque words). */
export function isMaskToken(s: string): boolean {
  return WHOLE_TOKEN.test(s);
}

// ---------------------------------------------------------------------------------------------
// Grammar. Candidates are collected per class in priority order -- existing tokens, URLs with a scheme
// or "www.", e-mail addresses, bare domains with a path, runs of digit groups -- and a later class never
// takes text an earlier one took. Each class is found by a regex that starts at a rare, literal
// character ('[', "://", "www.", '@', ".tld/", a digit), so ordinary text costs a few fast scans.
// Digit runs are classified afterwards (classifySpan): telling a phone number from a date or a price
// needs arithmetic, not just a pattern.

// ASCII, Arabic-Indic, Extended Arabic-Indic (Persian) and full-width digits.
const DIGIT = String.raw`[0-9\u0660-\u0669\u06F0-\u06F9\uFF10-\uFF19]`;
// Spaces that may sit inside a written number (NBSP, thin space, narrow NBSP as in fr-FR grouping).
const SP = String.raw`[ \u00A0\u2009\u202F]`;
// One separator between two digit groups of a phone-like run. Dots only unspaced (". " ends sentences).
const SEP = String.raw`(?:${SP}?[-/\u2010\u2011\u2013]${SP}?|\.|${SP}?\)${SP}?\(?|${SP}?\(|${SP})`;
const NUM_RUN = String.raw`(?:\(\+?|\+)?${DIGIT}+(?:${SEP}${DIGIT}+)*\)?`;

// URL characters: RFC 3986 set plus Latin/Greek/Cyrillic letters (IRIs); CJK and emoji end a URL
// because those scripts are routinely written without a space after a link.
const URL_CHAR = String.raw`[A-Za-z0-9\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF\-._~:/?#\[\]@!$&'()*+,;=%]`;
const URL_SCHEME_RE = new RegExp(String.raw`(?:https?|ftp):\/\/${URL_CHAR}+`, 'giu');
const URL_WWW_RE = new RegExp(String.raw`www\.[\p{L}\p{N}-]{1,63}\.${URL_CHAR}+`, 'giu');
// Bare domains count only with a path ("bit.ly/x", "example.de/shop"); without one, "e.g." or
// "file.txt" style words would be hit. TLDs: any two-letter code or a common generic one. The match
// starts at the TLD's dot; the domain labels in front of it are added by walking left.
const GENERIC_TLDS =
  'com|org|net|edu|gov|mil|int|info|biz|name|pro|app|dev|page|blog|shop|store|online|site|xyz|live|link|news|tech|cloud|club|one|art|design|agency|media|world|today|social|video|travel|wiki|email|music|space|website|top|icu|vip';
const URL_BARE_TAIL_RE = new RegExp(String.raw`\.(?:${GENERIC_TLDS}|[a-z]{2})\/${URL_CHAR}+`, 'giu');
const DOMAIN_CHAR_RE = /[\p{L}\p{N}.-]/u;
// E-mail: matched from the '@'; the local part is added by walking left (at most 64 characters).
const EMAIL_TAIL_RE = /@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63})*\.\p{L}{2,24}/gu;
const EMAIL_LOCAL_CHAR_RE = /[\p{L}\p{N}._%+-]/u;
const TOKEN_RE = new RegExp(MASK_TOKEN_SOURCE, 'g');
const NUM_RUN_RE = new RegExp(NUM_RUN, 'gu');
const WWW_RE = /www\./i;
const DIGIT_RE = new RegExp(DIGIT, 'u');
const GROUP_RE = new RegExp(`${DIGIT}+`, 'gu');
// Letters of scripts written with spaces between words: a number glued to one ("abc1234567") is part
// of a word. Han, kana and Thai run numbers straight into text ("電話090-1234-5678"), so they do not count.
const SPACED_LETTER_RE =
  /^(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}])[\p{L}\p{M}]$/u;

// Context that marks a number as money or a quantity, never a phone number or an id.
const CURRENCY_BEFORE = /[$€£¥₹₽₺₩¢₪₫฿][ \u00A0\u202F]?$/u;
const CURRENCY_AFTER =
  /^[ \u00A0\u202F]?(?:[%‰$€£¥₹₽₺₩¢₪₫฿円元]|(?:eur|euro|euros|usd|gbp|chf|rub|руб|yen|kr|zł|kč|lei|lira|real|reais)(?![\p{L}]))/iu;
const DECIMAL_AFTER = new RegExp(`^[.,\u066B\u066C]${DIGIT}`, 'u');
const DECIMAL_BEFORE = new RegExp(`${DIGIT}[.,\u066B\u066C]$`, 'u');
// A number glued to a time by a colon ("21:41:35 1234567") belongs to the time.
const TIME_BEFORE = new RegExp(`${DIGIT}[:：]$`, 'u');
const TIME_AFTER = new RegExp(`^[:：]${DIGIT}`, 'u');
// Words that announce a phone number, in the app's main UI languages. Checked on the few characters
// before a run only, so they cost nothing on ordinary text.
const PHONE_WORD_BEFORE =
  /(?:(?:^|[^\p{L}])(?:tel|tél|telf|phone|fon|handy|mobil|mobile|cell|móvil|movil|celular|cel|telefone|telefono|teléfono|téléphone|portable|numero|número|numéro|nummer|number|whatsapp|телефон|тел|номер|هاتف|جوال|رقم|טלפון)|電話|電話番号|携帯|手机|电话|번호|전화)\.?[ \u00A0\u202F]*[:：]?[ \u00A0\u202F]*$/iu;

// ---------------------------------------------------------------------------------------------

interface Group {
  digits: string; // ASCII digits
  start: number; // offset in the source text
  end: number;
}

interface Run {
  lead: string; // '', '+', '(', '(+'
  leadStart: number;
  groups: Group[];
  /** seps[k] is the text between groups[k] and groups[k + 1]. */
  seps: string[];
  /** sepKind of each separator. */
  kinds: string[];
  /** cum[k] = digits in groups[0..k-1]. */
  cum: number[];
  /** plain[k]: seps[k] is a single space, the only separator that may end a span inside a run. */
  plain: boolean[];
  hasParen: boolean;
}

function toAsciiDigits(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c >= 0x30 && c <= 0x39) out += ch;
    else if (c >= 0x660 && c <= 0x669) out += String(c - 0x660);
    else if (c >= 0x6f0 && c <= 0x6f9) out += String(c - 0x6f0);
    else if (c >= 0xff10 && c <= 0xff19) out += String(c - 0xff10);
  }
  return out;
}

function parseRun(text: string, start: number, match: string): Run {
  let lead = '';
  for (const ch of match) {
    if (ch === '+' || ch === '(') lead += ch;
    else break;
  }
  const groups: Group[] = [];
  GROUP_RE.lastIndex = 0;
  for (let m = GROUP_RE.exec(match); m !== null; m = GROUP_RE.exec(match)) {
    groups.push({ digits: toAsciiDigits(m[0]), start: start + m.index, end: start + m.index + m[0].length });
  }
  const seps: string[] = [];
  for (let k = 0; k + 1 < groups.length; k++) {
    const a = groups[k];
    const b = groups[k + 1];
    if (a !== undefined && b !== undefined) seps.push(text.slice(a.end, b.start));
  }
  const cum = [0];
  for (const g of groups) cum.push((cum[cum.length - 1] ?? 0) + g.digits.length);
  const kinds = seps.map(sepKind);
  return {
    lead,
    leadStart: start,
    groups,
    seps,
    kinds,
    cum,
    plain: seps.map(isPlainSpace),
    hasParen: lead.includes('(') || kinds.includes('paren'),
  };
}

function isPlainSpace(sep: string): boolean {
  return sep.length === 1 && /[ \u00A0\u2009\u202F]/.test(sep);
}

/** The character class of a separator, ignoring the spaces around dashes and slashes. */
function sepKind(sep: string): string {
  if (sep.includes('(') || sep.includes(')')) return 'paren';
  const t = sep.replace(/[ \u00A0\u2009\u202F]/g, '');
  if (t === '') return ' ';
  if (t === '\u2010' || t === '\u2011' || t === '\u2013') return '-';
  return t;
}

function isYear(g: string): boolean {
  if (g.length !== 4) return false;
  const y = Number(g);
  return y >= 1000 && y <= 2999;
}

/** d/m/y, m/d/y or y/m/d with one separator from ./- (the way dates are written everywhere). */
function isDate(a: string, b: string, c: string): boolean {
  const na = Number(a);
  const nb = Number(b);
  const nc = Number(c);
  const dayMonth = (x: number, y: number): boolean =>
    (x >= 1 && x <= 31 && y >= 1 && y <= 12) || (x >= 1 && x <= 12 && y >= 1 && y <= 31);
  if (a.length <= 2 && b.length <= 2 && (c.length === 2 || c.length === 4)) return dayMonth(na, nb);
  if (a.length === 4 && b.length <= 2 && c.length <= 2) return dayMonth(nc, nb) || dayMonth(nb, nc);
  return false;
}

function lastChar(s: string): string {
  const cp = s.codePointAt(s.length - 1);
  if (cp === undefined) return '';
  // A low surrogate: step back to the whole astral character.
  if (cp >= 0xdc00 && cp <= 0xdfff && s.length >= 2) return String.fromCodePoint(s.codePointAt(s.length - 2) ?? cp);
  return String.fromCodePoint(cp);
}

function firstChar(s: string): string {
  const cp = s.codePointAt(0);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/**
 * Groupings national numbers are written in without any prefix: 3-4 and 3-3-4 (NANP), 3-3-3 and
 * 3-2-2-2 (es, pt), 3-3-2-2 (ru), 3-4-4 (zh), 5-5 (in), 2-5-4 and 5-4 (pt-BR), 3-7 (de, it)...
 * Anything else without a sign (+, 0, parentheses, "tel") is more likely a list or a quantity.
 */
function plainPhoneShape(lens: readonly number[], kinds: readonly string[]): boolean {
  const [a = 0, b = 0, c = 0, e = 0] = lens;
  if (kinds.some((k) => k === '.')) return false;
  // Thousands grouping (12 345 678, 1 234 567) is a quantity.
  if (a <= 2 && lens.length >= 3 && lens.slice(1).every((n) => n === 3)) return false;
  // Lists of equally long numbers (10 20 30 40).
  if (lens.length >= 4 && lens.every((n) => n === a)) return false;
  switch (lens.length) {
    case 2:
      return a >= 2 && a <= 5 && b >= 4 && b <= 8;
    case 3:
      if (a === 1) return kinds.every((k) => k === '-') && b === 3 && c >= 3; // 1-800-555-0199
      return a >= 2 && a <= 4 && b >= 3 && b <= 5 && c >= 3 && c <= 5;
    case 4:
      if (a === 1) return kinds.every((k) => k === '-') && b === 3 && c === 3 && e >= 2; // 8-916-123-45-67
      return a >= 2 && a <= 3 && b >= 2 && b <= 3 && c === 2 && e === 2;
    case 5:
      return a === 1 && kinds.every((k) => k === '-') && b === 3 && c === 3 && e === 2 && lens[4] === 2;
    default:
      return false;
  }
}

/** What the text right before a span says about it (computed once per position of a run). */
interface Before {
  /** Money, a decimal fraction or a time continues into the span ("€ ", "3,", "21:"). */
  stop: boolean;
  letter: boolean; // glued to a word of a spaced script (or to a token)
  digit: boolean;
  word: boolean; // "tel:", "Handy", "電話" ...
  mention: boolean; // "@4917..."
}

/** What the text right after a span says about it. */
interface After {
  stop: boolean; // a currency, a unit, a decimal fraction or a time follows
  letter: boolean;
}

function beforeOf(text: string, start: number): Before {
  const before = text.slice(Math.max(0, start - 24), start);
  return {
    stop: CURRENCY_BEFORE.test(before) || DECIMAL_BEFORE.test(before) || TIME_BEFORE.test(before),
    letter: SPACED_LETTER_RE.test(lastChar(before)) || TOKEN_AT_END.test(before),
    digit: DIGIT_RE.test(before.slice(-1)),
    word: PHONE_WORD_BEFORE.test(before),
    mention: before.endsWith('@'),
  };
}

function afterOf(text: string, end: number): After {
  const after = text.slice(end, end + 24);
  return {
    stop: CURRENCY_AFTER.test(after) || DECIMAL_AFTER.test(after) || TIME_AFTER.test(after),
    letter: SPACED_LETTER_RE.test(firstChar(after)) || TOKEN_AT_START.test(after),
  };
}

interface SpanContext {
  /** The span is only part of its run of digit groups (other groups sit next to it). */
  partial: boolean;
  /** '+', '(', '(+' when the span starts with the run's lead, else ''. */
  lead: string;
  before: Before;
  after: After;
}

/**
 * Decides whether digit groups g[0..n] (with separators s[0..n-1]) are a phone number, a long id,
 * or neither. Rules, in order:
 *  - dates (12.10.2017, 2017-10-12, also when something follows them) and lists of years -> neither;
 *  - money, decimals and times around it (a currency sign or code, "1.234.567,89", "21:41:35") -> neither;
 *  - phone: 7..15 digits, not glued to letters, and either a sign (leading +, 00 or trunk 0, a
 *    parenthesised area code, a "tel:" style word before it, an @mention) or one of the plain
 *    groupings national numbers are written in; dotted forms only as 555.123.4567, 06.12.34.56.78 or
 *    with a +/0 prefix, so versions, IP addresses and thousands stay; spaced dashes and slashes
 *    ("35 - 10000", "100 / 2000") only with a trunk 0 or a "tel" word;
 *  - id: a single group of 9+ digits (order numbers, IBAN digits after "DE89"), or 12..34 digits in
 *    groups of 4 as cards and IBANs are written.
 */
function classifySpan(
  groups: readonly Group[],
  seps: readonly string[],
  kinds: readonly string[],
  d: number,
  ctx: SpanContext,
): MaskKind | null {
  const first = groups[0];
  if (first === undefined || d < 7) return null;
  const k0 = kinds[0];

  // Dates: d.m.y, m/d/y, y-m-d... with one separator kind.
  const g1 = groups[1];
  const g2 = groups[2];
  if (g1 !== undefined && g2 !== undefined) {
    if (
      k0 !== undefined &&
      (k0 === '.' || k0 === '/' || k0 === '-') &&
      kinds[1] === k0 &&
      isDate(first.digits, g1.digits, g2.digits)
    ) {
      // Alone or followed by something else ("12.10.2017 21.41", "12.10.2017 0170 1234567"): the
      // date is never part of a phone number, though a shorter span after it may be one.
      if (groups.length === 3 || kinds[2] !== k0) return null;
    }
  }
  if (groups.length >= 2 && groups.every((g) => isYear(g.digits)) && kinds.every((k) => k !== '.')) return null;

  if (ctx.before.stop || ctx.after.stop) return null;
  const oneKind = kinds.every((k) => k === k0);
  const hasDot = kinds.includes('.');
  const letterBefore = ctx.before.letter;
  const letterAfter = ctx.after.letter;
  const digitBefore = ctx.before.digit;

  const plus = ctx.lead.includes('+');
  const parens = kinds.includes('paren');
  // A trunk or international prefix: 0 or 00 before a real number ("000 000" is just zeros).
  const trunk = first.digits.startsWith('0') && !/^0+$/.test(first.digits);
  const word = ctx.before.word;
  const mention = ctx.before.mention && groups.length === 1;
  const signal = plus || parens || trunk || word || mention;

  const phone = ((): boolean => {
    if (d > 15 || letterBefore || letterAfter || digitBefore) return false;
    // Mixed separators: phone styles combine spaces, dashes, slashes and parentheses, never dots.
    if (hasDot && !oneKind) return false;
    // One-digit groups appear only as country codes (+1, +7, +33 6 ...), trunk codes (8 916 ...)
    // and the "(0)" of +44 (0)20; elsewhere they are prose such as "2 3 4 5".
    for (let k = 1; k < groups.length; k++) {
      const g = groups[k];
      if (g === undefined || g.digits.length >= 2) continue;
      const inParens = (seps[k - 1] ?? '').includes('(') && (seps[k] ?? '').includes(')');
      if (inParens || (plus && k === 1)) continue;
      return false;
    }
    // "35 - 10000", "+1 – 100000", "100 / 2000": a spaced dash or slash, or an en dash, is a range or a
    // fraction in prose; only a trunk 0 or a "tel" word makes "0170 / 1234567" a number.
    if (!trunk && !word && seps.some((sep) => sep.includes('\u2013') || (sep.length > 1 && /[-/\u2010\u2011]/.test(sep)))) {
      return false;
    }
    if (groups.length === 1) {
      if (mention || word) return d <= 15;
      if (plus) return d >= 7;
      if (trunk) return d >= 9 && d <= 12;
      return false; // a bare 7-8 digit number is a quantity; 9+ is handled as an id
    }
    if (hasDot && oneKind) {
      // Dotted: 555.123.4567 and 06.12.34.56.78 (and any +/0 prefixed form with real groups);
      // everything else dotted is a version, an IP address or a thousands-grouped number.
      const lens = groups.map((g) => g.digits.length).join(',');
      if (lens === '3,3,4') return true;
      if (groups.length === 5 && groups.every((g) => g.digits.length === 2) && trunk) return true;
      if (plus) return true;
      return trunk && first.digits.length >= 3 && groups.every((g) => g.digits.length >= 2);
    }
    if (!signal) {
      if (ctx.partial) return false; // "5 10 20 50 100 200": a piece of a list of numbers
      // Round amounts (150 000 000) are quantities whatever their grouping.
      if (groups.slice(1).every((g) => /^0+$/.test(g.digits))) return false;
      return plainPhoneShape(groups.map((g) => g.digits.length), kinds);
    }
    return true;
  })();
  if (phone) return 'phone';

  if (digitBefore) return null;
  if (groups.length === 1) return d >= 9 ? 'id' : null;
  // Cards (4111 1111 1111 1111) and IBAN digits (89 3704 0044 0532 0130 00): groups of four.
  const sep0 = seps[0] ?? '';
  if (d >= 12 && d <= 34 && sep0.length === 1 && seps.every((sep) => sep === sep0) && (k0 === ' ' || k0 === '-')) {
    const inner = groups.slice(1, -1);
    const last = groups[groups.length - 1];
    if (
      first.digits.length >= 2 &&
      first.digits.length <= 4 &&
      inner.every((g) => g.digits.length === 4) &&
      last !== undefined &&
      last.digits.length <= 4
    ) {
      return 'id';
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------

function normalizeValue(kind: MaskKind, raw: string): string {
  switch (kind) {
    case 'phone': {
      // "+44 (0)20..." and "+44 20..." are the same number: the (0) is a domestic trunk hint.
      const digits = toAsciiDigits(raw.replace(/\([ \u00A0\u2009\u202F]?0[ \u00A0\u2009\u202F]?\)/u, ''));
      // 0049... and +49... are the same number.
      return digits.startsWith('00') ? digits.slice(2) : digits;
    }
    case 'id':
      return toAsciiDigits(raw);
    case 'email':
      return raw.toLowerCase();
    case 'url': {
      // Scheme and "www." do not change where a link points; the host is case-insensitive.
      const noScheme = raw.replace(/^(?:https?|ftp):\/\//i, '').replace(/^www\./i, '');
      const slash = noScheme.indexOf('/');
      const host = slash === -1 ? noScheme : noScheme.slice(0, slash);
      const rest = slash === -1 ? '' : noScheme.slice(slash);
      return host.toLowerCase() + rest.replace(/\/+$/, '');
    }
  }
}

const URL_TRAILING = /[.,;:!?'"’”»)\]}]$/u;

/** Drops sentence punctuation a URL pattern swallowed, keeping ")" when the URL opened one. */
function trimUrl(url: string): string {
  let u = url;
  while (URL_TRAILING.test(u)) {
    const last = u.charAt(u.length - 1);
    if (last === ')' && count(u, '(') >= count(u, ')')) break;
    if (last === ']' && count(u, '[') >= count(u, ']')) break;
    u = u.slice(0, -1);
  }
  return u;
}

/** Digits in a run match (every character that is not a separator, '+' or a parenthesis). */
function countDigits(run: string): number {
  let n = 0;
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x660 && c <= 0x669) || (c >= 0x6f0 && c <= 0x6f9) || (c >= 0xff10 && c <= 0xff19)) n++;
  }
  return n;
}

function count(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i !== -1; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

interface Replacement {
  start: number;
  end: number;
  /** 'token': an existing token, kept as it is and only blocking other matches. */
  kind: MaskKind | 'token';
  value: string;
}

const MAX_SPAN_GROUPS = 10;

function memo<T>(map: Map<number, T>, key: number, value: T): T {
  map.set(key, value);
  return value;
}

/** Splits a digit run into masked spans: leftmost-longest span that classifies, then onwards. */
function scanRun(text: string, run: Run, out: Replacement[]): void {
  const { groups, seps } = run;
  const n = groups.length;
  // Spans of one run share boundaries, so what surrounds each boundary is looked at once.
  const befores = new Map<number, Before>();
  const afters = new Map<number, After>();
  let i = 0;
  while (i < n) {
    let found = false;
    // A span inside a run must be set off by a plain space, or it is part of something bigger
    // ("1.2.3.4567890" is a version, not a version plus a phone number).
    const gi = groups[i];
    if (gi !== undefined && (i === 0 || run.plain[i - 1] === true)) {
      // Longest first; no phone or id has more than 34 digits in 10 groups, so the window is bounded.
      let maxJ = i;
      let digits = 0;
      for (let j = i; j < n && j < i + MAX_SPAN_GROUPS; j++) {
        digits += groups[j]?.digits.length ?? 0;
        if (digits > 34 && j > i) break;
        maxJ = j;
      }
      for (let j = maxJ; j >= i; j--) {
        const d = (run.cum[j + 1] ?? 0) - (run.cum[i] ?? 0);
        if (d < 7) break; // shorter spans only have fewer digits
        if (j < n - 1 && run.plain[j] !== true) continue;
        const gj = groups[j];
        if (gj === undefined) continue;
        const lead = i === 0 ? run.lead : '';
        let start = gi.start;
        let end = gj.end;
        if (lead !== '') {
          const firstSep = seps[0] ?? '';
          const areaInParens = lead.startsWith('(') && firstSep.includes(')') && j >= 1;
          if (lead.includes('+')) start = areaInParens ? run.leadStart : gi.start - 1;
          else if (areaInParens) start = run.leadStart;
        }
        if (run.hasParen) {
          const spanText = text.slice(start, end);
          if (count(spanText, '(') > count(spanText, ')') && text.charAt(end) === ')') end++;
        }
        const ctx: SpanContext = {
          partial: i > 0 || j < n - 1,
          lead: start < gi.start ? lead : '',
          before: befores.get(start) ?? memo(befores, start, beforeOf(text, start)),
          after: afters.get(end) ?? memo(afters, end, afterOf(text, end)),
        };
        const kind = classifySpan(groups.slice(i, j + 1), seps.slice(i, j), run.kinds.slice(i, j), d, ctx);
        if (kind !== null) {
          out.push({ start, end, kind, value: text.slice(start, end) });
          i = j + 1;
          found = true;
          break;
        }
      }
    }
    if (!found) i++;
  }
}

/** Taken spans, sorted by start; classes are few and spans per text fewer, so a list suffices. */
class Taken {
  readonly spans: Replacement[] = [];

  /** End of a taken span overlapping [start, end), or -1. */
  blocker(start: number, end: number): number {
    for (const s of this.spans) if (s.start < end && start < s.end) return s.end;
    return -1;
  }

  add(r: Replacement): void {
    let k = this.spans.length;
    while (k > 0 && (this.spans[k - 1]?.start ?? 0) > r.start) k--;
    this.spans.splice(k, 0, r);
  }
}

/**
 * Runs `re` over `text` like one alternative of a left-to-right scanner: a match overlapping text an
 * earlier class took is dropped and the scan resumes after that text.
 */
function scanClass(
  text: string,
  re: RegExp,
  taken: Taken,
  onMatch: (text: string, start: number, match: string) => Replacement | null,
): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const r = onMatch(text, m.index, m[0]);
    if (r === null) continue;
    const blockedUntil = taken.blocker(r.start, r.end);
    if (blockedUntil !== -1) {
      re.lastIndex = Math.max(blockedUntil, m.index + 1);
      continue;
    }
    taken.add(r);
    // Resume right after what was kept (a URL may have given back trailing punctuation).
    re.lastIndex = r.end;
  }
}

function walkLeft(text: string, from: number, allowed: RegExp, max: number): number {
  let i = from;
  while (i > 0 && from - i < max && allowed.test(text.charAt(i - 1))) i--;
  return i;
}

// Match handlers of the classes: module-level functions, so no closure is created per text.

function tokenMatch(_text: string, start: number, match: string): Replacement {
  return { start, end: start + match.length, kind: 'token', value: match };
}

function urlMatch(_text: string, start: number, match: string): Replacement {
  const value = trimUrl(match);
  return { start, end: start + value.length, kind: 'url', value };
}

function emailMatch(text: string, at: number, match: string): Replacement | null {
  const start = walkLeft(text, at, EMAIL_LOCAL_CHAR_RE, 64);
  if (start === at) return null;
  return { start, end: at + match.length, kind: 'email', value: text.slice(start, at + match.length) };
}

function bareUrlMatch(text: string, dot: number, match: string): Replacement | null {
  let start = walkLeft(text, dot, DOMAIN_CHAR_RE, 253);
  while (start < dot && text.charAt(start) === '.') start++;
  if (start === dot || text.charAt(dot - 1) === '.') return null;
  if (start > 0 && text.charAt(start - 1) === '@') return null; // the domain of an e-mail address
  return urlMatch(text, start, text.slice(start, dot) + match);
}

function findReplacements(text: string): Replacement[] {
  const taken = new Taken();
  if (text.includes('[')) scanClass(text, TOKEN_RE, taken, tokenMatch);
  if (text.includes('://')) scanClass(text, URL_SCHEME_RE, taken, urlMatch);
  if (WWW_RE.test(text)) scanClass(text, URL_WWW_RE, taken, urlMatch);
  if (text.includes('@')) scanClass(text, EMAIL_TAIL_RE, taken, emailMatch);
  if (text.includes('/')) scanClass(text, URL_BARE_TAIL_RE, taken, bareUrlMatch);
  const out = taken.spans.filter((r) => r.kind !== 'token');
  if (DIGIT_RE.test(text)) {
    const before = out.length;
    NUM_RUN_RE.lastIndex = 0;
    for (let m = NUM_RUN_RE.exec(text); m !== null; m = NUM_RUN_RE.exec(text)) {
      const blockedUntil = taken.blocker(m.index, m.index + m[0].length);
      if (blockedUntil !== -1) NUM_RUN_RE.lastIndex = Math.max(blockedUntil, m.index + 1);
      else if (countDigits(m[0]) >= 7) scanRun(text, parseRun(text, m.index, m[0]), out);
    }
    if (out.length > before) out.sort((a, b) => a.start - b.start);
  }
  return out;
}

export function createMasker(options: MaskerOptions): Masker {
  const { salt } = options;
  const tokens = new Map<string, string>();

  const tokenFor = (kind: MaskKind, raw: string): string => {
    const normalized = normalizeValue(kind, raw);
    const key = kind + normalized;
    let token = tokens.get(key);
    if (token === undefined) {
      token = `[${kind}-${hashString(salt + kind + normalized).slice(0, TOKEN_HEX)}]`;
      tokens.set(key, token);
    }
    return token;
  };

  const pass = (text: string): MaskResult => {
    const reps = findReplacements(text);
    if (reps.length === 0) return { text, masked: 0 };
    let out = '';
    let pos = 0;
    for (const r of reps) {
      if (r.kind === 'token') continue;
      out += text.slice(pos, r.start) + tokenFor(r.kind, r.value);
      pos = r.end;
    }
    out += text.slice(pos);
    return { text: out, masked: reps.length };
  };

  return (text: string): MaskResult => {
    let result = pass(text);
    // Replacing a value changes the context of its neighbours; repeating until nothing changes makes
    // masking idempotent by construction. In practice the second pass finds nothing.
    for (let round = 0; round < 4 && result.masked > 0; round++) {
      const again = pass(result.text);
      if (again.masked === 0) break;
      result = { text: again.text, masked: result.masked + again.masked };
    }
    return result;
  };
}
