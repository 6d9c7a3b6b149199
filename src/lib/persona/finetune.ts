// Fine-tune dataset: a persona's reply pairs as chat-format JSONL for LoRA training (trainer/), one
// {"messages":[system, user, assistant], "persona", "turns", "reply"} object per line: `messages` for any
// chat trainer, the speakers' names and the turns before the reply for rendering the exact prompt the
// app sends. Invariants: only training pairs (heldOut false) are written, so the evaluation slice stays
// unseen; only stored text is used (masked PII stays masked); a pair without context or reply text is
// skipped and counted.

import { localTsToMs } from '../ingest/normalize';
import type { PersonaDefinition, ReplyPair } from './types';

export interface FinetuneInput {
  displayName: string;
  personName: string;
  styleSummary: string | null;
  definition: PersonaDefinition | undefined;
  pairs: readonly ReplyPair[];
}

/** One turn before the reply, oldest first: the other people's context, and earlier exchanges. */
export interface FinetuneTurn {
  author: string;
  text: string;
}

/** One JSONL line. `messages` stays the plain chat form; the rest lets a trainer render the app's prompt. */
export interface FinetuneLine {
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  /** The persona: the name it goes by in the app, and the author name its own turns carry in the chat. */
  persona: { displayName: string; personName: string };
  /** The turns before the reply, oldest first (earlier exchanges, then the context replied to). */
  turns: FinetuneTurn[];
  reply: string;
}

/** Earlier exchanges (a previous pair's context and reply) kept before a pair's own context, at most. */
export const FINETUNE_HISTORY_PAIRS = 1;
/** An earlier pair counts as the same conversation only when it ended this close before the context. */
const HISTORY_WINDOW_MS = 6 * 3_600_000;

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
  const persona = { displayName: input.displayName, personName: input.personName };
  const lines: string[] = [];
  let skipped = 0;
  let heldOut = 0;
  // Earlier usable pairs, latest last: the multi-turn context a reply was written in.
  const earlier: { turns: FinetuneTurn[]; reply: string; replyMs: number }[] = [];
  for (const pair of input.pairs) {
    if (pair.heldOut) {
      heldOut++;
      continue;
    }
    const contextTurns = pair.context.filter((c) => c.text.trim() !== '').map((c) => ({ author: c.author, text: c.text }));
    const context = contextTurns.map((c) => `${c.author}: ${c.text}`).join('\n');
    if (context === '' || pair.reply.trim() === '') {
      skipped++;
      continue;
    }
    const history = historyBefore(earlier, pair.context[0]?.ts ?? pair.contextTs, input.personName);
    const line: FinetuneLine = {
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: context },
        { role: 'assistant', content: pair.reply },
      ],
      persona,
      turns: [...history, ...contextTurns],
      reply: pair.reply,
    };
    lines.push(JSON.stringify(line));
    earlier.push({ turns: contextTurns, reply: pair.reply, replyMs: localTsToMs(pair.replyTs) });
  }
  return { jsonl: lines.length === 0 ? '' : `${lines.join('\n')}\n`, lines: lines.length, skipped, heldOut };
}

/**
 * The exchanges just before a context that started at `contextTs`: the latest earlier pairs (their context
 * and the persona's reply), when they ended within the window and in order. Pairs carry no chat id, so a
 * pair from another chat in the same hours could pass; the window keeps that rare.
 */
function historyBefore(
  earlier: readonly { turns: FinetuneTurn[]; reply: string; replyMs: number }[],
  contextTs: string,
  personName: string,
): FinetuneTurn[] {
  const startMs = localTsToMs(contextTs);
  const turns: FinetuneTurn[] = [];
  for (let k = earlier.length - 1, taken = 0; k >= 0 && taken < FINETUNE_HISTORY_PAIRS; k--, taken++) {
    const prev = earlier[k];
    if (prev === undefined || !(startMs - prev.replyMs >= 0 && startMs - prev.replyMs <= HISTORY_WINDOW_MS)) break;
    turns.unshift(...prev.turns, { author: personName, text: prev.reply });
  }
  return turns;
}
