// Finds and inflates the one chat text inside a .zip export, and reads/writes the members of persona
// bundles (the only importer of jszip).
// Invariants: media members are never inflated; a member's declared size and compression ratio are
// checked from the central directory before inflating, and inflating stops as soon as the output
// passes the limit; __MACOSX/ metadata and nested zips are ignored. Generic archives (bundles) inflate
// nothing on opening and cap their member count and total inflated bytes.

import JSZip from 'jszip';
import { SNIFF_BYTES, decodeSample, extensionOf, sniffText, type TextFormat } from './detect';
import { ImportError } from './errors';
import type { ParseOptions } from './types';
import { escapeRegExp } from '../util/escape-regexp';
import { formatBytes } from '../util/format-bytes';

export interface ZipLimits {
  /** Largest chat text a member may expand to. */
  maxMemberBytes: number;
  /** Largest uncompressed/compressed ratio accepted for members above `ratioFloorBytes`. */
  maxRatio: number;
  ratioFloorBytes: number;
}

export interface ZipChat {
  /** Full path of the member inside the zip. */
  memberName: string;
  bytes: Uint8Array;
  format: TextFormat;
  chatName: string | null;
  warnings: string[];
}

/** Members looked at (by prefix) when no member is named like a chat: bounds the work on odd zips. */
const MAX_SNIFFED_MEMBERS = 24;
const TEXT_EXTENSIONS = new Set(['txt', 'csv', 'tsv', 'json', 'html', 'htm']);


const baseName = (path: string): string => path.split('/').pop() ?? path;

// -- chat names -------------------------------------------------------------------------------------

/** Words that join "WhatsApp Chat" and the chat's name in localized export names. */
const CONNECTORS = [
  'with', 'mit', 'met', 'avec', 'con', 'com', 'med', 'z', 's', 'с', 'со', 'з', 'dengan', 'cu', 'με', 'مع', 'עם',
  'với', 'กับ', 'sa', 'ar', 'su', 'kun', 'amb', 'ze', 'se', 'so', 'na', 'i', '-', '–', '—',
];
const CONNECTED_NAME = new RegExp(
  String.raw`WhatsApp[^\s]*(?:\s+[^\s]+)?\s+(?:${CONNECTORS.map(escapeRegExp).join('|')})\s+(?:(?:контактом|contact|kontaktem|kontaktom)\s+)?(.+)$`,
  'iu',
);
/** Turkish and other languages put the name first: `Ali ile WhatsApp Sohbeti`. */
const NAME_FIRST = /^(.+?)\s+(?:ile|と|和|과|와)\s*(?:の)?\s*WhatsApp/iu;

/**
 * The chat's name from a WhatsApp export file name: `WhatsApp Chat with Alice.txt`,
 * `WhatsApp Chat - Alice.zip`, `Chat de WhatsApp con Alice.txt`, `Чат WhatsApp с Alice.txt`...
 * Null when the name does not follow that pattern (`_chat.txt`).
 */
export function chatNameFromFileName(fileName: string): string | null {
  const stem = baseName(fileName.replace(/\\/g, '/'))
    .replace(/\.(txt|zip)$/i, '')
    .replace(/\s*\(\d+\)$/, '')
    .trim();
  if (!/whatsapp/i.test(stem)) return null;
  const m = CONNECTED_NAME.exec(stem) ?? NAME_FIRST.exec(stem);
  const name = m?.[1]?.trim();
  return name === undefined || name === '' ? null : name;
}

function isWhatsAppNamed(path: string): boolean {
  const base = baseName(path);
  return base === '_chat.txt' || (/^.*whatsapp.*\.txt$/i.test(base) && chatNameFromFileName(base) !== null);
}

function isIgnored(path: string): boolean {
  const base = baseName(path);
  return path.startsWith('__MACOSX/') || path.includes('/__MACOSX/') || base.startsWith('._') || base === '.DS_Store';
}

// -- jszip access -----------------------------------------------------------------------------------

/** jszip's documented `internalStream` (missing from its typings). */
interface StreamHelper {
  on(event: 'data', cb: (chunk: Uint8Array) => void): StreamHelper;
  on(event: 'end', cb: () => void): StreamHelper;
  on(event: 'error', cb: (error: unknown) => void): StreamHelper;
  resume(): StreamHelper;
  pause(): StreamHelper;
}

interface Sizes {
  uncompressed: number | null;
  compressed: number | null;
}

/** Sizes from the central directory, which jszip keeps on the private `_data` of loaded entries. */
function declaredSizes(entry: JSZip.JSZipObject): Sizes {
  const data = (entry as unknown as { _data?: { uncompressedSize?: unknown; compressedSize?: unknown } })._data;
  // jszip reads 32-bit sizes as signed ints: a declared 4 GB shows up negative.
  const num = (v: unknown): number | null =>
    typeof v === 'number' && Number.isFinite(v) ? (v < 0 && v >= -(2 ** 31) ? v + 2 ** 32 : v >= 0 ? v : null) : null;
  return { uncompressed: num(data?.uncompressedSize), compressed: num(data?.compressedSize) };
}

class TooLarge extends Error {}

/**
 * Inflates a member, stopping once `max` bytes are exceeded (or, for sniffing, once `stopAt` bytes
 * arrived). Throws TooLarge past `max`; resolves with what was read. With `partial`, an error after
 * some output (a damaged tail, a wrong declared size) still yields that output.
 */
function inflate(
  entry: JSZip.JSZipObject,
  max: number,
  stopAt: number,
  options: ParseOptions,
  total: number,
  partial = false,
): Promise<Uint8Array> {
  const stream = (entry as unknown as { internalStream?: (type: 'uint8array') => StreamHelper }).internalStream;
  if (typeof stream !== 'function') {
    // Only reached if jszip changes its API; the declared size was already checked.
    return entry.async('uint8array');
  }
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let settled = false;
    const done = (error: unknown, helper?: StreamHelper): void => {
      if (settled) return;
      settled = true;
      helper?.pause();
      if (error !== null && !(partial && size > 0 && !(error instanceof TooLarge))) reject(error);
      else resolve(concat(chunks, size));
    };
    const helper: StreamHelper = stream.call(entry, 'uint8array');
    helper
      .on('data', (chunk) => {
        if (settled) return;
        if (options.signal?.aborted === true) {
          done(options.signal.reason, helper);
          return;
        }
        size += chunk.byteLength;
        if (size > max) {
          done(new TooLarge(), helper);
          return;
        }
        chunks.push(chunk);
        options.onProgress?.({ phase: 'read', bytesDone: size, bytesTotal: total, items: 0 });
        if (size >= stopAt) done(null, helper);
      })
      .on('error', (error) => done(error))
      .on('end', () => done(null))
      .resume();
  });
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out.subarray(0, at);
}

// -- the chat member --------------------------------------------------------------------------------

interface Candidate {
  entry: JSZip.JSZipObject;
  sizes: Sizes;
  named: boolean;
  format: TextFormat | null;
  /** Lower is better: WhatsApp-named and WhatsApp-looking first. */
  tier: number;
}

interface SizeProblem {
  detail: string;
  extra: Record<string, number>;
}

/** Why a member's declared sizes are refused (too big, or packed like a zip bomb), or null. */
function sizeProblem({ uncompressed, compressed }: Sizes, limits: ZipLimits): SizeProblem | null {
  if (uncompressed === null) return null;
  if (uncompressed > limits.maxMemberBytes) {
    return {
      detail: `would expand to ${formatBytes(uncompressed)} (the limit is ${formatBytes(limits.maxMemberBytes)})`,
      extra: { declared: uncompressed, limit: limits.maxMemberBytes },
    };
  }
  if (compressed !== null && uncompressed > limits.ratioFloorBytes && uncompressed > compressed * limits.maxRatio) {
    return {
      detail:
        `would expand from ${formatBytes(compressed)} to ${formatBytes(uncompressed)}, ` +
        `${Math.round(uncompressed / Math.max(compressed, 1))} times its packed size`,
      extra: { declared: uncompressed, compressed },
    };
  }
  return null;
}

function tooLarge(zipName: string, member: string, detail: string, extra: Record<string, number>): ImportError {
  return new ImportError(
    'zip-too-large',
    zipName,
    `"${zipName}" contains "${baseName(member)}", which ${detail}. That is far more than a chat text; ` +
      'if this is a real chat, export it again "without media" and pick the .txt file.',
    extra,
  );
}

export async function extractChat(
  zipName: string,
  bytes: Uint8Array,
  limits: ZipLimits,
  options: ParseOptions = {},
): Promise<ZipChat> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes, { checkCRC32: false, createFolders: false });
  } catch (error) {
    const reason = error instanceof Error && /encrypt/i.test(error.message) ? ' (it is password-protected)' : '';
    throw new ImportError(
      'bad-zip',
      zipName,
      `"${zipName}" is a .zip file that cannot be opened${reason}; it may be damaged or incomplete. ` +
        'Export the chat again, or unzip it and pick the chat .txt inside.',
    );
  }
  options.signal?.throwIfAborted();

  const files = Object.values(zip.files).filter((e) => !e.dir);
  const visible = files.filter((e) => !isIgnored(e.name));
  const textual = visible.filter((e) => TEXT_EXTENSIONS.has(extensionOf(e.name)));
  const named = textual.filter((e) => isWhatsAppNamed(e.name));
  const size = (e: JSZip.JSZipObject): number => declaredSizes(e).uncompressed ?? 0;
  // Named chats first, then the biggest: those are the likeliest chats when a zip holds many texts.
  const toSniff = [...named, ...textual.filter((e) => !named.includes(e)).sort((a, b) => size(b) - size(a))].slice(
    0,
    MAX_SNIFFED_MEMBERS,
  );

  const candidates: Candidate[] = [];
  const oversized: { entry: JSZip.JSZipObject; problem: SizeProblem }[] = [];
  for (const entry of toSniff) {
    options.signal?.throwIfAborted();
    const sizes = declaredSizes(entry);
    const isNamed = named.includes(entry);
    // The central directory is checked before a single byte is inflated, even for sniffing.
    const problem = sizeProblem(sizes, limits);
    if (problem !== null) {
      if (isNamed) candidates.push({ entry, sizes, named: true, format: 'whatsapp', tier: 0 });
      else oversized.push({ entry, problem });
      continue;
    }
    let format: TextFormat | null = null;
    try {
      const sample = await inflate(entry, Infinity, SNIFF_BYTES + 1, {}, 0, true);
      if (sample.byteLength === 0) continue;
      format = sniffText(decodeSample(sample, baseName(entry.name)), null);
    } catch (error) {
      if (options.signal?.aborted === true) throw error;
      continue; // binary, undecodable or damaged from the start: not a chat
    }
    if (format === null && !isNamed) continue;
    const tier = isNamed ? (format === 'whatsapp' || format === null ? 0 : 2) : format === 'whatsapp' ? 1 : 3;
    candidates.push({ entry, sizes, named: isNamed, format: format ?? 'whatsapp', tier });
  }

  const firstOversized = oversized[0];
  if (candidates.length === 0 && firstOversized !== undefined) {
    throw tooLarge(zipName, firstOversized.entry.name, firstOversized.problem.detail, firstOversized.problem.extra);
  }

  if (candidates.length === 0) {
    const shown = visible.slice(0, 5).map((e) => e.name);
    const more = visible.length > shown.length ? `, … (${visible.length} files)` : '';
    throw new ImportError(
      'zip-no-chat',
      zipName,
      visible.length === 0
        ? `"${zipName}" is an empty .zip: it holds no chat text. Pick the .zip or .txt made by WhatsApp's "Export chat".`
        : `"${zipName}" holds no chat text, only: ${shown.join(', ')}${more}. ` +
            'Pick the .zip or .txt made by WhatsApp\'s "Export chat", or an iMessage export.',
      { files: visible.length },
    );
  }

  candidates.sort((a, b) => a.tier - b.tier || (b.sizes.uncompressed ?? 0) - (a.sizes.uncompressed ?? 0));
  const chosen = candidates[0] as Candidate;
  const warnings: string[] = [];
  if (candidates.length > 1) {
    const others = candidates.slice(1).map((c) => `"${baseName(c.entry.name)}"`);
    warnings.push(
      `This zip holds ${candidates.length} chat files; imported the largest, "${baseName(chosen.entry.name)}". ` +
        `Import ${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''} as separate files.`,
    );
  }

  const problem = sizeProblem(chosen.sizes, limits);
  if (problem !== null) throw tooLarge(zipName, chosen.entry.name, problem.detail, problem.extra);
  const uncompressed = chosen.sizes.uncompressed;

  let text: Uint8Array;
  try {
    text = await inflate(chosen.entry, limits.maxMemberBytes, Infinity, options, uncompressed ?? 0);
  } catch (error) {
    if (error instanceof TooLarge) {
      throw tooLarge(
        zipName,
        chosen.entry.name,
        `expands past ${formatBytes(limits.maxMemberBytes)} although the zip declares ${formatBytes(uncompressed ?? 0)}`,
        { limit: limits.maxMemberBytes },
      );
    }
    if (options.signal?.aborted === true) throw error;
    throw new ImportError(
      'bad-zip',
      zipName,
      `"${zipName}" is damaged: "${baseName(chosen.entry.name)}" inside it cannot be unpacked. Export the chat again.`,
    );
  }

  return {
    memberName: chosen.entry.name,
    bytes: text,
    format: chosen.format ?? 'whatsapp',
    chatName: chatNameFromFileName(chosen.entry.name) ?? chatNameFromFileName(zipName) ?? zipStem(zipName),
    warnings,
  };
}

/** `chat.zip` -> `chat`; a WhatsApp-style zip name was already handled by chatNameFromFileName. */
function zipStem(zipName: string): string | null {
  const stem = baseName(zipName.replace(/\\/g, '/')).replace(/\.zip$/i, '').trim();
  return stem === '' ? null : stem;
}

// -- generic archives (persona bundles) -------------------------------------------------------------

export interface ZipMemberIn {
  name: string;
  bytes: Uint8Array;
  /** Store without compression (already dense data such as Float32 vectors: deflate gains little, costs time). */
  store?: boolean;
}

/** Packs members into a .zip; `onProgress` gets the share done (0..1) while jszip compresses. */
export async function writeZip(members: readonly ZipMemberIn[], onProgress?: (fraction: number) => void): Promise<Uint8Array> {
  const zip = new JSZip();
  for (const m of members) {
    zip.file(m.name, m.bytes, { binary: true, compression: m.store === true ? 'STORE' : 'DEFLATE', createFolders: false });
  }
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 6 }, streamFiles: false }, (meta) =>
    onProgress?.(meta.percent / 100),
  );
}

export interface OpenedZip {
  /** Every file member (folders and __MACOSX/ metadata left out), as named in the zip. */
  names: string[];
  /**
   * Inflates one member; refuses (ImportError 'zip-too-large') a member larger than `maxMemberBytes`,
   * than `maxBytes` when given (the size the caller expects), or one that takes the total inflated
   * by this zip past `maxTotalBytes`.
   */
  read(name: string, maxBytes?: number): Promise<Uint8Array>;
}

/** Limits of a generic archive: each member's, plus how many members and how much inflated in total. */
export interface OpenZipLimits extends ZipLimits {
  /** Default 1024. */
  maxMembers?: number;
  /** Default 4 GB. */
  maxTotalBytes?: number;
}

const DEFAULT_MAX_MEMBERS = 1024;
const DEFAULT_MAX_TOTAL_BYTES = 4 * 1024 ** 3;

function archiveTooLarge(zipName: string, detail: string, extra: Record<string, number>): ImportError {
  return new ImportError('zip-too-large', zipName, `"${zipName}" ${detail}, far more than this kind of file ever holds; it was not opened.`, extra);
}

/**
 * Opens a .zip for reading members by name. Nothing is inflated on opening (no CRC pass: the caller
 * checks what it reads, e.g. by sha-256); sizes are checked against the central directory before
 * inflating and while inflating, and the total inflated is capped, so a crafted archive cannot exhaust
 * memory or time.
 */
export async function openZip(zipName: string, bytes: Uint8Array, limits: OpenZipLimits): Promise<OpenedZip> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes, { checkCRC32: false, createFolders: false });
  } catch {
    throw new ImportError('bad-zip', zipName, `"${zipName}" is a .zip file that cannot be opened; it may be damaged or incomplete.`);
  }
  const maxMembers = limits.maxMembers ?? DEFAULT_MAX_MEMBERS;
  const maxTotalBytes = limits.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
  const files = Object.values(zip.files).filter((e) => !e.dir && !isIgnored(e.name));
  if (files.length > maxMembers) {
    throw archiveTooLarge(zipName, `holds ${files.length} files (the limit is ${maxMembers})`, { members: files.length, limit: maxMembers });
  }
  const declaredTotal = files.reduce((sum, e) => sum + (declaredSizes(e).uncompressed ?? 0), 0);
  if (declaredTotal > maxTotalBytes) {
    throw archiveTooLarge(zipName, `would expand to ${formatBytes(declaredTotal)} (the limit is ${formatBytes(maxTotalBytes)})`, {
      declared: declaredTotal,
      limit: maxTotalBytes,
    });
  }
  let inflated = 0;
  return {
    names: files.map((e) => e.name),
    async read(name: string, maxBytes?: number): Promise<Uint8Array> {
      const entry = zip.file(name);
      if (entry === null) throw new ImportError('bad-zip', zipName, `"${zipName}" has no member "${name}".`);
      const sizes = declaredSizes(entry);
      const problem = sizeProblem(sizes, limits);
      if (problem !== null) throw new ImportError('zip-too-large', zipName, `"${zipName}" contains "${name}", which ${problem.detail}.`, problem.extra);
      // A declared size may lie (jszip only notices once the member ends): inflating stops one byte past
      // it, so the declared total checked above bounds the real one. The running total is a second
      // bound for a member whose size jszip could not read.
      const declared = sizes.uncompressed === null ? Infinity : sizes.uncompressed + 1;
      const budget = maxTotalBytes - inflated;
      const max = Math.min(limits.maxMemberBytes, maxBytes ?? Infinity, budget, declared);
      try {
        const out = await inflate(entry, max, Infinity, {}, 0);
        inflated += out.byteLength;
        return out;
      } catch (error) {
        if (error instanceof TooLarge) {
          const why =
            max === maxBytes
              ? `expands past the ${maxBytes} bytes it should hold`
              : max === declared
                ? `expands past the ${declared - 1} bytes the zip declares for it`
                : max === budget
                  ? `takes what it expands to past ${formatBytes(maxTotalBytes)} in total`
                  : `expands past ${formatBytes(limits.maxMemberBytes)}`;
          throw new ImportError('zip-too-large', zipName, `"${zipName}" contains "${name}", which ${why}.`, { limit: max });
        }
        throw new ImportError('bad-zip', zipName, `"${zipName}" is damaged: "${name}" inside it cannot be unpacked.`);
      }
    },
  };
}

/** The name of the first member as written in the first local header, from the first bytes of a file (no inflating). */
export function firstZipMemberName(head: Uint8Array): string | null {
  // Local file header: signature PK\x03\x04, name length at offset 26 (u16 LE), name from offset 30.
  if (head.length < 30 || head[0] !== 0x50 || head[1] !== 0x4b || head[2] !== 0x03 || head[3] !== 0x04) return null;
  const length = (head[26] ?? 0) | ((head[27] ?? 0) << 8);
  if (head.length < 30 + length) return null;
  return new TextDecoder().decode(head.subarray(30, 30 + length));
}
