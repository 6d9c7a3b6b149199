// What this device can run: probes the WebGPU adapter, memory and storage (page side), and decides per
// catalog entry whether it can run ('ok'), runs with a caveat ('warn') or cannot ('blocked', greyed
// out with the reason), then recommends one model. The decisions are pure functions of DeviceFacts,
// so the tests run them on fake adapters. Invariant: a software/fallback adapter (SwiftShader,
// llvmpipe...) never gets a GPU model recommended: it is ~100x slower than the CPU engine.

import type { CatalogEntry, GgufEntry, WebLlmEntry } from './catalog';

export interface GpuFacts {
  available: boolean;
  /** Why there is no adapter (when `available` is false). */
  reason?: string;
  isFallbackAdapter: boolean;
  vendor: string;
  architecture: string;
  description: string;
  shaderF16: boolean;
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

export interface DeviceFacts {
  gpu: GpuFacts;
  /** navigator.deviceMemory in GB (coarse, capped by the browser; null where not exposed). */
  deviceMemoryGB: number | null;
  hardwareConcurrency: number | null;
  storage: { quota: number; usage: number } | null;
  persisted: boolean | null;
}

export type GpuKind = 'real' | 'software' | 'none';

const SOFTWARE_WORDS = ['swiftshader', 'llvmpipe', 'lavapipe', 'softpipe', 'microsoft basic render', 'warp'];

export function gpuKind(gpu: GpuFacts): GpuKind {
  if (!gpu.available) return 'none';
  if (gpu.isFallbackAdapter) return 'software';
  const text = `${gpu.vendor} ${gpu.architecture} ${gpu.description}`.toLowerCase();
  return SOFTWARE_WORDS.some((w) => text.includes(w)) ? 'software' : 'real';
}

/** Adapters whose largest storage buffer is under 1 GiB are phones and small integrated GPUs. */
export const LOW_RESOURCE_BUFFER = 1 << 30;

const NO_GPU: GpuFacts = {
  available: false,
  isFallbackAdapter: false,
  vendor: '',
  architecture: '',
  description: '',
  shaderF16: false,
  maxStorageBufferBindingSize: 0,
  maxBufferSize: 0,
};

interface AdapterLike {
  readonly features: { has(name: string): boolean };
  readonly limits: { readonly maxStorageBufferBindingSize: number; readonly maxBufferSize: number };
  readonly isFallbackAdapter?: boolean;
  readonly info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}

interface NavigatorLike {
  gpu?: { requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<AdapterLike | null> };
  deviceMemory?: number;
  hardwareConcurrency?: number;
  storage?: { estimate?(): Promise<{ quota?: number; usage?: number }>; persisted?(): Promise<boolean> };
}

export async function probeGpu(nav: NavigatorLike | undefined = globalThis.navigator as NavigatorLike | undefined): Promise<GpuFacts> {
  if (nav?.gpu === undefined) return { ...NO_GPU, reason: 'This browser has no WebGPU.' };
  let adapter: AdapterLike | null;
  try {
    adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { ...NO_GPU, reason: `WebGPU refused to start (${error instanceof Error ? error.message : String(error)}).` };
  }
  if (adapter === null) return { ...NO_GPU, reason: 'WebGPU is present but found no usable graphics adapter (it may be disabled or blocklisted).' };
  const info = adapter.info ?? {};
  return {
    available: true,
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description ?? '',
    shaderF16: adapter.features.has('shader-f16'),
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxBufferSize: adapter.limits.maxBufferSize,
  };
}

/** Probes everything the decisions need; never throws. */
export async function probeDevice(nav: NavigatorLike | undefined = globalThis.navigator as NavigatorLike | undefined): Promise<DeviceFacts> {
  const gpu = await probeGpu(nav);
  let storage: DeviceFacts['storage'] = null;
  let persisted: boolean | null = null;
  try {
    const estimate = await nav?.storage?.estimate?.();
    if (estimate?.quota !== undefined) storage = { quota: estimate.quota, usage: estimate.usage ?? 0 };
  } catch {
    storage = null;
  }
  try {
    persisted = (await nav?.storage?.persisted?.()) ?? null;
  } catch {
    persisted = null;
  }
  return {
    gpu,
    deviceMemoryGB: typeof nav?.deviceMemory === 'number' ? nav.deviceMemory : null,
    hardwareConcurrency: typeof nav?.hardwareConcurrency === 'number' ? nav.hardwareConcurrency : null,
    storage,
    persisted,
  };
}

export type AvailabilityStatus = 'ok' | 'warn' | 'blocked';

export interface Availability {
  status: AvailabilityStatus;
  /** Sentences: why blocked, or the caveat. Empty when ok. */
  reasons: string[];
}

function mb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

function freeBytes(facts: DeviceFacts): number | null {
  return facts.storage === null ? null : Math.max(0, facts.storage.quota - facts.storage.usage);
}

/** Whether `entry` can run here. `cached` entries need no storage. */
export function assess(entry: CatalogEntry, facts: DeviceFacts, cached = false): Availability {
  const blocked: string[] = [];
  const warn: string[] = [];
  const free = freeBytes(facts);
  if (!cached && free !== null && entry.downloadBytes > 0 && entry.downloadBytes > free) {
    blocked.push(`Needs ${mb(entry.downloadBytes)} of storage; only ${mb(free)} is free for this site.`);
  }
  if (entry.engine === 'webllm') assessGpu(entry, facts, blocked, warn);
  else if (entry.engine === 'gguf') assessGguf(entry, facts, warn);
  else if (entry.params > 300e6 && facts.hardwareConcurrency !== null && facts.hardwareConcurrency <= 2) {
    warn.push(`Slow with ${facts.hardwareConcurrency} CPU cores: expect a few tokens per second.`);
  }
  if (blocked.length > 0) return { status: 'blocked', reasons: blocked };
  if (warn.length > 0) return { status: 'warn', reasons: warn };
  return { status: 'ok', reasons: [] };
}

function assessGpu(entry: WebLlmEntry, facts: DeviceFacts, blocked: string[], warn: string[]): void {
  const gpu = facts.gpu;
  if (!gpu.available) {
    blocked.push('Needs WebGPU, which this browser does not offer.');
    return;
  }
  if (entry.needsShaderF16 && !gpu.shaderF16) {
    blocked.push('Needs 16-bit GPU shaders (shader-f16), which this GPU or browser lacks; use the q4f32 build.');
  }
  if (entry.bufferSizeRequired !== null && entry.bufferSizeRequired > gpu.maxStorageBufferBindingSize) {
    blocked.push(`Needs GPU buffers of ${mb(entry.bufferSizeRequired)}; this GPU allows ${mb(gpu.maxStorageBufferBindingSize)}.`);
  } else if (!entry.lowResource && !entry.custom && gpu.maxStorageBufferBindingSize < LOW_RESOURCE_BUFFER) {
    blocked.push(`Too large for this GPU (largest buffer ${mb(gpu.maxStorageBufferBindingSize)}); pick a smaller model.`);
  }
  if (entry.vramMB !== null && facts.deviceMemoryGB !== null) {
    const memoryMB = facts.deviceMemoryGB * 1024;
    if (entry.vramMB > memoryMB * 0.75) {
      blocked.push(`Needs about ${mb(entry.vramMB * 1e6)} of GPU memory; this device reports ${facts.deviceMemoryGB} GB in all.`);
    } else if (entry.vramMB > memoryMB * 0.5) {
      warn.push(`Uses about ${mb(entry.vramMB * 1e6)} of the device's ${facts.deviceMemoryGB} GB memory; close other tabs first.`);
    }
  }
  if (gpuKind(gpu) === 'software') {
    warn.push('The GPU here is emulated in software: loading takes minutes and each word many seconds.');
  }
}

/** A GGUF runs anywhere (CPU fallback); large ones are slow without a real GPU. */
function assessGguf(entry: GgufEntry, facts: DeviceFacts, warn: string[]): void {
  const big = entry.params > 1.2e9 || entry.downloadBytes > 900_000_000;
  if (big && gpuKind(facts.gpu) !== 'real') {
    warn.push('No real GPU here: on the CPU a model this size writes a few words per second.');
  }
  if (facts.deviceMemoryGB !== null && entry.downloadBytes > facts.deviceMemoryGB * 1e9 * 0.5) {
    warn.push(`Uses about ${mb(entry.downloadBytes)} of the device's ${facts.deviceMemoryGB} GB memory; close other tabs first.`);
  }
}

/** How the GGUF engine runs on this device: the backend, threads, and the sentence the app shows. */
export interface GgufBackend {
  kind: 'webgpu' | 'wasm-threads' | 'wasm-single';
  /** CPU threads for the WASM kernels (1 without cross-origin isolation). */
  threads: number;
  label: string;
}

/**
 * WebGPU only on a real adapter (a software one is far slower than the CPU); else multi-threaded WASM
 * when the page is cross-origin isolated (SharedArrayBuffer), else one thread. Threads: one per core
 * up to 4 (2 threads gave 1.7x one thread on a 2-core machine; more than the cores oversubscribe).
 */
export function chooseGgufBackend(gpu: GpuFacts, crossOriginIsolated: boolean, cores: number | null, threadsOverride?: number): GgufBackend {
  const maxThreads = crossOriginIsolated ? Math.max(1, Math.min(4, cores ?? 1)) : 1;
  const threads = threadsOverride === undefined ? maxThreads : Math.max(1, Math.min(maxThreads, Math.floor(threadsOverride)));
  if (gpuKind(gpu) === 'real') {
    const name = [gpu.vendor, gpu.architecture].filter((s) => s !== '').join(' ') || 'GPU';
    return { kind: 'webgpu', threads, label: `WebGPU - ${name}` };
  }
  if (threads > 1) return { kind: 'wasm-threads', threads, label: `CPU (WebAssembly, ${threads} threads)` };
  const why = crossOriginIsolated ? '' : ', not cross-origin isolated';
  return { kind: 'wasm-single', threads: 1, label: `CPU (WebAssembly, 1 thread${why})` };
}

export interface Recommendation {
  id: string;
  reason: string;
}

/** Families by preference for each device tier (web-llm base ids, or CPU model ids). */
const GPU_TIERS: Readonly<Record<'strong' | 'mid' | 'low', readonly string[]>> = {
  strong: ['Llama-3.2-3B-Instruct', 'Qwen2.5-3B-Instruct', 'Qwen2.5-1.5B-Instruct', 'Llama-3.2-1B-Instruct', 'Qwen2.5-0.5B-Instruct'],
  mid: ['Qwen2.5-1.5B-Instruct', 'Llama-3.2-1B-Instruct', 'Qwen2.5-0.5B-Instruct', 'SmolLM2-360M-Instruct'],
  low: ['Qwen2.5-0.5B-Instruct', 'SmolLM2-360M-Instruct'],
};

export function deviceTier(facts: DeviceFacts): 'strong' | 'mid' | 'low' {
  const memory = facts.deviceMemoryGB;
  if (facts.gpu.maxStorageBufferBindingSize < LOW_RESOURCE_BUFFER || (memory !== null && memory < 4)) return 'low';
  if (memory !== null && memory >= 8) return 'strong';
  return 'mid';
}

/**
 * One model to suggest. A real GPU gets the best GPU model that can run (f16 build when the GPU has
 * shader-f16, else f32); no WebGPU or a software adapter gets a CPU model sized to the cores.
 */
export function recommend(
  entries: readonly CatalogEntry[],
  facts: DeviceFacts,
  cached: Readonly<Record<string, boolean>> = {},
): Recommendation | null {
  const runnable = (e: CatalogEntry) => assess(e, facts, cached[e.id] === true).status === 'ok';
  const kind = gpuKind(facts.gpu);
  if (kind === 'real') {
    const tier = deviceTier(facts);
    const quants = facts.gpu.shaderF16 ? ['q4f16_1', 'q4f32_1'] : ['q4f32_1'];
    for (const base of GPU_TIERS[tier]) {
      for (const quant of quants) {
        const entry = entries.find((e) => e.engine === 'webllm' && !e.custom && e.id === `${base}-${quant}-MLC`);
        if (entry !== undefined && runnable(entry)) {
          return { id: entry.id, reason: `Best fit for this ${tier === 'strong' ? 'capable' : tier === 'mid' ? 'mid-range' : 'small'} GPU${facts.gpu.shaderF16 ? '' : ' (no 16-bit shaders, so the f32 build)'}.` };
        }
      }
    }
  }
  const why =
    kind === 'none'
      ? 'No WebGPU here, so the model runs on the CPU.'
      : kind === 'software'
        ? 'The GPU is only emulated in software; the CPU engine is far faster.'
        : 'No GPU model fits this device; the CPU engine works everywhere.';
  const fewCores = facts.hardwareConcurrency !== null && facts.hardwareConcurrency <= 2;
  const order = fewCores
    ? ['cpu:HuggingFaceTB/SmolLM2-135M-Instruct', 'cpu:HuggingFaceTB/SmolLM2-360M-Instruct']
    : ['cpu:HuggingFaceTB/SmolLM2-360M-Instruct', 'cpu:HuggingFaceTB/SmolLM2-135M-Instruct'];
  for (const id of order) {
    const entry = entries.find((e) => e.id === id);
    if (entry !== undefined && assess(entry, facts, cached[id] === true).status !== 'blocked') {
      return { id, reason: fewCores ? `${why} With ${facts.hardwareConcurrency ?? 2} cores the smallest model keeps replies quick.` : why };
    }
  }
  return null;
}

/** A smaller entry of the same engine that can run here (for "try a smaller model" after OOM). */
export function smallerAlternative(entry: CatalogEntry, entries: readonly CatalogEntry[], facts: DeviceFacts): CatalogEntry | null {
  const candidates = entries
    .filter((e) => e.engine === entry.engine && !e.custom && e.id !== entry.id && e.downloadBytes > 0)
    .filter((e) => entry.downloadBytes === 0 || e.downloadBytes < entry.downloadBytes)
    .filter((e) => assess(e, facts, true).status !== 'blocked')
    .sort((a, b) => b.downloadBytes - a.downloadBytes);
  if (candidates[0] !== undefined) return candidates[0];
  if (entry.engine === 'webllm') return entries.find((e) => e.engine === 'cpu' && !e.custom) ?? null;
  return null;
}

export interface CapabilitySummary {
  kind: GpuKind;
  headline: string;
  details: string[];
}

export function summarize(facts: DeviceFacts): CapabilitySummary {
  const gpu = facts.gpu;
  const kind = gpuKind(gpu);
  const details: string[] = [];
  if (gpu.available) {
    const name = [gpu.vendor, gpu.architecture, gpu.description].filter((s) => s !== '').join(' · ') || 'unnamed adapter';
    details.push(`Graphics adapter: ${name}${gpu.isFallbackAdapter ? ' (fallback adapter)' : ''}`);
    details.push(`16-bit shaders (shader-f16): ${gpu.shaderF16 ? 'yes' : 'no, so f32 builds are used'}`);
    details.push(`Largest GPU buffer: ${mb(gpu.maxStorageBufferBindingSize)} (storage binding), ${mb(gpu.maxBufferSize)} (buffer)`);
  } else if (gpu.reason !== undefined) {
    details.push(gpu.reason);
  }
  if (facts.deviceMemoryGB !== null) details.push(`Device memory: about ${facts.deviceMemoryGB} GB`);
  if (facts.hardwareConcurrency !== null) details.push(`CPU cores: ${facts.hardwareConcurrency}`);
  const free = freeBytes(facts);
  if (free !== null) details.push(`Free storage for this site: ${mb(free)}${facts.persisted === true ? ' (persistent)' : ''}`);
  const headline =
    kind === 'real'
      ? 'WebGPU is available: models run on the graphics card.'
      : kind === 'software'
        ? 'WebGPU here is only a software emulation (no real GPU): GPU models would be extremely slow. Use a CPU model.'
        : 'No usable WebGPU in this browser: models run on the CPU (slower, but it works in every browser).';
  return { kind, headline, details };
}
