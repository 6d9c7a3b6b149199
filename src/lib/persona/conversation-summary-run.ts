// Running conversation summaries with whatever engine generates text (passed in, so this stays pure
// and testable): prompt -> generate -> clean, one segment at a time. Invariants: an abort is a result
// (null / stopped), never an error; an empty or unreadable output gives null (nothing is stored); a
// failed generation is an error result and ends the run; each summary is stored before the next starts.

import type { ChatMessage, GenerateOptions, Generation } from '../llm/types';
import type { Result } from '../rpc/progress';
import {
  cleanSummary,
  MAX_LINE_CHARS,
  summaryPrompt,
  SUMMARY_MAX_TOKENS,
  type ConversationSummary,
  type SummaryMessage,
  type SummaryRunOutcome,
} from './conversation-summary';

export interface SummarizeDeps {
  generate(messages: readonly ChatMessage[], options: GenerateOptions): Promise<Result<Generation>>;
  modelId: string;
  /** With both, the messages are clipped shorter until the request and the summary fit the window. */
  contextWindow?: number;
  countTokens?: (texts: string[]) => Promise<number[]>;
  now?: () => number;
}

/** Chat-template tokens per message and a margin, as in the reply prompt. */
const PER_MESSAGE = 4;
const MARGIN = 16;

async function fittingPrompt(
  deps: SummarizeDeps,
  segment: readonly SummaryMessage[],
  names: { persona: string; user: string | null },
  previous: string | undefined,
): Promise<ChatMessage[] | null> {
  const { contextWindow, countTokens } = deps;
  for (let lineChars = MAX_LINE_CHARS; lineChars >= 25; lineChars = Math.floor(lineChars / 2)) {
    const messages = summaryPrompt(segment, names, previous, lineChars);
    if (contextWindow === undefined || countTokens === undefined) return messages;
    const counts = await countTokens(messages.map((m) => m.content));
    const total = counts.reduce((sum, n) => sum + n + PER_MESSAGE, MARGIN);
    if (total + SUMMARY_MAX_TOKENS <= contextWindow) return messages;
  }
  return null;
}

export async function summarizeSegment(
  deps: SummarizeDeps,
  segment: readonly SummaryMessage[],
  names: { persona: string; user: string | null },
  options: { previous?: string; signal?: AbortSignal } = {},
): Promise<Result<ConversationSummary | null>> {
  const first = segment[0];
  const last = segment[segment.length - 1];
  // A function, not a narrowed property: the signal changes while generate() runs.
  const aborted = (): boolean => options.signal?.aborted === true;
  if (first === undefined || last === undefined || aborted()) return { ok: true, value: null };
  const prompt = await fittingPrompt(deps, segment, names, options.previous);
  // A window too small for even a clipped request: no summary rather than a failed generation.
  if (prompt === null || aborted()) return { ok: true, value: null };
  const result = await deps.generate(prompt, {
    // Low temperature: a summary should say what was there, not invent.
    temperature: 0.2,
    max_tokens: SUMMARY_MAX_TOKENS,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (!result.ok) return result;
  if (result.value.finishReason === 'abort' || aborted()) return { ok: true, value: null };
  const text = cleanSummary(result.value.text);
  if (text === '') return { ok: true, value: null };
  return {
    ok: true,
    value: { fromSeq: first.seq, toSeq: last.seq, text, edited: false, createdAt: (deps.now ?? Date.now)(), modelId: deps.modelId },
  };
}

export interface SummaryRunIo {
  /** The summaries of messages before `seq` (what leads into the segment), read again before each one. */
  previous(seq: number): Promise<string>;
  /** Stores one summary; false when it was refused (its range got covered meanwhile). */
  store(summary: ConversationSummary): Promise<boolean>;
  /** Called before each segment (done of total) and once at the end. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Summarises `segments` one after another (a segment without a usable summary is skipped, not retried). */
export async function summarizeSegments(
  deps: SummarizeDeps,
  segments: readonly (readonly SummaryMessage[])[],
  names: { persona: string; user: string | null },
  io: SummaryRunIo,
): Promise<Result<SummaryRunOutcome>> {
  const outcome: SummaryRunOutcome = { planned: segments.length, stored: 0, stopped: false };
  for (const [i, segment] of segments.entries()) {
    if (io.signal?.aborted === true) break;
    io.onProgress?.(i, segments.length);
    const result = await summarizeSegment(deps, segment, names, {
      previous: await io.previous(segment[0]?.seq ?? 0),
      ...(io.signal === undefined ? {} : { signal: io.signal }),
    });
    if (!result.ok) return result;
    if (result.value !== null && (await io.store(result.value))) outcome.stored++;
  }
  outcome.stopped = io.signal?.aborted === true;
  io.onProgress?.(segments.length, segments.length);
  return { ok: true, value: outcome };
}
