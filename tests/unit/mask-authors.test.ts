// A sender saved under a phone number is PII: with masking on, the import stores it as the same token a
// text would get (rows, the persona's name, "me"), and a later export of the same chat still finds the
// persona to update by the participant's real name.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createIngestApi } from '../../src/lib/importer/ingest-api';
import { PersonaDb } from '../../src/lib/store/db';

const FIXTURES = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));
const FILE = 'whatsapp/en/whatsapp-chat-parser_2018__short-chat.txt';
const PHONE = '+410123456789';

const file = (): File => new File([readFileSync(join(FIXTURES, FILE))], basename(FILE));

describe('masking sender names', () => {
  it('stores a phone-number sender as its mask token everywhere, and offers the update by the real name', async () => {
    const db = new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
    const api = createIngestApi(() => db);
    const analysis = await api.analyze([file()], () => {});
    if (!analysis.ok) throw new Error(analysis.error.message);
    expect(analysis.value.participants.map((p) => p.name)).toContain(PHONE);
    const out = await api.commit({ personName: PHONE, selfName: null, displayName: PHONE, maskPii: true }, () => {});
    if (!out.ok) throw new Error(out.error.message);

    const persona = await db.personas.get(out.value.personaId);
    expect(persona?.personName).toMatch(/^\[phone-[0-9a-f]{6}\]$/);
    expect(persona?.displayName).toBe(persona?.personName);
    const rows = await db.messages.where('personaId').equals(out.value.personaId).toArray();
    expect(rows.some((r) => r.author === persona?.personName)).toBe(true);
    const everything = JSON.stringify([rows, await db.turns.toArray(), await db.pairs.toArray(), await db.profiles.toArray(), persona]);
    expect(everything).not.toContain('410123456789');

    const again = await api.analyze([file()], () => {});
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value.existing).toMatchObject([{ personaId: out.value.personaId, personName: PHONE }]);
  });

  it('leaves sender names alone without masking', async () => {
    const db = new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
    const api = createIngestApi(() => db);
    await api.analyze([file()], () => {});
    const out = await api.commit({ personName: PHONE, selfName: null, displayName: PHONE, maskPii: false }, () => {});
    if (!out.ok) throw new Error(out.error.message);
    expect((await db.personas.get(out.value.personaId))?.personName).toBe(PHONE);
  });
});
