// Character cards (CCv3 with a V2-compatible twin): build a card from a persona's stored data, and read
// V3 / V2 / V1-style cards (JSON or PNG) back into a persona definition plus memories. Invariants: only
// stored (already masked) text goes into a card; reading validates with zod and fails with an AppError
// that names the file; PersonaYou's own structured data rides under data.extensions.personayou.

import { z } from '../zod';
import { AppError } from '../rpc/app-error';
import { base64ToUtf8, isPng, readPngText, utf8ToBase64, writePngText } from './png-card';
import type { MemoryItem, MemoryType, PersonaDefinition, PersonaTrait, ReplyPair, StyleProfile } from './types';
import { emptyDefinition } from './types';
import { memoryTypeSchema, personaRulesSchema, personaTraitsSchema } from './definition-schema';
import { escapeRegExp } from '../util/escape-regexp';

// -- card shapes --------------------------------------------------------------------------------------

export interface CardBookEntry {
  keys: string[];
  content: string;
  extensions: Record<string, unknown>;
  enabled: boolean;
  insertion_order: number;
  use_regex: boolean;
  constant?: boolean;
  name?: string;
  comment?: string;
  id?: number;
}

export interface CardBook {
  name?: string;
  description?: string;
  extensions: Record<string, unknown>;
  entries: CardBookEntry[];
}

export interface CardData {
  name: string;
  description: string;
  personality: string;
  scenario: string;
  first_mes: string;
  mes_example: string;
  creator_notes: string;
  system_prompt: string;
  post_history_instructions: string;
  alternate_greetings: string[];
  character_book?: CardBook;
  tags: string[];
  creator: string;
  character_version: string;
  extensions: Record<string, unknown>;
}

export interface CardV3 {
  spec: 'chara_card_v3';
  spec_version: '3.0';
  data: CardData & {
    group_only_greetings: string[];
    nickname?: string;
    creation_date: number;
    modification_date: number;
  };
}

export interface CardV2 {
  spec: 'chara_card_v2';
  spec_version: '2.0';
  data: CardData;
}

/** What PersonaYou keeps of its own under data.extensions.personayou. */
export interface PersonaYouCardExtension {
  version: 1;
  definition: PersonaDefinition;
  personName: string;
  styleSummary: string | null;
  profile: {
    messages: number;
    medianWords: number;
    emojiPerMessage: number;
    shareWithLaughter: number;
    topEmojis: string[];
    signature: string[];
    languages: string[];
  } | null;
  memoryTypes: Record<string, MemoryType>;
}

// -- building ------------------------------------------------------------------------------------------

export interface CardSource {
  displayName: string;
  personName: string;
  createdAt: number;
  updatedAt: number;
  definition: PersonaDefinition | undefined;
  profile: StyleProfile | null;
  memories: readonly MemoryItem[];
  /** Reply pairs; held-out ones are never used. */
  pairs: readonly ReplyPair[];
  /** Real texts the person opened conversations with (see pickGreetings). */
  openerTexts: readonly string[];
}

const MAX_EXAMPLES = 4;
const MAX_FACTS = 12;
const STOP = new Set(
  'the a an and or but of to in on at for with is are was were be been it this that my your his her their our i you he she we they me him them not no yes have has had do does did will would can could just so very really'.split(' '),
);

function hasContent(d: PersonaDefinition | undefined): d is PersonaDefinition {
  return (
    d !== undefined &&
    (d.background.trim() !== '' || d.traits.length > 0 || d.rules.do.length + d.rules.dont.length > 0 || d.examples.length > 0 || d.greetings.length > 0 || d.scenario.trim() !== '')
  );
}

const live = (memories: readonly MemoryItem[]): MemoryItem[] => memories.filter((m) => m.supersededBy === undefined);

/** The persona's own definition, or one derived from what was measured (summary, facts, openers, real pairs). */
export function effectiveDefinition(src: CardSource): PersonaDefinition {
  if (hasContent(src.definition)) return src.definition;
  const facts = live(src.memories)
    .filter((m) => m.type === 'fact' || m.type === 'preference' || m.type === 'relationship')
    .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.confidence - a.confidence)
    .slice(0, MAX_FACTS)
    .map((m) => `- ${m.text}`);
  const summary = src.profile?.summary.trim() ?? '';
  const background = [
    `${src.displayName} is a simulated persona of ${src.personName}, built from real chat messages.`,
    summary,
    facts.length > 0 ? `Known facts:\n${facts.join('\n')}` : '',
  ]
    .filter((s) => s !== '')
    .join('\n\n');
  const examples = trainingPairs(src.pairs)
    .filter((p) => p.reply.trim().length >= 8 && p.context.length > 0)
    .slice(-MAX_EXAMPLES)
    .map((p) => ({ user: p.context.map((c) => c.text).join('\n'), reply: p.reply }));
  const greetings = [...new Set(src.openerTexts.map((t) => t.trim()).filter((t) => t !== ''))].slice(0, 4);
  return { ...emptyDefinition(), background, examples, greetings };
}

export const trainingPairs = (pairs: readonly ReplyPair[]): ReplyPair[] => pairs.filter((p) => !p.heldOut);

function personalityOf(def: PersonaDefinition, profile: StyleProfile | null): string {
  if (def.traits.length > 0) return def.traits.map((t) => t.name).join(', ');
  const summary = profile?.summary.trim() ?? '';
  // The first two sentences of the measured summary: the card's short "personality" line.
  const sentences = summary.match(/[^.!?]+[.!?]+/g) ?? (summary === '' ? [] : [summary]);
  return sentences.slice(0, 2).join(' ').trim();
}

export function mesExample(examples: readonly { user: string; reply: string }[]): string {
  return examples.map((e) => `<START>\n{{user}}: ${e.user}\n{{char}}: ${e.reply}`).join('\n');
}

function rulesPrompt(def: PersonaDefinition): string {
  const lines = [...def.rules.do.map((r) => `Do: ${r}`), ...def.rules.dont.map((r) => `Never: ${r}`)];
  return lines.join('\n');
}

function keywordsOf(memory: MemoryItem, personaName: string): string[] {
  const keys = new Set<string>();
  if (memory.subject.trim() !== '' && memory.subject !== personaName) keys.add(memory.subject.trim());
  const words = memory.text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 4 && !STOP.has(w) && !/^(phone|email|url|id)$/.test(w));
  for (const w of [...new Set(words)].sort((a, b) => b.length - a.length).slice(0, 3)) keys.add(w);
  return [...keys];
}

export function buildCard(src: CardSource, now = Date.now()): CardV3 {
  const def = effectiveDefinition(src);
  const memories = live(src.memories);
  const p = src.profile?.person;
  const extension: PersonaYouCardExtension = {
    version: 1,
    definition: def,
    personName: src.personName,
    styleSummary: src.profile?.summary ?? null,
    profile:
      p === undefined
        ? null
        : {
            messages: p.messages,
            medianWords: p.words.median,
            emojiPerMessage: p.emojiPerMessage,
            shareWithLaughter: p.shareWithLaughter,
            topEmojis: p.topEmojis.slice(0, 8).map((e) => e.text),
            signature: p.signature.slice(0, 12).map((s) => s.text),
            languages: p.languages.map((l) => l.tag),
          },
    memoryTypes: Object.fromEntries(memories.map((m) => [m.id, m.type])),
  };
  const [first = '', ...alternates] = def.greetings;
  return {
    spec: 'chara_card_v3',
    spec_version: '3.0',
    data: {
      name: src.displayName,
      description: def.background,
      personality: personalityOf(def, src.profile),
      scenario: def.scenario,
      first_mes: first,
      mes_example: mesExample(def.examples),
      creator_notes: `A simulated persona of ${src.personName}, made on-device with PersonaYou from real chat messages. It imitates a writing style; it is not the person.`,
      system_prompt: rulesPrompt(def),
      post_history_instructions: '',
      alternate_greetings: alternates,
      character_book: {
        name: `${src.displayName}: memories`,
        extensions: {},
        entries: memories.map((m, i) => ({
          keys: keywordsOf(m, src.displayName),
          content: m.text,
          extensions: { personayou: { id: m.id, type: m.type } },
          enabled: true,
          insertion_order: i,
          use_regex: false,
          constant: m.pinned,
          name: m.type,
          id: i,
        })),
      },
      tags: ['personayou'],
      creator: 'PersonaYou',
      character_version: '1',
      extensions: { personayou: extension },
      group_only_greetings: [],
      creation_date: Math.floor(src.createdAt / 1000),
      modification_date: Math.floor(Math.max(src.updatedAt, now) / 1000),
    },
  };
}

/** The V2 twin for the `chara` chunk, with the V1 fields at the top level for the oldest readers. */
export function cardToV2(card: CardV3): CardV2 & Record<string, unknown> {
  const { group_only_greetings: _g, nickname: _n, creation_date: _c, modification_date: _m, ...data } = card.data;
  return {
    spec: 'chara_card_v2',
    spec_version: '2.0',
    data,
    name: data.name,
    description: data.description,
    personality: data.personality,
    scenario: data.scenario,
    first_mes: data.first_mes,
    mes_example: data.mes_example,
  };
}

/** The card as a PNG: `ccv3` = base64 of the V3 JSON, `chara` = base64 of the V2 JSON. */
export function cardPng(image: Uint8Array, card: CardV3): Uint8Array {
  return writePngText(
    image,
    new Map([
      ['chara', utf8ToBase64(JSON.stringify(cardToV2(card)))],
      ['ccv3', utf8ToBase64(JSON.stringify(card))],
    ]),
  );
}

/**
 * Conversation openers: the person's turns that start after a silence of `gapHours` (or open the
 * history), short and not just a masked value; those starting with a typical opener phrase first.
 */
export function pickOpeners(
  turns: readonly { author: string; startTs: string; endTs: string; text: string }[],
  personName: string,
  openerPhrases: readonly string[],
  max = 4,
  gapHours = 6,
): string[] {
  const found: { text: string; typical: boolean }[] = [];
  const seen = new Set<string>();
  let previousEnd: number | null = null;
  for (const turn of turns) {
    const start = Date.parse(turn.startTs);
    const opens = previousEnd === null || (Number.isFinite(start) && start - previousEnd >= gapHours * 3_600_000);
    previousEnd = Date.parse(turn.endTs);
    if (!opens || turn.author !== personName) continue;
    const text = turn.text.trim();
    if (text.length < 2 || text.length > 160 || /^\[(phone|email|url|id)-[0-9a-f]+\]$/.test(text) || text.includes('<Media')) continue;
    const key = text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    found.push({ text, typical: openerPhrases.some((o) => key.startsWith(o.toLowerCase())) });
  }
  return [...found.filter((f) => f.typical), ...found.filter((f) => !f.typical)].slice(0, max).map((f) => f.text);
}

// -- reading -------------------------------------------------------------------------------------------

const text = z.string().catch('');
const strings = z.array(z.string()).catch([]);

const bookEntrySchema = z.looseObject({
  keys: z.array(z.string()).catch([]),
  content: z.string(),
  enabled: z.boolean().catch(true),
  extensions: z.record(z.string(), z.unknown()).catch({}),
  name: z.string().optional().catch(undefined),
  constant: z.boolean().optional().catch(undefined),
});

const dataSchema = z.looseObject({
  name: z.string().trim().min(1, 'the card has no name'),
  description: text,
  personality: text,
  scenario: text,
  first_mes: text,
  mes_example: text,
  system_prompt: text,
  post_history_instructions: text,
  alternate_greetings: strings,
  character_book: z.looseObject({ entries: z.array(bookEntrySchema) }).optional().catch(undefined),
  extensions: z.record(z.string(), z.unknown()).catch({}),
  nickname: z.string().optional().catch(undefined),
});

const specSchema = z.looseObject({ spec: z.string(), spec_version: z.string().optional(), data: z.unknown() });

// PersonaYou's own extension: each part is taken only when it has the shape of a PersonaDefinition's part
// (the same schemas as bundle rows); a part of another shape is ignored, the card's plain fields stand.
const extensionSchema = z.looseObject({
  definition: z
    .looseObject({ traits: personaTraitsSchema.optional().catch(undefined), rules: personaRulesSchema.optional().catch(undefined) })
    .optional()
    .catch(undefined),
  memoryTypes: z.record(z.string(), memoryTypeSchema).optional().catch(undefined),
});

type CardFields = z.infer<typeof dataSchema>;

export interface ImportedCard {
  displayName: string;
  definition: PersonaDefinition;
  memories: MemoryItem[];
  /** Which card version the file held. */
  spec: 'v3' | 'v2' | 'v1';
}

function cardError(file: string, message: string): AppError {
  return new AppError('bad-card', message, { file });
}

/** Splits `<START>`-separated example dialogue into exchanges ({{user}} lines, then {{char}} lines). */
export function parseMesExample(mes: string, name: string): { user: string; reply: string }[] {
  const out: { user: string; reply: string }[] = [];
  for (const block of mes.split(/<START>/i)) {
    let user: string[] = [];
    let reply: string[] = [];
    let current: string[] | null = null;
    const flush = (): void => {
      if (reply.length > 0) out.push({ user: user.join('\n').trim(), reply: reply.join('\n').trim() });
      user = [];
      reply = [];
    };
    for (const line of block.split(/\r?\n/)) {
      const u = /^\s*(?:\{\{user\}\}|<USER>)\s*:\s?(.*)$/i.exec(line);
      const c = new RegExp(`^\\s*(?:\\{\\{char\\}\\}|<BOT>|${escapeRegExp(name)})\\s*:\\s?(.*)$`, 'i').exec(line);
      if (u !== null) {
        if (reply.length > 0) flush();
        user.push(u[1] ?? '');
        current = user;
      } else if (c !== null) {
        reply.push(c[1] ?? '');
        current = reply;
      } else if (current !== null && line.trim() !== '') current.push(line);
    }
    flush();
  }
  return out.filter((e) => e.reply !== '');
}

function traitsOf(personality: string): PersonaTrait[] | null {
  const parts = personality.split(/[,;\n]+/).map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0 || parts.some((p) => p.length > 40)) return null;
  return parts.map((name) => ({ name, strength: 0.7 }));
}

function rulesOf(systemPrompt: string): PersonaDefinition['rules'] {
  const rules: PersonaDefinition['rules'] = { do: [], dont: [] };
  for (const raw of systemPrompt.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const never = /^never:\s*(.*)$/i.exec(line);
    if (never !== null) rules.dont.push(never[1] ?? '');
    else rules.do.push(line.replace(/^do:\s*/i, ''));
  }
  return rules;
}

function toImported(data: CardFields, spec: ImportedCard['spec']): ImportedCard {
  const name = data.name.trim();
  const ext = extensionSchema.safeParse(data.extensions['personayou']);
  const own = ext.success ? ext.data : undefined;
  const fromPersonality = traitsOf(data.personality);
  let background = data.description.trim();
  // A prose personality that is no list of traits is kept, as part of the background.
  if (fromPersonality === null && data.personality.trim() !== '' && own?.definition?.traits === undefined) {
    background = [background, `Personality: ${data.personality.trim()}`].filter((s) => s !== '').join('\n\n');
  }
  const sub = (s: string): string => s.replace(/\{\{char\}\}|<BOT>/gi, name);
  const definition: PersonaDefinition = {
    background: sub(background),
    traits: own?.definition?.traits ?? fromPersonality ?? [],
    rules: own?.definition?.rules ?? rulesOf(data.system_prompt),
    examples: parseMesExample(data.mes_example, name).map((e) => ({ user: sub(e.user), reply: sub(e.reply) })),
    greetings: [data.first_mes, ...data.alternate_greetings].map((g) => sub(g).trim()).filter((g) => g !== ''),
    scenario: sub(data.scenario.trim()),
  };
  const entries = data.character_book?.entries ?? [];
  const memories: MemoryItem[] = entries
    .filter((e) => e.content.trim() !== '')
    .map((e, i) => {
      const ownId = (e.extensions['personayou'] as { id?: unknown } | undefined)?.id;
      const id = typeof ownId === 'string' && ownId !== '' ? ownId : `card-${i + 1}`;
      const type = own?.memoryTypes?.[id] ?? 'fact';
      return {
        id,
        type,
        text: sub(e.content.trim()),
        subject: name,
        sourceMessageIds: [],
        firstSeen: '',
        lastSeen: '',
        confidence: 1,
        pinned: e.constant === true,
        origin: 'user' as const,
      };
    });
  // Duplicate ids would make the persona's write fail; the later entry gets a fresh one, tried until unused
  // (a made-up id may itself be taken by an entry that carries it).
  const taken = new Set(memories.map((m) => m.id));
  const seen = new Set<string>();
  for (const [i, m] of memories.entries()) {
    if (seen.has(m.id)) {
      let n = 0;
      let id: string;
      do id = `card-${i + 1}-${++n}`;
      while (taken.has(id));
      m.id = id;
      taken.add(id);
    }
    seen.add(m.id);
  }
  return { displayName: name, definition, memories, spec };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'card'}: ${i.message}`)
    .join('; ');
}

/** Reads a card from parsed JSON (V3, V2 or a V1-style object with the fields at the top level). */
export function cardFromJson(file: string, json: unknown): ImportedCard {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw cardError(file, `"${file}" is not a character card: it holds no JSON object.`);
  const spec = specSchema.safeParse(json);
  if (spec.success) {
    const kind = spec.data.spec === 'chara_card_v3' ? 'v3' : spec.data.spec === 'chara_card_v2' ? 'v2' : null;
    if (kind === null) {
      throw cardError(file, `"${file}" is a card of an unknown kind ("${spec.data.spec}"); PersonaYou reads chara_card_v2 and chara_card_v3 cards.`);
    }
    const data = dataSchema.safeParse(spec.data.data);
    if (!data.success) throw cardError(file, `"${file}" is a ${kind.toUpperCase()} card with bad fields (${describeIssues(data.error)}).`);
    return toImported(data.data, kind);
  }
  const v1 = dataSchema.safeParse(json);
  if (!v1.success || !('first_mes' in json || 'description' in json || 'personality' in json)) {
    throw cardError(file, `"${file}" is not a character card: it has no "spec" and no card fields (name, description, first_mes).`);
  }
  return toImported(v1.data, 'v1');
}

/** True when parsed JSON looks like a card (so a .json chat export is not mistaken for one). */
export function looksLikeCard(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const o = json as Record<string, unknown>;
  if (typeof o['spec'] === 'string' && o['spec'].startsWith('chara_card')) return true;
  return typeof o['name'] === 'string' && ('first_mes' in o || 'mes_example' in o || 'char_persona' in o);
}

/** Reads a card file: a PNG (ccv3 chunk preferred over chara) or JSON. */
export function readCard(file: string, bytes: Uint8Array): ImportedCard {
  if (isPng(bytes)) {
    let chunks: Map<string, string>;
    try {
      chunks = readPngText(bytes);
    } catch (error) {
      throw cardError(file, `"${file}" is a damaged PNG (${error instanceof Error ? error.message : String(error)}).`);
    }
    const keyword = chunks.has('ccv3') ? 'ccv3' : chunks.has('chara') ? 'chara' : null;
    if (keyword === null) throw cardError(file, `"${file}" is a PNG image without a character card inside (no "ccv3" or "chara" text chunk).`);
    let json: unknown;
    try {
      json = JSON.parse(base64ToUtf8(chunks.get(keyword) ?? ''));
    } catch {
      throw cardError(file, `"${file}" has a "${keyword}" card chunk that is not base64-encoded JSON.`);
    }
    return cardFromJson(file, json);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, ''));
  } catch {
    throw cardError(file, `"${file}" is neither a PNG card nor valid JSON.`);
  }
  return cardFromJson(file, json);
}
