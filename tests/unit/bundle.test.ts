// Persona bundles: a real import (masked) with vectors, chats, a snapshot and a forgotten memory goes
// out as a .zip and comes back identical apart from ids, on another device and twice on the same one;
// every broken bundle (corrupt zip, no manifest, newer format, checksum, bad or duplicate rows) is
// refused with a clear error and leaves the whole database exactly as it was.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createIngestApi } from '../../src/lib/importer/ingest-api';
import { openZip, writeZip } from '../../src/lib/ingest/zip';
import { AppError } from '../../src/lib/rpc/app-error';
import { BUNDLE_SCHEMA_VERSION, exportBundle, importBundle, sha256Hex } from '../../src/lib/store/bundle';
import { ROW_SCHEMAS } from '../../src/lib/store/bundle-rows';
import { exportCard, exportFinetune, exportSillyTavernChat } from '../../src/lib/importer/portable-exports';
import { appendChatMessage, createConversation } from '../../src/lib/store/conversations';
import { PersonaDb, personaIndexedTables } from '../../src/lib/store/db';
import { forgetMemory, saveSnapshot } from '../../src/lib/store/persona-data';
import { solidPng } from '../../src/lib/persona/png-card';
import { emptyDefinition } from '../../src/lib/persona/types';
import type { FidelityReport } from '../../src/lib/persona/fidelity-run';

const FIXTURES = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));
const CHAT = 'whatsapp/multi-format/whatstk__lorem_dd-mm-yy_bracket.txt';
/** Lorem ipsum with links: the masking check looks for each original URL in every export. */
const PII_CHAT = 'whatsapp/de/WhatsR__ExampleChat.txt';

const newDb = (): PersonaDb => new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });

/** The real pipeline (parse, mask, commit, build) as the ingest worker runs it. */
async function importFixture(db: PersonaDb, file: string, maskPii = true): Promise<string> {
  const api = createIngestApi(() => db);
  const analysis = await api.analyze([new File([readFileSync(join(FIXTURES, file))], basename(file))], () => {});
  if (!analysis.ok) throw new Error(analysis.error.message);
  const [person, other] = [...analysis.value.participants].sort((a, b) => b.textMessages - a.textMessages);
  if (person === undefined) throw new Error('no participant');
  const out = await api.commit({ personName: person.name, selfName: other?.name ?? null, displayName: person.name, maskPii }, () => {});
  if (!out.ok) throw new Error(out.error.message);
  return out.value.personaId;
}

/** A persona with everything a person can add: vectors of two models, a chat, a snapshot, a forgotten memory. */
async function richPersona(db: PersonaDb): Promise<string> {
  const id = await importFixture(db, CHAT);
  const pairs = await db.pairs.where('personaId').equals(id).toArray();
  // Lorem ipsum yields no rule memories: two stand in (a rule one, so forgetting it is recorded, and a user one).
  const memory = (mid: string, origin: 'rule' | 'user', text: string) => ({
    personaId: id, id: mid, type: 'fact' as const, text, subject: 'Mary', sourceMessageIds: [], firstSeen: '2020-01-15', lastSeen: '2020-01-15',
    confidence: 0.8, pinned: origin === 'user', origin, createdAt: 1, updatedAt: 2,
  });
  await db.memories.bulkAdd([
    memory('m-rule', 'rule', 'Lives in Lisbon'),
    { ...memory('m-user', 'user', 'Plays the cello'), entities: [{ kind: 'topic' as const, name: 'cello' }] },
    { ...memory('m-more', 'rule', 'Has a dog'), type: 'episode' as const, eventDate: '2020-01-15', userEdited: true },
  ]);
  // Every optional field a persona's rows may carry, so the row schemas are held to real shapes.
  await db.personas.update(id, {
    definition: { ...emptyDefinition(), background: 'A cellist.', traits: [{ name: 'warm', strength: 0.8 }], greetings: ['hey!'] },
    chatSettings: { temperature: 0.6, matchHabits: false },
    origin: 'export',
  });
  await db.embedJobs.put({
    personaId: id, modelId: 'model-a/q8', model: { id: 'model-a', dtype: 'q8', dims: 8, label: 'A' }, state: 'done', done: 1, total: 1,
    startedAt: 1, updatedAt: 2, finishedAt: 2, sourceStamp: 's', backend: 'wasm', batchSize: 32, error: null,
  });
  await db.fidelityReports.add({ personaId: id, id: 'rep-1', createdAt: 5, settings: { maxSamples: 3, maxReplyTokens: 16 }, report: sampleReport() });
  await db.blindRounds.add({ personaId: id, id: 'round-1', reportId: 'rep-1', pairId: 'pair-9', k: 1, order: ['real', 'persona'], picked: 0, correct: true, createdAt: 6 });
  const memories = await db.memories.where('personaId').equals(id).sortBy('id');
  expect(pairs.length).toBeGreaterThan(5);
  const vec = (seed: number, dims: number): Float32Array => Float32Array.from({ length: dims }, (_, i) => Math.sin(seed * 7 + i));
  await db.vectors.bulkAdd([
    ...pairs.map((p, i) => ({ personaId: id, modelId: 'model-a/q8', kind: 'pair' as const, refId: p.id, textHash: `h${i}`, vector: vec(i, 8) })),
    ...memories.map((m, i) => ({ personaId: id, modelId: 'model-b/fp32', kind: 'memory' as const, refId: m.id, vector: vec(100 + i, 4) })),
  ]);
  const conversation = await createConversation(db, id, 'First chat', 1_700_000_000_000);
  await appendChatMessage(db, conversation.id, { role: 'user', text: 'hallo, wie geht es dir?', status: 'done' }, 1_700_000_001_000);
  await appendChatMessage(
    db,
    conversation.id,
    {
      role: 'assistant', text: 'gut, danke!', status: 'done', modelId: 'tiny', rawText: 'Gut, danke.', rating: 'up',
      usedKnowledge: [{ chunkId: 'c1', fileName: 'notes.txt', title: 'Notes', excerpt: 'gut' }],
      linkedMemories: [{ id: 'm-user', text: 'Plays the cello', via: 'cello', fromText: 'Has a dog' }],
    },
    1_700_000_002_000,
  );
  await db.conversations.update(conversation.id, {
    settings: { maxTokens: 64 },
    summaries: [{ fromSeq: 0, toSeq: 0, text: 'They said hello.', edited: false, createdAt: 3, modelId: 'tiny' }],
  });
  await saveSnapshot(db, id, 'before');
  await forgetMemory(db, id, 'm-rule');
  return id;
}

/** A small report of the real shape, with the NaN a metric of no samples gives (it must survive the trip). */
function sampleReport(): FidelityReport {
  const dist = { chars: [12, 30], bubbles: [1, 2] };
  const ids = ['persona', 'personaAdapted', 'generic', 'retrieval', 'noExamples'] as const;
  return {
    version: 1, createdAt: '2025-01-01T10:00:00.000Z', modelId: 'tiny', samples: 1, heldOutPairs: 4,
    authorship: { heldOutAccuracy: Number.NaN, trainPerson: 40, trainOther: 38 },
    variants: ids.map((vid) => ({ id: vid, label: vid, style: { score: 40, parts: [] }, content: { mean: 0.2, each: [0.2] }, authorship: { share: 0.5 } })),
    realDistributions: dist,
    generatedDistributions: Object.fromEntries(ids.map((vid) => [vid, dist])) as FidelityReport['generatedDistributions'],
    examples: [{ pairId: 'pair-9', context: [{ author: 'Bob', text: 'coming?', ts: '2024-01-01T10:00:00' }], real: 'yes', generated: Object.fromEntries(ids.map((vid) => [vid, 'x'])) as FidelityReport['examples'][number]['generated'] }],
  };
}

type Dump = Record<string, unknown[]>;

/** Every row of one persona, per table, in a stable order. */
async function personaDump(db: PersonaDb, id: string): Promise<Dump> {
  const dump: Dump = {
    personas: [await db.personas.get(id)].filter(Boolean),
    profiles: [await db.profiles.get(id)].filter(Boolean),
    embedJobs: [await db.embedJobs.get(id)].filter(Boolean),
    memoryJobs: [await db.memoryJobs.get(id)].filter(Boolean),
    meta: [await db.meta.get(`forgotten-memories:${id}`)].filter(Boolean),
  };
  for (const table of personaIndexedTables(db)) {
    const rows = (await table.where('personaId').equals(id).toArray()) as unknown[];
    dump[table.name] = rows;
  }
  return dump;
}

/** The new persona's dump with its ids mapped back to the original's (rows matched by their content). */
function mapIds(copy: Dump, original: Dump, copyId: string, originalId: string): Dump {
  const map = new Map<string, string>([[copyId, originalId], [`forgotten-memories:${copyId}`, `forgotten-memories:${originalId}`]]);
  const match = (table: string, key: (row: Record<string, unknown>) => string): void => {
    const byKey = new Map((original[table] as Record<string, unknown>[]).map((r) => [key(r), String(r['id'])]));
    for (const row of copy[table] as Record<string, unknown>[]) {
      const old = byKey.get(key(row));
      if (old !== undefined) map.set(String(row['id']), old);
    }
  };
  match('sources', (r) => `${String(r['fileName'])}|${String(r['importedAt'])}`);
  match('conversations', (r) => `${String(r['title'])}|${String(r['createdAt'])}`);
  match('snapshots', (r) => `${String(r['name'])}|${String(r['createdAt'])}`);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return map.get(v) ?? v;
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(copy) as Dump;
}

/** Every row of every table: what "the database is unchanged" is checked against. */
async function fullDump(db: PersonaDb): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of db.tables) out[table.name] = await table.toArray();
  return out;
}

async function members(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  const zip = await openZip('b.zip', bytes, { maxMemberBytes: 1e9, maxRatio: 1e6, ratioFloorBytes: 1e9, maxMembers: 1000, maxTotalBytes: 4e9 });
  return new Map(await Promise.all(zip.names.map(async (n) => [n, await zip.read(n)] as const)));
}

async function rezip(files: Map<string, Uint8Array>, change: (files: Map<string, Uint8Array>, manifest: Record<string, unknown>) => Promise<void> | void): Promise<Uint8Array> {
  const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as Record<string, unknown>;
  await change(files, manifest);
  files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
  const ordered = ['manifest.json', ...[...files.keys()].filter((n) => n !== 'manifest.json')];
  return writeZip(ordered.map((name) => ({ name, bytes: files.get(name) ?? new Uint8Array() })));
}

/** Replaces a rows file and keeps its manifest entry's checksum and size right (so only row checks can catch it). */
async function replaceRows(files: Map<string, Uint8Array>, manifest: Record<string, unknown>, name: string, rows: unknown[]): Promise<void> {
  const bytes = new TextEncoder().encode(JSON.stringify(rows));
  files.set(name, bytes);
  const entry = (manifest['files'] as Record<string, { sha256: string; bytes: number; rows?: number }>)[name];
  if (entry === undefined) throw new Error(`no ${name}`);
  entry.sha256 = await sha256Hex(bytes);
  entry.bytes = bytes.byteLength;
  const table = (manifest['tables'] as { file: string; rows: number }[]).find((t) => t.file === name);
  if (table !== undefined) table.rows = rows.length;
}

const rowsOf = (files: Map<string, Uint8Array>, name: string): Record<string, unknown>[] =>
  JSON.parse(new TextDecoder().decode(files.get(name))) as Record<string, unknown>[];

describe('persona bundles', () => {
  it('round-trips a persona to another device and twice onto the same one, identical apart from ids', async () => {
    const db = newDb();
    const id = await richPersona(db);
    const original = await personaDump(db, id);
    const progress: string[] = [];
    const bundle = await exportBundle(db, id, { appVersion: '9.9.9', onProgress: (p) => progress.push(p.phase) });
    expect(bundle.fileName).toMatch(/\.personayou\.zip$/);
    expect(progress).toContain('zip');
    expect(bundle.manifest).toMatchObject({ format: 'personayou-bundle', schemaVersion: BUNDLE_SCHEMA_VERSION, appVersion: '9.9.9' });
    expect(bundle.manifest.vectors.map((v) => v.modelId).sort()).toEqual(['model-a/q8', 'model-b/fp32']);
    const files = await members(bundle.bytes);
    expect([...files.keys()][0]).toBe('manifest.json');
    expect(files.has('vectors/0.f32')).toBe(true);

    const other = newDb();
    const writes: number[] = [];
    const imported = await importBundle(other, 'backup.zip', bundle.bytes, { onProgress: (p) => p.phase === 'write' && writes.push(p.done) });
    expect(writes.at(-1)).toBe(imported.rows);
    expect(imported.personaId).not.toBe(id);
    const copy = await personaDump(other, imported.personaId);
    for (const table of Object.keys(original)) expect(copy[table]?.length, table).toBe(original[table]?.length);
    expect(mapIds(copy, original, imported.personaId, id)).toEqual(original);
    expect((original['vectors'] ?? []).length).toBeGreaterThan(5);
    expect((original['chatMessages'] ?? []).length).toBe(2);
    expect((original['snapshots'] ?? []).length).toBe(1);
    expect((original['meta'] ?? []).length).toBe(1);

    // Same device, twice: new ids every time, the original untouched.
    const again1 = await importBundle(db, 'backup.zip', bundle.bytes);
    const again2 = await importBundle(db, 'backup.zip', bundle.bytes);
    expect(new Set([id, again1.personaId, again2.personaId]).size).toBe(3);
    expect(await personaDump(db, id)).toEqual(original);
    expect(mapIds(await personaDump(db, again2.personaId), original, again2.personaId, id)).toEqual(original);
    expect(await db.sources.count()).toBe(3 * (original['sources'] ?? []).length);
  });

  it('refuses broken bundles with a clear error and changes nothing', async () => {
    const db = newDb();
    const id = await richPersona(db);
    const bundle = await exportBundle(db, id);
    const files = await members(bundle.bytes);
    const before = await fullDump(db);

    const cases: { name: string; bytes: Uint8Array; code: string; message: RegExp }[] = [
      { name: 'corrupt zip', bytes: bundle.bytes.slice(0, Math.floor(bundle.bytes.length / 2)), code: 'bad-bundle', message: /"broken\.zip".*cannot be opened/ },
      { name: 'not a zip', bytes: new TextEncoder().encode('hello'), code: 'bad-bundle', message: /cannot be opened/ },
      {
        name: 'missing manifest',
        bytes: await writeZip([...files].filter(([n]) => n !== 'manifest.json').map(([name, bytes]) => ({ name, bytes }))),
        code: 'bad-bundle',
        message: /no manifest\.json/,
      },
      {
        name: 'newer format',
        bytes: await rezip(new Map(files), (_f, m) => void (m['schemaVersion'] = BUNDLE_SCHEMA_VERSION + 1)),
        code: 'bundle-too-new',
        message: new RegExp(`"broken\\.zip" was made by a newer version.*format ${BUNDLE_SCHEMA_VERSION + 1}.*format ${BUNDLE_SCHEMA_VERSION}`),
      },
      {
        name: 'newer database',
        bytes: await rezip(new Map(files), (_f, m) => void (m['dbVersion'] = 999)),
        code: 'bundle-too-new',
        message: /database version 999/,
      },
      {
        name: 'hash mismatch',
        bytes: await rezip(new Map(files), (f) => {
          const rows = rowsOf(f, 'rows/messages.json');
          (rows[0] as { text: string }).text = 'tampered';
          f.set('rows/messages.json', new TextEncoder().encode(JSON.stringify(rows)));
        }),
        code: 'bad-bundle',
        message: /"rows\/messages\.json".*checksum/,
      },
      {
        name: 'bad row',
        bytes: await rezip(new Map(files), async (f, m) => {
          const rows = rowsOf(f, 'rows/messages.json');
          (rows[3] as { text: unknown }).text = 42;
          await replaceRows(f, m, 'rows/messages.json', rows);
        }),
        code: 'bad-bundle',
        message: /bad row in messages \(row 4: text/,
      },
      {
        name: 'row of another persona',
        bytes: await rezip(new Map(files), async (f, m) => {
          const rows = rowsOf(f, 'rows/pairs.json');
          (rows[0] as { personaId: string }).personaId = 'someone-else';
          await replaceRows(f, m, 'rows/pairs.json', rows);
        }),
        code: 'bad-bundle',
        message: /belongs to another persona/,
      },
      {
        name: 'unknown table',
        bytes: await rezip(new Map(files), async (f, m) => {
          f.set('rows/future.json', new TextEncoder().encode('[]'));
          (m['files'] as Record<string, unknown>)['rows/future.json'] = { sha256: await sha256Hex(new TextEncoder().encode('[]')), bytes: 2, rows: 0 };
          (m['tables'] as unknown[]).push({ table: 'future', file: 'rows/future.json', rows: 0 });
        }),
        code: 'bad-bundle',
        message: /table "future"/,
      },
      {
        name: 'vector blob of the wrong size',
        bytes: await rezip(new Map(files), async (f, m) => {
          const data = f.get('vectors/0.f32') ?? new Uint8Array();
          const cut = data.slice(0, data.length - 4);
          f.set('vectors/0.f32', cut);
          const entry = (m['files'] as Record<string, { sha256: string; bytes: number }>)['vectors/0.f32'];
          if (entry !== undefined) Object.assign(entry, { sha256: await sha256Hex(cut), bytes: cut.byteLength });
        }),
        code: 'bad-bundle',
        message: /vectors\/0\.f32.*bytes/,
      },
      {
        // Passes every check, then fails inside the write (two messages with one id): the transaction rolls back.
        name: 'duplicate rows (fails mid-write)',
        bytes: await rezip(new Map(files), async (f, m) => {
          const rows = rowsOf(f, 'rows/messages.json');
          await replaceRows(f, m, 'rows/messages.json', [...rows, rows[rows.length - 1]]);
        }),
        code: '',
        message: /./,
      },
    ];
    for (const c of cases) {
      const error = await importBundle(db, 'broken.zip', c.bytes).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, c.name).not.toBeNull();
      if (c.code !== '') {
        expect(error, c.name).toBeInstanceOf(AppError);
        expect((error as AppError).code, c.name).toBe(c.code);
        expect((error as AppError).message, c.name).toMatch(c.message);
      }
      expect(await fullDump(db), c.name).toEqual(before);
    }
  });

  it('keeps masked PII masked in every export', async () => {
    const db = newDb();
    const id = await importFixture(db, PII_CHAT, true);
    const conversation = await createConversation(db, id, 'Chat');
    await appendChatMessage(db, conversation.id, { role: 'user', text: 'hi', status: 'done' });
    const raw = readFileSync(join(FIXTURES, PII_CHAT), 'utf8');
    // URLs, e-mail addresses, phone numbers written with a leading + and long digit ids.
    const secrets = [...new Set(raw.match(/https?:\/\/\S+|[\w.+-]+@[\w-]+\.[\w.]+|\+\d[\d ()-]{7,}\d|\d{9,}/g) ?? [])];
    expect(secrets.length).toBeGreaterThan(10);

    const bundle = await exportBundle(db, id);
    const outputs: string[] = [];
    for (const [name, bytes] of await members(bundle.bytes)) if (!name.endsWith('.f32')) outputs.push(new TextDecoder().decode(bytes));
    outputs.push(new TextDecoder().decode((await exportCard(db, id, 'json')).bytes));
    const png = (await exportCard(db, id, 'png', await solidPng(8, 8, [10, 20, 30]))).bytes;
    outputs.push(new TextDecoder('latin1').decode(png));
    outputs.push((await exportFinetune(db, id)).jsonl);
    outputs.push((await exportSillyTavernChat(db, conversation.id)).jsonl);
    const all = outputs.join('\n');
    expect(all).toContain('[url-');
    expect(secrets.filter((s) => all.includes(s))).toEqual([]);
  });
});

/** The entries of one model's vectors (index + blob), rewritten with right checksums and count. */
async function setVectors(
  files: Map<string, Uint8Array>,
  manifest: Record<string, unknown>,
  modelId: string,
  entries: { kind: string; refId: string; vector: number[] }[],
): Promise<void> {
  const list = manifest['vectors'] as { modelId: string; data: string; index: string; count: number }[];
  const v = list.find((x) => x.modelId === modelId);
  if (v === undefined) throw new Error(`no vectors of ${modelId}`);
  const index = new TextEncoder().encode(JSON.stringify(entries.map((e) => ({ kind: e.kind, refId: e.refId, dims: e.vector.length }))));
  const data = new Uint8Array(Float32Array.from(entries.flatMap((e) => e.vector)).buffer);
  const table = manifest['files'] as Record<string, { sha256: string; bytes: number }>;
  for (const [name, bytes] of [[v.index, index], [v.data, data]] as const) {
    files.set(name, bytes);
    table[name] = { sha256: await sha256Hex(bytes), bytes: bytes.byteLength };
  }
  v.count = entries.length;
}

async function refusal(db: PersonaDb, bytes: Uint8Array): Promise<AppError> {
  const error = await importBundle(db, 'broken.zip', bytes).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('bundle rows of the wrong shape', () => {
  it('has a row schema for every table a bundle carries', () => {
    const db = newDb();
    const tables = ['personas', 'profiles', 'embedJobs', 'memoryJobs', 'meta', ...personaIndexedTables(db).map((t) => t.name).filter((n) => n !== 'vectors')];
    expect(tables.filter((t) => ROW_SCHEMAS[t] === undefined)).toEqual([]);
  });

  it('refuses optional fields of the wrong type (which would break the persona later) and changes nothing', async () => {
    const db = newDb();
    const id = await richPersona(db);
    const files = await members((await exportBundle(db, id)).bytes);
    const before = await fullDump(db);
    const first = (name: string): Record<string, unknown> => rowsOf(files, name)[0] ?? {};
    const memory = first('rows/memories.json');
    // table, what to put in its rows file, the path the refusal must name.
    const cases: [string, Record<string, unknown>, string][] = [
      ['personas', { ...first('rows/personas.json'), definition: { ...emptyDefinition(), background: 42 } }, 'definition.background'],
      ['personas', { ...first('rows/personas.json'), definition: { background: 'x' } }, 'definition.traits'],
      ['personas', { ...first('rows/personas.json'), chatSettings: { temperature: 'hot' } }, 'chatSettings.temperature'],
      ['personas', { ...first('rows/personas.json'), origin: 'alien' }, 'origin'],
      ['personas', { ...first('rows/personas.json'), maskKeyId: 'the salt itself' }, 'maskKeyId'],
      ['profiles', { ...first('rows/profiles.json'), profile: { ...(first('rows/profiles.json')['profile'] as object), person: { topEmojis: 'x' } } }, 'profile.person'],
      ['embedJobs', { ...first('rows/embedJobs.json'), model: { id: 'a', dtype: 'q8', dims: 'eight', label: 'A' } }, 'model.dims'],
      ['memories', { ...memory, entities: [{ kind: 'planet', name: 'Mars' }] }, 'entities.0.kind'],
      ['memories', { ...memory, eventDate: 20200115 }, 'eventDate'],
      ['snapshots', { ...first('rows/snapshots.json'), persona: { ...first('rows/personas.json'), definition: 'a cellist' } }, 'persona.definition'],
      ['conversations', { ...first('rows/conversations.json'), summaries: [{ fromSeq: 'start' }] }, 'summaries.0.fromSeq'],
      ['conversations', { ...first('rows/conversations.json'), settings: { memory: 'yes' } }, 'settings.memory'],
      ['chatMessages', { ...first('rows/chatMessages.json'), usedKnowledge: 'notes.txt' }, 'usedKnowledge'],
      ['chatMessages', { ...first('rows/chatMessages.json'), linkedMemories: [{ id: 1 }] }, 'linkedMemories.0.id'],
      ['chatMessages', { ...first('rows/chatMessages.json'), rawText: 5 }, 'rawText'],
      ['memoryProposals', { personaId: id, id: 'p1', item: { ...memory, entities: 'cello' }, status: 'pending', chunk: 0, createdAt: 1, decidedAt: null }, 'item.entities'],
      ['memoryJobs', { personaId: id, state: 'done', modelId: 'm', nextChunk: 1, totalChunks: 1, proposals: 'many' }, 'proposals'],
      ['knowledgeDocs', { personaId: id, id: 'd1', fileName: 'a.txt', title: 'A', text: 'x', addedAt: 1, chunkCount: '1' }, 'chunkCount'],
      ['fidelityReports', { ...first('rows/fidelityReports.json'), report: { ...(first('rows/fidelityReports.json')['report'] as object), variants: 'all' } }, 'report.variants'],
      ['fidelityReports', { ...first('rows/fidelityReports.json'), settings: null }, 'settings'],
      ['blindRounds', { ...first('rows/blindRounds.json'), order: 'real,persona' }, 'order'],
    ];
    for (const [table, row, path] of cases) {
      const bytes = await rezip(new Map(files), (f, m) => replaceRows(f, m, `rows/${table}.json`, [row]));
      const error = await refusal(db, bytes);
      expect(error.code, `${table} ${path}`).toBe('bad-bundle');
      expect(error.message, `${table} ${path}`).toContain(`bad row in ${table} (row 1: ${path}`);
      expect(await fullDump(db), `${table} ${path}`).toEqual(before);
    }
  });
});

describe('bundle vectors', () => {
  it('refuses one model with vectors of mixed sizes, or of another size than its embed job', async () => {
    const db = newDb();
    const id = await richPersona(db);
    const files = await members((await exportBundle(db, id)).bytes);
    const [p1, p2] = rowsOf(files, 'rows/pairs.json').map((r) => String(r['id']));
    const before = await fullDump(db);
    const mixed = await rezip(new Map(files), (f, m) =>
      setVectors(f, m, 'model-b/fp32', [
        { kind: 'memory', refId: 'm-user', vector: [1, 0, 0] },
        { kind: 'memory', refId: 'm-more', vector: [1, 0, 0, 0, 0] },
      ]),
    );
    expect((await refusal(db, mixed)).message).toMatch(/different sizes \(3 and 5\) for the model "model-b\/fp32"/);
    // model-a's embed job says 8 dims: 4-dim vectors, however consistent, would never match a query.
    const wrongSize = await rezip(new Map(files), (f, m) =>
      setVectors(f, m, 'model-a/q8', [
        { kind: 'pair', refId: p1 ?? '', vector: [1, 0, 0, 0] },
        { kind: 'pair', refId: p2 ?? '', vector: [0, 1, 0, 0] },
      ]),
    );
    expect((await refusal(db, wrongSize)).message).toMatch(/different sizes \(8 and 4\) for the model "model-a\/q8"/);
    const twice = await rezip(new Map(files), (f, m) =>
      setVectors(f, m, 'model-b/fp32', [
        { kind: 'memory', refId: 'm-user', vector: [1, 0, 0, 0] },
        { kind: 'memory', refId: 'm-user', vector: [0, 1, 0, 0] },
      ]),
    );
    expect((await refusal(db, twice)).message).toMatch(/two vectors for the same memory "m-user"/);
    expect(await fullDump(db)).toEqual(before);
  });

  it('drops vectors of rows the bundle does not hold, keeping the rest', async () => {
    const db = newDb();
    const id = await richPersona(db);
    const files = await members((await exportBundle(db, id)).bytes);
    const bytes = await rezip(new Map(files), (f, m) =>
      setVectors(f, m, 'model-b/fp32', [
        { kind: 'memory', refId: 'm-user', vector: [1, 0, 0, 0] },
        { kind: 'memory', refId: 'no-such-memory', vector: [0, 1, 0, 0] },
        { kind: 'pair', refId: 'm-more', vector: [0, 0, 1, 0] },
      ]),
    );
    const other = newDb();
    const imported = await importBundle(other, 'backup.zip', bytes);
    expect(imported.droppedVectors).toBe(2);
    const stored = await other.vectors.where('[personaId+modelId]').equals([imported.personaId, 'model-b/fp32']).toArray();
    expect(stored.map((v) => `${v.kind}:${v.refId}`)).toEqual(['memory:m-user']);
    expect(Array.from(stored[0]?.vector ?? [])).toEqual([1, 0, 0, 0]);
  });
});

describe('bundle members', () => {
  it('refuses members the manifest does not list, and members bigger than listed', async () => {
    const db = newDb();
    const id = await richPersona(db);
    const files = await members((await exportBundle(db, id)).bytes);
    const extra = await rezip(new Map(files), (f) => void f.set('notes/extra.txt', new TextEncoder().encode('not listed')));
    expect((await refusal(db, extra)).message).toMatch(/"broken\.zip" is not a valid PersonaYou backup: it holds 1 file\(s\) its manifest does not list \("notes\/extra\.txt"\)/);
    const bigger = await rezip(new Map(files), (_f, m) => {
      const entry = (m['files'] as Record<string, { bytes: number }>)['rows/messages.json'];
      if (entry !== undefined) entry.bytes -= 100;
    });
    expect((await refusal(db, bigger)).message).toMatch(/"rows\/messages\.json" inside it is larger than its manifest says/);
  });
});

describe('masked personas across devices', () => {
  const analyzeChat = async (db: PersonaDb) => {
    const api = createIngestApi(() => db);
    const analysis = await api.analyze([new File([readFileSync(join(FIXTURES, CHAT))], basename(CHAT))], () => {});
    if (!analysis.ok) throw new Error(analysis.error.message);
    return { api, analysis: analysis.value };
  };

  it("records the device key, never the salt, and does not merge a newer export into another device's masked persona", async () => {
    const deviceA = newDb();
    const id = await importFixture(deviceA, CHAT, true);
    const persona = await deviceA.personas.get(id);
    expect(persona?.maskKeyId).toMatch(/^[0-9a-f]{16}$/);
    const bundle = await exportBundle(deviceA, id);
    const salt = (await deviceA.meta.get('mask-salt'))?.value ?? '';
    expect(salt).not.toBe('');
    for (const [name, bytes] of await members(bundle.bytes)) expect(new TextDecoder('latin1').decode(bytes), name).not.toContain(salt);

    // Another device: the restored persona is not offered for an update; the screen gets a note why.
    const deviceB = newDb();
    const restored = await importBundle(deviceB, 'backup.zip', bundle.bytes);
    expect((await deviceB.personas.get(restored.personaId))?.maskKeyId).toBe(persona?.maskKeyId);
    const onB = await analyzeChat(deviceB);
    expect(onB.analysis.existing).toEqual([]);
    expect(onB.analysis.notes).toEqual([
      `${restored.displayName} came from another device's backup: its masked numbers use that device's key, so a newer export can't be merged into it here. Import it as a new persona.`,
    ]);
    // Even when asked directly (a stale screen), the update is refused and nothing lands.
    const beforeB = await fullDump(deviceB);
    const [person] = [...onB.analysis.participants].sort((a, b) => b.textMessages - a.textMessages);
    const forced = await onB.api.commit({ personName: person?.name ?? '', selfName: null, displayName: 'x', maskPii: true, updatePersonaId: restored.personaId }, () => {});
    expect(forced.ok ? null : forced.error.code).toBe('mask-key-mismatch');
    expect(await fullDump(deviceB)).toEqual(beforeB);

    // Back on the device it came from, the same key: both personas are offered.
    const again = await importBundle(deviceA, 'backup.zip', bundle.bytes);
    const onA = await analyzeChat(deviceA);
    expect(onA.analysis.existing.map((e) => e.personaId).sort()).toEqual([id, again.personaId].sort());
    expect(onA.analysis.notes).toEqual([]);

    // A bundle made before personas named their key: unknown key, never taken for this device's.
    const files = await members(bundle.bytes);
    const old = await rezip(files, async (f, m) => {
      const { maskKeyId: _k, ...row } = rowsOf(f, 'rows/personas.json')[0] ?? {};
      await replaceRows(f, m, 'rows/personas.json', [row]);
    });
    const unknown = await importBundle(deviceA, 'old.zip', old);
    const onA2 = await analyzeChat(deviceA);
    expect(onA2.analysis.existing.map((e) => e.personaId)).not.toContain(unknown.personaId);
    expect(onA2.analysis.notes).toHaveLength(1);
  });

  it('leaves unmasked personas updatable on any device', async () => {
    const deviceA = newDb();
    const id = await importFixture(deviceA, CHAT, false);
    expect((await deviceA.personas.get(id))?.maskKeyId).toBeUndefined();
    const deviceB = newDb();
    const restored = await importBundle(deviceB, 'backup.zip', (await exportBundle(deviceA, id)).bytes);
    const { analysis } = await analyzeChat(deviceB);
    expect(analysis.existing.map((e) => e.personaId)).toEqual([restored.personaId]);
    expect(analysis.notes).toEqual([]);
  });
});
