// Parser for imessage-exporter's TXT output (`imessage-exporter -f txt`): blocks of timestamp line,
// sender line and body, announcements on one line, thread replies indented by four spaces.
// Invariants: a top-level block starts only at a timestamp line after a blank line (bodies may hold
// timestamps); tapback blocks and send effects are dropped and counted; replies follow their parent.

import { ImportError } from '../errors';
import { stripInvisible } from '../decode-text';
import type { ParseOptions, ParseResult, ParsedItem } from '../types';
import { REPLY_NOTE, classifyBody, isExpressiveLine } from './body';
import { isReadReceipt, parseTimestampLine } from './timestamp';

interface Block {
  ts: string;
  line: number;
  indent: number;
  /** Null until the sender line has been read. */
  author: string | null;
  lines: string[];
  inTapbacks: boolean;
  /** For replies: a blank line was seen, so an unindented line now belongs to the parent again. */
  sawBlank: boolean;
  /** Index of the item this block fills: parents take their place before their replies. */
  slot: number;
}

const EDIT_LINE = /^Edited (?:.+? )?later: ?(.*)$/;

/** `Alice - 12.txt` -> `Alice`; the exporter appends the chat id to display names. */
export function chatNameFromExporterFile(fileName: string): string | null {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const name = base.replace(/\.(txt|html?)$/i, '').replace(/ - \d+$/, '').trim();
  return name === '' || name.toLowerCase() === 'orphaned' ? null : name;
}

function cleanAuthor(line: string): string {
  return line.replace(/[\u00a0\u202f]/g, ' ').trim();
}

/** The edit history `<ts> original` / `Edited 2 minutes later: text` collapses to the last version. */
function applyEdits(lines: string[]): { lines: string[]; edited: boolean } {
  if (!lines.some((l) => l.includes(' later:'))) return { lines, edited: false };
  const original = lines.findIndex((l) => {
    const ts = parseTimestampLine(l.trim());
    return ts !== null && ts.rest !== '';
  });
  if (original === -1) return { lines, edited: false };
  let lastEdit = -1;
  for (let i = original + 1; i < lines.length; i++) if (EDIT_LINE.test((lines[i] ?? '').trim())) lastEdit = i;
  if (lastEdit === -1) return { lines, edited: false };
  const rest = EDIT_LINE.exec((lines[lastEdit] ?? '').trim())?.[1] ?? '';
  return { lines: [...lines.slice(0, original), rest, ...lines.slice(lastEdit + 1)], edited: true };
}

export function parseImessageTxt(input: string, fileName: string, options: ParseOptions = {}): ParseResult {
  const text = stripInvisible(input);
  const lines = text.split(/\r\n|\r|\n/);
  const slots: (ParsedItem | null)[] = [];
  let top: Block | null = null;
  let reply: Block | null = null;
  let tapbacks = 0;
  let preamble = 0;
  let empty = 0;
  let unknownAnnouncements = 0;

  const open = (ts: string, line: number, indent: number): Block => {
    slots.push(null);
    return { ts, line, indent, author: null, lines: [], inTapbacks: false, sawBlank: false, slot: slots.length - 1 };
  };

  const finish = (block: Block | null): void => {
    if (block === null) return;
    if (block.author === null) {
      empty++;
      return;
    }
    const { lines: body, edited } = applyEdits(block.lines);
    const classified = classifyBody(body);
    if (classified === null) {
      empty++;
      return;
    }
    slots[block.slot] = {
      ts: block.ts,
      author: block.author,
      kind: classified.kind,
      text: classified.text,
      ...(edited ? { edited: true } : {}),
      line: block.line,
    };
  };

  const addBodyLine = (block: Block, raw: string): void => {
    const line = raw.startsWith(' '.repeat(block.indent)) ? raw.slice(block.indent) : raw.trimStart();
    const trimmed = line.trim();
    if (block.author === null) {
      if (trimmed !== '') block.author = cleanAuthor(trimmed);
      return;
    }
    if (block.inTapbacks) {
      if (trimmed === '') block.inTapbacks = false;
      else tapbacks++;
      return;
    }
    if (trimmed === 'Reactions:' || trimmed === 'Tapbacks:') {
      block.inTapbacks = true;
      return;
    }
    if (isExpressiveLine(trimmed) || trimmed === REPLY_NOTE) return;
    block.lines.push(line);
  };

  for (let i = 0; i < lines.length; i++) {
    if ((i & 4095) === 0) {
      options.signal?.throwIfAborted();
      options.onProgress?.({ phase: 'parse', bytesDone: Math.round((i / lines.length) * text.length), bytesTotal: text.length, items: slots.length });
    }
    const raw = lines[i] ?? '';
    const blank = raw.trim() === '';
    const prevBlank = i === 0 || (lines[i - 1] ?? '').trim() === '';
    const header = blank ? null : parseTimestampLine(raw);
    if (header !== null) {
      const isMessageHeader = header.rest === '' || isReadReceipt(header.rest);
      if (isMessageHeader && header.indent === 0 && prevBlank) {
        finish(reply);
        finish(top);
        reply = null;
        top = open(header.ts, i + 1, 0);
        continue;
      }
      if (isMessageHeader && header.indent >= 4 && top !== null && top.author !== null) {
        finish(reply);
        reply = open(header.ts, i + 1, header.indent);
        continue;
      }
      if (!isMessageHeader && header.indent === 0 && prevBlank) {
        finish(reply);
        finish(top);
        reply = top = null;
        slots.push({ ts: header.ts, author: null, kind: 'system', text: header.rest, line: i + 1 });
        continue;
      }
    }
    if (!blank && prevBlank && raw.trim() === 'Unable to format announcement!') {
      unknownAnnouncements++;
      continue;
    }
    if (reply !== null) {
      const indent = raw.length - raw.trimStart().length;
      if (blank) reply.sawBlank = true;
      else if (indent < reply.indent && reply.sawBlank) {
        finish(reply);
        reply = null;
      }
      if (reply !== null) {
        addBodyLine(reply, raw);
        continue;
      }
    }
    if (top === null) {
      if (!blank) preamble++;
      continue;
    }
    addBodyLine(top, raw);
  }
  finish(reply);
  finish(top);

  const items = slots.filter((s): s is ParsedItem => s !== null);
  if (items.length === 0) {
    throw new ImportError(
      'not-an-export',
      fileName,
      `"${fileName}" looks like an imessage-exporter text file but holds no messages.`,
    );
  }
  const warnings: string[] = [];
  if (tapbacks > 0) warnings.push(`Dropped ${tapbacks} tapback reaction(s) (Loved, Liked, …): they are reactions, not messages.`);
  if (preamble > 0) warnings.push(`Ignored ${preamble} line(s) before the first message.`);
  if (empty > 0) warnings.push(`Skipped ${empty} message(s) with no content.`);
  if (unknownAnnouncements > 0) warnings.push(`Skipped ${unknownAnnouncements} group event(s) the exporter could not describe.`);
  options.onProgress?.({ phase: 'parse', bytesDone: text.length, bytesTotal: text.length, items: items.length });
  return {
    format: 'imessage-exporter-txt',
    locale: 'en',
    dateOrder: null,
    items,
    chatName: chatNameFromExporterFile(fileName),
    warnings,
  };
}
