// "Wipe everything" with and without "keep downloaded models": every database and cache goes, except
// the model caches of transformers.js and web-llm when the person keeps them. Runs the real wipe against
// fake-indexeddb (installed as the global before Dexie loads) and an in-memory Cache Storage.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isModelStorage, wipeEverything } from '../../src/lib/store/wipe';

class MemoryCacheStorage {
  readonly names = new Set<string>();
  keys(): Promise<string[]> {
    return Promise.resolve([...this.names]);
  }
  delete(name: string): Promise<boolean> {
    return Promise.resolve(this.names.delete(name));
  }
}

function createDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore('s');
    request.onsuccess = () => {
      request.result.close();
      resolve();
    };
    request.onerror = () => reject(request.error ?? new Error(`cannot create ${name}`));
  });
}

async function databaseNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name ?? '').sort();
}

const CACHES = ['transformers-cache', 'webllm/model', 'webllm/config', 'webllm/wasm', 'workbox-precache-v2-x', 'personayou-share-inbox'];

describe('isModelStorage', () => {
  it('names exactly the model caches of transformers.js and web-llm', () => {
    expect(CACHES.filter(isModelStorage)).toEqual(['transformers-cache', 'webllm/model', 'webllm/config', 'webllm/wasm']);
    expect(isModelStorage('personayou')).toBe(false);
    expect(isModelStorage('transformers-cache-old')).toBe(false);
  });
});

describe('wipeEverything', () => {
  let storage: MemoryCacheStorage;

  beforeEach(async () => {
    storage = new MemoryCacheStorage();
    for (const name of CACHES) storage.names.add(name);
    (globalThis as { caches?: unknown }).caches = storage;
    for (const name of await databaseNames()) {
      await new Promise((resolve) => {
        indexedDB.deleteDatabase(name).onsuccess = resolve;
      });
    }
    await createDatabase('personayou');
    await createDatabase('some-library');
    await createDatabase('webllm/model');
  });

  afterEach(() => {
    delete (globalThis as { caches?: unknown }).caches;
  });

  it('deletes every database and cache by default', async () => {
    await wipeEverything(undefined);
    expect(await databaseNames()).toEqual([]);
    expect(await storage.keys()).toEqual([]);
  });

  it('keeps only the model caches (and web-llm IndexedDB model stores) when asked', async () => {
    const deleted = await wipeEverything(undefined, { keepModels: true });
    expect(await databaseNames()).toEqual(['webllm/model']);
    expect((await storage.keys()).sort()).toEqual(['transformers-cache', 'webllm/config', 'webllm/model', 'webllm/wasm']);
    expect(deleted.sort()).toEqual(['personayou', 'some-library']);
  });
});
