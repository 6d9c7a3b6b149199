// Shared shapes of the ingest pipeline: what every parser (WhatsApp, iMessage, CSV/JSON) returns.
// Invariants: `ts` is local wall-clock time as written in the export (no zone); `author` is null
// exactly for system items; `text` has bidi/format marks stripped and keeps emoji and ZWJ sequences.

export type ItemKind =
  | 'message' // text a person wrote
  | 'system' // an event nobody typed: encryption notice, joins/leaves, subject change...
  | 'media' // a placeholder for an image/video/audio/sticker/document/view-once item
  | 'deleted' // "This message was deleted" and its localized forms
  | 'call' // missed / voice / video call events
  | 'poll' // a poll with its options
  | 'location' // a shared (live) location or venue
  | 'contact'; // a shared contact card

export const ITEM_KINDS: readonly ItemKind[] = [
  'message',
  'system',
  'media',
  'deleted',
  'call',
  'poll',
  'location',
  'contact',
];

export interface ParsedItem {
  /** ISO 8601 local date-time without zone, seconds always present: `2019-05-04T14:59:00`. */
  ts: string;
  /** The person who wrote it; null for system items. */
  author: string | null;
  kind: ItemKind;
  /** Body with bidi marks stripped; multi-line bodies joined with '\n'. */
  text: string;
  /** True when WhatsApp marked the message as edited (the marker is removed from `text`). */
  edited?: boolean;
  /** 1-based line (or row / record) of the source where the item starts. */
  line: number;
}

export type SourceFormat =
  | 'whatsapp-ios' // [date, time] Name: text
  | 'whatsapp-android' // date, time - Name: text
  | 'whatsapp-legacy' // old 2012-era "date time: Name: text" and other colon-separated layouts
  | 'imessage-exporter-txt'
  | 'imessage-exporter-html'
  | 'imazing-csv'
  | 'generic-csv'
  | 'generic-json';

/** Order of day, month and year in the export's dates, detected from the whole file. */
export type DateOrder = 'DMY' | 'MDY' | 'YMD' | 'YDM';

export interface ParseResult {
  format: SourceFormat;
  /** Language of the export's UI strings (system lines, placeholders) as a BCP 47 tag, null if unknown. */
  locale: string | null;
  /** Null for formats whose dates are unambiguous (ISO in CSV/JSON, month names in iMessage). */
  dateOrder: DateOrder | null;
  items: ParsedItem[];
  /** Chat title when the export names it (zip member name, iMazing chat session...). */
  chatName: string | null;
  /** Things a person may want to know but that did not stop the parse (skipped lines...). */
  warnings: string[];
}

export interface ParseProgress {
  phase: 'read' | 'parse';
  bytesDone: number;
  bytesTotal: number;
  items: number;
}

export interface ParseOptions {
  signal?: AbortSignal;
  /** Called now and then (not per line) with how far the parse is. */
  onProgress?: (progress: ParseProgress) => void;
}

/** A file handed to the importer, already read into memory. */
export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}
