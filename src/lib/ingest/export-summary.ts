// The `--summary` contract of the ingest CLI, computed from a ParseResult.
// Invariants: `messages` counts every item a person wrote (all kinds but 'system'), so deleted,
// call, media, poll, location and contact items are included; first/last are such person items.

import type { ParseResult, ParsedItem } from './types';

export interface SummaryItem {
  ts: string;
  author: string;
  text: string;
}

export interface ExportSummary {
  file: string;
  format: ParseResult['format'];
  locale: string | null;
  dateOrder: ParseResult['dateOrder'];
  messages: number;
  system: number;
  media: number;
  deleted: number;
  authors: Record<string, number>;
  first: SummaryItem | null;
  last: SummaryItem | null;
}

function toSummaryItem(item: ParsedItem | undefined): SummaryItem | null {
  if (item === undefined || item.author === null) return null;
  return { ts: item.ts, author: item.author, text: item.text };
}

export function summarize(file: string, result: ParseResult): ExportSummary {
  const authors: Record<string, number> = {};
  let messages = 0;
  let system = 0;
  let media = 0;
  let deleted = 0;
  let first: ParsedItem | undefined;
  let last: ParsedItem | undefined;
  for (const item of result.items) {
    if (item.kind === 'media') media++;
    if (item.kind === 'deleted') deleted++;
    if (item.author === null) {
      system++;
      continue;
    }
    messages++;
    authors[item.author] = (authors[item.author] ?? 0) + 1;
    first ??= item;
    last = item;
  }
  return {
    file,
    format: result.format,
    locale: result.locale,
    dateOrder: result.dateOrder,
    messages,
    system,
    media,
    deleted,
    authors,
    first: toSummaryItem(first),
    last: toSummaryItem(last),
  };
}
