// The fidelity runner with fake engines (deterministic generate/embed): latest held-out contexts first,
// held-out replies never shown to the model nor returned by retrieval, every variant answers the same
// contexts with the same options, progress per phase with numbers, abort, and clear errors.
import { describe, expect, it } from 'vitest';
import type { ChatMessage, GenerationOptions } from '../../src/lib/llm/types';
import { GENERIC_SYSTEM_PROMPT, runFidelityEval, VARIANTS, type EvalEngines, type EvalInput, type EvalProgress } from '../../src/lib/persona/fidelity-run';
import { buildPairs } from '../../src/lib/persona/pairs';
import { computeStyleProfile, type MessageLike, type TurnLike } from '../../src/lib/persona/style';
import { adaptToStyle } from '../../src/lib/persona/style-adapter';
import { memoriesBeforeTest, testSliceStart } from '../../src/lib/persona/test-slice';
import type { MemoryItem } from '../../src/lib/persona/types';
import { AppError } from '../../src/lib/rpc/app-error';

const TOPICS = ['pizza', 'movie', 'train', 'beach', 'exam', 'party', 'coffee', 'rain', 'dog', 'concert'];

/** A two-person chat of 40 exchanges, one a day; the person's replies are lowercase with no periods. */
function chat(): { messages: MessageLike[]; turns: TurnLike[] } {
  const messages: MessageLike[] = [];
  const turns: TurnLike[] = [];
  for (let i = 0; i < 40; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const month = i < 28 ? '01' : '02';
    const topic = TOPICS[i % TOPICS.length] ?? 'x';
    const ask = { id: `a${i}`, ts: `2024-${month}-${day}T10:00:00`, author: 'Sam', kind: 'message' as const, text: `What about the ${topic} number ${i}?` };
    const replyText = i >= 36 ? `heldout reply ${i} ${topic}` : `lol the ${topic} was great ${i}`;
    const reply = { id: `r${i}`, ts: `2024-${month}-${day}T10:01:00`, author: 'Kim', kind: 'message' as const, text: replyText };
    messages.push(ask, reply);
    turns.push({ author: 'Sam', startTs: ask.ts, endTs: ask.ts, text: ask.text, bubbles: 1, messageIds: [ask.id] });
    turns.push({ author: 'Kim', startTs: reply.ts, endTs: reply.ts, text: reply.text, bubbles: 1, messageIds: [reply.id] });
  }
  return { messages, turns };
}

function input(overrides: Partial<EvalInput> = {}): EvalInput {
  const { messages, turns } = chat();
  const { pairs } = buildPairs(turns, 'Kim');
  const firstHeldOut = pairs.filter((p) => p.heldOut).map((p) => p.contextTs).sort()[0] ?? '9999';
  const training = messages.filter((m) => m.ts < firstHeldOut);
  return {
    personaName: 'Kim',
    personName: 'Kim',
    userName: 'Sam',
    profile: computeStyleProfile(messages, turns, 'Kim'),
    pairs,
    memories: [],
    personMessages: training.filter((m) => m.author === 'Kim').map((m) => m.text),
    otherMessages: training.filter((m) => m.author === 'Sam').map((m) => m.text),
    maxSamples: 3,
    maxReplyTokens: 12,
    seed: 5,
    ...overrides,
  };
}

/** Bag of hashed words, unit length: similar texts get similar vectors. */
function fakeVector(text: string): Float32Array {
  const v = new Float32Array(256);
  for (const w of text.toLowerCase().match(/\p{L}+/gu) ?? []) {
    let h = 0;
    for (let i = 0; i < w.length; i++) h = (h * 31 + w.charCodeAt(i)) >>> 0;
    v[h % 256] = (v[h % 256] ?? 0) + 1;
  }
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
}

interface Call {
  messages: ChatMessage[];
  options: GenerationOptions;
}

function fakeEngines(): EvalEngines & { calls: Call[]; embedded: string[] } {
  const calls: Call[] = [];
  const embedded: string[] = [];
  return {
    calls,
    embedded,
    contextWindow: 4096,
    modelId: 'fake-model',
    async generate(messages, options) {
      calls.push({ messages, options });
      const system = messages[0]?.content ?? '';
      // Deterministic, and different per prompt kind, like a model would be.
      return system.startsWith(GENERIC_SYSTEM_PROMPT) ? 'Certainly! Here is a helpful answer.' : `Sure. I liked it a lot, ${messages.length} times.`;
    },
    async countTokens(texts) {
      return texts.map((t) => (t === '' ? 0 : t.split(/\s+/).length));
    },
    async embed(texts) {
      embedded.push(...texts);
      return texts.map(fakeVector);
    },
  };
}

describe('runFidelityEval', () => {
  it('runs every variant on the same latest held-out contexts, never showing held-out replies', async () => {
    const engines = fakeEngines();
    const data = input();
    const heldOut = data.pairs.filter((p) => p.heldOut);
    expect(heldOut).toHaveLength(4);
    const report = await runFidelityEval(data, engines);

    expect(report.version).toBe(1);
    expect(report.modelId).toBe('fake-model');
    expect(report.samples).toBe(3);
    expect(report.heldOutPairs).toBe(4);
    expect(report.variants.map((v) => v.id)).toEqual([...VARIANTS]);
    // Latest first.
    const latest = [...heldOut].sort((a, b) => (a.replyTs < b.replyTs ? 1 : -1)).slice(0, 3);
    expect(report.examples.map((e) => e.pairId)).toEqual(latest.map((p) => p.id));
    expect(report.examples.map((e) => e.real)).toEqual(latest.map((p) => p.reply));

    // Same contexts for the three model variants: the last user message is the held-out context, per sample.
    expect(engines.calls).toHaveLength(9);
    for (let s = 0; s < 3; s++) {
      const trio = engines.calls.slice(s * 3, s * 3 + 3);
      const lastUser = trio.map((c) => c.messages[c.messages.length - 1]?.content);
      expect(new Set(lastUser).size).toBe(1);
      expect(lastUser[0]).toContain(latest[s]?.context[0]?.text ?? '?');
      // Identical generation options for every variant.
      for (const c of trio) expect(c.options).toEqual({ temperature: 0, max_tokens: 12, seed: 5 });
      expect(trio[1]?.messages[0]?.content).toBe(GENERIC_SYSTEM_PROMPT);
      expect(trio[0]?.messages[0]?.content).toContain('Real replies of Kim');
      expect(trio[2]?.messages[0]?.content).not.toContain('Real replies of Kim');
    }
    // No held-out reply ever reaches a prompt; examples are training pairs only.
    for (const c of engines.calls) for (const m of c.messages) expect(m.content.toLowerCase()).not.toContain('heldout');
    const heldOutIds = new Set(heldOut.map((p) => p.id));
    const trainingReplies = new Set(data.pairs.filter((p) => !p.heldOut).map((p) => p.reply));
    for (const e of report.examples) {
      expect(e.usedExampleIds?.length).toBeGreaterThan(0);
      for (const id of e.usedExampleIds ?? []) expect(heldOutIds.has(id)).toBe(false);
      expect(trainingReplies.has(e.generated.retrieval)).toBe(true);
      expect(heldOutIds.has(e.retrievedPairId ?? '')).toBe(false);
      // Retrieval finds the training context about the same topic (the fake embedder is lexical).
      const topic = e.context[0]?.text.match(/the (\w+) number/)?.[1] ?? '?';
      expect(e.generated.retrieval).toContain(topic);
      // The adapter post-processes the persona generation, no new generation.
      expect(e.generated.personaAdapted).toBe(adaptToStyle(e.generated.persona, data.profile).join('\n'));
    }

    // Scores in range, each variant scored on the same number of replies.
    for (const v of report.variants) {
      expect(v.style.score).toBeGreaterThanOrEqual(0);
      expect(v.style.score).toBeLessThanOrEqual(100);
      expect(v.content.each).toHaveLength(3);
      expect(v.content.mean).toBeGreaterThanOrEqual(-1);
      expect(v.content.mean).toBeLessThanOrEqual(1);
      expect(v.authorship.share).toBeGreaterThanOrEqual(0);
      expect(v.authorship.share).toBeLessThanOrEqual(1);
      expect(report.generatedDistributions[v.id].bubbles).toHaveLength(3);
    }
    // The person writes lowercase without periods: the adapter must win on style over the raw persona.
    const style = (id: string) => report.variants.find((v) => v.id === id)?.style.score ?? -1;
    expect(style('personaAdapted')).toBeGreaterThan(style('persona'));
    expect(report.realDistributions.bubbles).toEqual([1, 1, 1]);
    expect(report.authorship.trainPerson).toBe(data.personMessages.length);
    expect(report.authorship.heldOutAccuracy).toBeGreaterThanOrEqual(0);
  });

  it('never puts a memory learned from the test slice into a prompt', async () => {
    const memory = (id: string, text: string, lastSeen: string, sourceMessageIds: string[]): MemoryItem => ({
      id, type: 'fact', text, subject: 'Kim', sourceMessageIds, firstSeen: lastSeen, lastSeen, confidence: 1, pinned: true, origin: 'rule',
    });
    const base = input();
    const start = testSliceStart(base.pairs);
    expect(start).not.toBeNull();
    const heldOutReplyId = base.pairs.find((p) => p.heldOut)?.replyMessageIds[0] ?? '';
    const memories = [
      memory('before', 'Kim owns a red bicycle', '2024-01-03T10:01:00', ['r2']),
      memory('after', 'Kim moved to Oslo', '2024-02-09T10:01:00', []),
      memory('from-test', 'Kim hates the exam', '2024-01-05T10:01:00', [heldOutReplyId]),
      memory('by-hand', 'Kim is left-handed', '', []),
    ];
    expect(memoriesBeforeTest(memories, base.pairs).map((m) => m.id)).toEqual(['before', 'by-hand']);
    const engines = fakeEngines();
    await runFidelityEval({ ...base, memories }, engines);
    const prompts = engines.calls.map((c) => c.messages.map((m) => m.content).join('\n')).join('\n');
    expect(prompts).toContain('Kim owns a red bicycle');
    expect(prompts).toContain('Kim is left-handed');
    expect(prompts).not.toContain('Oslo');
    expect(prompts).not.toContain('hates the exam');
  });

  it('reports progress per phase with growing numbers, ending at the total', async () => {
    const events: EvalProgress[] = [];
    await runFidelityEval(input(), fakeEngines(), { onProgress: (p) => events.push(p) });
    const phases = [...new Set(events.map((e) => e.phase))];
    expect(phases).toEqual(['embed', 'generate', 'score']);
    for (const phase of phases) {
      const list = events.filter((e) => e.phase === phase);
      for (let i = 1; i < list.length; i++) expect(list[i]?.done).toBeGreaterThanOrEqual(list[i - 1]?.done ?? 0);
      expect(list[list.length - 1]?.done).toBe(list[0]?.total);
    }
    const generate = events.filter((e) => e.phase === 'generate' && e.variant !== undefined);
    expect(generate.map((e) => e.variant).slice(0, 3)).toEqual(['persona', 'generic', 'noExamples']);
  });

  it('samples every variant with the same seeded settings when asked to, instead of decoding greedily', async () => {
    const engines = fakeEngines();
    await runFidelityEval({ ...input(), sampling: { temperature: 0.8, top_p: 0.95 } }, engines);
    expect(engines.calls.length).toBeGreaterThan(0);
    for (const c of engines.calls) expect(c.options).toEqual({ temperature: 0.8, top_p: 0.95, max_tokens: 12, seed: 5 });
  });

  it('is deterministic apart from the creation time', async () => {
    const a = await runFidelityEval(input(), fakeEngines());
    const b = await runFidelityEval(input(), fakeEngines());
    expect({ ...a, createdAt: '' }).toEqual({ ...b, createdAt: '' });
  });

  it('stops on abort with code "aborted" and makes no further model calls', async () => {
    const engines = fakeEngines();
    const controller = new AbortController();
    const run = runFidelityEval(input(), engines, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'generate' && p.done === 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'aborted' });
    expect(engines.calls).toHaveLength(2);
  });

  it('never attributes an empty generation to the person', async () => {
    const engines = { ...fakeEngines(), generate: async () => '\n\n' };
    const report = await runFidelityEval(input(), engines);
    const persona = report.variants.find((v) => v.id === 'persona');
    expect(report.examples.every((e) => e.generated.persona === '')).toBe(true);
    expect(persona?.authorship.share).toBe(0);
    expect(persona?.style.parts.find((p) => p.name === 'bubbles')?.score).toBe(0);
    // Retrieval still answers with real replies, so it is attributed at least sometimes.
    expect(report.variants.find((v) => v.id === 'retrieval')?.authorship.share).toBeGreaterThan(0);
  });

  it('explains when there is nothing held out', async () => {
    const data = input();
    const none = { ...data, pairs: data.pairs.map((p) => ({ ...p, heldOut: false })) };
    const error = await runFidelityEval(none, fakeEngines()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('eval-no-held-out');
    expect((error as AppError).message).toMatch(/at least 5 reply pairs/);
  });
});
