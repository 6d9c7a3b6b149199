// The llm worker API with a fake runtime: streaming arrives batched and in order with the engine's
// timing, requests run one at a time, Stop interrupts the running request and cancels a queued one
// before it starts, errors come back as results with LLM codes, and a device loss drops the model.
import { describe, expect, it } from 'vitest';
import type { RuntimeAdapter, TokenSink } from '../../src/lib/llm/engine';
import type { ModelSpec } from '../../src/lib/llm/types';
import { createLlmWorkerApi } from '../../src/lib/llm/worker-api';

const SPEC: ModelSpec = {
  engine: 'cpu',
  id: 'cpu:test',
  label: 'Test model',
  modelId: 'tiny',
  dtype: 'q8',
  contextWindow: 2048,
  source: { kind: 'local', path: '/models/transformers/' },
  smallerModel: { id: 'cpu:smaller', label: 'Smaller model' },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Emits `words` one per `stepMs`, checking its interrupt flag between steps like the real adapters. */
function fakeAdapter(words: string[], stepMs: number, log: string[] = []): RuntimeAdapter & { interrupts: number } {
  let interrupted = false;
  const adapter = {
    runtime: 'fake',
    interrupts: 0,
    async generate(messages: readonly { content: string }[], _options: unknown, sink: TokenSink) {
      interrupted = false;
      log.push(`start:${messages[0]?.content ?? ''}`);
      let text = '';
      for (const w of words) {
        if (interrupted) {
          log.push('abort');
          return { text, finishReason: 'abort' as const, promptTokens: 7 };
        }
        await sleep(stepMs);
        sink.token();
        sink.text(w);
        text += w;
      }
      log.push('end');
      return { text, finishReason: 'stop' as const, promptTokens: 7 };
    },
    interrupt() {
      interrupted = true;
      adapter.interrupts++;
    },
    async countTokens(texts: readonly string[]) {
      return texts.map((t) => t.split(' ').length);
    },
    async countPromptTokens() {
      return 12;
    },
    async unload() {
      log.push('unload');
    },
  };
  return adapter;
}

describe('llm worker API', () => {
  it('reports no model before a load, as a result', async () => {
    const api = createLlmWorkerApi(async () => fakeAdapter([], 1));
    const r = await api.generate(1, [{ role: 'user', content: 'hi' }], {});
    expect(r).toMatchObject({ ok: false, error: { code: 'no-model-loaded' } });
    expect(await api.countTokens(['a'])).toMatchObject({ ok: false, error: { code: 'no-model-loaded' } });
  });

  it('streams every word in order with token counts and timing', async () => {
    const words = Array.from({ length: 12 }, (_, i) => `w${i} `);
    const api = createLlmWorkerApi(async (_spec, onProgress) => {
      onProgress({ phase: 'download', bytesDone: 1, bytesTotal: 2, fraction: 0.5, etaSeconds: 1 });
      return fakeAdapter(words, 4);
    });
    const progress: string[] = [];
    const loaded = await api.load(SPEC, (p) => progress.push(p.phase), false);
    expect(loaded).toMatchObject({ ok: true, value: { id: 'cpu:test', engine: 'cpu', runtime: 'fake', contextWindow: 2048 } });
    expect(progress).toEqual(['download']);
    const deltas: [string, number][] = [];
    const r = await api.generate(1, [{ role: 'user', content: 'go' }], {}, (d, n) => deltas.push([d, n]));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ text: words.join(''), finishReason: 'stop', promptTokens: 7, completionTokens: 12 });
    expect(r.value.timeToFirstTokenMs).toBeGreaterThanOrEqual(3);
    expect(r.value.tokensPerSecond).toBeGreaterThan(0);
    expect(deltas.map(([d]) => d).join('')).toBe(words.join(''));
    expect(deltas.at(-1)?.[1]).toBe(12);
    // Coalesced: fewer messages than tokens when tokens come faster than the 16 ms frame.
    expect(deltas.length).toBeLessThan(words.length);
    expect(await api.countTokens(['a b', 'c'])).toEqual({ ok: true, value: [2, 1] });
    expect(await api.countPromptTokens([{ role: 'user', content: 'x' }])).toEqual({ ok: true, value: 12 });
  });

  it('interrupts the running request and never starts a cancelled queued one', async () => {
    const log: string[] = [];
    const adapter = fakeAdapter(['a ', 'b ', 'c ', 'd ', 'e '], 20, log);
    const api = createLlmWorkerApi(async () => adapter);
    await api.load(SPEC, () => undefined, false);
    const first = api.generate(1, [{ role: 'user', content: 'one' }], {});
    const second = api.generate(2, [{ role: 'user', content: 'two' }], {});
    const third = api.generate(3, [{ role: 'user', content: 'three' }], {});
    await sleep(30);
    api.interrupt(2);
    api.interrupt(1);
    const [r1, r2, r3] = await Promise.all([first, second, third]);
    expect(r1).toMatchObject({ ok: true, value: { finishReason: 'abort' } });
    expect(r1.ok && r1.value.completionTokens).toBeLessThan(5);
    expect(r2).toMatchObject({ ok: true, value: { finishReason: 'abort', completionTokens: 0, text: '' } });
    expect(r3).toMatchObject({ ok: true, value: { finishReason: 'stop', text: 'a b c d e ' } });
    expect(log).toEqual(['start:one', 'abort', 'start:three', 'end']);
  });

  it('maps a device loss to a result naming the smaller model, and drops the model', async () => {
    const broken = fakeAdapter([], 1);
    broken.generate = async () => {
      const e = new Error('The WebGPU device was lost while generating.');
      e.name = 'DeviceLostError';
      throw e;
    };
    const api = createLlmWorkerApi(async () => broken);
    await api.load(SPEC, () => undefined, false);
    const r = await api.generate(1, [{ role: 'user', content: 'x' }], {});
    expect(r).toMatchObject({ ok: false, error: { code: 'device-lost', details: { smallerModelId: 'cpu:smaller' } } });
    expect(!r.ok && r.error.message).toMatch(/Try a smaller model: Smaller model\./);
    expect(api.loaded()).toBeNull();
  });

  it('returns load failures as results and unloads the previous model first', async () => {
    const log: string[] = [];
    let calls = 0;
    const api = createLlmWorkerApi(async () => {
      calls++;
      if (calls === 2) throw new TypeError('Failed to fetch');
      return fakeAdapter(['x'], 1, log);
    });
    expect((await api.load(SPEC, () => undefined, false)).ok).toBe(true);
    const r = await api.load({ ...SPEC, id: 'cpu:other', label: 'Other' }, () => undefined, false);
    expect(r).toMatchObject({ ok: false, error: { code: 'download-failed' } });
    expect(!r.ok && r.error.message).toMatch(/this site's \/models\/transformers\/ folder/);
    expect(log).toContain('unload');
    expect(api.loaded()).toBeNull();
  });
});
