// Conversation summaries, review fixes: a removed summary gives its messages back (history and
// segmenting fill the gap), the prompt's summary text always fits its cap by dropping the oldest,
// edits are capped, "Summarise now" works a segment at a time and says when nothing was stored,
// the summariser sees the newest part of earlier summaries, and cleaning keeps years and snake_case.
import { describe, expect, it } from 'vitest';
import type { ChatMessage, GenerateOptions, Generation } from '../../src/lib/llm/types';
import {
  MAX_EDITED_SUMMARY_CHARS,
  MAX_PROMPT_SUMMARY_CHARS,
  SEGMENT_MESSAGES,
  cleanSummary,
  isSummarized,
  nextSegments,
  previousSummary,
  promptSummary,
  segmentsNow,
  summaryNotice,
  summaryPrompt,
  withEditedSummary,
  withSummary,
  type ConversationSummary,
  type SummaryMessage,
} from '../../src/lib/persona/conversation-summary';
import { messages, summary } from '../fixtures/persona/summaries';
import { summarizeSegments } from '../../src/lib/persona/conversation-summary-run';
import type { Result } from '../../src/lib/rpc/progress';

const seqs = (segments: SummaryMessage[][]): number[][] => segments.map((s) => s.map((m) => m.seq));

describe('a removed summary gives its messages back', () => {
  const removed = withEditedSummary([summary(0, 5), summary(6, 11)], 0, '   ');

  it('marks only the messages a summary still covers', () => {
    expect(removed.map((s) => s.fromSeq)).toEqual([6]);
    const covered = messages(14).filter((m) => isSummarized(m.seq, removed)).map((m) => m.seq);
    expect(covered).toEqual([6, 7, 8, 9, 10, 11]);
  });

  it('segments the gap again, after a reply and on demand, without overlapping the summary after it', () => {
    // History = the uncovered messages; the prompt dropped its oldest ones: the gap 0-5 and 12-13.
    const dropped = messages(14).filter((m) => !isSummarized(m.seq, removed));
    expect(nextSegments(dropped, removed)[0]?.map((m) => m.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seqs(nextSegments(dropped, removed))).toEqual([[0, 1, 2, 3, 4, 5]]);
    expect(segmentsNow(messages(16), removed)[0]?.map((m) => m.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seqs(segmentsNow(messages(16), removed))).toEqual([
      [0, 1, 2, 3, 4, 5],
      [12, 13],
    ]);
    // Every planned segment is accepted by the store (no overlap), so none of them is generated in vain.
    for (const segment of segmentsNow(messages(16), removed)) {
      const added = withSummary(removed, summary(segment[0]?.seq ?? 0, segment.at(-1)?.seq ?? 0));
      expect(added).toHaveLength(removed.length + 1);
    }
  });

  it('takes a short gap between summaries whole, but lets a short open tail wait', () => {
    const list = [summary(0, 2), summary(6, 11)];
    expect(nextSegments(messages(6), list)[0]?.map((m) => m.seq)).toEqual([3, 4, 5]);
    expect(nextSegments(messages(5, 12), list)).toEqual([]);
    expect(seqs(nextSegments(messages(20), list))).toEqual([
      [3, 4, 5],
      [12, 13, 14, 15, 16, 17],
    ]);
  });

  it('tells the summariser only what came before the gap', () => {
    const list = [summary(0, 5, 'First part.'), summary(12, 17, 'Third part.')];
    expect(previousSummary(list, 6)).toBe('First part.');
    expect(previousSummary(list, 0)).toBe('');
  });
});

describe('the prompt summary always fits its cap', () => {
  it('drops only the oldest summaries when the newest is long', () => {
    const list = [summary(0, 5, 'old one.'), summary(6, 11, 'x'.repeat(MAX_PROMPT_SUMMARY_CHARS - 20)), summary(12, 17, 'newest words.')];
    const text = promptSummary(list);
    expect(text.length).toBeLessThanOrEqual(MAX_PROMPT_SUMMARY_CHARS);
    expect(text.endsWith('newest words.')).toBe(true);
    expect(text).not.toContain('old one.');
    expect(text).toContain('xxx');
  });

  it('cuts a single summary longer than the cap instead of giving nothing', () => {
    const text = promptSummary([summary(0, 5, 'old. '.repeat(10)), summary(6, 11, `${'word '.repeat(400)}the end.`)]);
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThanOrEqual(MAX_PROMPT_SUMMARY_CHARS);
    expect(text.endsWith('the end.')).toBe(true);
  });

  it('caps a user edit', () => {
    const edited = withEditedSummary([summary(0, 5)], 0, 'a'.repeat(MAX_EDITED_SUMMARY_CHARS * 3));
    expect(edited[0]?.text.length).toBe(MAX_EDITED_SUMMARY_CHARS);
    expect(edited[0]?.edited).toBe(true);
    expect(MAX_EDITED_SUMMARY_CHARS).toBeLessThan(MAX_PROMPT_SUMMARY_CHARS);
  });
});

describe('"Summarise now" on a long chat', () => {
  const done = (text: string): Result<Generation> => ({
    ok: true,
    value: { text, finishReason: 'stop', promptTokens: 10, completionTokens: 5, timeToFirstTokenMs: 1, tokensPerSecond: 1, totalMs: 1 },
  });
  const countTokens = (texts: string[]): Promise<number[]> => Promise.resolve(texts.map((t) => Math.ceil(t.length / 4)));
  const names = { persona: 'Ana', user: 'Bo' };
  const long = Array.from({ length: 398 }, (_, i) => ({ seq: i, role: i % 2 === 0 ? 'user' : 'assistant', text: `line ${i} `.repeat(20) }) as SummaryMessage);

  it('plans segments of at most SEGMENT_MESSAGES covering all but the newest two', () => {
    const segments = segmentsNow(long, []);
    expect(segments.every((s) => s.length <= SEGMENT_MESSAGES && s.length > 0)).toBe(true);
    expect(segments.flat().map((m) => m.seq)).toEqual(Array.from({ length: 396 }, (_, i) => i));
  });

  it('summarises each segment within a 2048 window, storing each and reporting progress', async () => {
    const segments = segmentsNow(long, []).slice(0, 4);
    let stored: ConversationSummary[] = [];
    const progress: string[] = [];
    const prompts: number[] = [];
    const result = await summarizeSegments(
      {
        generate: (m: readonly ChatMessage[], _o: GenerateOptions) => {
          prompts.push(m.reduce((n, x) => n + Math.ceil(x.content.length / 4), 0));
          return Promise.resolve(done(`Part ${prompts.length} was about lines.`));
        },
        modelId: 'tiny',
        contextWindow: 2048,
        countTokens,
      },
      segments,
      names,
      {
        previous: (seq) => Promise.resolve(previousSummary(stored, seq)),
        store: (s) => {
          stored = withSummary(stored, s);
          return Promise.resolve(true);
        },
        onProgress: (d, t) => progress.push(`${d}/${t}`),
      },
    );
    expect(result).toEqual({ ok: true, value: { planned: 4, stored: 4, stopped: false } });
    expect(stored.map((s) => [s.fromSeq, s.toSeq])).toEqual([
      [0, 5],
      [6, 11],
      [12, 17],
      [18, 23],
    ]);
    expect(progress).toEqual(['0/4', '1/4', '2/4', '3/4', '4/4']);
    expect(Math.max(...prompts) + 120).toBeLessThanOrEqual(2048);
  });

  it('says why when nothing (or not everything) could be stored, and stops on an abort', async () => {
    const segments = segmentsNow(messages(20), []);
    const nothing = await summarizeSegments({ generate: () => Promise.resolve(done(' ** ')), modelId: 'm' }, segments, names, {
      previous: () => Promise.resolve(''),
      store: () => Promise.resolve(true),
    });
    expect(nothing).toEqual({ ok: true, value: { planned: 3, stored: 0, stopped: false } });
    expect(summaryNotice(nothing.ok ? nothing.value : { planned: 0, stored: 0, stopped: false })).toMatch(/No summary was stored/);
    expect(summaryNotice({ planned: 0, stored: 0, stopped: false })).toMatch(/Nothing to summarise/);
    expect(summaryNotice({ planned: 3, stored: 1, stopped: false })).toMatch(/1 of 3/);
    expect(summaryNotice({ planned: 3, stored: 3, stopped: false })).toBeNull();
    expect(summaryNotice({ planned: 3, stored: 0, stopped: true })).toBeNull();

    const abort = new AbortController();
    let calls = 0;
    const stopped = await summarizeSegments(
      {
        generate: () => {
          calls++;
          abort.abort();
          return Promise.resolve(done('x'));
        },
        modelId: 'm',
      },
      segments,
      names,
      { previous: () => Promise.resolve(''), store: () => Promise.resolve(true), signal: abort.signal },
    );
    expect(stopped).toEqual({ ok: true, value: { planned: 3, stored: 0, stopped: true } });
    expect(calls).toBe(1);

    const failed = await summarizeSegments(
      { generate: () => Promise.resolve({ ok: false, error: { name: 'AppError', code: 'generate-failed', message: 'boom' } }), modelId: 'm' },
      segments,
      names,
      { previous: () => Promise.resolve(''), store: () => Promise.resolve(true) },
    );
    expect(failed).toMatchObject({ ok: false, error: { code: 'generate-failed' } });
  });
});

describe('what the summariser sees and keeps', () => {
  it('shows the newest part of long earlier summaries', () => {
    const previous = `Oldest thing happened. ${'middle words '.repeat(100)}Newest thing happened.`;
    const prompt = summaryPrompt(messages(2), { persona: 'Ana', user: 'Bo' }, previous, 100);
    const user = prompt[1]?.content ?? '';
    expect(user).toContain('Newest thing happened.');
    expect(user).not.toContain('Oldest thing');
  });

  it('keeps years and underscores inside words, and still strips list marks and emphasis', () => {
    expect(cleanSummary('2024. Anna moved.')).toBe('2024. Anna moved.');
    expect(cleanSummary('Bo is user_name on the forum.')).toBe('Bo is user_name on the forum.');
    expect(cleanSummary('1. _Ana_ asked.\n2) __Bo__ said **yes**.')).toBe('Ana asked. Bo said yes.');
  });
});
