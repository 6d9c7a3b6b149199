// Validation of the rows a persona bundle carries, one zod schema per known table. A bundle is untrusted
// input: every row is checked before anything is written. Schemas check the keys and the fields the app
// relies on and let other fields through (older rows lack optional fields, newer ones may add some).

import { z } from '../zod';
import { memoryItemSchema, personaDefinitionSchema, personaOriginSchema } from '../persona/definition-schema';

const str = z.string();
const num = z.number();
/** Derived statistics keep NaN and ±Infinity (tiny samples): a number of any value. */
const anyNum = z.custom<number>((v) => typeof v === 'number', 'expected a number');
const nullableStr = z.string().nullable();
const ids = z.array(z.string());
const int0 = z.number().int().min(0);

const memoryItem = memoryItemSchema;

/** ChatSettingsPatch: every key optional, but a key that is there has the right type. */
const chatSettingsPatch = z.looseObject({
  temperature: num.optional(),
  topP: num.optional(),
  maxTokens: num.optional(),
  examples: num.optional(),
  memory: z.boolean().optional(),
  matchHabits: z.boolean().optional(),
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
  builderVersion: num.optional(),
  builtAt: num.optional(),
  chatSettings: chatSettingsPatch.optional(),
  definition: personaDefinitionSchema.optional(),
  origin: personaOriginSchema.optional(),
  /** Which device key masked the persona (first 16 hex of the salt's sha-256); never the salt. */
  maskKeyId: z.string().regex(/^[0-9a-f]{16}$/).optional(),
});

const distribution = z.looseObject({
  count: anyNum,
  mean: anyNum,
  median: anyNum,
  p10: anyNum,
  p90: anyNum,
  histogram: z.array(z.looseObject({ from: anyNum, to: anyNum, count: anyNum })),
});
const counted = z.array(z.looseObject({ text: str, count: anyNum }));

/** StyleStats: the prompt, the card and the profile view read every field below as typed. */
const styleStats = z.looseObject({
  author: nullableStr,
  messages: anyNum,
  turns: anyNum,
  chars: distribution,
  words: distribution,
  bubblesPerTurn: distribution,
  bubbleGapSeconds: distribution,
  emojiPerMessage: anyNum,
  shareWithEmoji: anyNum,
  topEmojis: counted,
  laughter: counted,
  shareWithLaughter: anyNum,
  topEmoticons: counted.optional(),
  shareWithEmoticon: anyNum.optional(),
  casing: z.looseObject({ allLowercase: anyNum, startsWithCapital: anyNum, allCaps: anyNum }),
  endings: z.looseObject({ period: anyNum, exclamation: anyNum, question: anyNum, ellipsis: anyNum, emoji: anyNum, none: anyNum }),
  repeatedLetters: anyNum,
  repeatedMarks: anyNum,
  openers: counted,
  closers: counted,
  signature: z.array(z.looseObject({ text: str, count: anyNum, score: anyNum })),
  languages: z.array(z.looseObject({ tag: str, share: anyNum })),
  replyLatencySeconds: distribution,
  hours: z.array(anyNum),
});

const profileRow = z.looseObject({
  personaId: str,
  profile: z.looseObject({ version: num, personName: str, person: styleStats, others: styleStats, summary: str }),
  summaryEdited: z.boolean(),
  computedAt: num,
});

const contextLine = z.looseObject({ author: str, text: str, ts: str });

const conversationSummary = z.looseObject({ fromSeq: int0, toSeq: int0, text: str, edited: z.boolean(), createdAt: num, modelId: str });

/**
 * FidelityReport: a big nested object, checked structurally at its top level and one level down (what
 * the fidelity panel iterates over); its numbers may be NaN (a metric of no samples).
 */
const fidelityReport = z.looseObject({
  version: num,
  createdAt: str,
  modelId: str,
  samples: anyNum,
  heldOutPairs: anyNum,
  trainingPairs: anyNum.optional(),
  maxReplyTokens: anyNum.optional(),
  authorship: z.looseObject({ heldOutAccuracy: anyNum, trainPerson: anyNum, trainOther: anyNum }),
  variants: z.array(
    z.looseObject({
      id: str,
      label: str,
      style: z.looseObject({ score: anyNum, parts: z.array(z.looseObject({})) }),
      content: z.looseObject({ mean: anyNum, each: z.array(anyNum) }),
      authorship: z.looseObject({ share: anyNum }),
    }),
  ),
  realDistributions: z.looseObject({ chars: z.array(anyNum), bubbles: z.array(anyNum) }),
  generatedDistributions: z.record(str, z.looseObject({ chars: z.array(anyNum), bubbles: z.array(anyNum) })),
  examples: z.array(
    z.looseObject({
      pairId: str,
      context: z.array(contextLine),
      real: str,
      generated: z.record(str, str),
      usedExampleIds: ids.optional(),
      retrievedPairId: nullableStr.optional(),
    }),
  ),
});

/**
 * Schemas by table name. Every table of personaIndexedTables has one (a test keeps it so); the generic
 * check (object with personaId) is only a fallback for a table added later without one.
 */
export const ROW_SCHEMAS: Record<string, z.ZodType> = {
  personas: personaRow,
  profiles: profileRow,
  embedJobs: z.looseObject({
    personaId: str,
    modelId: str,
    model: z.looseObject({ id: str, dtype: str, dims: z.number().int().positive().nullable(), label: str }),
    state: z.enum(['running', 'done', 'cancelled', 'failed']),
    done: num,
    total: num,
    startedAt: num.optional(),
    updatedAt: num.optional(),
    finishedAt: num.nullable().optional(),
    sourceStamp: str.optional(),
    backend: z.enum(['wasm', 'webgpu']).nullable().optional(),
    batchSize: num.nullable().optional(),
    error: nullableStr.optional(),
  }),
  memoryJobs: z.looseObject({
    personaId: str,
    state: z.enum(['running', 'paused', 'done', 'cancelled', 'failed']),
    modelId: str,
    nextChunk: num,
    totalChunks: num,
    proposals: num.optional(),
    startedAt: num.optional(),
    updatedAt: num.optional(),
    error: nullableStr.optional(),
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
  memories: memoryItem.extend({ personaId: str, createdAt: num, updatedAt: num, userEdited: z.boolean().optional() }),
  snapshots: z.looseObject({
    id: str,
    personaId: str,
    name: str,
    createdAt: num,
    profile: profileRow.nullable(),
    memories: z.array(memoryItem.extend({ personaId: str })),
    persona: personaRow,
  }),
  conversations: z.looseObject({
    id: str,
    personaId: str,
    title: str,
    createdAt: num,
    updatedAt: num,
    settings: chatSettingsPatch.optional(),
    summaries: z.array(conversationSummary).optional(),
  }),
  chatMessages: z.looseObject({
    conversationId: str,
    seq: z.number().int().min(0),
    personaId: str,
    role: z.enum(['user', 'assistant']),
    text: str,
    status: z.enum(['done', 'streaming', 'stopped', 'error']),
    createdAt: num,
    updatedAt: num,
    modelId: str.optional(),
    sections: z.array(z.looseObject({ title: str, text: str, tokens: num })).optional(),
    usedExampleIds: ids.optional(),
    usedMemoryIds: ids.optional(),
    usedKnowledge: z.array(z.looseObject({ chunkId: str, fileName: str, title: str, excerpt: str })).optional(),
    linkedMemories: z.array(z.looseObject({ id: str, text: str, via: str, fromText: str })).optional(),
    promptTokens: num.optional(),
    completionTokens: num.optional(),
    error: str.optional(),
    rating: z.enum(['up', 'down']).optional(),
    rawText: str.optional(),
  }),
  memoryProposals: z.looseObject({
    personaId: str,
    id: str,
    item: memoryItem,
    status: z.enum(['pending', 'accepted', 'rejected']),
    chunk: num,
    supersedes: str.optional(),
    createdAt: num,
    decidedAt: num.nullable().optional(),
  }),
  knowledgeDocs: z.looseObject({ personaId: str, id: str, fileName: str, title: str, text: str, addedAt: num, chunkCount: num }),
  knowledgeChunks: z.looseObject({ personaId: str, id: str, docId: str, seq: num, text: str, start: num, end: num }),
  fidelityReports: z.looseObject({
    personaId: str,
    id: str,
    createdAt: num,
    settings: z.looseObject({ maxSamples: num, maxReplyTokens: num }),
    report: fidelityReport,
  }),
  blindRounds: z.looseObject({
    personaId: str,
    id: str,
    reportId: str,
    pairId: str,
    k: z.number().int().min(1),
    order: ids,
    picked: z.number().int().min(0),
    correct: z.boolean(),
    createdAt: num,
  }),
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
  /** The persona's voice adapter file (a LoRA GGUF), when it has one. */
  voiceAdapter: z.object({ file: str }).optional(),
});

export type BundleManifest = z.infer<typeof manifestSchema>;
