// Conversation summaries: which messages get summarised when (full segments of what the prompt dropped,
// or all but the newest on demand), cleaning the model's text (never empty, capped), storing without
// overlaps and never over an edited one, the prompt's "Earlier in this chat" and knowledge sections
// within the budget, and one summary run against a fake engine (abort and failure are results).
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { GenerateOptions, Generation } from '../../src/lib/llm/types';
import {
  MAX_SUMMARY_CHARS,
  SEGMENT_MESSAGES,
  cleanSummary,
  promptSummary,
  isSummarized,
  nextSegments,
  segmentsNow,
  withEditedSummary,
  withSummary,
  type SummaryMessage,
} from '../../src/lib/persona/conversation-summary';
import { messages, summary } from '../fixtures/persona/summaries';
import { summarizeSegment } from '../../src/lib/persona/conversation-summary-run';
import { assemblePrompt, type PromptInput } from '../../src/lib/persona/prompt';
import type { Result } from '../../src/lib/rpc/progress';
import { addConversationSummary, createConversation, editConversationSummary, getConversation } from '../../src/lib/store/conversations';
import { PersonaDb } from '../../src/lib/store/db';
import { personaRow } from '../fixtures/store/persona-row';

describe('segments', () => {
  it('waits for a full segment of dropped messages, then takes the oldest ones after the last summary', () => {
    expect(nextSegments(messages(SEGMENT_MESSAGES - 1), [])).toEqual([]);
    expect(nextSegments(messages(SEGMENT_MESSAGES), undefined)[0]?.map((m) => m.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    const done = [summary(0, 5)];
    expect([5, 6].map((seq) => isSummarized(seq, done))).toEqual([true, false]);
    expect(nextSegments(messages(14), done)[0]?.map((m) => m.seq)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(nextSegments(messages(11), done)).toEqual([]);
  });

  it('"Summarise now" takes everything not yet summarised but the newest two messages', () => {
    expect(segmentsNow(messages(2), [])).toEqual([]);
    expect(segmentsNow(messages(5), [])[0]?.map((m) => m.seq)).toEqual([0, 1, 2]);
    expect(segmentsNow(messages(9), [summary(0, 3)])[0]?.map((m) => m.seq)).toEqual([4, 5, 6]);
    expect(segmentsNow(messages(6), [summary(0, 3)])).toEqual([]);
  });
});

describe('cleaning', () => {
  it('strips reasoning, markdown and a preamble, and collapses whitespace', () => {
    expect(cleanSummary('<think>hmm</think>\n## Summary: \n- **Ana** asked about   Sunday.\n- Bo said yes.')).toBe('Ana asked about Sunday. Bo said yes.');
    expect(cleanSummary('Here is a summary of the chat: they met in Rome.')).toBe('they met in Rome.');
  });

  it('is empty for nothing readable, and capped at a sentence or word', () => {
    expect(cleanSummary('')).toBe('');
    expect(cleanSummary(' ... !! ** ')).toBe('');
    const long = 'Ana told Bo about the trip to Lisbon and the tram. '.repeat(30);
    const clean = cleanSummary(long);
    expect(clean.length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS + 1);
    expect(clean.endsWith('.')).toBe(true);
    const words = cleanSummary('word '.repeat(200));
    expect(words.length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS + 1);
    expect(words.endsWith('word…')).toBe(true);
  });
});

describe('storing summaries', () => {
  it('adds in order, refuses overlaps (an edited one is never replaced), edits mark and empty removes', () => {
    let list = withSummary([], summary(6, 11));
    list = withSummary(list, summary(0, 5));
    expect(list.map((s) => s.fromSeq)).toEqual([0, 6]);
    expect(withSummary(list, summary(4, 8))).toEqual(list);
    expect(withSummary(list, summary(12, 13, '  '))).toEqual(list);
    list = withEditedSummary(list, 0, ' My own words. ');
    expect(list[0]).toMatchObject({ text: 'My own words.', edited: true });
    expect(withSummary(list, summary(0, 5, 'model text'))[0]?.text).toBe('My own words.');
    expect(withEditedSummary(list, 6, '').map((s) => s.fromSeq)).toEqual([0]);
  });

  it('keeps the newest summaries when all of them are too long for the prompt', () => {
    const list = [summary(0, 5, 'a'.repeat(100)), summary(6, 11, 'b'.repeat(100)), summary(12, 17, 'c'.repeat(100))];
    expect(promptSummary(list)).toBe(['a', 'b', 'c'].map((c) => c.repeat(100)).join('\n'));
    expect(promptSummary(list, 210)).toBe(`${'b'.repeat(100)}\n${'c'.repeat(100)}`);
    expect(promptSummary(undefined)).toBe('');
  });

  it('stores on the conversation without moving it in the list, and keeps an edit across a later add', async () => {
    const db = new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
    await db.personas.put(personaRow('p1', { personName: 'Ana', selfName: 'Bo' }));
    const chat = await createConversation(db, 'p1', 'Chat', 100);
    expect(await addConversationSummary(db, chat.id, summary(0, 5))).toBe(true);
    await editConversationSummary(db, chat.id, 0, 'Edited.');
    expect(await addConversationSummary(db, chat.id, summary(0, 5, 'again'))).toBe(false);
    expect(await addConversationSummary(db, chat.id, summary(6, 11))).toBe(true);
    const row = await getConversation(db, chat.id);
    expect(row?.summaries?.map((s) => [s.fromSeq, s.text, s.edited])).toEqual([
      [0, 'Edited.', true],
      [6, 'about 6-11', false],
    ]);
    expect(row?.updatedAt).toBe(100);
    expect(await addConversationSummary(db, 'gone', summary(0, 1))).toBe(false);
  });
});

describe('a summary run', () => {
  const done = (text: string, finishReason: Generation['finishReason'] = 'stop'): Result<Generation> => ({
    ok: true,
    value: { text, finishReason, promptTokens: 10, completionTokens: 5, timeToFirstTokenMs: 1, tokensPerSecond: 1, totalMs: 1 },
  });

  it('asks for a short summary of the segment and returns it with its range and model', async () => {
    const seen: { prompt: string; options: GenerateOptions }[] = [];
    const result = await summarizeSegment(
      {
        generate: (m, options) => {
          seen.push({ prompt: m.map((x) => x.content).join('\n'), options });
          return Promise.resolve(done('  **Ana** and Bo planned Sunday.  '));
        },
        modelId: 'tiny',
        now: () => 42,
      },
      messages(6, 6),
      { persona: 'Ana', user: 'Bo' },
      { previous: 'They met.' },
    );
    expect(result).toEqual({ ok: true, value: { fromSeq: 6, toSeq: 11, text: 'Ana and Bo planned Sunday.', edited: false, createdAt: 42, modelId: 'tiny' } });
    expect(seen[0]?.prompt).toContain('Bo: message 6');
    expect(seen[0]?.prompt).toContain('Ana: message 7');
    expect(seen[0]?.prompt).toContain('They met.');
    expect(seen[0]?.options.max_tokens).toBeGreaterThan(0);
  });

  it('clips the messages until the request and the summary fit a small window, or gives up', async () => {
    const long: SummaryMessage[] = messages(6).map((m) => ({ ...m, text: 'blah '.repeat(200) }));
    const count = (texts: string[]) => Promise.resolve(texts.map((t) => Math.ceil(t.length / 4)));
    const prompts: number[] = [];
    const generate = (m: readonly { content: string }[]) => {
      prompts.push(m.reduce((n, x) => n + Math.ceil(x.content.length / 4), 0));
      return Promise.resolve(done('They talked.'));
    };
    const fits = await summarizeSegment({ generate, modelId: 'm', contextWindow: 512, countTokens: count }, long, { persona: 'Ana', user: 'Bo' });
    expect(fits).toMatchObject({ ok: true, value: { text: 'They talked.' } });
    expect((prompts[0] ?? 0) + 120).toBeLessThanOrEqual(512);
    const tiny = await summarizeSegment({ generate, modelId: 'm', contextWindow: 150, countTokens: count }, long, { persona: 'Ana', user: 'Bo' });
    expect(tiny).toEqual({ ok: true, value: null });
    expect(prompts).toHaveLength(1);
  });

  it('gives nothing for an empty output or an abort, and the error for a failed generation', async () => {
    const names = { persona: 'Ana', user: null };
    const empty = await summarizeSegment({ generate: () => Promise.resolve(done(' \n ')), modelId: 'm' }, messages(6), names);
    expect(empty).toEqual({ ok: true, value: null });
    const abort = new AbortController();
    const stopped = await summarizeSegment(
      {
        generate: () => {
          abort.abort();
          return Promise.resolve(done('half a summ', 'abort'));
        },
        modelId: 'm',
      },
      messages(6),
      names,
      { signal: abort.signal },
    );
    expect(stopped).toEqual({ ok: true, value: null });
    const failed = await summarizeSegment(
      { generate: () => Promise.resolve({ ok: false, error: { name: 'AppError', code: 'generate-failed', message: 'boom' } }), modelId: 'm' },
      messages(6),
      names,
    );
    expect(failed).toMatchObject({ ok: false, error: { code: 'generate-failed' } });
  });
});

describe('prompt sections for knowledge and the summary', () => {
  const countTokens = (texts: string[]): Promise<number[]> => Promise.resolve(texts.map((t) => Math.ceil(t.length / 4)));
  const base = (extra: Partial<PromptInput>): PromptInput => ({
    personaName: 'Ana',
    personName: 'Ana',
    userName: 'Bo',
    profile: null,
    pinnedMemories: [],
    memories: [],
    examples: [],
    history: [
      { role: 'user', content: 'old question '.repeat(30) },
      { role: 'assistant', content: 'old answer '.repeat(30) },
      { role: 'user', content: 'what was the zabaglione recipe?' },
    ],
    contextWindow: 4096,
    maxReplyTokens: 128,
    countTokens,
    ...extra,
  });
  const knowledge = [
    { id: 'k1', text: 'Six yolks, sugar and marsala.', source: "Grandma's recipes", score: 0.9 },
    { id: 'k2', text: 'The tram 28 stops outside.', source: 'Lisbon', score: 0.2 },
  ];

  it('adds "What you know (from your notes)" with each source, and "Earlier in this chat" last', async () => {
    const p = await assemblePrompt(base({ knowledge, conversationSummary: 'Bo asked Ana for a recipe.' }));
    const titles = p.sections.map((s) => s.title);
    expect(titles).toContain('Knowledge');
    expect(titles.at(-1)).toBe('Earlier in this chat');
    const system = p.messages[0]?.content ?? '';
    expect(system).toContain('What you know (from your notes):');
    expect(system).toContain("From “Grandma's recipes”: Six yolks, sugar and marsala.");
    expect(system).toContain('Bo asked Ana for a recipe.');
    expect(p.usedKnowledgeIds).toEqual(['k1', 'k2']);
    expect(p.tokens.total).toBeLessThanOrEqual(p.tokens.budget);
  });

  it('keeps the summary before old history and the best note when the window is small, within the budget', async () => {
    for (const contextWindow of [260, 300, 360, 500]) {
      const p = await assemblePrompt(base({ knowledge, conversationSummary: 'Bo asked Ana for a recipe.', contextWindow }));
      expect(p.tokens.total).toBeLessThanOrEqual(p.tokens.budget);
      expect(p.messages.at(-1)?.content).toBe('what was the zabaglione recipe?');
      const system = p.messages[0]?.content ?? '';
      if (p.droppedHistory > 0 || !system.includes('Six yolks')) expect(system).toContain('Bo asked Ana for a recipe.');
    }
    const tight = await assemblePrompt(base({ knowledge, conversationSummary: 'Bo asked Ana for a recipe.', contextWindow: 300 }));
    expect(tight.droppedHistory).toBe(2);
    expect(tight.messages[0]?.content).toContain('Bo asked Ana for a recipe.');
    expect(tight.usedKnowledgeIds).toContain('k1');
    const none = await assemblePrompt(base({}));
    expect(none.sections.map((s) => s.title)).not.toContain('Knowledge');
    expect(none.usedKnowledgeIds).toEqual([]);
  });
});
