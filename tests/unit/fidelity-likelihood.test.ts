// The held-out likelihood of the fidelity runner with a fake prompt model: every variant scores the same
// real held-out replies (and only those), no held-out reply is ever inside a prompt, transcript prompts end
// with the speaker the continuation is scored as, the numbers are token-weighted means of what the model
// returned, an adapter adds its own variant, and generation goes through the prompt model.
import { describe, expect, it } from 'vitest';
import type { GenerationOptions } from '../../src/lib/llm/types';
import { runFidelityEval, type EvalEngines, type EvalInput, type ModelPrompt, type PromptModel } from '../../src/lib/persona/fidelity-run';
import { buildPairs } from '../../src/lib/persona/pairs';
import { computeStyleProfile, type MessageLike, type TurnLike } from '../../src/lib/persona/style';

const TOPICS = ['pizza', 'movie', 'train', 'beach', 'exam', 'party', 'coffee', 'rain', 'dog', 'concert'];

function input(): EvalInput {
  const messages: MessageLike[] = [];
  const turns: TurnLike[] = [];
  for (let i = 0; i < 40; i++) {
    const day = `2024-${i < 28 ? '01' : '02'}-${String(1 + (i % 28)).padStart(2, '0')}`;
    const topic = TOPICS[i % TOPICS.length] ?? 'x';
    const ask = { id: `a${i}`, ts: `${day}T10:00:00`, author: 'Sam', kind: 'message' as const, text: `What about the ${topic} number ${i}?` };
    const text = i >= 36 ? `heldout reply ${i} ${topic}\nsecond bubble ${i}` : `lol the ${topic} was great ${i}`;
    const reply = { id: `r${i}`, ts: `${day}T10:01:00`, author: 'Kim', kind: 'message' as const, text };
    messages.push(ask, reply);
    turns.push({ author: 'Sam', startTs: ask.ts, endTs: ask.ts, text: ask.text, bubbles: 1, messageIds: [ask.id] });
    turns.push({ author: 'Kim', startTs: reply.ts, endTs: reply.ts, text, bubbles: 1, messageIds: [reply.id] });
  }
  const { pairs } = buildPairs(turns, 'Kim');
  return {
    personaName: 'Kim',
    personName: 'Kim',
    userName: 'Sam',
    profile: computeStyleProfile(messages, turns, 'Kim'),
    pairs,
    memories: [],
    personMessages: messages.filter((m) => m.author === 'Kim').map((m) => m.text),
    otherMessages: messages.filter((m) => m.author === 'Sam').map((m) => m.text),
    maxSamples: 3,
    maxReplyTokens: 12,
  };
}

const words = (s: string): number => s.split(/\s+/).filter((w) => w !== '').length;

interface Scored {
  prompt: ModelPrompt;
  continuation: string;
}

/** Scores each continuation at 1 nat per word plus 0.1 per prompt word (so longer prompts score worse). */
function fakeModel(log: Scored[], completions: string[]): PromptModel {
  return {
    async complete(prompt: ModelPrompt, _options: GenerationOptions) {
      completions.push('text' in prompt ? prompt.text : '');
      return ' sure thing\nKim: and more\nSam: not this';
    },
    async score(prompt, continuation) {
      log.push({ prompt, continuation });
      const promptWords = 'text' in prompt ? words(prompt.text) : prompt.messages.reduce((s, m) => s + words(m.content), 0);
      return { nll: words(continuation) * (1 + 0.1 * promptWords), tokens: words(continuation) };
    },
  };
}

function engines(model: PromptModel, adapter?: PromptModel): EvalEngines {
  return {
    contextWindow: 4096,
    modelId: 'fake',
    generate: () => Promise.reject(new Error('generation must go through the prompt model')),
    countTokens: (texts) => Promise.resolve(texts.map(words)),
    embed: (texts) => Promise.resolve(texts.map((t) => new Float32Array([1, t.length % 7, t.includes('pizza') ? 1 : 0]).map((x, _i, a) => x / Math.hypot(...a)))),
    promptModel: { ...model, mode: 'transcript' },
    ...(adapter !== undefined ? { adapter: { ...adapter, label: 'fake adapter' } } : {}),
  };
}

describe('runFidelityEval: held-out likelihood', () => {
  it('scores the same real held-out replies under every variant, never with a held-out reply in a prompt', async () => {
    const log: Scored[] = [];
    const completions: string[] = [];
    const data = input();
    const report = await runFidelityEval(data, engines(fakeModel(log, completions)));
    const likelihood = report.likelihood;
    if (likelihood === undefined) throw new Error('no likelihood report');
    expect(likelihood.replies).toBe(3);
    expect(likelihood.variants.map((v) => v.id)).toEqual(['generic', 'context', 'retrieval', 'noExamples', 'persona']);
    expect(log).toHaveLength(3 * 5);

    const heldOut = data.pairs.filter((p) => p.heldOut);
    const sampled = report.examples.map((e) => e.real);
    for (const { prompt, continuation } of log) {
      const text = 'text' in prompt ? prompt.text : '';
      for (const p of heldOut) for (const bubble of p.reply.split('\n')) expect(text).not.toContain(bubble);
      // The continuation is one of the sampled real replies, bubbles as transcript lines.
      const speaker = text.endsWith('\nAssistant:') ? 'Assistant' : 'Kim';
      expect(text.endsWith(`\n${speaker}:`)).toBe(true);
      expect(sampled.map((r) => ` ${r.split('\n').join(`\n${speaker}: `)}`)).toContain(continuation);
    }
    // Token-weighted means of what the model returned; longer prompts cost more in this fake.
    for (const v of likelihood.variants) {
      const mine = log.filter((_, i) => i % 5 === likelihood.variants.indexOf(v));
      const expected = mine.reduce((s, x) => s + words(x.continuation) * (1 + 0.1 * words('text' in x.prompt ? x.prompt.text : '')), 0) / mine.reduce((s, x) => s + words(x.continuation), 0);
      expect(v.nll).toBeCloseTo(expected, 3);
      expect(v.perReply).toHaveLength(3);
    }
    const by = Object.fromEntries(likelihood.variants.map((v) => [v.id, v.nll]));
    expect(by.persona).toBeGreaterThan(by.context ?? Infinity);

    // Generation went through the prompt model and its continuations came back as bubbles.
    expect(completions).toHaveLength(3 * 3);
    expect(report.examples[0]?.generated.persona).toBe('sure thing\nand more');
  });

  it('scores the tuning variants beside the persona prompt and generates only for the first samples when asked', async () => {
    const log: Scored[] = [];
    const completions: string[] = [];
    const report = await runFidelityEval({ ...input(), tuning: true, maxGenerated: 1 }, engines(fakeModel(log, completions)));
    expect(report.likelihood?.variants.map((v) => v.id)).toEqual(['generic', 'context', 'retrieval', 'noExamples', 'persona', 'instruction', 'examples4', 'examples16', 'styleLast', 'bestLast']);
    expect(report.likelihood?.replies).toBe(3);
    expect(log).toHaveLength(3 * 10);
    const instruction = log.filter((_, i) => i % 10 === 5).map((x) => ('text' in x.prompt ? x.prompt.text : ''));
    for (const text of instruction) {
      expect(text).toContain('You are a simulation of Kim');
      expect(text.endsWith('\nKim:')).toBe(true);
    }
    expect(completions).toHaveLength(3);
    expect(report.examples).toHaveLength(1);
  });

  it('adds the adapter as one more variant, scored on the persona prompt, with its own replies', async () => {
    const log: Scored[] = [];
    const adapterLog: Scored[] = [];
    const report = await runFidelityEval(input(), engines(fakeModel(log, []), fakeModel(adapterLog, [])));
    expect(report.likelihood?.variants.map((v) => v.id)).toEqual(['generic', 'context', 'retrieval', 'noExamples', 'persona', 'personaAdapter']);
    expect(adapterLog).toHaveLength(3);
    const personaPrompts = log.filter((_, i) => i % 5 === 4).map((x) => x.prompt);
    expect(adapterLog.map((x) => x.prompt)).toEqual(personaPrompts);
    expect(report.adapterVariant?.label).toContain('fake adapter');
    expect(report.examples.every((e) => e.adapterReply === 'sure thing\nand more')).toBe(true);
  });
});
