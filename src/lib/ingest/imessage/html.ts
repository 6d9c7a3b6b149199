// Parser for imessage-exporter's HTML output: div.message > div.sent|div.received with
// span.timestamp, span.sender, div.message_part (span.bubble, media embeds, div.app, div.edited),
// div.reactions, div.replies, and div.announcement. Invariants: no markup ever reaches the text,
// entities are decoded, tapbacks are dropped and counted, replies come right after their parent.

import { ImportError } from '../errors';
import { stripInvisible } from '../decode-text';
import type { ParseOptions, ParseResult, ParsedItem } from '../types';
import { classifyBody } from './body';
import { scanHtml } from './html-scan';
import { isReadReceipt, parseTimestampLine } from './timestamp';
import { chatNameFromExporterFile } from './txt';

type Sink = 'ts' | 'sender' | 'subject' | 'part' | 'app' | 'td' | 'announcement' | null;

interface Part {
  text: string;
  app: string[];
  media: string[];
}

interface Builder {
  announcement: boolean;
  line: number;
  slot: number;
  ts: string;
  sender: string;
  subject: string;
  parts: Part[];
  /** Edit history rows (oldest first); the last one is the text as it stands. */
  editRows: string[];
  edited: boolean;
  announcementText: string;
  /** Inside div.sent: the exporting person, whatever the sender span says (or lacks). */
  sent: boolean;
}

interface Context {
  builder: Builder | null;
  sink: Sink;
  skip: boolean;
  inApp: boolean;
  inEdited: boolean;
  /** Set on the frame that created the builder: closing it finishes the message. */
  owns: boolean;
}

interface Frame {
  tag: string;
  ctx: Context;
}

const SKIPPED_CLASSES = [' reactions ', ' reaction ', ' tapbacks ', ' tapback ', ' expressive ', ' reply_context '];
const SKIPPED_TAGS = new Set(['script', 'style', 'head', 'title', 'template', 'noscript']);
const MEDIA_TAGS = new Set(['img', 'video', 'audio', 'source', 'embed', 'object']);

function safeDecodeUri(s: string): string {
  try {
    return decodeURI(s);
  } catch {
    return s;
  }
}

/** `cls` is the class attribute padded with spaces (` a b `), `name` a padded class (` message `). */
const hasClass = (cls: string, name: string): boolean => cls.includes(name);

function isSkippedClass(cls: string): boolean {
  for (const c of SKIPPED_CLASSES) if (cls.includes(c)) return true;
  return false;
}

function fork(parent: Context, change: Partial<Context>): Context {
  return { ...parent, owns: false, ...change };
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

function bubbleLines(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t]{2,}/g, ' ').trim());
}

export function parseImessageHtml(input: string, fileName: string, options: ParseOptions = {}): ParseResult {
  const html = stripInvisible(input);
  const slots: (ParsedItem | null)[] = [];
  const stack: Frame[] = [];
  const root: Context = { builder: null, sink: null, skip: false, inApp: false, inEdited: false, owns: false };
  let tapbacks = 0;
  let badTimestamps = 0;
  let empty = 0;
  let linePos = 0;
  let lineNo = 1;
  let opened = 0;

  const lineAt = (pos: number): number => {
    for (let i = html.indexOf('\n', linePos); i !== -1 && i < pos; i = html.indexOf('\n', i + 1)) lineNo++;
    linePos = Math.max(linePos, pos);
    return lineNo;
  };
  const top = (): Context => stack[stack.length - 1]?.ctx ?? root;
  const currentPart = (b: Builder): Part => {
    let part = b.parts[b.parts.length - 1];
    if (part === undefined) {
      part = { text: '', app: [], media: [] };
      b.parts.push(part);
    }
    return part;
  };

  const finish = (b: Builder): void => {
    const stamp = parseTimestampLine(collapse(b.ts));
    if (stamp === null || (stamp.rest !== '' && !isReadReceipt(stamp.rest))) {
      badTimestamps++;
      return;
    }
    if (b.announcement) {
      const text = collapse(b.announcementText);
      if (text === '') empty++;
      else slots[b.slot] = { ts: stamp.ts, author: null, kind: 'system', text, line: b.line };
      return;
    }
    const words: string[] = [];
    const media: string[] = [];
    if (collapse(b.subject) !== '') words.push(collapse(b.subject));
    for (const part of b.parts) {
      words.push(...bubbleLines(part.text), '');
      words.push(...part.app);
      media.push(...part.media);
    }
    if (b.edited) {
      const last = [...b.editRows].reverse().find((r) => r !== '');
      if (last !== undefined) words.push(...bubbleLines(last));
    }
    const nonBlank = words.filter((w) => w !== '');
    const classified =
      nonBlank.length === 0 && media.length > 0 ? { kind: 'media' as const, text: media.join('\n') } : classifyBody(nonBlank);
    if (classified === null) {
      empty++;
      return;
    }
    const author = collapse(b.sender).replace(/[\u00a0\u202f]/g, ' ') || (b.sent ? 'Me' : 'Unknown');
    slots[b.slot] = {
      ts: stamp.ts,
      author,
      kind: classified.kind,
      text: classified.text,
      ...(b.edited ? { edited: true } : {}),
      line: b.line,
    };
  };

  const newBuilder = (announcement: boolean, pos: number): Builder => {
    slots.push(null);
    return {
      announcement, line: lineAt(pos), slot: slots.length - 1, ts: '', sender: '', subject: '',
      parts: [], editRows: [], edited: false, announcementText: '', sent: false,
    };
  };

  scanHtml(html, {
    open(tag, attrs, pos) {
      if ((++opened & 4095) === 0) {
        options.signal?.throwIfAborted();
        options.onProgress?.({ phase: 'parse', bytesDone: pos, bytesTotal: html.length, items: slots.length });
      }
      const parent = top();
      // Contexts never change once pushed, so a child shares its parent's until it needs its own.
      let ctx = parent;
      const classAttr = attrs.get('class');
      const cls = classAttr === undefined ? '' : ` ${/[\t\n\r]| {2}/.test(classAttr) ? classAttr.replace(/\s+/g, ' ') : classAttr} `;
      const b = parent.builder;
      const isReaction = tag === 'div' && (hasClass(cls, ' reaction ') || hasClass(cls, ' tapback '));
      if (parent.skip || SKIPPED_TAGS.has(tag)) {
        if (!parent.skip) ctx = fork(parent, { skip: true });
        if (b !== null && isReaction) tapbacks++;
      } else if (tag === 'div' && (hasClass(cls, ' message ') || hasClass(cls, ' announcement '))) {
        const announcement = hasClass(cls, ' announcement ');
        ctx = fork(parent, {
          builder: newBuilder(announcement, pos),
          owns: true,
          sink: announcement ? 'announcement' : null,
          inApp: false,
          inEdited: false,
        });
      } else if (b !== null) {
        if (tag === 'div' && hasClass(cls, ' sent ') && b.parts.length === 0) b.sent = true;
        if (cls !== '' && isSkippedClass(cls)) {
          ctx = fork(parent, { skip: true });
          if (isReaction) tapbacks++;
        } else if (hasClass(cls, ' timestamp ')) {
          ctx = fork(parent, parent.inEdited || b.ts !== '' ? { skip: true } : { sink: 'ts' });
        } else if (hasClass(cls, ' sender ')) ctx = fork(parent, { sink: 'sender' });
        else if (hasClass(cls, ' subject ')) ctx = fork(parent, { sink: 'subject' });
        else if (hasClass(cls, ' message_part ')) {
          b.parts.push({ text: '', app: [], media: [] });
          ctx = fork(parent, { sink: 'part' });
        } else if (hasClass(cls, ' bubble ')) {
          currentPart(b);
          ctx = fork(parent, { sink: 'part' });
        } else if (hasClass(cls, ' app ')) {
          currentPart(b);
          ctx = fork(parent, { inApp: true, sink: 'app' });
        } else if (hasClass(cls, ' edited ')) {
          b.edited = true;
          ctx = fork(parent, { inEdited: true, sink: null });
        } else if (parent.inEdited && tag === 'tr') {
          b.editRows.push('');
        } else if (parent.inEdited && tag === 'td') {
          ctx = fork(parent, { sink: 'td' });
        } else if (tag === 'br') {
          if (parent.sink === 'part') currentPart(b).text += '\n';
        } else if (MEDIA_TAGS.has(tag) && !parent.inApp) {
          // <video controls><source src=…></video>: the path sits on whichever element has a src.
          const src = attrs.get('src') ?? attrs.get('data') ?? '';
          if (src !== '') currentPart(b).media.push(src);
          else if (tag === 'img' || tag === 'embed' || tag === 'object') currentPart(b).media.push(tag);
        } else if (tag === 'a') {
          const href = attrs.get('href') ?? '';
          if (parent.inApp && /^https?:/i.test(href)) currentPart(b).app.push(href);
          else if (/^file:/i.test(href) && !parent.inApp) {
            currentPart(b).media.push(safeDecodeUri(href.replace(/^file:\/\//i, '')));
            ctx = fork(parent, { skip: true });
          }
        }
      }
      // Void elements are pushed too: the scanner closes them right away.
      stack.push({ tag, ctx });
    },
    close(tag) {
      let index = stack.length - 1;
      while (index >= 0 && stack[index]?.tag !== tag) index--;
      if (index < 0) return;
      while (stack.length > index) {
        const frame = stack.pop();
        if (frame?.ctx.owns === true && frame.ctx.builder !== null) finish(frame.ctx.builder);
      }
    },
    text(raw) {
      const ctx = top();
      const b = ctx.builder;
      if (ctx.skip || b === null || ctx.sink === null) return;
      switch (ctx.sink) {
        case 'ts':
          b.ts += raw;
          break;
        case 'sender':
          b.sender += raw;
          break;
        case 'subject':
          b.subject += raw;
          break;
        case 'part':
          currentPart(b).text += raw;
          break;
        case 'app': {
          const line = collapse(raw);
          if (line !== '') currentPart(b).app.push(line);
          break;
        }
        case 'td':
          b.editRows[b.editRows.length - 1] = (b.editRows[b.editRows.length - 1] ?? '') + raw;
          break;
        case 'announcement':
          b.announcementText += raw;
          break;
      }
    },
  });
  // Unclosed elements at the end of a truncated file still yield their messages.
  while (stack.length > 0) {
    const frame = stack.pop();
    if (frame?.ctx.owns === true && frame.ctx.builder !== null) finish(frame.ctx.builder);
  }

  const items = slots.filter((s): s is ParsedItem => s !== null);
  if (items.length === 0) {
    throw new ImportError(
      'not-an-export',
      fileName,
      `"${fileName}" looks like an imessage-exporter page but holds no messages we could read.`,
    );
  }
  const warnings: string[] = [];
  if (tapbacks > 0) warnings.push(`Dropped ${tapbacks} tapback reaction(s) (Loved, Liked, …): they are reactions, not messages.`);
  if (badTimestamps > 0) warnings.push(`Skipped ${badTimestamps} message(s) without a readable timestamp.`);
  if (empty > 0) warnings.push(`Skipped ${empty} message(s) with no content.`);
  options.onProgress?.({ phase: 'parse', bytesDone: html.length, bytesTotal: html.length, items: items.length });
  return {
    format: 'imessage-exporter-html',
    locale: 'en',
    dateOrder: null,
    items,
    chatName: chatNameFromExporterFile(fileName),
    warnings,
  };
}
