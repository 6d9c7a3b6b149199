// The base-model transcript prompt: ends with "<Persona>:", shows real exchanges as "Name: text" lines
// (a burst one line per bubble), keeps the stable part first and independent of the message answered,
// stays within the budget, never shows held-out pairs, stops at other speakers, and round-trips bursts
// into the '\n'-joined bubbles splitIntoBubbles and adaptToStyle read.
import { describe, expect, it } from 'vitest';
import { distribution, EDGES } from '../../src/lib/persona/distribution';
import { assemblePrompt, splitIntoBubbles, type PromptInput } from '../../src/lib/persona/prompt';
import { assembleTranscriptPrompt, transcriptContinuation, transcriptReply } from '../../src/lib/persona/transcript-prompt';
import type { MemoryItem, ReplyPair, StyleProfile } from '../../src/lib/persona/types';
import { neutralStats, repeat } from '../fixtures/persona/style-stats';

const fakeTokens = (text: string): number => Math.ceil(text.length / 4);
const countTokens = (texts: string[]): Promise<number[]> => Promise.resolve(texts.map(fakeTokens));

const burstyProfile = (): StyleProfile => ({
  version: 1,
  personName: 'Ana',
  person: {
    ...neutralStats('Ana'),
    casing: { allLowercase: 0.85, startsWithCapital: 0.1, allCaps: 0 },
    bubblesPerTurn: distribution([...repeat(2, 50), ...repeat(3, 40), ...repeat(1, 10)], EDGES.bubblesPerTurn),
  },
  others: neutralStats(null),
  summary: 'Writes short lowercase bursts.',
});

function pair(id: string, reply: string, replyTs: string, heldOut = false): ReplyPair {
  return {
    id,
    context: [{ author: 'Leo', text: `question ${id}\nwith a line break`, ts: replyTs }],
    reply,
    replyBubbles: reply.split('\n').length,
    contextTs: replyTs,
    replyTs,
    contextMessageIds: [`${id}-c`],
    replyMessageIds: [`${id}-r`],
    heldOut,
  };
}

function memory(id: string, text: string, pinned = false): MemoryItem {
  return { id, type: 'fact', text, subject: 'Ana', sourceMessageIds: [], firstSeen: '2024-01-01T10:00:00', lastSeen: '2024-01-01T10:00:00', confidence: 0.9, pinned, origin: 'rule' };
}

function input(over: Partial<PromptInput> = {}): PromptInput {
  return {
    personaName: 'Ana',
    personName: 'Ana',
    userName: 'Leo',
    profile: burstyProfile(),
    pinnedMemories: [memory('pin', 'Ana has a dog called Rufus', true)],
    memories: [{ item: memory('m1', 'Ana works as a nurse'), score: 0.9 }],
    // Best first by score; their times are in another order.
    examples: [
      { pair: pair('p-late', 'late one\nsecond bubble', '2024-03-01T10:00:00'), score: 0.9 },
      { pair: pair('p-early', 'early reply', '2024-01-01T10:00:00'), score: 0.8 },
      { pair: pair('p-held', 'HELD OUT REPLY', '2024-06-01T10:00:00', true), score: 0.95 },
    ],
    history: [
      { role: 'user', content: 'hi ana' },
      { role: 'assistant', content: 'hey\nwhat is up' },
      { role: 'user', content: 'are you coming tonight?' },
    ],
    contextWindow: 4096,
    maxReplyTokens: 64,
    countTokens,
    ...over,
  };
}

describe('assembleTranscriptPrompt', () => {
  it('writes the chat as Name: text lines ending with the persona name, bursts one line per bubble', async () => {
    const t = await assembleTranscriptPrompt(input());
    expect(t.prompt.endsWith('\nLeo: are you coming tonight?\nAna:')).toBe(true);
    expect(t.prompt).toContain('\nAna: hey\nAna: what is up\n');
    expect(t.prompt).toContain('\nLeo: question p-late with a line break\nAna: late one\nAna: second bubble\n');
    // Examples in time order (stable prefix for overlapping retrievals), held-out never.
    expect(t.prompt.indexOf('early reply')).toBeLessThan(t.prompt.indexOf('late one'));
    expect(t.prompt).not.toContain('HELD OUT');
    expect(t.usedExampleIds.sort()).toEqual(['p-early', 'p-late']);
    expect(t.prompt).toContain('Ana has a dog called Rufus');
    expect(t.prompt).toContain('Ana works as a nurse');
    expect(t.prompt).toContain('Writes short lowercase bursts.');
  });

  it('keeps the stable part first and identical whatever message is answered', async () => {
    const a = await assembleTranscriptPrompt(input());
    const b = await assembleTranscriptPrompt(
      input({ history: [{ role: 'user', content: 'something else entirely' }], memories: [], examples: [{ pair: pair('p-other', 'other', '2024-02-01T10:00:00'), score: 1 }] }),
    );
    expect(a.stableChars).toBeGreaterThan(0);
    expect(a.prompt.slice(0, a.stableChars)).toBe(b.prompt.slice(0, b.stableChars));
    const stable = a.prompt.slice(0, a.stableChars);
    expect(stable).toContain('Rufus');
    expect(stable).not.toContain('nurse');
    expect(stable).not.toContain('late one');
  });

  it('stops at a new line of any other speaker (user, group members, example authors), not of the persona', async () => {
    const t = await assembleTranscriptPrompt(
      input({ history: [{ role: 'user', content: 'hello all', author: 'Mia' }, { role: 'user', content: 'hey?' }] }),
    );
    expect(t.prompt).toContain('\nMia: hello all\nLeo: hey?\nAna:');
    expect(t.stop).toEqual(expect.arrayContaining(['\nLeo:', '\nMia:']));
    expect(t.stop.some((s) => s.startsWith('\nAna'))).toBe(false);
  });

  it('stays within the budget, dropping examples before the conversation and never the newest message', async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ pair: pair(`p${i}`, `reply ${i} ${'blah '.repeat(20)}`, `2024-01-${String(i + 1).padStart(2, '0')}T10:00:00`), score: 1 - i / 20 }));
    const history = Array.from({ length: 30 }, (_, i) => ({ role: (i % 2 === 0 ? 'user' : 'assistant') as 'user' | 'assistant', content: `turn ${i} ${'word '.repeat(10)}` }));
    history.push({ role: 'user', content: 'the newest message' });
    for (const contextWindow of [400, 600, 900, 2048]) {
      const t = await assembleTranscriptPrompt(input({ contextWindow, examples: many, maxExamples: 12, history }));
      expect(t.tokens.total).toBeLessThanOrEqual(t.tokens.budget);
      expect(fakeTokens(t.prompt)).toBeLessThanOrEqual(t.tokens.total + 3);
      expect(t.prompt.endsWith('Leo: the newest message\nAna:')).toBe(true);
      // Never more than the instruction prompt chose.
      const instruction = await assemblePrompt(input({ contextWindow, examples: many, maxExamples: 12, history }));
      expect(t.keptHistory).toBeLessThanOrEqual(instruction.keptHistory);
      for (const id of t.usedExampleIds) expect(instruction.usedExampleIds).toContain(id);
    }
  });

  it('lays out style notes and examples as asked, for measuring prompt choices', async () => {
    const late = await assembleTranscriptPrompt(input(), { styleNotes: 'beforeConversation', exampleOrder: 'bestLast' });
    const stable = late.prompt.slice(0, late.stableChars);
    expect(stable).not.toContain('Writes short lowercase bursts.');
    const style = late.prompt.indexOf('Writes short lowercase bursts.');
    expect(style).toBeGreaterThan(late.prompt.indexOf('late one'));
    expect(style).toBeLessThan(late.prompt.indexOf('Leo: hi ana'));
    // Best (p-late, ranked first) nearest the conversation.
    expect(late.prompt.indexOf('late one')).toBeGreaterThan(late.prompt.indexOf('early reply'));
    const chrono = await assembleTranscriptPrompt(input({ examples: [...input().examples].reverse() }));
    const best = await assembleTranscriptPrompt(input({ examples: [...input().examples].reverse() }), { exampleOrder: 'bestLast' });
    expect(chrono.prompt.indexOf('early reply')).toBeLessThan(chrono.prompt.indexOf('late one'));
    expect(best.prompt.indexOf('early reply')).toBeGreaterThan(best.prompt.indexOf('late one'));
  });

  it('keeps the previous prompt\'s examples in place on the next message, so all before the new ones is the same text', async () => {
    const many = Array.from({ length: 10 }, (_, i) => pair(`p${i}`, `reply ${i}`, `2024-01-${String(i + 1).padStart(2, '0')}T10:00:00`));
    const ranked = (ids: number[]) => ids.map((i, rank) => ({ pair: many[i] as ReplyPair, score: 1 - rank / 20 }));
    const first = await assembleTranscriptPrompt(input({ examples: ranked([5, 1, 3, 7]), maxExamples: 4 }));
    expect(first.usedExampleIds).toEqual(['p1', 'p3', 'p5', 'p7']); // time order, as shown
    const carriedExamples = first.usedExampleIds.map((id) => many.find((p) => p.id === id) as ReplyPair);
    const history = [...input().history, { role: 'assistant' as const, content: 'yes' }, { role: 'user' as const, content: 'and tomorrow?' }];
    // The next message retrieves mostly other pairs: the best new one follows the carried ones.
    const next = await assembleTranscriptPrompt(input({ examples: ranked([9, 3, 0, 8, 2]), maxExamples: 4, history, carriedExamples }));
    expect(next.usedExampleIds).toEqual(['p1', 'p3', 'p5', 'p7', 'p9']);
    expect(next.prompt).not.toContain('reply 0');
    // Everything up to the end of the first prompt's examples (its retrieved facts come next) is shared.
    const examplesEnd = first.prompt.indexOf('Also relevant');
    expect(examplesEnd).toBeGreaterThan(first.prompt.indexOf('reply 7'));
    expect(next.prompt.startsWith(first.prompt.slice(0, examplesEnd))).toBe(true);
    expect(next.prompt.indexOf('reply 9')).toBeGreaterThan(next.prompt.indexOf('reply 7'));
    // Retrieved facts come after the examples, so they do not cut the shared start short.
    expect(next.prompt.indexOf('Ana works as a nurse')).toBeGreaterThan(next.prompt.indexOf('reply 9'));
    // Held-out pairs are never carried.
    const held = await assembleTranscriptPrompt(input({ carriedExamples: [pair('p-held', 'HELD OUT REPLY', '2024-06-01T10:00:00', true)] }));
    expect(held.prompt).not.toContain('HELD OUT');
  });

  it('starts the examples afresh when the carried ones are too many or no longer fit', async () => {
    const many = Array.from({ length: 12 }, (_, i) => pair(`p${i}`, `reply ${i} ${'blah '.repeat(20)}`, `2024-01-${String(i + 1).padStart(2, '0')}T10:00:00`));
    const ranked = (ids: number[]) => ids.map((i, rank) => ({ pair: many[i] as ReplyPair, score: 1 - rank / 20 }));
    // 8 carried + 1 new > 2 × 4: this message's own four, in time order.
    const tooMany = await assembleTranscriptPrompt(input({ examples: ranked([11, 10, 9, 8]), maxExamples: 4, carriedExamples: many.slice(0, 8) }));
    expect(tooMany.usedExampleIds).toEqual(['p8', 'p9', 'p10', 'p11']);
    // Within the count but not the budget: afresh too, and within the budget.
    const tight = await assembleTranscriptPrompt(input({ contextWindow: 420, examples: ranked([11, 10]), maxExamples: 4, carriedExamples: many.slice(0, 5) }));
    expect(tight.usedExampleIds.some((id) => ['p0', 'p1', 'p2', 'p3', 'p4'].includes(id))).toBe(false);
    expect(tight.tokens.total).toBeLessThanOrEqual(tight.tokens.budget);
    expect(tight.prompt.endsWith('Leo: are you coming tonight?\nAna:')).toBe(true);
  });

  it('round-trips a burst: continuation and generated text give the bubbles splitIntoBubbles shows', () => {
    const reply = 'on my way\n10 min';
    const continuation = transcriptContinuation(reply, 'Ana');
    expect(continuation).toBe(' on my way\nAna: 10 min');
    expect(transcriptReply(continuation, 'Ana')).toBe(reply);
    expect(splitIntoBubbles(transcriptReply(`${continuation}\nLeo: ok`, 'Ana'), burstyProfile())).toEqual(['on my way', '10 min']);
    // A line of anyone else (or of no one) ends the reply.
    expect(transcriptReply(' sure\nrandom narration\nAna: never shown', 'Ana')).toBe('sure');
  });
});
