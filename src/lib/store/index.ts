// The store's public surface: the only way the rest of the app reaches IndexedDB.
export { PersonaDb, openDb } from './db';
export * from './schema';
export * from './personas';
export { commitImport, type CommitBuilder, type CommitOutcome, type CommitProgress, type PersonaTarget, type SourceWrite } from './import-commit';
export { hasStoredModels, isModelStorage, wipeEverything, type WipeOptions } from './wipe';
export { clearPendingImport, markImportStarted, takeInterruptedImport, type PendingImport } from './pending-import';
export * from './persona-data';
export * from './conversations';
export * from './standalone';
export * from './memory-proposals';
export * from './knowledge';
