// The studio's drafting step with fixed model answers (an engine stand-in that streams a given text): a
// clean answer opens the form with the draft, a repairable one with warnings, gibberish opens the manual
// form pre-filled with the description and the clear fallback sentence, Stop keeps the description.
import { describe, expect, it } from 'vitest';
import type { ModelManager } from '../../src/app/model-manager.svelte';
import { StudioManager } from '../../src/app/studio-manager.svelte';
import type { ChatMessage, Generation, GenerationOptions } from '../../src/lib/llm/types';
import type { Result } from '../../src/lib/rpc/progress';

type Options = GenerationOptions & { signal?: AbortSignal; onDelta?: (delta: string, tokens: number) => void };

interface Fake {
  /** Tokens the fake tokenizer gives each character (CJK text costs about one a character). */
  tokensPerChar?: number;
  contextWindow?: number;
  /** What generate does instead of streaming `answer`. */
  generateFails?: 'error' | 'throw';
  countFails?: boolean;
}

/** What the studio uses of the model manager: the loaded model and `engine.generate` / `countPromptTokens`. */
function fakeModels(answer: string, seen: { messages?: ChatMessage[]; options?: Options; promptTokens?: number } = {}, fake: Fake = {}): ModelManager {
  const count = (messages: readonly ChatMessage[]): number => messages.reduce((n, m) => n + Math.ceil(m.content.length * (fake.tokensPerChar ?? 0.25)) + 4, 3);
  const countPromptTokens = (messages: readonly ChatMessage[]): Promise<number> =>
    fake.countFails === true ? Promise.reject(new Error('tokenizer not ready')) : Promise.resolve(count(messages));
  const generate = (messages: readonly ChatMessage[], options: Options = {}): Promise<Result<Generation>> => {
    seen.messages = [...messages];
    seen.options = options;
    seen.promptTokens = count(messages);
    if (fake.generateFails === 'throw') return Promise.reject(new Error('worker went away'));
    if (fake.generateFails === 'error') {
      return Promise.resolve({ ok: false, error: { name: 'AppError', code: 'context-overflow', message: 'The prompt is longer than the context window.' } });
    }
    const pieces = answer.match(/.{1,6}/gs) ?? [];
    // Streams after the caller got control back, so a Stop in between is seen like a real engine's.
    return new Promise((resolve) =>
      setTimeout(() => {
        const aborted = options.signal?.aborted === true;
        if (!aborted) pieces.forEach((w, i) => options.onDelta?.(w, i + 1));
        resolve({
          ok: true,
          value: { text: aborted ? '' : answer, finishReason: aborted ? 'abort' : 'stop', promptTokens: 400, completionTokens: pieces.length, timeToFirstTokenMs: 1, tokensPerSecond: 50, totalMs: 10 },
        });
      }, 0),
    );
  };
  const models = {
    loaded: { id: 'tiny', label: 'Tiny', engine: 'cpu', contextWindow: fake.contextWindow ?? 2048, loadMs: 1, runtime: 'test' },
    engine: { generate, countPromptTokens },
  };
  return models as unknown as ModelManager;
}

const DESCRIPTION = 'A grumpy lighthouse keeper.';

describe('StudioManager.draft', () => {
  it('opens the form with a clean draft, asking for the JSON Schema', async () => {
    const seen: { messages?: ChatMessage[]; options?: Options } = {};
    const studio = new StudioManager(fakeModels('{"name":"Rui","background":"Keeps a lighthouse.","traits":[{"name":"grumpy","strength":0.9}],"rules":{"do":[],"dont":[]},"examples":[],"greetings":["what"],"memories":[]}', seen));
    studio.description = DESCRIPTION;
    expect(studio.canDraft).toBe(true);
    await studio.draft();
    expect(seen.options?.jsonSchema).toMatch(/"traits"/);
    expect(seen.options?.max_tokens).toBe(1024);
    expect(seen.messages?.[1]?.content).toContain(JSON.stringify({ description: DESCRIPTION }));
    expect(studio.failure).toBeNull();
    expect(studio.source).toBe('draft');
    expect(studio.form?.draft).toMatchObject({ name: 'Rui', background: 'Keeps a lighthouse.', traits: [{ name: 'grumpy', strength: 0.9 }], greetings: ['what'] });
    expect(studio.tokens).toBeGreaterThan(5);
    expect(studio.phase).toBe('idle');
  });

  it('repairs what it can and lists what was fixed', async () => {
    const studio = new StudioManager(fakeModels("Here you go: {'name': 'Rui', 'traits': [{'name': 'grumpy', 'strength': 3}],}"));
    studio.description = DESCRIPTION;
    await studio.draft();
    expect(studio.failure).toBeNull();
    expect(studio.form?.draft.traits).toEqual([{ name: 'grumpy', strength: 1 }]);
    // No background drafted: the description stands in.
    expect(studio.form?.draft.background).toBe(DESCRIPTION);
    expect(studio.warnings.join('; ')).toMatch(/brought into 0-1/);
  });

  it('falls back to the manual form with a clear message on gibberish', async () => {
    const studio = new StudioManager(fakeModels('ĠĠ the the lighthouse ,,, Ċ ok'));
    studio.description = DESCRIPTION;
    await studio.draft();
    expect(studio.failure).toBe("The model's answer was not a usable persona draft (The model did not answer with JSON). You can fill the form yourself.");
    expect(studio.form?.draft).toMatchObject({ name: '', background: DESCRIPTION, traits: [] });
  });

  it('keeps the description and opens no form when stopped', async () => {
    const studio = new StudioManager(fakeModels('{"name": "Ru'));
    studio.description = DESCRIPTION;
    const running = studio.draft();
    studio.stop();
    await running;
    expect(studio.form).toBeNull();
    expect(studio.notice).toMatch(/stopped/);
    expect(studio.description).toBe(DESCRIPTION);
  });

  it('cannot draft without a loaded model or a description', () => {
    const none = new StudioManager({ ...fakeModels(''), loaded: null } as unknown as ModelManager);
    none.description = DESCRIPTION;
    expect(none.canDraft).toBe(false);
    const empty = new StudioManager(fakeModels(''));
    expect(empty.canDraft).toBe(false);
  });

  it('opens a blank form pre-filled with the description', () => {
    const studio = new StudioManager(fakeModels(''));
    studio.description = ` ${DESCRIPTION} `;
    studio.blank();
    expect(studio.source).toBe('blank');
    expect(studio.form?.draft.background).toBe(DESCRIPTION);
    studio.form?.add('traits');
    studio.form?.add('do');
    expect(studio.form?.draft.traits).toEqual([{ name: '', strength: 0.5 }]);
    // Empty rows are dropped from what would be saved.
    expect(studio.form?.clean.traits).toEqual([]);
    expect(studio.form?.clean.rules.do).toEqual([]);
  });
});

describe('StudioManager.draft within the context window', () => {
  it('counts the prompt and shortens a long CJK description so prompt and answer fit 2048 tokens', async () => {
    const seen: { options?: Options; promptTokens?: number } = {};
    const studio = new StudioManager(fakeModels('{"name":"Rui","background":"Keeps a lighthouse."}', seen, { tokensPerChar: 1 }));
    studio.description = '灯塔看守人很爱番茄'.repeat(450);
    await studio.draft();
    const max = seen.options?.max_tokens ?? 0;
    expect((seen.promptTokens ?? Infinity) + max).toBeLessThanOrEqual(2048);
    expect(max).toBeGreaterThanOrEqual(512);
    expect(studio.failure).toBeNull();
    expect(studio.warnings[0]).toMatch(/first \d+ of 4050 characters of the description/);
  });

  it('sizes the answer from what the prompt leaves', async () => {
    const seen: { options?: Options; promptTokens?: number } = {};
    const studio = new StudioManager(fakeModels('{"name":"Rui"}', seen, { tokensPerChar: 0.5 }));
    studio.description = 'x'.repeat(1200);
    await studio.draft();
    // Between the minimum and the full budget: the whole description was read, the answer got the rest.
    expect(seen.options?.max_tokens).toBe(2048 - 16 - (seen.promptTokens ?? 0));
    expect(seen.options?.max_tokens).toBeGreaterThan(512);
    expect(seen.options?.max_tokens).toBeLessThan(1024);
    expect(studio.warnings.join(' ')).not.toMatch(/characters of the description/);
  });

  it('drafts with an estimate when the engine cannot count', async () => {
    const seen: { options?: Options } = {};
    const studio = new StudioManager(fakeModels('{"name":"Rui"}', seen, { countFails: true }));
    studio.description = DESCRIPTION;
    await studio.draft();
    expect(seen.options?.max_tokens).toBe(1024);
    expect(studio.form?.draft.name).toBe('Rui');
  });

  it('opens the form with the description and the reason when the engine fails', async () => {
    for (const generateFails of ['error', 'throw'] as const) {
      const studio = new StudioManager(fakeModels('', {}, { generateFails }));
      studio.description = DESCRIPTION;
      await studio.draft();
      expect(studio.failure).toBe(
        generateFails === 'error'
          ? 'Drafting failed: The prompt is longer than the context window. You can fill the form yourself.'
          : 'Drafting failed: worker went away. You can fill the form yourself.',
      );
      expect(studio.form?.draft).toMatchObject({ name: '', background: DESCRIPTION });
      expect(studio.error).toBeNull();
      expect(studio.phase).toBe('idle');
    }
  });

  it('opens the form when the window is too small for any draft', async () => {
    const seen: { options?: Options } = {};
    const studio = new StudioManager(fakeModels('{"name":"Rui"}', seen, { contextWindow: 512, tokensPerChar: 1 }));
    studio.description = DESCRIPTION;
    await studio.draft();
    expect(seen.options).toBeUndefined();
    expect(studio.failure).toMatch(/context window \(512 tokens\) is too small .* You can fill the form yourself\.$/);
    expect(studio.form?.draft.background).toBe(DESCRIPTION);
  });
});
