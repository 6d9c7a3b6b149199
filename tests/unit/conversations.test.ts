// Conversations and chat messages in the store: order, seq numbering, updates, truncation for
// regenerate/edit, settling replies a closed tab left streaming, persona delete cascade, and the v2 -> v3
// migration against a pinned version 2 database.
import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  appendChatMessage,
  createConversation,
  deleteConversation,
  listChatMessages,
  listConversations,
  renameConversation,
  settleInterruptedReplies,
  truncateChatMessages,
  updateChatMessage,
} from '../../src/lib/store/conversations';
import { PersonaDb } from '../../src/lib/store/db';
import { deletePersona } from '../../src/lib/store/personas';
import { DB_NAME, type PersonaRow } from '../../src/lib/store/schema';
import { personaRow } from '../fixtures/store/persona-row';

function freshDb(): PersonaDb {
  return new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
}

const persona = (id: string): PersonaRow => personaRow(id);

async function dbWithPersonas(...ids: string[]): Promise<PersonaDb> {
  const db = freshDb();
  await db.personas.bulkAdd(ids.map(persona));
  return db;
}

describe('conversations', () => {
  it('lists a persona’s conversations, most recently active first, and renames them', async () => {
    const db = await dbWithPersonas('p-1', 'p-2');
    const a = await createConversation(db, 'p-1', 'First', 100);
    const b = await createConversation(db, 'p-1', '  ', 200);
    await createConversation(db, 'p-2', 'Other persona', 300);
    expect(b.title).toBe('New chat');
    expect((await listConversations(db, 'p-1')).map((c) => c.id)).toEqual([b.id, a.id]);
    // A message moves its conversation to the top.
    await appendChatMessage(db, a.id, { role: 'user', text: 'hi', status: 'done' }, 400);
    expect((await listConversations(db, 'p-1')).map((c) => c.id)).toEqual([a.id, b.id]);
    await renameConversation(db, a.id, '  Weekend plans ');
    await renameConversation(db, b.id, '');
    const rows = await listConversations(db, 'p-1');
    expect(rows.map((c) => c.title)).toEqual(['Weekend plans', 'New chat']);
    expect(rows[0]?.updatedAt).toBe(400);
  });

  it('refuses a conversation for a persona that does not exist', async () => {
    const db = freshDb();
    await expect(createConversation(db, 'gone')).rejects.toThrow(/no longer exists/);
    expect(await db.conversations.count()).toBe(0);
  });

  it('numbers messages in order and updates them in place', async () => {
    const db = await dbWithPersonas('p-1');
    const c = await createConversation(db, 'p-1', 'Chat', 1);
    const user = await appendChatMessage(db, c.id, { role: 'user', text: 'how are you?', status: 'done' }, 2);
    const reply = await appendChatMessage(db, c.id, { role: 'assistant', text: '', status: 'streaming', modelId: 'm' }, 3);
    expect([user.seq, reply.seq]).toEqual([0, 1]);
    expect(reply.personaId).toBe('p-1');
    const sections = [{ title: 'Style', text: 'short, lowercase', tokens: 4 }];
    expect(await updateChatMessage(db, c.id, reply.seq, { text: 'good u', status: 'done', sections, completionTokens: 3 }, 9)).toBe(true);
    const rows = await listChatMessages(db, c.id);
    expect(rows.map((m) => [m.seq, m.role, m.text, m.status])).toEqual([
      [0, 'user', 'how are you?', 'done'],
      [1, 'assistant', 'good u', 'done'],
    ]);
    expect(rows[1]?.sections).toEqual(sections);
    expect(rows[1]?.createdAt).toBe(3);
    expect(rows[1]?.updatedAt).toBe(9);
    expect((await db.conversations.get(c.id))?.updatedAt).toBe(9);
    expect(await updateChatMessage(db, c.id, 7, { text: 'nobody' })).toBe(false);
    await expect(appendChatMessage(db, 'missing', { role: 'user', text: 'x', status: 'done' })).rejects.toThrow(/no longer exists/);
  });

  it('truncates from a message on, and numbering continues after the last kept one', async () => {
    const db = await dbWithPersonas('p-1');
    const c = await createConversation(db, 'p-1');
    for (const text of ['a', 'b', 'c', 'd']) await appendChatMessage(db, c.id, { role: 'user', text, status: 'done' });
    expect(await truncateChatMessages(db, c.id, 2)).toBe(2);
    const next = await appendChatMessage(db, c.id, { role: 'assistant', text: 'e', status: 'done' });
    expect(next.seq).toBe(2);
    expect((await listChatMessages(db, c.id)).map((m) => m.text)).toEqual(['a', 'b', 'e']);
  });

  it('settles replies left streaming, only for that persona', async () => {
    const db = await dbWithPersonas('p-1', 'p-2');
    const c1 = await createConversation(db, 'p-1');
    const c2 = await createConversation(db, 'p-2');
    await appendChatMessage(db, c1.id, { role: 'assistant', text: 'half a rep', status: 'streaming' });
    await appendChatMessage(db, c1.id, { role: 'assistant', text: 'whole', status: 'done' });
    await appendChatMessage(db, c2.id, { role: 'assistant', text: 'other', status: 'streaming' });
    expect(await settleInterruptedReplies(db, 'p-1')).toBe(1);
    expect((await listChatMessages(db, c1.id)).map((m) => m.status)).toEqual(['stopped', 'done']);
    expect((await listChatMessages(db, c1.id))[0]?.text).toBe('half a rep');
    expect((await listChatMessages(db, c2.id))[0]?.status).toBe('streaming');
  });

  it('deletes a conversation with its messages, leaving the others', async () => {
    const db = await dbWithPersonas('p-1');
    const a = await createConversation(db, 'p-1');
    const b = await createConversation(db, 'p-1');
    await appendChatMessage(db, a.id, { role: 'user', text: 'a', status: 'done' });
    await appendChatMessage(db, b.id, { role: 'user', text: 'b', status: 'done' });
    await deleteConversation(db, a.id);
    expect((await listConversations(db, 'p-1')).map((c) => c.id)).toEqual([b.id]);
    expect((await db.chatMessages.toArray()).map((m) => m.text)).toEqual(['b']);
  });

  it('deleting a persona deletes its conversations and messages', async () => {
    const db = await dbWithPersonas('p-1', 'p-2');
    const a = await createConversation(db, 'p-1');
    const b = await createConversation(db, 'p-2');
    await appendChatMessage(db, a.id, { role: 'user', text: 'a', status: 'done' });
    await appendChatMessage(db, b.id, { role: 'user', text: 'b', status: 'done' });
    await deletePersona(db, 'p-1');
    expect((await db.conversations.toArray()).map((c) => c.personaId)).toEqual(['p-2']);
    expect((await db.chatMessages.toArray()).map((m) => m.text)).toEqual(['b']);
  });
});

interface Fixture {
  version: number;
  stores: Record<string, string>;
  rows: Record<string, unknown[]>;
}

const v2 = JSON.parse(readFileSync(new URL('../fixtures/store/v2-database.json', import.meta.url), 'utf8')) as Fixture;

describe('store migration v2 -> v3', () => {
  it('opens a version 2 database with all rows intact and the chat tables usable', async () => {
    const indexedDB = new IDBFactory();
    const old = new Dexie(DB_NAME, { indexedDB, IDBKeyRange });
    old.version(v2.version).stores(v2.stores);
    await old.open();
    for (const [table, rows] of Object.entries(v2.rows)) await old.table(table).bulkAdd(rows);
    old.close();

    const db = new PersonaDb({ indexedDB, IDBKeyRange });
    await db.open();
    expect(db.verno).toBeGreaterThanOrEqual(3);
    expect(Object.keys(v2.rows).length).toBeGreaterThan(5);
    for (const [table, rows] of Object.entries(v2.rows)) {
      expect(await db.table(table).toArray(), table).toEqual(rows);
    }
    expect(await db.conversations.count()).toBe(0);
    const c = await createConversation(db, 'p-1', 'After upgrade');
    await appendChatMessage(db, c.id, { role: 'user', text: 'still there?', status: 'done' });
    await deletePersona(db, 'p-1');
    expect(await db.conversations.count()).toBe(0);
    expect(await db.chatMessages.count()).toBe(0);
    expect(await db.memories.count()).toBe(0);
    db.close();
  });
});
