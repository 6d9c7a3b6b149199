// Validation of the rows a persona bundle carries, one zod schema per known table. A bundle is untrusted
// input: every row is checked before anything is written. Schemas check the keys and the fields the app
// relies on and let other fields through (older rows lack optional fields, newer ones may add some).

import { z } from '../zod';

const str = z.string();
const num = z.number();
const nullableStr = z.string().nullable();
const ids = z.array(z.string());

const memoryItem = z.looseObject({
  id: str,
  type: z.enum(['fact', 'preference', 'relationship', 'episode', 'goal']),
  text: str,
  subject: str,
  sourceMessageIds: ids,
  firstSeen: str,
  lastSeen: str,
  confidence: num,
  pinned: z.boolean(),
  origin: z.enum(['rule', 'llm', 'user']),
});

export const personaRow = z.looseObject({
  id: str,
  displayName: str,
  personName: str,
  selfName: nullableStr,
  createdAt: num,
  updatedAt: num,
  maskPii: z.boolean(),
  counts: z.looseObject({ personMessages: num, allMessages: num, turns: num, sources: num }),
  firstTs: nullableStr,
  lastTs: nullableStr,
});

const profileRow = z.looseObject({
  personaId: str,
  profile: z.looseObject({ version: num, personName: str, person: z.looseObject({}), others: z.looseObject({}), summary: str }),
  summaryEdited: z.boolean(),
  computedAt: num,
});

const contextLine = z.looseObject({ author: str, text: str, ts: str });

/** Schemas by table name; a per-persona table without one here is checked generically (object with personaId). */
export const ROW_SCHEMAS: Record<string, z.ZodType> = {
  personas: personaRow,
  profiles: profileRow,
  embedJobs: z.looseObject({
    personaId: str,
    modelId: str,
    model: z.looseObject({ id: str, dtype: str, dims: num.nullable(), label: str }),
    state: z.enum(['running', 'done', 'cancelled', 'failed']),
    done: num,
    total: num,
  }),
  memoryJobs: z.looseObject({
    personaId: str,
    state: z.enum(['running', 'paused', 'done', 'cancelled', 'failed']),
    modelId: str,
    nextChunk: num,
    totalChunks: num,
  }),
  meta: z.looseObject({ key: str, value: str }),
  sources: z.looseObject({ id: str, personaId: str, fileName: str, format: str, importedAt: num, itemCount: num }),
  messages: z.looseObject({
    personaId: str,
    id: str,
    sourceId: str,
    sortKey: str,
    ts: str,
    author: nullableStr,
    kind: str,
    text: str,
    edited: z.boolean(),
  }),
  turns: z.looseObject({
    personaId: str,
    seq: z.number().int().min(0),
    author: str,
    startTs: str,
    endTs: str,
    text: str,
    bubbles: num,
    messageIds: ids,
  }),
  pairs: z.looseObject({
    personaId: str,
    id: str,
    context: z.array(contextLine),
    reply: str,
    replyBubbles: num,
    contextTs: str,
    replyTs: str,
    contextMessageIds: ids,
    replyMessageIds: ids,
    heldOut: z.boolean(),
  }),
  memories: memoryItem.extend({ personaId: str, createdAt: num, updatedAt: num }),
  snapshots: z.looseObject({
    id: str,
    personaId: str,
    name: str,
    createdAt: num,
    profile: profileRow.nullable(),
    memories: z.array(memoryItem.extend({ personaId: str })),
    persona: personaRow,
  }),
  conversations: z.looseObject({ id: str, personaId: str, title: str, createdAt: num, updatedAt: num }),
  chatMessages: z.looseObject({
    conversationId: str,
    seq: z.number().int().min(0),
    personaId: str,
    role: z.enum(['user', 'assistant']),
    text: str,
    status: z.enum(['done', 'streaming', 'stopped', 'error']),
    createdAt: num,
    updatedAt: num,
  }),
  memoryProposals: z.looseObject({
    personaId: str,
    id: str,
    item: memoryItem,
    status: z.enum(['pending', 'accepted', 'rejected']),
    chunk: num,
    createdAt: num,
  }),
  knowledgeDocs: z.looseObject({ personaId: str, id: str, fileName: str, title: str, text: str, addedAt: num, chunkCount: num }),
  knowledgeChunks: z.looseObject({ personaId: str, id: str, docId: str, seq: num, text: str, start: num, end: num }),
};

export const genericRow = z.looseObject({ personaId: str });

/** One vector of a model's blob: `dims` floats, in index order. */
export const vectorIndexEntry = z.object({
  kind: z.enum(['pair', 'turn', 'memory', 'knowledge']),
  refId: str,
  dims: z.number().int().positive(),
  textHash: str.optional(),
});

export const manifestSchema = z.object({
  format: z.literal('personayou-bundle'),
  schemaVersion: z.number().int().positive(),
  dbVersion: z.number().positive(),
  appVersion: str,
  createdAt: str,
  persona: z.object({ id: str, displayName: str, personName: str }).loose(),
  files: z.record(str, z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().min(0), rows: z.number().int().min(0).optional() })),
  tables: z.array(z.object({ table: str, file: str, rows: z.number().int().min(0) })),
  vectors: z.array(z.object({ modelId: str, data: str, index: str, count: z.number().int().min(0) })),
});

export type BundleManifest = z.infer<typeof manifestSchema>;
