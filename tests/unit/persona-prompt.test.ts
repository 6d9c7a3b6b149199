// The persona prompt builder: the budget holds for every window, system comes first and history keeps
// its order, the newest user message is never dropped, history goes oldest first, examples and memories
// enter whole and by rank, held-out pairs never appear, and style rules follow strong habits only.
import { describe, expect, it } from 'vitest';
import { distribution, EDGES } from '../../src/lib/persona/distribution';
import { assemblePrompt, splitIntoBubbles, styleRules, type PromptInput } from '../../src/lib/persona/prompt';
import type { MemoryItem, ReplyPair, StyleProfile, StyleStats } from '../../src/lib/persona/types';
import { neutralStats, repeat } from '../fixtures/persona/style-stats';

/** A stand-in tokenizer: one token per 4 characters, rounded up (so pieces do not add up exactly). */
const fakeTokens = (text: string): number => Math.ceil(text.length / 4);
const countTokens = (texts: string[]): Promise<number[]> => Promise.resolve(texts.map(fakeTokens));


function profile(person: Partial<StyleStats> = {}, summary = 'Writes medium-length messages in English.'): StyleProfile {
  return { version: 1, personName: 'Ana', person: { ...neutralStats('Ana'), ...person }, others: neutralStats(null), summary };
}

/** Short lowercase bursts, no periods, a favourite emoji. */
const bursty = (): StyleProfile =>
  profile({
    chars: distribution(repeat(14, 200), EDGES.chars),
    casing: { allLowercase: 0.85, startsWithCapital: 0.1, allCaps: 0 },
    bubblesPerTurn: distribution([...repeat(2, 50), ...repeat(3, 40), ...repeat(1, 10)], EDGES.bubblesPerTurn),
    endings: { period: 0.02, exclamation: 0.05, question: 0.1, ellipsis: 0.03, emoji: 0.3, none: 0.5 },
    emojiPerMessage: 0.4,
    shareWithEmoji: 0.3,
    topEmojis: [
      { text: '😭', count: 30 },
      { text: '💀', count: 20 },
    ],
    laughter: [{ text: 'haha', count: 40 }],
    shareWithLaughter: 0.2,
  });

function pair(id: string, reply: string, heldOut = false): ReplyPair {
  return {
    id,
    context: [
      { author: 'Sam', text: `context of ${id} one`, ts: '2024-01-01T10:00:00' },
      { author: 'Sam', text: `context of ${id} two`, ts: '2024-01-01T10:00:05' },
    ],
    reply,
    replyBubbles: reply.split('\n').length,
    contextTs: '2024-01-01T10:00:05',
    replyTs: '2024-01-01T10:01:00',
    contextMessageIds: [`${id}-c1`, `${id}-c2`],
    replyMessageIds: [`${id}-r`],
    heldOut,
  };
}

function memory(id: string, text: string, extra: Partial<MemoryItem> = {}): MemoryItem {
  return {
    id,
    type: 'fact',
    text,
    subject: 'Ana',
    sourceMessageIds: [],
    firstSeen: '2024-01-01T10:00:00',
    lastSeen: '2024-01-01T10:00:00',
    confidence: 0.9,
    pinned: false,
    origin: 'rule',
    ...extra,
  };
}

/** `n` turns alternating user/assistant, oldest first, ending with a user message; each text is unique. */
function conversation(n: number): PromptInput['history'] {
  return Array.from({ length: n }, (_, i) => ({
    role: (n - 1 - i) % 2 === 0 ? ('user' as const) : ('assistant' as const),
    content: `turn ${String(i).padStart(3, '0')}: ${'words '.repeat(6)}`,
  }));
}

const examples = (n: number): PromptInput['examples'] =>
  Array.from({ length: n }, (_, i) => ({ pair: pair(`p${i}`, `reply number ${i} yes\nsecond bubble ${i}`), score: 1 - i / 100 }));

function input(over: Partial<PromptInput> = {}): PromptInput {
  return {
    personaName: 'Ana',
    personName: 'Ana',
    userName: 'Leo',
    profile: profile(),
    pinnedMemories: [memory('pin1', 'Ana has a dog called Rufus', { pinned: true })],
    memories: [
      { item: memory('m1', 'Ana works as a nurse'), score: 0.9 },
      { item: memory('m2', 'Ana lives in Lisbon'), score: 0.8 },
      { item: memory('m3', 'Ana likes hiking'), score: 0.7 },
    ],
    examples: examples(8),
    history: conversation(9),
    contextWindow: 4096,
    maxReplyTokens: 256,
    countTokens,
    ...over,
  };
}

const systemOf = (messages: { role: string; content: string }[]): string => messages[0]?.content ?? '';

describe('assemblePrompt: budget and order', () => {
  it('keeps the total within the budget for small and large windows, counted independently', async () => {
    for (const contextWindow of [300, 400, 512, 768, 1024, 2048, 4096]) {
      const p = await assemblePrompt(input({ contextWindow, maxReplyTokens: 64, history: conversation(40), examples: examples(12), maxExamples: 12 }));
      expect(p.tokens.budget).toBeLessThan(contextWindow - 64);
      expect(p.tokens.total).toBeLessThanOrEqual(p.tokens.budget);
      expect(p.tokens.total).toBe(p.tokens.system + p.tokens.history);
      // The reported total covers at least every message's text as the tokenizer counts it.
      const contentTokens = p.messages.reduce((sum, m) => sum + fakeTokens(m.content), 0);
      expect(contentTokens).toBeLessThanOrEqual(p.tokens.total);
      expect(contentTokens).toBeGreaterThan(p.tokens.total - 10 * p.messages.length);
    }
  });

  it('still fits when the tokenizer counts joined text higher than its pieces (recounted, last piece dropped)', async () => {
    // Newlines cost 3 tokens here: the per-piece estimate is too low for the joined system prompt.
    const greedy = (texts: string[]): Promise<number[]> => Promise.resolve(texts.map((t) => fakeTokens(t) + 3 * t.split('\n').length));
    for (const contextWindow of [400, 512, 640, 768, 1024]) {
      const p = await assemblePrompt(input({ contextWindow, maxReplyTokens: 64, countTokens: greedy, history: conversation(30), examples: examples(12), maxExamples: 12 }));
      expect(p.tokens.total).toBeLessThanOrEqual(p.tokens.budget);
      const [counted] = await greedy([systemOf(p.messages)]);
      expect(p.tokens.system).toBeGreaterThanOrEqual(counted ?? Infinity);
    }
  });

  it('keeps history contiguous: a long old message that does not fit ends the kept part', async () => {
    const history = conversation(9);
    const long = history[2];
    if (long === undefined) throw new Error('fixture');
    long.content = `huge ${'x'.repeat(4000)}`;
    const p = await assemblePrompt(input({ history, contextWindow: 1024, maxReplyTokens: 64 }));
    expect(p.messages.slice(1)).toEqual(history.slice(p.droppedHistory));
    expect(p.droppedHistory).toBeGreaterThanOrEqual(3);
    expect(p.messages.some((m) => m.content.startsWith('turn 000'))).toBe(false);
  });

  it('puts the system prompt first, then the kept history oldest first, ending with the newest user message', async () => {
    const history = conversation(9);
    const p = await assemblePrompt(input({ history }));
    expect(p.messages[0]?.role).toBe('system');
    expect(p.messages.slice(1)).toEqual(history);
    expect(p.keptHistory).toBe(9);
    expect(p.droppedHistory).toBe(0);
    expect(p.messages.filter((m) => m.role === 'system')).toHaveLength(1);
  });

  it('always keeps the newest user message, even when nothing else fits', async () => {
    const history = conversation(5);
    const newest = history[4];
    for (const contextWindow of [150, 200, 260]) {
      const p = await assemblePrompt(input({ history, contextWindow, maxReplyTokens: 64 }));
      expect(p.messages[p.messages.length - 1]).toEqual(newest);
      expect(p.keptHistory).toBeGreaterThanOrEqual(1);
    }
    // A window too small for even the header and the newest message: still sent, over budget, and said so.
    const tiny = await assemblePrompt(input({ history, contextWindow: 100, maxReplyTokens: 64 }));
    expect(tiny.messages.slice(1)).toEqual([newest]);
    expect(tiny.droppedHistory).toBe(4);
    expect(tiny.usedExampleIds).toEqual([]);
    expect(tiny.tokens.total).toBeGreaterThan(tiny.tokens.budget);
  });

  it('drops the oldest history first, reports it, and prefers recent turns over examples beyond the first few', async () => {
    const history = conversation(60);
    const p = await assemblePrompt(input({ history, contextWindow: 1024, maxReplyTokens: 128 }));
    expect(p.droppedHistory).toBeGreaterThan(0);
    expect(p.keptHistory + p.droppedHistory).toBe(60);
    // The kept part is exactly the most recent suffix, starting with a user turn.
    expect(p.messages.slice(1)).toEqual(history.slice(p.droppedHistory));
    expect(p.messages[1]?.role).toBe('user');
    // The first two examples are reserved; the rest lost to recent turns.
    expect(p.usedExampleIds).toEqual(['p0', 'p1']);
    // More room keeps more history (never fewer turns).
    const bigger = await assemblePrompt(input({ history, contextWindow: 2048, maxReplyTokens: 128 }));
    expect(bigger.keptHistory).toBeGreaterThan(p.keptHistory);
    expect(bigger.tokens.total).toBeLessThanOrEqual(bigger.tokens.budget);
  });
});

describe('assemblePrompt: examples and memories', () => {
  it('adds examples by relevance, whole or not at all, up to maxExamples', async () => {
    for (const contextWindow of [500, 600, 700, 800, 1000, 4096]) {
      const p = await assemblePrompt(input({ contextWindow, maxReplyTokens: 64, history: conversation(1) }));
      const system = systemOf(p.messages);
      const all = examples(8).map((e) => e.pair.id);
      // Same-size examples: the used ones are the best-ranked prefix.
      expect(p.usedExampleIds).toEqual(all.slice(0, p.usedExampleIds.length));
      for (const { pair: ex } of examples(8)) {
        const used = p.usedExampleIds.includes(ex.id);
        const whole = `When Sam said: ${ex.context[0]?.text ?? ''}\n${ex.context[1]?.text ?? ''}\nAna answered: ${ex.reply}`;
        expect(system.includes(whole)).toBe(used);
        // Never a piece of an unused one.
        expect(system.includes(`context of ${ex.id} `)).toBe(used);
        expect(system.includes(`second bubble ${ex.id.slice(1)}`)).toBe(used);
      }
    }
    const roomy = await assemblePrompt(input({ contextWindow: 8192 }));
    expect(roomy.usedExampleIds).toHaveLength(8);
    const capped = await assemblePrompt(input({ contextWindow: 8192, maxExamples: 3 }));
    expect(capped.usedExampleIds).toEqual(['p0', 'p1', 'p2']);
  });

  it('never uses a held-out pair, even ranked first', async () => {
    const secret = pair('held', 'HELD OUT REPLY', true);
    const p = await assemblePrompt(input({ contextWindow: 8192, examples: [{ pair: secret, score: 2 }, ...examples(3)] }));
    expect(p.usedExampleIds).toEqual(['p0', 'p1', 'p2']);
    expect(systemOf(p.messages)).not.toContain('HELD OUT REPLY');
    expect(systemOf(p.messages)).not.toContain('context of held');
  });

  it('states pinned memories first, then retrieved ones by rank; skips superseded and duplicate ones', async () => {
    const p = await assemblePrompt(
      input({
        memories: [
          { item: memory('m1', 'Ana works as a nurse'), score: 0.9 },
          { item: memory('pin1', 'Ana has a dog called Rufus', { pinned: true }), score: 0.85 },
          { item: memory('old', 'Ana lives in Porto', { supersededBy: 'm2' }), score: 0.82 },
          { item: memory('m2', 'Ana lives in Lisbon'), score: 0.8 },
          { item: memory('ep', 'Ana has an exam', { type: 'episode', eventDate: '2024-02-03' }), score: 0.7 },
        ],
      }),
    );
    const system = systemOf(p.messages);
    expect(p.usedMemoryIds).toEqual(['pin1', 'm1', 'm2', 'ep']);
    const at = (s: string): number => system.indexOf(s);
    expect(at('Rufus')).toBeGreaterThan(-1);
    expect(at('Rufus')).toBeLessThan(at('nurse'));
    expect(at('nurse')).toBeLessThan(at('Lisbon'));
    expect(system.split('Rufus')).toHaveLength(2);
    expect(system).not.toContain('Porto');
    expect(system).toContain('Ana has an exam (2024-02-03)');
  });

  it('leaves memories out entirely when memory is off', async () => {
    const p = await assemblePrompt(input({ useMemory: false, contextWindow: 8192 }));
    expect(p.usedMemoryIds).toEqual([]);
    expect(p.sections.map((s) => s.title)).not.toContain('Memories');
    const system = systemOf(p.messages);
    for (const s of ['Rufus', 'nurse', 'Lisbon', 'hiking']) expect(system).not.toContain(s);
    const on = await assemblePrompt(input({ contextWindow: 8192 }));
    expect(on.usedMemoryIds).toEqual(['pin1', 'm1', 'm2', 'm3']);
  });

  it('keeps pinned memories when the window is tight and retrieved ones do not fit', async () => {
    const p = await assemblePrompt(input({ contextWindow: 420, maxReplyTokens: 64, history: conversation(1), examples: [] }));
    expect(p.usedMemoryIds[0]).toBe('pin1');
    expect(p.tokens.total).toBeLessThanOrEqual(p.tokens.budget);
  });
});

describe('assemblePrompt: system prompt text', () => {
  it('says who the persona is, who the user is, and forbids assistant tone, lists and markdown', async () => {
    const p = await assemblePrompt(input({ contextWindow: 8192, personaName: 'Ana (sim)' }));
    const system = systemOf(p.messages);
    expect(system).toContain('You are Ana (sim), a simulation of Ana built from their chat messages');
    expect(system).toContain('texting with Leo');
    expect(system).toContain('You are not an assistant');
    expect(system).toContain('no lists, no markdown');
    expect(system).toContain('How Ana writes: Writes medium-length messages in English.');
    expect(system).toContain('Keep replies around 30 characters.');
    const anon = await assemblePrompt(input({ userName: null }));
    expect(systemOf(anon.messages)).toContain('texting with someone');
  });

  it('reports sections that make up the system prompt, with their token counts', async () => {
    const p = await assemblePrompt(input({ contextWindow: 8192 }));
    expect(p.sections.map((s) => s.title)).toEqual(['Persona', 'Style', 'Memories', 'Examples']);
    expect(p.sections.map((s) => s.text).join('\n\n')).toBe(systemOf(p.messages));
    for (const s of p.sections) expect(s.tokens).toBe(fakeTokens(s.text));
    const noProfile = await assemblePrompt(input({ profile: null }));
    expect(noProfile.sections.map((s) => s.title)).not.toContain('Style');
    expect(systemOf(noProfile.messages)).not.toContain('Rules:');
  });

  it('puts the hard style rules of a strong profile into the prompt', async () => {
    const p = await assemblePrompt(input({ profile: bursty(), contextWindow: 8192 }));
    const system = systemOf(p.messages);
    expect(system).toContain('Write in lowercase');
    expect(system).toContain('Do not end messages with a period.');
    expect(system).toContain('mostly 😭');
  });
});

describe('styleRules', () => {
  it('states strong habits: lowercase, no period, favourite emoji, bursts, laughter, language', () => {
    const rules = styleRules(bursty());
    expect(rules).toContain('Write in lowercase, even at the start of sentences.');
    expect(rules).toContain('Do not end messages with a period.');
    expect(rules).toContain('Use emoji now and then, mostly 😭 (also 💀).');
    expect(rules).toContain('Send 2-3 short messages in a row, each on its own line, instead of one long one.');
    expect(rules).toContain('Keep each message around 14 characters.');
    expect(rules).toContain("Laugh with 'haha'.");
    expect(rules).toContain('Write in English.');
  });

  it('says nothing about weak habits', () => {
    const rules = styleRules(profile()).join(' ');
    expect(rules).not.toMatch(/lowercase|period|emoji|short messages in a row|Laugh|CAPITALS|exclamation/u);
    expect(rules).toContain('Keep replies around 30 characters.');
  });

  it('says "never use emoji" for someone who does not use them, and emoticons when typed', () => {
    const rules = styleRules(profile({ emojiPerMessage: 0.01, shareWithEmoji: 0.01, topEmoticons: [{ text: ':)', count: 12 }], shareWithEmoticon: 0.1 }));
    expect(rules).toContain('Never use emoji.');
    expect(rules).toContain('Type emoticons like :).');
  });

  it('covers heavy emoji, capitals, periods and two languages', () => {
    const rules = styleRules(
      profile({
        emojiPerMessage: 0.8,
        casing: { allLowercase: 0.05, startsWithCapital: 0.5, allCaps: 0.3 },
        endings: { period: 0.6, exclamation: 0.3, question: 0.1, ellipsis: 0, emoji: 0, none: 0 },
        languages: [
          { tag: 'it', share: 0.6 },
          { tag: 'en', share: 0.4 },
        ],
      }),
    );
    expect(rules).toContain('Use emoji in most messages, mostly 🙂.');
    expect(rules).toContain('Often write in CAPITALS.');
    expect(rules).toContain('End sentences with a period.');
    expect(rules).toContain('Use exclamation marks freely.');
    expect(rules).toContain('Write in Italian or English, mixing them as they do.');
  });

  it('gives no rules when the sample is too small', () => {
    expect(styleRules(profile({ messages: 3 }))).toEqual([]);
  });
});

describe('splitIntoBubbles', () => {
  const reply = 'omg yes\n\n  i saw it  \nso good 😭\n';

  it('splits a multi-line reply into bubbles for a bursty person', () => {
    expect(splitIntoBubbles(reply, bursty())).toEqual(['omg yes', 'i saw it', 'so good 😭']);
  });

  it('keeps one bubble for someone who writes single long messages, or without a profile', () => {
    const single = profile({ chars: distribution(repeat(120, 200), EDGES.chars), bubblesPerTurn: distribution(repeat(1, 150), EDGES.bubblesPerTurn) });
    expect(splitIntoBubbles(reply, single)).toEqual([reply.trim()]);
    expect(splitIntoBubbles(reply, null)).toEqual([reply.trim()]);
    expect(splitIntoBubbles('   ', bursty())).toEqual([]);
  });
});
