// Persona bundles: one .zip with every row of a persona (the persona row, its profile and jobs, the rows
// of every table of personaIndexedTables, its forgotten-memory list) and its vectors as one Float32 blob
// per model id. Import reads and validates EVERYTHING (manifest, format version, sha-256 of each file,
// each row) before writing, then writes in one transaction under a new persona id: all or nothing, and
// importing the same bundle twice gives two personas that never clash.

import { AppError } from '../rpc/app-error';
import { openZip, writeZip, type ZipMemberIn } from '../ingest/zip';
import { ImportError } from '../ingest/errors';
import { personaIndexedTables, type PersonaDb } from './db';
import { ROW_SCHEMAS, genericRow, manifestSchema, vectorIndexEntry, type BundleManifest } from './bundle-rows';
import { forgottenMemoriesKey } from './persona-data';
import { maskSalt } from './personas';
import { UNKNOWN_MASK_KEY_ID, maskKeyIdOf } from './import-commit';
import type { PersonaRow, TurnRow, VectorKind, VectorRow } from './schema';
import { turnRefId } from '../embed/texts';
import { explainStorageError } from './storage-error';
import { reserveSpace } from './space-check';
import { deleteAdapterFile, openAdapterFile, saveAdapterFile } from '../llm/adapter-files';

/** Where a persona's voice adapter file sits in a bundle. */
const VOICE_ADAPTER_MEMBER = 'voice-adapter/adapter.gguf';

export const BUNDLE_FORMAT = 'personayou-bundle';
/** Version of the bundle layout; a reader refuses bundles of a newer layout. */
export const BUNDLE_SCHEMA_VERSION = 1;
export const MANIFEST = 'manifest.json';

/**
 * Members may be large (all messages of years of chats), but not absurd. A bundle has a manifest, one
 * rows file per table and two files per embedding model: a few dozen members at most.
 */
const LIMITS = {
  maxMemberBytes: 1536 * 1024 * 1024,
  maxRatio: 200,
  ratioFloorBytes: 64 * 1024 * 1024,
  maxMembers: 256,
  maxTotalBytes: 3 * 1024 * 1024 * 1024,
};
const SPACE_SLACK_BYTES = 8 * 1024 * 1024;
/** The manifest lists files and their checksums: a few KB; 16 MB is a generous ceiling. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export type BundleProgress =
  | { phase: 'read'; done: number; total: number }
  | { phase: 'zip'; done: number; total: number }
  | { phase: 'check'; done: number; total: number }
  | { phase: 'write'; done: number; total: number };

export interface BundleOptions {
  onProgress?: (progress: BundleProgress) => void;
  /** Stamped into the manifest (the app's version). */
  appVersion?: string;
  now?: () => Date;
}

export interface ExportedBundle {
  bytes: Uint8Array;
  fileName: string;
  manifest: BundleManifest;
}

export interface ImportedBundle {
  personaId: string;
  displayName: string;
  rows: number;
  vectors: number;
  /** Vectors left out because the bundle holds no row they embed. */
  droppedVectors: number;
}

// -- encoding ----------------------------------------------------------------------------------------

/** JSON that keeps NaN and ±Infinity (profiles of tiny samples hold them); plain JSON would turn them into null. */
const NON_FINITE = '$nonFinite';
export function encodeRows(rows: unknown): Uint8Array {
  const json = JSON.stringify(rows, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value) ? { [NON_FINITE]: String(value) } : value,
  );
  return new TextEncoder().encode(json);
}

function decodeRows(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes), (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const keys = Object.keys(value);
      const tag = (value as Record<string, unknown>)[NON_FINITE];
      if (keys.length === 1 && typeof tag === 'string') return Number(tag);
    }
    return value;
  });
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A file name from the persona's name: letters, digits and dashes only. */
export function safeFileStem(name: string): string {
  const stem = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return stem === '' ? 'persona' : stem;
}

// -- export ------------------------------------------------------------------------------------------

/** Every row that belongs to the persona, read in one transaction (a consistent copy). */
async function readPersona(db: PersonaDb, personaId: string) {
  const indexed = personaIndexedTables(db);
  return db.transaction('r', [db.personas, db.profiles, db.embedJobs, db.memoryJobs, db.meta, ...indexed], async () => {
    const persona = await db.personas.get(personaId);
    if (persona === undefined) throw new AppError('not-found', 'This persona no longer exists, so there is nothing to back up.');
    const tables = new Map<string, unknown[]>();
    tables.set('personas', [persona]);
    const byId = async (name: string, row: Promise<unknown>) => {
      const value = await row;
      tables.set(name, value === undefined ? [] : [value]);
    };
    await byId('profiles', db.profiles.get(personaId));
    await byId('embedJobs', db.embedJobs.get(personaId));
    await byId('memoryJobs', db.memoryJobs.get(personaId));
    await byId('meta', db.meta.get(forgottenMemoriesKey(personaId)));
    let vectors: VectorRow[] = [];
    for (const table of indexed) {
      const rows = (await table.where('personaId').equals(personaId).toArray()) as unknown[];
      if (table.name === 'vectors') vectors = rows as VectorRow[];
      else tables.set(table.name, rows);
    }
    return { persona, tables, vectors };
  });
}

export async function exportBundle(db: PersonaDb, personaId: string, options: BundleOptions = {}): Promise<ExportedBundle> {
  const report = options.onProgress ?? (() => undefined);
  report({ phase: 'read', done: 0, total: 1 });
  const { persona, tables, vectors } = await readPersona(db, personaId);
  if (persona.maskPii && persona.maskKeyId === undefined) {
    // No key id means "masked with this device's key": say which one, so the device that imports the
    // bundle can tell its own key from this one (the salt itself never leaves the device).
    tables.set('personas', [{ ...persona, maskKeyId: await maskKeyIdOf(await maskSalt(db)) }]);
  }
  // The voice adapter's file travels with the persona; a row whose file is gone is left without one.
  let adapterBytes: Uint8Array | null = null;
  if (persona.voiceAdapter !== undefined) {
    const adapterFile = await openAdapterFile(persona.voiceAdapter.file);
    if (adapterFile === null) {
      const rest = { ...(tables.get('personas')?.[0] as PersonaRow) };
      delete rest.voiceAdapter;
      tables.set('personas', [rest]);
    } else {
      adapterBytes = new Uint8Array(await adapterFile.arrayBuffer());
    }
  }
  report({ phase: 'read', done: 1, total: 1 });

  const members: ZipMemberIn[] = [];
  const tableList: BundleManifest['tables'] = [];
  for (const [table, rows] of tables) {
    const file = `rows/${table}.json`;
    members.push({ name: file, bytes: encodeRows(rows) });
    tableList.push({ table, file, rows: rows.length });
  }
  // Vectors: per model one blob of little-endian float32 (the byte order of every platform the app runs on).
  const byModel = new Map<string, VectorRow[]>();
  for (const v of vectors) byModel.set(v.modelId, [...(byModel.get(v.modelId) ?? []), v]);
  const vectorList: BundleManifest['vectors'] = [];
  let n = 0;
  for (const [modelId, rows] of byModel) {
    const floats = new Float32Array(rows.reduce((sum, r) => sum + r.vector.length, 0));
    let at = 0;
    for (const r of rows) {
      floats.set(r.vector, at);
      at += r.vector.length;
    }
    const index = rows.map((r) => ({ kind: r.kind, refId: r.refId, dims: r.vector.length, ...(r.textHash === undefined ? {} : { textHash: r.textHash }) }));
    const data = `vectors/${n}.f32`;
    const indexFile = `vectors/${n}.json`;
    n++;
    members.push({ name: data, bytes: new Uint8Array(floats.buffer), store: true }, { name: indexFile, bytes: encodeRows(index) });
    vectorList.push({ modelId, data, index: indexFile, count: rows.length });
  }

  if (adapterBytes !== null) members.push({ name: VOICE_ADAPTER_MEMBER, bytes: adapterBytes, store: true });

  const files: BundleManifest['files'] = {};
  for (const [i, m] of members.entries()) {
    const rows = tableList.find((t) => t.file === m.name)?.rows;
    files[m.name] = { sha256: await sha256Hex(m.bytes), bytes: m.bytes.byteLength, ...(rows === undefined ? {} : { rows }) };
    report({ phase: 'zip', done: i, total: members.length * 2 });
  }
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    schemaVersion: BUNDLE_SCHEMA_VERSION,
    dbVersion: db.verno,
    appVersion: options.appVersion ?? 'unknown',
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    persona: { id: persona.id, displayName: persona.displayName, personName: persona.personName, counts: persona.counts, origin: persona.origin ?? 'export' },
    files,
    tables: tableList,
    vectors: vectorList,
    ...(adapterBytes === null ? {} : { voiceAdapter: { file: VOICE_ADAPTER_MEMBER } }),
  };
  // The manifest goes first: the import screen recognises a bundle from the first member's name alone.
  const bytes = await writeZip([{ name: MANIFEST, bytes: new TextEncoder().encode(JSON.stringify(manifest, null, 2)) }, ...members], (f) =>
    report({ phase: 'zip', done: members.length + Math.round(f * members.length), total: members.length * 2 }),
  );
  report({ phase: 'zip', done: 1, total: 1 });
  return { bytes, fileName: `${safeFileStem(persona.displayName)}.personayou.zip`, manifest };
}

// -- import ------------------------------------------------------------------------------------------

function bad(file: string, message: string): AppError {
  return new AppError('bad-bundle', message, { file });
}

/** Checks the manifest: a clear refusal for a bundle of a newer app, then the full shape. */
export function parseManifest(file: string, bytes: Uint8Array, dbVersion: number): BundleManifest {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw bad(file, `"${file}" is damaged: its manifest.json is not valid JSON.`);
  }
  const head = json as { format?: unknown; schemaVersion?: unknown; dbVersion?: unknown };
  if (typeof json !== 'object' || json === null || head.format !== BUNDLE_FORMAT) {
    throw bad(file, `"${file}" is not a PersonaYou backup (its manifest.json does not say "${BUNDLE_FORMAT}").`);
  }
  if (typeof head.schemaVersion === 'number' && head.schemaVersion > BUNDLE_SCHEMA_VERSION) {
    throw new AppError(
      'bundle-too-new',
      `"${file}" was made by a newer version of PersonaYou (backup format ${head.schemaVersion}; this app reads format ${BUNDLE_SCHEMA_VERSION} and older). Update the app, then import it again. Nothing was changed.`,
      { file, details: { bundleVersion: head.schemaVersion, supportedVersion: BUNDLE_SCHEMA_VERSION } },
    );
  }
  if (typeof head.dbVersion === 'number' && head.dbVersion > dbVersion) {
    throw new AppError(
      'bundle-too-new',
      `"${file}" was made by a newer version of PersonaYou (database version ${head.dbVersion}; this app has version ${dbVersion}). Update the app, then import it again. Nothing was changed.`,
      { file, details: { bundleVersion: head.dbVersion, supportedVersion: dbVersion } },
    );
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw bad(file, `"${file}" has a damaged manifest.json (${issue === undefined ? 'bad shape' : `${issue.path.join('.')}: ${issue.message}`}).`);
  }
  return parsed.data;
}

interface CheckedBundle {
  manifest: BundleManifest;
  tables: Map<string, Record<string, unknown>[]>;
  vectors: { modelId: string; rows: { kind: VectorKind; refId: string; textHash?: string; vector: Float32Array }[] }[];
  bytes: number;
  /** Vectors of rows the bundle does not hold, left out. */
  droppedVectors: number;
  /** The voice adapter file's bytes (checksummed), when the bundle has one. */
  voiceAdapter: Uint8Array | null;
}

/** Reads and validates everything; throws an AppError naming the file and what is wrong. Writes nothing. */
export async function checkBundle(db: PersonaDb, file: string, zipBytes: Uint8Array, report: (p: BundleProgress) => void = () => undefined): Promise<CheckedBundle> {
  let zip;
  try {
    zip = await openZip(file, zipBytes, LIMITS);
  } catch (error) {
    if (error instanceof ImportError && error.code === 'bad-zip') throw bad(file, `"${file}" is damaged: it cannot be opened as a .zip file.`);
    throw error;
  }
  if (!zip.names.includes(MANIFEST)) throw bad(file, `"${file}" is not a PersonaYou backup: it has no manifest.json.`);
  const manifest = parseManifest(file, await zip.read(MANIFEST, MAX_MANIFEST_BYTES), db.verno);
  const oldId = manifest.persona.id;

  const names = Object.keys(manifest.files);
  // Every member must be listed (and so checksummed): nothing unlisted is ever inflated or trusted.
  const unlisted = zip.names.filter((n) => n !== MANIFEST && manifest.files[n] === undefined);
  if (unlisted.length > 0) {
    throw bad(file, `"${file}" is not a valid PersonaYou backup: it holds ${unlisted.length} file(s) its manifest does not list ("${unlisted[0]}"${unlisted.length > 1 ? ', …' : ''}).`);
  }
  const listedBytes = names.reduce((sum, n) => sum + (manifest.files[n]?.bytes ?? 0), 0);
  if (listedBytes > LIMITS.maxTotalBytes) {
    throw bad(file, `"${file}" says it holds ${listedBytes} bytes, more than a PersonaYou backup may hold (${LIMITS.maxTotalBytes}).`);
  }
  const contents = new Map<string, Uint8Array>();
  for (const [i, name] of names.entries()) {
    if (!zip.names.includes(name)) throw bad(file, `"${file}" is incomplete: "${name}" is listed in its manifest but missing.`);
    const expected = manifest.files[name];
    const cap = (expected?.bytes ?? 0) + 1;
    let bytes: Uint8Array;
    try {
      // Inflating stops one byte past the listed size: a member cannot be bigger than its checksum says.
      bytes = await zip.read(name, cap);
    } catch (error) {
      if (error instanceof ImportError && error.code === 'zip-too-large' && error.details?.['limit'] === cap) {
        throw bad(file, `"${file}" is damaged: "${name}" inside it is larger than its manifest says (${expected?.bytes ?? 0} bytes).`);
      }
      throw error;
    }
    if (expected === undefined || (await sha256Hex(bytes)) !== expected.sha256 || bytes.byteLength !== expected.bytes) {
      throw bad(file, `"${file}" is damaged: "${name}" inside it does not match its checksum.`);
    }
    contents.set(name, bytes);
    report({ phase: 'check', done: i + 1, total: names.length + 1 });
  }
  const get = (name: string): Uint8Array => {
    const bytes = contents.get(name);
    if (bytes === undefined) throw bad(file, `"${file}" refers to "${name}", which its manifest does not list.`);
    return bytes;
  };

  const known = new Set(['personas', 'profiles', 'embedJobs', 'memoryJobs', 'meta', ...personaIndexedTables(db).map((t) => t.name)]);
  const tables = new Map<string, Record<string, unknown>[]>();
  for (const entry of manifest.tables) {
    if (!known.has(entry.table) || entry.table === 'vectors') {
      throw bad(file, `"${file}" holds a table "${entry.table}" this version of PersonaYou does not know; it may come from a newer version.`);
    }
    let rows: unknown;
    try {
      rows = decodeRows(get(entry.file));
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw bad(file, `"${file}" is damaged: "${entry.file}" is not valid JSON.`);
    }
    if (!Array.isArray(rows) || rows.length !== entry.rows) throw bad(file, `"${file}" is damaged: "${entry.file}" does not hold the ${entry.rows} rows its manifest lists.`);
    const schema = ROW_SCHEMAS[entry.table] ?? genericRow;
    for (const [i, row] of rows.entries()) {
      const parsed = schema.safeParse(row);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw bad(file, `"${file}" has a bad row in ${entry.table} (row ${i + 1}: ${issue === undefined ? 'bad shape' : `${issue.path.join('.') || 'row'} ${issue.message}`}).`);
      }
      const r = row as Record<string, unknown>;
      const owner = entry.table === 'personas' ? r['id'] : entry.table === 'meta' ? r['key'] : r['personaId'];
      const expectedOwner = entry.table === 'meta' ? forgottenMemoriesKey(oldId) : oldId;
      if (owner !== expectedOwner) throw bad(file, `"${file}" has a row in ${entry.table} that belongs to another persona (row ${i + 1}).`);
    }
    tables.set(entry.table, rows as Record<string, unknown>[]);
  }
  if ((tables.get('personas') ?? []).length !== 1) throw bad(file, `"${file}" is damaged: it must hold exactly one persona.`);

  // Vectors: one size per model (retrieval compares every vector of a model with one query vector), the
  // embed job's size when it names one; vectors of rows the bundle does not hold are dropped, as
  // retrieval would never reach them (an embed pass interrupted after a row's delete leaves such strays).
  const job = tables.get('embedJobs')?.[0] as { modelId: string; model: { dims: number | null } } | undefined;
  const dimsOf = new Map<string, number>();
  if (job !== undefined && job.model.dims !== null) dimsOf.set(job.modelId, job.model.dims);
  const ids = (table: string, key: (row: Record<string, unknown>) => string): Set<string> => new Set((tables.get(table) ?? []).map(key));
  const refs: Record<VectorKind, Set<string>> = {
    pair: ids('pairs', (r) => String(r['id'])),
    memory: ids('memories', (r) => String(r['id'])),
    turn: ids('turns', (r) => turnRefId(r as unknown as TurnRow)),
    knowledge: ids('knowledgeChunks', (r) => String(r['id'])),
  };
  const vectors: CheckedBundle['vectors'] = [];
  let dropped = 0;
  const keys = new Set<string>();
  for (const v of manifest.vectors) {
    let index: unknown;
    try {
      index = decodeRows(get(v.index));
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw bad(file, `"${file}" is damaged: "${v.index}" is not valid JSON.`);
    }
    const parsed = vectorIndexEntry.array().safeParse(index);
    if (!parsed.success || parsed.data.length !== v.count) throw bad(file, `"${file}" has a bad vector index "${v.index}".`);
    for (const e of parsed.data) {
      const dims = dimsOf.get(v.modelId) ?? e.dims;
      if (e.dims !== dims) {
        throw bad(file, `"${file}" has vectors of different sizes (${dims} and ${e.dims}) for the model "${v.modelId}" in "${v.index}"; a model makes vectors of one size.`);
      }
      dimsOf.set(v.modelId, dims);
      const key = `${v.modelId}\u0000${e.kind}\u0000${e.refId}`;
      if (keys.has(key)) throw bad(file, `"${file}" has two vectors for the same ${e.kind} "${e.refId}" in "${v.index}".`);
      keys.add(key);
    }
    const data = get(v.data);
    const floats = parsed.data.reduce((sum, e) => sum + e.dims, 0);
    if (data.byteLength !== floats * 4) throw bad(file, `"${file}" is damaged: "${v.data}" holds ${data.byteLength} bytes, not the ${floats * 4} its index needs.`);
    // Copy into an aligned buffer: a zip member's bytes may start at any offset.
    const all = new Float32Array(data.slice().buffer);
    let at = 0;
    const rows: CheckedBundle['vectors'][number]['rows'] = [];
    for (const e of parsed.data) {
      const start = at;
      at += e.dims;
      if (!refs[e.kind].has(e.refId)) {
        dropped++;
        continue;
      }
      rows.push({ kind: e.kind, refId: e.refId, vector: all.slice(start, at), ...(e.textHash === undefined ? {} : { textHash: e.textHash }) });
    }
    vectors.push({ modelId: v.modelId, rows });
  }
  const bytes = [...contents.values()].reduce((sum, b) => sum + b.byteLength, 0);
  report({ phase: 'check', done: names.length + 1, total: names.length + 1 });
  // A voice adapter file must start like a GGUF; the persona row says what it is (label, scale).
  let voiceAdapter: Uint8Array | null = null;
  if (manifest.voiceAdapter !== undefined) {
    voiceAdapter = get(manifest.voiceAdapter.file);
    const magic = new TextDecoder().decode(voiceAdapter.subarray(0, 4));
    if (magic !== 'GGUF') throw bad(file, `"${file}" is damaged: its voice adapter "${manifest.voiceAdapter.file}" is not a GGUF file.`);
  }
  return { manifest, tables, vectors, bytes, droppedVectors: dropped, voiceAdapter };
}

/** Foreign keys to tables whose rows get new ids on import: table -> field -> referenced table. */
const REFERENCES: Record<string, Record<string, string>> = {
  messages: { sourceId: 'sources' },
  chatMessages: { conversationId: 'conversations' },
};

/** Replaces every `personaId` equal to `from` (at any depth: snapshots hold copies of rows). */
function withPersonaId(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) return value.map((v) => withPersonaId(v, from, to));
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = k === 'personaId' && v === from ? to : withPersonaId(v, from, to);
  return out;
}

export async function importBundle(db: PersonaDb, file: string, zipBytes: Uint8Array, options: BundleOptions = {}): Promise<ImportedBundle> {
  const report = options.onProgress ?? (() => undefined);
  const checked = await checkBundle(db, file, zipBytes, report);
  const oldId = checked.manifest.persona.id;
  const newId = crypto.randomUUID();

  // Tables whose rows are keyed by a global `id` (not [personaId+...]) get fresh ids, so importing the
  // same bundle twice, or on the device it came from, never clashes.
  const indexed = personaIndexedTables(db);
  const newIds = new Map<string, Map<string, string>>();
  for (const table of indexed) {
    if (table.schema.primKey.keyPath !== 'id') continue;
    const map = new Map<string, string>();
    for (const row of checked.tables.get(table.name) ?? []) map.set(String(row['id']), crypto.randomUUID());
    newIds.set(table.name, map);
  }
  const rewrite = (table: string, row: Record<string, unknown>): Record<string, unknown> => {
    const out = withPersonaId(row, oldId, newId) as Record<string, unknown>;
    const own = newIds.get(table);
    if (own !== undefined) out['id'] = own.get(String(row['id']));
    for (const [field, target] of Object.entries(REFERENCES[table] ?? {})) {
      const mapped = newIds.get(target)?.get(String(row[field]));
      if (mapped !== undefined) out[field] = mapped;
    }
    if (table === 'personas') {
      out['id'] = newId;
      // The adapter's file is written under the new persona's name below; without one there is no adapter.
      delete out['voiceAdapter'];
      // A masked persona from a bundle made before personas named their key: its key is unknown, and
      // so never taken for this device's (which would let a newer export merge with other tokens).
      if (out['maskPii'] === true && out['maskKeyId'] === undefined) out['maskKeyId'] = UNKNOWN_MASK_KEY_ID;
    }
    if (table === 'snapshots') out['persona'] = { ...(out['persona'] as PersonaRow), id: newId };
    if (table === 'meta') out['key'] = forgottenMemoriesKey(newId);
    return out;
  };

  const writes: { table: string; rows: unknown[] }[] = [];
  for (const [table, rows] of checked.tables) writes.push({ table, rows: rows.map((r) => rewrite(table, r)) });
  for (const v of checked.vectors) {
    writes.push({ table: 'vectors', rows: v.rows.map((r) => ({ ...r, personaId: newId, modelId: v.modelId })) });
  }
  const total = writes.reduce((sum, w) => sum + w.rows.length, 0);
  const neededBytes = checked.bytes;
  try {
    await reserveSpace(Math.ceil(1.5 * neededBytes) + SPACE_SLACK_BYTES);
  } catch (error) {
    throw await explainStorageError(error, neededBytes);
  }
  const persona = writes.find((w) => w.table === 'personas')?.rows[0] as PersonaRow;
  // The voice adapter's file is kept first and pointed at by the new row; a failed write removes it again.
  const adapterRow = (checked.tables.get('personas')?.[0] as PersonaRow | undefined)?.voiceAdapter;
  let adapterFile: string | null = null;
  if (checked.voiceAdapter !== null && adapterRow !== undefined) {
    try {
      adapterFile = await saveAdapterFile(newId, new Blob([checked.voiceAdapter as Uint8Array<ArrayBuffer>]));
    } catch (error) {
      throw await explainStorageError(error, neededBytes);
    }
    persona.voiceAdapter = { ...adapterRow, file: adapterFile };
  }
  const BATCH = 2000;
  let transaction: { idbtrans: IDBTransaction | null } | null = null;
  try {
    await db.transaction('rw', [db.personas, db.profiles, db.embedJobs, db.memoryJobs, db.meta, ...indexed], async (tx) => {
      transaction = tx;
      let done = 0;
      for (const w of writes) {
        const table = db.table(w.table);
        for (let i = 0; i < w.rows.length; i += BATCH) {
          const batch = w.rows.slice(i, i + BATCH);
          await table.bulkAdd(batch);
          done += batch.length;
          report({ phase: 'write', done, total });
        }
      }
    });
  } catch (error) {
    if (adapterFile !== null) await deleteAdapterFile(adapterFile);
    const cause = (transaction as { idbtrans: IDBTransaction | null } | null)?.idbtrans?.error ?? null;
    throw await explainStorageError(cause ?? error, neededBytes);
  }
  return { personaId: newId, displayName: persona.displayName, rows: total, vectors: checked.vectors.reduce((s, v) => s + v.rows.length, 0), droppedVectors: checked.droppedVectors };
}

/** True when the first member of a zip (read from its first bytes) is a bundle manifest. */
export function looksLikeBundle(firstMember: string | null): boolean {
  return firstMember === MANIFEST;
}
