// Fine-tune JSONL: one chat-format line per training pair (never a held-out one), system prompt from the
// persona, context as "Name: text" lines, empty pairs skipped and counted.
import { describe, expect, it } from 'vitest';
import { finetuneJsonl, finetuneSystemPrompt } from '../../src/lib/persona/finetune';
import { emptyDefinition, type ReplyPair } from '../../src/lib/persona/types';

const pair = (id: string, context: [string, string][], reply: string, heldOut = false): ReplyPair => ({
  id, context: context.map(([author, text]) => ({ author, text, ts: '2024-01-01T10:00:00' })), reply, replyBubbles: 1,
  contextTs: '2024-01-01T10:00:00', replyTs: '2024-01-01T10:01:00', contextMessageIds: [], replyMessageIds: [], heldOut,
});

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

  it('gives an empty dataset for a persona without pairs', () => {
    expect(finetuneJsonl({ ...input, pairs: [] })).toEqual({ jsonl: '', lines: 0, skipped: 0, heldOut: 0 });
  });
});
