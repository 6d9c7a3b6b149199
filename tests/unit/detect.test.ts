// Format detection (content first, extension second) and the errors parseExport gives for files
// that are not exports: empty, binary, unrecognised text, too large.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SNIFF_BYTES, binaryKind, decodeSample, detectFormat, requireFormat, sniffText } from '../../src/lib/ingest/detect';
import { ImportError } from '../../src/lib/ingest/errors';
import {
  MAX_CHAT_TEXT_BYTES,
  MAX_FILE_BYTES,
  assertFileSize,
  parseExport,
} from '../../src/lib/ingest/index';

const SHARED = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const file = (path: string): Uint8Array => new Uint8Array(readFileSync(path));

async function importError(promise: Promise<unknown>): Promise<ImportError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImportError) return error;
    throw error;
  }
  throw new Error('expected an ImportError');
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);

describe('detectFormat on the shared corpus (read in place)', () => {
  it('every WhatsApp .txt is whatsapp', () => {
    const root = `${SHARED}whatsapp/`;
    const wrong: string[] = [];
    for (const dir of readdirSync(root)) {
      for (const name of readdirSync(`${root}${dir}`)) {
        if (!name.endsWith('.txt')) continue;
        const format = detectFormat(name, file(`${root}${dir}/${name}`));
        if (format !== 'whatsapp') wrong.push(`${dir}/${name}: ${String(format)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every WhatsApp .zip is a zip, the iMessage page is imessage-exporter-html', () => {
    for (const zip of ['en/chat-analytics__4A_11M.zip', 'en/rwhatsapp__sample.zip', 'de/whatsapp-chat-parser-website_2024__example_with_media.zip']) {
      expect(detectFormat(zip, file(`${SHARED}whatsapp/${zip}`))).toBe('zip');
    }
    const html = `${SHARED}imessage/imessage-exporter-html/imessage-exporter__example.html`;
    expect(detectFormat('example.html', file(html))).toBe('imessage-exporter-html');
    // Content decides, not the name.
    expect(detectFormat('chat.txt', file(html))).toBe('imessage-exporter-html');
  });

  it('reference tables and R data are not exports', () => {
    expect(detectFormat('WhatsR__Languages.csv', file(`${SHARED}reference/WhatsR__Languages.csv`))).toBe('generic-csv');
    expect(() => requireFormat('x.rds', file(`${SHARED}whatsapp/en/rwhatsapp__rwa_read.RDS`))).toThrow(ImportError);
  });
});

describe('detectFormat by content', () => {
  it('recognises imessage-exporter TXT with padded or unpadded days and double spaces', () => {
    expect(sniffText('May 17, 2022  5:29:42 PM\nMe\nHello world\n', null)).toBe('imessage-exporter-txt');
    expect(sniffText('Jun 5, 2024 10:00:00 AM (Read by you after 1 minute)\nJo\nhi\n', null)).toBe('imessage-exporter-txt');
    expect(sniffText('\n\nJun 05, 2024  9:00:00 PM\nJo\nhi\n', null)).toBe('imessage-exporter-txt');
    expect(sniffText('a\nb\nc\nMay 17, 2022  5:29:42 PM\nMe\nHello\n', null)).toBeNull();
  });

  it('recognises JSON, iMazing and generic CSV headers regardless of the extension', () => {
    expect(sniffText('[{"timestamp": 1}]', null)).toBe('generic-json');
    expect(sniffText('  {"messages": []}', null)).toBe('generic-json');
    expect(sniffText('[]', null)).toBe('generic-json');
    expect(sniffText('Chat Session,Message Date,Delivered Date,Read Date,Service,Type,Sender ID,Sender Name,Status,Replying to,Subject,Text,Attachment,Attachment type\n', null)).toBe('imazing-csv');
    expect(sniffText('\uFEFF"Chat Session","Message ID","Message Date","Type","Text"\n', null)).toBe('imazing-csv');
    expect(sniffText('Timestamp;Sender;Text\n', null)).toBe('generic-csv');
    expect(sniffText('sender\ttext\ttimestamp\n', null)).toBe('generic-csv');
  });

  it('uses the extension only when the content says nothing', () => {
    expect(sniffText('when,who,what\n1,2,3\n', 'x.csv')).toBe('generic-csv');
    expect(sniffText('when,who,what\n1,2,3\n', 'x.txt')).toBeNull();
    expect(sniffText('nonsense', 'x.json')).toBe('generic-json');
    expect(sniffText('<html><body>hello</body></html>', 'x.html')).toBeNull();
    expect(sniffText('Dear diary, today was fine.', 'diary.txt')).toBeNull();
  });

  it('does not take a WhatsApp iOS line for JSON', () => {
    expect(sniffText('[12/07/2019, 14:59:00] Alice: hi\n', null)).toBe('whatsapp');
  });

  it('recognises binary files by signature', () => {
    expect(binaryKind(PNG)).toBe('an image (PNG)');
    expect(binaryKind(new Uint8Array([0xff, 0xd8, 0xff, 0xe1]))).toBe('an image (JPEG)');
    expect(binaryKind(enc('%PDF-1.7\n'))).toBe('a PDF document');
    expect(binaryKind(new Uint8Array([0, 0, 0, 0x18, ...enc('ftypheic')]))).toBe('an image (HEIC)');
    expect(binaryKind(enc('SQLite format 3\u0000'))).toMatch(/chat\.db/);
    expect(binaryKind(enc('hello'))).toBeNull();
  });

  it('decodes only a sample of big files, cut at a line break', () => {
    const line = 'ä'.repeat(99) + '\n';
    const big = enc(line.repeat(Math.ceil((SNIFF_BYTES * 2) / 200)));
    const sample = decodeSample(big, 'big.txt');
    expect(sample.length).toBeLessThanOrEqual(SNIFF_BYTES);
    expect(sample.endsWith('\n')).toBe(true);
    expect(sample).not.toContain('\ufffd');
  });

  it('never throws from detectFormat, only from requireFormat', () => {
    expect(detectFormat('x.png', PNG)).toBeNull();
    expect(detectFormat('x.txt', new Uint8Array())).toBeNull();
    expect(() => requireFormat('x.png', PNG)).toThrow(ImportError);
  });
});

describe('parseExport refusals, one per error code', () => {
  it('empty-file', async () => {
    const error = await importError(parseExport({ name: 'empty.txt', bytes: new Uint8Array() }));
    expect(error.code).toBe('empty-file');
    expect(error.file).toBe('empty.txt');
    const blank = await importError(parseExport({ name: 'blank.txt', bytes: enc('\n\u200e \r\n') }));
    expect(blank.code).toBe('empty-file');
  });

  it('binary-file for a PNG, a PDF and a database', async () => {
    for (const [name, bytes] of [
      ['photo.png', PNG],
      ['scan.pdf', enc('%PDF-1.4\n%âãÏÓ\n')],
      ['chat.db', enc('SQLite format 3\u0000\u0010\u0000')],
    ] as const) {
      const error = await importError(parseExport({ name, bytes }));
      expect(error.code, name).toBe('binary-file');
      expect(error.message).toContain(`"${name}"`);
      expect(error.message).toMatch(/WhatsApp/);
    }
  });

  it('not-an-export says what is supported', async () => {
    const error = await importError(parseExport({ name: 'notes.txt', bytes: enc('Shopping list\n- milk\n- eggs\n') }));
    expect(error.code).toBe('not-an-export');
    expect(error.message).toBe(
      '"notes.txt" is not a chat export this app recognises. This app reads WhatsApp "Export chat" files (.txt or .zip), ' +
        'iMessage exports from imessage-exporter (.txt or .html) or iMazing (.csv), and CSV or JSON files with timestamp, sender and text columns.',
    );
    expect(error.toJSON()).toMatchObject({ code: 'not-an-export', file: 'notes.txt' });
  });

  it('file-too-large for files past the memory limit, telling to export without media', () => {
    expect(() => assertFileSize('huge.zip', MAX_FILE_BYTES)).not.toThrow();
    try {
      assertFileSize('huge.zip', MAX_FILE_BYTES + 1);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ImportError);
      expect((error as ImportError).code).toBe('file-too-large');
      expect((error as ImportError).message).toMatch(/"huge\.zip" is 1\.0 GB.*"without media"/);
    }
  });

  it('file-too-large for chat text past the text limit', async () => {
    // Zero-filled pages are not touched: only the first line is real text.
    const bytes = new Uint8Array(MAX_CHAT_TEXT_BYTES + 1);
    bytes.fill(0x20, 0, SNIFF_BYTES * 2);
    bytes.set(enc('12/09/2020, 18:01 - Alice: Hi there\n'));
    const error = await importError(parseExport({ name: 'huge.txt', bytes }));
    expect(error.code).toBe('file-too-large');
    expect(error.message).toMatch(/"without media"/);
  });

  it('unsupported-encoding comes from decoding', async () => {
    const latin1 = new Uint8Array(400).fill(0xe9);
    const error = await importError(parseExport({ name: 'latin1.txt', bytes: latin1 }));
    expect(error.code).toBe('unsupported-encoding');
  });

  it('an aborted parse rejects with the abort reason, not an ImportError', async () => {
    const controller = new AbortController();
    controller.abort();
    const bytes = file(`${FIXTURES}csv/generic-comma.csv`);
    await expect(parseExport({ name: 'x.csv', bytes }, { signal: controller.signal })).rejects.toHaveProperty('name', 'AbortError');
  });
});
