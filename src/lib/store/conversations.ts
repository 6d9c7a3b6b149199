// Conversations with a persona and their messages (schema v3). Invariants: a message's `seq` is one more
// than the conversation's last one, assigned inside the write transaction; every write to a message bumps
// its conversation's `updatedAt` (except a rating, which is not activity); deleting a conversation deletes
// its messages in the same transaction. Reply settings are stored cleaned (see persona/chat-settings).

import { Dexie, liveQuery, type Observable } from 'dexie';
import type { PersonaDb } from './db';
import { cleanChatSettings, type ChatSettingsPatch } from '../persona/chat-settings';
import { withEditedSummary, withSummary, type ConversationSummary } from '../persona/conversation-summary';
import type { StyleProfile } from '../persona/types';
import type { ChatMessageRow, ConversationRow, MemoryRow, PairRow, PersonaRow } from './schema';

export type NewChatMessage = Pick<ChatMessageRow, 'role' | 'text' | 'status'> &
  Partial<Omit<ChatMessageRow, 'conversationId' | 'seq' | 'personaId' | 'role' | 'text' | 'status' | 'createdAt' | 'updatedAt'>>;

export type ChatMessageChanges = Partial<Omit<ChatMessageRow, 'conversationId' | 'seq' | 'personaId' | 'role' | 'createdAt'>>;

const DEFAULT_TITLE = 'New chat';

function messagesOf(db: PersonaDb, conversationId: string) {
  return db.chatMessages.where('[conversationId+seq]').between([conversationId, Dexie.minKey], [conversationId, Dexie.maxKey]);
}

/** A persona's conversations, most recently active first. */
export async function listConversations(db: PersonaDb, personaId: string): Promise<ConversationRow[]> {
  const rows = await db.conversations.where('personaId').equals(personaId).toArray();
  return rows.sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1));
}

export function watchConversations(db: PersonaDb, personaId: string): Observable<ConversationRow[]> {
  return liveQuery(() => listConversations(db, personaId));
}

/** The newest chat message of each persona that has one (the home chat list), keyed by persona id. */
export async function lastChatMessages(db: PersonaDb): Promise<Map<string, ChatMessageRow>> {
  const conversations = await db.conversations.orderBy('updatedAt').reverse().toArray();
  const out = new Map<string, ChatMessageRow>();
  for (const c of conversations) {
    if (out.has(c.personaId)) continue;
    const last = await messagesOf(db, c.id).last();
    if (last !== undefined) out.set(c.personaId, last);
  }
  return out;
}

export function watchLastChatMessages(db: PersonaDb): Observable<Map<string, ChatMessageRow>> {
  return liveQuery(() => lastChatMessages(db));
}

export function getConversation(db: PersonaDb, id: string): Promise<ConversationRow | undefined> {
  return db.conversations.get(id);
}

export async function createConversation(db: PersonaDb, personaId: string, title = DEFAULT_TITLE, now = Date.now()): Promise<ConversationRow> {
  const row: ConversationRow = { id: crypto.randomUUID(), personaId, title: title.trim() || DEFAULT_TITLE, createdAt: now, updatedAt: now };
  await db.transaction('rw', [db.personas, db.conversations], async () => {
    // A conversation without its persona would never be shown nor deleted.
    if ((await db.personas.get(personaId)) === undefined) throw new Error('The persona no longer exists.');
    await db.conversations.add(row);
  });
  return row;
}

/**
 * A new conversation that opens with the persona's greeting as its first message: a persona reply like
 * any other (shown as simulated), written in the same transaction, so the chat never exists without it.
 */
export async function createGreetedConversation(
  db: PersonaDb,
  personaId: string,
  greeting: string,
  title = DEFAULT_TITLE,
  now = Date.now(),
): Promise<ConversationRow> {
  const row: ConversationRow = { id: crypto.randomUUID(), personaId, title: title.trim() || DEFAULT_TITLE, createdAt: now, updatedAt: now };
  await db.transaction('rw', [db.personas, db.conversations, db.chatMessages], async () => {
    if ((await db.personas.get(personaId)) === undefined) throw new Error('The persona no longer exists.');
    await db.conversations.add(row);
    await db.chatMessages.add({ conversationId: row.id, seq: 0, personaId, role: 'assistant', text: greeting, status: 'done', createdAt: now, updatedAt: now });
  });
  return row;
}

/** Renames; an empty title keeps the old one. Does not change the list order. */
export async function renameConversation(db: PersonaDb, id: string, title: string): Promise<void> {
  const clean = title.trim();
  if (clean === '') return;
  await db.conversations.update(id, { title: clean });
}

export async function deleteConversation(db: PersonaDb, id: string): Promise<void> {
  await db.transaction('rw', [db.conversations, db.chatMessages], async () => {
    await db.chatMessages.where('conversationId').equals(id).delete();
    await db.conversations.delete(id);
  });
}

/** A conversation's messages in order. */
export function listChatMessages(db: PersonaDb, conversationId: string): Promise<ChatMessageRow[]> {
  return messagesOf(db, conversationId).toArray();
}

export function watchChatMessages(db: PersonaDb, conversationId: string): Observable<ChatMessageRow[]> {
  return liveQuery(() => listChatMessages(db, conversationId));
}

/** Appends a message at the end of the conversation and returns it as stored. */
export async function appendChatMessage(db: PersonaDb, conversationId: string, message: NewChatMessage, now = Date.now()): Promise<ChatMessageRow> {
  return db.transaction('rw', [db.conversations, db.chatMessages], async () => {
    const conversation = await db.conversations.get(conversationId);
    if (conversation === undefined) throw new Error('This conversation no longer exists.');
    const last = await messagesOf(db, conversationId).last();
    const row: ChatMessageRow = {
      ...message,
      conversationId,
      seq: last === undefined ? 0 : last.seq + 1,
      personaId: conversation.personaId,
      createdAt: now,
      updatedAt: now,
    };
    await db.chatMessages.add(row);
    await db.conversations.update(conversationId, { updatedAt: now });
    return row;
  });
}

/** Changes a message (text while streaming, status, prompt sections...); false when it is gone. */
export async function updateChatMessage(
  db: PersonaDb,
  conversationId: string,
  seq: number,
  changes: ChatMessageChanges,
  now = Date.now(),
): Promise<boolean> {
  return db.transaction('rw', [db.conversations, db.chatMessages], async () => {
    const updated = await db.chatMessages.update([conversationId, seq], { ...changes, updatedAt: now });
    if (updated === 0) return false;
    await db.conversations.update(conversationId, { updatedAt: now });
    return true;
  });
}

/**
 * Rates a persona reply (null clears the rating); false when it is gone or not a reply. Leaves the
 * conversation's `updatedAt` alone: rating an old chat must not move it to the top of the list.
 */
export async function rateChatMessage(db: PersonaDb, conversationId: string, seq: number, rating: 'up' | 'down' | null): Promise<boolean> {
  return db.transaction('rw', [db.chatMessages], async () => {
    const row = await db.chatMessages.get([conversationId, seq]);
    if (row?.role !== 'assistant') return false;
    // Dexie deletes a property updated to undefined.
    await db.chatMessages.update([conversationId, seq], { rating: rating ?? undefined });
    return true;
  });
}

/** A persona's rated replies with the conversations they are in (whole, for the user message before each). */
export async function listRatedConversationMessages(db: PersonaDb, personaId: string): Promise<ChatMessageRow[]> {
  return db.transaction('r', [db.chatMessages], async () => {
    const rated = await db.chatMessages
      .where('personaId')
      .equals(personaId)
      .filter((m) => m.rating !== undefined)
      .toArray();
    const ids = [...new Set(rated.map((m) => m.conversationId))];
    const lists = await Promise.all(ids.map((id) => listChatMessages(db, id)));
    return lists.flat();
  });
}

/** Replaces a persona's default reply settings (an empty patch means the built-in defaults). */
export async function setPersonaChatSettings(db: PersonaDb, personaId: string, settings: ChatSettingsPatch): Promise<void> {
  await db.personas.update(personaId, { chatSettings: cleanChatSettings(settings) });
}

/** Replaces a conversation's overrides (an empty patch means the persona's settings). */
export async function setConversationSettings(db: PersonaDb, id: string, settings: ChatSettingsPatch): Promise<void> {
  await db.conversations.update(id, { settings: cleanChatSettings(settings) });
}

/**
 * Adds a summary of older messages; false (nothing written) when the conversation is gone or the range
 * is already covered (by an edited summary too: those are never replaced). Not activity: `updatedAt` stays.
 */
export async function addConversationSummary(db: PersonaDb, id: string, summary: ConversationSummary): Promise<boolean> {
  return db.transaction('rw', [db.conversations], async () => {
    const row = await db.conversations.get(id);
    if (row === undefined) return false;
    const before = row.summaries ?? [];
    const after = withSummary(before, summary);
    if (after.length === before.length) return false;
    await db.conversations.update(id, { summaries: after });
    return true;
  });
}

/** The user's text for one summary (marked edited, so nothing replaces it); an empty text removes it. */
export async function editConversationSummary(db: PersonaDb, id: string, fromSeq: number, text: string): Promise<void> {
  await db.transaction('rw', [db.conversations], async () => {
    const row = await db.conversations.get(id);
    if (row === undefined) return;
    await db.conversations.update(id, { summaries: withEditedSummary(row.summaries, fromSeq, text) });
  });
}

/** Deletes the messages from `seq` on (regenerate drops the last reply; edit drops a message and what followed). */
export async function truncateChatMessages(db: PersonaDb, conversationId: string, fromSeq: number): Promise<number> {
  return db.chatMessages
    .where('[conversationId+seq]')
    .between([conversationId, fromSeq], [conversationId, Dexie.maxKey], true, true)
    .delete();
}

/**
 * Replies left `streaming` by a closed tab or a crash: nothing writes them any more, so they become
 * `stopped` (the text streamed so far is kept). Returns how many were settled.
 */
export async function settleInterruptedReplies(db: PersonaDb, personaId: string): Promise<number> {
  return db.chatMessages
    .where('personaId')
    .equals(personaId)
    .filter((m) => m.status === 'streaming')
    .modify({ status: 'stopped' });
}

/** What a reply's prompt is built from, read in one transaction: held-out pairs and superseded memories left out. */
export interface ChatSources {
  persona: PersonaRow;
  profile: StyleProfile | null;
  pairs: PairRow[];
  memories: MemoryRow[];
}

export async function loadChatSources(db: PersonaDb, personaId: string): Promise<ChatSources | undefined> {
  return db.transaction('r', [db.personas, db.profiles, db.pairs, db.memories], async () => {
    const persona = await db.personas.get(personaId);
    if (persona === undefined) return undefined;
    const [profile, pairs, memories] = await Promise.all([
      db.profiles.get(personaId),
      db.pairs.where('personaId').equals(personaId).filter((p) => !p.heldOut).toArray(),
      db.memories.where('personaId').equals(personaId).filter((m) => m.supersededBy === undefined).toArray(),
    ]);
    return { persona, profile: profile?.profile ?? null, pairs, memories };
  });
}
