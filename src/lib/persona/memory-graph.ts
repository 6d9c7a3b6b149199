// Memory as a small graph: each memory links to the people, places and topics it mentions (from the
// model's `entities` plus a deterministic extractor) and to the episodes it came from (shared source
// messages or the same day). Pure and rebuilt from the items whenever they change. Invariants: entity
// keys are `kind:normalised name`; the persona itself is never an entity (it would link everything);
// superseded items stay in the graph (shown as past) but are never the target of a followed link.

import type { MemoryEntity, MemoryEntityKind, MemoryItem } from './types';
import { detectLanguage, isFunctionWord } from './lang';
import { escapeRegExp } from '../util/escape-regexp';

/** What the graph reads of a memory (a MemoryItem fits; retrieval passes what its corpus has). */
export type GraphMemory = Pick<MemoryItem, 'id' | 'type' | 'text' | 'subject'> &
  Partial<Pick<MemoryItem, 'sourceMessageIds' | 'firstSeen' | 'eventDate' | 'entities' | 'supersededBy'>>;

export interface GraphEntity extends MemoryEntity {
  key: string;
}

export interface GraphContext {
  /** The persona's name: not an entity. */
  personName?: string;
  /** Names of the chat's participants: found in a text, they are people. */
  participants?: readonly string[];
}

/** Comparison form: NFKD without marks, lowercase, punctuation dropped, spaces collapsed. */
export function normText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

export function entityKey(kind: MemoryEntityKind, name: string): string {
  return `${kind}:${normText(name)}`;
}

/**
 * Locative prepositions: a capitalised name right after one is a place ("in Munich", "nach Köln", "en
 * Madrid", "à Paris", "em Lisboa", "a Roma"). Never a possessive ("to Bob's party") or a known person
 * ("to Bob"); "a" and "no" only in text that is not English ("Has a Tesla", "Has no Netflix").
 */
const PLACE_PREP = /(?:^|[\s(])(in|at|from|near|to|aus|nach|bei|im|en|de|desde|dans|à|au|em|na|da|di|nel|nella|a|no|uit|naar|bij|в|во|из)\s+$/iu;
/** "a" and "no" are locative in it/es/pt ("a Roma", "no Rio") but an article / a negation in English. */
const NOT_IN_ENGLISH = new Set(['a', 'no']);
/** Words of the English memory texts (rule templates and model output): "Has a Tesla" is English. */
const ENGLISH_CUES = new Set([
  'owns', 'drives', 'bought', 'buys', 'got', 'gets', 'uses', 'plays', 'visited', 'visits', 'met', 'meets', 'drinks',
  'eats', 'reads', 'watches', 'wears', 'needs', 'keeps', 'adopted', 'found', 'lost', 'sold', 'made', 'does', 'did',
]);
const NAME = /\p{Lu}[\p{L}\p{M}'’-]+(?:\s+\p{Lu}[\p{L}\p{M}'’-]+){0,2}/gu;
/** Weekday and month names (en, de, fr, es, it, pt, nl): capitalised, but neither people nor topics. */
const CALENDAR =
  /^(?:mon|tues|wednes|thurs|fri|satur|sun)day|^(?:january|february|march|april|may|june|july|august|september|october|november|december)$|^(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miercoles|jueves|viernes|domingo|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)$/u;
/** Verbs and fillers of memory texts that are never the topic. */
const NOT_TOPIC = new Set([
  'loves', 'likes', 'hates', 'works', 'lives', 'moved', 'wants', 'plans', 'went', 'going', 'goes', 'often', 'mentions',
  'has', 'have', 'is', 'was', 'will', 'would', 'studies', 'birthday', 'favorite', 'favourite', "can't", 'stand', 'born',
  'really', 'very', 'about', 'their', 'there', 'with', 'from', 'into', 'when', 'every', 'since', 'again',
]);

/** Scripts written without spaces: a "word" of theirs is a whole clause, never a topic. */
const NO_SPACE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
/** Longer than any real word (German compounds included): a run of text, not a topic. */
const MAX_TOPIC_CHARS = 24;

/** The words of a name that identify its owner alone ("de", "la" of "Maria de la Cruz" do not). */
function nameParts(name: string): string[] {
  return normText(name)
    .split(' ')
    .filter((w) => w.length >= 2 && !isFunctionWord(w));
}

function looksEnglish(text: string): boolean {
  const tokens = normText(text).split(' ');
  return detectLanguage(text, tokens) === 'en' || tokens.some((t) => NOT_TOPIC.has(t) || ENGLISH_CUES.has(t));
}

/**
 * What entitiesOf derives from a context, computed once per context object (a graph build makes one and
 * reuses it): a context is read as immutable.
 */
interface Compiled {
  persona: string | null;
  personaParts: Set<string>;
  /** Name part -> participant; null when two participants (or a participant and the persona) share it. */
  byPart: Map<string, string | null>;
  /** Participants with a pattern matching any of their own name parts in a text. */
  finders: { name: string; pattern: RegExp }[];
}

const compiledContexts = new WeakMap<GraphContext, Compiled>();

function compile(ctx: GraphContext): Compiled {
  const cached = compiledContexts.get(ctx);
  if (cached !== undefined) return cached;
  const persona = ctx.personName === undefined ? null : normText(ctx.personName);
  const personaParts = new Set(ctx.personName === undefined ? [] : nameParts(ctx.personName));
  const byPart = new Map<string, string | null>();
  for (const p of ctx.participants ?? []) {
    if (normText(p) === persona) continue;
    for (const part of nameParts(p)) byPart.set(part, byPart.has(part) || personaParts.has(part) ? null : p);
  }
  const finders: Compiled['finders'] = [];
  for (const p of ctx.participants ?? []) {
    const parts = p.split(/\s+/u).filter((w) => byPart.get(normText(w)) === p);
    if (parts.length > 0) finders.push({ name: p, pattern: new RegExp(`(?:^|[^\\p{L}])(?:${parts.map(escapeRegExp).join('|')})(?:[^\\p{L}]|$)`, 'u') });
  }
  const compiled = { persona, personaParts, byPart, finders };
  compiledContexts.set(ctx, compiled);
  return compiled;
}

/**
 * Entities of one memory: the model's (or user's) entities, the subject when it is not the persona,
 * participants named in the text (by any part of their name), capitalised names after a locative
 * preposition (places), other capitalised names past the first word (people), and one topic (the first
 * content word that is no entity). Any part of the persona's name is the persona (no entity); a part of a
 * participant's name is that participant.
 */
export function entitiesOf(memory: GraphMemory, ctx: GraphContext = {}): GraphEntity[] {
  const out = new Map<string, GraphEntity>();
  const { persona, personaParts, byPart, finders } = compile(ctx);
  const isPersona = (norm: string): boolean => norm === persona || (norm !== '' && norm.split(' ').every((w) => personaParts.has(w)));
  const participantOf = (norm: string): string | undefined => {
    const owners = new Set(norm.split(' ').map((w) => byPart.get(w)));
    const [owner] = owners;
    return owners.size === 1 && typeof owner === 'string' ? owner : undefined;
  };
  const add = (kind: MemoryEntityKind, name: string): void => {
    let clean = name.trim().replace(/['’]s$/u, '');
    let norm = normText(clean);
    if (norm.length < 2 || isPersona(norm)) return;
    const participant = kind === 'person' ? participantOf(norm) : undefined;
    if (participant !== undefined) {
      clean = participant;
      norm = normText(participant);
    }
    // A name already known as a person or place is not also the other kind.
    if (kind !== 'topic' && [...out.values()].some((e) => e.kind !== 'topic' && normText(e.name) === norm)) return;
    const key = entityKey(kind, clean);
    if (!out.has(key)) out.set(key, { kind, name: clean, key });
  };
  for (const e of memory.entities ?? []) add(e.kind, e.name);
  if (memory.subject.trim() !== '') add('person', memory.subject);
  const text = memory.text;
  for (const { name, pattern } of finders) if (pattern.test(text)) add('person', name);
  const namedWords = (): Set<string> => new Set([...out.values()].flatMap((e) => normText(e.name).split(' ')));
  let english: boolean | undefined;
  for (const m of text.matchAll(NAME)) {
    const words = normText(m[0]).split(' ');
    // "Bob" when "Bob Stone" is known already, weekdays and months, sentence starts: no new entity.
    if (words.every((w) => namedWords().has(w) || CALENDAR.test(w)) || isFunctionWord(words[0] ?? '')) continue;
    const prep = PLACE_PREP.exec(text.slice(0, m.index))?.[1]?.toLowerCase();
    // "to Bob's party", "at Anna's": whose place, not the place; a known person is never a place.
    const place =
      prep !== undefined &&
      !/['’]s$/u.test(m[0]) &&
      participantOf(normText(m[0])) === undefined &&
      !isPersona(normText(m[0])) &&
      !(NOT_IN_ENGLISH.has(prep) && (english ??= looksEnglish(text)));
    if (place) add('place', m[0]);
    else if (m.index > 0) add('person', m[0]);
  }
  const named = namedWords();
  for (const w of persona?.split(' ') ?? []) named.add(w);
  if (![...out.values()].some((e) => e.kind === 'topic')) {
    const words = normText(text).split(' ');
    const candidates = words.filter(
      (w) =>
        w.length >= 4 &&
        w.length <= MAX_TOPIC_CHARS &&
        !NO_SPACE_SCRIPT.test(w) &&
        !isFunctionWord(w) &&
        !NOT_TOPIC.has(w) &&
        !named.has(w) &&
        !CALENDAR.test(w) &&
        !/^\d+$/u.test(w),
    );
    // Memory texts open with their verb ("Plays tennis", "Bought tickets"): the noun after it is the topic.
    const topic = candidates.length > 1 && candidates[0] === words[0] ? candidates[1] : candidates[0];
    if (topic !== undefined) add('topic', topic);
  }
  return [...out.values()];
}

export type LinkVia = { kind: 'entity'; key: string; name: string } | { kind: 'episode'; id: string };

export interface MemoryGraph {
  memories: Map<string, GraphMemory>;
  /** Entity key -> the entity and the memories that mention it. */
  entities: Map<string, { entity: GraphEntity; memoryIds: string[] }>;
  /** Memory id -> its entity keys and the episodes it came from. */
  links: Map<string, { entityKeys: string[]; episodeIds: string[] }>;
}

function daysOf(m: GraphMemory): Set<string> {
  const days = new Set<string>();
  if (m.eventDate !== undefined) days.add(m.eventDate.slice(0, 10));
  if (m.firstSeen !== undefined && m.firstSeen !== '') days.add(m.firstSeen.slice(0, 10));
  return days;
}

/**
 * The persona when the caller does not say (retrieval only has the items): the subject of at least half
 * of the items, since most memories are about the persona.
 */
export function inferPersonName(memories: readonly GraphMemory[]): string | undefined {
  const counts = new Map<string, number>();
  for (const m of memories) counts.set(m.subject, (counts.get(m.subject) ?? 0) + 1);
  const [name, n] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  return name !== undefined && n !== undefined && n * 2 >= memories.length ? name : undefined;
}

export function buildMemoryGraph(memories: readonly GraphMemory[], context: GraphContext = {}): MemoryGraph {
  const graph: MemoryGraph = { memories: new Map(), entities: new Map(), links: new Map() };
  const personName = context.personName !== undefined && context.personName !== '' ? context.personName : inferPersonName(memories);
  const ctx: GraphContext = { ...context, ...(personName === undefined ? {} : { personName }) };
  for (const m of memories) graph.memories.set(m.id, m);
  // Episodes indexed by source message and by day: linking costs the memory's own ids and days, not
  // memories x episodes. Positions keep the links in the items' order.
  const bySource = new Map<string, number[]>();
  const byDay = new Map<string, number[]>();
  const episodes = memories.filter((m) => m.type === 'episode');
  const index = (map: Map<string, number[]>, key: string, at: number): void => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [at]);
    else if (list[list.length - 1] !== at) list.push(at);
  };
  episodes.forEach((ep, at) => {
    for (const id of ep.sourceMessageIds ?? []) index(bySource, id, at);
    for (const day of daysOf(ep)) index(byDay, day, at);
  });
  for (const m of memories) {
    const keys: string[] = [];
    for (const e of entitiesOf(m, ctx)) {
      keys.push(e.key);
      const node = graph.entities.get(e.key);
      if (node === undefined) graph.entities.set(e.key, { entity: e, memoryIds: [m.id] });
      else node.memoryIds.push(m.id);
    }
    const found = new Set<number>();
    for (const id of m.sourceMessageIds ?? []) for (const at of bySource.get(id) ?? []) found.add(at);
    for (const day of daysOf(m)) for (const at of byDay.get(day) ?? []) found.add(at);
    const episodeIds = [...found]
      .sort((a, b) => a - b)
      .map((at) => episodes[at]?.id)
      .filter((id): id is string => id !== undefined && id !== m.id);
    graph.links.set(m.id, { entityKeys: keys, episodeIds });
  }
  return graph;
}

export interface Neighbour {
  id: string;
  via: LinkVia;
}

/**
 * Memories one link away: those sharing an entity, the episodes it came from, and (for an episode)
 * the memories that came from it. Each neighbour once, by its first link; current items only.
 */
export function neighbours(graph: MemoryGraph, memoryId: string): Neighbour[] {
  const links = graph.links.get(memoryId);
  if (links === undefined) return [];
  const out = new Map<string, Neighbour>();
  const consider = (id: string, via: LinkVia): void => {
    if (id === memoryId || out.has(id) || graph.memories.get(id)?.supersededBy !== undefined) return;
    out.set(id, { id, via });
  };
  for (const id of links.episodeIds) consider(id, { kind: 'episode', id });
  if (graph.memories.get(memoryId)?.type === 'episode') {
    for (const [id, l] of graph.links) if (l.episodeIds.includes(memoryId)) consider(id, { kind: 'episode', id: memoryId });
  }
  for (const key of links.entityKeys) {
    const node = graph.entities.get(key);
    if (node === undefined) continue;
    for (const id of node.memoryIds) consider(id, { kind: 'entity', key, name: node.entity.name });
  }
  return [...out.values()];
}

export interface EntityView<M extends GraphMemory = GraphMemory> {
  entity: GraphEntity;
  /** Memories that mention it (past ones included), episodes excluded. */
  memories: M[];
  /** Episodes that mention it or that those memories came from. */
  episodes: M[];
}

/** Everything linked to one entity; null for an unknown key. */
export function entityView<M extends GraphMemory>(graph: MemoryGraph, key: string): EntityView<M> | null {
  const node = graph.entities.get(key);
  if (node === undefined) return null;
  const get = (id: string): M | undefined => graph.memories.get(id) as M | undefined;
  const memories: M[] = [];
  const episodeIds = new Set<string>();
  for (const id of node.memoryIds) {
    const m = get(id);
    if (m === undefined) continue;
    if (m.type === 'episode') episodeIds.add(id);
    else memories.push(m);
    for (const ep of graph.links.get(id)?.episodeIds ?? []) episodeIds.add(ep);
  }
  const episodes = [...episodeIds].map(get).filter((m): m is M => m !== undefined);
  return { entity: node.entity, memories, episodes };
}
