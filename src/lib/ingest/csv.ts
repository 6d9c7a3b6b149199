// CSV reading for every CSV export (the only importer of papaparse) and the documented generic
// format (`timestamp, sender, text[, kind]`) shared with json.ts. Invariants: column names match
// case-insensitively through a small alias table; `ts` is local wall-clock time (values with a zone
// are converted to the runtime's zone); an empty sender or kind "system" gives a system item.

import * as PapaModule from 'papaparse';
import { ImportError } from './errors';
import { stripInvisible } from './decode-text';
import { ITEM_KINDS, type ItemKind, type ParseOptions, type ParseResult, type ParsedItem } from './types';

type PapaApi = typeof PapaModule;
// papaparse is a UMD bundle: node's ESM loader only exposes it as `default`, bundlers as named exports.
const Papa: PapaApi = (PapaModule as PapaApi & { default?: PapaApi }).default ?? PapaModule;

export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvTable {
  header: string[];
  /** Data rows (header excluded); `record` is the 1-based record number in the file (header = 1). */
  rows: { fields: string[]; record: number }[];
  delimiter: CsvDelimiter;
  warnings: string[];
}

const DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t'];

/** The first line that is not blank, BOM and surrounding whitespace removed. */
export function firstLine(text: string): string {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let from = start;
  for (;;) {
    const end = text.indexOf('\n', from);
    const line = (end === -1 ? text.slice(from) : text.slice(from, end)).replace(/\r$/, '');
    if (line.trim() !== '' || end === -1) return line.trim();
    from = end + 1;
  }
}

/** Splits one header line, honouring double quotes (a header never spans lines in practice). */
export function splitCsvLine(line: string, delimiter: CsvDelimiter): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/** The delimiter that splits the header line into the most fields (ties: comma first). */
export function guessDelimiter(headerLine: string): CsvDelimiter {
  let best: CsvDelimiter = ',';
  let bestCount = 1;
  for (const d of DELIMITERS) {
    const count = splitCsvLine(headerLine, d).length;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

export function normalizeColumnName(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
}

/** Parses a whole CSV text with papaparse: quoted fields may hold delimiters, `""` and newlines. */
export function readCsv(text: string, delimiter?: CsvDelimiter): CsvTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const delim = delimiter ?? guessDelimiter(firstLine(body));
  const parsed = Papa.parse<string[]>(body, { delimiter: delim, header: false, skipEmptyLines: 'greedy' });
  const warnings: string[] = [];
  const quoteErrors = parsed.errors.filter((e) => e.type === 'Quotes');
  const first = quoteErrors[0];
  if (first !== undefined) {
    warnings.push(
      `${quoteErrors.length} CSV quoting problem(s), first near record ${(first.row ?? 0) + 1}: ${first.message}.`,
    );
  }
  const [headerRow, ...dataRows] = parsed.data;
  return {
    header: (headerRow ?? []).map((h) => h.replace(/^\uFEFF/, '').trim()),
    rows: dataRows.map((fields, i) => ({ fields, record: i + 2 })),
    delimiter: delim,
    warnings,
  };
}

// ---------------------------------------------------------------------------------------------
// The generic format (documented in docs/IMPORT-FORMATS.md), shared by CSV and JSON.

export type GenericField = 'timestamp' | 'sender' | 'text' | 'kind';

/** Accepted column / key names per field, already normalized (lower case, single spaces). */
export const GENERIC_ALIASES: Readonly<Record<GenericField, readonly string[]>> = {
  timestamp: ['timestamp', 'datetime', 'date time', 'date', 'time'],
  sender: ['sender', 'author', 'from'],
  text: ['text', 'message', 'body'],
  kind: ['kind'],
};

export const REQUIRED_FIELDS: readonly GenericField[] = ['timestamp', 'sender', 'text'];

/** Index of each generic field among `names` (first alias wins), or the required ones missing. */
export function resolveGenericColumns(
  names: readonly string[],
): { columns: Partial<Record<GenericField, number>>; missing: GenericField[] } {
  const normalized = names.map(normalizeColumnName);
  const columns: Partial<Record<GenericField, number>> = {};
  for (const field of Object.keys(GENERIC_ALIASES) as GenericField[]) {
    for (const alias of GENERIC_ALIASES[field]) {
      const index = normalized.indexOf(alias);
      if (index !== -1) {
        columns[field] = index;
        break;
      }
    }
  }
  return { columns, missing: REQUIRED_FIELDS.filter((f) => columns[f] === undefined) };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

function localIsoFromDate(d: Date): string | null {
  if (Number.isNaN(d.getTime())) return null;
  const year = d.getFullYear();
  if (year < 1000 || year > 9999) return null;
  return (
    `${year}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}` +
    `T${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`
  );
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const ISO_LIKE =
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Reads a timestamp of the generic formats and iMazing: `YYYY-MM-DD[ T]HH:MM[:SS[.fff]]` as local
 * wall-clock time, the same with `Z` / `±HH:MM` converted to the runtime's local time, a date alone
 * as midnight, or Unix epoch seconds / milliseconds (numbers or digit strings) in local time.
 * Returns the ISO local form with seconds, or null when the value is none of these.
 */
export function toLocalIso(value: unknown): string | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return null;
    return localIsoFromDate(new Date(value < 1e11 ? value * 1000 : value));
  }
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (/^\d{9,10}(?:\.\d+)?$/.test(s)) return toLocalIso(Number(s));
  if (/^\d{12,13}$/.test(s)) return toLocalIso(Number(s));
  const m = ISO_LIKE.exec(s);
  if (m === null) return null;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(sec);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  if (zone === undefined) {
    return `${y}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}`;
  }
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || '0'));
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  return localIsoFromDate(new Date(utc));
}

/** Names: invisible marks removed, no-break spaces made plain, outer whitespace trimmed. */
export function cleanName(value: string): string {
  return stripInvisible(value).replace(/[\u00a0\u202f]/g, ' ').trim();
}

/** Bodies: invisible marks removed, CRLF made LF, trailing whitespace trimmed. */
export function cleanBody(value: string): string {
  const text = stripInvisible(value);
  return (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text).trimEnd();
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

export interface GenericRecord {
  timestamp: unknown;
  sender: unknown;
  text: unknown;
  kind?: unknown;
}

export type GenericOutcome =
  | { ok: true; item: ParsedItem; unknownKind: string | null }
  | { ok: false; reason: 'timestamp' };

/** One row / object of the generic format to an item (or why it cannot be one). */
export function genericItem(record: GenericRecord, line: number): GenericOutcome {
  const ts = toLocalIso(record.timestamp);
  if (ts === null) return { ok: false, reason: 'timestamp' };
  const sender = cleanName(asText(record.sender));
  const rawKind = asText(record.kind).trim().toLowerCase();
  let kind: ItemKind = 'message';
  let unknownKind: string | null = null;
  if (rawKind !== '') {
    if ((ITEM_KINDS as readonly string[]).includes(rawKind)) kind = rawKind as ItemKind;
    else unknownKind = rawKind;
  }
  if (sender === '') kind = 'system';
  const item: ParsedItem = {
    ts,
    author: kind === 'system' ? null : sender,
    kind,
    text: cleanBody(asText(record.text)),
    line,
  };
  return { ok: true, item, unknownKind };
}

/** Collects per-file counters of skipped records into readable warnings. */
export class GenericIssues {
  private badTimestamps = 0;
  private firstBad: { line: number; value: string } | null = null;
  private readonly unknownKinds = new Map<string, number>();

  note(outcome: GenericOutcome, record: GenericRecord, line: number): void {
    if (!outcome.ok) {
      this.badTimestamps++;
      this.firstBad ??= { line, value: asText(record.timestamp).slice(0, 40) };
    } else if (outcome.unknownKind !== null) {
      this.unknownKinds.set(outcome.unknownKind, (this.unknownKinds.get(outcome.unknownKind) ?? 0) + 1);
    }
  }

  get skipped(): number {
    return this.badTimestamps;
  }

  firstBadDescription(unit: string): string {
    return this.firstBad === null ? '' : `${unit} ${this.firstBad.line}: "${this.firstBad.value}"`;
  }

  warnings(unit: string): string[] {
    const out: string[] = [];
    if (this.badTimestamps > 0) {
      out.push(
        `Skipped ${this.badTimestamps} ${unit}(s) whose timestamp could not be read (first: ${this.firstBadDescription(unit)}); write timestamps as YYYY-MM-DD HH:MM:SS.`,
      );
    }
    for (const [kind, count] of this.unknownKinds) {
      out.push(`Unknown kind "${kind}" on ${count} ${unit}(s), imported as ordinary messages.`);
    }
    return out;
  }
}

function fieldList(names: readonly string[]): string {
  const shown = names.slice(0, 8).map((n) => `"${n}"`);
  return shown.join(', ') + (names.length > 8 ? `, … (${names.length} columns)` : '');
}

/** The generic CSV format: a header naming timestamp, sender and text; `,` `;` or tab delimited. */
export function parseGenericCsv(text: string, fileName: string, options: ParseOptions = {}): ParseResult {
  const table = readCsv(text);
  const { columns, missing } = resolveGenericColumns(table.header);
  if (missing.length > 0) {
    throw new ImportError(
      'bad-csv',
      fileName,
      `"${fileName}" is a CSV file without the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. ` +
        `Its first row must name the columns timestamp, sender and text (found ${table.header.length > 0 ? fieldList(table.header) : 'no header'}).`,
      { missing: missing.join(',') },
    );
  }
  if (table.rows.length === 0) {
    throw new ImportError('bad-csv', fileName, `"${fileName}" has a header row but no messages below it.`);
  }
  const col = (fields: string[], field: GenericField): string | undefined => {
    const index = columns[field];
    return index === undefined ? undefined : fields[index];
  };
  const items: ParsedItem[] = [];
  const issues = new GenericIssues();
  const total = table.rows.length;
  for (let i = 0; i < total; i++) {
    const row = table.rows[i];
    if (row === undefined) continue;
    if ((i & 4095) === 0) {
      options.signal?.throwIfAborted();
      options.onProgress?.({ phase: 'parse', bytesDone: Math.round((i / total) * text.length), bytesTotal: text.length, items: items.length });
    }
    const record: GenericRecord = {
      timestamp: col(row.fields, 'timestamp'),
      sender: col(row.fields, 'sender'),
      text: col(row.fields, 'text'),
      kind: col(row.fields, 'kind'),
    };
    const outcome = genericItem(record, row.record);
    issues.note(outcome, record, row.record);
    if (outcome.ok) items.push(outcome.item);
  }
  if (items.length === 0) {
    throw new ImportError(
      'bad-csv',
      fileName,
      `"${fileName}" has no row with a timestamp this app can read (${issues.firstBadDescription('row')}). Write timestamps as YYYY-MM-DD HH:MM:SS.`,
    );
  }
  options.onProgress?.({ phase: 'parse', bytesDone: text.length, bytesTotal: text.length, items: items.length });
  return {
    format: 'generic-csv',
    locale: null,
    dateOrder: null,
    items,
    chatName: null,
    warnings: [...table.warnings, ...issues.warnings('row')],
  };
}
