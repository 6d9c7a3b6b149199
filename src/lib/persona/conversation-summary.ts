// Conversation summaries (pure): which old messages of a long chat get summarised, the prompt that asks
// the loaded model for a summary, cleaning what it wrote, and the text the reply prompt gets.
// Invariants: segments follow each other without gaps or overlaps, oldest first, and only cover
// messages the reply prompt had to drop (or that "Summarise now" chose); a summary the user edited is
// never replaced; an empty summary is never produced.

import type { ChatMessage } from '../llm/types';

export interface ConversationSummary {
  /** The chat messages (by `seq`, inclusive) the summary stands for. */
  fromSeq: number;
  toSeq: number;
  text: string;
  /** Set once the user changed the text: nothing overwrites it. */
  edited: boolean;
  createdAt: number;
  modelId: string;
}

export interface SummaryMessage {
  seq: number;
  role: 'user' | 'assistant';
  text: string;
}

/** Messages per segment: a few exchanges, so one summary covers a moment of the chat, not a single line. */
export const SEGMENT_MESSAGES = 6;
/** "Summarise now" leaves the newest messages as they are: they are what the next reply answers. */
export const KEEP_NEWEST = 2;
/** A summary is a few sentences; the model is asked for fewer words than this allows. */
export const MAX_SUMMARY_CHARS = 480;
/** Characters of one message shown to the summariser (a pasted essay must not fill its window). */
export const MAX_LINE_CHARS = 400;
/** What the reply prompt gets at most: the newest summaries first, older ones drop off. */
export const MAX_PROMPT_SUMMARY_CHARS = 1500;
export const SUMMARY_MAX_TOKENS = 120;

/** The last message already summarised (-1 when none is). */
export function summarizedUpTo(summaries: readonly ConversationSummary[] | undefined): number {
  let last = -1;
  for (const s of summaries ?? []) last = Math.max(last, s.toSeq);
  return last;
}

/**
 * The next segment to summarise after a reply whose prompt dropped `dropped` (the oldest messages of
 * the history it was given, which already left out summarised ones): the first SEGMENT_MESSAGES
 * of them once that many are waiting, else null (a few lost lines wait for company).
 */
export function nextSegment(
  dropped: readonly SummaryMessage[],
  summaries: readonly ConversationSummary[] | undefined,
  size = SEGMENT_MESSAGES,
): SummaryMessage[] | null {
  const after = summarizedUpTo(summaries);
  const waiting = dropped.filter((m) => m.seq > after).sort((a, b) => a.seq - b.seq);
  return waiting.length >= size ? waiting.slice(0, size) : null;
}

/** "Summarise now": everything not yet summarised but the newest KEEP_NEWEST messages, or null if nothing. */
export function segmentNow(
  messages: readonly SummaryMessage[],
  summaries: readonly ConversationSummary[] | undefined,
  keep = KEEP_NEWEST,
): SummaryMessage[] | null {
  const after = summarizedUpTo(summaries);
  const sorted = [...messages].sort((a, b) => a.seq - b.seq);
  const waiting = sorted.slice(0, Math.max(0, sorted.length - keep)).filter((m) => m.seq > after && m.text.trim() !== '');
  return waiting.length === 0 ? null : waiting;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  let cut = flat.lastIndexOf(' ', max);
  if (cut < max * 0.6) cut = max;
  if (/[\ud800-\udbff]/.test(flat[cut - 1] ?? '')) cut--;
  return `${flat.slice(0, cut)}…`;
}

/** The request to the loaded model: a short third-person summary of one segment, as plain text. */
export function summaryPrompt(
  segment: readonly SummaryMessage[],
  names: { persona: string; user: string | null },
  previous?: string,
  lineChars = MAX_LINE_CHARS,
): ChatMessage[] {
  const user = names.user ?? 'The user';
  const transcript = segment.map((m) => `${m.role === 'user' ? user : names.persona}: ${clip(m.text, lineChars)}`).join('\n');
  const before = previous !== undefined && previous.trim() !== '' ? `What happened before: ${clip(previous, lineChars * 1.5)}\n\n` : '';
  return [
    {
      role: 'system',
      content:
        `You summarise a part of a text chat between ${user} and ${names.persona}. Write two or three short ` +
        `sentences in the third person: what was said, asked, decided or promised, with names, dates and places. ` +
        `Plain text only: no lists, no headings, no quotes, no preamble.`,
    },
    { role: 'user', content: `${before}Chat:\n${transcript}\n\nSummary:` },
  ];
}

/**
 * What the model wrote -> a stored summary: hidden reasoning, markdown marks and a "Summary:" preamble
 * removed, whitespace collapsed, cut at a sentence (else a word) within MAX_SUMMARY_CHARS. May be ''.
 */
export function cleanSummary(raw: string, max = MAX_SUMMARY_CHARS): string {
  let text = raw
    .replace(/<think>[\s\S]*?(<\/think>|$)/gi, ' ')
    .replace(/<\|[^|>]*\|>/g, ' ')
    .replace(/^\s*(#{1,6}\s+|[-*•]\s+|\d+[.)]\s+|>\s*)/gm, '')
    .replace(/[*_`]{1,3}/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  text = text.replace(/^(here is |here's )?(a |the )?summary( of [^:]{0,60})?\s*[:-]\s*/i, '').trim();
  text = text.replace(/^["“]+|["”]+$/g, '').trim();
  // Nothing readable: only punctuation or symbols.
  if (!/[\p{L}\p{N}]/u.test(text)) return '';
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const sentence = Math.max(head.lastIndexOf('. '), head.lastIndexOf('! '), head.lastIndexOf('? '));
  if (sentence >= max * 0.5) return head.slice(0, sentence + 1);
  return clip(text, max);
}

/** Adds a new summary in order; refused (unchanged list) when it overlaps one already there. */
export function withSummary(summaries: readonly ConversationSummary[] | undefined, added: ConversationSummary): ConversationSummary[] {
  const list = [...(summaries ?? [])];
  if (added.text.trim() === '' || added.toSeq < added.fromSeq) return list;
  if (list.some((s) => s.fromSeq <= added.toSeq && added.fromSeq <= s.toSeq)) return list;
  return [...list, added].sort((a, b) => a.fromSeq - b.fromSeq);
}

/** The user's edit of one summary (marked edited); an empty text removes that summary. */
export function withEditedSummary(summaries: readonly ConversationSummary[] | undefined, fromSeq: number, text: string): ConversationSummary[] {
  const clean = text.trim();
  const list = summaries ?? [];
  if (clean === '') return list.filter((s) => s.fromSeq !== fromSeq);
  return list.map((s) => (s.fromSeq === fromSeq ? { ...s, text: clean, edited: true } : s));
}

/** The "Earlier in this chat" text for the reply prompt: oldest first, the newest kept when too long. */
export function promptSummary(summaries: readonly ConversationSummary[] | undefined, max = MAX_PROMPT_SUMMARY_CHARS): string {
  const sorted = [...(summaries ?? [])].filter((s) => s.text.trim() !== '').sort((a, b) => a.fromSeq - b.fromSeq);
  const kept: string[] = [];
  let length = 0;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const text = sorted[i]?.text.trim() ?? '';
    if (kept.length > 0 && length + text.length + 1 > max) break;
    kept.unshift(text);
    length += text.length + 1;
  }
  return kept.join('\n');
}
