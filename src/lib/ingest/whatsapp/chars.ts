// Character-level normalisation for WhatsApp header heads, names and match keys.
// Invariants: normalizeHead maps every kept character back to its index in the raw line, so the body
// is always sliced from the raw text (user text is never rewritten, only the header is).

/** Bidi/format marks and BOM: removed wherever they occur in a header or a name. */
export function isInvisible(c: number): boolean {
  return (
    c === 0x200e ||
    c === 0x200f ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069) ||
    c === 0xfeff ||
    c === 0x061c ||
    c === 0x200b
  );
}

/** Spaces WhatsApp uses around times and inside names (NBSP, NNBSP, thin spaces, ideographic space). */
function isOddSpace(c: number): boolean {
  return c === 0x00a0 || c === 0x202f || c === 0x2009 || c === 0x2007 || c === 0x3000;
}

/** ASCII digit for native digits (Arabic-Indic, Persian, Devanagari, Bengali, Thai, fullwidth), else -1. */
function nativeDigit(c: number): number {
  if (c >= 0x0660 && c <= 0x0669) return c - 0x0660;
  if (c >= 0x06f0 && c <= 0x06f9) return c - 0x06f0;
  if (c >= 0x0966 && c <= 0x096f) return c - 0x0966;
  if (c >= 0x09e6 && c <= 0x09ef) return c - 0x09e6;
  if (c >= 0x0e50 && c <= 0x0e59) return c - 0x0e50;
  if (c >= 0xff10 && c <= 0xff19) return c - 0xff10;
  return -1;
}

export interface NormalizedHead {
  /** The first characters of the line with marks removed, odd spaces and native digits made ASCII. */
  head: string;
  /** map[i] = index in the raw line of head[i]; map[head.length] = raw index just after the head. */
  map: number[];
}

/**
 * Normalises at most `limit` raw characters of a line's start. Only the header is ever read from
 * the result; the body is sliced from the raw line at map[matchEnd].
 */
export function normalizeHead(line: string, limit = 64): NormalizedHead {
  const n = Math.min(line.length, limit);
  const codes: number[] = [];
  const map: number[] = [];
  for (let i = 0; i < n; i++) {
    let c = line.charCodeAt(i);
    if (isInvisible(c)) continue;
    map.push(i);
    if (c >= 0x80) {
      const d = nativeDigit(c);
      if (d >= 0) c = 0x30 + d;
      else if (isOddSpace(c)) c = 0x20;
      else if (c === 0x060c || c === 0xff0c) c = 0x2c; // Arabic / fullwidth comma
      else if (c === 0xff1a) c = 0x3a;
      else if (c === 0xff0f) c = 0x2f;
    }
    codes.push(c);
  }
  map.push(n);
  return { head: String.fromCharCode(...codes), map };
}

/** True when the line's start holds anything normalizeHead would change (non-ASCII in the head). */
export function headNeedsNormalizing(line: string, limit = 40): boolean {
  const n = Math.min(line.length, limit);
  for (let i = 0; i < n; i++) if (line.charCodeAt(i) >= 0x80) return true;
  return false;
}

const MARKS = /[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c]/g;
const NAME_SPACES = /[\u00a0\u202f\u2009\u2007]/g;
const HAS_MARKS_OR_SPACES = /[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c\u00a0\u202f\u2009\u2007]/;

/** A display name: marks removed, NBSP/NNBSP as plain spaces, runs of spaces collapsed, trimmed. */
export function cleanName(raw: string): string {
  let ascii = true;
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii && raw.indexOf('  ') === -1) return raw.trim();
  let s = raw;
  if (HAS_MARKS_OR_SPACES.test(s)) s = s.replace(MARKS, '').replace(NAME_SPACES, ' ');
  if (s.indexOf('  ') !== -1) s = s.replace(/ {2,}/g, ' ');
  return s.trim();
}

// Tashkeel are combining marks, matched one code point at a time on purpose.
// eslint-disable-next-line no-misleading-character-class
const ARABIC_DIACRITICS = /[\u0640\u064b-\u065f\u0670]/g;
const ODD_SPACES = /[\u00a0\u202f\u2009\u2007]/g;
// eslint-disable-next-line no-misleading-character-class
const NEEDS_MATCH_FORM = /[\u00a0\u202f\u2009\u2007\u0640\u064b-\u065f\u0670]/;

/**
 * The form UI strings are compared in: marks already stripped by the caller, odd spaces made plain,
 * Arabic tashkeel/tatweel dropped (exports spell the same string with and without them).
 */
export function matchForm(s: string): string {
  if (!NEEDS_MATCH_FORM.test(s)) return s;
  return s.replace(ODD_SPACES, ' ').replace(ARABIC_DIACRITICS, '');
}

/** Index of the first bidi mark (LRM/RLM) in s, or -1; iOS prefixes text WhatsApp wrote with one. */
export function firstDirMark(s: string, from = 0): number {
  const l = s.indexOf('\u200e', from);
  const r = s.indexOf('\u200f', from);
  return l === -1 ? r : r === -1 ? l : Math.min(l, r);
}

/** True when s starts (after spaces) with LRM or RLM. */
export function startsWithDirMark(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20 || c === 0xa0 || c === 0x202f) continue;
    return c === 0x200e || c === 0x200f;
  }
  return false;
}
