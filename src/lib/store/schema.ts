// Row shapes of the on-device database. One persona owns everything below it; rows are keyed by
// [personaId+id] so the same chat can back two personas (two participants cloned) without clashes.
// Text in `messages`/`turns` is stored masked when the import asked for PII masking.

import type { DateOrder, ItemKind, SourceFormat } from '../ingest/types';
import type { ChatSettingsPatch } from '../persona/chat-settings';
import type { ConversationSummary } from '../persona/conversation-summary';
import type { MemoryItem, PersonaDefinition, PersonaOrigin, ReplyPair, StyleProfile } from '../persona/types';
import type { FidelityReport } from '../persona/fidelity-run';

export const DB_NAME = 'personayou';

export interface PersonaRow {
  id: string;
  /** Name shown in the app (defaults to the cloned participant's name). */
  displayName: string;
  /** The participant whose messages the persona is built from, as written in the exports. */
  personName: string;
  /** The participant who is the user ("me"), or null when the user is not in the chats. */
  selfName: string | null;
  createdAt: number;
  updatedAt: number;
  maskPii: boolean;
  /** Person items of the cloned participant / of everybody / turns, kept in step with the tables. */
  counts: { personMessages: number; allMessages: number; turns: number; sources: number };
  firstTs: string | null;
  lastTs: string | null;
  /** Version of the persona builder (profile, pairs, memories) that last ran, and when. */
  builderVersion?: number;
  builtAt?: number;
  /** Reply settings for every chat with this persona (not indexed: no schema version needed). */
  chatSettings?: ChatSettingsPatch;
  /** What the user wrote about the persona (background, traits, rules, examples, greetings). */
  definition?: PersonaDefinition;
  /** Absent on personas made before this field: those came from an export. */
  origin?: PersonaOrigin;
  /**
   * Masked personas: which device key masked them (`maskKeyId` of the salt; reveals nothing of it). It
   * travels in bundles, the salt never does. Absent means masked with this device's key.
   */
  maskKeyId?: string;
  /** A LoRA voice adapter (its file is in OPFS, see lib/llm/adapter-files.ts), checked against `checkedWith`. */
  voiceAdapter?: VoiceAdapterRow;
}

export interface VoiceAdapterRow {
  /** Stored name in the voice-adapters OPFS folder. */
  file: string;
  /** The picked file's name, as shown. */
  label: string;
  bytes: number;
  /** 0-2, applied when the model loads. */
  scale: number;
  architecture: string;
  rank: number;
  /** Label of the model it was checked against when added. */
  checkedWith: string;
  addedAt: number;
}

export interface SourceRow {
  id: string;
  personaId: string;
  fileName: string;
  format: SourceFormat;
  locale: string | null;
  dateOrder: DateOrder | null;
  chatName: string | null;
  /** Identifies the same chat across a newer export (hash of its first person items). */
  fingerprint: string | null;
  /**
   * The chat (conversation) this file is an export of: every source of one chat has the same key, and
   * turns, pairs and statistics are built per chat. Absent on sources stored before it was recorded
   * (then the fingerprint, or the source id, stands for the chat: see chatKeyOf).
   */
  chatKey?: string;
  importedAt: number;
  itemCount: number;
  /** How many of this file's items were new when it was imported. */
  addedCount: number;
  skipped: Partial<Record<ItemKind, number>>;
}

export interface MessageRow {
  personaId: string;
  /** Stable hash of (ts, author, kind, original text, occurrence): re-imports are idempotent. */
  id: string;
  sourceId: string;
  /** `ts` + source line, zero-padded: orders messages across sources. */
  sortKey: string;
  ts: string;
  author: string | null;
  kind: ItemKind;
  text: string;
  edited: boolean;
}

export interface TurnRow {
  personaId: string;
  /**
   * Position of the turn, from 0: the turns of each chat in time order, one chat after the other.
   * Rebuilt whole on every import.
   */
  seq: number;
  /** The chat the turn belongs to (its sources' chatKey); absent on turns built before chats were told apart. */
  chat?: string;
  author: string;
  startTs: string;
  endTs: string;
  text: string;
  bubbles: number;
  messageIds: string[];
}

export interface MetaRow {
  key: string;
  value: string;
}

export interface ProfileRow {
  personaId: string;
  profile: StyleProfile;
  /** True once the user edited the prose summary: a rebuild then keeps their text. */
  summaryEdited: boolean;
  computedAt: number;
}

export type PairRow = ReplyPair & { personaId: string };

export type MemoryRow = MemoryItem & {
  personaId: string;
  createdAt: number;
  updatedAt: number;
  /** Set once the user changed the item: rebuilds then leave it alone. */
  userEdited?: boolean;
};

/** A named copy of what shapes a persona (profile, memories, settings) that can be restored. */
export interface SnapshotRow {
  id: string;
  personaId: string;
  name: string;
  createdAt: number;
  profile: ProfileRow | null;
  memories: MemoryRow[];
  persona: PersonaRow;
}

/** What a vector embeds. */
export type VectorKind = 'pair' | 'turn' | 'memory' | 'knowledge';

export interface VectorRow {
  personaId: string;
  /** Which model (and weight type) made the vector: `modelKey()` of src/lib/embed/models. */
  modelId: string;
  kind: VectorKind;
  refId: string;
  /**
   * Hash of the exact text embedded: a changed text (turns are rebuilt per import) is re-embedded.
   * Absent means unknown, which counts as changed.
   */
  textHash?: string;
  /** Unit length (mean pooling + normalization), so a dot product is the cosine similarity. */
  vector: Float32Array;
}

/** One persona's embedding job: written per batch by the embed worker, observed by the UI. */
export interface EmbedJobRow {
  personaId: string;
  modelId: string;
  /** Everything needed to load the same model again for queries (a ModelSpec of src/lib/embed/models). */
  model: { id: string; dtype: string; dims: number | null; label: string };
  /** `running` after a reload means the tab closed mid-way: the app resumes it. */
  state: 'running' | 'done' | 'cancelled' | 'failed';
  done: number;
  total: number;
  startedAt: number;
  updatedAt: number;
  finishedAt: number | null;
  /** The persona's `updatedAt`/`builtAt` when the job planned its work: newer data means stale vectors. */
  sourceStamp: string;
  backend: 'wasm' | 'webgpu' | null;
  batchSize: number | null;
  error: string | null;
}

/** A chat with a persona (schema v3). `updatedAt` moves with every new message, for the list order. */
export interface ConversationRow {
  id: string;
  personaId: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** This chat's overrides of the persona's reply settings (not indexed). */
  settings?: ChatSettingsPatch;
  /** Summaries of older parts of the chat, oldest first, without overlaps (not indexed). */
  summaries?: ConversationSummary[];
}

/** One section of the system prompt a reply was generated with (the "why this answer" panel). */
export interface PromptSectionRow {
  title: string;
  text: string;
  tokens: number;
}

/**
 * `streaming` is only ever seen while a reply is being written; one found after a reload was cut off by
 * the tab closing and is shown as stopped. `error` keeps what was streamed plus the reason.
 */
export type ChatMessageStatus = 'done' | 'streaming' | 'stopped' | 'error';

export interface ChatMessageRow {
  conversationId: string;
  /** Position in the conversation, from 0; never reused while the message exists. */
  seq: number;
  personaId: string;
  role: 'user' | 'assistant';
  text: string;
  status: ChatMessageStatus;
  createdAt: number;
  updatedAt: number;
  /** Persona replies: the model that wrote it and what its prompt was made of. */
  modelId?: string;
  /** The voice adapter (LoRA) the model was loaded with, and its scale. */
  voiceAdapter?: { label: string; scale: number };
  sections?: PromptSectionRow[];
  usedExampleIds?: string[];
  usedMemoryIds?: string[];
  /** Knowledge-document chunks in the prompt, with where they come from (the "why this answer" panel). */
  usedKnowledge?: { chunkId: string; fileName: string; title: string; excerpt: string }[];
  /** Memories in the prompt that retrieval reached through a graph link (shared person/place/topic or episode). */
  linkedMemories?: { id: string; text: string; via: string; fromText: string }[];
  promptTokens?: number;
  completionTokens?: number;
  error?: string;
  /** The user's thumbs on a persona reply: liked ones become examples, disliked ones are never reused. */
  rating?: 'up' | 'down';
  /** How examples and memories were found: `lexical` (BM25 only, before the persona is embedded) or `hybrid`. */
  retrieval?: 'lexical' | 'hybrid';
  /** The model's own text when the style adapter changed it for display ("match their texting habits"). */
  rawText?: string;
}

/** A memory item an LLM pass proposed (schema v4): enters `memories` only once the user accepts it. */
export interface MemoryProposalRow {
  personaId: string;
  id: string;
  /** The proposed item (origin 'llm'), as the user last edited it. */
  item: MemoryItem;
  status: 'pending' | 'accepted' | 'rejected';
  /** The history chunk it came from (resuming skips chunks already done). */
  chunk: number;
  /** An existing memory this newer item contradicts: accepting keeps that one as past. */
  supersedes?: string;
  createdAt: number;
  decidedAt: number | null;
}

/** Progress of one persona's LLM memory pass (schema v4); `running` after a reload means it can resume. */
export interface MemoryJobRow {
  personaId: string;
  state: 'running' | 'paused' | 'done' | 'cancelled' | 'failed';
  modelId: string;
  /** Chunks [0, nextChunk) are done. */
  nextChunk: number;
  totalChunks: number;
  proposals: number;
  startedAt: number;
  updatedAt: number;
  error: string | null;
}

/** A text document the user gave a persona as knowledge (schema v4). */
export interface KnowledgeDocRow {
  personaId: string;
  id: string;
  fileName: string;
  title: string;
  text: string;
  addedAt: number;
  chunkCount: number;
}

/** A retrievable piece of a knowledge document (schema v4), embedded like memories (VectorKind 'knowledge'). */
export interface KnowledgeChunkRow {
  personaId: string;
  id: string;
  docId: string;
  seq: number;
  text: string;
  /** UTF-16 offsets of the chunk in the document, to show the source. */
  start: number;
  end: number;
}

/** A saved fidelity evaluation of a persona (schema v5); only the latest few per persona are kept. */
export interface FidelityReportRow {
  personaId: string;
  id: string;
  createdAt: number;
  /** What the run was asked for (the report says what it managed). */
  settings: { maxSamples: number; maxReplyTokens: number };
  report: FidelityReport;
}

/** One answered round of the blind friend test (schema v5). Rounds outlive the report they came from. */
export interface BlindRoundRow {
  personaId: string;
  id: string;
  reportId: string;
  pairId: string;
  /** Generated replies shown beside the real one: a blind guess is right 1 / (k + 1) of the time. */
  k: number;
  /** Where each shown reply came from, in display order ('real' or a variant id). */
  order: string[];
  picked: number;
  correct: boolean;
  createdAt: number;
}
