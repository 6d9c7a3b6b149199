// The model catalog: web-llm's prebuilt records filtered to models that suit persona chat, the CPU
// models (transformers.js), GGUF models (llama.cpp via wllama: hub files, this server's
// /models/gguf/index.json, picked files, URLs), and custom models; plus resolving an entry against the
// model source into the ModelSpec the worker loads. Pure (the worker hands in web-llm's prebuiltAppConfig).
// Invariants: a WebLLM spec takes its weights URL and its model library URL from the SAME entry;
// only 4-bit builds are listed (q0 builds are 2-4x larger for no gain in chat quality here).

import type { CpuDtype, CpuModelSource, EngineKind, ModelSpec } from './types';
import { fnv1a } from '../util/fnv1a';

/** The fields of web-llm's ModelRecord the catalog reads (structurally compatible with it). */
export interface ModelRecordLike {
  model: string;
  model_id: string;
  model_lib: string;
  overrides?: { context_window_size?: number } & Record<string, unknown>;
  vram_required_MB?: number;
  low_resource_required?: boolean;
  buffer_size_required_bytes?: number;
  required_features?: string[];
  model_type?: number;
}

interface EntryBase {
  id: string;
  engine: EngineKind;
  label: string;
  /** Model family and size, e.g. "Qwen2.5 1.5B". */
  family: string;
  /** Parameter count (embeddings included). */
  params: number;
  /** Estimated download size of the weights, bytes. */
  downloadBytes: number;
  contextWindow: number;
  languages: string;
  note: string;
  custom: boolean;
}

export interface WebLlmEntry extends EntryBase {
  engine: 'webllm';
  quantization: string;
  /** web-llm's estimate of GPU memory use, MB (null for custom models). */
  vramMB: number | null;
  needsShaderF16: boolean;
  /** web-llm marks builds that fit devices with small GPU buffers (phones, integrated GPUs). */
  lowResource: boolean;
  bufferSizeRequired: number | null;
  /** As published (hub): weights folder and model library. */
  modelUrl: string;
  modelLibUrl: string;
  disableThinking: boolean;
}

export interface CpuEntry extends EntryBase {
  engine: 'cpu';
  /** transformers.js model id (hub id, or folder name below a local/custom base). */
  modelId: string;
  dtype: CpuDtype;
}

/** Where a GGUF entry came from: the curated hub list, this server's folder, a picked file, or a URL. */
export type GgufOrigin = 'hub' | 'server' | 'file' | 'url';

export interface GgufEntry extends EntryBase {
  engine: 'gguf';
  origin: GgufOrigin;
  /** Absolute URL of the .gguf file (origins hub, server, url), or null for a picked file. */
  url: string | null;
  /** The file name in the origin's storage (picked files), or the URL's last segment. */
  fileName: string;
  quantization: string;
  /** Whether the file carries a chat template (null: unknown until it is loaded). */
  chatTemplate: boolean | null;
  sha256: string | null;
  license: string | null;
}

export type CatalogEntry = WebLlmEntry | CpuEntry | GgufEntry;

interface Family {
  /** web-llm model_id without the quantization suffix. */
  base: string;
  family: string;
  params: number;
  languages: string;
  note: string;
}

const QWEN25_LANGS = '29+ languages (English, Chinese, Spanish, French, German, Portuguese, Russian, Arabic, Japanese, Korean, …)';
const QWEN3_LANGS = '100+ languages and dialects';
const LLAMA32_LANGS = 'English, German, French, Italian, Portuguese, Hindi, Spanish, Thai';

/** Persona-chat families, smallest first within each line. Parameter counts from the model cards. */
export const PERSONA_FAMILIES: readonly Family[] = [
  { base: 'SmolLM2-360M-Instruct', family: 'SmolLM2 360M', params: 362e6, languages: 'English', note: 'Tiny and fast; short, simple replies.' },
  { base: 'Qwen2.5-0.5B-Instruct', family: 'Qwen2.5 0.5B', params: 494e6, languages: QWEN25_LANGS, note: 'Small and quick; good for phones and weak GPUs.' },
  { base: 'Qwen3-0.6B', family: 'Qwen3 0.6B', params: 596e6, languages: QWEN3_LANGS, note: 'Small, many languages.' },
  { base: 'Llama-3.2-1B-Instruct', family: 'Llama 3.2 1B', params: 1.24e9, languages: LLAMA32_LANGS, note: 'Natural chat tone at a small size.' },
  { base: 'Qwen2.5-1.5B-Instruct', family: 'Qwen2.5 1.5B', params: 1.54e9, languages: QWEN25_LANGS, note: 'Balanced quality and speed.' },
  { base: 'Qwen3-1.7B', family: 'Qwen3 1.7B', params: 1.72e9, languages: QWEN3_LANGS, note: 'Balanced, many languages.' },
  { base: 'SmolLM2-1.7B-Instruct', family: 'SmolLM2 1.7B', params: 1.71e9, languages: 'English', note: 'English chats.' },
  { base: 'gemma-2-2b-it', family: 'Gemma 2 2B', params: 2.61e9, languages: 'Mainly English', note: 'Fluent, a bit formal.' },
  { base: 'Qwen2.5-3B-Instruct', family: 'Qwen2.5 3B', params: 3.09e9, languages: QWEN25_LANGS, note: 'Better replies; needs a good GPU.' },
  { base: 'Llama-3.2-3B-Instruct', family: 'Llama 3.2 3B', params: 3.21e9, languages: LLAMA32_LANGS, note: 'Best chat tone in the list; needs a good GPU.' },
  { base: 'Phi-3.5-mini-instruct', family: 'Phi-3.5 mini', params: 3.82e9, languages: 'Multilingual, best in English', note: 'Strong but slow; reads like an assistant.' },
  { base: 'Qwen3-4B', family: 'Qwen3 4B', params: 4.02e9, languages: QWEN3_LANGS, note: 'Largest here; needs a strong GPU.' },
];

/** Bits per weight of MLC quantizations: 4-bit groups of 32 plus one scale (f16 or f32) per group. */
const BITS_PER_WEIGHT: Readonly<Record<string, number>> = { q4f16_1: 4.5, q4f32_1: 5, q0f16: 16, q0f32: 32 };
const LISTED_QUANTIZATIONS = ['q4f16_1', 'q4f32_1'] as const;

/** Download size estimate of MLC weights (the tests check it against real shard totals). */
export function estimateMlcBytes(params: number, quantization: string): number {
  const bits = BITS_PER_WEIGHT[quantization] ?? 16;
  return Math.round((params * bits) / 8);
}

function quantLabel(quantization: string): string {
  return quantization.replace(/_1$/, '');
}

/** f16 builds use f16 arithmetic in their shaders even where web-llm's record omits the feature. */
export function needsShaderF16(record: Pick<ModelRecordLike, 'model_id' | 'model_lib' | 'required_features'>): boolean {
  if (record.required_features?.includes('shader-f16') === true) return true;
  return /-q\d+f16(_\d+)?-/.test(`${record.model_id}-`) || /-q\d+f16(_\d+)?-/.test(record.model_lib);
}

/** web-llm's prebuilt records narrowed to the persona families, in PERSONA_FAMILIES order. */
export function webLlmCatalog(records: readonly ModelRecordLike[]): WebLlmEntry[] {
  const byId = new Map(records.map((r) => [r.model_id, r]));
  const out: WebLlmEntry[] = [];
  for (const family of PERSONA_FAMILIES) {
    for (const quantization of LISTED_QUANTIZATIONS) {
      const record = byId.get(`${family.base}-${quantization}-MLC`);
      // Embedding (1) and vision (2) models are not chat models.
      if (record === undefined || (record.model_type !== undefined && record.model_type !== 0)) continue;
      out.push({
        id: record.model_id,
        engine: 'webllm',
        label: `${family.family} · ${quantLabel(quantization)}`,
        family: family.family,
        params: family.params,
        downloadBytes: estimateMlcBytes(family.params, quantization),
        contextWindow: record.overrides?.context_window_size ?? 4096,
        languages: family.languages,
        note: family.note,
        custom: false,
        quantization,
        vramMB: record.vram_required_MB ?? null,
        needsShaderF16: needsShaderF16(record),
        lowResource: record.low_resource_required === true,
        bufferSizeRequired: record.buffer_size_required_bytes ?? null,
        modelUrl: record.model,
        modelLibUrl: record.model_lib,
        disableThinking: family.base.startsWith('Qwen3'),
      });
    }
  }
  return out;
}

/**
 * CPU models (transformers.js on WASM), q8 ONNX. Sizes follow the shape-faithful q8 export measured
 * here (int8 matrices, 16-bit embeddings: 163 MB for the 135M shape), scaled by each model's shape. The
 * context is capped because a CPU prefills a long prompt slowly.
 */
export const CPU_CATALOG: readonly CpuEntry[] = [
  {
    id: 'cpu:HuggingFaceTB/SmolLM2-135M-Instruct',
    engine: 'cpu',
    label: 'SmolLM2 135M · CPU',
    family: 'SmolLM2 135M',
    params: 135e6,
    downloadBytes: 163_000_000,
    contextWindow: 2048,
    languages: 'English',
    note: 'Runs in every browser, ~15 tokens/s on two CPU cores; simple replies.',
    custom: false,
    modelId: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    dtype: 'q8',
  },
  {
    id: 'cpu:HuggingFaceTB/SmolLM2-360M-Instruct',
    engine: 'cpu',
    label: 'SmolLM2 360M · CPU',
    family: 'SmolLM2 360M',
    params: 362e6,
    downloadBytes: 409_000_000,
    contextWindow: 2048,
    languages: 'English',
    note: 'Better replies than 135M at about a third of the speed.',
    custom: false,
    modelId: 'HuggingFaceTB/SmolLM2-360M-Instruct',
    dtype: 'q8',
  },
  {
    id: 'cpu:onnx-community/Qwen2.5-0.5B-Instruct',
    engine: 'cpu',
    label: 'Qwen2.5 0.5B · CPU',
    family: 'Qwen2.5 0.5B',
    params: 494e6,
    downloadBytes: 630_000_000,
    contextWindow: 2048,
    languages: QWEN25_LANGS,
    note: 'For chats that are not in English; slow on a CPU (a few tokens/s).',
    custom: false,
    modelId: 'onnx-community/Qwen2.5-0.5B-Instruct',
    dtype: 'q8',
  },
];

// ---- GGUF models (llama.cpp via wllama) ----

interface HubGguf {
  repo: string;
  file: string;
  family: string;
  params: number;
  /** File size on the hub, bytes (the Q4_K_M file as listed, rounded to the MB). */
  bytes: number;
  contextWindow: number;
  languages: string;
  note: string;
}

/**
 * Curated instruct GGUFs on the Hugging Face hub, each Q4_K_M (4.5-5 bits per weight; llama.cpp's
 * usual size/quality balance). The context is capped at 4096: a browser prefills long prompts slowly.
 */
const HUB_GGUFS: readonly HubGguf[] = [
  { repo: 'bartowski/SmolLM2-360M-Instruct-GGUF', file: 'SmolLM2-360M-Instruct-Q4_K_M.gguf', family: 'SmolLM2 360M', params: 362e6, bytes: 271_000_000, contextWindow: 4096, languages: 'English', note: 'Tiny and fast on any CPU; simple replies.' },
  { repo: 'unsloth/Qwen3-0.6B-GGUF', file: 'Qwen3-0.6B-Q4_K_M.gguf', family: 'Qwen3 0.6B', params: 596e6, bytes: 397_000_000, contextWindow: 4096, languages: QWEN3_LANGS, note: 'Small, many languages.' },
  { repo: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF', file: 'qwen2.5-0.5b-instruct-q4_k_m.gguf', family: 'Qwen2.5 0.5B', params: 494e6, bytes: 491_000_000, contextWindow: 4096, languages: QWEN25_LANGS, note: 'Small and quick; good on phones.' },
  { repo: 'bartowski/google_gemma-3-1b-it-GGUF', file: 'google_gemma-3-1b-it-Q4_K_M.gguf', family: 'Gemma 3 1B', params: 1.0e9, bytes: 806_000_000, contextWindow: 4096, languages: '140+ languages', note: 'Natural tone for its size. Gemma terms apply.' },
  { repo: 'bartowski/Llama-3.2-1B-Instruct-GGUF', file: 'Llama-3.2-1B-Instruct-Q4_K_M.gguf', family: 'Llama 3.2 1B', params: 1.24e9, bytes: 808_000_000, contextWindow: 4096, languages: LLAMA32_LANGS, note: 'Natural chat tone at a small size.' },
  { repo: 'bartowski/SmolLM2-1.7B-Instruct-GGUF', file: 'SmolLM2-1.7B-Instruct-Q4_K_M.gguf', family: 'SmolLM2 1.7B', params: 1.71e9, bytes: 1_056_000_000, contextWindow: 4096, languages: 'English', note: 'English chats.' },
  { repo: 'unsloth/Qwen3-1.7B-GGUF', file: 'Qwen3-1.7B-Q4_K_M.gguf', family: 'Qwen3 1.7B', params: 1.72e9, bytes: 1_107_000_000, contextWindow: 4096, languages: QWEN3_LANGS, note: 'Balanced, many languages.' },
  { repo: 'Qwen/Qwen2.5-1.5B-Instruct-GGUF', file: 'qwen2.5-1.5b-instruct-q4_k_m.gguf', family: 'Qwen2.5 1.5B', params: 1.54e9, bytes: 1_117_000_000, contextWindow: 4096, languages: QWEN25_LANGS, note: 'Balanced quality and speed.' },
  { repo: 'bartowski/Llama-3.2-3B-Instruct-GGUF', file: 'Llama-3.2-3B-Instruct-Q4_K_M.gguf', family: 'Llama 3.2 3B', params: 3.21e9, bytes: 2_019_000_000, contextWindow: 4096, languages: LLAMA32_LANGS, note: 'Best chat tone in the list; slow without a GPU.' },
];

const HUB = 'https://huggingface.co/';

function ggufBase(fields: Omit<GgufEntry, 'engine' | 'custom' | 'quantization' | 'sha256' | 'license' | 'chatTemplate'> & Partial<Pick<GgufEntry, 'quantization' | 'sha256' | 'license' | 'chatTemplate' | 'custom'>>): GgufEntry {
  return {
    engine: 'gguf',
    custom: false,
    quantization: quantizationOf(fields.fileName),
    sha256: null,
    license: null,
    chatTemplate: null,
    ...fields,
  };
}

/** The quantization named in a GGUF file name ("…-Q4_K_M.gguf" -> "Q4_K_M"), or "GGUF". */
export function quantizationOf(fileName: string): string {
  return /[-._]((?:I?Q\d+(?:_[A-Z0-9]+)*)|F16|BF16|F32)\.gguf$/i.exec(fileName)?.[1]?.toUpperCase() ?? 'GGUF';
}

export const GGUF_CATALOG: readonly GgufEntry[] = HUB_GGUFS.map((m) =>
  ggufBase({
    id: `gguf:${m.repo}/${m.file}`,
    label: `${m.family} · GGUF`,
    family: m.family,
    params: m.params,
    downloadBytes: m.bytes,
    contextWindow: m.contextWindow,
    languages: m.languages,
    note: m.note,
    origin: 'hub',
    url: `${HUB}${m.repo}/resolve/main/${m.file}`,
    fileName: m.file,
    chatTemplate: true,
  }),
);

/** One model of this server's /models/gguf/index.json (written by `npm run models:real`). */
export interface ServerGgufRecord {
  file: string;
  name: string;
  bytes: number;
  sha256: string | null;
  license: string | null;
  chatTemplate: boolean | null;
}

/**
 * Validates the server's index. Throws an Error naming the file and what is wrong, so a broken index is
 * reported instead of silently showing no models.
 */
export function parseServerGgufIndex(raw: unknown, where = '/models/gguf/index.json'): ServerGgufRecord[] {
  const models = typeof raw === 'object' && raw !== null ? (raw as { models?: unknown }).models : undefined;
  if (!Array.isArray(models)) throw new Error(`${where}: expected an object with a "models" array.`);
  return models.map((m: unknown, i) => {
    const r = (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>;
    const file = r['file'];
    if (typeof file !== 'string' || !/^[\w.+-]+\.gguf$/i.test(file)) {
      throw new Error(`${where}: models[${i}].file must be a plain .gguf file name in that folder.`);
    }
    const bytes = r['bytes'];
    if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes <= 0) throw new Error(`${where}: models[${i}].bytes must be the file size in bytes.`);
    const name = typeof r['name'] === 'string' && r['name'].trim() !== '' ? r['name'].trim() : file.replace(/\.gguf$/i, '');
    const text = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : null);
    const template = r['chatTemplate'];
    return { file, name, bytes, sha256: text('sha256'), license: text('license'), chatTemplate: typeof template === 'boolean' ? template : null };
  });
}

/** Entries for this server's GGUF files; `base` is the absolute URL of the folder (…/models/gguf/). */
export function serverGgufEntries(records: readonly ServerGgufRecord[], base: string): GgufEntry[] {
  return records.map((r) =>
    ggufBase({
      id: `gguf-server:${r.file}`,
      label: `${r.name} (on this server)`,
      family: r.name,
      params: 0,
      downloadBytes: r.bytes,
      contextWindow: 4096,
      languages: 'unknown',
      note: r.chatTemplate === false ? 'A base model: it continues the chat as a transcript.' : 'From this site’s own models folder.',
      origin: 'server',
      url: new URL(r.file, base).href,
      fileName: r.file,
      chatTemplate: r.chatTemplate,
      sha256: r.sha256,
      license: r.license,
    }),
  );
}

/** A GGUF file the person picked, kept in the origin's storage under `name`. */
export function fileGgufEntry(name: string, bytes: number): GgufEntry {
  return ggufBase({
    id: `gguf-file:${name}`,
    label: `${name.replace(/\.gguf$/i, '')} (file)`,
    family: name,
    params: 0,
    downloadBytes: bytes,
    contextWindow: 4096,
    languages: 'unknown',
    note: 'A file from this device, kept in the browser’s storage for this site.',
    origin: 'file',
    url: null,
    fileName: name,
  });
}

export const DEFAULT_CPU_MODEL_ID = 'cpu:HuggingFaceTB/SmolLM2-360M-Instruct';

// ---- custom models ----

export type CustomModelInput =
  | { engine: 'webllm'; label?: string; modelUrl: string; modelLibUrl: string; contextWindow: number }
  | { engine: 'cpu'; label?: string; modelId: string; dtype: CpuDtype; contextWindow: number }
  | { engine: 'gguf'; label?: string; url: string; contextWindow: number };

function absoluteHttpUrl(raw: string, base?: string): URL | null {
  try {
    const url = new URL(raw.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** A short stable id for a custom model (same URLs -> same id, so re-adding does not duplicate). */
function customId(parts: readonly string[]): string {
  return `custom:${fnv1a(parts.join('\n')).toString(36)}`;
}

/**
 * Validates the custom-model form into a catalog entry, or says what is wrong. URLs may be relative to
 * `origin` (this site); web-llm needs them absolute, so they are stored absolute.
 */
export function customEntry(input: CustomModelInput, origin: string): { ok: true; entry: CatalogEntry } | { ok: false; message: string } {
  if (!Number.isInteger(input.contextWindow) || input.contextWindow < 256 || input.contextWindow > 131072) {
    return { ok: false, message: 'The context size must be a whole number of tokens between 256 and 131072.' };
  }
  if (input.engine === 'webllm') {
    const model = absoluteHttpUrl(input.modelUrl, origin);
    if (model === null) return { ok: false, message: 'The model URL must be an http(s) address of the folder with mlc-chat-config.json.' };
    const lib = absoluteHttpUrl(input.modelLibUrl, origin);
    if (lib === null || !lib.pathname.endsWith('.wasm')) {
      return { ok: false, message: 'The model library URL must be an http(s) address of a .wasm file.' };
    }
    const name = decodeURIComponent(model.pathname.replace(/\/resolve\/[^/]+\/?$/, '').replace(/\/$/, '').split('/').pop() ?? '') || model.host;
    const quant = /-(q\d+f\d+(_\d+)?)/.exec(name)?.[1] ?? /-(q\d+f\d+(_\d+)?)/.exec(lib.pathname)?.[1] ?? 'unknown';
    const label = input.label?.trim() || name;
    return {
      ok: true,
      entry: {
        id: customId(['webllm', model.href, lib.href, String(input.contextWindow)]),
        engine: 'webllm',
        label,
        family: label,
        params: 0,
        downloadBytes: 0,
        contextWindow: input.contextWindow,
        languages: 'unknown',
        note: 'Custom model.',
        custom: true,
        quantization: quant,
        vramMB: null,
        needsShaderF16: needsShaderF16({ model_id: name, model_lib: lib.pathname }),
        lowResource: false,
        bufferSizeRequired: null,
        modelUrl: model.href,
        modelLibUrl: lib.href,
        disableThinking: /qwen3/i.test(name),
      },
    };
  }
  if (input.engine === 'gguf') {
    const url = absoluteHttpUrl(input.url, origin);
    if (url === null || !/\.gguf$/i.test(url.pathname)) return { ok: false, message: 'The GGUF URL must be an http(s) address of a .gguf file.' };
    const fileName = decodeURIComponent(url.pathname.split('/').pop() ?? 'model.gguf');
    const label = input.label?.trim() || fileName.replace(/\.gguf$/i, '');
    return {
      ok: true,
      entry: ggufBase({
        id: customId(['gguf', url.href, String(input.contextWindow)]),
        label,
        family: label,
        params: 0,
        downloadBytes: 0,
        contextWindow: input.contextWindow,
        languages: 'unknown',
        note: 'Custom model.',
        custom: true,
        origin: 'url',
        url: url.href,
        fileName,
      }),
    };
  }
  const modelId = input.modelId.trim().replace(/^\/+|\/+$/g, '');
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(modelId) || modelId.split('/').includes('..')) {
    return { ok: false, message: 'The CPU model must be a model id like “HuggingFaceTB/SmolLM2-135M-Instruct” or a folder name.' };
  }
  const label = input.label?.trim() || `${modelId} · CPU`;
  return {
    ok: true,
    entry: {
      id: customId(['cpu', modelId, input.dtype, String(input.contextWindow)]),
      engine: 'cpu',
      label,
      family: modelId,
      params: 0,
      downloadBytes: 0,
      contextWindow: input.contextWindow,
      languages: 'unknown',
      note: 'Custom model.',
      custom: true,
      modelId,
      dtype: input.dtype,
    },
  };
}

// ---- model source ----

/**
 * Where model files come from. `hub`: as published (Hugging Face + the MLC library repository).
 * `local`: this site's `/models/` folder; `custom`: any server with that same layout:
 *   mlc/models/<repo>/resolve/main/   mlc/libs/<lib version>/<lib>.wasm   transformers/<model id>/
 * Custom models keep their own URLs whatever the source.
 */
export type LlmModelSource = { kind: 'hub' } | { kind: 'local' } | { kind: 'custom'; baseUrl: string };

/** The base of a self-hosted layout, absolute and ending in `/` (null for the hub). */
export function sourceBase(source: LlmModelSource, origin: string, basePath = '/'): string | null {
  if (source.kind === 'hub') return null;
  if (source.kind === 'local') return new URL(`${basePath}models/`, origin).href;
  const base = source.baseUrl.endsWith('/') ? source.baseUrl : `${source.baseUrl}/`;
  return new URL(base, origin).href;
}

function lastSegments(url: string, count: number): string {
  const parts = new URL(url).pathname.split('/').filter((p) => p !== '');
  return parts.slice(-count).join('/');
}

/** Turns a catalog entry into what the worker loads, for the chosen source. */
export function resolveSpec(
  entry: CatalogEntry,
  source: LlmModelSource,
  origin: string,
  options: { basePath?: string; smallerModel?: { id: string; label: string } } = {},
): ModelSpec {
  const base = entry.custom ? null : sourceBase(source, origin, options.basePath);
  const smaller = options.smallerModel === undefined ? {} : { smallerModel: options.smallerModel };
  if (entry.engine === 'gguf') {
    // GGUF entries carry their own URL (or file): the model source setting is for MLC/ONNX layouts.
    return {
      engine: 'gguf',
      id: entry.id,
      label: entry.label,
      source: entry.url === null ? { kind: 'file', name: entry.fileName } : { kind: 'url', url: entry.url },
      contextWindow: entry.contextWindow,
      ...smaller,
    };
  }
  if (entry.engine === 'webllm') {
    const repo = lastSegments(entry.modelUrl.replace(/\/resolve\/[^/]+\/?$/, ''), 1);
    return {
      engine: 'webllm',
      id: entry.id,
      label: entry.label,
      modelUrl: base === null ? entry.modelUrl : `${base}mlc/models/${repo}/resolve/main/`,
      // The library's version folder (v0_2_48) is kept: it names the runtime ABI it was built for.
      modelLibUrl: base === null ? entry.modelLibUrl : `${base}mlc/libs/${lastSegments(entry.modelLibUrl, 2)}`,
      contextWindow: entry.contextWindow,
      needsShaderF16: entry.needsShaderF16,
      disableThinking: entry.disableThinking,
      ...smaller,
    };
  }
  // A CPU model id (catalog or custom) is always relative to the chosen source.
  const cpuSource: CpuModelSource = source.kind === 'hub' ? { kind: 'hub' } : localOrCustom(source, origin, options.basePath);
  return {
    engine: 'cpu',
    id: entry.id,
    label: entry.label,
    modelId: entry.modelId,
    dtype: entry.dtype,
    contextWindow: entry.contextWindow,
    source: cpuSource,
    ...smaller,
  };
}

function localOrCustom(source: Exclude<LlmModelSource, { kind: 'hub' }>, origin: string, basePath = '/'): CpuModelSource {
  if (source.kind === 'local') return { kind: 'local', path: `${basePath}models/transformers/` };
  return { kind: 'custom', baseUrl: `${sourceBase(source, origin, basePath) ?? ''}transformers/` };
}

/** Where a spec's files come from, for messages. */
export function describeSpecSource(spec: ModelSpec): string {
  if (spec.engine === 'webllm') return new URL(spec.modelUrl).host;
  if (spec.engine === 'gguf') return spec.source.kind === 'file' ? 'this browser’s storage' : new URL(spec.source.url).host;
  switch (spec.source.kind) {
    case 'hub':
      return 'the Hugging Face model hub';
    case 'local':
      return `this site's ${spec.source.path} folder`;
    case 'custom':
      return spec.source.baseUrl;
  }
}
