// The embedding settings a person chooses (model and where its files come from), and how they are read
// back. Stored settings are untrusted (older app versions, hand edits): `parseSettings` normalizes
// anything it cannot use to the defaults instead of failing.

import { DEFAULT_MODEL, catalogEntry, type Dtype, type ModelSource, type ModelSpec } from './models';

export interface EmbedSettings {
  source: ModelSource;
  model: ModelSpec;
}

export const SETTINGS_KEY = 'personayou.embed-settings';

export const DEFAULT_SETTINGS: EmbedSettings = {
  source: { kind: 'hub' },
  model: { id: DEFAULT_MODEL.id, dtype: DEFAULT_MODEL.dtype, dims: DEFAULT_MODEL.dims, label: DEFAULT_MODEL.label },
};

const DTYPES: readonly Dtype[] = ['q8', 'fp32', 'fp16'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A base URL the loader can use: http(s) only, with a trailing slash. */
export function normalizeBaseUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const text = url.toString();
  return text.endsWith('/') ? text : `${text}/`;
}

/** A model id as a path below the base: no scheme, no `..`, no leading slash. */
export function isSafeModelId(id: string): boolean {
  return /^[\w.-]+(\/[\w.-]+)?$/.test(id) && !id.split('/').includes('..');
}

function parseSource(value: unknown): ModelSource {
  if (!isRecord(value)) return DEFAULT_SETTINGS.source;
  if (value['kind'] === 'local') return { kind: 'local' };
  if (value['kind'] === 'custom' && typeof value['baseUrl'] === 'string') {
    const baseUrl = normalizeBaseUrl(value['baseUrl']);
    if (baseUrl !== null) return { kind: 'custom', baseUrl };
  }
  return { kind: 'hub' };
}

function parseModel(value: unknown): ModelSpec {
  if (!isRecord(value) || typeof value['id'] !== 'string' || !isSafeModelId(value['id'])) return DEFAULT_SETTINGS.model;
  const dtype = DTYPES.find((d) => d === value['dtype']) ?? 'q8';
  const known = catalogEntry(value['id']);
  if (known !== undefined) return { id: known.id, dtype, dims: known.dims, label: known.label };
  return { id: value['id'], dtype, dims: null, label: value['id'] };
}

export function parseSettings(raw: string | null): EmbedSettings {
  if (raw === null) return DEFAULT_SETTINGS;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return DEFAULT_SETTINGS;
  }
  if (!isRecord(value)) return DEFAULT_SETTINGS;
  return { source: parseSource(value['source']), model: parseModel(value['model']) };
}

export function serializeSettings(settings: EmbedSettings): string {
  return JSON.stringify(settings);
}
