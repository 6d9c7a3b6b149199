// Shape of one language's WhatsApp UI strings, and the small rule constructors the tables use.
// Tables hold data only (no matching logic); classify.ts compiles them into indexes. Every string is
// written as WhatsApp prints it, after bidi marks are stripped and NBSP/NNBSP became plain spaces.

/**
 * A system-event rule. Matching is literal where possible (fast, no backtracking):
 * - `eq`: the body (without a final '.') is exactly `s`;
 * - `pre`: the body starts with `s`;
 * - `suf`: the body (without a final '.') or its first sentence ends with `s`, with text before it;
 * - `both`: starts with `p` and ends with `s` (same final-'.' and first-sentence tolerance);
 * - `re`: `key` occurs in the body, then the anchored regex decides.
 */
export type SystemRule =
  | { readonly t: 'eq'; readonly s: string }
  | { readonly t: 'pre'; readonly s: string }
  | { readonly t: 'suf'; readonly s: string }
  | { readonly t: 'both'; readonly p: string; readonly s: string }
  | { readonly t: 're'; readonly key: string; readonly re: RegExp };

export const eq = (s: string): SystemRule => ({ t: 'eq', s });
export const pre = (s: string): SystemRule => ({ t: 'pre', s });
export const suf = (s: string): SystemRule => ({ t: 'suf', s });
export const both = (p: string, s: string): SystemRule => ({ t: 'both', p, s });
export const re = (key: string, regex: RegExp): SystemRule => ({ t: 're', key, re: regex });

export interface LocaleTable {
  /** BCP 47 tag reported as the export's locale when these strings are found. */
  readonly lang: string;
  /** Events worded specifically enough to be trusted anywhere, even after a "Name: " prefix. */
  readonly system: readonly SystemRule[];
  /**
   * Generic events ("X added Y", "X left") a person could also type. Trusted only where WhatsApp
   * itself wrote the line: no author, or an iOS body that starts with a bidi mark.
   */
  readonly systemLoose?: readonly SystemRule[];
  /** Whole-body media placeholders (compared case-insensitively, final '.' ignored). */
  readonly media?: readonly string[];
  /** Whole-body placeholders for a shared contact card. */
  readonly contact?: readonly string[];
  /** Whole-body "message deleted" notices. */
  readonly deleted?: readonly string[];
  /** Prefixes of longer deleted / unavailable notices ("This message was deleted by admin X"). */
  readonly deletedPrefix?: readonly string[];
  /** Call events: the body equals one of these or starts with it followed by '.', ',', '•' or '('. */
  readonly call?: readonly string[];
  /** Live-location notices (whole body, or prefix followed by punctuation). */
  readonly liveLocation?: readonly string[];
  /** Label inside "IMG-1.jpg (file attached)". */
  readonly fileAttached?: readonly string[];
  /** Label inside "<attached: 00000001-PHOTO.jpg>". */
  readonly attached?: readonly string[];
  /** Edited marker appended to the body, e.g. "<This message was edited>". */
  readonly edited?: readonly string[];
  /** First-line poll keyword (without the colon), e.g. "POLL". */
  readonly poll?: readonly string[];
  /** Option line keyword (without the colon), e.g. "OPTION". */
  readonly pollOption?: readonly string[];
  /** Clock words. Only words unique to the language vote for the locale. */
  readonly am?: readonly string[];
  readonly pm?: readonly string[];
}
