// The model settings a person chooses: model source (hub / this site / a mirror), the selected model,
// and custom models. Stored settings are untrusted (older versions, hand edits): `parseLlmSettings`
// keeps what it can validate and drops the rest; custom models are stored as the form's inputs and
// re-validated on every read, so a bad URL can never reach the engine.

import { customEntry, type CatalogEntry, type CustomModelInput, type LlmModelSource } from './catalog';
import type { CpuDtype } from './types';

export interface LlmSettings {
  source: LlmModelSource;
  /** The model the app loads for chat (catalog or custom id), or null before the first choice. */
  selectedId: string | null;
  customModels: CustomModelInput[];
}

export const LLM_SETTINGS_KEY = 'personayou.llm-settings';

export const DEFAULT_LLM_SETTINGS: LlmSettings = { source: { kind: 'hub' }, selectedId: null, customModels: [] };

const DTYPES: readonly CpuDtype[] = ['q4', 'q8', 'fp16', 'fp32'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A mirror's base URL: http(s) only, with a trailing slash. */
export function normalizeSourceUrl(raw: string): string | null {
  try {
    const url = new URL(raw.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.href.endsWith('/') ? url.href : `${url.href}/`;
  } catch {
    return null;
  }
}

function parseSource(value: unknown): LlmModelSource {
  if (!isRecord(value)) return { kind: 'hub' };
  if (value['kind'] === 'local') return { kind: 'local' };
  if (value['kind'] === 'custom' && typeof value['baseUrl'] === 'string') {
    const baseUrl = normalizeSourceUrl(value['baseUrl']);
    if (baseUrl !== null) return { kind: 'custom', baseUrl };
  }
  return { kind: 'hub' };
}

function parseCustom(value: unknown, origin: string): CustomModelInput | null {
  if (!isRecord(value)) return null;
  const contextWindow = value['contextWindow'];
  const label = typeof value['label'] === 'string' ? value['label'] : undefined;
  if (typeof contextWindow !== 'number') return null;
  let input: CustomModelInput;
  if (value['engine'] === 'webllm' && typeof value['modelUrl'] === 'string' && typeof value['modelLibUrl'] === 'string') {
    input = { engine: 'webllm', modelUrl: value['modelUrl'], modelLibUrl: value['modelLibUrl'], contextWindow, ...(label === undefined ? {} : { label }) };
  } else if (value['engine'] === 'gguf' && typeof value['url'] === 'string') {
    input = { engine: 'gguf', url: value['url'], contextWindow, ...(label === undefined ? {} : { label }) };
  } else if (value['engine'] === 'cpu' && typeof value['modelId'] === 'string') {
    const dtype = DTYPES.find((d) => d === value['dtype']) ?? 'q8';
    input = { engine: 'cpu', modelId: value['modelId'], dtype, contextWindow, ...(label === undefined ? {} : { label }) };
  } else {
    return null;
  }
  return customEntry(input, origin).ok ? input : null;
}

export function parseLlmSettings(raw: string | null, origin: string): LlmSettings {
  if (raw === null) return DEFAULT_LLM_SETTINGS;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return DEFAULT_LLM_SETTINGS;
  }
  if (!isRecord(value)) return DEFAULT_LLM_SETTINGS;
  const customs = Array.isArray(value['customModels']) ? value['customModels'] : [];
  return {
    source: parseSource(value['source']),
    selectedId: typeof value['selectedId'] === 'string' ? value['selectedId'] : null,
    customModels: customs.map((c) => parseCustom(c, origin)).filter((c): c is CustomModelInput => c !== null),
  };
}

export function serializeLlmSettings(settings: LlmSettings): string {
  return JSON.stringify(settings);
}

/** Catalog entries of the stored custom models (invalid ones were dropped by the parser). */
export function customEntries(settings: LlmSettings, origin: string): CatalogEntry[] {
  const out: CatalogEntry[] = [];
  for (const input of settings.customModels) {
    const result = customEntry(input, origin);
    if (result.ok) out.push(result.entry);
  }
  return out;
}
