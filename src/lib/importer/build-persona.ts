// Builds what a persona is made of from its stored messages: turns per chat, the style profile, reply
// pairs and rule memories. `derivePersona` is pure and synchronous, so it runs inside the import's own
// transaction (a persona is stored whole or not at all) and inside a rebuild's; `finishPersonas` rebuilds
// at start every persona whose build is missing or older than BUILDER_VERSION.

import { buildPairs } from '../persona/pairs';
import { extractMemories } from '../persona/memory';
import { computeStyleProfile } from '../persona/style';
import type { ImportProgress } from '../rpc/progress';
import {
  personasToFinish,
  rebuildDerived,
  type CommitBuilder,
  type DeriveInput,
  type DerivedData,
  type PersonaDb,
} from '../store/index';
import { BUILDER_VERSION } from './builder-version';
import { chatForFile, chatKeyOf, turnsOfChats } from './chats';

export { BUILDER_VERSION };

/** Turns, profile, pairs and memories of a persona from all its messages (timeline order) and sources. */
export function derivePersona(input: DeriveInput, onProgress: (progress: ImportProgress) => void = () => {}): DerivedData {
  const { persona, messages, sources } = input;
  const total = 4;
  onProgress({ phase: 'build', step: 'profile', done: 0, total });
  const turns = turnsOfChats(messages, sources);
  const profile = computeStyleProfile(messages, turns, persona.personName);
  onProgress({ phase: 'build', step: 'pairs', done: 1, total });
  const { pairs } = buildPairs(turns, persona.personName);
  onProgress({ phase: 'build', step: 'memories', done: 2, total });
  const memories = extractMemories(messages, persona.personName);
  onProgress({ phase: 'build', step: 'save', done: 3, total });
  return { turns, build: { profile, pairs, memories, builderVersion: BUILDER_VERSION } };
}

/** The builder an import commits with (`onProgress` hears the build steps inside the transaction). */
export function personaBuilder(onProgress: (progress: ImportProgress) => void = () => {}): CommitBuilder {
  return { chatForFile, chatKeyOf, derive: (input) => derivePersona(input, onProgress) };
}

/** Rebuilds turns, profile, pairs and memories of a stored persona in one transaction. */
export async function buildPersona(
  db: PersonaDb,
  personaId: string,
  onProgress: (progress: ImportProgress) => void = () => {},
): Promise<void> {
  const total = 4;
  const found = await rebuildDerived(db, personaId, (input) => derivePersona(input, onProgress));
  if (found) onProgress({ phase: 'build', step: 'save', done: total, total });
}

/**
 * Finishes every persona whose build is missing or older than this builder (see personasToFinish), one
 * after the other; `onPersona` hears each persona's id before ('finishing') and after ('done' or 'failed').
 * A failure leaves that persona as it was (it is retried at the next start) and does not stop the others.
 */
export async function finishPersonas(
  db: PersonaDb,
  onPersona: (personaId: string, state: 'finishing' | 'done' | 'failed') => void = () => {},
): Promise<{ finished: string[]; failed: string[] }> {
  const finished: string[] = [];
  const failed: string[] = [];
  for (const persona of await personasToFinish(db, BUILDER_VERSION)) {
    onPersona(persona.id, 'finishing');
    try {
      await buildPersona(db, persona.id);
      finished.push(persona.id);
      onPersona(persona.id, 'done');
    } catch {
      failed.push(persona.id);
      onPersona(persona.id, 'failed');
    }
  }
  return { finished, failed };
}
