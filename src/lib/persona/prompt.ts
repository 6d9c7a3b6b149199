// The persona prompt builder (pure): one system prompt (who the persona is, style summary and hard style
// rules, memories, real reply pairs as examples) plus the recent conversation, fitted to the model's
// context window. Invariants: total tokens <= budget unless the fixed header and the newest user message
// alone exceed it; the newest user message is always kept and history is dropped oldest first; nothing is
// cut mid-item; held-out pairs and superseded memories never appear; deterministic for a given input.

import type { ChatMessage } from '../llm/types';
import { languageName } from './lang';
import { styleSummary } from './style-summary';
import type { ExampleExchange, MemoryItem, PersonaDefinition, PersonaOrigin, ReplyPair, StyleProfile, StyleStats } from './types';

export interface PromptInput {
  personaName: string;
  personName: string;
  userName: string | null;
  profile: StyleProfile | null;
  pinnedMemories: MemoryItem[];
  /** Retrieved, best first. */
  memories: { item: MemoryItem; score: number }[];
  /** Retrieved real reply pairs, best first (never held-out ones). */
  examples: { pair: ReplyPair; score: number }[];
  /**
   * The conversation, oldest first, ending with the new user message. `author` names who wrote a user
   * turn when it is not `userName` (a group chat); only the transcript prompt writes speaker names.
   */
  history: { role: 'user' | 'assistant'; content: string; author?: string }[];
  contextWindow: number;
  maxReplyTokens: number;
  countTokens: (texts: string[]) => Promise<number[]>;
  /** Retrieved chunks of the persona's knowledge documents, best first; `source` is the document's title. */
  knowledge?: { id?: string; text: string; source: string; score: number }[];
  /** Summaries of the older part of this chat that no longer fits ("Earlier in this chat"). */
  conversationSummary?: string;
  maxExamples?: number;
  useMemory?: boolean;
  /** What the user wrote about the persona: "Who you are", "Your rules", hand-written example exchanges. */
  definition?: PersonaDefinition;
  /** Where the persona came from; absent means an export (a persona made from a description has no chats). */
  origin?: PersonaOrigin;
  /**
   * The real exchanges the previous prompt of this chat showed, in its order (used by the transcript
   * prompt only): they stay where they were, so the engine's KV cache still holds them, and only the few
   * best new ones follow them.
   */
  carriedExamples?: ReplyPair[];
}

export interface PromptSection {
  title: string;
  text: string;
  tokens: number;
}

export interface AssembledPrompt {
  messages: ChatMessage[];
  sections: PromptSection[];
  usedExampleIds: string[];
  usedMemoryIds: string[];
  /** Ids of the knowledge chunks that made it into the prompt (chunks given without an id are left out). */
  usedKnowledgeIds: string[];
  keptHistory: number;
  droppedHistory: number;
  tokens: { system: number; history: number; total: number; budget: number };
}

/** Chat-template tokens per message (role markers, separators), counted into every message's size. */
const MESSAGE_OVERHEAD = 4;
/** Kept free beyond the reply: the template's prompt prefix and tokenizer boundary effects. */
const SAFETY_MARGIN = 16;
/** Examples and retrieved memories placed before history: a few anchor the voice better than old turns. */
const FIRST_EXAMPLES = 2;
const FIRST_MEMORIES = 2;
const DEFAULT_MAX_EXAMPLES = 8;
/** Same floor as the style summary: fewer messages and the numbers say nothing. */
const MIN_MESSAGES = 5;

// ---------------------------------------------------------------------------------------------------
// Style rules

/** Several short bubbles per turn: same test as the summary's "in bursts of" clause. */
function isBursty(p: StyleStats): boolean {
  const b = p.bubblesPerTurn;
  return b.count > 0 && b.mean >= 1.5 && b.p90 >= 2;
}

/** Hard rules, one imperative sentence each, only for habits the numbers clearly show. */
export function styleRules(profile: StyleProfile): string[] {
  const p = profile.person;
  const o = profile.others;
  if (p.messages < MIN_MESSAGES) return [];
  const rules: string[] = [];
  const othersKnown = o.messages >= MIN_MESSAGES;

  const median = Math.max(1, Math.round(p.chars.median));
  if (isBursty(p)) {
    const lo = Math.max(2, Math.round(p.bubblesPerTurn.median));
    const hi = Math.max(lo + 1, Math.round(p.bubblesPerTurn.p90));
    rules.push(`Keep each message around ${median} characters.`);
    rules.push(`Send ${lo}-${hi} short messages in a row, each on its own line, instead of one long one.`);
  } else {
    rules.push(`Keep replies around ${median} characters.`);
    if (p.bubblesPerTurn.count > 0 && p.bubblesPerTurn.mean < 1.25) rules.push('Answer in one single message.');
  }

  if (p.casing.allLowercase >= 0.6) rules.push('Write in lowercase, even at the start of sentences.');
  else if (p.casing.allCaps >= 0.15) rules.push('Often write in CAPITALS.');
  else if (p.casing.startsWithCapital >= 0.8 && p.casing.allLowercase < 0.15) rules.push('Start messages with a capital letter.');

  const e = p.endings;
  if (e.period <= 0.05 || (e.period <= 0.1 && othersKnown && o.endings.period >= e.period + 0.1)) {
    rules.push('Do not end messages with a period.');
  } else if (e.period >= 0.4) rules.push('End sentences with a period.');
  if (e.ellipsis >= 0.25) rules.push("Often trail off with '...'.");
  if (e.exclamation >= 0.2) rules.push('Use exclamation marks freely.');
  if (p.repeatedMarks >= 0.08) rules.push("Double up marks like '!!' and '??'.");
  if (p.repeatedLetters >= 0.06) rules.push("Stretch words like 'sooo'.");

  const top = p.topEmojis.filter((x, i) => i < 3 && x.count >= 3 && x.count >= 0.2 * (p.topEmojis[0]?.count ?? 0));
  const favourite = top[0];
  if ((p.emojiPerMessage >= 0.1 || p.shareWithEmoji >= 0.08) && favourite !== undefined) {
    const often = p.emojiPerMessage >= 0.5 ? 'Use emoji in most messages' : 'Use emoji now and then';
    const others = top.slice(1).map((x) => x.text);
    rules.push(`${often}, mostly ${favourite.text}${others.length > 0 ? ` (also ${others.join(' ')})` : ''}.`);
  } else if (p.emojiPerMessage < 0.02) {
    rules.push('Never use emoji.');
  }
  const emoticons = (p.topEmoticons ?? []).filter((x, i) => i < 2 && x.count >= 3);
  if ((p.shareWithEmoticon ?? 0) >= 0.03 && emoticons.length > 0) {
    rules.push(`Type emoticons like ${emoticons.map((x) => x.text).join(' ')}.`);
  }
  const laugh = p.laughter[0];
  if (p.shareWithLaughter >= 0.03 && laugh !== undefined && laugh.count >= 3) rules.push(`Laugh with '${laugh.text}'.`);

  const langs = p.languages.filter((l) => l.share >= 0.15);
  const first = langs[0];
  if (first !== undefined) {
    const second = langs[1];
    rules.push(
      second === undefined || first.share >= 0.85
        ? `Write in ${languageName(first.tag)}.`
        : `Write in ${languageName(first.tag)} or ${languageName(second.tag)}, mixing them as they do.`,
    );
  }
  return rules;
}

/** How a reply is displayed: several bubbles (one per line) for a bursty person, else one bubble. */
export function splitIntoBubbles(reply: string, profile: StyleProfile | null): string[] {
  const text = reply.trim();
  if (text === '') return [];
  if (profile === null || !isBursty(profile.person)) return [text];
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

// ---------------------------------------------------------------------------------------------------
// Prompt text

/** Made from a description, by hand or from a card: there are no chat messages it was built from. */
function isStandalone(input: PromptInput): boolean {
  return input.origin === 'description' || input.origin === 'manual' || input.origin === 'card';
}

function header(input: PromptInput): string {
  if (isStandalone(input)) {
    return (
      `You are ${input.personaName}, a fictional character, texting with ${input.userName ?? 'someone'}. Reply as ` +
      `${input.personaName} would, in their voice, and stay in character. You are not an assistant: do not offer ` +
      `help, do not explain, no lists, no markdown.`
    );
  }
  const who = input.personaName === input.personName
    ? `You are a simulation of ${input.personName}, built from their chat messages.`
    : `You are ${input.personaName}, a simulation of ${input.personName} built from their chat messages.`;
  const user = input.userName ?? 'someone';
  return (
    `${who} You are texting with ${user}. Reply as ${input.personName} would in this chat, in their voice, ` +
    `and stay in character. You are not an assistant: do not offer help, do not explain, no lists, no markdown.`
  );
}

export function styleText(profile: StyleProfile, personName: string): string {
  const summary = profile.summary.trim() !== '' ? profile.summary.trim() : styleSummary(profile);
  const rules = styleRules(profile);
  return `How ${personName} writes: ${summary}${rules.length > 0 ? `\nRules: ${rules.join(' ')}` : ''}`;
}

export function memoryLine(m: MemoryItem): string {
  return m.eventDate !== undefined ? `${m.text} (${m.eventDate})` : m.text;
}

/** Context lines of one author in a row are joined, so a burst reads as one turn. */
function exampleText(pair: ReplyPair, personName: string): string {
  const groups: { author: string; texts: string[] }[] = [];
  for (const line of pair.context) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last.author === line.author) last.texts.push(line.text);
    else groups.push({ author: line.author, texts: [line.text] });
  }
  const said = groups.map((g, i) => `${i === 0 ? 'When' : 'and'} ${g.author} said: ${g.texts.join('\n')}`);
  return `${said.join('\n')}\n${personName} answered: ${pair.reply}`;
}

/** How strongly a trait shows, in words a model follows better than a number. */
function strengthWord(strength: number): string {
  if (strength >= 0.8) return 'very strongly';
  if (strength >= 0.6) return 'strongly';
  if (strength >= 0.4) return 'moderately';
  if (strength >= 0.2) return 'slightly';
  return 'barely';
}

/** "Who you are": background, traits and setting of the definition; null when all are empty. */
export function identityText(definition: PersonaDefinition): string | null {
  const lines: string[] = [];
  if (definition.background.trim() !== '') lines.push(`Who you are: ${definition.background.trim()}`);
  const traits = definition.traits.filter((t) => t.name.trim() !== '');
  if (traits.length > 0) lines.push(`Your traits: ${traits.map((t) => `${t.name.trim()} (${strengthWord(t.strength)})`).join(', ')}.`);
  if (definition.scenario.trim() !== '') lines.push(`Setting: ${definition.scenario.trim()}`);
  return lines.length === 0 ? null : lines.join('\n');
}

/** "Your rules": one line per rule, things to do then things never to do; null when there are none. */
export function definitionRulesText(definition: PersonaDefinition): string | null {
  const dos = definition.rules.do.map((r) => r.trim()).filter((r) => r !== '');
  const donts = definition.rules.dont.map((r) => r.trim()).filter((r) => r !== '');
  if (dos.length + donts.length === 0) return null;
  return ['Your rules when you write:', ...dos.map((r) => `Do: ${r}`), ...donts.map((r) => `Never: ${r}`)].join('\n');
}

export function handExampleText(example: ExampleExchange, userName: string | null, personName: string): string {
  return `When ${userName ?? 'someone'} said: ${example.user.trim()}\n${personName} answered: ${example.reply.trim()}`;
}

const SECTION_HEAD = {
  handExamples: (name: string): string => `Example exchanges written for ${name}, to copy the voice:`,
  memories: (name: string): string => `What you know (facts from ${name}'s chats):`,
  examples: (name: string): string => `Real replies of ${name}, to copy the style (not the content):`,
};

const KNOWLEDGE_HEAD = 'What you know (from your notes):';
const MEMORIES_HEAD_STANDALONE = 'What you know about yourself and your people:';
const SUMMARY_HEAD = 'Earlier in this chat (a summary of what was said before the messages below):';
/** Retrieved knowledge chunks placed before history, like the first memories. */
const FIRST_KNOWLEDGE = 1;

function memoriesHead(input: PromptInput): string {
  return isStandalone(input) ? MEMORIES_HEAD_STANDALONE : SECTION_HEAD.memories(input.personName);
}

export function knowledgeLine(k: { text: string; source: string }): string {
  return `From “${k.source}”: ${k.text.trim()}`;
}

// ---------------------------------------------------------------------------------------------------
// Assembly

type Item =
  | { kind: 'style'; text: string }
  | { kind: 'identity'; text: string }
  | { kind: 'rules'; text: string }
  | { kind: 'hand'; id: string; text: string }
  | { kind: 'memory'; id: string; text: string }
  | { kind: 'example'; id: string; text: string }
  | { kind: 'knowledge'; id: string; text: string }
  | { kind: 'summary'; text: string }
  | { kind: 'history'; index: number };

interface Built {
  system: string;
  sections: { title: string; text: string }[];
  history: { role: 'user' | 'assistant'; content: string }[];
  firstKept: number;
}

function build(input: PromptInput, head: string, items: readonly Item[]): Built {
  const style = items.find((i): i is Extract<Item, { kind: 'style' }> => i.kind === 'style');
  const memories = items.filter((i): i is Extract<Item, { kind: 'memory' }> => i.kind === 'memory');
  const examples = items.filter((i): i is Extract<Item, { kind: 'example' }> => i.kind === 'example');
  const identity = items.find((i) => i.kind === 'identity');
  const rules = items.find((i) => i.kind === 'rules');
  const hand = items.filter((i): i is Extract<Item, { kind: 'hand' }> => i.kind === 'hand');
  const sections: { title: string; text: string }[] = [{ title: 'Persona', text: head }];
  if (identity !== undefined && identity.kind === 'identity') sections.push({ title: 'Who you are', text: identity.text });
  if (style !== undefined) sections.push({ title: 'Style', text: style.text });
  if (rules !== undefined && rules.kind === 'rules') sections.push({ title: 'Your rules', text: rules.text });
  // Items were added pinned first, then by relevance: keep that order in the text.
  if (memories.length > 0) {
    // A persona made without chats has memories the user wrote or drafted, not facts from chats.
    sections.push({ title: 'Memories', text: [memoriesHead(input), ...memories.map((m) => m.text)].join('\n') });
  }
  // Hand-written exchanges first: the user chose them, the real pairs were only retrieved.
  if (hand.length > 0) {
    sections.push({ title: 'Example exchanges', text: [SECTION_HEAD.handExamples(input.personName), ...hand.map((e) => e.text)].join('\n\n') });
  }
  if (examples.length > 0) {
    sections.push({ title: 'Examples', text: [SECTION_HEAD.examples(input.personName), ...examples.map((e) => e.text)].join('\n\n') });
  }
  const knowledge = items.filter((i): i is Extract<Item, { kind: 'knowledge' }> => i.kind === 'knowledge');
  if (knowledge.length > 0) sections.push({ title: 'Knowledge', text: [KNOWLEDGE_HEAD, ...knowledge.map((k) => k.text)].join('\n\n') });
  // Last in the system prompt: it leads into the kept history.
  const summary = items.find((i): i is Extract<Item, { kind: 'summary' }> => i.kind === 'summary');
  if (summary !== undefined) sections.push({ title: 'Earlier in this chat', text: `${SUMMARY_HEAD}\n${summary.text}` });
  const last = input.history.length - 1;
  let firstKept = last;
  for (const i of items) if (i.kind === 'history') firstKept = Math.min(firstKept, i.index);
  return {
    system: sections.map((s) => s.text).join('\n\n'),
    sections,
    history: last < 0 ? [] : input.history.slice(firstKept),
    firstKept,
  };
}

interface DefinitionItems {
  identity: Item | null;
  rules: Item | null;
  hand: Item[];
  /** Estimated cost of each item (its joining newlines included, except what `tokensOf` adds). */
  tokens: Map<Item, number>;
  headTokens: number;
  /** Set once the first hand-written example is in: its section heading is paid then. */
  hasHand: boolean;
}

/** The definition's items and their token counts (a tokenizer round trip only when there is a definition). */
async function definitionItems(input: PromptInput): Promise<DefinitionItems> {
  const none: DefinitionItems = { identity: null, rules: null, hand: [], tokens: new Map(), headTokens: 0, hasHand: false };
  const definition = input.definition;
  if (definition === undefined) return none;
  const identityString = identityText(definition);
  const rulesString = definitionRulesText(definition);
  const identity: Item | null = identityString === null ? null : { kind: 'identity', text: identityString };
  const rules: Item | null = rulesString === null ? null : { kind: 'rules', text: rulesString };
  const hand: Item[] = definition.examples
    .filter((e) => e.user.trim() !== '' && e.reply.trim() !== '')
    .map((e, i) => ({ kind: 'hand', id: `definition-example-${i}`, text: handExampleText(e, input.userName, input.personName) }));
  const head = SECTION_HEAD.handExamples(input.personName);
  const texts = [head, identity?.text ?? '', rules?.text ?? '', ...hand.map((h) => (h.kind === 'hand' ? h.text : ''))];
  const counts = await input.countTokens(texts);
  const tokens = new Map<Item, number>();
  // Whole sections like the style: one more newline than tokensOf counts for a single item.
  if (identity !== null) tokens.set(identity, (counts[1] ?? 0) + 1);
  if (rules !== null) tokens.set(rules, (counts[2] ?? 0) + 1);
  hand.forEach((h, i) => tokens.set(h, counts[3 + i] ?? 0));
  return { identity, rules, hand, tokens, headTokens: counts[0] ?? 0, hasHand: false };
}

export async function assemblePrompt(input: PromptInput): Promise<AssembledPrompt> {
  const useMemory = input.useMemory ?? true;
  const maxExamples = Math.max(0, input.maxExamples ?? DEFAULT_MAX_EXAMPLES);
  const budget = input.contextWindow - input.maxReplyTokens - SAFETY_MARGIN;
  const head = header(input);

  // Candidates, deduplicated; superseded memories are kept as past in the store, never stated as current.
  const seenMemory = new Set<string>();
  const memoryOf = (m: MemoryItem): Item | null => {
    if (m.supersededBy !== undefined || seenMemory.has(m.id)) return null;
    seenMemory.add(m.id);
    return { kind: 'memory', id: m.id, text: memoryLine(m) };
  };
  const pinned = useMemory ? input.pinnedMemories.map(memoryOf).filter((i): i is Item => i !== null) : [];
  const retrieved = useMemory ? input.memories.map((m) => memoryOf(m.item)).filter((i): i is Item => i !== null) : [];
  const seenPair = new Set<string>();
  const examples: Item[] = [];
  for (const { pair } of input.examples) {
    // Defensive: held-out pairs are for evaluation only, whatever the retriever returned.
    if (pair.heldOut || seenPair.has(pair.id) || examples.length >= maxExamples) continue;
    seenPair.add(pair.id);
    examples.push({ kind: 'example', id: pair.id, text: exampleText(pair, input.personName) });
  }
  const style: Item | null = input.profile === null ? null : { kind: 'style', text: styleText(input.profile, input.personName) };
  const seenChunk = new Set<string>();
  const knowledge: Item[] = [];
  for (const [n, k] of (input.knowledge ?? []).entries()) {
    const key = k.id ?? `#${n}`;
    if (k.text.trim() === '' || seenChunk.has(key)) continue;
    seenChunk.add(key);
    knowledge.push({ kind: 'knowledge', id: key, text: knowledgeLine(k) });
  }
  const summaryText = input.conversationSummary?.trim() ?? '';
  const summaryItem: Item | null = summaryText === '' ? null : { kind: 'summary', text: summaryText };
  // Knowledge and the summary are counted in a round trip of their own (their heading is paid with the first chunk).
  const extraCounts = await input.countTokens([KNOWLEDGE_HEAD, `${SUMMARY_HEAD}\n${summaryText}`, ...knowledge.map((i) => (i.kind === 'knowledge' ? i.text : ''))]);
  let hasKnowledge = false;
  const def = await definitionItems(input);

  // One tokenizer round trip for every piece; an item costs its tokens plus its joining newline(s), and a
  // section's heading is paid with its first item.
  const lastIndex = input.history.length - 1;
  const olderHistory = input.history.slice(0, Math.max(0, lastIndex));
  const newest = input.history[lastIndex];
  const pieces = [
    head,
    newest?.content ?? '',
    memoriesHead(input),
    SECTION_HEAD.examples(input.personName),
    style?.text ?? '',
    ...[...pinned, ...retrieved, ...examples].map((i) => (i.kind === 'history' ? '' : i.text)),
    ...olderHistory.map((m) => m.content),
  ];
  const counts = await input.countTokens(pieces);
  const at = (i: number): number => counts[i] ?? 0;
  const [headTokens, newestTokens, memHeadTokens, exHeadTokens, styleTokens] = [at(0), at(1), at(2), at(3), at(4)];
  const itemTokens = new Map<Item, number>();
  [...pinned, ...retrieved, ...examples].forEach((item, k) => itemTokens.set(item, at(5 + k)));
  const historyBase = 5 + pinned.length + retrieved.length + examples.length;

  const chosen: Item[] = [];
  let used = headTokens + MESSAGE_OVERHEAD + (newest === undefined ? 0 : newestTokens + MESSAGE_OVERHEAD);
  let hasMemory = false;
  let hasExample = false;
  const tryAdd = (item: Item, cost: number): boolean => {
    let extra = cost;
    if (item.kind === 'memory' && !hasMemory) extra += memHeadTokens + 2;
    if (item.kind === 'example' && !hasExample) extra += exHeadTokens + 2;
    if (item.kind === 'hand' && !def.hasHand) extra += def.headTokens + 2;
    if (used + extra > budget) return false;
    used += extra;
    if (item.kind === 'hand') def.hasHand = true;
    if (item.kind === 'memory') hasMemory = true;
    if (item.kind === 'example') hasExample = true;
    chosen.push(item);
    return true;
  };
  for (const [item, tokens] of def.tokens) itemTokens.set(item, tokens);
  const tokensOf = (item: Item): number => (itemTokens.get(item) ?? 0) + (item.kind === 'example' || item.kind === 'hand' ? 2 : 1);

  // Priority: style, pinned facts, the best few examples and facts, then recent turns newest first (the
  // first one that does not fit ends the history), then the remaining examples and facts by rank.
  if (style !== null) tryAdd(style, styleTokens + 2);
  // The definition is who a standalone persona is at all: right after the measured style.
  for (const d of [def.identity, def.rules]) if (d !== null) tryAdd(d, tokensOf(d));
  for (const m of pinned) tryAdd(m, tokensOf(m));
  // The chat's own past outranks old examples: without it the persona forgets what was said.
  if (summaryItem !== null) tryAdd(summaryItem, (extraCounts[1] ?? 0) + 2);
  const addKnowledge = (item: Item, k: number): void => {
    if (tryAdd(item, (extraCounts[2 + k] ?? 0) + 2 + (hasKnowledge ? 0 : (extraCounts[0] ?? 0) + 2))) hasKnowledge = true;
  };
  // Hand-written exchanges rank before the retrieved real pairs and are budgeted the same way.
  const allExamples = [...def.hand, ...examples];
  for (const e of allExamples.slice(0, FIRST_EXAMPLES)) tryAdd(e, tokensOf(e));
  for (const m of retrieved.slice(0, FIRST_MEMORIES)) tryAdd(m, tokensOf(m));
  knowledge.slice(0, FIRST_KNOWLEDGE).forEach((item, k) => addKnowledge(item, k));
  for (let i = olderHistory.length - 1; i >= 0; i--) {
    if (!tryAdd({ kind: 'history', index: i }, at(historyBase + i) + MESSAGE_OVERHEAD)) break;
  }
  const restExamples = allExamples.slice(FIRST_EXAMPLES);
  const restMemories = retrieved.slice(FIRST_MEMORIES);
  for (let r = 0; r < Math.max(restExamples.length, restMemories.length); r++) {
    const e = restExamples[r];
    const m = restMemories[r];
    // A piece that does not fit is skipped whole; a smaller one further down may still fit.
    if (e !== undefined) tryAdd(e, tokensOf(e));
    if (m !== undefined) tryAdd(m, tokensOf(m));
  }

  knowledge.slice(FIRST_KNOWLEDGE).forEach((item, k) => addKnowledge(item, FIRST_KNOWLEDGE + k));

  // A chat history that starts with the persona confuses templates that expect user first: after a
  // cut, drop a leading assistant turn too.
  const trimLeadingAssistant = (): void => {
    const kept = chosen.filter((i): i is Extract<Item, { kind: 'history' }> => i.kind === 'history');
    const oldest = kept[kept.length - 1];
    if (oldest !== undefined && oldest.index > 0 && input.history[oldest.index]?.role === 'assistant') {
      chosen.splice(chosen.indexOf(oldest), 1);
    }
  };
  trimLeadingAssistant();

  // Piece sums are an estimate (tokens merge across joins): recount the real texts and, while over
  // budget, drop the last-chosen (least important) item.
  for (;;) {
    const built = build(input, head, chosen);
    const texts = [built.system, ...built.history.map((m) => m.content), ...built.sections.map((s) => s.text)];
    const real = await input.countTokens(texts);
    const system = (real[0] ?? 0) + MESSAGE_OVERHEAD;
    let history = 0;
    for (let i = 0; i < built.history.length; i++) history += (real[1 + i] ?? 0) + MESSAGE_OVERHEAD;
    if (system + history > budget && chosen.length > 0) {
      chosen.pop();
      trimLeadingAssistant();
      continue;
    }
    const sectionTokens = real.slice(1 + built.history.length);
    const keptHistory = built.history.length;
    return {
      messages: [{ role: 'system', content: built.system }, ...built.history.map((m) => ({ role: m.role, content: m.content }))],
      sections: built.sections.map((s, i) => ({ ...s, tokens: sectionTokens[i] ?? 0 })),
      usedExampleIds: chosen.flatMap((i) => (i.kind === 'example' ? [i.id] : [])),
      usedMemoryIds: chosen.flatMap((i) => (i.kind === 'memory' ? [i.id] : [])),
      usedKnowledgeIds: chosen.flatMap((i) => (i.kind === 'knowledge' && !i.id.startsWith('#') ? [i.id] : [])),
      keptHistory,
      droppedHistory: input.history.length - keptHistory,
      tokens: { system, history, total: system + history, budget },
    };
  }
}
