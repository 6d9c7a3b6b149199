// Share target inbox: what a share POST turns into (files, shared text, the empty-input part browsers
// send), the round trip through Cache Storage (names, types, bytes), one share at a time, taking empties
// the inbox, and the 303 redirect the service worker answers with. Cache Storage is a small in-memory
// stand-in with the same semantics for what the inbox uses (node has none).
import { describe, expect, it } from 'vitest';
import {
  MAX_SHARED_BYTES,
  MAX_SHARED_FILES,
  SHARE_FILES_FIELD,
  SHARE_INBOX_CACHE,
  parseShareHash,
  receiveShare,
  shareOverLimit,
  sharedFilesFrom,
  storeShare,
  takeShare,
} from '../../src/pwa/share-inbox';

const ORIGIN = 'http://127.0.0.1:4173/';

class MemoryCache {
  readonly entries = new Map<string, Response>();
  async put(request: Request, response: Response): Promise<void> {
    // Like the Cache API: the body is consumed and stored.
    this.entries.set(request.url, new Response(await response.arrayBuffer(), { headers: response.headers }));
  }
  match(request: RequestInfo): Promise<Response | undefined> {
    return Promise.resolve(this.entries.get(typeof request === 'string' ? request : request.url)?.clone());
  }
  delete(request: RequestInfo): Promise<boolean> {
    return Promise.resolve(this.entries.delete(typeof request === 'string' ? request : request.url));
  }
  keys(): Promise<Request[]> {
    return Promise.resolve([...this.entries.keys()].map((url) => new Request(url)));
  }
}

class MemoryCacheStorage {
  readonly caches = new Map<string, MemoryCache>();
  has(name: string): Promise<boolean> {
    return Promise.resolve(this.caches.has(name));
  }
  open(name: string): Promise<MemoryCache> {
    let cache = this.caches.get(name);
    if (cache === undefined) {
      cache = new MemoryCache();
      this.caches.set(name, cache);
    }
    return Promise.resolve(cache);
  }
  delete(name: string): Promise<boolean> {
    return Promise.resolve(this.caches.delete(name));
  }
  asCacheStorage(): CacheStorage {
    return this as unknown as CacheStorage;
  }
}

function form(entries: [string, string | File][]): FormData {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
}

describe('sharedFilesFrom', () => {
  it('takes every file of the files field, in order', () => {
    const a = new File(['a'], 'WhatsApp Chat with A.txt', { type: 'text/plain' });
    const b = new File(['b'], 'WhatsApp Chat with B.zip', { type: 'application/zip' });
    const files = sharedFilesFrom(form([[SHARE_FILES_FIELD, a], ['title', 'Chat'], [SHARE_FILES_FIELD, b]]));
    expect(files.map((f) => f.name)).toEqual(['WhatsApp Chat with A.txt', 'WhatsApp Chat with B.zip']);
  });

  it('ignores the nameless empty part an empty file input sends', () => {
    expect(sharedFilesFrom(form([[SHARE_FILES_FIELD, new File([], '')]]))).toEqual([]);
    // An empty but named file is a real (bad) file: the import flow explains it.
    expect(sharedFilesFrom(form([[SHARE_FILES_FIELD, new File([], 'empty.txt')]]))).toHaveLength(1);
  });

  it('turns shared text into a .txt file only when no file came with it', async () => {
    const [file] = sharedFilesFrom(form([['text', '12/01/2024, 10:00 - Alice: hi']]));
    expect(file?.name).toBe('Shared text.txt');
    expect(await file?.text()).toBe('12/01/2024, 10:00 - Alice: hi');
    expect(sharedFilesFrom(form([['text', '   ']]))).toEqual([]);
    const withFile = sharedFilesFrom(form([['text', 'note'], [SHARE_FILES_FIELD, new File(['x'], 'chat.txt')]]));
    expect(withFile.map((f) => f.name)).toEqual(['chat.txt']);
  });

  it(`counts more than ${MAX_SHARED_FILES} files or more than the byte limit as over the limit, whole`, () => {
    const many = Array.from({ length: MAX_SHARED_FILES + 5 }, (_, i) => new File(['x'], `${i}.txt`));
    expect(shareOverLimit(many)).toEqual({ kind: 'too-many', files: MAX_SHARED_FILES + 5 });
    expect(shareOverLimit(many.slice(0, MAX_SHARED_FILES))).toBeNull();
    const two = [new File(['12345'], 'a.txt'), new File(['678'], 'b.zip')];
    expect(shareOverLimit(two, { files: 20, bytes: 7 })).toEqual({ kind: 'too-large', bytes: 8 });
    expect(shareOverLimit(two, { files: 20, bytes: 8 })).toBeNull();
    expect(MAX_SHARED_BYTES).toBe(1024 ** 3);
  });
});

describe('inbox round trip', () => {
  it('gives back the same names, types, dates and bytes, then is empty', async () => {
    const storage = new MemoryCacheStorage();
    const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 255, 10, 13]);
    const files = [
      new File(['01/12/24, 10:05 - Alice: Hey Bob! 👋'], 'WhatsApp Chat with Alice & Bob %.txt', { type: 'text/plain', lastModified: 1_700_000_000_000 }),
      new File([bytes], 'Chat.zip', { type: '' }),
    ];
    const id = await storeShare(storage.asCacheStorage(), ORIGIN, files);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const taken = await takeShare(storage.asCacheStorage(), ORIGIN, id);
    expect(taken?.map((f) => [f.name, f.type, f.lastModified])).toEqual([
      ['WhatsApp Chat with Alice & Bob %.txt', 'text/plain', 1_700_000_000_000],
      ['Chat.zip', 'application/octet-stream', files[1]?.lastModified],
    ]);
    expect(await taken?.[0]?.text()).toBe('01/12/24, 10:05 - Alice: Hey Bob! 👋');
    expect(new Uint8Array((await taken?.[1]?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(bytes);

    expect(await storage.has(SHARE_INBOX_CACHE)).toBe(false);
    expect(await takeShare(storage.asCacheStorage(), ORIGIN, id)).toBeNull();
  });

  it('keeps one share at a time, and asking for a replaced share leaves the newer one alone', async () => {
    const storage = new MemoryCacheStorage();
    const first = await storeShare(storage.asCacheStorage(), ORIGIN, [new File(['1'], 'first.txt')]);
    const second = await storeShare(storage.asCacheStorage(), ORIGIN, [new File(['2'], 'second.txt')]);
    expect(await takeShare(storage.asCacheStorage(), ORIGIN, first)).toBeNull();
    const taken = await takeShare(storage.asCacheStorage(), ORIGIN, second);
    expect(taken?.map((f) => f.name)).toEqual(['second.txt']);
    expect(await storage.has(SHARE_INBOX_CACHE)).toBe(false);
  });

  it('does not create the inbox when asked for a share that is not there, and refuses odd ids', async () => {
    const storage = new MemoryCacheStorage();
    expect(await takeShare(storage.asCacheStorage(), ORIGIN, '00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(storage.caches.size).toBe(0);
    await storeShare(storage.asCacheStorage(), ORIGIN, [new File(['1'], 'a.txt')]);
    expect(await takeShare(storage.asCacheStorage(), ORIGIN, '../../etc')).toBeNull();
    expect(await storage.has(SHARE_INBOX_CACHE)).toBe(true);
  });
});

describe('receiveShare (the service worker side)', () => {
  it('stores the files and redirects (303) to the import screen with the share id', async () => {
    const storage = new MemoryCacheStorage();
    const body = form([[SHARE_FILES_FIELD, new File(['hello'], 'chat.txt', { type: 'text/plain' })]]);
    const response = await receiveShare(new Request(`${ORIGIN}share-target`, { method: 'POST', body }), storage.asCacheStorage(), ORIGIN);
    expect(response.status).toBe(303);
    const location = response.headers.get('location') ?? '';
    expect(location.startsWith(`${ORIGIN}#/import?shared=`)).toBe(true);
    const outcome = parseShareHash(new URL(location).hash);
    if (outcome?.kind !== 'stored') throw new Error(`expected a stored share, got ${JSON.stringify(outcome)}`);
    const files = await takeShare(storage.asCacheStorage(), ORIGIN, outcome.id);
    expect(await files?.[0]?.text()).toBe('hello');
  });

  it('says "empty" when nothing importable came, and "failed" when the body is not a form', async () => {
    const storage = new MemoryCacheStorage();
    const empty = await receiveShare(
      new Request(`${ORIGIN}share-target`, { method: 'POST', body: form([['title', 'x']]) }),
      storage.asCacheStorage(),
      ORIGIN,
    );
    expect(parseShareHash(new URL(empty.headers.get('location') ?? '').hash)).toEqual({ kind: 'empty' });
    const broken = await receiveShare(
      new Request(`${ORIGIN}share-target`, { method: 'POST', body: 'not a form', headers: { 'content-type': 'multipart/form-data; boundary=x' } }),
      storage.asCacheStorage(),
      ORIGIN,
    );
    expect(parseShareHash(new URL(broken.headers.get('location') ?? '').hash)).toEqual({ kind: 'failed' });
    expect(storage.caches.size).toBe(0);
  });

  it('refuses a share over the limits whole, storing nothing, and says by how much', async () => {
    const storage = new MemoryCacheStorage();
    const many = form(Array.from({ length: MAX_SHARED_FILES + 1 }, (_, i): [string, File] => [SHARE_FILES_FIELD, new File(['x'], `${i}.txt`)]));
    const response = await receiveShare(new Request(`${ORIGIN}share-target`, { method: 'POST', body: many }), storage.asCacheStorage(), ORIGIN);
    expect(parseShareHash(new URL(response.headers.get('location') ?? '').hash)).toEqual({ kind: 'too-many', files: MAX_SHARED_FILES + 1 });
    // A declared body far above the byte limit is refused before it is read.
    const huge = new Request(`${ORIGIN}share-target`, {
      method: 'POST',
      body: 'never read',
      headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(2 * MAX_SHARED_BYTES) },
    });
    const refused = await receiveShare(huge, storage.asCacheStorage(), ORIGIN);
    expect(parseShareHash(new URL(refused.headers.get('location') ?? '').hash)).toEqual({ kind: 'too-large', bytes: 2 * MAX_SHARED_BYTES });
    expect(storage.caches.size).toBe(0);
  });
});

describe('parseShareHash', () => {
  it('reads only #/import?shared=…', () => {
    expect(parseShareHash('#/import?shared=0f8fad5b-d9cb-469f-a165-70867728950e')).toEqual({
      kind: 'stored',
      id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    });
    expect(parseShareHash('#/import?shared=empty')).toEqual({ kind: 'empty' });
    expect(parseShareHash('#/import?shared=too-many-25')).toEqual({ kind: 'too-many', files: 25 });
    expect(parseShareHash('#/import?shared=too-large-2147483648')).toEqual({ kind: 'too-large', bytes: 2147483648 });
    expect(parseShareHash('#/import?shared=<script>')).toEqual({ kind: 'failed' });
    expect(parseShareHash('#/import')).toBeNull();
    expect(parseShareHash('#/persona/x?shared=empty')).toBeNull();
    expect(parseShareHash('')).toBeNull();
  });
});
