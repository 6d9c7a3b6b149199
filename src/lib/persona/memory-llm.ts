// LLM-assisted memory, the pure part: the persona's history cut into numbered chunks that fit a small
// context, the extraction prompt per chunk, the answer's schema, and `proposalsFromAnswer`, which turns
// a model's (possibly broken) answer into proposed memory items with provenance (the messages behind the
// cited lines). Invariants: chunk numbering only depends on the turns before a chunk's end (appending
// history never renumbers earlier chunks, so a job resumes by index); a bad answer is a counted
// "unusable answer" with zero proposals, never a throw; an older contradicting item is kept as past.

import { z } from '../zod';
import { hashString } from '../ingest/hash';
import { parseStructured, structured } from '../llm/structured';
import type { ChatMessage } from '../llm/types';
import { normText } from './memory-graph';
import type { MemoryEntity, MemoryItem, MemoryType } from './types';

export { normText };

export const MEMORY_TYPES: readonly MemoryType[] = ['fact', 'preference', 'relationship', 'episode', 'goal'];

/** A turn as the chunker needs it (a TurnRow fits). */
export interface ChunkTurnSource {
  seq: number;
  author: string;
  startTs: string;
  text: string;
  messageIds: readonly string[];
  /** The imported chat of the turn: a chunk never holds two chats (absent = one chat). */
  chat?: string;
}

/** One numbered line of a chunk: one turn, clipped. */
export interface ChunkLine {
  /** 1-based line number the model cites. */
  n: number;
  seq: number;
  ts: string;
  author: string;
  text: string;
  messageIds: readonly string[];
}

export interface MemoryChunk {
  index: number;
  lines: ChunkLine[];
  firstTs: string;
  lastTs: string;
  /** Leading lines repeated from the previous chunk for context. */
  overlap: number;
}

export interface ChunkOptions {
  /** Characters of line text per chunk (default 2000: ~600 tokens, with the prompt well inside 2k). */
  maxChars?: number;
  /** A longer turn is clipped to this many characters (default 300). */
  maxTurnChars?: number;
  /** Turns of the previous chunk repeated at the start of the next (default 2), unless a time gap split them. */
  overlapTurns?: number;
  /** A silence longer than this starts a new chunk without overlap (default 30 days). */
  maxGapDays?: number;
}

const DAY_MS = 86_400_000;

function tsMs(ts: string): number {
  const ms = Date.parse(ts.length === 10 ? `${ts}T00:00:00Z` : `${ts.slice(0, 19)}Z`);
  return Number.isNaN(ms) ? 0 : ms;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/**
 * The history in chunks, oldest first. Greedy from the start: a chunk closes when the next turn would
 * not fit, comes after a long silence or belongs to another chat, so the chunks before the last never
 * change when turns are added at the end.
 */
export function chunkTurns(turns: readonly ChunkTurnSource[], options: ChunkOptions = {}): MemoryChunk[] {
  const maxChars = options.maxChars ?? 2000;
  const maxTurnChars = options.maxTurnChars ?? 300;
  const overlapTurns = options.overlapTurns ?? 2;
  const maxGapMs = (options.maxGapDays ?? 30) * DAY_MS;
  const sorted = [...turns].filter((t) => t.text.trim() !== '').sort((a, b) => a.seq - b.seq);
  const chunks: MemoryChunk[] = [];
  interface Building {
    turns: ChunkTurnSource[];
    texts: string[];
    chars: number;
    overlap: number;
  }
  let current: Building | null = null;
  const close = (): void => {
    if (current === null || current.turns.length === current.overlap) return;
    const lines = current.turns.map((t, i) => ({
      n: i + 1,
      seq: t.seq,
      ts: t.startTs,
      author: t.author,
      text: current?.texts[i] ?? '',
      messageIds: t.messageIds,
    }));
    chunks.push({ index: chunks.length, lines, firstTs: lines[0]?.ts ?? '', lastTs: lines[lines.length - 1]?.ts ?? '', overlap: current.overlap });
  };
  let previous: ChunkTurnSource | null = null;
  for (const turn of sorted) {
    const text = clip(turn.text, maxTurnChars);
    // Another chat is a break like a long silence: no chunk (and no carried overlap) spans two chats.
    const gap = previous !== null && (previous.chat !== turn.chat || tsMs(turn.startTs) - tsMs(previous.startTs) > maxGapMs);
    if (current !== null && (gap || current.chars + text.length > maxChars)) {
      close();
      const closing: Building = current;
      const carried: ChunkTurnSource[] = gap || overlapTurns <= 0 ? [] : closing.turns.slice(-overlapTurns);
      const carriedTexts: string[] = closing.texts.slice(closing.texts.length - carried.length);
      current = { turns: [...carried], texts: [...carriedTexts], chars: carriedTexts.reduce((n, t) => n + t.length, 0), overlap: carried.length };
      // The overlap never crowds out the new turn.
      while (current.overlap > 0 && current.chars + text.length > maxChars) {
        current.chars -= current.texts.shift()?.length ?? 0;
        current.turns.shift();
        current.overlap--;
      }
    }
    current ??= { turns: [], texts: [], chars: 0, overlap: 0 };
    current.turns.push(turn);
    current.texts.push(text);
    current.chars += text.length;
    previous = turn;
  }
  close();
  return chunks;
}

/** First chunk of a pass capped to the latest `latest` chunks (all when null). */
export function firstChunkFor(totalChunks: number, latest: number | null): number {
  if (latest === null || !Number.isFinite(latest) || latest <= 0) return 0;
  return Math.max(0, totalChunks - Math.floor(latest));
}

// ---------------------------------------------------------------------------------------------
// The answer

const entitySchema = z.object({ kind: z.enum(['person', 'place', 'topic']), name: z.string().min(1) });

const itemSchema = z.object({
  type: z.enum(['fact', 'preference', 'relationship', 'episode', 'goal']),
  text: z.string().min(1),
  subject: z.string().optional(),
  date: z.string().optional(),
  sourceLines: z.array(z.number().int()),
  supersedes: z.string().optional(),
  entities: z.array(entitySchema).optional(),
});

/** What the model is asked for (and WebLLM is constrained to). */
export const memoryAnswerSchema = z.object({ items: z.array(itemSchema) });
export type MemoryAnswer = z.infer<typeof memoryAnswerSchema>;

/** The JSON Schema passed as GenerationOptions.jsonSchema. */
export const MEMORY_ANSWER_JSON_SCHEMA = structured(memoryAnswerSchema).jsonSchema;

/**
 * What is accepted back: small models write line numbers as strings, `null` for absent fields and
 * other casing; each item is then checked on its own so one bad item does not sink the rest.
 */
const looseItem = z.object({
  type: z.string().transform((s) => s.trim().toLowerCase()).pipe(z.enum(['fact', 'preference', 'relationship', 'episode', 'goal'])),
  text: z.string(),
  subject: z.string().nullish(),
  date: z.string().nullish(),
  sourceLines: z
    .array(z.union([z.number(), z.string()]))
    .nullish()
    .transform((a) => (a ?? []).map((v) => (typeof v === 'number' ? v : Number.parseInt(v.replace(/^\D+/u, ''), 10)))),
  supersedes: z.union([z.string(), z.number()]).nullish(),
  entities: z.array(z.object({ kind: z.string(), name: z.string() })).nullish(),
});
const looseAnswer = z.object({ items: z.array(z.unknown()) });

// ---------------------------------------------------------------------------------------------
// The prompt

/** Existing memories as the prompt lists them: `#n` aliases keep the prompt short and the answer simple. */
export interface KnownMemory {
  alias: string;
  item: MemoryItem;
}

const MAX_KNOWN_IN_PROMPT = 25;

/** Current (not superseded) memories, most recently seen first, with their prompt aliases. */
export function knownMemories(existing: readonly MemoryItem[], max = MAX_KNOWN_IN_PROMPT): KnownMemory[] {
  return existing
    .filter((m) => m.supersededBy === undefined)
    .sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : a.id < b.id ? -1 : 1))
    .slice(0, max)
    .map((item, i) => ({ alias: `#${i + 1}`, item }));
}

function lineText(line: ChunkLine): string {
  return `${line.n}. ${line.ts.slice(0, 10)} ${line.ts.slice(11, 16)} ${line.author}: ${line.text}`.replace(/ {2,}/gu, ' ');
}

/** The chat messages of one chunk's extraction request. */
export function extractionPrompt(chunk: MemoryChunk, personName: string, known: readonly KnownMemory[]): ChatMessage[] {
  const system = [
    `You read part of a chat history and list what is worth remembering about ${personName} and the people in ${personName}'s life.`,
    'Answer with JSON only, in this shape:',
    '{"items":[{"type":"fact","text":"Lives in Munich","subject":"' +
      personName +
      '","date":"2023-05-01","sourceLines":[3],"supersedes":"#2","entities":[{"kind":"place","name":"Munich"}]}]}',
    'type is one of fact, preference, relationship, episode, goal.',
    'Only what the lines say, no guesses. sourceLines: the numbers of the lines it comes from.',
    'text: short, third person ("Works as a nurse"). date: the day an episode happens (YYYY-MM-DD), if known.',
    'supersedes: the #number of a known memory that this newer item replaces (moved, new job, broke up).',
    'entities: people, places and topics it mentions. Skip what is already known.',
    'If nothing is worth remembering, answer {"items":[]}.',
  ].join('\n');
  const knownText =
    known.length === 0
      ? 'Known memories: none.'
      : `Known memories:\n${known.map((k) => `${k.alias} [${k.item.type}] ${k.item.subject === personName ? '' : `(${k.item.subject}) `}${k.item.text} (${k.item.lastSeen.slice(0, 10)})`).join('\n')}`;
  const user = `${knownText}\n\nChat lines (${chunk.firstTs.slice(0, 10)} to ${chunk.lastTs.slice(0, 10)}):\n${chunk.lines.map(lineText).join('\n')}`;
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

// ---------------------------------------------------------------------------------------------
// Comparison, slots and supersession

/** Word-set similarity (Jaccard) of two texts in comparison form, 0..1. */
export function textSimilarity(a: string, b: string): number {
  const wa = new Set(normText(a).split(' ').filter((w) => w !== ''));
  const wb = new Set(normText(b).split(' ').filter((w) => w !== ''));
  if (wa.size === 0 || wb.size === 0) return 0;
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared++;
  return shared / (wa.size + wb.size - shared);
}

/** Texts this similar (or more) say the same thing. */
export const SAME_TEXT = 0.8;

/**
 * The single-valued slot an item fills and its value, read from the text forms the rule extractor
 * (memory.ts) writes and a model writes alike: "Lives in X" / "Moved to X" (residence), "Works at X",
 * "Works as X", "Studies X", "Birthday is on X", "Favorite C is X", "N is P's wife". Null for the rest.
 */
export function slotOf(text: string): { slot: string; value: string } | null {
  const t = text.trim().replace(/[.!]+$/u, '');
  const rel = /^(.+?)\s+is\s+\S+?['’]s\s+(wife|husband|boyfriend|girlfriend|partner|boss)$/iu.exec(t);
  if (rel !== null) return { slot: `rel:${(rel[2] ?? '').toLowerCase()}`, value: normText(rel[1] ?? '') };
  const patterns: { slot: string; re: RegExp }[] = [
    { slot: 'residence', re: /\b(?:lives|living|moved|relocated)\s+(?:in|to)\s+(.+)$/iu },
    { slot: 'employer', re: /\bworks?\s+(?:at|for)\s+(.+)$/iu },
    { slot: 'job', re: /\bworks?\s+as\s+(?:an?\s+)?(.+)$/iu },
    { slot: 'study', re: /\bstud(?:ies|ying)\s+(.+)$/iu },
    { slot: 'birthday', re: /\bbirthday\s+is\s+(?:on\s+)?(.+)$/iu },
  ];
  for (const { slot, re } of patterns) {
    const m = re.exec(t);
    if (m !== null) return { slot, value: normText(m[1] ?? '').replace(/^(?:the|a|an)\s+/u, '') };
  }
  const fav = /\bfavou?rite\s+(.+?)\s+is\s+(.+)$/iu.exec(t);
  if (fav !== null) return { slot: `favorite:${normText(fav[1] ?? '')}`, value: normText(fav[2] ?? '') };
  return null;
}

// ---------------------------------------------------------------------------------------------
// Proposals

export interface ProposedMemory {
  item: MemoryItem;
  /** An existing memory this newer item contradicts: accepting keeps that one as past. */
  supersedes?: string;
}

export interface AnswerOutcome {
  proposals: ProposedMemory[];
  /** False when the answer held no valid JSON of the expected shape (counted as an unusable answer). */
  usable: boolean;
  /** Why it was unusable, for the job's report. */
  reason?: string;
  /** Items dropped: invalid fields, no valid source line, or already known. */
  dropped: number;
  duplicates: number;
}

export interface AnswerContext {
  personName: string;
  /** Current memories, in the order (and with the aliases) the prompt listed them; others still dedupe. */
  known: readonly KnownMemory[];
  /** Every existing memory and pending proposal: nothing similar to these is proposed again. */
  existing: readonly MemoryItem[];
}

const MAX_TEXT = 200;
const MAX_ENTITIES = 8;
const DEFAULT_CONFIDENCE = 0.6;

export function llmMemoryId(type: MemoryType, subject: string, text: string): string {
  return `llm-${hashString(`${type}\u0000${normText(subject)}\u0000${normText(text)}`)}`;
}

function resolveSupersedes(ref: string | number | null | undefined, ctx: AnswerContext): MemoryItem | null {
  if (ref === null || ref === undefined) return null;
  const s = String(ref).trim();
  if (s === '') return null;
  const alias = /^#?(\d+)$/u.exec(s);
  if (alias !== null) return ctx.known.find((k) => k.alias === `#${alias[1] ?? ''}`)?.item ?? null;
  const byId = ctx.known.find((k) => k.item.id === s)?.item;
  if (byId !== undefined) return byId;
  let best: { item: MemoryItem; score: number } | null = null;
  for (const k of ctx.known) {
    const score = textSimilarity(k.item.text, s);
    if (score >= SAME_TEXT && (best === null || score > best.score)) best = { item: k.item, score };
  }
  return best?.item ?? null;
}

function cleanEntities(raw: readonly { kind: string; name: string }[] | null | undefined): MemoryEntity[] {
  const out: MemoryEntity[] = [];
  const seen = new Set<string>();
  for (const e of raw ?? []) {
    const kind = e.kind.trim().toLowerCase();
    const name = clip(e.name, 60);
    if ((kind !== 'person' && kind !== 'place' && kind !== 'topic') || !/\p{L}/u.test(name)) continue;
    const key = `${kind}:${normText(name)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ kind, name });
    if (out.length >= MAX_ENTITIES) break;
  }
  return out;
}

/**
 * Proposed memory items from one chunk's answer. Cited line numbers become the item's source message
 * ids and its dates; an item citing no line of the chunk is dropped (no provenance, no memory). Items
 * like a known memory or an earlier proposal are dropped as duplicates. A contradiction with a known
 * current item of the same subject and slot (or the model's own `supersedes`) is resolved by time: the
 * newer item supersedes the older, and an item older than the one it contradicts enters as past.
 */
export function proposalsFromAnswer(chunk: MemoryChunk, answerText: string, ctx: AnswerContext): AnswerOutcome {
  const parsed = parseStructured(looseAnswer, answerText);
  if (!parsed.ok) return { proposals: [], usable: false, reason: parsed.message, dropped: 0, duplicates: 0 };
  const lines = new Map(chunk.lines.map((l) => [l.n, l]));
  const proposals: ProposedMemory[] = [];
  const seen: MemoryItem[] = [...ctx.existing];
  let dropped = 0;
  let duplicates = 0;
  for (const raw of parsed.value.items) {
    const checked = looseItem.safeParse(raw);
    if (!checked.success) {
      dropped++;
      continue;
    }
    const a = checked.data;
    const text = clip(a.text, MAX_TEXT);
    const cited = [...new Set(a.sourceLines)].filter((n) => lines.has(n)).sort((x, y) => x - y);
    if (!/\p{L}/u.test(text) || cited.length === 0) {
      dropped++;
      continue;
    }
    const sources = cited.map((n) => lines.get(n)).filter((l): l is ChunkLine => l !== undefined);
    const subject = clip(a.subject ?? '', 60) || ctx.personName;
    if (seen.some((m) => textSimilarity(m.text, text) >= SAME_TEXT && (normText(m.subject) === normText(subject) || m.subject === ctx.personName || subject === ctx.personName))) {
      duplicates++;
      continue;
    }
    const stamps = sources.map((l) => l.ts).sort();
    const firstSeen = stamps[0] ?? chunk.firstTs;
    const lastSeen = stamps[stamps.length - 1] ?? chunk.lastTs;
    const date = /^\d{4}-\d{2}-\d{2}$/u.test(a.date?.trim() ?? '') ? a.date?.trim() : undefined;
    const eventDate = a.type === 'episode' ? (date ?? firstSeen.slice(0, 10)) : undefined;
    const entities = cleanEntities(a.entities);
    const item: MemoryItem = {
      id: llmMemoryId(a.type, subject, text),
      type: a.type,
      text,
      subject,
      sourceMessageIds: [...new Set(sources.flatMap((l) => [...l.messageIds]))],
      firstSeen,
      lastSeen,
      confidence: DEFAULT_CONFIDENCE,
      pinned: false,
      origin: 'llm',
      ...(eventDate === undefined ? {} : { eventDate }),
      ...(entities.length === 0 ? {} : { entities }),
    };
    const proposal: ProposedMemory = { item };
    let rival = resolveSupersedes(a.supersedes, ctx);
    const slot = slotOf(text);
    if (rival === null && slot !== null) {
      rival =
        ctx.known
          .map((k) => k.item)
          .find((m) => {
            const other = slotOf(m.text);
            return other !== null && other.slot === slot.slot && other.value !== slot.value && normText(m.subject) === normText(subject);
          }) ?? null;
    }
    if (rival !== null && rival.id !== item.id) {
      if (lastSeen >= rival.lastSeen) proposal.supersedes = rival.id;
      else item.supersededBy = rival.id;
    }
    proposals.push(proposal);
    seen.push(item);
  }
  return { proposals, usable: true, dropped, duplicates };
}
