// Which export format a file is: content first (zip magic, known binary signatures, JSON, the
// imessage-exporter HTML structure and timestamp line, CSV header rows, WhatsApp header lines), the
// file extension second. Invariants: only the first 64 KiB are decoded; binary files are refused by
// signature before any decoding; requireFormat throws a typed ImportError, detectFormat never does.

import { firstLine, guessDelimiter, resolveGenericColumns, splitCsvLine } from './csv';
import { ImportError } from './errors';
import { isImazingHeader } from './imessage/imazing';
import { IMESSAGE_TIMESTAMP_LINE } from './imessage/timestamp';
import { decodeText } from './decode-text';
import { looksLikeWhatsApp } from './whatsapp/index';

export type TextFormat =
  | 'whatsapp'
  | 'imessage-exporter-txt'
  | 'imessage-exporter-html'
  | 'imazing-csv'
  | 'generic-csv'
  | 'generic-json';

export type DetectedFormat = 'zip' | TextFormat;

/** How much of a file is decoded to recognise it. */
export const SNIFF_BYTES = 64 * 1024;

export const SUPPORTED_SENTENCE =
  'This app reads WhatsApp "Export chat" files (.txt or .zip), iMessage exports from imessage-exporter ' +
  '(.txt or .html) or iMazing (.csv), and CSV or JSON files with timestamp, sender and text columns.';

interface Signature {
  bytes: readonly (number | null)[];
  offset?: number;
  what: string;
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** Signatures of files people pick by mistake; `null` matches any byte. */
const BINARY_SIGNATURES: readonly Signature[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'an image (PNG)' },
  { bytes: [0xff, 0xd8, 0xff], what: 'an image (JPEG)' },
  { bytes: ascii('GIF8'), what: 'an image (GIF)' },
  { bytes: [...ascii('RIFF'), null, null, null, null, ...ascii('WEBP')], what: 'an image (WebP)' },
  { bytes: ascii('ftypheic'), offset: 4, what: 'an image (HEIC)' },
  { bytes: ascii('ftypheix'), offset: 4, what: 'an image (HEIC)' },
  { bytes: ascii('ftypmif1'), offset: 4, what: 'an image (HEIF)' },
  { bytes: ascii('ftyp'), offset: 4, what: 'a video or audio file' },
  { bytes: [0x49, 0x49, 0x2a, 0x00], what: 'an image (TIFF)' },
  { bytes: [0x4d, 0x4d, 0x00, 0x2a], what: 'an image (TIFF)' },
  { bytes: ascii('%PDF'), what: 'a PDF document' },
  { bytes: ascii('SQLite format 3'), what: 'a database file (for example the Messages app\'s chat.db)' },
  { bytes: [0x1f, 0x8b], what: 'a compressed .gz file' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { bytes: ascii('Rar!'), what: 'a RAR archive' },
  { bytes: ascii('OggS'), what: 'an audio file (Ogg/Opus)' },
  { bytes: ascii('ID3'), what: 'an audio file (MP3)' },
  { bytes: ascii('#!AMR'), what: 'an audio file (AMR)' },
  { bytes: [0x1a, 0x45, 0xdf, 0xa3], what: 'a video file (WebM/MKV)' },
  { bytes: ascii('bplist'), what: 'a binary property list' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an Office document' },
];

export function isZip(bytes: Uint8Array): boolean {
  // Local file header, or the end-of-central-directory record of an empty archive.
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x50 &&
    bytes[1] === 0x4b &&
    ((bytes[2] === 0x03 && bytes[3] === 0x04) || (bytes[2] === 0x05 && bytes[3] === 0x06))
  );
}

/** What a binary file is, by signature; null when it may be text. */
export function binaryKind(bytes: Uint8Array): string | null {
  for (const sig of BINARY_SIGNATURES) {
    const at = sig.offset ?? 0;
    if (bytes.length < at + sig.bytes.length) continue;
    if (sig.bytes.every((b, i) => b === null || bytes[at + i] === b)) return sig.what;
  }
  return null;
}

export function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/**
 * Decodes the start of a file for sniffing. A cut is moved back to the last line break so no
 * multi-byte character is split (UTF-16 keeps an even length).
 */
export function decodeSample(bytes: Uint8Array, name: string): string {
  if (bytes.length <= SNIFF_BYTES) return decodeText(bytes, name);
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  let end = SNIFF_BYTES;
  if (utf16) end -= end % 2;
  else {
    const lf = bytes.lastIndexOf(0x0a, SNIFF_BYTES - 1);
    if (lf > 0) end = lf + 1;
    else while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  }
  return decodeText(bytes.subarray(0, end), name);
}

const HTML_MESSAGE = /<div\s+class\s*=\s*["']?(?:message|announcement)["'\s>]/i;
const HTML_TIMESTAMP = /class\s*=\s*["']?timestamp\b/i;

function looksLikeImessageTxt(text: string): boolean {
  let seen = 0;
  for (const line of text.split(/\r\n|\r|\n/, 200)) {
    if (line.trim() === '') continue;
    if (IMESSAGE_TIMESTAMP_LINE.test(line.replace(/^\uFEFF/, ''))) return true;
    if (++seen >= 3) return false;
  }
  return false;
}

/** The CSV flavour of a header line, or null when it is not a header we know. */
export function csvHeaderKind(line: string): 'imazing-csv' | 'generic-csv' | null {
  const delimiter = guessDelimiter(line);
  const fields = splitCsvLine(line, delimiter);
  if (fields.length < 2) return null;
  if (isImazingHeader(fields)) return 'imazing-csv';
  return resolveGenericColumns(fields).missing.length === 0 ? 'generic-csv' : null;
}

/**
 * The format of decoded text by content alone, or by `name`'s extension when content says nothing
 * (a .csv or .json then goes to its parser, which names what is missing). Null: not recognised.
 */
export function sniffText(text: string, name: string | null): TextFormat | null {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (/^\s*(?:\{|\[\s*(?:[{\]]|$))/.test(body)) return 'generic-json';
  if (HTML_MESSAGE.test(body) && HTML_TIMESTAMP.test(body)) return 'imessage-exporter-html';
  if (looksLikeImessageTxt(body)) return 'imessage-exporter-txt';
  const csv = csvHeaderKind(firstLine(body));
  if (csv !== null) return csv;
  if (looksLikeWhatsApp(body)) return 'whatsapp';
  if (name === null) return null;
  const ext = extensionOf(name);
  if (ext === 'csv' || ext === 'tsv') return 'generic-csv';
  if (ext === 'json') return 'generic-json';
  return null;
}

/** Like detectFormat, but says why a file cannot be read (empty, binary, encoding, not an export). */
export function requireFormat(name: string, bytes: Uint8Array): DetectedFormat {
  if (bytes.length === 0) {
    throw new ImportError('empty-file', name, `"${name}" is empty (0 bytes). Export the chat again and pick the new file.`);
  }
  if (isZip(bytes)) return 'zip';
  const what = binaryKind(bytes);
  if (what !== null) {
    throw new ImportError(
      'binary-file',
      name,
      `"${name}" is ${what}, not a chat export. ${SUPPORTED_SENTENCE}`,
      { kind: what },
    );
  }
  const format = sniffText(decodeSample(bytes, name), name);
  if (format !== null) return format;
  throw new ImportError('not-an-export', name, `"${name}" is not a chat export this app recognises. ${SUPPORTED_SENTENCE}`);
}

/** The export format of a file, or null when it is not one we read (never throws for bad input). */
export function detectFormat(name: string, bytes: Uint8Array): DetectedFormat | null {
  try {
    return requireFormat(name, bytes);
  } catch (error) {
    if (error instanceof ImportError) return null;
    throw error;
  }
}
