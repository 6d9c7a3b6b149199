// Fine-tune JSONL: one chat-format line per training pair (never a held-out one), system prompt from the
// persona, context as "Name: text" lines, empty pairs skipped and counted.
import { describe, expect, it } from 'vitest';
import { finetuneJsonl, finetunePromptParts, finetuneSystemPrompt } from '../../src/lib/persona/finetune';
import { assembleTranscriptPrompt } from '../../src/lib/persona/transcript-prompt';
import { emptyDefinition, type ReplyPair } from '../../src/lib/persona/types';

const pair = (id: string, context: [string, string][], reply: string, heldOut = false, at = '2024-01-01T10:00'): ReplyPair => ({
  id, context: context.map(([author, text]) => ({ author, text, ts: `${at}:00` })), reply, replyBubbles: 1,
  contextTs: `${at}:00`, replyTs: `${at}:30`, contextMessageIds: [], replyMessageIds: [], heldOut,
});

interface Line { messages: { role: string; content: string }[]; persona: { displayName: string; personName: string }; turns: { author: string; text: string }[]; reply: string }
const parse = (jsonl: string): Line[] => jsonl.trim().split('\n').map((l) => JSON.parse(l) as Line);

describe('fine-tune dataset', () => {
  const input = {
    displayName: 'Mary',
    personName: 'Mary',
    styleSummary: 'Writes short lowercase messages.',
    definition: { ...emptyDefinition(), rules: { do: ['use emoji'], dont: ['write essays'] } },
    pairs: [
      pair('a', [['Sam', 'hi'], ['Sam', 'dinner?']], 'yes!!\n8pm?'),
      pair('b', [['Sam', '   ']], 'orphan reply'),
      pair('c', [['Sam', 'ok']], '  '),
      pair('d', [['Sam', 'held question']], 'held reply', true),
    ],
  };

  it('writes training pairs only, as system/user/assistant lines', () => {
    const out = finetuneJsonl(input);
    expect(out).toMatchObject({ lines: 1, skipped: 2, heldOut: 1 });
    const lines = out.jsonl.trim().split('\n').map((l) => JSON.parse(l) as { messages: { role: string; content: string }[] });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(lines[0]?.messages[1]?.content).toBe('Sam: hi\nSam: dinner?');
    expect(lines[0]?.messages[2]?.content).toBe('yes!!\n8pm?');
    expect(out.jsonl).not.toContain('held');
  });

  it('describes the persona in the system prompt', () => {
    const system = finetuneSystemPrompt(input);
    expect(system).toContain('You are Mary');
    expect(system).toContain('Writes short lowercase messages.');
    expect(system).toContain('Do: use emoji.');
    expect(system).toContain('Never: write essays.');
  });

  it('carries the names and the turns before each reply, with the previous exchange of the same conversation', () => {
    const out = finetuneJsonl({
      ...input,
      displayName: 'Mary (sister)',
      pairs: [
        pair('a', [['Sam', 'hi']], 'hey', false, '2024-01-01T10:00'),
        pair('b', [['Sam', 'dinner?'], ['Lu', 'me too']], 'yes!!\n8pm?', false, '2024-01-01T10:05'),
        pair('c', [['Sam', 'next week?']], 'sure', false, '2024-01-09T09:00'),
      ],
    });
    const [a, b, c] = parse(out.jsonl);
    expect(a?.persona).toEqual({ displayName: 'Mary (sister)', personName: 'Mary' });
    expect(a?.turns).toEqual([{ author: 'Sam', text: 'hi' }]);
    expect(b?.turns).toEqual([
      { author: 'Sam', text: 'hi' }, { author: 'Mary', text: 'hey' },
      { author: 'Sam', text: 'dinner?' }, { author: 'Lu', text: 'me too' },
    ]);
    expect(b?.reply).toBe('yes!!\n8pm?');
    // A week later is another conversation: no earlier exchange.
    expect(c?.turns).toEqual([{ author: 'Sam', text: 'next week?' }]);
    // The chat form is unchanged: the context replied to only.
    expect(b?.messages[1]?.content).toBe('Sam: dinner?\nLu: me too');
  });

  it("carries the app's own prompt parts: the transcript header the chat sends and the chat system message", async () => {
    const parts = await finetunePromptParts({ displayName: 'Mary', personName: 'Mary', userName: 'Sam', profile: null, pinnedMemories: [], definition: input.definition });
    const chat = await assembleTranscriptPrompt({
      personaName: 'Mary', personName: 'Mary', userName: 'Sam', profile: null, pinnedMemories: [], memories: [], examples: [],
      history: [{ role: 'user', content: 'what are you up to' }], contextWindow: 4096, maxReplyTokens: 64,
      countTokens: (texts) => Promise.resolve(texts.map((t) => t.length)), definition: input.definition,
    });
    expect(chat.prompt.startsWith(parts.transcriptHeader)).toBe(true);
    expect(parts.transcriptHeader).toContain('A text-message chat between Mary and Sam');
    expect(parts.chatSystem).toContain('Mary');
    const [line] = parse(finetuneJsonl({ ...input, prompt: parts }).jsonl);
    expect(line).toMatchObject({ prompt: parts });
  });

  it('gives an empty dataset for a persona without pairs', () => {
    expect(finetuneJsonl({ ...input, pairs: [] })).toEqual({ jsonl: '', lines: 0, skipped: 0, heldOut: 0 });
  });
});
