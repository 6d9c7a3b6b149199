// Which imported chat (conversation) each stored message belongs to, and the turns of each chat. A chat is
// the unit everything derived is built in: turns, reply pairs, gaps, latency and bursts never cross two.
// A source (one picked file) belongs to one chat; a newer export of the same chat belongs to that chat.

import { turnsWithIds } from '../ingest/normalize';
import type { ParsedItem } from '../ingest/types';
import type { MessageRow, SourceRow, TurnRow } from '../store/index';

/** Consecutive bubbles of one author closer than this form one turn. */
export const TURN_GAP_MINUTES = 5;

/**
 * The chat of a source. Sources stored before chats were recorded have no `chatKey`: their fingerprint
 * (the same for every export of one chat) stands for the chat, or the source itself when it had none.
 */
export function chatKeyOf(source: Pick<SourceRow, 'id' | 'fingerprint' | 'chatKey'>): string {
  return source.chatKey ?? source.fingerprint ?? `source:${source.id}`;
}

function itemsOfRows(rows: readonly MessageRow[]): ParsedItem[] {
  return rows.map((row, index) => ({ ts: row.ts, author: row.author, kind: row.kind, text: row.text, line: index + 1 }));
}

/**
 * The turns of every chat: `rows` in timeline order (sortKey) are split by the chat of their source, each
 * chat's turns are built on its own rows alone, and the chats follow one another (ordered by their first
 * message), numbered from 0. A row whose source is unknown is a chat of its own source id.
 */
export function turnsOfChats(
  rows: readonly MessageRow[],
  sources: readonly Pick<SourceRow, 'id' | 'fingerprint' | 'chatKey'>[],
): Omit<TurnRow, 'personaId'>[] {
  const chatOfSource = new Map(sources.map((s) => [s.id, chatKeyOf(s)]));
  const byChat = new Map<string, MessageRow[]>();
  for (const row of rows) {
    const chat = chatOfSource.get(row.sourceId) ?? `source:${row.sourceId}`;
    const list = byChat.get(chat);
    if (list === undefined) byChat.set(chat, [row]);
    else list.push(row);
  }
  const out: Omit<TurnRow, 'personaId'>[] = [];
  for (const [chat, chatRows] of byChat) {
    const turns = turnsWithIds(itemsOfRows(chatRows), chatRows.map((row) => row.id), { maxGapMinutes: TURN_GAP_MINUTES });
    for (const turn of turns) out.push({ seq: out.length, ...turn, chat });
  }
  return out;
}

/** Share of a file's rows that must already be stored in one chat for the file to be a newer export of it. */
const OVERLAP_SHARE = 0.1;
const OVERLAP_MIN_ROWS = 3;

/**
 * The chat a newly picked file belongs to: the chat of a stored (or earlier picked) source with the same
 * fingerprint; else the chat that already holds a good share of its rows (a newer export whose first
 * messages were cut off repeats the later history, so its fingerprint differs); else a new chat.
 * `chatOfRow` gives the chat of a row id already stored or picked before this file.
 */
export function chatForFile(
  file: { sourceId: string; fingerprint: string | null; rowIds: readonly string[] },
  chatOfFingerprint: ReadonlyMap<string, string>,
  chatOfRow: (id: string) => string | undefined,
): string {
  if (file.fingerprint !== null) {
    const known = chatOfFingerprint.get(file.fingerprint);
    if (known !== undefined) return known;
  }
  const overlap = new Map<string, number>();
  for (const id of file.rowIds) {
    const chat = chatOfRow(id);
    if (chat !== undefined) overlap.set(chat, (overlap.get(chat) ?? 0) + 1);
  }
  let best: [string, number] | null = null;
  for (const entry of overlap) if (best === null || entry[1] > best[1]) best = entry;
  if (best !== null && best[1] >= Math.max(OVERLAP_MIN_ROWS, OVERLAP_SHARE * file.rowIds.length)) return best[0];
  return file.fingerprint ?? `source:${file.sourceId}`;
}
