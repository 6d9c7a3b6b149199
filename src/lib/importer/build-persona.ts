// Builds what a persona is made of from its stored messages: the style profile, reply pairs and rule
// memories, then stores them in one transaction. Runs in the ingest worker after every import and on
// "Rebuild"; derived data only, so a failure here never touches the imported messages.

import { buildPairs } from '../persona/pairs';
import { extractMemories } from '../persona/memory';
import { computeStyleProfile } from '../persona/style';
import type { ImportProgress } from '../rpc/progress';
import { getPersona, listMessages, listTurns, saveBuild, type PersonaDb } from '../store/index';

/** Bump when the builder's output changes, so stored personas can be recognised as built by an older one. */
export const BUILDER_VERSION = 1;

export async function buildPersona(
  db: PersonaDb,
  personaId: string,
  onProgress: (progress: ImportProgress) => void = () => {},
): Promise<void> {
  const persona = await getPersona(db, personaId);
  if (persona === undefined) return;
  const total = 4;
  onProgress({ phase: 'build', step: 'profile', done: 0, total });
  const [messages, turns] = await Promise.all([listMessages(db, personaId), listTurns(db, personaId)]);
  const profile = computeStyleProfile(messages, turns, persona.personName);
  onProgress({ phase: 'build', step: 'pairs', done: 1, total });
  const { pairs } = buildPairs(turns, persona.personName);
  onProgress({ phase: 'build', step: 'memories', done: 2, total });
  const memories = extractMemories(messages, persona.personName);
  onProgress({ phase: 'build', step: 'save', done: 3, total });
  await saveBuild(db, personaId, { profile, pairs, memories, builderVersion: BUILDER_VERSION });
  onProgress({ phase: 'build', step: 'save', done: total, total });
}
