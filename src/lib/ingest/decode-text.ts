// Bytes -> text for chat exports: UTF-8 (BOM or not), UTF-16 LE/BE (BOM or NUL-pattern), and the
// invisible-character scrubber every parser shares. Invariants: the returned string never starts with
// a BOM; anything that is not decodable text throws an ImportError naming the file and the problem.

import { ImportError } from './errors';

/** Bidi controls, isolates, BOM and Arabic letter mark: layout hints WhatsApp sprinkles into exports. */
const INVISIBLE = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c]/g;
const HAS_INVISIBLE = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c]/;

/**
 * Removes bidi/format marks (U+200E/F, U+202A-E, U+2066-9, U+FEFF, U+061C). ZWJ (U+200D) and
 * variation selectors are kept because emoji sequences need them.
 */
export function stripInvisible(s: string): string {
  return HAS_INVISIBLE.test(s) ? s.replace(INVISIBLE, '') : s;
}

interface Magic {
  bytes: readonly number[];
  what: string;
}

// Formats people pick by mistake; ZIP is opened elsewhere but is still not *text*.
const MAGICS: readonly Magic[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive' },
  { bytes: [0x50, 0x4b, 0x05, 0x06], what: 'a zip archive' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
  { bytes: [0x52, 0x61, 0x72, 0x21], what: 'a RAR archive' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf], what: 'a 7-Zip archive' },
  { bytes: [0x4f, 0x67, 0x67, 0x53], what: 'an audio file' },
  { bytes: [0x49, 0x44, 0x33], what: 'an audio file' },
  { bytes: [0x52, 0x49, 0x46, 0x46], what: 'a media file' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], what: 'a database file' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an Office document' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'a program' },
  { bytes: [0x4d, 0x5a], what: 'a program' },
];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

function magicOf(bytes: Uint8Array): string | null {
  for (const m of MAGICS) if (startsWith(bytes, m.bytes)) return m.what;
  // ISO media (mp4/mov/heic): "ftyp" at offset 4.
  if (startsWith(bytes, [0x66, 0x74, 0x79, 0x70], 4)) return 'a video or image file';
  if (startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return 'a WebP image';
  return null;
}

function binaryError(fileName: string, what: string): ImportError {
  return new ImportError(
    'binary-file',
    fileName,
    `"${fileName}" is not a chat export: it contains binary data (${what}).`,
  );
}

const SAMPLE = 8192;

/** 'le' / 'be' when the sample looks like BOM-less UTF-16 (ASCII-range text leaves NULs on one side). */
function sniffUtf16(bytes: Uint8Array): 'le' | 'be' | null {
  const n = Math.min(bytes.length, SAMPLE) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.3 && evenZero < pairs * 0.05) return 'le';
  if (evenZero > pairs * 0.3 && oddZero < pairs * 0.05) return 'be';
  return null;
}

/** True when the sample has NULs or too many C0 control characters to be a text file. */
function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, SAMPLE);
  let controls = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0) return true;
    // Tab, LF, VT, FF, CR and ESC do appear in text files.
    if (b < 0x20 && b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 27) controls++;
  }
  return controls > Math.max(2, n * 0.01);
}

function decodeStrict(label: string, bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

function unsupported(fileName: string, detail: string): ImportError {
  return new ImportError(
    'unsupported-encoding',
    fileName,
    `"${fileName}" uses a text encoding we cannot read (${detail}). Export the chat again from WhatsApp, or save the file as UTF-8.`,
  );
}

function countReplacements(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\ufffd'); i !== -1; i = s.indexOf('\ufffd', i + 1)) n++;
  return n;
}

function decodeUtf8(bytes: Uint8Array, fileName: string): string {
  const strict = decodeStrict('utf-8', bytes);
  if (strict !== null) return strict;
  // A handful of broken sequences (a truncated emoji, one bad byte) should not cost the user the
  // whole chat; text that is mostly invalid is another encoding (Latin-1, Shift-JIS...) instead.
  const lenient = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const bad = countReplacements(lenient);
  if (bad <= Math.max(8, lenient.length * 0.001)) return lenient;
  throw unsupported(fileName, 'it is not valid UTF-8 or UTF-16');
}

function decodeUtf16(bytes: Uint8Array, endian: 'le' | 'be', fileName: string): string {
  const label = endian === 'le' ? 'utf-16le' : 'utf-16be';
  const even = bytes.length % 2 === 0 ? bytes : bytes.subarray(0, bytes.length - 1);
  const strict = decodeStrict(label, even);
  if (strict !== null) return strict;
  try {
    const lenient = new TextDecoder(label, { fatal: false }).decode(even);
    if (countReplacements(lenient) <= Math.max(8, lenient.length * 0.001)) return lenient;
  } catch {
    // fall through: the runtime lacks this decoder
  }
  throw unsupported(fileName, 'broken UTF-16');
}

/** True when the string holds only whitespace and invisible marks. */
function isBlank(s: string): boolean {
  return /^[\s\u200b-\u200f\u202a-\u202f\u2066-\u2069\ufeff\u061c\u00a0]*$/.test(s);
}

/**
 * Decodes an export file's bytes. UTF-8 with or without BOM; UTF-16 LE/BE with BOM or recognised
 * by its NUL-byte pattern. Throws ImportError 'empty-file' | 'binary-file' | 'unsupported-encoding'.
 */
export function decodeText(bytes: Uint8Array, fileName: string): string {
  if (bytes.length === 0) {
    throw new ImportError('empty-file', fileName, `"${fileName}" is empty: it contains no text.`);
  }
  let text: string;
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    text = decodeUtf8(bytes.subarray(3), fileName);
  } else if (startsWith(bytes, [0xff, 0xfe, 0x00, 0x00]) || startsWith(bytes, [0x00, 0x00, 0xfe, 0xff])) {
    throw unsupported(fileName, 'UTF-32');
  } else if (startsWith(bytes, [0xff, 0xfe])) {
    text = decodeUtf16(bytes.subarray(2), 'le', fileName);
  } else if (startsWith(bytes, [0xfe, 0xff])) {
    text = decodeUtf16(bytes.subarray(2), 'be', fileName);
  } else {
    const magic = magicOf(bytes);
    if (magic !== null) throw binaryError(fileName, magic);
    const utf16 = sniffUtf16(bytes);
    if (utf16 !== null) {
      text = decodeUtf16(bytes, utf16, fileName);
    } else {
      if (looksBinary(bytes)) throw binaryError(fileName, 'an image or other non-text file');
      text = decodeUtf8(bytes, fileName);
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.indexOf('\u0000\u0000\u0000\u0000') !== -1) {
    throw binaryError(fileName, 'an image or other non-text file');
  }
  if (isBlank(text)) {
    throw new ImportError(
      'empty-file',
      fileName,
      `"${fileName}" is empty: it contains only blank lines or invisible characters.`,
    );
  }
  return text;
}
