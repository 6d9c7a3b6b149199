// Character cards: a persona exported as a CCv3 PNG (ccv3 + chara chunks) imports back with the same
// fields; V2 JSON, a hand-made SillyTavern-style V2 PNG and V1 JSON import as personas without history;
// broken cards fail with an error naming the file and store nothing.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { readCard, pickOpeners, parseMesExample, type CardV3 } from '../../src/lib/persona/card';
import { readPngText, solidPng, utf8ToBase64, writePngText, base64ToUtf8 } from '../../src/lib/persona/png-card';
import { emptyDefinition, type ReplyPair } from '../../src/lib/persona/types';
import { AppError } from '../../src/lib/rpc/app-error';
import { exportCard, personaCard } from '../../src/lib/importer/portable-exports';
import { importPortable } from '../../src/lib/importer/portable';
import { PersonaDb } from '../../src/lib/store/db';
import { createStandalonePersona } from '../../src/lib/store/standalone';

const newDb = (): PersonaDb => new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });

const pair = (id: string, user: string, reply: string, heldOut = false): ReplyPair => ({
  id, context: [{ author: 'Sam', text: user, ts: '2024-01-01T10:00:00' }], reply, replyBubbles: 1, contextTs: '2024-01-01T10:00:00',
  replyTs: '2024-01-01T10:01:00', contextMessageIds: [], replyMessageIds: [], heldOut,
});

/** A cloned persona with no definition: the card is derived from its measured data. */
async function clonedPersona(db: PersonaDb): Promise<string> {
  const id = 'p1';
  await db.personas.add({
    id, displayName: 'Mary Ann', personName: 'Mary', selfName: 'Sam', createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_000,
    maskPii: true, counts: { personMessages: 3, allMessages: 6, turns: 6, sources: 1 }, firstTs: null, lastTs: null,
  });
  await db.pairs.bulkAdd([
    { ...pair('a', 'how was the concert?', 'amazing!!\nthe cellist was unreal'), personaId: id },
    { ...pair('b', 'dinner tonight?', 'yes pls, 8?'), personaId: id },
    { ...pair('held', 'SECRET HELD OUT question', 'SECRET HELD OUT reply', true), personaId: id },
  ]);
  await db.memories.bulkAdd([
    { personaId: id, id: 'm1', type: 'fact', text: 'Lives in Lisbon', subject: 'Mary', sourceMessageIds: [], firstSeen: '', lastSeen: '', confidence: 0.9, pinned: true, origin: 'rule', createdAt: 1, updatedAt: 1 },
    { personaId: id, id: 'm2', type: 'preference', text: 'Loves cello concerts', subject: 'Mary', sourceMessageIds: [], firstSeen: '', lastSeen: '', confidence: 0.8, pinned: false, origin: 'rule', createdAt: 1, updatedAt: 1 },
  ]);
  await db.turns.bulkAdd([
    { personaId: id, seq: 0, author: 'Mary', startTs: '2024-01-01T08:00:00', endTs: '2024-01-01T08:00:00', text: 'morning sunshine! coffee later?', bubbles: 1, messageIds: [] },
    { personaId: id, seq: 1, author: 'Sam', startTs: '2024-01-01T08:05:00', endTs: '2024-01-01T08:05:00', text: 'sure', bubbles: 1, messageIds: [] },
    { personaId: id, seq: 2, author: 'Mary', startTs: '2024-01-01T08:06:00', endTs: '2024-01-01T08:06:00', text: 'not an opener', bubbles: 1, messageIds: [] },
    { personaId: id, seq: 3, author: 'Mary', startTs: '2024-01-02T09:00:00', endTs: '2024-01-02T09:00:00', text: 'hey you, guess what', bubbles: 1, messageIds: [] },
  ]);
  return id;
}

const file = (bytes: Uint8Array, name: string): File => new File([bytes as BlobPart], name);

describe('character cards', () => {
  it('derives a V3 card from a cloned persona: openers, real training pairs, memories as lorebook', async () => {
    const db = newDb();
    const { card } = await personaCard(db, await clonedPersona(db));
    expect(card.spec).toBe('chara_card_v3');
    expect(card.spec_version).toBe('3.0');
    expect(card.data.name).toBe('Mary Ann');
    expect(card.data.first_mes).toBe('morning sunshine! coffee later?');
    expect(card.data.alternate_greetings).toEqual(['hey you, guess what']);
    expect(card.data.mes_example).toContain('<START>\n{{user}}: how was the concert?\n{{char}}: amazing!!\nthe cellist was unreal');
    expect(JSON.stringify(card)).not.toContain('SECRET HELD OUT');
    expect(card.data.description).toContain('Lives in Lisbon');
    expect(card.data.character_book?.entries.map((e) => [e.content, e.enabled, e.use_regex, e.constant])).toEqual([
      ['Lives in Lisbon', true, false, true],
      ['Loves cello concerts', true, false, false],
    ]);
    expect(card.data.character_book?.entries[0]?.keys).toContain('lisbon');
    expect(card.data.group_only_greetings).toEqual([]);
    expect(card.data.extensions['personayou']).toMatchObject({ personName: 'Mary', memoryTypes: { m1: 'fact', m2: 'preference' } });
  });

  it('round-trips through a PNG: export -> import -> the same fields', async () => {
    const db = newDb();
    const id = await clonedPersona(db);
    const png = await exportCard(db, id, 'png', await solidPng(40, 60, [120, 80, 200]));
    expect(png.fileName).toBe('Mary-Ann.card.png');
    const chunks = readPngText(png.bytes);
    const v3 = JSON.parse(base64ToUtf8(chunks.get('ccv3') ?? '')) as CardV3;
    const v2 = JSON.parse(base64ToUtf8(chunks.get('chara') ?? '')) as { spec: string; data: { name: string; first_mes: string } };
    expect(v2.spec).toBe('chara_card_v2');
    expect(v2.data.first_mes).toBe(v3.data.first_mes);

    const result = await importPortable(db, file(png.bytes, png.fileName), () => {});
    if (!result.ok || result.value === null) throw new Error(JSON.stringify(result));
    expect(result.value).toMatchObject({ kind: 'card', displayName: 'Mary Ann', memories: 2 });
    const persona = await db.personas.get(result.value.personaId);
    expect(persona?.origin).toBe('card');
    const again = (await personaCard(db, result.value.personaId)).card;
    for (const field of ['name', 'description', 'personality', 'scenario', 'first_mes', 'alternate_greetings', 'mes_example'] as const) {
      expect(again.data[field], field).toEqual(v3.data[field]);
    }
    expect(again.data.character_book?.entries.map((e) => [e.content, e.constant])).toEqual(v3.data.character_book?.entries.map((e) => [e.content, e.constant]));
    expect((await db.memories.where('personaId').equals(result.value.personaId).toArray()).map((m) => m.type).sort()).toEqual(['fact', 'preference']);
  });

  it('imports a hand-made SillyTavern V2 card (PNG with only a chara chunk) and V2 / V1 JSON', async () => {
    const v2 = {
      spec: 'chara_card_v2',
      spec_version: '2.0',
      data: {
        name: 'Captain Reed',
        description: '{{char}} is a retired sea captain who tells long stories.',
        personality: 'gruff, warm, nostalgic',
        scenario: 'A harbour tavern at dusk.',
        first_mes: '*looks up* Ahoy, {{user}}. Sit down.',
        mes_example: '<START>\n{{user}}: Any stories tonight?\n{{char}}: Always. Did I tell you about the storm of 82?\n<START>\n{{user}}: Hi\n{{char}}: Ahoy.',
        creator_notes: '',
        system_prompt: 'Stay in character.\nNever: break the fourth wall',
        post_history_instructions: '',
        alternate_greetings: ['Back again, {{user}}?'],
        character_book: { entries: [{ keys: ['storm'], content: 'The storm of 82 sank his first ship.', extensions: {}, enabled: true, insertion_order: 0 }] },
        tags: ['sea'],
        creator: 'someone',
        character_version: '1.2',
        extensions: { talkativeness: '0.5' },
      },
    };
    const png = writePngText(await solidPng(4, 4, [0, 0, 0]), new Map([['chara', utf8ToBase64(JSON.stringify(v2))]]));
    const fromPng = readCard('reed.png', png);
    expect(fromPng.spec).toBe('v2');
    expect(fromPng.displayName).toBe('Captain Reed');
    expect(fromPng.definition).toEqual({
      ...emptyDefinition(),
      background: 'Captain Reed is a retired sea captain who tells long stories.',
      traits: [{ name: 'gruff', strength: 0.7 }, { name: 'warm', strength: 0.7 }, { name: 'nostalgic', strength: 0.7 }],
      rules: { do: ['Stay in character.'], dont: ['break the fourth wall'] },
      examples: [{ user: 'Any stories tonight?', reply: 'Always. Did I tell you about the storm of 82?' }, { user: 'Hi', reply: 'Ahoy.' }],
      greetings: ['*looks up* Ahoy, {{user}}. Sit down.', 'Back again, {{user}}?'],
      scenario: 'A harbour tavern at dusk.',
    });
    expect(fromPng.memories.map((m) => m.text)).toEqual(['The storm of 82 sank his first ship.']);
    expect(readCard('reed.json', new TextEncoder().encode(JSON.stringify(v2))).definition).toEqual(fromPng.definition);

    const v1 = readCard('old.json', new TextEncoder().encode(JSON.stringify({ name: 'Old', description: 'An old card.', personality: 'A long prose personality that is certainly more than forty characters long.', first_mes: 'Hello.', mes_example: '' })));
    expect(v1.spec).toBe('v1');
    expect(v1.definition.background).toBe('An old card.\n\nPersonality: A long prose personality that is certainly more than forty characters long.');
    expect(v1.definition.greetings).toEqual(['Hello.']);

    const db = newDb();
    const json = await importPortable(db, file(new TextEncoder().encode(JSON.stringify(v2)), 'reed.json'), () => {});
    expect(json.ok && json.value?.kind).toBe('card');
    // A .json chat export is not a card: the import screen treats it as a chat.
    const chat = await importPortable(db, file(new TextEncoder().encode('[{"timestamp":"2020-01-01","sender":"A","text":"hi"}]'), 'chat.json'), () => {});
    expect(chat).toEqual({ ok: true, value: null });
  });

  it('refuses broken cards naming the file, storing nothing', async () => {
    const plain = await solidPng(4, 4, [1, 2, 3]);
    const cases: [string, Uint8Array, RegExp][] = [
      ['plain.png', plain, /"plain\.png" is a PNG image without a character card/],
      ['b64.png', writePngText(plain, new Map([['ccv3', '!!!not base64!!!']])), /"b64\.png" has a "ccv3" card chunk that is not base64/],
      ['spec.json', new TextEncoder().encode(JSON.stringify({ spec: 'chara_card_v9', data: { name: 'X' } })), /unknown kind \("chara_card_v9"\)/],
      ['noname.json', new TextEncoder().encode(JSON.stringify({ spec: 'chara_card_v3', spec_version: '3.0', data: { name: '' } })), /"noname\.json" is a V3 card with bad fields \(name/],
      ['crc.png', plain.map((b, i) => (i === 20 ? b ^ 0xff : b)), /"crc\.png" is a damaged PNG/],
    ];
    const db = newDb();
    for (const [name, bytes, message] of cases) {
      let error: unknown = null;
      try {
        readCard(name, bytes);
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(AppError);
      expect((error as AppError).message, name).toMatch(message);
      if (name.endsWith('.png')) {
        const result = await importPortable(db, file(bytes, name), () => {});
        expect(result.ok, name).toBe(false);
      }
    }
    expect(await db.personas.count()).toBe(0);
  });

  it('uses a written definition as it is, and parses example dialogue back', async () => {
    const db = newDb();
    const definition = { ...emptyDefinition(), background: 'A baker.', greetings: ['Fresh bread!', 'Morning!'], examples: [{ user: 'hi', reply: 'hello\nhow are you' }], traits: [{ name: 'kind', strength: 0.9 }] };
    const id = await createStandalonePersona(db, { displayName: 'Bea', definition, origin: 'manual' });
    const { card } = await personaCard(db, id);
    expect(card.data).toMatchObject({ description: 'A baker.', first_mes: 'Fresh bread!', alternate_greetings: ['Morning!'], personality: 'kind' });
    expect(parseMesExample(card.data.mes_example, 'Bea')).toEqual(definition.examples);
    const back = readCard('bea.json', new TextEncoder().encode(JSON.stringify(card)));
    expect(back.definition).toEqual(definition);
    expect(pickOpeners([], 'Bea', [])).toEqual([]);
  });

  it('gives duplicate lorebook ids fresh ones that no other entry holds', async () => {
    const entry = (id: string, content: string) => ({ keys: [], content, extensions: { personayou: { id } }, enabled: true, insertion_order: 0 });
    const card = {
      spec: 'chara_card_v3',
      spec_version: '3.0',
      // The third entry needs a fresh id; "card-3-2" and "card-3-1" are held by other entries (one of them later).
      data: { name: 'Dup', description: 'x', character_book: { entries: [entry('card-3-2', 'one'), entry('a', 'two'), entry('a', 'three'), entry('card-3-1', 'four')] } },
    };
    const read = readCard('dup.json', new TextEncoder().encode(JSON.stringify(card)));
    const ids = read.memories.map((m) => m.id);
    expect(ids).toEqual(['card-3-2', 'a', 'card-3-3', 'card-3-1']);
    const db = newDb();
    const result = await importPortable(db, file(new TextEncoder().encode(JSON.stringify(card)), 'dup.json'), () => {});
    expect(result.ok && result.value?.memories).toBe(4);
    expect((await db.memories.toArray()).map((m) => m.text).sort()).toEqual(['four', 'one', 'three', 'two']);
  });

  it("ignores the extension's traits and rules when they do not have a definition's shape", () => {
    const card = {
      spec: 'chara_card_v3',
      spec_version: '3.0',
      data: {
        name: 'Odd',
        personality: 'calm, kind',
        system_prompt: 'Be brief.',
        extensions: { personayou: { definition: { traits: [{ name: 'loud', strength: 7 }], rules: { do: 'shout' } } } },
      },
    };
    const read = readCard('odd.json', new TextEncoder().encode(JSON.stringify(card)));
    expect(read.definition.traits).toEqual([{ name: 'calm', strength: 0.7 }, { name: 'kind', strength: 0.7 }]);
    expect(read.definition.rules).toEqual({ do: ['Be brief.'], dont: [] });
  });
});
