// What a loaded GGUF's metadata says about prompting it, and token estimates for an engine without a
// tokenizer call (wllama 3.13 exposes none). Pure. Invariants: a model is prompted as a chat only when
// its file carries a non-empty chat template; estimates never undercount typical BPE text.

import type { ChatMessage, PromptMode } from './types';

/** Chat when the GGUF has `tokenizer.chat_template`; base models continue a transcript instead. */
export function ggufPromptMode(metadata: Readonly<Record<string, string>>): PromptMode {
  const template = metadata['tokenizer.chat_template'];
  return typeof template === 'string' && template.trim() !== '' ? 'chat' : 'transcript';
}

/** Qwen3-style templates think aloud unless told not to; persona replies never should. */
export function templateThinks(metadata: Readonly<Record<string, string>>): boolean {
  return (metadata['tokenizer.chat_template'] ?? '').includes('enable_thinking');
}

const encoder = new TextEncoder();

/**
 * Tokens of a text, estimated from its UTF-8 bytes: BPE vocabularies average 3.5-4.5 bytes per token on
 * chat text (more for large vocabularies like Gemma's), so bytes / 3 errs on the safe side: the prompt
 * builder then leaves a little of the window unused rather than overflowing it.
 */
export function estimateTokens(text: string): number {
  if (text === '') return 0;
  return Math.ceil(encoder.encode(text).length / 3);
}

/** Role markers and separators a chat template adds per message, and the assistant header at the end. */
export const TEMPLATE_TOKENS_PER_MESSAGE = 5;
export const GENERATION_PROMPT_TOKENS = 4;

export const PLAIN_STOPS = ['\nUser:', '\nSystem:'];

/** Chat messages as a text a base model continues after "Assistant:". */
export function plainTranscript(messages: readonly ChatMessage[]): string {
  const name = { system: 'System', user: 'User', assistant: 'Assistant' } as const;
  return `${messages.map((m) => `${name[m.role]}: ${m.content.trim()}`).join('\n\n')}\n\nAssistant:`;
}

