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
import { exportCard, exportFinetune, exportSillyTavernChat } from '../../src/lib/store/bundle-sources';
import { appendChatMessage, createConversation } from '../../src/lib/store/conversations';
import { PersonaDb, personaIndexedTables } from '../../src/lib/store/db';
import { forgetMemory, saveSnapshot } from '../../src/lib/store/persona-data';
import { solidPng } from '../../src/lib/persona/png-card';

const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/exports/', import.meta.url));
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
  await db.memories.bulkAdd([memory('m-rule', 'rule', 'Lives in Lisbon'), memory('m-user', 'user', 'Plays the cello'), memory('m-more', 'rule', 'Has a dog')]);
  const memories = await db.memories.where('personaId').equals(id).sortBy('id');
  expect(pairs.length).toBeGreaterThan(5);
  const vec = (seed: number, dims: number): Float32Array => Float32Array.from({ length: dims }, (_, i) => Math.sin(seed * 7 + i));
  await db.vectors.bulkAdd([
    ...pairs.map((p, i) => ({ personaId: id, modelId: 'model-a/q8', kind: 'pair' as const, refId: p.id, textHash: `h${i}`, vector: vec(i, 8) })),
    ...memories.map((m, i) => ({ personaId: id, modelId: 'model-b/fp32', kind: 'memory' as const, refId: m.id, vector: vec(100 + i, 4) })),
  ]);
  const conversation = await createConversation(db, id, 'First chat', 1_700_000_000_000);
  await appendChatMessage(db, conversation.id, { role: 'user', text: 'hallo, wie geht es dir?', status: 'done' }, 1_700_000_001_000);
  await appendChatMessage(db, conversation.id, { role: 'assistant', text: 'gut, danke!', status: 'done' }, 1_700_000_002_000);
  await saveSnapshot(db, id, 'before');
  await forgetMemory(db, id, 'm-rule');
  return id;
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
  const zip = await openZip('b.zip', bytes, { maxMemberBytes: 1e9, maxRatio: 1e6, ratioFloorBytes: 1e9 });
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
