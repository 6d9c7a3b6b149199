// Greetings and edits of a persona made from a description: a greeted conversation is written with its
// greeting as the first (persona) message in one transaction; the greeting opens the prompt's history;
// saving an edited definition renames a standalone persona (and its personName) but never the
// participant name of a cloned one.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { draftToDefinition, emptyDraft } from '../../src/lib/persona/draft';
import { assemblePrompt } from '../../src/lib/persona/prompt';
import { emptyDefinition } from '../../src/lib/persona/types';
import { createGreetedConversation, listChatMessages, listConversations } from '../../src/lib/store/conversations';
import { PersonaDb } from '../../src/lib/store/db';
import { createStandalonePersona, saveDefinition } from '../../src/lib/store/standalone';

const freshDb = (): PersonaDb => new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });

describe('greeted conversations', () => {
  it('starts with the greeting as a persona message', async () => {
    const db = freshDb();
    const definition = { ...emptyDefinition(), greetings: ['ahoy, landlubber', 'you again?'] };
    const personaId = await createStandalonePersona(db, { displayName: 'Captain', definition, origin: 'description' });
    const row = await createGreetedConversation(db, personaId, 'ahoy, landlubber', 'New chat', 1000);
    expect(await listConversations(db, personaId)).toMatchObject([{ id: row.id, title: 'New chat' }]);
    const messages = await listChatMessages(db, row.id);
    expect(messages).toEqual([
      { conversationId: row.id, seq: 0, personaId, role: 'assistant', text: 'ahoy, landlubber', status: 'done', createdAt: 1000, updatedAt: 1000 },
    ]);
  });

  it('writes nothing for a persona that does not exist', async () => {
    const db = freshDb();
    await expect(createGreetedConversation(db, 'nobody', 'hi')).rejects.toThrow(/no longer exists/);
    expect(await db.conversations.count()).toBe(0);
    expect(await db.chatMessages.count()).toBe(0);
  });

  it('keeps the greeting at the start of the prompt history', async () => {
    const p = await assemblePrompt({
      personaName: 'Captain',
      personName: 'Captain',
      userName: null,
      profile: null,
      pinnedMemories: [],
      memories: [],
      examples: [],
      history: [
        { role: 'assistant', content: 'ahoy, landlubber' },
        { role: 'user', content: 'hello captain' },
      ],
      contextWindow: 2048,
      maxReplyTokens: 64,
      countTokens: (texts) => Promise.resolve(texts.map((t) => Math.ceil(t.length / 4))),
      definition: { ...emptyDefinition(), background: 'An old sea captain.' },
      origin: 'description',
    });
    expect(p.messages.slice(1)).toEqual([
      { role: 'assistant', content: 'ahoy, landlubber' },
      { role: 'user', content: 'hello captain' },
    ]);
  });
});

describe('saving an edited definition', () => {
  it('renames a standalone persona, personName included', async () => {
    const db = freshDb();
    const id = await createStandalonePersona(db, { displayName: 'Captain', definition: emptyDefinition(), origin: 'manual' });
    const definition = draftToDefinition({ ...emptyDraft(), background: 'Sails.', rules: { do: ['Say ahoy'], dont: [] } });
    await saveDefinition(db, id, definition, ' Admiral ');
    expect(await db.personas.get(id)).toMatchObject({ displayName: 'Admiral', personName: 'Admiral', definition });
    // No name given: the name stays.
    await saveDefinition(db, id, emptyDefinition());
    expect(await db.personas.get(id)).toMatchObject({ displayName: 'Admiral', definition: emptyDefinition() });
  });

  it('keeps the participant name of a cloned persona', async () => {
    const db = freshDb();
    await db.personas.add({
      id: 'p1', displayName: 'Ana', personName: 'Ana Souza', selfName: null, createdAt: 0, updatedAt: 0, maskPii: false,
      counts: { personMessages: 3, allMessages: 6, turns: 4, sources: 1 }, firstTs: null, lastTs: null,
    });
    await saveDefinition(db, 'p1', emptyDefinition(), 'Ana (work)');
    expect(await db.personas.get('p1')).toMatchObject({ displayName: 'Ana (work)', personName: 'Ana Souza' });
  });
});
