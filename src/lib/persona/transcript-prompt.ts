// The base-model prompt mode (pure): the persona's own chat written as a transcript ("Name: text", one
// message per line) that a model without a chat template continues after "<Persona>:". It chooses what
// goes in exactly as assemblePrompt does (same budget rules, same held-out exclusions) and only writes it
// differently. Invariants: the stable part (who is talking, style notes, pinned facts, hand-written
// examples) comes first and does not depend on the message being answered, so an engine can keep it in
// its KV cache; a burst is one line per bubble, each starting "<Persona>: ", which transcriptReply turns
// back into bubbles joined by '\n' (what splitIntoBubbles and adaptToStyle read). The next message of a
// chat keeps the previous prompt's examples in place (`carriedExamples`) and adds its few best new ones
// after them, with the retrieved facts after the examples: the engine then re-reads only those and the
// conversation, not the whole prompt (until the examples no longer fit and the selection starts afresh).

import {
  assemblePrompt,
  definitionRulesText,
  handExampleText,
  identityText,
  knowledgeLine,
  memoryLine,
  styleText,
  type AssembledPrompt,
  type PromptInput,
  type PromptSection,
} from './prompt';
import type { MemoryItem, ReplyPair } from './types';

export interface TranscriptPrompt extends Omit<AssembledPrompt, 'messages'> {
  /** The whole text to continue; it ends with "<Persona>:" (no space: the model writes it). */
  prompt: string;
  /** Length of the prompt's leading part that does not depend on the message answered (KV-cache reuse). */
  stableChars: number;
  /** Generation stops at any of these (a newline and another speaker's name, an excerpt break). */
  stop: string[];
}

/**
 * Where the parts go (for measuring prompt choices; the defaults are what the app uses): style notes in
 * the stable preamble or just before the conversation; retrieved examples in time order or best last.
 */
export interface TranscriptLayout {
  styleNotes?: 'preamble' | 'beforeConversation';
  exampleOrder?: 'chronological' | 'bestLast';
}

/** Placed between excerpts of the chat; the model writing it means the persona's turn is over. */
export const EXCERPT_BREAK = '…';
/**
 * New examples a message adds after the carried ones. One follows the topic; each one more is re-read with
 * the whole conversation after it on every message (measured with bench:gguf on Gemma 3 270M: the next
 * message's time to first token was 0.51x the first with two, 0.38x with one), and one fewer example did not
 * change the held-out likelihood measurably (8 vs 4 examples within 0.01 nats/token, docs/PROMPT-TUNING.md).
 */
export const FRESH_EXAMPLES_PER_MESSAGE = 1;
/** Carried plus new examples beyond this many times the usual count: the selection starts afresh. */
const CARRIED_EXAMPLES_LIMIT = 2;
/** The speaker name for user turns when the user has no name (a persona without chats). */
const DEFAULT_USER = 'Friend';

/** One message as one transcript line: its own line breaks would read as new messages. */
function line(speaker: string, text: string): string {
  return `${speaker}: ${text.replace(/\s*\n\s*/g, ' ').trim()}`;
}

/** A reply (bubbles joined by '\n') as transcript lines of the persona, one per bubble. */
function replyLines(reply: string, persona: string): string[] {
  return reply
    .split('\n')
    .map((b) => b.trim())
    .filter((b) => b !== '')
    .map((b) => line(persona, b));
}

/** A real reply pair as a chat excerpt; the person's own lines carry the persona's name. */
function pairLines(pair: ReplyPair, input: PromptInput): string[] {
  const speaker = (author: string): string => (author === input.personName ? input.personaName : author);
  return [...pair.context.filter((l) => l.text.trim() !== '').map((l) => line(speaker(l.author), l.text)), ...replyLines(pair.reply, input.personaName)];
}

/**
 * What the model writes after "<Persona>:" as the continuation scored or generated: the first bubble
 * after a space, every further bubble on a new "<Persona>: " line.
 */
export function transcriptContinuation(reply: string, personaName: string): string {
  const lines = replyLines(reply, personaName);
  return lines.map((l, i) => (i === 0 ? l.slice(personaName.length + 1) : `\n${l}`)).join('');
}

/**
 * A generated continuation back to a reply (bubbles joined by '\n'): its first line, then every
 * following line written as "<Persona>: ..."; the first line of anyone else (or of no one) ends it.
 */
export function transcriptReply(raw: string, personaName: string): string {
  const prefix = `${personaName}:`;
  const [first = '', ...rest] = raw.split('\n');
  const bubbles = [first.trim()];
  for (const l of rest) {
    if (!l.startsWith(prefix)) break;
    bubbles.push(l.slice(prefix.length).trim());
  }
  return bubbles.filter((b) => b !== '').join('\n');
}

function userLabel(input: PromptInput): string {
  return input.userName ?? DEFAULT_USER;
}

function headerLine(input: PromptInput): string {
  const standalone = input.origin === 'description' || input.origin === 'manual' || input.origin === 'card';
  const who = standalone ? `${input.personaName}, a fictional character,` : input.personaName;
  return `A text-message chat between ${who} and ${userLabel(input)}. One message per line.`;
}

interface Chosen {
  pinned: MemoryItem[];
  retrieved: MemoryItem[];
  knowledge: string[];
  hand: string[];
  examples: ReplyPair[];
  /** How many of `examples`, from the start, are carried from the previous prompt (kept in their order). */
  carried: number;
  summary: boolean;
  keptHistory: number;
}

/** What assemblePrompt chose, as items (its sections tell which whole-text parts made it in). */
function chosenBy(selection: AssembledPrompt, input: PromptInput): Chosen {
  const usedMemories = new Set(selection.usedMemoryIds);
  const usedExamples = new Set(selection.usedExampleIds);
  const section = (title: string): string | null => selection.sections.find((s) => s.title === title)?.text ?? null;
  const handSection = section('Example exchanges');
  const knowledgeSection = section('Knowledge');
  const hand = (input.definition?.examples ?? []).filter(
    (e) => e.user.trim() !== '' && e.reply.trim() !== '' && handSection !== null && handSection.includes(handExampleText(e, input.userName, input.personName)),
  );
  const seen = new Set<string>();
  const examples: ReplyPair[] = [];
  for (const { pair } of input.examples) {
    if (pair.heldOut || seen.has(pair.id) || !usedExamples.has(pair.id)) continue;
    seen.add(pair.id);
    examples.push(pair);
  }
  return {
    pinned: input.pinnedMemories.filter((m) => usedMemories.has(m.id)),
    retrieved: input.memories.map((m) => m.item).filter((m) => usedMemories.has(m.id) && !input.pinnedMemories.some((p) => p.id === m.id)),
    knowledge: (input.knowledge ?? []).map(knowledgeLine).filter((k) => knowledgeSection !== null && knowledgeSection.includes(k)),
    hand: hand.flatMap((e) => [line(userLabel(input), e.user), ...replyLines(e.reply, input.personaName)]),
    examples,
    carried: 0,
    summary: section('Earlier in this chat') !== null,
    keptHistory: selection.keptHistory,
  };
}

/**
 * The previous prompt's examples first, in their order, then up to FRESH_EXAMPLES_PER_MESSAGE of the best
 * ones chosen for this message that are not among them; null when they would be too many (start afresh).
 */
function withCarried(chosen: Chosen, input: PromptInput): Chosen | null {
  const carried = (input.carriedExamples ?? []).filter((p) => !p.heldOut);
  if (carried.length === 0) return null;
  const ids = new Set(carried.map((p) => p.id));
  const fresh = chosen.examples.filter((p) => !ids.has(p.id)).slice(0, FRESH_EXAMPLES_PER_MESSAGE);
  const usual = input.maxExamples ?? chosen.examples.length;
  if (carried.length + fresh.length > Math.max(1, usual) * CARRIED_EXAMPLES_LIMIT) return null;
  return { ...chosen, examples: [...carried, ...fresh], carried: carried.length };
}

interface Rendered {
  stable: string;
  variable: string;
  conversation: string;
  sections: { title: string; text: string }[];
  /** The examples in the order the prompt shows them. */
  examples: ReplyPair[];
}

function render(input: PromptInput, c: Chosen, layout: TranscriptLayout): Rendered {
  const name = input.personaName;
  const styleLate = layout.styleNotes === 'beforeConversation';
  const notes: { title: string; text: string }[] = [{ title: 'Persona', text: headerLine(input) }];
  const identity = input.definition === undefined ? null : identityText(input.definition);
  if (identity !== null) notes.push({ title: 'Who you are', text: `Notes on ${name}:\n${identity}` });
  if (input.profile !== null && !styleLate) notes.push({ title: 'Style', text: styleText(input.profile, name) });
  const rules = input.definition === undefined ? null : definitionRulesText(input.definition);
  if (rules !== null) notes.push({ title: 'Your rules', text: rules });
  if (c.pinned.length > 0) notes.push({ title: 'Memories', text: [`What ${name} knows:`, ...c.pinned.map((m) => `- ${memoryLine(m)}`)].join('\n') });
  if (c.hand.length > 0) notes.push({ title: 'Example exchanges', text: c.hand.join('\n') });

  const variable: { title: string; text: string }[] = [];
  // Carried examples keep their place; new ones follow in time order, like the chat itself.
  const rank = (p: ReplyPair): number => input.examples.findIndex((e) => e.pair.id === p.id);
  const fresh = c.examples
    .slice(c.carried)
    .sort((a, b) => (layout.exampleOrder === 'bestLast' ? rank(b) - rank(a) : a.replyTs < b.replyTs ? -1 : a.replyTs > b.replyTs ? 1 : a.id < b.id ? -1 : 1));
  const examples = [...c.examples.slice(0, c.carried), ...fresh];
  if (examples.length > 0) {
    variable.push({ title: 'Examples', text: examples.map((p) => [EXCERPT_BREAK, ...pairLines(p, input)].join('\n')).join('\n') });
  }
  // Retrieved facts change with every message: after the examples, so they do not cut the reused start short.
  const facts = [...c.retrieved.map(memoryLine), ...c.knowledge];
  if (facts.length > 0) variable.push({ title: 'Retrieved memories', text: [`Also relevant, what ${name} knows:`, ...facts.map((f) => `- ${f}`)].join('\n') });
  const summary = input.conversationSummary?.trim() ?? '';
  if (c.summary && summary !== '') variable.push({ title: 'Earlier in this chat', text: `${EXCERPT_BREAK}\nEarlier in this chat: ${summary}` });
  if (input.profile !== null && styleLate) variable.push({ title: 'Style', text: `${EXCERPT_BREAK}\n${styleText(input.profile, name)}` });

  const history = input.history.slice(input.history.length - c.keptHistory);
  const lines = history.flatMap((m) =>
    m.role === 'assistant'
      ? replyLines(m.content, name)
      : m.content
          .split('\n')
          .filter((t) => t.trim() !== '')
          .map((t) => line(m.author ?? userLabel(input), t)),
  );
  const conversation = [EXCERPT_BREAK, ...lines, `${name}:`].join('\n');
  return {
    stable: `${notes.map((n) => n.text).join('\n')}\n`,
    variable: variable.length === 0 ? '' : `${variable.map((v) => v.text).join('\n')}\n`,
    conversation,
    sections: [...notes, ...variable, { title: 'Conversation', text: conversation }],
    examples,
  };
}

/** "\n<Name>:" for every speaker other than the persona, plus an excerpt break and a blank line. */
function stopsFor(input: PromptInput, c: Chosen): string[] {
  const names = new Set<string>([userLabel(input)]);
  for (const m of input.history) if (m.role === 'user' && m.author !== undefined) names.add(m.author);
  for (const p of c.examples) for (const l of p.context) names.add(l.author === input.personName ? input.personaName : l.author);
  names.delete(input.personaName);
  return [...[...names].sort().map((n) => `\n${n}:`), `\n${EXCERPT_BREAK}`, '\n\n'];
}

/**
 * The transcript prompt for `input`, within `contextWindow - maxReplyTokens` and a safety margin. The
 * transcript is usually shorter than the instruction prompt assemblePrompt fitted; when it is not, the
 * lowest-ranked example goes first, then the oldest conversation turn (never the newest message).
 */
export async function assembleTranscriptPrompt(input: PromptInput, layout: TranscriptLayout = {}): Promise<TranscriptPrompt> {
  const selection = await assemblePrompt(input);
  const fresh = chosenBy(selection, input);
  let chosen = withCarried(fresh, input) ?? fresh;
  const budget = selection.tokens.budget;
  const ranked = input.examples.map((e) => e.pair.id);
  for (;;) {
    const r = render(input, chosen, layout);
    const [stable = 0, variable = 0, conversation = 0, ...sectionTokens] = await input.countTokens([r.stable, r.variable, r.conversation, ...r.sections.map((s) => s.text)]);
    const total = stable + variable + conversation;
    if (total > budget && chosen.carried > 0) {
      // The carried examples no longer fit beside the conversation: start afresh from this message's own.
      chosen = fresh;
      continue;
    }
    if (total > budget && chosen.examples.length > 0) {
      const worst = chosen.examples.reduce((a, b) => (ranked.indexOf(b.id) > ranked.indexOf(a.id) ? b : a));
      chosen.examples = chosen.examples.filter((p) => p !== worst);
      continue;
    }
    if (total > budget && chosen.keptHistory > 1) {
      chosen.keptHistory--;
      continue;
    }
    const sections: PromptSection[] = r.sections.map((s, i) => ({ ...s, tokens: sectionTokens[i] ?? 0 }));
    return {
      prompt: r.stable + r.variable + r.conversation,
      stableChars: r.stable.length,
      stop: stopsFor(input, chosen),
      sections,
      // In prompt order: the next message carries them in this order.
      usedExampleIds: r.examples.map((p) => p.id),
      usedMemoryIds: [...chosen.pinned, ...chosen.retrieved].map((m) => m.id),
      usedKnowledgeIds: selection.usedKnowledgeIds,
      keptHistory: chosen.keptHistory,
      droppedHistory: input.history.length - chosen.keptHistory,
      tokens: { system: stable + variable, history: conversation, total, budget },
    };
  }
}
