// What the persona's other exports are made of, read from the store in one transaction each: the
// character card's source (persona, profile, memories, pairs, opener turns), the fine-tune dataset's
// pairs, and one conversation for SillyTavern. Only stored text is read, so masked PII stays masked.

import { buildCard, cardPng, pickOpeners, type CardV3 } from '../persona/card';
import { finetuneJsonl, finetunePromptParts, type FinetuneOutput } from '../persona/finetune';
import { sillyTavernChat } from '../persona/sillytavern';
import { AppError } from '../rpc/app-error';
import type { PersonaDb } from './db';
import { safeFileStem } from './bundle';

function missing(): AppError {
  return new AppError('not-found', 'This persona no longer exists, so there is nothing to export.');
}

export async function personaCard(db: PersonaDb, personaId: string, now = Date.now()): Promise<{ card: CardV3; stem: string }> {
  return db.transaction('r', [db.personas, db.profiles, db.memories, db.pairs, db.turns], async () => {
    const persona = await db.personas.get(personaId);
    if (persona === undefined) throw missing();
    const profile = (await db.profiles.get(personaId))?.profile ?? null;
    const turns = await db.turns.where('personaId').equals(personaId).sortBy('seq');
    const openerPhrases = (profile?.person.openers ?? []).slice(0, 10).map((o) => o.text);
    const card = buildCard(
      {
        displayName: persona.displayName,
        personName: persona.personName,
        createdAt: persona.createdAt,
        updatedAt: persona.updatedAt,
        definition: persona.definition,
        profile,
        memories: await db.memories.where('personaId').equals(personaId).toArray(),
        pairs: await db.pairs.where('personaId').equals(personaId).toArray(),
        openerTexts: pickOpeners(turns, persona.personName, openerPhrases),
      },
      now,
    );
    return { card, stem: safeFileStem(persona.displayName) };
  });
}

/** The card as V3 JSON text, or as a PNG around `image` (any PNG: the card rides in text chunks). */
export async function exportCard(
  db: PersonaDb,
  personaId: string,
  format: 'json' | 'png',
  image?: Uint8Array,
): Promise<{ fileName: string; bytes: Uint8Array }> {
  const { card, stem } = await personaCard(db, personaId);
  if (format === 'json') return { fileName: `${stem}.card.json`, bytes: new TextEncoder().encode(JSON.stringify(card, null, 2)) };
  if (image === undefined) throw new AppError('internal', 'A PNG card needs an image to carry it.');
  return { fileName: `${stem}.card.png`, bytes: cardPng(image, card) };
}

export async function exportFinetune(db: PersonaDb, personaId: string): Promise<FinetuneOutput & { fileName: string }> {
  const read = await db.transaction('r', [db.personas, db.profiles, db.pairs, db.memories], async () => {
    const persona = await db.personas.get(personaId);
    if (persona === undefined) throw missing();
    const profile = await db.profiles.get(personaId);
    const pinned = await db.memories.where('personaId').equals(personaId).filter((m) => m.pinned && m.supersededBy === undefined).toArray();
    const pairs = await db.pairs.where('personaId').equals(personaId).sortBy('replyTs');
    return { persona, profile: profile?.profile ?? null, pinned, pairs };
  });
  const { persona, profile, pinned, pairs } = read;
  // Outside the transaction: the prompt builders are pure but async, and Dexie ends a transaction
  // that awaits anything else.
  const prompt = await finetunePromptParts({
    displayName: persona.displayName,
    personName: persona.personName,
    userName: persona.selfName,
    profile,
    pinnedMemories: pinned,
    ...(persona.definition === undefined ? {} : { definition: persona.definition }),
    ...(persona.origin === undefined ? {} : { origin: persona.origin }),
  });
  const out = finetuneJsonl({
    displayName: persona.displayName,
    personName: persona.personName,
    styleSummary: profile?.summary ?? null,
    definition: persona.definition,
    pairs,
    prompt,
  });
  return { ...out, fileName: `${safeFileStem(persona.displayName)}.finetune.jsonl` };
}

export async function exportSillyTavernChat(db: PersonaDb, conversationId: string): Promise<{ fileName: string; jsonl: string; lines: number }> {
  return db.transaction('r', [db.personas, db.conversations, db.chatMessages], async () => {
    const conversation = await db.conversations.get(conversationId);
    if (conversation === undefined) throw new AppError('not-found', 'This conversation no longer exists, so there is nothing to export.');
    const persona = await db.personas.get(conversation.personaId);
    if (persona === undefined) throw missing();
    const messages = await db.chatMessages.where('conversationId').equals(conversationId).sortBy('seq');
    const out = sillyTavernChat({
      userName: persona.selfName ?? 'You',
      characterName: persona.displayName,
      createdAt: conversation.createdAt,
      messages,
    });
    return { ...out, fileName: `${safeFileStem(persona.displayName)}-${safeFileStem(conversation.title)}.jsonl` };
  });
}
