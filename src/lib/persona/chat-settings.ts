// Reply settings of a chat (pure): built-in defaults, overridden by the persona's defaults, overridden by
// one conversation's overrides. Invariants: a resolved setting is always a finite number inside its limits
// (or a boolean); an invalid stored value is ignored, never propagated; the model is not a setting here
// (it is chosen globally on the Models screen).

export interface ChatSettings {
  temperature: number;
  topP: number;
  /** Tokens reserved for, and the cap of, one reply. */
  maxTokens: number;
  /** Most examples (real reply pairs and liked replies) placed in the prompt. */
  examples: number;
  /** Memories (facts from the chats) in the prompt. */
  memory: boolean;
  /**
   * Match their texting habits: a finished reply goes through the style adapter (casing, end punctuation,
   * laughter/emoji habits, bubbles) without changing its words; the raw reply is kept beside it.
   */
  matchHabits: boolean;
  /** Use the persona's voice adapter (a LoRA GGUF) when it has one and the model is a GGUF model. */
  voiceAdapter: boolean;
}

/** What a persona row or a conversation row stores: only the settings it sets. */
export type ChatSettingsPatch = Partial<ChatSettings>;

export const DEFAULT_CHAT_SETTINGS: Readonly<ChatSettings> = {
  temperature: 0.8,
  topP: 0.95,
  maxTokens: 256,
  examples: 8,
  memory: true,
  // On by default: the adapter only acts on habits that are strong in the person's own messages, never
  // changes words, and small models follow style instructions poorly (the fidelity panel shows the
  // difference it makes); the raw reply stays visible under "why this answer".
  matchHabits: true,
  voiceAdapter: true,
};

type BooleanKey = 'memory' | 'matchHabits' | 'voiceAdapter';
type NumericKey = Exclude<keyof ChatSettings, BooleanKey>;
const BOOLEAN_KEYS: readonly BooleanKey[] = ['memory', 'matchHabits', 'voiceAdapter'];

export const CHAT_SETTING_LIMITS: Readonly<Record<NumericKey, { min: number; max: number; step: number; integer: boolean }>> = {
  temperature: { min: 0, max: 2, step: 0.05, integer: false },
  topP: { min: 0.05, max: 1, step: 0.05, integer: false },
  // Replies are chat messages, and the CPU engine is slow: a long cap only makes Stop necessary.
  maxTokens: { min: 16, max: 1024, step: 16, integer: true },
  examples: { min: 0, max: 16, step: 1, integer: true },
};

const NUMERIC_KEYS = Object.keys(CHAT_SETTING_LIMITS) as NumericKey[];

function clampSetting(key: NumericKey, value: number): number {
  const { min, max, integer } = CHAT_SETTING_LIMITS[key];
  const rounded = integer ? Math.round(value) : value;
  return Math.min(max, Math.max(min, rounded));
}

/** The valid part of a stored or entered patch: unknown keys, non-numbers and NaN dropped, numbers clamped. */
export function cleanChatSettings(patch: unknown): ChatSettingsPatch {
  if (typeof patch !== 'object' || patch === null) return {};
  const source = patch as Record<string, unknown>;
  const out: ChatSettingsPatch = {};
  for (const key of NUMERIC_KEYS) {
    const value = source[key];
    if (typeof value === 'number' && Number.isFinite(value)) out[key] = clampSetting(key, value);
  }
  for (const key of BOOLEAN_KEYS) {
    const value = source[key];
    if (typeof value === 'boolean') out[key] = value;
  }
  return out;
}

/** Where each resolved value came from, for the settings panel. */
export type SettingSource = 'default' | 'persona' | 'conversation';

export interface ResolvedChatSettings {
  settings: ChatSettings;
  sources: Record<keyof ChatSettings, SettingSource>;
}

/** Defaults < persona < conversation, per setting. */
export function resolveChatSettings(persona?: unknown, conversation?: unknown): ResolvedChatSettings {
  const p = cleanChatSettings(persona);
  const c = cleanChatSettings(conversation);
  const settings: ChatSettings = { ...DEFAULT_CHAT_SETTINGS, ...p, ...c };
  const keys = Object.keys(DEFAULT_CHAT_SETTINGS) as (keyof ChatSettings)[];
  const sources = Object.fromEntries(
    keys.map((k): [keyof ChatSettings, SettingSource] => [k, k in c ? 'conversation' : k in p ? 'persona' : 'default']),
  ) as Record<keyof ChatSettings, SettingSource>;
  return { settings, sources };
}

/**
 * What to store for a scope so that it resolves to `wanted`: only the settings that differ from what the
 * scope would inherit (so a later change of the persona's defaults still reaches a conversation that
 * never changed that setting).
 */
export function overridesFor(wanted: ChatSettingsPatch, inherited: ChatSettings): ChatSettingsPatch {
  const clean = cleanChatSettings(wanted);
  const out: ChatSettingsPatch = {};
  for (const key of NUMERIC_KEYS) {
    const value = clean[key];
    if (value !== undefined && value !== inherited[key]) out[key] = value;
  }
  for (const key of BOOLEAN_KEYS) {
    const value = clean[key];
    if (value !== undefined && value !== inherited[key]) out[key] = value;
  }
  return out;
}
