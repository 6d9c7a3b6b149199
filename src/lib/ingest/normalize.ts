// Normalizing parsed items for storage: stable message ids, a chat fingerprint, turns (bursts of one
// author merged) and per-author statistics. Invariants: pure and synchronous; ids depend only on the
// items before and at each position (so a newer export that repeats the history repeats the ids);
// timestamps are zone-less local times and are compared as if they were UTC, never in the runtime's zone.

import { hashPair, hashString, pairToHex, pairToKey } from './hash';
import type { ItemKind, ParsedItem } from './types';

// ---------------------------------------------------------------------------------------------
// Ids

/**
 * The identity of an item as one string. ts and kind come from fixed alphabets and the author is
 * length-prefixed, so no author or text (whatever characters it holds) can imitate another split.
 */
function itemKey(item: ParsedItem): string {
  const author = item.author ?? '';
  return `${item.ts}\u0000${author.length}:${author}\u0000${item.kind}\u0000${item.text}`;
}

/**
 * A stable id per item: hash of (ts, author ?? '', kind, text, how often that exact tuple occurred
 * before). Two identical "ok" in the same minute get different ids, and a newer export of the same chat
 * (older history repeated, new messages appended) gives the repeated items the same ids, so importing it
 * adds only the new ones. Compute ids on the original text: masking on or off must not change identity.
 *
 * `namespace` (e.g. a persona or chat id) is mixed into every id when ids of different chats share one
 * key space. Ids are unique within one call: a hash collision only bumps the occurrence index.
 */
export function messageIds(items: readonly ParsedItem[], namespace = ''): string[] {
  const ids: string[] = [];
  // Numeric keys (53 bits of each hash): a rare key collision only bumps an occurrence index, which
  // still depends on the prefix alone, so ids stay deterministic, prefix-stable and unique.
  const seen = new Set<number>();
  const occurrences = new Map<number, number>();
  for (const item of items) {
    const basePair = hashPair(namespace === '' ? itemKey(item) : `${namespace}\u0000${itemKey(item)}`);
    const baseKey = pairToKey(basePair);
    let n = occurrences.get(baseKey) ?? 0;
    let pair = basePair;
    if (n > 0) pair = hashPair(`${pairToHex(basePair)}#${n}`);
    while (seen.has(pairToKey(pair))) pair = hashPair(`${pairToHex(basePair)}#${++n}`);
    occurrences.set(baseKey, n + 1);
    seen.add(pairToKey(pair));
    ids.push(pairToHex(pair));
  }
  return ids;
}

const FINGERPRINT_ITEMS = 10;
const FINGERPRINT_MIN_ITEMS = 3;

/**
 * Identifies "the same chat" across a newer export: a hash of the first 10 person items (ts, author,
 * text). A newer export starts with the same history, so it has the same fingerprint. Null when the chat
 * has fewer than 3 person items (too little to tell chats apart). A chat with 3-9 person items gets a
 * fingerprint of all of them, which changes once it grows; such a chat is too small to matter.
 */
export function chatFingerprint(items: readonly ParsedItem[]): string | null {
  const parts: string[] = [];
  for (const item of items) {
    if (item.author === null) continue;
    parts.push(`${item.ts}\u0000${item.author.length}:${item.author}\u0000${item.text}`);
    if (parts.length === FINGERPRINT_ITEMS) break;
  }
  if (parts.length < FINGERPRINT_MIN_ITEMS) return null;
  return hashString(parts.join('\u0001'));
}

// ---------------------------------------------------------------------------------------------
// Time

/**
 * Milliseconds of a zone-less ISO local time (`2019-05-04T14:59:00`), read as if it were UTC so that
 * differences are wall-clock differences: the runtime's zone (and its DST jumps) must not distort gaps.
 * NaN for anything that is not such a timestamp.
 */
export function localTsToMs(ts: string): number {
  if (ts.length < 19 || ts.charCodeAt(4) !== 45 || ts.charCodeAt(7) !== 45 || ts.charCodeAt(13) !== 58) {
    return Number.NaN;
  }
  const num = (from: number, to: number): number => {
    let v = 0;
    for (let i = from; i < to; i++) {
      const c = ts.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return Number.NaN;
      v = v * 10 + c;
    }
    return v;
  };
  return Date.UTC(num(0, 4), num(5, 7) - 1, num(8, 10), num(11, 13), num(14, 16), num(17, 19));
}

// ---------------------------------------------------------------------------------------------
// Turns

export interface Turn {
  author: string;
  /** ts of the first and last bubble. */
  startTs: string;
  endTs: string;
  /** Indexes (into the items given) of the bubbles, in order. */
  itemIndexes: number[];
  /** The bubbles' texts joined with '\n'. */
  text: string;
  bubbles: number;
}

/** Items kept out of turn text, by kind (everything but 'message'). */
export type DroppedCounts = Record<Exclude<ItemKind, 'message'>, number>;

export interface TurnsResult {
  turns: Turn[];
  dropped: DroppedCounts;
}

export interface BuildTurnsOptions {
  /** Largest gap between two bubbles of one turn, in minutes (default 5). */
  maxGapMinutes?: number;
}

/**
 * Merges bursts of one author into turns. Rules:
 *  - Only person items of kind 'message' with non-blank text are bubbles (turn text). System, media,
 *    deleted, call, poll, location and contact items are boilerplate for training text: they are
 *    counted in `dropped` and never appear in a turn.
 *  - A bubble joins the current turn when it has the same author and its time is at most
 *    `maxGapMinutes` from the previous bubble of the turn (absolute difference, so a clock that jumped
 *    back does not glue distant messages together; an unreadable ts starts a new turn).
 *  - Any item of another person (of any kind: a photo or a missed call is a reply too) ends the turn.
 *    System items, and the author's own non-text items (a photo between two messages), do not.
 *  - Blank messages are skipped like boilerplate but are not counted (they carry nothing).
 * Pass masked items to get masked turn text.
 */
export function buildTurns(items: readonly ParsedItem[], options: BuildTurnsOptions = {}): TurnsResult {
  const maxGapMs = (options.maxGapMinutes ?? 5) * 60_000;
  const dropped: DroppedCounts = { system: 0, media: 0, deleted: 0, call: 0, poll: 0, location: 0, contact: 0 };
  const turns: Turn[] = [];
  let current: { turn: Turn; texts: string[]; lastMs: number } | null = null;

  const close = (): void => {
    if (current === null) return;
    current.turn.text = current.texts.join('\n');
    turns.push(current.turn);
    current = null;
  };

  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (item === undefined) continue;
    if (item.author === null) {
      dropped.system++;
      continue;
    }
    if (current !== null && current.turn.author !== item.author) close();
    if (item.kind !== 'message') {
      dropped[item.kind]++;
      continue;
    }
    if (item.text.trim() === '') continue;
    const ms = localTsToMs(item.ts);
    if (current !== null && !(Math.abs(ms - current.lastMs) <= maxGapMs)) close();
    if (current === null) {
      current = {
        turn: { author: item.author, startTs: item.ts, endTs: item.ts, itemIndexes: [], text: '', bubbles: 0 },
        texts: [],
        lastMs: ms,
      };
    }
    current.turn.itemIndexes.push(index);
    current.turn.endTs = item.ts;
    current.turn.bubbles++;
    current.texts.push(item.text);
    current.lastMs = ms;
  }
  close();
  return { turns, dropped };
}

/** A turn that names its bubbles by message id: how turns are stored and fed to the persona builder. */
export interface IdentifiedTurn {
  author: string;
  startTs: string;
  endTs: string;
  text: string;
  bubbles: number;
  messageIds: string[];
}

/** `buildTurns` with each turn's bubbles named by `ids` (parallel to `items`) instead of indexes. */
export function turnsWithIds(
  items: readonly ParsedItem[],
  ids: readonly string[],
  options: BuildTurnsOptions = {},
): IdentifiedTurn[] {
  return buildTurns(items, options).turns.map((turn) => ({
    author: turn.author,
    startTs: turn.startTs,
    endTs: turn.endTs,
    text: turn.text,
    bubbles: turn.bubbles,
    messageIds: turn.itemIndexes.map((i) => ids[i] ?? ''),
  }));
}

// ---------------------------------------------------------------------------------------------
// Authors

export interface AuthorStats {
  author: string;
  /** Person items of this author, of every kind (media, deleted, calls... included). */
  items: number;
  /** Items of kind 'message' (text they wrote). */
  messages: number;
  /** Earliest and latest ts of their items. */
  firstTs: string;
  lastTs: string;
}

/** Per-author counts for the participant picker, most active first (ties: first to appear first). */
export function authorStats(items: readonly ParsedItem[]): AuthorStats[] {
  const byAuthor = new Map<string, AuthorStats>();
  for (const item of items) {
    if (item.author === null) continue;
    let stats = byAuthor.get(item.author);
    if (stats === undefined) {
      stats = { author: item.author, items: 0, messages: 0, firstTs: item.ts, lastTs: item.ts };
      byAuthor.set(item.author, stats);
    }
    stats.items++;
    if (item.kind === 'message') stats.messages++;
    // Same-shape ISO strings sort chronologically; exports are not always in order.
    if (item.ts < stats.firstTs) stats.firstTs = item.ts;
    if (item.ts > stats.lastTs) stats.lastTs = item.ts;
  }
  // Array.prototype.sort is stable, so equal counts keep their order of first appearance.
  return [...byAuthor.values()].sort((a, b) => b.items - a.items);
}
