// Row shapes of the on-device database. One persona owns everything below it; rows are keyed by
// [personaId+id] so the same chat can back two personas (two participants cloned) without clashes.
// Text in `messages`/`turns` is stored masked when the import asked for PII masking.

import type { DateOrder, ItemKind, SourceFormat } from '../ingest/types';
import type { MemoryItem, ReplyPair, StyleProfile } from '../persona/types';

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
  /** Position of the turn in the persona's timeline, from 0. Rebuilt whole on every import. */
  seq: number;
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

export type MemoryRow = MemoryItem & { personaId: string; createdAt: number; updatedAt: number };

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
export type VectorKind = 'pair' | 'turn' | 'memory';

export interface VectorRow {
  personaId: string;
  modelId: string;
  kind: VectorKind;
  refId: string;
  vector: Float32Array;
}
