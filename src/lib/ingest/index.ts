// The one entry point of the ingest pipeline: bytes + name in, ParseResult out (detect, unzip,
// decode, parse). Used by the worker, the CLI and the golden tests. Invariants: size limits are
// checked before a full decode or any inflating; bad input only ever fails with a typed ImportError.

import { parseGenericCsv } from './csv';
import { requireFormat, type TextFormat } from './detect';
import { ImportError } from './errors';
import { parseImazingCsv, parseImessageHtml, parseImessageTxt } from './imessage/index';
import { parseGenericJson } from './json';
import { decodeText } from './decode-text';
import type { ExportFile, ParseOptions, ParseResult } from './types';
import { parseWhatsAppText } from './whatsapp/index';
import { chatNameFromFileName, extractChat } from './zip';
import { formatBytes } from '../util/format-bytes';

export type * from './types';
export { ITEM_KINDS } from './types';
export { ImportError, type ImportErrorCode } from './errors';
export { summarize, type ExportSummary, type SummaryItem } from './export-summary';
export { detectFormat, requireFormat, type DetectedFormat, type TextFormat } from './detect';

/** Largest file this app reads into memory (a zip with media can be big; its chat text cannot). */
export const MAX_FILE_BYTES = 1024 ** 3;
/** Largest chat text, plain or inside a zip: 256 MiB is millions of messages. */
export const MAX_CHAT_TEXT_BYTES = 256 * 1024 ** 2;
/** A zip member packed more than this many times is a zip bomb, not a chat (text packs ~3-10x). */
export const MAX_ZIP_RATIO = 200;
/** Below this size the ratio is not checked: tiny repetitive chats can pack very well. */
export const ZIP_RATIO_FLOOR_BYTES = 1024 ** 2;

const WITHOUT_MEDIA = 'Export the chat again "without media" and pick that file.';

/** Throws 'file-too-large' when a file cannot be parsed in memory; call before reading it. */
export function assertFileSize(name: string, size: number): void {
  if (size > MAX_FILE_BYTES) {
    throw new ImportError(
      'file-too-large',
      name,
      `"${name}" is ${formatBytes(size)}, more than this app can read (${formatBytes(MAX_FILE_BYTES)}). ${WITHOUT_MEDIA}`,
      { size, limit: MAX_FILE_BYTES },
    );
  }
}

function assertTextSize(name: string, size: number): void {
  if (size > MAX_CHAT_TEXT_BYTES) {
    throw new ImportError(
      'file-too-large',
      name,
      `"${name}" holds ${formatBytes(size)} of text, more than this app can parse (${formatBytes(MAX_CHAT_TEXT_BYTES)}). ${WITHOUT_MEDIA}`,
      { size, limit: MAX_CHAT_TEXT_BYTES },
    );
  }
}

/** Parses decoded text in a known format. */
export function parseText(format: TextFormat, text: string, fileName: string, options: ParseOptions = {}): ParseResult {
  switch (format) {
    case 'whatsapp':
      return parseWhatsAppText(text, fileName, options);
    case 'imessage-exporter-txt':
      return parseImessageTxt(text, fileName, options);
    case 'imessage-exporter-html':
      return parseImessageHtml(text, fileName, options);
    case 'imazing-csv':
      return parseImazingCsv(text, fileName, options);
    case 'generic-csv':
      return parseGenericCsv(text, fileName, options);
    case 'generic-json':
      return parseGenericJson(text, fileName, options);
  }
}

export async function parseExport(file: ExportFile, options: ParseOptions = {}): Promise<ParseResult> {
  const { name, bytes } = file;
  assertFileSize(name, bytes.byteLength);
  options.signal?.throwIfAborted();
  const format = requireFormat(name, bytes);

  if (format !== 'zip') {
    assertTextSize(name, bytes.byteLength);
    const text = decodeText(bytes, name);
    const result = parseText(format, text, name, options);
    if (result.chatName === null && format === 'whatsapp') result.chatName = chatNameFromFileName(name);
    return result;
  }

  const chat = await extractChat(
    name,
    bytes,
    { maxMemberBytes: MAX_CHAT_TEXT_BYTES, maxRatio: MAX_ZIP_RATIO, ratioFloorBytes: ZIP_RATIO_FLOOR_BYTES },
    options,
  );
  options.signal?.throwIfAborted();
  const member = chat.memberName.split('/').pop() ?? chat.memberName;
  let result: ParseResult;
  try {
    result = parseText(chat.format, decodeText(chat.bytes, member), member, options);
  } catch (error) {
    // The person picked the zip: errors name it, and say which member they are about.
    if (error instanceof ImportError && error.file !== name) {
      const message = error.message.split(`"${member}"`).join(`"${member}" in "${name}"`);
      throw new ImportError(error.code, name, message, error.details === undefined ? undefined : { ...error.details });
    }
    throw error;
  }
  result.chatName ??= chat.chatName;
  result.warnings = [...chat.warnings, ...result.warnings];
  return result;
}
