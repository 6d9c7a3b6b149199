// Parser for iMazing's "Export to CSV" of Messages (14, 15, 17 and 18 column header variants).
// Invariants: columns are found by name, never by position; Outgoing rows are by "Me", Incoming rows
// by Sender Name or else Sender ID, Notification rows are system items; tapback rows are dropped and
// counted; attachment-only rows are media.

import { cleanBody, cleanName, normalizeColumnName, readCsv, toLocalIso } from '../csv';
import { ImportError } from '../errors';
import type { ItemKind, ParseOptions, ParseResult, ParsedItem } from '../types';

const REQUIRED = ['chat session', 'message date', 'type', 'text'] as const;

/** True when a CSV header row is iMazing's (any of its variants), names compared normalized. */
export function isImazingHeader(fields: readonly string[]): boolean {
  const names = new Set(fields.map(normalizeColumnName));
  return REQUIRED.every((n) => names.has(n));
}

// Double and typographic quotes only: `Loved 'em all` is a message, not a tapback.
const QUOTED = String.raw`(?:[“"„«][\s\S]*[”"“»])`;
const OBJECT = String.raw`(?:an?|the) (?:image|photo|picture|video|movie|audio message|attachment|sticker|GIF|link|location|contact|file|document|message|Memoji)`;
/** Tapbacks as older iOS stores them: `Liked “…”`, `Loved an image`, `Removed a heart from “…”`, `Reacted 😂 to “…”`. */
const TAPBACK = new RegExp(
  String.raw`^(?:Liked|Loved|Disliked|Laughed at|Emphasi[sz]ed|Questioned|Reacted .{1,24}? to|Removed an? .{1,24}? from) (?:${QUOTED}|${OBJECT})\.?$`,
  'u',
);

export function isTapbackText(text: string): boolean {
  return TAPBACK.test(text.trim());
}

export function parseImazingCsv(text: string, fileName: string, options: ParseOptions = {}): ParseResult {
  const table = readCsv(text);
  if (!isImazingHeader(table.header)) {
    throw new ImportError(
      'bad-csv',
      fileName,
      `"${fileName}" is not an iMazing messages export: its first row lacks ${REQUIRED.join(', ')}.`,
    );
  }
  const index = new Map<string, number>();
  table.header.forEach((h, i) => {
    const name = normalizeColumnName(h);
    if (!index.has(name)) index.set(name, i);
  });
  const get = (fields: string[], name: string): string => {
    const i = index.get(name);
    return i === undefined ? '' : (fields[i] ?? '');
  };

  const items: ParsedItem[] = [];
  const sessions = new Map<string, number>();
  let tapbacks = 0;
  let badDates = 0;
  let empty = 0;
  const total = table.rows.length;
  for (let r = 0; r < total; r++) {
    const row = table.rows[r];
    if (row === undefined) continue;
    if ((r & 4095) === 0) {
      options.signal?.throwIfAborted();
      options.onProgress?.({ phase: 'parse', bytesDone: Math.round((r / total) * text.length), bytesTotal: text.length, items: items.length });
    }
    const f = row.fields;
    const ts = toLocalIso(get(f, 'message date'));
    if (ts === null) {
      badDates++;
      continue;
    }
    const session = cleanName(get(f, 'chat session'));
    if (session !== '') sessions.set(session, (sessions.get(session) ?? 0) + 1);
    // U+FFFC marks where an attachment sat inside the text; the attachment has its own column.
    const body = cleanBody(get(f, 'text').replace(/\uFFFC/g, ''));
    const attachment = cleanName(get(f, 'attachment'));
    const type = get(f, 'type').trim().toLowerCase();
    const deleted = get(f, 'deleted date').trim() !== '';
    const edited = get(f, 'edited date').trim() !== '';

    let author: string | null;
    if (type === 'notification') author = null;
    else if (type === 'outgoing' || type === 'sent') author = 'Me';
    else {
      const name = cleanName(get(f, 'sender name'));
      const id = cleanName(get(f, 'sender id'));
      author = name !== '' ? name : id !== '' ? id : session !== '' ? session : 'Unknown';
    }

    if (author !== null && isTapbackText(body) && attachment === '') {
      tapbacks++;
      continue;
    }
    let kind: ItemKind;
    let itemText = body;
    if (author === null) kind = 'system';
    else if (deleted) kind = 'deleted';
    else if (body === '' && attachment !== '') {
      kind = 'media';
      itemText = attachment;
    } else kind = 'message';
    if (itemText === '' && kind !== 'deleted') {
      empty++;
      continue;
    }
    items.push({ ts, author, kind, text: itemText, ...(edited && kind !== 'system' ? { edited: true } : {}), line: row.record });
  }
  if (items.length === 0) {
    throw new ImportError(
      'bad-csv',
      fileName,
      `"${fileName}" is an iMazing export without any message we could read (${badDates} row(s) with unreadable dates).`,
    );
  }
  const warnings = [...table.warnings];
  if (tapbacks > 0) warnings.push(`Dropped ${tapbacks} tapback row(s) (Liked “…”, Loved an image, …): they are reactions, not messages.`);
  if (badDates > 0) warnings.push(`Skipped ${badDates} row(s) whose Message Date could not be read.`);
  if (empty > 0) warnings.push(`Skipped ${empty} row(s) with neither text nor attachment.`);
  if (sessions.size > 1) warnings.push(`This file mixes ${sessions.size} chat sessions; they were imported as one chat.`);
  let chatName: string | null = null;
  let best = 0;
  for (const [name, count] of sessions) {
    if (count > best) {
      chatName = name;
      best = count;
    }
  }
  options.onProgress?.({ phase: 'parse', bytesDone: text.length, bytesTotal: text.length, items: items.length });
  return { format: 'imazing-csv', locale: null, dateOrder: null, items, chatName, warnings };
}
