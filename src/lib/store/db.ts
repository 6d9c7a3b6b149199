// The Dexie database: schema versions and the single place that opens IndexedDB.
// Versions are append-only: never edit a shipped version's stores, add a new version with an upgrade.
// Each migration gets a test against a pinned fixture of the previous version.

import { Dexie, type EntityTable } from 'dexie';
import { DB_NAME, type MessageRow, type MetaRow, type PersonaRow, type SourceRow, type TurnRow } from './schema';

export class PersonaDb extends Dexie {
  personas!: EntityTable<PersonaRow, 'id'>;
  sources!: EntityTable<SourceRow, 'id'>;
  messages!: Dexie.Table<MessageRow, [string, string]>;
  turns!: Dexie.Table<TurnRow, [string, number]>;
  meta!: EntityTable<MetaRow, 'key'>;

  constructor(options: { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange } = {}) {
    super(DB_NAME, options.indexedDB === undefined ? {} : { indexedDB: options.indexedDB, IDBKeyRange: options.IDBKeyRange });
    this.version(1).stores({
      personas: 'id, createdAt',
      sources: 'id, personaId, fingerprint',
      messages: '[personaId+id], [personaId+sortKey], personaId',
      turns: '[personaId+seq], personaId',
      meta: 'key',
    });
  }
}

let shared: PersonaDb | undefined;

/** The app's database in this realm (page or worker); tests build their own PersonaDb. */
export function openDb(): PersonaDb {
  shared ??= new PersonaDb();
  return shared;
}
