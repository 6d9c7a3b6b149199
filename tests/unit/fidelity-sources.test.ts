// What an evaluation reads from the store is cut at the test slice: the classifier's texts, the style
// profile and the memories know nothing said from the first line of the earliest held-out context on.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createIngestApi } from '../../src/lib/importer/ingest-api';
import { testSliceStart } from '../../src/lib/persona/test-slice';
import { PersonaDb } from '../../src/lib/store/db';
import { readFidelityRows } from '../../src/lib/store/fidelity';
import { fidelitySources } from '../../src/lib/persona/fidelity-sources';

const FIXTURES = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));
const FILE = 'whatsapp/multi-format/whatstk__lorem-merge-part1.txt';

describe('fidelitySources of the stored rows', () => {
  it('reads only the training period for the classifier, the profile and the memories', async () => {
    const db = new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
    const api = createIngestApi(() => db);
    const analysis = await api.analyze([new File([readFileSync(join(FIXTURES, FILE))], basename(FILE))], () => {});
    if (!analysis.ok) throw new Error(analysis.error.message);
    const [person, other] = [...analysis.value.participants].sort((a, b) => b.textMessages - a.textMessages);
    if (person === undefined) throw new Error('no participant');
    const out = await api.commit({ personName: person.name, selfName: other?.name ?? null, displayName: person.name, maskPii: false }, () => {});
    if (!out.ok) throw new Error(out.error.message);
    const id = out.value.personaId;
    await db.memories.add({
      personaId: id, id: 'late', type: 'fact', text: 'a fact from the last days', subject: person.name, sourceMessageIds: [],
      firstSeen: '2099-01-01T00:00:00', lastSeen: '2099-01-01T00:00:00', confidence: 1, pinned: true, origin: 'rule', createdAt: 1, updatedAt: 1,
    });

    const rows = await readFidelityRows(db, id);
    if (rows === undefined) throw new Error('persona missing');
    const sources = fidelitySources(rows);
    const start = testSliceStart(sources.pairs);
    if (start === null) throw new Error('the fixture has no held-out pairs');
    const all = await db.messages.where('personaId').equals(id).toArray();
    const late = all.filter((m) => m.kind === 'message' && m.ts >= start && m.text.trim() !== '');
    const early = all.filter((m) => m.kind === 'message' && m.ts < start && m.author === person.name && m.text.trim() !== '');
    expect(late.length).toBeGreaterThan(0);
    const trainingTexts = new Set([...sources.personMessages, ...sources.otherMessages]);
    expect(late.filter((m) => trainingTexts.has(m.text) && !all.some((e) => e.ts < start && e.text === m.text))).toEqual([]);
    expect(sources.personMessages.length).toBe(early.length);
    const stored = await db.profiles.get(id);
    expect(sources.profile?.person.messages).toBeLessThan(stored?.profile.person.messages ?? 0);
    expect(sources.memories.map((m) => m.id)).not.toContain('late');
  });
});
