// Zip exports: finding the chat member (shared fixtures read in place, zips built here with jszip),
// localized member names, media never inflated, and every refusal: bad zip, no chat, zip bombs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../src/lib/ingest/errors';
import { MAX_CHAT_TEXT_BYTES, parseExport } from '../../src/lib/ingest/index';
import { chatNameFromFileName, extractChat, type ZipLimits } from '../../src/lib/ingest/zip';

const SHARED = fileURLToPath(new URL('../fixtures/exports/whatsapp/', import.meta.url));
const LIMITS: ZipLimits = { maxMemberBytes: MAX_CHAT_TEXT_BYTES, maxRatio: 200, ratioFloorBytes: 1024 * 1024 };

const CHAT = [
  '12/09/2020, 18:01 - Alice: Hi there',
  '12/09/2020, 18:02 - Bob: Hello Alice',
  '12/09/2020, 18:03 - Alice: How are you?',
  '',
].join('\n');

async function buildZip(files: Record<string, string | Uint8Array>, level = 6): Promise<Uint8Array> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(files)) zip.file(name, content);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level } });
}

/** Offset of the central directory record of `name` (signature PK\x01\x02). */
function centralRecord(zip: Uint8Array, name: string): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const encoded = new TextEncoder().encode(name);
  for (let i = zip.length - 46; i >= 0; i--) {
    if (view.getUint32(i, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(i + 28, true);
    const candidate = zip.subarray(i + 46, i + 46 + nameLength);
    if (nameLength === encoded.length && candidate.every((b, j) => b === encoded[j])) return i;
  }
  throw new Error(`no central directory record for ${name}`);
}

function setDeclaredSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const copy = zip.slice();
  new DataView(copy.buffer).setUint32(centralRecord(copy, name) + 24, size, true);
  return copy;
}

async function importError(promise: Promise<unknown>): Promise<ImportError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImportError) return error;
    throw error;
  }
  throw new Error('expected an ImportError');
}

describe('chat names from export file names', () => {
  it.each([
    ['WhatsApp Chat with Alice.txt', 'Alice'],
    ['WhatsApp Chat with Alice (1).txt', 'Alice'],
    ['WhatsApp Chat - Alice Smith.zip', 'Alice Smith'],
    ['WhatsApp Chat mit Jörg.txt', 'Jörg'],
    ['WhatsApp-Chat mit Jörg.txt', 'Jörg'],
    ['Chat de WhatsApp con María.txt', 'María'],
    ['Discussion WhatsApp avec Élodie.txt', 'Élodie'],
    ['Chat WhatsApp con Giulia.txt', 'Giulia'],
    ['Conversa do WhatsApp com João.txt', 'João'],
    ['WhatsApp-chat met Sanne.txt', 'Sanne'],
    ['Чат WhatsApp с Иван.txt', 'Иван'],
    ['Чат WhatsApp с контактом Dmitry S.txt', 'Dmitry S'],
    ['WhatsApp Chat with Anna con Luca.txt', 'Anna con Luca'],
    ['WhatsApp Chat with +44 7700 900123.txt', '+44 7700 900123'],
    ['Ali ile WhatsApp Sohbeti.txt', 'Ali'],
    ['_chat.txt', null],
    ['notes.txt', null],
  ])('%s -> %s', (file, name) => {
    expect(chatNameFromFileName(file)).toBe(name);
  });
});

describe('finding the chat inside a zip', () => {
  it('takes _chat.txt and names the chat after the zip', async () => {
    const zip = await buildZip({ '_chat.txt': CHAT });
    const chat = await extractChat('WhatsApp Chat - Alice.zip', zip, LIMITS);
    expect(chat.memberName).toBe('_chat.txt');
    expect(chat.format).toBe('whatsapp');
    expect(chat.chatName).toBe('Alice');
    expect(new TextDecoder().decode(chat.bytes)).toBe(CHAT);
    expect(chat.warnings).toEqual([]);
  });

  it('takes a localized member name and names the chat after it', async () => {
    for (const [member, name] of [
      ['WhatsApp Chat mit Jörg.txt', 'Jörg'],
      ['Chat de WhatsApp con María.txt', 'María'],
      ['Conversa do WhatsApp com João.txt', 'João'],
      ['Чат WhatsApp с Иван.txt', 'Иван'],
    ] as const) {
      const chat = await extractChat('export.zip', await buildZip({ [member]: CHAT, 'IMG-20200912-WA0001.jpg': 'x' }), LIMITS);
      expect(chat.memberName).toBe(member);
      expect(chat.chatName).toBe(name);
    }
  });

  it('falls back to the single text member that looks like WhatsApp', async () => {
    const chat = await extractChat('backup.zip', await buildZip({ 'notes/readme.txt': 'just notes', 'sample.txt': CHAT }), LIMITS);
    expect(chat.memberName).toBe('sample.txt');
    expect(chat.chatName).toBe('backup');
  });

  it('never inflates media: a corrupt photo and a bomb-sized video do not matter', async () => {
    let zip = await buildZip({ '_chat.txt': CHAT, 'PHOTO.jpg': new Uint8Array(4096).fill(7), 'VIDEO.mp4': new Uint8Array(4096) });
    zip = setDeclaredSize(zip, 'VIDEO.mp4', 0xfffffff0);
    // Corrupt the photo's compressed bytes: inflating it would fail.
    const view = new DataView(zip.buffer);
    const record = centralRecord(zip, 'PHOTO.jpg');
    const local = view.getUint32(record + 42, true);
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    zip.fill(0xff, dataStart, dataStart + 8);
    const chat = await extractChat('x.zip', zip, LIMITS);
    expect(chat.memberName).toBe('_chat.txt');
  });

  it('ignores __MACOSX metadata and nested zips', async () => {
    const inner = await buildZip({ '_chat.txt': CHAT });
    const zip = await buildZip({ '__MACOSX/._chat.txt': CHAT + CHAT, 'old-export.zip': inner, '_chat.txt': CHAT });
    const chat = await extractChat('x.zip', zip, LIMITS);
    expect(chat.memberName).toBe('_chat.txt');
    expect(chat.warnings).toEqual([]);
    const onlyNested = await importError(extractChat('y.zip', await buildZip({ 'old-export.zip': inner }), LIMITS));
    expect(onlyNested.code).toBe('zip-no-chat');
  });

  it('picks the largest of several chats and says so', async () => {
    const big = CHAT.repeat(3);
    const zip = await buildZip({ 'WhatsApp Chat with Ann.txt': CHAT, 'WhatsApp Chat with Bea.txt': big });
    const chat = await extractChat('two.zip', zip, LIMITS);
    expect(chat.memberName).toBe('WhatsApp Chat with Bea.txt');
    expect(chat.chatName).toBe('Bea');
    expect(chat.warnings.join(' ')).toMatch(/holds 2 chat files; imported the largest, "WhatsApp Chat with Bea.txt".*"WhatsApp Chat with Ann.txt"/);
  });

  it('accepts a zip of an iMessage export', async () => {
    const txt = 'May 1, 2023  7:00:00 AM\nMe\nMorning\n\nMay 1, 2023  7:01:00 AM\nJo\nhi\n\n';
    const zip = await buildZip({ 'imessage_export/Jo - 4.txt': txt, 'imessage_export/attachments/1/a.jpeg': 'jpeg' });
    const result = await parseExport({ name: 'imessage_export.zip', bytes: zip });
    expect(result.format).toBe('imessage-exporter-txt');
    expect(result.chatName).toBe('Jo');
    expect(result.items).toHaveLength(2);
  });

  it('reports inflate progress in the read phase', async () => {
    const phases: string[] = [];
    await extractChat('x.zip', await buildZip({ '_chat.txt': CHAT }), LIMITS, { onProgress: (p) => phases.push(p.phase) });
    expect(phases.length).toBeGreaterThan(0);
    expect(new Set(phases)).toEqual(new Set(['read']));
  });
});

describe('shared zip fixtures (read in place)', () => {
  it.each([
    ['en/chat-analytics__4A_11M.zip', '_chat.txt'],
    ['en/rwhatsapp__sample.zip', 'sample.txt'],
    ['de/whatsapp-chat-parser-website_2024__example_with_media.zip', '_chat.txt'],
  ])('%s -> %s', async (file, member) => {
    const bytes = new Uint8Array(readFileSync(`${SHARED}${file}`));
    const chat = await extractChat(file.split('/').pop() ?? file, bytes, LIMITS);
    expect(chat.memberName).toBe(member);
    expect(chat.format).toBe('whatsapp');
    expect(chat.warnings).toEqual([]);
  });
});

describe('refusals', () => {
  it('a zip with only a photo: zip-no-chat listing what is inside', async () => {
    const zip = await buildZip({ 'IMG_0001.jpg': new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]) });
    const error = await importError(parseExport({ name: 'photos.zip', bytes: zip }));
    expect(error.code).toBe('zip-no-chat');
    expect(error.file).toBe('photos.zip');
    expect(error.message).toContain('IMG_0001.jpg');
  });

  it('an empty zip: zip-no-chat', async () => {
    const error = await importError(parseExport({ name: 'empty.zip', bytes: await buildZip({}) }));
    expect(error.code).toBe('zip-no-chat');
    expect(error.message).toMatch(/empty \.zip/);
  });

  it('a damaged zip: bad-zip', async () => {
    const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new Array<number>(60).fill(1)]);
    const error = await importError(parseExport({ name: 'broken.zip', bytes }));
    expect(error.code).toBe('bad-zip');
    expect(error.message).toMatch(/cannot be opened/);
    const truncated = (await buildZip({ '_chat.txt': CHAT })).subarray(0, 40);
    expect((await importError(parseExport({ name: 't.zip', bytes: truncated }))).code).toBe('bad-zip');
  });

  it('a password-protected zip: bad-zip saying so', async () => {
    const zip = (await buildZip({ '_chat.txt': CHAT })).slice();
    const view = new DataView(zip.buffer);
    const record = centralRecord(zip, '_chat.txt');
    view.setUint16(record + 8, view.getUint16(record + 8, true) | 1, true);
    view.setUint16(6, view.getUint16(6, true) | 1, true);
    const error = await importError(parseExport({ name: 'locked.zip', bytes: zip }));
    expect(error.code).toBe('bad-zip');
    expect(error.message).toMatch(/password-protected/);
  });

  it('a zip bomb declaring a huge size is refused before inflating', async () => {
    const zip = setDeclaredSize(await buildZip({ '_chat.txt': CHAT }), '_chat.txt', 0xfffffff0);
    const error = await importError(parseExport({ name: 'bomb.zip', bytes: zip }));
    expect(error.code).toBe('zip-too-large');
    expect(error.message).toMatch(/would expand to 4\.0 GB \(the limit is 256 MB\)/);
  });

  it('a zip bomb of highly compressible data is refused by its ratio', async () => {
    const zeros = new Uint8Array(4 * 1024 * 1024).fill(0x61);
    zeros.set(new TextEncoder().encode(CHAT));
    const zip = await buildZip({ '_chat.txt': zeros }, 9);
    expect(zip.byteLength).toBeLessThan(64 * 1024);
    const error = await importError(parseExport({ name: 'bomb.zip', bytes: zip }));
    expect(error.code).toBe('zip-too-large');
    expect(error.message).toMatch(/times its packed size/);
  });

  it('a too-large text member is reported as such even when it is not named like a chat', async () => {
    const zip = setDeclaredSize(await buildZip({ 'export/messages.txt': CHAT, 'a.jpg': 'x' }), 'export/messages.txt', 0x7ffffff0);
    const error = await importError(parseExport({ name: 'odd.zip', bytes: zip }));
    expect(error.code).toBe('zip-too-large');
    expect(error.message).toContain('"messages.txt"');
  });

  it('stops inflating when the output passes the limit although the declared size is small', async () => {
    const lines = Array.from({ length: 4000 }, (_, i) => `12/09/2020, 18:01 - Alice: message number ${i * 7919}`);
    const text = lines.join('\n');
    const zip = setDeclaredSize(await buildZip({ '_chat.txt': text }), '_chat.txt', 1000);
    const small: ZipLimits = { maxMemberBytes: 50_000, maxRatio: 200, ratioFloorBytes: 1024 * 1024 };
    const error = await importError(extractChat('liar.zip', zip, small));
    expect(error.code).toBe('zip-too-large');
    expect(error.message).toMatch(/expands past/);
  });
});
