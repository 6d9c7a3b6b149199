// The persona's other exports built from its stored rows (store/export-rows.ts): the character card (V3
// JSON, or PNG around any image), the fine-tune dataset (with the app's own prompt parts per line) and one
// conversation as SillyTavern JSONL. Building is pure (lib/persona); the store only reads.

import { buildCard, cardPng, pickOpeners, type CardV3 } from '../persona/card';
import { finetuneJsonl, finetunePromptParts, type FinetuneOutput } from '../persona/finetune';
import { sillyTavernChat } from '../persona/sillytavern';
import { AppError } from '../rpc/app-error';
import { safeFileStem } from '../store/bundle';
import type { PersonaDb } from '../store/db';
import { readCardRows, readConversationRows, readFinetuneRows } from '../store/export-rows';

export async function personaCard(db: PersonaDb, personaId: string, now = Date.now()): Promise<{ card: CardV3; stem: string }> {
  const { persona, profile, turns, memories, pairs } = await readCardRows(db, personaId);
  const openerPhrases = (profile?.person.openers ?? []).slice(0, 10).map((o) => o.text);
  const card = buildCard(
    {
      displayName: persona.displayName,
      personName: persona.personName,
      createdAt: persona.createdAt,
      updatedAt: persona.updatedAt,
      definition: persona.definition,
      profile,
      memories,
      pairs,
      openerTexts: pickOpeners(turns, persona.personName, openerPhrases),
    },
    now,
  );
  return { card, stem: safeFileStem(persona.displayName) };
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
  const read = await readFinetuneRows(db, personaId);
  const { persona, profile, pinned, pairs } = read;
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
  const { conversation, persona, messages } = await readConversationRows(db, conversationId);
  const out = sillyTavernChat({
    userName: persona.selfName ?? 'You',
    characterName: persona.displayName,
    createdAt: conversation.createdAt,
    messages,
  });
  return { ...out, fileName: `${safeFileStem(persona.displayName)}-${safeFileStem(conversation.title)}.jsonl` };
}
