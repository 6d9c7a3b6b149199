// Fine-tune dataset: a persona's reply pairs as chat-format JSONL for LoRA training (trainer/), one
// {"messages":[system, user, assistant], "persona", "turns", "reply"} object per line: `messages` for any
// chat trainer, the speakers' names and the turns before the reply for rendering the exact prompt the
// app sends. Invariants: only training pairs (heldOut false) are written, so the evaluation slice stays
// unseen; only stored text is used (masked PII stays masked); a pair without context or reply text is
// skipped and counted.

import { localTsToMs } from '../ingest/normalize';
import { assemblePrompt, type PromptInput } from './prompt';
import { assembleTranscriptPrompt } from './transcript-prompt';
import type { MemoryItem, PersonaDefinition, PersonaOrigin, ReplyPair, StyleProfile } from './types';

export interface FinetuneInput {
  displayName: string;
  personName: string;
  styleSummary: string | null;
  definition: PersonaDefinition | undefined;
  pairs: readonly ReplyPair[];
  /** The conversation-independent parts of the app's own prompts (finetunePromptParts), written on every line. */
  prompt?: FinetunePromptParts;
}

/**
 * What the app's prompts hold besides the conversation, as the app renders them for this persona: the
 * transcript prompt's stable header (base models) and the chat system message (instruct models), with no
 * retrieved examples or memories (those depend on the message answered).
 */
export interface FinetunePromptParts {
  transcriptHeader: string;
  chatSystem: string;
  /** The user's name in the chat (who the persona talks to), or null. */
  userName: string | null;
}

export interface FinetunePromptSources {
  displayName: string;
  personName: string;
  userName: string | null;
  profile: StyleProfile | null;
  pinnedMemories: MemoryItem[];
  definition?: PersonaDefinition;
  origin?: PersonaOrigin;
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
  prompt?: FinetunePromptParts;
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
      ...(input.prompt === undefined ? {} : { prompt: input.prompt }),
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

/** Renders the prompt parts through the app's own builders, so a trainer sees the text the app sends. */
export async function finetunePromptParts(src: FinetunePromptSources): Promise<FinetunePromptParts> {
  const input: PromptInput = {
    personaName: src.displayName,
    personName: src.personName,
    userName: src.userName,
    profile: src.profile,
    pinnedMemories: src.pinnedMemories,
    memories: [],
    examples: [],
    // A placeholder message: the parts kept are those that do not depend on it.
    history: [{ role: 'user', content: '.' }],
    // Room for everything the persona has: the header must never be cut for the budget here.
    contextWindow: 1 << 20,
    maxReplyTokens: 64,
    countTokens: (texts) => Promise.resolve(texts.map((t) => Math.ceil(t.length / 4))),
    ...(src.definition === undefined ? {} : { definition: src.definition }),
    ...(src.origin === undefined ? {} : { origin: src.origin }),
  };
  const [transcript, chat] = await Promise.all([assembleTranscriptPrompt(input), assemblePrompt(input)]);
  const system = chat.messages.find((m) => m.role === 'system')?.content ?? '';
  return { transcriptHeader: transcript.prompt.slice(0, transcript.stableChars), chatSystem: system, userName: src.userName };
}
