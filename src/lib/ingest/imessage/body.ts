// Classifies the body of one iMessage message (imessage-exporter TXT or HTML) into an item kind.
// Invariants: attachment references (paths, "Attachment missing!", stickers) make a 'media' item when
// they are all the message holds and are dropped from the text of a message that also has words;
// the exporter's own annotations never reach the text.

import type { ItemKind } from '../types';

const MEDIA_EXTENSIONS =
  'jpe?g|png|gif|heic|heif|webp|tiff?|bmp|mov|mp4|m4v|3gp|avi|mkv|m4a|caf|amr|mp3|wav|aac|opus|ogg|pdf|vcf|pkpass|usdz|zip|docx?|xlsx?|pptx?|pages|numbers|key|gpx|txt|rtf|csv|json|html?';

/** Absolute, home-relative or `./`-relative paths with at least two segments. */
const ABSOLUTE_PATH = /^(?:~|\.{1,2})?\/(?:[^/\n]+\/)+[^/\n]+$/;
/** Relative paths (the exporter's `attachments/` copies) ending in a file extension. */
const RELATIVE_PATH = new RegExp(`^(?:[^\\s/][^/\\n]*/)+[^/\\n]+\\.(?:${MEDIA_EXTENSIONS})$`, 'i');

const ATTACHMENT_NOTE = new RegExp(
  [
    String.raw`^Attachment missing!$`,
    String.raw`^Attachment does not exist!$`,
    String.raw`^Unable to locate attachment:`,
    String.raw`^Unable to convert and display file:`,
    String.raw`^Unknown attachment type:`,
    String.raw`^Unable to embed .+ attachments?:`,
    String.raw`^Click to download `,
    String.raw`^(?:[A-Z][a-z]+ )?Sticker from .+?(?:: .+| not found!)$`,
    String.raw`^Handwritten messages are not yet supported!$`,
    String.raw`^Unable to format app message:`,
    String.raw`^App messages not yet implemented!$`,
  ].join('|'),
);

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export function isAttachmentLine(line: string): boolean {
  const s = line.trim();
  if (s === '') return false;
  if (s.includes('/')) {
    if (URL_SCHEME.test(s)) return /^file:\/\//i.test(s);
    if (ABSOLUTE_PATH.test(s) || RELATIVE_PATH.test(s)) return true;
  }
  return ATTACHMENT_NOTE.test(s);
}

const EFFECTS =
  'Confetti|Echo|Fireworks|Balloons|Heart|Lasers|Shooting Start?|Sparkles|Spotlight|Celebration|Love|Happy Birthday|Slam|Loud|Gentle|Invisible Ink';

const EXPRESSIVE = new RegExp(`^Sent with (?:${EFFECTS})$`);
const EFFECT_ID = /^com\.apple\.(?:messages\.effect|MobileSMS\.expressivesend)\.\w+$/;

/** `Sent with Fireworks` and unknown effect ids (`com.apple.messages.effect.CKHappyBirthdayEffect`). */
export function isExpressiveLine(line: string): boolean {
  const s = line.trim();
  return (s.startsWith('Sent with ') && EXPRESSIVE.test(s)) || (s.startsWith('com.apple.') && EFFECT_ID.test(s));
}

export const REPLY_NOTE = 'This message responded to an earlier message.';
export const DELETED_NOTE = 'This message was deleted from the conversation!';

const UNSENT = [/^(?:You|They|.+) deleted a message\.$/, /unsent this message part/, /unsent a message!?$/];

export interface ClassifiedBody {
  kind: ItemKind;
  text: string;
}

/** Kind and text of a message from its content lines (annotations and tapbacks already removed). */
export function classifyBody(lines: readonly string[]): ClassifiedBody | null {
  const content = trimBlankEdges(lines);
  if (content.length === 0) return null;
  const first = content[0]?.trim() ?? '';
  const joined = content.join('\n');
  if (first === DELETED_NOTE) return { kind: 'deleted', text: joined };
  const nonBlank = content.filter((l) => l.trim() !== '');
  if (nonBlank.length === 1 && UNSENT.some((re) => re.test(first))) return { kind: 'deleted', text: joined };
  if (first === 'SharePlay Message') return { kind: 'call', text: joined };
  if (nonBlank.length === 1 && /^(?:Started|Stopped) sharing location!$/.test(first)) {
    return { kind: 'location', text: joined };
  }
  const words = content.filter((l) => !isAttachmentLine(l));
  if (words.every((l) => l.trim() === '')) return { kind: 'media', text: nonBlank.join('\n') };
  return { kind: 'message', text: trimBlankEdges(words).join('\n') };
}

export function trimBlankEdges(lines: readonly string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && (lines[start] ?? '').trim() === '') start++;
  while (end > start && (lines[end - 1] ?? '').trim() === '') end--;
  return lines.slice(start, end).map((l) => l.trimEnd());
}
