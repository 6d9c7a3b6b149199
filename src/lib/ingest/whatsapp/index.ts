// WhatsApp chat-export text (.txt) -> ParseResult. Pure and synchronous; runs in node and workers.
// Invariants: an item starts at a header line, later lines continue it; `author` is null exactly for
// system items; names and text carry no bidi marks; `ts` is ISO local time with seconds.

import { ImportError } from '../errors';
import { stripInvisible } from '../decode-text';
import type { ParseOptions, ParseResult, SourceFormat } from '../types';
import { AuthorResolver } from './authors';
import { cleanName } from './chars';
import { clockWord } from './clock';
import { knownLanguages, personKind, systemLanguage } from './classify';
import { matchHeader, type Family } from './header';
import { detectLayout, plausible, scanHeaders, splitLines } from './layout';
import { buildItems } from './items';
import type { HeaderTable } from './table';
import { resolveTimestamps } from './timestamps';
import { LocaleVotes } from './votes';

/** Up to this many headers, every language's full system rules are tried on every line. */
const SMALL_FILE = 3000;
/** Headers sampled for the UI language before the full pass. */
const PRE_VOTE_SAMPLE = 400;

function formatOf(family: Family): SourceFormat {
  if (family === 'colon') return 'whatsapp-legacy';
  if (family === 'dash') return 'whatsapp-android';
  return 'whatsapp-ios';
}

function notAnExport(fileName: string): ImportError {
  return new ImportError(
    'not-an-export',
    fileName,
    `"${fileName}" is not a WhatsApp chat export: no line starts with a date and time such as ` +
      `"12/31/23, 21:05 - Name: text" (Android) or "[31.12.23, 21:05:10] Name: text" (iPhone).`,
  );
}

/**
 * Cheap check used by format detection: is one of the first 50 non-empty lines a header? One is
 * enough (a chat of one message, or one long message, is still a chat); the bare "date time Name: "
 * layout, which prose can also produce, never counts.
 */
export function looksLikeWhatsApp(text: string): boolean {
  let seen = 0;
  let pos = 0;
  while (seen < 50 && pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    let line = text.slice(pos, end);
    if (line.endsWith('\r')) line = line.replace(/\r+$/, '');
    pos = end + 1;
    if (line.trim() === '') continue;
    seen++;
    const h = matchHeader(line);
    if (h !== null && h.family !== 'bare' && plausible(h, line)) return true;
  }
  return false;
}

/** A first look at the UI language from the first rows: the date-order default and the rule set depend on it. */
function preVote(t: HeaderTable): LocaleVotes {
  const votes = new LocaleVotes(knownLanguages());
  // Start-anchored rules (encryption notices, "You created group...") and placeholders are enough
  // for most exports and cheap for every language at once.
  for (let i = 0; i < t.n && i < PRE_VOTE_SAMPLE; i++) {
    const body = stripInvisible(t.body(i));
    const colon = body.indexOf(': ');
    if (colon === -1) votes.add(systemLanguage(body, false, null, true));
    else {
      const rest = body.slice(colon + 2);
      votes.add(systemLanguage(rest, false, null, true) ?? personKind(rest, rest).lang);
    }
  }
  if (votes.top() !== null) return votes;
  // Nothing yet: try every rule on the first system lines.
  let tried = 0;
  for (let i = 0; i < t.n && i < PRE_VOTE_SAMPLE && tried < 40; i++) {
    const body = stripInvisible(t.body(i));
    if (body.indexOf(': ') !== -1) continue;
    tried++;
    votes.add(systemLanguage(body, true, null));
  }
  return votes;
}

function skippedBefore(lines: readonly string[], first: number): number {
  let skipped = 0;
  for (let i = 0; i < first; i++) if ((lines[i] ?? '').trim() !== '') skipped++;
  return skipped;
}

function firstRowOf(t: HeaderTable, sig: number): number {
  for (let i = 0; i < t.n; i++) if (t.sig[i] === sig) return i;
  return 0;
}

/**
 * Parses a WhatsApp .txt export. Throws ImportError('not-an-export') when no header line is found;
 * calls options.onProgress about every 2000 lines and honours options.signal at the same cadence.
 *
 * Pipeline: split lines -> detect the layout on a sample (layout.ts) -> scan every line into a column
 * table (table.ts) with that layout's compiled matcher, the generic one for the rest; a uniform
 * export keeps only its own layout -> a first look at the UI language -> date order per layout and
 * timestamps (dates.ts, timestamps.ts) -> one pass splitting authors and building items, then the few
 * rows the whole file re-attributes (items.ts, body.ts, authors.ts) -> kinds and locale votes
 * (classify.ts, locales/). Exports above SMALL_FILE headers check unmarked "Name: text" bodies only
 * against start-anchored system rules (see SplitOptions); smaller ones get every rule.
 */
export function parseWhatsAppText(text: string, fileName: string, options?: ParseOptions): ParseResult {
  const signal = options?.signal;
  const onProgress = options?.onProgress;
  signal?.throwIfAborted();
  const lines = splitLines(text);
  const total = text.length;
  const warnings: string[] = [];

  const layout = detectLayout(lines);
  if (layout === null) throw notAnExport(fileName);
  const scan = scanHeaders(lines, layout, { signal, onProgress, total });
  const t = scan.table;
  if (t.n === 0) throw notAnExport(fileName);
  const preVotes = preVote(t);
  const preTop = preVotes.top();
  const small = t.n <= SMALL_FILE;
  // An export speaks the language its first lines vote for (English kept: edited files mix it in);
  // without any vote every language's rules apply.
  const langs = preTop === null ? null : new Set([...preVotes.voted(), 'en']);

  const dates = resolveTimestamps(t, preTop === 'en');
  if (dates.demoted > 0) {
    const keep = new Uint8Array(t.n);
    for (let i = 0; i < t.n; i++) keep[i] = t.ts[i] === '' ? 0 : 1;
    t.keepRows(keep);
    warnings.push(`${dates.demoted} line(s) looked like message headers but had impossible dates; they were kept as message text.`);
  }
  if (t.n === 0) throw notAnExport(fileName);
  const skipped = skippedBefore(lines, t.line[0] ?? 0);
  if (skipped > 0) warnings.push(`${skipped} line(s) before the first message were skipped.`);

  const votes = new LocaleVotes(knownLanguages());
  const items = buildItems(t, { langs, checkUnmarked: small }, new AuthorResolver(cleanName), votes, signal);
  for (const c of t.clocks) if (c !== '') votes.add(clockWord(c)?.lang, 0.5);
  onProgress?.({ phase: 'parse', bytesDone: total, bytesTotal: total, items: items.length });

  const primaryRow = firstRowOf(t, scan.primarySig);
  return {
    format: formatOf(t.sigOf(primaryRow).family),
    locale: votes.top(),
    dateOrder: dates.orderBySig.get(t.sig[primaryRow] ?? 0) ?? null,
    items,
    chatName: null,
    warnings,
  };
}
