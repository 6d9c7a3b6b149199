// Stored model settings are untrusted: garbage falls back to defaults, bad custom models are dropped,
// valid ones survive a round trip and become catalog entries.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LLM_SETTINGS, customEntries, parseLlmSettings, serializeLlmSettings, type LlmSettings } from '../../src/lib/llm/settings';

const ORIGIN = 'http://127.0.0.1:4173';

describe('parseLlmSettings', () => {
  it('falls back to the defaults for missing or broken data', () => {
    expect(parseLlmSettings(null, ORIGIN)).toEqual(DEFAULT_LLM_SETTINGS);
    expect(parseLlmSettings('{not json', ORIGIN)).toEqual(DEFAULT_LLM_SETTINGS);
    expect(parseLlmSettings('42', ORIGIN)).toEqual(DEFAULT_LLM_SETTINGS);
    expect(parseLlmSettings(JSON.stringify({ source: { kind: 'custom', baseUrl: 'javascript:alert(1)' } }), ORIGIN).source).toEqual({ kind: 'hub' });
  });

  it('round-trips valid settings and drops invalid custom models', () => {
    const settings: LlmSettings = {
      source: { kind: 'custom', baseUrl: 'https://mirror.example/models/' },
      selectedId: 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC',
      customModels: [
        { engine: 'cpu', modelId: 'tiny-random-llama-smollm2-tok', dtype: 'q8', contextWindow: 2048, label: 'Tiny' },
        { engine: 'webllm', modelUrl: 'https://hf.co/me/M-q4f32_1-MLC', modelLibUrl: 'https://x.example/m.wasm', contextWindow: 4096 },
      ],
    };
    const raw = JSON.parse(serializeLlmSettings(settings)) as Record<string, unknown>;
    raw['customModels'] = [...(raw['customModels'] as unknown[]), { engine: 'webllm', modelUrl: 'x', modelLibUrl: 'y', contextWindow: 4096 }, { engine: 'cpu', modelId: '../../x', contextWindow: 1 }];
    const parsed = parseLlmSettings(JSON.stringify(raw), ORIGIN);
    expect(parsed).toEqual(settings);
    expect(customEntries(parsed, ORIGIN).map((e) => [e.engine, e.label])).toEqual([
      ['cpu', 'Tiny'],
      ['webllm', 'M-q4f32_1-MLC'],
    ]);
  });

  it('normalizes a mirror address and keeps the local source', () => {
    expect(parseLlmSettings(JSON.stringify({ source: { kind: 'custom', baseUrl: 'https://m.example/x' } }), ORIGIN).source).toEqual({
      kind: 'custom',
      baseUrl: 'https://m.example/x/',
    });
    expect(parseLlmSettings(JSON.stringify({ source: { kind: 'local' } }), ORIGIN).source).toEqual({ kind: 'local' });
  });
});
