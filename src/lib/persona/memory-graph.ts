// Memory as a small graph: each memory links to the people, places and topics it mentions (from the
// model's `entities` plus a deterministic extractor) and to the episodes it came from (shared source
// messages or the same day). Pure and rebuilt from the items whenever they change. Invariants: entity
// keys are `kind:normalised name`; the persona itself is never an entity (it would link everything);
// superseded items stay in the graph (shown as past) but are never the target of a followed link.

import type { MemoryEntity, MemoryEntityKind, MemoryItem } from './types';
import { isFunctionWord } from './lang';

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

/** Words that open a place after them, in the languages the rules cover. */
const PLACE_PREPS = /(?:^|\s)(?:in|at|from|to|near|aus|nach|bei|im|a|da|di|en|de|à|em|no|na|uit|naar|bij|в|из)\s+$/iu;
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

/**
 * Entities of one memory: the model's (or user's) entities, the subject when it is not the persona,
 * participants named in the text, capitalised names after a place preposition (places), other
 * capitalised names past the first word (people), and one topic (the first content word that is no entity).
 */
export function entitiesOf(memory: GraphMemory, ctx: GraphContext = {}): GraphEntity[] {
  const out = new Map<string, GraphEntity>();
  const persona = ctx.personName === undefined ? null : normText(ctx.personName);
  const add = (kind: MemoryEntityKind, name: string): void => {
    const clean = name.trim().replace(/['’]s$/u, '');
    const norm = normText(clean);
    if (norm.length < 2 || norm === persona) return;
    // A name already known as a person or place is not also the other kind.
    if (kind !== 'topic' && [...out.values()].some((e) => e.kind !== 'topic' && normText(e.name) === norm)) return;
    const key = entityKey(kind, clean);
    if (!out.has(key)) out.set(key, { kind, name: clean, key });
  };
  for (const e of memory.entities ?? []) add(e.kind, e.name);
  if (memory.subject.trim() !== '' && normText(memory.subject) !== persona) add('person', memory.subject);
  const text = memory.text;
  for (const p of ctx.participants ?? []) {
    const first = p.split(/\s+/u)[0] ?? '';
    if (first.length >= 2 && new RegExp(`(?:^|[^\\p{L}])${first.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')}(?:[^\\p{L}]|$)`, 'u').test(text)) add('person', p);
  }
  const namedWords = (): Set<string> => new Set([...out.values()].flatMap((e) => normText(e.name).split(' ')));
  for (const m of text.matchAll(NAME)) {
    const words = normText(m[0]).split(' ');
    // "Bob" when "Bob Stone" is known already, weekdays and months, sentence starts: no new entity.
    if (words.every((w) => namedWords().has(w) || CALENDAR.test(w)) || isFunctionWord(words[0] ?? '')) continue;
    if (PLACE_PREPS.test(text.slice(0, m.index))) add('place', m[0]);
    else if (m.index > 0) add('person', m[0]);
  }
  const named = namedWords();
  for (const w of persona?.split(' ') ?? []) named.add(w);
  if (![...out.values()].some((e) => e.kind === 'topic')) {
    const words = normText(text).split(' ');
    const candidates = words.filter((w) => w.length >= 4 && !isFunctionWord(w) && !NOT_TOPIC.has(w) && !named.has(w) && !CALENDAR.test(w) && !/^\d+$/u.test(w));
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
  const episodes = memories.filter((m) => m.type === 'episode');
  for (const m of memories) {
    const keys: string[] = [];
    for (const e of entitiesOf(m, ctx)) {
      keys.push(e.key);
      const node = graph.entities.get(e.key);
      if (node === undefined) graph.entities.set(e.key, { entity: e, memoryIds: [m.id] });
      else node.memoryIds.push(m.id);
    }
    const sources = new Set(m.sourceMessageIds ?? []);
    const days = daysOf(m);
    const episodeIds = episodes
      .filter((ep) => ep.id !== m.id && ((ep.sourceMessageIds ?? []).some((id) => sources.has(id)) || [...daysOf(ep)].some((d) => days.has(d))))
      .map((ep) => ep.id);
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
