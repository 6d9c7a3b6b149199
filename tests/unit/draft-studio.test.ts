// The studio's drafting step with fixed model answers (an engine stand-in that streams a given text): a
// clean answer opens the form with the draft, a repairable one with warnings, gibberish opens the manual
// form pre-filled with the description and the clear fallback sentence, Stop keeps the description.
import { describe, expect, it } from 'vitest';
import type { ModelManager } from '../../src/app/model-manager.svelte';
import { StudioManager } from '../../src/app/studio-manager.svelte';
import type { ChatMessage, Generation, GenerationOptions } from '../../src/lib/llm/types';
import type { Result } from '../../src/lib/rpc/progress';

type Options = GenerationOptions & { signal?: AbortSignal; onDelta?: (delta: string, tokens: number) => void };

/** What the studio uses of the model manager: the loaded model and `engine.generate`. */
function fakeModels(answer: string, seen: { messages?: ChatMessage[]; options?: Options } = {}): ModelManager {
  const generate = (messages: readonly ChatMessage[], options: Options = {}): Promise<Result<Generation>> => {
    seen.messages = [...messages];
    seen.options = options;
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
    loaded: { id: 'tiny', label: 'Tiny', engine: 'cpu', contextWindow: 2048, loadMs: 1, runtime: 'test' },
    engine: { generate },
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
    expect(seen.options?.max_tokens).toBeLessThanOrEqual(2048 - 600);
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
