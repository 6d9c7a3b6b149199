// Conversation summaries (pure): which old messages of a long chat get summarised, the prompt that asks
// the loaded model for a summary, cleaning what it wrote, and the text the reply prompt gets.
// Invariants: a message is either covered by exactly one summary or sent as itself (removing a summary
// gives its messages back, and segmenting fills such gaps); segments never span a summary and hold at
// most SEGMENT_MESSAGES; a summary the user edited is never replaced; an empty summary is never produced.

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
/** The user's own text for a summary: a little more room than the model gets, well within the prompt's share. */
export const MAX_EDITED_SUMMARY_CHARS = 600;

/** Whether a summary stands for message `seq` (then the prompt gets the summary, not the message). */
export function isSummarized(seq: number, summaries: readonly ConversationSummary[] | undefined): boolean {
  return (summaries ?? []).some((s) => s.fromSeq <= seq && seq <= s.toSeq);
}

/**
 * The messages no summary covers, oldest first, in runs: a run ends where a summary lies between two
 * messages, so a segment taken from one run never overlaps a summary. `closed` = a summary follows
 * the run, so it cannot grow any more (a gap left by a removed summary).
 */
function uncoveredRuns(
  messages: readonly SummaryMessage[],
  summaries: readonly ConversationSummary[] | undefined,
): { messages: SummaryMessage[]; closed: boolean }[] {
  const list = summaries ?? [];
  const waiting = messages.filter((m) => m.text.trim() !== '' && !isSummarized(m.seq, list)).sort((a, b) => a.seq - b.seq);
  const runs: { messages: SummaryMessage[]; closed: boolean }[] = [];
  let run: SummaryMessage[] = [];
  for (const m of waiting) {
    const prev = run[run.length - 1];
    if (prev !== undefined && list.some((s) => s.fromSeq > prev.seq && s.fromSeq < m.seq)) {
      runs.push({ messages: run, closed: true });
      run = [];
    }
    run.push(m);
  }
  const last = run[run.length - 1];
  if (last !== undefined) runs.push({ messages: run, closed: list.some((s) => s.fromSeq > last.seq) });
  return runs;
}

/** Runs cut into segments of at most `size`; the short tail of an open run waits unless `takeTail`. */
function planSegments(runs: { messages: SummaryMessage[]; closed: boolean }[], size: number, takeTail: boolean): SummaryMessage[][] {
  const segments: SummaryMessage[][] = [];
  for (const run of runs) {
    for (let i = 0; i < run.messages.length; i += size) {
      const piece = run.messages.slice(i, i + size);
      if (piece.length === size || run.closed || takeTail) segments.push(piece);
    }
  }
  return segments;
}

/**
 * The segments to summarise after a reply whose prompt dropped `dropped` (the oldest messages of the
 * history it was given, which already left out summarised ones): full segments of SEGMENT_MESSAGES,
 * oldest first; a gap between summaries is taken whatever its size, other short tails wait for company.
 */
export function nextSegments(
  dropped: readonly SummaryMessage[],
  summaries: readonly ConversationSummary[] | undefined,
  size = SEGMENT_MESSAGES,
): SummaryMessage[][] {
  return planSegments(uncoveredRuns(dropped, summaries), Math.max(1, size), false);
}

/**
 * "Summarise now": everything no summary covers but the newest KEEP_NEWEST messages, in segments of at
 * most SEGMENT_MESSAGES (one request each, so a long chat never overflows the model's window).
 */
export function segmentsNow(
  messages: readonly SummaryMessage[],
  summaries: readonly ConversationSummary[] | undefined,
  keep = KEEP_NEWEST,
  size = SEGMENT_MESSAGES,
): SummaryMessage[][] {
  const sorted = [...messages].filter((m) => m.text.trim() !== '').sort((a, b) => a.seq - b.seq);
  const older = sorted.slice(0, Math.max(0, sorted.length - keep));
  return planSegments(uncoveredRuns(older, summaries), Math.max(1, size), true);
}

/** How a run of summaries ended, for the notice after "Summarise now". */
export interface SummaryRunOutcome {
  planned: number;
  stored: number;
  stopped: boolean;
}

/** What to tell the user after "Summarise now" (null when everything planned was stored or it was stopped). */
export function summaryNotice(outcome: SummaryRunOutcome): string | null {
  if (outcome.stopped) return null;
  if (outcome.planned === 0) return 'Nothing to summarise: every older message is summarised already (the newest two stay as they are).';
  if (outcome.stored === 0) {
    return 'No summary was stored: the model wrote nothing usable or its window is too small for the request. The messages stay in the chat as they are.';
  }
  if (outcome.stored < outcome.planned) {
    return `Summarised ${outcome.stored} of ${outcome.planned} parts; the model wrote nothing usable for the rest, so those messages stay as they are.`;
  }
  return null;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  let cut = flat.lastIndexOf(' ', max);
  if (cut < max * 0.6) cut = max;
  if (/[\ud800-\udbff]/.test(flat[cut - 1] ?? '')) cut--;
  return `${flat.slice(0, cut)}…`;
}

/** Like clip, but keeps the END (the newest part of the earlier summaries is what leads into a segment). */
function clipTail(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  let start = flat.indexOf(' ', flat.length - max);
  if (start < 0 || start > flat.length - max * 0.6) start = flat.length - max;
  if (/[\udc00-\udfff]/.test(flat[start] ?? '')) start++;
  return `…${flat.slice(start).trim()}`;
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
  const before = previous !== undefined && previous.trim() !== '' ? `What happened before: ${clipTail(previous, lineChars * 1.5)}\n\n` : '';
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
    // Leading list marks only: "1." or "2)" is a list number, "2024." is a year and stays.
    .replace(/^\s*(#{1,6}\s+|[-*•]\s+|\d{1,2}[.)]\s+|>\s*)/gm, '')
    // Emphasis marks; an underscore inside a word ("user_name") is part of it.
    .replace(/[*`]{1,3}/g, '')
    .replace(/(?<![\p{L}\p{N}])_{1,3}|_{1,3}(?![\p{L}\p{N}])/gu, '')
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

/** The user's edit of one summary (marked edited, cut to MAX_EDITED_SUMMARY_CHARS); an empty text removes it. */
export function withEditedSummary(summaries: readonly ConversationSummary[] | undefined, fromSeq: number, text: string): ConversationSummary[] {
  let clean = text.trim();
  if (clean.length > MAX_EDITED_SUMMARY_CHARS) {
    let cut = MAX_EDITED_SUMMARY_CHARS;
    if (/[\ud800-\udbff]/.test(clean[cut - 1] ?? '')) cut--;
    clean = clean.slice(0, cut).trimEnd();
  }
  const list = summaries ?? [];
  if (clean === '') return list.filter((s) => s.fromSeq !== fromSeq);
  return list.map((s) => (s.fromSeq === fromSeq ? { ...s, text: clean, edited: true } : s));
}

/**
 * The "Earlier in this chat" text for the reply prompt, oldest first, at most `max` characters: the
 * oldest summaries drop off until the rest fits (never all of them: a newest one longer than the cap,
 * stored before edits were capped, is cut to it).
 */
export function promptSummary(summaries: readonly ConversationSummary[] | undefined, max = MAX_PROMPT_SUMMARY_CHARS): string {
  const texts = [...(summaries ?? [])]
    .sort((a, b) => a.fromSeq - b.fromSeq)
    .map((s) => s.text.trim())
    .filter((t) => t !== '');
  const newest = texts[texts.length - 1];
  if (newest === undefined) return '';
  if (newest.length > max) return clipTail(newest, Math.max(1, max - 1));
  const kept = [newest];
  let length = newest.length;
  for (let i = texts.length - 2; i >= 0; i--) {
    const text = texts[i] ?? '';
    if (length + 1 + text.length > max) break;
    kept.unshift(text);
    length += 1 + text.length;
  }
  return kept.join('\n');
}

/** What led into a segment starting at `seq`: the summaries of earlier messages only (a gap may be refilled). */
export function previousSummary(summaries: readonly ConversationSummary[] | undefined, seq: number): string {
  return promptSummary((summaries ?? []).filter((s) => s.toSeq < seq));
}
