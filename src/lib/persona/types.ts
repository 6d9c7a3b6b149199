// Shapes of what a persona is built from: the style profile, reply pairs and memory items.
// These are stored as they are (src/lib/store) and read by the prompt builder, retrieval and the UI,
// so fields are only ever added. `version` on derived data says which builder produced it.

/** Summary of a numeric sample; histogram bins are half-open [from, to). */
export interface Distribution {
  count: number;
  mean: number;
  median: number;
  p10: number;
  p90: number;
  histogram: { from: number; to: number; count: number }[];
}

export interface CountedText {
  text: string;
  count: number;
}

export interface StyleStats {
  /** Participant name, or null for "everybody else" taken together. */
  author: string | null;
  messages: number;
  turns: number;
  chars: Distribution;
  words: Distribution;
  /** Bubbles (messages) per turn: burstiness. */
  bubblesPerTurn: Distribution;
  /** Seconds between consecutive bubbles of one turn. */
  bubbleGapSeconds: Distribution;
  /** Emoji per message (grapheme-aware: ZWJ sequences and skin tones count once). */
  emojiPerMessage: number;
  shareWithEmoji: number;
  topEmojis: CountedText[];
  /** Laughter tokens (lol, haha, jaja, kkk, 😂, ...) normalized to a family name, with counts. */
  laughter: CountedText[];
  shareWithLaughter: number;
  /** Typed emoticons (":)", ";-)", "<3", "^^", ")))"), most frequent first; absent in profiles of version 0. */
  topEmoticons?: CountedText[];
  /** Share of messages with at least one emoticon. */
  shareWithEmoticon?: number;
  casing: { allLowercase: number; startsWithCapital: number; allCaps: number };
  /** Shares of messages by how they end. */
  endings: { period: number; exclamation: number; question: number; ellipsis: number; emoji: number; none: number };
  /** Share of messages with a letter repeated 3+ times ("sooo") / a mark repeated ("!!", "??"). */
  repeatedLetters: number;
  repeatedMarks: number;
  openers: CountedText[];
  closers: CountedText[];
  /** Words and short phrases distinctive of this author against the others (log-odds with a prior). */
  signature: { text: string; count: number; score: number }[];
  /** Languages detected over the messages (BCP 47 tag, share of messages). */
  languages: { tag: string; share: number }[];
  /** Seconds from the previous turn of someone else to this author's reply. */
  replyLatencySeconds: Distribution;
  /** Messages per hour of the day (0-23, local time of the export). */
  hours: number[];
}

export interface StyleProfile {
  version: number;
  personName: string;
  person: StyleStats;
  others: StyleStats;
  /** Prose summary derived from the numbers, used in the prompt; the user may edit it. */
  summary: string;
}

export interface PairContextLine {
  author: string;
  text: string;
  ts: string;
}

export interface ReplyPair {
  /** Stable: derived from the ids of the messages it is made of. */
  id: string;
  /** The other people's turn(s) just before the reply, oldest first. */
  context: PairContextLine[];
  /** The persona's reply turn, bubbles joined with '\n'. */
  reply: string;
  replyBubbles: number;
  contextTs: string;
  replyTs: string;
  contextMessageIds: string[];
  replyMessageIds: string[];
  /** In the latest ~10% by time: kept for evaluation, never used as an example. */
  heldOut: boolean;
  /**
   * The imported chat (conversation) the context and the reply both come from; a pair never spans two.
   * Absent on pairs built before chats were told apart, and when the caller gave one timeline only.
   */
  chat?: string;
}

export interface PairsReport {
  turnsOfPerson: number;
  pairs: number;
  heldOut: number;
  skippedNoContext: number;
  skippedSilence: number;
  duplicates: number;
  trivialFiltered: number;
  trivialKept: number;
}

export type MemoryType = 'fact' | 'preference' | 'relationship' | 'episode' | 'goal';

export interface MemoryItem {
  id: string;
  type: MemoryType;
  text: string;
  /** Who it is about: the persona's name or another named person. */
  subject: string;
  sourceMessageIds: string[];
  firstSeen: string;
  lastSeen: string;
  /** 0..1 */
  confidence: number;
  pinned: boolean;
  /** Who proposed it: the import's rules, an LLM pass, or the user by hand. */
  origin: 'rule' | 'llm' | 'user';
  /** A newer contradicting fact supersedes this one; it is kept as past. */
  supersededBy?: string;
  /** Episodes: the day the event happens or happened (YYYY-MM-DD), resolved from the message time. */
  eventDate?: string;
  /** People, places and topics the item mentions, as a model (or the user) named them; the memory graph adds more. */
  entities?: MemoryEntity[];
  /** Rule memories: the person's own sentence the statement was made from (their words, untranslated). */
  quote?: string;
  /** Rule memories: what the statement is about ("residence", "employer", "job", "study", "likes",
   * "dislikes", "goal", "event", "relation:sister"...), and its value in the person's own words. */
  slot?: string;
  value?: string;
}

export type MemoryEntityKind = 'person' | 'place' | 'topic';

export interface MemoryEntity {
  kind: MemoryEntityKind;
  name: string;
}

/** A trait of the persona with how strongly it shows, 0..1. */
export interface PersonaTrait {
  name: string;
  strength: number;
}

/** A hand-written example exchange (shown to the model like a real reply pair). */
export interface ExampleExchange {
  user: string;
  reply: string;
}

/**
 * What the user wrote or edited about a persona, beside what was measured from exports: the whole
 * persona of one made from a description, a card or by hand; additions to one cloned from a chat.
 * Every field may be empty. Stored on the persona row (not indexed).
 */
export interface PersonaDefinition {
  /** Who the persona is, in prose (a card's `description`). */
  background: string;
  traits: PersonaTrait[];
  /** Speaking-style rules: things to do and things never to do. */
  rules: { do: string[]; dont: string[] };
  examples: ExampleExchange[];
  /** How the persona opens a chat; the first is the default, the rest alternatives. */
  greetings: string[];
  /** Free-form scenario or setting (a card's `scenario`). */
  scenario: string;
}

/** Where a persona came from. */
export type PersonaOrigin = 'export' | 'description' | 'manual' | 'card' | 'bundle';

export function emptyDefinition(): PersonaDefinition {
  return { background: '', traits: [], rules: { do: [], dont: [] }, examples: [], greetings: [], scenario: '' };
}
