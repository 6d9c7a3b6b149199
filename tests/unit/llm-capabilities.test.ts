// Capability decisions on fake adapters: a real GPU with and without shader-f16, Chromium's SwiftShader
// fallback (the adapter these tests' browser really reports), a phone-sized GPU, no WebGPU at all;
// what gets greyed out and why, and which single model is recommended.
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import {
  assess,
  deviceTier,
  gpuKind,
  probeDevice,
  recommend,
  smallerAlternative,
  summarize,
  type DeviceFacts,
} from '../../src/lib/llm/capabilities';
import { CPU_CATALOG, webLlmCatalog, type CatalogEntry, type ModelRecordLike } from '../../src/lib/llm/catalog';

const ENTRIES: CatalogEntry[] = [...CPU_CATALOG, ...webLlmCatalog(prebuiltAppConfig.model_list as ModelRecordLike[])];
const GiB = 1024 ** 3;

function byId(id: string): CatalogEntry {
  const e = ENTRIES.find((x) => x.id === id);
  if (e === undefined) throw new Error(id);
  return e;
}

interface FakeAdapter {
  features: string[];
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  info: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}

/** A navigator with a fake WebGPU (or none), memory, cores and storage. */
function nav(adapter: FakeAdapter | null | 'throws' | 'absent', extra: { deviceMemory?: number; cores?: number; free?: number } = {}) {
  const quota = 10 * GiB;
  return {
    ...(adapter === 'absent'
      ? {}
      : {
          gpu: {
            requestAdapter: async () => {
              if (adapter === 'throws') throw new Error('GPU process crashed');
              if (adapter === null) return null;
              return {
                features: new Set(adapter.features),
                limits: { maxStorageBufferBindingSize: adapter.maxStorageBufferBindingSize, maxBufferSize: adapter.maxBufferSize },
                info: adapter.info,
              };
            },
          },
        }),
    ...(extra.deviceMemory === undefined ? {} : { deviceMemory: extra.deviceMemory }),
    hardwareConcurrency: extra.cores ?? 8,
    storage: {
      estimate: async () => ({ quota, usage: quota - (extra.free ?? 8 * GiB) }),
      persisted: async () => false,
    },
  };
}

const NVIDIA: FakeAdapter = {
  features: ['shader-f16', 'timestamp-query'],
  maxStorageBufferBindingSize: 2 * GiB - 4,
  maxBufferSize: 4 * GiB,
  info: { vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3060' },
};
const NO_F16: FakeAdapter = { ...NVIDIA, features: ['timestamp-query'], info: { vendor: 'intel', architecture: 'gen-9', description: '' } };
// What headless Chromium here reports (probed in this browser): fallback adapter, SwiftShader, no f16.
const SWIFTSHADER: FakeAdapter = {
  features: ['subgroups', 'timestamp-query'],
  maxStorageBufferBindingSize: GiB,
  maxBufferSize: GiB,
  info: { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true },
};
const PHONE: FakeAdapter = {
  features: ['shader-f16'],
  maxStorageBufferBindingSize: 256 * 1024 * 1024,
  maxBufferSize: 256 * 1024 * 1024,
  info: { vendor: 'qualcomm', architecture: 'adreno-7xx', description: 'Adreno (TM) 740' },
};

async function facts(adapter: Parameters<typeof nav>[0], extra: Parameters<typeof nav>[1] = {}): Promise<DeviceFacts> {
  return probeDevice(nav(adapter, extra));
}

describe('probeDevice', () => {
  it('reads adapter, features, limits, memory and storage', async () => {
    const f = await facts(NVIDIA, { deviceMemory: 8, cores: 12, free: 5 * GiB });
    expect(f.gpu).toMatchObject({ available: true, shaderF16: true, isFallbackAdapter: false, vendor: 'nvidia', maxStorageBufferBindingSize: 2 * GiB - 4 });
    expect(f).toMatchObject({ deviceMemoryGB: 8, hardwareConcurrency: 12, storage: { quota: 10 * GiB, usage: 5 * GiB }, persisted: false });
  });

  it('says why there is no GPU: no API, no adapter, or an error', async () => {
    expect((await facts('absent')).gpu).toMatchObject({ available: false, reason: expect.stringMatching(/no WebGPU/) });
    expect((await facts(null)).gpu).toMatchObject({ available: false, reason: expect.stringMatching(/no usable graphics adapter/) });
    expect((await facts('throws')).gpu).toMatchObject({ available: false, reason: expect.stringMatching(/GPU process crashed/) });
  });
});

describe('gpuKind', () => {
  it('tells real, software and missing adapters apart', async () => {
    expect(gpuKind((await facts(NVIDIA)).gpu)).toBe('real');
    expect(gpuKind((await facts(SWIFTSHADER)).gpu)).toBe('software');
    // A software renderer that does not raise the fallback flag is still caught by its name.
    expect(gpuKind((await facts({ ...SWIFTSHADER, info: { vendor: 'mesa', architecture: 'llvmpipe' } })).gpu)).toBe('software');
    expect(gpuKind((await facts('absent')).gpu)).toBe('none');
  });
});

describe('assess', () => {
  it('lets a capable GPU run both builds', async () => {
    const f = await facts(NVIDIA, { deviceMemory: 16 });
    expect(assess(byId('Llama-3.2-3B-Instruct-q4f16_1-MLC'), f)).toEqual({ status: 'ok', reasons: [] });
    expect(assess(byId('Llama-3.2-3B-Instruct-q4f32_1-MLC'), f).status).toBe('ok');
  });

  it('greys out f16 builds without shader-f16 and says to use q4f32', async () => {
    const f = await facts(NO_F16, { deviceMemory: 16 });
    const a = assess(byId('Qwen2.5-1.5B-Instruct-q4f16_1-MLC'), f);
    expect(a.status).toBe('blocked');
    expect(a.reasons.join(' ')).toMatch(/shader-f16.*q4f32/);
    expect(assess(byId('Qwen2.5-1.5B-Instruct-q4f32_1-MLC'), f).status).toBe('ok');
  });

  it('greys out models that are not marked low-resource on a small-buffer GPU', async () => {
    const f = await facts(PHONE, { deviceMemory: 8 });
    const gemma = assess(byId('gemma-2-2b-it-q4f16_1-MLC'), f);
    expect(gemma.status).toBe('blocked');
    expect(gemma.reasons.join(' ')).toMatch(/largest buffer 268 MB/);
    expect(assess(byId('Qwen2.5-0.5B-Instruct-q4f16_1-MLC'), f).status).toBe('ok');
  });

  it('blocks what does not fit the reported memory and warns near the limit', async () => {
    const f = await facts(NVIDIA, { deviceMemory: 4 });
    expect(assess(byId('Qwen3-4B-q4f32_1-MLC'), f)).toMatchObject({ status: 'blocked', reasons: [expect.stringMatching(/reports 4 GB/)] });
    expect(assess(byId('Qwen2.5-1.5B-Instruct-q4f16_1-MLC'), f).status).toBe('ok');
    expect(assess(byId('Llama-3.2-3B-Instruct-q4f16_1-MLC'), f).status).toBe('warn');
  });

  it('blocks every GPU model without WebGPU but keeps CPU models', async () => {
    const f = await facts('absent');
    for (const e of ENTRIES) expect(assess(e, f).status).toBe(e.engine === 'webllm' ? 'blocked' : 'ok');
  });

  it('lets GPU models run on SwiftShader, with a warning that it is very slow', async () => {
    const f = await facts(SWIFTSHADER, { deviceMemory: 16 });
    const qwen = assess(byId('Qwen2.5-0.5B-Instruct-q4f32_1-MLC'), f);
    expect(qwen.status).toBe('warn');
    expect(qwen.reasons.join(' ')).toMatch(/emulated in software/);
    expect(assess(byId('Qwen2.5-0.5B-Instruct-q4f16_1-MLC'), f).status).toBe('blocked');
  });

  it('blocks downloads larger than the free storage unless already cached', async () => {
    const f = await facts(NVIDIA, { deviceMemory: 16, free: 500e6 });
    const big = byId('Llama-3.2-3B-Instruct-q4f16_1-MLC');
    expect(assess(big, f)).toMatchObject({ status: 'blocked', reasons: [expect.stringMatching(/storage; only 500 MB is free/)] });
    expect(assess(big, f, true).status).toBe('ok');
  });

  it('warns that bigger CPU models are slow on two cores', async () => {
    const f = await facts('absent', { cores: 2 });
    expect(assess(byId('cpu:HuggingFaceTB/SmolLM2-360M-Instruct'), f).status).toBe('warn');
    expect(assess(byId('cpu:HuggingFaceTB/SmolLM2-135M-Instruct'), f).status).toBe('ok');
  });
});

describe('recommend', () => {
  it('picks the best f16 build for a strong GPU, the f32 build without f16', async () => {
    expect(recommend(ENTRIES, await facts(NVIDIA, { deviceMemory: 8 }))?.id).toBe('Llama-3.2-3B-Instruct-q4f16_1-MLC');
    expect(recommend(ENTRIES, await facts(NO_F16, { deviceMemory: 8 }))?.id).toBe('Llama-3.2-3B-Instruct-q4f32_1-MLC');
  });

  it('picks mid and small models for smaller devices', async () => {
    const mid = await facts(NVIDIA);
    expect(deviceTier(mid)).toBe('mid');
    expect(recommend(ENTRIES, mid)?.id).toBe('Qwen2.5-1.5B-Instruct-q4f16_1-MLC');
    const phone = await facts(PHONE, { deviceMemory: 8 });
    expect(deviceTier(phone)).toBe('low');
    expect(recommend(ENTRIES, phone)?.id).toBe('Qwen2.5-0.5B-Instruct-q4f16_1-MLC');
  });

  it('skips models blocked by storage, unless cached', async () => {
    const tight = await facts(NVIDIA, { deviceMemory: 8, free: 1.5e9 });
    expect(recommend(ENTRIES, tight)?.id).toBe('Qwen2.5-1.5B-Instruct-q4f16_1-MLC');
    expect(recommend(ENTRIES, tight, { 'Llama-3.2-3B-Instruct-q4f16_1-MLC': true })?.id).toBe('Llama-3.2-3B-Instruct-q4f16_1-MLC');
  });

  it('recommends the CPU engine on SwiftShader and without WebGPU, sized to the cores', async () => {
    const soft = recommend(ENTRIES, await facts(SWIFTSHADER, { cores: 2 }));
    expect(soft?.id).toBe('cpu:HuggingFaceTB/SmolLM2-135M-Instruct');
    expect(soft?.reason).toMatch(/emulated in software/);
    const none = recommend(ENTRIES, await facts('absent', { cores: 8 }));
    expect(none?.id).toBe('cpu:HuggingFaceTB/SmolLM2-360M-Instruct');
    expect(none?.reason).toMatch(/No WebGPU/);
  });
});

describe('smallerAlternative', () => {
  it('offers the next smaller runnable model of the same engine, then the CPU', async () => {
    const f = await facts(NVIDIA, { deviceMemory: 16 });
    const smaller = smallerAlternative(byId('Llama-3.2-3B-Instruct-q4f16_1-MLC'), ENTRIES, f);
    expect(smaller?.engine).toBe('webllm');
    expect(smaller?.downloadBytes).toBeLessThan(byId('Llama-3.2-3B-Instruct-q4f16_1-MLC').downloadBytes);
    const smallest = smallerAlternative(byId('SmolLM2-360M-Instruct-q4f16_1-MLC'), ENTRIES, f);
    expect(smallest?.engine).toBe('cpu');
  });
});

describe('summarize', () => {
  it('says plainly what kind of GPU there is', async () => {
    expect(summarize(await facts(NVIDIA)).headline).toMatch(/graphics card/);
    expect(summarize(await facts(SWIFTSHADER)).headline).toMatch(/software emulation.*Use a CPU model/);
    const none = summarize(await facts('absent'));
    expect(none.kind).toBe('none');
    expect(none.headline).toMatch(/No usable WebGPU/);
    expect(none.details.join('\n')).toMatch(/no WebGPU/);
  });
});
