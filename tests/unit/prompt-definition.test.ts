// The persona definition in the prompt: "Who you are" (background, traits in words), "Your rules" and the
// hand-written example exchanges (before the retrieved real pairs, whole or not at all) appear in order;
// the budget still holds; a persona made from a description (no profile, no pairs) gets a complete
// prompt from its definition alone; without a definition nothing changes.
import { describe, expect, it } from 'vitest';
import { assemblePrompt, definitionRulesText, identityText, type PromptInput } from '../../src/lib/persona/prompt';
import { emptyDefinition, type MemoryItem, type PersonaDefinition, type ReplyPair } from '../../src/lib/persona/types';

const fakeTokens = (text: string): number => Math.ceil(text.length / 4);
const countTokens = (texts: string[]): Promise<number[]> => Promise.resolve(texts.map(fakeTokens));

const DEFINITION: PersonaDefinition = {
  background: 'Marta kept the Leça lighthouse for thirty years and now grows tomatoes in Porto.',
  traits: [
    { name: 'warm', strength: 0.9 },
    { name: 'stubborn', strength: 0.45 },
    { name: 'patient', strength: 0.1 },
  ],
  rules: { do: ['Write short lowercase messages.'], dont: ['Use emoji.', 'Talk about the weather forecast.'] },
  examples: [
    { user: 'how are the tomatoes?', reply: 'slow. like me' },
    { user: 'miss the sea?', reply: 'every night' },
    { user: 'what did you eat?', reply: 'bread and sardines, what else' },
  ],
  greetings: ['ah, it is you'],
  scenario: '',
};

function pair(id: string): ReplyPair {
  return {
    id,
    context: [{ author: 'Leo', text: `question ${id}`, ts: '2024-01-01T10:00:00' }],
    reply: `real answer ${id}`,
    replyBubbles: 1,
    contextTs: '2024-01-01T10:00:00',
    replyTs: '2024-01-01T10:01:00',
    contextMessageIds: [`${id}-c`],
    replyMessageIds: [`${id}-r`],
    heldOut: false,
  };
}

const history = (n: number): PromptInput['history'] =>
  Array.from({ length: n }, (_, i) => ({ role: (n - 1 - i) % 2 === 0 ? ('user' as const) : ('assistant' as const), content: `turn ${i} ${'words '.repeat(8)}` }));

/** A persona made from a description: no profile, no pairs, pinned starter memories. */
function standalone(over: Partial<PromptInput> = {}): PromptInput {
  return {
    personaName: 'Marta',
    personName: 'Marta',
    userName: null,
    profile: null,
    pinnedMemories: [],
    memories: [],
    examples: [],
    history: [{ role: 'user', content: 'hi marta' }],
    contextWindow: 2048,
    maxReplyTokens: 128,
    countTokens,
    definition: DEFINITION,
    origin: 'description',
    ...over,
  };
}

const system = (p: { messages: { content: string }[] }): string => p.messages[0]?.content ?? '';

describe('definition text', () => {
  it('states background, traits with strength words, and rules', () => {
    expect(identityText(DEFINITION)).toBe(
      `Who you are: ${DEFINITION.background}\nYour traits: warm (very strongly), stubborn (moderately), patient (barely).`,
    );
    expect(definitionRulesText(DEFINITION)).toBe(
      'Your rules when you write:\nDo: Write short lowercase messages.\nNever: Use emoji.\nNever: Talk about the weather forecast.',
    );
    expect(identityText(emptyDefinition())).toBeNull();
    expect(definitionRulesText(emptyDefinition())).toBeNull();
  });
});

describe('assemblePrompt with a definition', () => {
  it('builds a complete prompt for a standalone persona from the definition alone', async () => {
    const p = await assemblePrompt(standalone());
    expect(p.sections.map((s) => s.title)).toEqual(['Persona', 'Who you are', 'Your rules', 'Example exchanges']);
    const text = system(p);
    // Not "built from their chat messages": there are none.
    expect(text).toMatch(/^You are Marta, a fictional character, texting with someone\./);
    expect(text).not.toMatch(/chat messages/);
    expect(text).toContain('Never: Use emoji.');
    expect(text).toContain('When someone said: how are the tomatoes?\nMarta answered: slow. like me');
    expect(p.messages.at(-1)).toEqual({ role: 'user', content: 'hi marta' });
    // Hand-written examples are not real pairs: they never count as used pair ids.
    expect(p.usedExampleIds).toEqual([]);
    expect(p.tokens.total).toBeLessThanOrEqual(p.tokens.budget);
  });

  it('does not present the starter memories of a standalone persona as facts from chats', async () => {
    const memory: MemoryItem = {
      id: 'm1', type: 'fact', text: 'Marta grows tomatoes on her balcony.', subject: 'Marta', sourceMessageIds: [],
      firstSeen: '', lastSeen: '', confidence: 1, pinned: true, origin: 'user',
    };
    const alone = system(await assemblePrompt(standalone({ pinnedMemories: [memory] })));
    expect(alone).toContain('What you know about yourself and your people:\nMarta grows tomatoes');
    expect(alone).not.toMatch(/chats/);
    const cloned = system(await assemblePrompt(standalone({ origin: 'export', pinnedMemories: [memory] })));
    expect(cloned).toContain("What you know (facts from Marta's chats):");
  });

  it('puts hand-written exchanges before the retrieved real pairs', async () => {
    const p = await assemblePrompt(standalone({ origin: undefined, examples: [{ pair: pair('p1'), score: 0.9 }, { pair: pair('p2'), score: 0.8 }] }));
    const text = system(p);
    const titles = p.sections.map((s) => s.title);
    expect(titles.indexOf('Example exchanges')).toBeLessThan(titles.indexOf('Examples'));
    expect(text.indexOf('slow. like me')).toBeLessThan(text.indexOf('real answer p1'));
    expect(p.usedExampleIds).toEqual(['p1', 'p2']);
    // A cloned persona (no origin) keeps the usual header.
    expect(text).toMatch(/built from their chat messages/);
  });

  it('keeps the budget, and drops whole exchanges (never a cut one) when the window is small', async () => {
    for (const contextWindow of [220, 260, 300, 360, 420, 600, 1024]) {
      const p = await assemblePrompt(standalone({ contextWindow, maxReplyTokens: 32, history: history(20) }));
      expect(p.tokens.total).toBeLessThanOrEqual(p.tokens.budget);
      const text = system(p);
      for (const e of DEFINITION.examples) {
        // Either the whole exchange is there or none of it.
        expect(text.includes(e.user)).toBe(text.includes(e.reply));
      }
      expect(p.messages.at(-1)?.content).toBe(history(20).at(-1)?.content);
    }
    // A tight window leaves some exchanges out.
    const tight = await assemblePrompt(standalone({ contextWindow: 260, maxReplyTokens: 32, history: history(20) }));
    expect(DEFINITION.examples.filter((e) => system(tight).includes(e.reply)).length).toBeLessThan(DEFINITION.examples.length);
    // With room to spare, everything is in.
    const roomy = await assemblePrompt(standalone({ contextWindow: 4096, history: history(20) }));
    for (const e of DEFINITION.examples) expect(system(roomy)).toContain(e.reply);
  });

  it('gives the definition priority over old history', async () => {
    const p = await assemblePrompt(standalone({ contextWindow: 320, maxReplyTokens: 32, history: history(30) }));
    expect(p.sections.map((s) => s.title)).toContain('Who you are');
    expect(p.sections.map((s) => s.title)).toContain('Your rules');
    expect(p.droppedHistory).toBeGreaterThan(0);
  });

  it('changes nothing without a definition', async () => {
    const base = standalone({ definition: undefined, origin: undefined, examples: [{ pair: pair('p1'), score: 1 }] });
    const withEmpty = await assemblePrompt({ ...base, definition: emptyDefinition() });
    const without = await assemblePrompt(base);
    expect(withEmpty.messages).toEqual(without.messages);
    expect(without.sections.map((s) => s.title)).toEqual(['Persona', 'Examples']);
  });
});
