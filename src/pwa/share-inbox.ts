// The share-target inbox: files another app shares to the installed PWA (a WhatsApp "Export chat") wait
// in one Cache Storage cache between the service worker receiving the POST and the import screen.
// Invariants: at most one share waits (a new share replaces the previous one); taking a share removes
// it (and the inbox once empty); the cache holds nothing else, so a wipe leaves no copy of a shared file;
// a share over MAX_SHARED_FILES files or MAX_SHARED_BYTES bytes is refused whole, never stored or cut.

/** Cache Storage name of the inbox. Not a model cache: "wipe everything" always deletes it. */
export const SHARE_INBOX_CACHE = 'personayou-share-inbox';
/** The manifest's share_target action, relative to the service worker scope. */
export const SHARE_ACTION = 'share-target';
/** The multipart field that carries the shared files (share_target.params.files[].name). */
export const SHARE_FILES_FIELD = 'files';
/** More files than any chat export has: a guard against a share that would fill the disk. */
export const MAX_SHARED_FILES = 20;
/** The largest file the import reads (1 GiB, a zip with media), for the whole share. */
export const MAX_SHARED_BYTES = 1024 ** 3;
/** Multipart framing around the files: a Content-Length above the limit plus this is refused unread. */
const MULTIPART_SLACK_BYTES = 64 * 1024;

const ENTRY_PATH = '/__share-inbox/';
const ID_PATTERN = /^[0-9a-f-]{36}$/;

/** What the service worker tells the app, in the hash it redirects to (`#/import?shared=<value>`). */
export type ShareOutcome =
  | { kind: 'stored'; id: string }
  | { kind: 'empty' }
  | { kind: 'failed' }
  | { kind: 'too-many'; files: number }
  | { kind: 'too-large'; bytes: number };

/** The files of a share_target POST; shared text (no file) becomes a .txt file so it can be imported too. */
export function sharedFilesFrom(form: FormData): File[] {
  const files: File[] = [];
  for (const value of form.getAll(SHARE_FILES_FIELD)) {
    // An empty file input is submitted as a nameless, empty part: that is "no file", not a file.
    if (typeof value !== 'string' && (value.name !== '' || value.size > 0)) files.push(value);
  }
  if (files.length === 0) {
    const text = form.get('text');
    if (typeof text === 'string' && text.trim() !== '') {
      files.push(new File([text], 'Shared text.txt', { type: 'text/plain' }));
    }
  }
  return files;
}

/** Why a share is refused before anything is stored, or null when it is within the limits. */
export function shareOverLimit(
  files: readonly File[],
  limits = { files: MAX_SHARED_FILES, bytes: MAX_SHARED_BYTES },
): Extract<ShareOutcome, { kind: 'too-many' | 'too-large' }> | null {
  if (files.length > limits.files) return { kind: 'too-many', files: files.length };
  const bytes = files.reduce((sum, file) => sum + file.size, 0);
  return bytes > limits.bytes ? { kind: 'too-large', bytes } : null;
}

function entryUrl(origin: string, id: string, index: number): string {
  return new URL(`${ENTRY_PATH}${id}/${index}`, origin).href;
}

/** Puts the files in the inbox (replacing any earlier share) and returns the id the app asks for. */
export async function storeShare(storage: CacheStorage, origin: string, files: readonly File[]): Promise<string> {
  await storage.delete(SHARE_INBOX_CACHE);
  const inbox = await storage.open(SHARE_INBOX_CACHE);
  const id = crypto.randomUUID();
  for (const [index, file] of files.entries()) {
    const headers = {
      'content-type': file.type === '' ? 'application/octet-stream' : file.type,
      'x-file-name': encodeURIComponent(file.name),
      'x-last-modified': String(file.lastModified),
    };
    await inbox.put(new Request(entryUrl(origin, id, index)), new Response(file, { headers }));
  }
  return id;
}

/**
 * Takes the files of share `id` out of the inbox. Null when there is no such share (already taken,
 * replaced by a newer share, or wiped); a newer share waiting in the inbox is left alone.
 */
export async function takeShare(storage: CacheStorage, origin: string, id: string): Promise<File[] | null> {
  if (!ID_PATTERN.test(id) || !(await storage.has(SHARE_INBOX_CACHE))) return null;
  const inbox = await storage.open(SHARE_INBOX_CACHE);
  const files: File[] = [];
  for (let index = 0; index < MAX_SHARED_FILES; index++) {
    const response = await inbox.match(entryUrl(origin, id, index));
    if (response === undefined) break;
    const name = decodeURIComponent(response.headers.get('x-file-name') ?? `shared-${index + 1}`);
    const lastModified = Number(response.headers.get('x-last-modified') ?? Date.now());
    const type = response.headers.get('content-type') ?? '';
    files.push(new File([await response.blob()], name, { type, lastModified }));
  }
  if (files.length === 0) return null;
  for (const index of files.keys()) await inbox.delete(entryUrl(origin, id, index));
  if ((await inbox.keys()).length === 0) await storage.delete(SHARE_INBOX_CACHE);
  return files;
}

/** The service worker's answer to the share POST: store the files, then open the import screen (303). */
export async function receiveShare(request: Request, storage: CacheStorage, scope: string): Promise<Response> {
  let outcome: ShareOutcome;
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  try {
    if (declared > MAX_SHARED_BYTES + MULTIPART_SLACK_BYTES) {
      // Refused before the body is read into memory.
      outcome = { kind: 'too-large', bytes: declared };
    } else {
      const files = sharedFilesFrom(await request.formData());
      outcome = files.length === 0 ? { kind: 'empty' } : (shareOverLimit(files) ?? { kind: 'stored', id: await storeShare(storage, scope, files) });
    }
  } catch {
    // Not multipart, cut off, or no space left: the app says so instead of showing nothing.
    outcome = { kind: 'failed' };
  }
  return Response.redirect(new URL(`#/import?shared=${shareParam(outcome)}`, scope).href, 303);
}

function shareParam(outcome: ShareOutcome): string {
  switch (outcome.kind) {
    case 'stored':
      return outcome.id;
    case 'too-many':
      return `too-many-${outcome.files}`;
    case 'too-large':
      return `too-large-${outcome.bytes}`;
    default:
      return outcome.kind;
  }
}

/** Reads `#/import?shared=<value>` back into an outcome; null for any other hash. */
export function parseShareHash(hash: string): ShareOutcome | null {
  const match = /^#\/import\?(.*)$/.exec(hash);
  if (match === null) return null;
  const value = new URLSearchParams(match[1]).get('shared');
  if (value === null) return null;
  if (ID_PATTERN.test(value)) return { kind: 'stored', id: value };
  const over = /^too-(many|large)-(\d{1,16})$/.exec(value);
  if (over !== null) {
    const count = Number(over[2]);
    return over[1] === 'many' ? { kind: 'too-many', files: count } : { kind: 'too-large', bytes: count };
  }
  return value === 'empty' ? { kind: 'empty' } : { kind: 'failed' };
}
