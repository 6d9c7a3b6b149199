// Personas without chat history: made from a description, by hand, or from a character card. One
// transaction writes the persona row (zero message counts, its definition and origin) and its starting
// memories, so a failed save leaves nothing. Such a persona has no profile, pairs or turns; the prompt
// builder and the UI treat a missing profile as "nothing measured".

import type { MemoryItem, PersonaDefinition, PersonaOrigin } from '../persona/types';
import type { PersonaDb } from './db';
import type { PersonaRow } from './schema';

export interface StandalonePersonaInput {
  displayName: string;
  definition: PersonaDefinition;
  origin: Exclude<PersonaOrigin, 'export'>;
  /** Starting memories (ids must be unique); `subject` defaults to the persona's name when empty. */
  memories?: MemoryItem[];
  maskPii?: boolean;
}

/** Creates the persona and its memories; returns its id. */
export async function createStandalonePersona(db: PersonaDb, input: StandalonePersonaInput): Promise<string> {
  const displayName = input.displayName.trim();
  if (displayName === '') throw new Error('A persona needs a name.');
  const id = crypto.randomUUID();
  const now = Date.now();
  const persona: PersonaRow = {
    id,
    displayName,
    personName: displayName,
    selfName: null,
    createdAt: now,
    updatedAt: now,
    maskPii: input.maskPii ?? false,
    counts: { personMessages: 0, allMessages: 0, turns: 0, sources: 0 },
    firstTs: null,
    lastTs: null,
    definition: input.definition,
    origin: input.origin,
  };
  const memories = (input.memories ?? []).map((m) => ({
    ...m,
    subject: m.subject.trim() === '' ? displayName : m.subject,
    personaId: id,
    createdAt: now,
    updatedAt: now,
  }));
  await db.transaction('rw', [db.personas, db.memories], async () => {
    await db.personas.add(persona);
    await db.memories.bulkAdd(memories);
  });
  return id;
}

/**
 * Replaces a persona's definition (any persona: cloned ones get additions, standalone ones their whole
 * self), and its shown name when `displayName` is given. A standalone persona IS its name, so its
 * `personName` follows; a cloned one keeps the participant's name its messages are matched by.
 */
export async function saveDefinition(db: PersonaDb, personaId: string, definition: PersonaDefinition, displayName?: string): Promise<void> {
  await db.transaction('rw', db.personas, async () => {
    const persona = await db.personas.get(personaId);
    if (persona === undefined) return;
    const name = displayName?.trim() ?? '';
    const renamed = name === '' ? {} : { displayName: name, ...(persona.origin === 'description' || persona.origin === 'manual' || persona.origin === 'card' ? { personName: name } : {}) };
    await db.personas.put({ ...persona, ...renamed, definition, updatedAt: Date.now() });
  });
}
