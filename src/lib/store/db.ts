// The Dexie database: schema versions and the single place that opens IndexedDB.
// Versions are append-only: never edit a shipped version's stores, add a new version with an upgrade.
// Each migration gets a test against a pinned fixture of the previous version.

import { Dexie, type EntityTable } from 'dexie';
import {
  DB_NAME,
  type MemoryRow,
  type MessageRow,
  type MetaRow,
  type PairRow,
  type PersonaRow,
  type ProfileRow,
  type SnapshotRow,
  type SourceRow,
  type TurnRow,
  type VectorRow,
  type EmbedJobRow,
  type ConversationRow,
  type ChatMessageRow,
  type MemoryProposalRow,
  type MemoryJobRow,
  type KnowledgeDocRow,
  type KnowledgeChunkRow,
  type FidelityReportRow,
  type BlindRoundRow,
} from './schema';

export class PersonaDb extends Dexie {
  personas!: EntityTable<PersonaRow, 'id'>;
  sources!: EntityTable<SourceRow, 'id'>;
  messages!: Dexie.Table<MessageRow, [string, string]>;
  turns!: Dexie.Table<TurnRow, [string, number]>;
  meta!: EntityTable<MetaRow, 'key'>;
  profiles!: EntityTable<ProfileRow, 'personaId'>;
  pairs!: Dexie.Table<PairRow, [string, string]>;
  memories!: Dexie.Table<MemoryRow, [string, string]>;
  snapshots!: EntityTable<SnapshotRow, 'id'>;
  vectors!: Dexie.Table<VectorRow, [string, string, string, string]>;
  embedJobs!: EntityTable<EmbedJobRow, 'personaId'>;
  conversations!: EntityTable<ConversationRow, 'id'>;
  chatMessages!: Dexie.Table<ChatMessageRow, [string, number]>;
  memoryProposals!: Dexie.Table<MemoryProposalRow, [string, string]>;
  memoryJobs!: EntityTable<MemoryJobRow, 'personaId'>;
  knowledgeDocs!: Dexie.Table<KnowledgeDocRow, [string, string]>;
  knowledgeChunks!: Dexie.Table<KnowledgeChunkRow, [string, string]>;
  fidelityReports!: Dexie.Table<FidelityReportRow, [string, string]>;
  blindRounds!: Dexie.Table<BlindRoundRow, [string, string]>;

  constructor(options: { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange } = {}) {
    super(DB_NAME, options.indexedDB === undefined ? {} : { indexedDB: options.indexedDB, IDBKeyRange: options.IDBKeyRange });
    this.version(1).stores({
      personas: 'id, createdAt',
      sources: 'id, personaId, fingerprint',
      messages: '[personaId+id], [personaId+sortKey], personaId',
      turns: '[personaId+seq], personaId',
      meta: 'key',
    });
    // v2: what a persona is built from (profile, pairs, memories), snapshots, embedding vectors.
    this.version(2).stores({
      profiles: 'personaId',
      pairs: '[personaId+id], personaId',
      memories: '[personaId+id], personaId, [personaId+type]',
      snapshots: 'id, personaId',
      vectors: '[personaId+modelId+kind+refId], personaId, [personaId+modelId]',
      embedJobs: 'personaId',
    });
    // v3: chats with a persona (conversations and their messages).
    this.version(3).stores({
      conversations: 'id, personaId, updatedAt',
      chatMessages: '[conversationId+seq], conversationId, personaId',
    });
    // v4: the persona studio: proposed memories from an LLM pass (and its resumable job), knowledge documents.
    this.version(4).stores({
      memoryProposals: '[personaId+id], personaId, [personaId+status]',
      memoryJobs: 'personaId',
      knowledgeDocs: '[personaId+id], personaId',
      knowledgeChunks: '[personaId+id], personaId, [personaId+docId]',
    });
    // v5: fidelity reports of a persona and the rounds of its blind friend test.
    this.version(5).stores({
      fidelityReports: '[personaId+id], personaId',
      blindRounds: '[personaId+id], personaId',
    });
  }
}

/**
 * Every table whose rows belong to one persona through a `personaId` index: a persona's delete, bundle
 * export and bundle import go through this list, so a new per-persona table must be added here (and
 * its rows then travel and vanish with the persona). Tables keyed by the persona id itself (personas,
 * profiles, embedJobs) are handled by name.
 */
export function personaIndexedTables(db: PersonaDb) {
  return [
    db.sources,
    db.messages,
    db.turns,
    db.pairs,
    db.memories,
    db.snapshots,
    db.vectors,
    db.conversations,
    db.chatMessages,
    db.memoryProposals,
    db.knowledgeDocs,
    db.knowledgeChunks,
    db.fidelityReports,
    db.blindRounds,
  ] as const;
}

let shared: PersonaDb | undefined;

/** The app's database in this realm (page or worker); tests build their own PersonaDb. */
export function openDb(): PersonaDb {
  shared ??= new PersonaDb();
  return shared;
}
