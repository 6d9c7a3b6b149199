// The stored rows each persona export is made of, read in one transaction each: the character card's
// (persona, profile, memories, pairs, turns), the fine-tune dataset's (persona, profile, pinned memories,
// pairs) and one conversation's for SillyTavern. Only stored text is read, so masked PII stays masked.

import { AppError } from '../rpc/app-error';
import type { PersonaDb } from './db';

function missing(): AppError {
  return new AppError('not-found', 'This persona no longer exists, so there is nothing to export.');
}

export async function readCardRows(db: PersonaDb, personaId: string) {
  return db.transaction('r', [db.personas, db.profiles, db.memories, db.pairs, db.turns], async () => {
    const persona = await db.personas.get(personaId);
    if (persona === undefined) throw missing();
    const [profile, turns, memories, pairs] = await Promise.all([
      db.profiles.get(personaId),
      db.turns.where('personaId').equals(personaId).sortBy('seq'),
      db.memories.where('personaId').equals(personaId).toArray(),
      db.pairs.where('personaId').equals(personaId).toArray(),
    ]);
    return { persona, profile: profile?.profile ?? null, turns, memories, pairs };
  });
}

export async function readFinetuneRows(db: PersonaDb, personaId: string) {
  return db.transaction('r', [db.personas, db.profiles, db.pairs, db.memories], async () => {
    const persona = await db.personas.get(personaId);
    if (persona === undefined) throw missing();
    const profile = await db.profiles.get(personaId);
    const pinned = await db.memories.where('personaId').equals(personaId).filter((m) => m.pinned && m.supersededBy === undefined).toArray();
    const pairs = await db.pairs.where('personaId').equals(personaId).sortBy('replyTs');
    return { persona, profile: profile?.profile ?? null, pinned, pairs };
  });
}

export async function readConversationRows(db: PersonaDb, conversationId: string) {
  return db.transaction('r', [db.personas, db.conversations, db.chatMessages], async () => {
    const conversation = await db.conversations.get(conversationId);
    if (conversation === undefined) throw new AppError('not-found', 'This conversation no longer exists, so there is nothing to export.');
    const persona = await db.personas.get(conversation.personaId);
    if (persona === undefined) throw missing();
    const messages = await db.chatMessages.where('conversationId').equals(conversationId).sortBy('seq');
    return { conversation, persona, messages };
  });
}
