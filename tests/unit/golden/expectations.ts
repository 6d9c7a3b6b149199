// Golden expectations of the shared export fixtures: loads and shape-checks expected.json, lists the
// fixture folder, and reads a fixture's raw chat text (zip members through node:zlib, never through the
// parser under test). Invariant: the folder listing, not a hard-coded list, decides what must be covered.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

export const EXPORTS_ROOT = fileURLToPath(new URL('../../fixtures/exports/', import.meta.url));
const EXPECTED_JSON = fileURLToPath(new URL('./expected.json', import.meta.url));

export interface ExpectedItem {
  ts: string;
  author: string;
  text: string;
}

export interface Expectation {
  /** One format, or the few a person could defend for a deliberately mixed file. */
  format: string | string[];
  dateOrder: string | null | (string | null)[];
  messages: number;
  system: number;
  media: number;
  deleted: number;
  authors: Record<string, number>;
  first: ExpectedItem | null;
  last: ExpectedItem | null;
  /** How the numbers were counted and what was doubtful; shown when the fixture fails. */
  notes: string;
  /** For zips: the chat text member the expectation was read from. */
  member?: string;
  /** Strings that occur in the file only as system text (or continuation text) and must never be authors. */
  notAuthors?: string[];
}

/**
 * Files that are not exports: other tools' expected outputs (R data, chat-miner targets), the
 * reference tables, the manifest and format notes, and txtar bundles (their export part, if any,
 * is stored next to them as a plain file).
 */
export function isExportFile(relPath: string): boolean {
  const base = relPath.split('/').pop() ?? relPath;
  if (relPath.startsWith('reference/') || base.startsWith('.')) return false;
  if (base === 'manifest.json' || /\.md$/i.test(base) || /\.txtar$/i.test(base)) return false;
  if (/\.rds$/i.test(base) || /_target\.csv$/i.test(base) || /target\.json$/i.test(base)) return false;
  return true;
}

/** Every file under the fixture root, as posix paths relative to it, sorted. */
export function listAllFiles(root: string = EXPORTS_ROOT): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

export function listExportFiles(): string[] {
  return listAllFiles().filter(isExportFile);
}

export function readFixture(relPath: string): Uint8Array {
  return new Uint8Array(readFileSync(EXPORTS_ROOT + relPath));
}

function fail(path: string, what: string): never {
  throw new Error(`expected.json: ${path}: ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkItem(value: unknown, path: string): ExpectedItem | null {
  if (value === null) return null;
  if (!isRecord(value)) fail(path, 'must be an object or null');
  const { ts, author, text } = value;
  if (typeof ts !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(ts)) fail(path, `bad ts ${String(ts)}`);
  if (typeof author !== 'string' || typeof text !== 'string') fail(path, 'author and text must be strings');
  return { ts, author, text };
}

function checkCount(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail(path, 'must be a count');
  return value;
}

function checkEntry(key: string, value: unknown): Expectation {
  if (!isRecord(value)) fail(key, 'must be an object');
  const { format, dateOrder, authors, notes, member, notAuthors } = value;
  const isFormat = (f: unknown): f is string => typeof f === 'string';
  const isOrder = (o: unknown): o is string | null => o === null || (typeof o === 'string' && /^(DMY|MDY|YMD|YDM)$/.test(o));
  if (!(isFormat(format) || (Array.isArray(format) && format.length > 0 && format.every(isFormat)))) fail(key, 'bad format');
  if (!(isOrder(dateOrder) || (Array.isArray(dateOrder) && dateOrder.length > 0 && dateOrder.every(isOrder)))) {
    fail(key, 'bad dateOrder');
  }
  if (!isRecord(authors)) fail(key, 'authors must be an object');
  const authorCounts: Record<string, number> = {};
  for (const [name, count] of Object.entries(authors)) authorCounts[name] = checkCount(count, `${key}.authors.${name}`);
  if (typeof notes !== 'string' || notes.length === 0) fail(key, 'notes must say how the file was counted');
  if (member !== undefined && typeof member !== 'string') fail(key, 'member must be a string');
  if (notAuthors !== undefined && !(Array.isArray(notAuthors) && notAuthors.every((s) => typeof s === 'string'))) {
    fail(key, 'notAuthors must be a list of strings');
  }
  return {
    format,
    dateOrder,
    messages: checkCount(value.messages, `${key}.messages`),
    system: checkCount(value.system, `${key}.system`),
    media: checkCount(value.media, `${key}.media`),
    deleted: checkCount(value.deleted, `${key}.deleted`),
    authors: authorCounts,
    first: checkItem(value.first, `${key}.first`),
    last: checkItem(value.last, `${key}.last`),
    notes,
    ...(member !== undefined ? { member } : {}),
    ...(notAuthors !== undefined ? { notAuthors } : {}),
  };
}

export function loadExpectations(): Record<string, Expectation> {
  const json: unknown = JSON.parse(readFileSync(EXPECTED_JSON, 'utf8'));
  if (!isRecord(json)) throw new Error('expected.json must be an object keyed by fixture path');
  const out: Record<string, Expectation> = {};
  for (const [key, value] of Object.entries(json)) out[key] = checkEntry(key, value);
  return out;
}

/** The expectation of one fixture (path relative to the fixture root); throws when there is none. */
export function goldenExpectation(relPath: string): Expectation {
  const expectation = loadExpectations()[relPath];
  if (expectation === undefined) throw new Error(`tests/unit/golden/expected.json has no entry for ${relPath}`);
  return expectation;
}

/** One member of a zip, read through the central directory (sizes there are right even with data descriptors). */
export function unzipMember(zip: Uint8Array, name: string): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip: no end of central directory');
  const count = view.getUint16(end + 10, true);
  let p = view.getUint32(end + 16, true);
  const decoder = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (view.getUint32(p, true) !== 0x02014b50) throw new Error('corrupt central directory');
    const method = view.getUint16(p + 10, true);
    const compressedSize = view.getUint32(p + 20, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const localHeader = view.getUint32(p + 42, true);
    if (decoder.decode(zip.subarray(p + 46, p + 46 + nameLength)) === name) {
      const start = localHeader + 30 + view.getUint16(localHeader + 26, true) + view.getUint16(localHeader + 28, true);
      const data = zip.subarray(start, start + compressedSize);
      if (method === 0) return data;
      if (method === 8) return new Uint8Array(inflateRawSync(data));
      throw new Error(`zip member ${name}: unsupported compression method ${method}`);
    }
    p += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`zip has no member ${name}`);
}

const INVISIBLE = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * The fixture's chat text split into lines the way the item model numbers them (CRLF, LF or CR),
 * with bidi marks removed and NBSP/NNBSP turned into spaces, as names are in parsed items.
 */
export function rawChatLines(relPath: string, bytes: Uint8Array, member?: string): string[] {
  const chat = relPath.endsWith('.zip') ? unzipMember(bytes, member ?? '_chat.txt') : bytes;
  return new TextDecoder()
    .decode(chat)
    .replace(INVISIBLE, '')
    .replace(/[\u00a0\u202f]/g, ' ')
    .split(/\r\n|\n|\r/);
}
