// A persona builder for store tests: the real chat assignment, turns from the given function and an
// empty build, so a test controls exactly what the commit derives (or makes it throw).
import { chatForFile, chatKeyOf } from '../../src/lib/importer/chats';
import type { CommitBuilder } from '../../src/lib/store/import-commit';
import type { MessageRow, TurnRow } from '../../src/lib/store/schema';
import type { StyleProfile } from '../../src/lib/persona/types';

export function testBuilder(turns: (rows: readonly MessageRow[]) => Omit<TurnRow, 'personaId'>[]): CommitBuilder {
  return {
    chatForFile,
    chatKeyOf,
    derive: ({ messages, persona }) => ({
      turns: turns(messages),
      build: { profile: { version: 1, personName: persona.personName, summary: '' } as unknown as StyleProfile, pairs: [], memories: [], builderVersion: 1 },
    }),
  };
}
