// Fine-tune dataset: a persona's reply pairs as chat-format JSONL for LoRA training elsewhere, one
// {"messages":[system, user, assistant]} object per line. Invariants: only training pairs (heldOut
// false) are written, so the evaluation slice stays unseen; only stored text is used (masked PII stays
// masked); a pair without context or reply text is skipped and counted.

import type { PersonaDefinition, ReplyPair } from './types';

export interface FinetuneInput {
  displayName: string;
  personName: string;
  styleSummary: string | null;
  definition: PersonaDefinition | undefined;
  pairs: readonly ReplyPair[];
}

export interface FinetuneOutput {
  jsonl: string;
  lines: number;
  /** Training pairs left out because their context or reply was empty. */
  skipped: number;
  /** Held-out pairs kept back for evaluation (not written). */
  heldOut: number;
}

/** The short persona description every line starts with (the same for all lines, as trainers expect). */
export function finetuneSystemPrompt(input: Omit<FinetuneInput, 'pairs'>): string {
  const parts = [`You are ${input.displayName}, writing chat messages the way ${input.personName} does.`];
  const summary = input.styleSummary?.trim() ?? '';
  if (summary !== '') parts.push(summary);
  const background = input.definition?.background.trim() ?? '';
  if (background !== '') parts.push(background);
  const rules = input.definition?.rules;
  if (rules !== undefined) {
    if (rules.do.length > 0) parts.push(`Do: ${rules.do.join('; ')}.`);
    if (rules.dont.length > 0) parts.push(`Never: ${rules.dont.join('; ')}.`);
  }
  return parts.join('\n');
}

export function finetuneJsonl(input: FinetuneInput): FinetuneOutput {
  const system = finetuneSystemPrompt(input);
  const lines: string[] = [];
  let skipped = 0;
  let heldOut = 0;
  for (const pair of input.pairs) {
    if (pair.heldOut) {
      heldOut++;
      continue;
    }
    const context = pair.context
      .filter((c) => c.text.trim() !== '')
      .map((c) => `${c.author}: ${c.text}`)
      .join('\n');
    if (context === '' || pair.reply.trim() === '') {
      skipped++;
      continue;
    }
    lines.push(
      JSON.stringify({
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: context },
          { role: 'assistant', content: pair.reply },
        ],
      }),
    );
  }
  return { jsonl: lines.length === 0 ? '' : `${lines.join('\n')}\n`, lines: lines.length, skipped, heldOut };
}
