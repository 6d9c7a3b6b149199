// Model catalog: web-llm 0.2.79's real prebuilt list filtered to persona models, size estimates checked
// against the real model library's parameter table, source resolution (hub / this site / mirror) keeping
// weights and library from one entry, and the custom-model form's validation.
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CPU_CATALOG,
  PERSONA_FAMILIES,
  customEntry,
  estimateMlcBytes,
  needsShaderF16,
  resolveSpec,
  webLlmCatalog,
  type ModelRecordLike,
  type WebLlmEntry,
} from '../../src/lib/llm/catalog';

const ORIGIN = 'http://127.0.0.1:4173';
const records = prebuiltAppConfig.model_list as ModelRecordLike[];
const catalog = webLlmCatalog(records);
const LIB = new URL('../models/mlc/libs/v0_2_48/Qwen2-0.5B-Instruct-q4f32_1-ctx4k_cs1k-webgpu.wasm', import.meta.url);

function entry(id: string): WebLlmEntry {
  const found = catalog.find((e) => e.id === id);
  if (found === undefined) throw new Error(`${id} missing from the catalog`);
  return found;
}

/** Bytes of all parameters the compiled library expects (its embedded metadata, as tests/model-gen/mlc-params.ts reads it). */
function libraryParamBytes(): number {
  const text = readFileSync(LIB).toString('latin1');
  const start = text.indexOf('{"model_type"');
  let depth = 0;
  let end = start;
  for (; end < text.length; end++) {
    if (text[end] === '{') depth++;
    else if (text[end] === '}' && --depth === 0) break;
  }
  const meta = JSON.parse(text.slice(start, end + 1)) as { params: { shape: number[]; dtype: string }[] };
  const size: Record<string, number> = { uint32: 4, float32: 4, float16: 2 };
  return meta.params.reduce((sum, p) => sum + p.shape.reduce((a, b) => a * b, 1) * (size[p.dtype] ?? NaN), 0);
}

describe('webLlmCatalog on the real prebuilt list', () => {
  it('keeps only persona families in 4-bit builds, both f16 and f32', () => {
    expect(records.length).toBeGreaterThan(100);
    expect(catalog.length).toBe(PERSONA_FAMILIES.length * 2);
    for (const e of catalog) {
      expect(e.id).toMatch(/-q4f(16|32)_1-MLC$/);
      expect(e.id).not.toMatch(/Coder|Math|-1k$|jpn|vision|embed/i);
      expect(PERSONA_FAMILIES.some((f) => e.id.startsWith(`${f.base}-`))).toBe(true);
    }
    for (const id of [
      'Qwen2.5-0.5B-Instruct-q4f32_1-MLC',
      'Qwen2.5-1.5B-Instruct-q4f16_1-MLC',
      'Qwen3-0.6B-q4f16_1-MLC',
      'Qwen3-4B-q4f32_1-MLC',
      'Llama-3.2-1B-Instruct-q4f16_1-MLC',
      'Llama-3.2-3B-Instruct-q4f32_1-MLC',
      'gemma-2-2b-it-q4f16_1-MLC',
      'Phi-3.5-mini-instruct-q4f32_1-MLC',
      'SmolLM2-360M-Instruct-q4f16_1-MLC',
      'SmolLM2-1.7B-Instruct-q4f32_1-MLC',
    ]) {
      expect(entry(id).engine).toBe('webllm');
    }
    expect(catalog.some((e) => e.id.startsWith('Llama-3.1-8B'))).toBe(false);
  });

  it('copies URLs, VRAM and context from the same record, and flags f16 builds', () => {
    for (const e of catalog) {
      const record = records.find((r) => r.model_id === e.id);
      expect(record).toBeDefined();
      expect(e.modelUrl).toBe(record?.model);
      expect(e.modelLibUrl).toBe(record?.model_lib);
      expect(e.vramMB).toBe(record?.vram_required_MB);
      expect(e.contextWindow).toBe(record?.overrides?.context_window_size);
      expect(e.lowResource).toBe(record?.low_resource_required === true);
      // web-llm lists shader-f16 for only some f16 builds; every q4f16 build needs it.
      expect(e.needsShaderF16).toBe(e.quantization === 'q4f16_1');
    }
    expect(entry('Qwen2.5-0.5B-Instruct-q4f32_1-MLC').modelLibUrl).toMatch(/v0_2_48\/Qwen2-0\.5B-Instruct-q4f32_1-ctx4k_cs1k-webgpu\.wasm$/);
  });

  it('turns thinking off for Qwen3 only', () => {
    for (const e of catalog) expect(e.disableThinking).toBe(e.id.startsWith('Qwen3'));
  });

  it('estimates the download within 1% of the real library parameter table', () => {
    const real = libraryParamBytes();
    expect(real).toBeGreaterThan(300e6);
    const estimate = entry('Qwen2.5-0.5B-Instruct-q4f32_1-MLC').downloadBytes;
    expect(Math.abs(estimate - real) / real).toBeLessThan(0.01);
    expect(estimateMlcBytes(1e9, 'q4f16_1')).toBe(562_500_000);
    expect(entry('Qwen2.5-0.5B-Instruct-q4f16_1-MLC').downloadBytes).toBeLessThan(estimate);
  });

  it('ignores embedding and vision records even when their id matches a family', () => {
    const fake: ModelRecordLike[] = [
      { model: 'https://x/a', model_id: 'Qwen3-0.6B-q4f16_1-MLC', model_lib: 'https://x/a-webgpu.wasm', model_type: 1 },
      { model: 'https://x/b', model_id: 'Qwen3-0.6B-q4f32_1-MLC', model_lib: 'https://x/b-webgpu.wasm' },
    ];
    expect(webLlmCatalog(fake).map((e) => e.id)).toEqual(['Qwen3-0.6B-q4f32_1-MLC']);
  });
});

describe('needsShaderF16', () => {
  it('reads the quantization from the id or the library name', () => {
    expect(needsShaderF16({ model_id: 'A-q4f16_1-MLC', model_lib: 'x.wasm' })).toBe(true);
    expect(needsShaderF16({ model_id: 'A-q4f32_1-MLC', model_lib: 'x.wasm' })).toBe(false);
    expect(needsShaderF16({ model_id: 'custom', model_lib: '/libs/A-q0f16-ctx4k-webgpu.wasm' })).toBe(true);
    expect(needsShaderF16({ model_id: 'custom', model_lib: 'x.wasm', required_features: ['shader-f16'] })).toBe(true);
  });
});

describe('resolveSpec', () => {
  const qwen = entry('Qwen2.5-0.5B-Instruct-q4f32_1-MLC');

  it('uses the published URLs from the hub', () => {
    const spec = resolveSpec(qwen, { kind: 'hub' }, ORIGIN);
    expect(spec).toMatchObject({ engine: 'webllm', modelUrl: qwen.modelUrl, modelLibUrl: qwen.modelLibUrl, contextWindow: 4096 });
  });

  it("maps weights and library into this site's /models/ layout, keeping the library version folder", () => {
    const spec = resolveSpec(qwen, { kind: 'local' }, ORIGIN);
    expect(spec.engine === 'webllm' && spec.modelUrl).toBe(`${ORIGIN}/models/mlc/models/Qwen2.5-0.5B-Instruct-q4f32_1-MLC/resolve/main/`);
    expect(spec.engine === 'webllm' && spec.modelLibUrl).toBe(`${ORIGIN}/models/mlc/libs/v0_2_48/Qwen2-0.5B-Instruct-q4f32_1-ctx4k_cs1k-webgpu.wasm`);
    const sub = resolveSpec(qwen, { kind: 'local' }, ORIGIN, { basePath: '/app/' });
    expect(sub.engine === 'webllm' && sub.modelUrl).toBe(`${ORIGIN}/app/models/mlc/models/Qwen2.5-0.5B-Instruct-q4f32_1-MLC/resolve/main/`);
  });

  it('uses the same layout on a mirror', () => {
    const spec = resolveSpec(qwen, { kind: 'custom', baseUrl: 'https://mirror.example/llm' }, ORIGIN);
    expect(spec.engine === 'webllm' && spec.modelUrl).toBe('https://mirror.example/llm/mlc/models/Qwen2.5-0.5B-Instruct-q4f32_1-MLC/resolve/main/');
    expect(spec.engine === 'webllm' && spec.modelLibUrl).toBe('https://mirror.example/llm/mlc/libs/v0_2_48/Qwen2-0.5B-Instruct-q4f32_1-ctx4k_cs1k-webgpu.wasm');
  });

  it('points CPU models at the hub, a root-relative local folder, or a mirror', () => {
    const cpu = CPU_CATALOG[0];
    if (cpu === undefined) throw new Error('no CPU model');
    expect(resolveSpec(cpu, { kind: 'hub' }, ORIGIN)).toMatchObject({ engine: 'cpu', modelId: cpu.modelId, source: { kind: 'hub' } });
    expect(resolveSpec(cpu, { kind: 'local' }, ORIGIN)).toMatchObject({ source: { kind: 'local', path: '/models/transformers/' } });
    expect(resolveSpec(cpu, { kind: 'custom', baseUrl: 'https://m.example/' }, ORIGIN)).toMatchObject({
      source: { kind: 'custom', baseUrl: 'https://m.example/transformers/' },
    });
  });

  it('keeps a custom WebLLM model on its own URLs whatever the source, and passes the smaller model on', () => {
    const custom = customEntry(
      { engine: 'webllm', modelUrl: '/models/generated/my-q4f32_1-MLC', modelLibUrl: '/models/libs/my-q4f32_1-webgpu.wasm', contextWindow: 2048 },
      ORIGIN,
    );
    if (!custom.ok) throw new Error(custom.message);
    const spec = resolveSpec(custom.entry, { kind: 'custom', baseUrl: 'https://elsewhere.example/' }, ORIGIN, {
      smallerModel: { id: 'x', label: 'X' },
    });
    expect(spec).toMatchObject({
      modelUrl: `${ORIGIN}/models/generated/my-q4f32_1-MLC`,
      modelLibUrl: `${ORIGIN}/models/libs/my-q4f32_1-webgpu.wasm`,
      contextWindow: 2048,
      smallerModel: { id: 'x', label: 'X' },
    });
  });
});

describe('customEntry', () => {
  it('accepts absolute or site-relative URLs and makes a stable id', () => {
    const input = { engine: 'webllm' as const, modelUrl: 'https://hf.co/me/Tune-q4f16_1-MLC', modelLibUrl: 'https://x.example/Tune-q4f16_1-webgpu.wasm', contextWindow: 4096 };
    const a = customEntry(input, ORIGIN);
    const b = customEntry({ ...input }, ORIGIN);
    expect(a.ok && b.ok && a.entry.id === b.entry.id).toBe(true);
    expect(a.ok && a.entry).toMatchObject({ custom: true, label: 'Tune-q4f16_1-MLC', quantization: 'q4f16_1', engine: 'webllm' });
    expect(a.ok && a.entry.engine === 'webllm' && a.entry.needsShaderF16).toBe(true);
    const other = customEntry({ ...input, contextWindow: 2048 }, ORIGIN);
    expect(other.ok && a.ok && other.entry.id !== a.entry.id).toBe(true);
  });

  it('names the model after its folder, not resolve/main', () => {
    const r = customEntry({ engine: 'webllm', modelUrl: `${ORIGIN}/m/Qwen3-X-q4f32_1-MLC/resolve/main/`, modelLibUrl: '/l.wasm', contextWindow: 4096 }, ORIGIN);
    expect(r.ok && r.entry.label).toBe('Qwen3-X-q4f32_1-MLC');
    expect(r.ok && r.entry.engine === 'webllm' && r.entry.disableThinking).toBe(true);
  });

  it('rejects what the engine could not load', () => {
    const base = { engine: 'webllm' as const, modelUrl: 'https://a.example/m', modelLibUrl: 'https://a.example/l.wasm', contextWindow: 4096 };
    expect(customEntry({ ...base, modelUrl: 'ftp://a.example/m' }, ORIGIN)).toMatchObject({ ok: false });
    expect(customEntry({ ...base, modelLibUrl: 'https://a.example/lib.js' }, ORIGIN)).toMatchObject({ ok: false });
    expect(customEntry({ ...base, contextWindow: 100 }, ORIGIN)).toMatchObject({ ok: false });
    expect(customEntry({ ...base, contextWindow: 4096.5 }, ORIGIN)).toMatchObject({ ok: false });
    const cpu = { engine: 'cpu' as const, dtype: 'q8' as const, contextWindow: 2048 };
    expect(customEntry({ ...cpu, modelId: '../etc' }, ORIGIN)).toMatchObject({ ok: false });
    expect(customEntry({ ...cpu, modelId: 'https://evil.example/x' }, ORIGIN)).toMatchObject({ ok: false });
    expect(customEntry({ ...cpu, modelId: 'a/b/c' }, ORIGIN)).toMatchObject({ ok: false });
    expect(customEntry({ ...cpu, modelId: ' tiny-random-llama-smollm2-tok/ ' }, ORIGIN)).toMatchObject({
      ok: true,
      entry: { engine: 'cpu', modelId: 'tiny-random-llama-smollm2-tok', dtype: 'q8' },
    });
  });
});
