// iMazing CSV: one synthetic file per header variant (14/15/17/18 columns), with and without BOM,
// quoted when needed or everywhere, CRLF, multi-line fields, tapback rows and attachment-only rows.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/lib/ingest/detect';
import { ImportError } from '../../src/lib/ingest/errors';
import { isTapbackText, parseImazingCsv } from '../../src/lib/ingest/imessage/index';
import { parseExport } from '../../src/lib/ingest/index';
import { localIso, pick, assertFailsOnlyWithImportError } from './ingest-helpers';

const FIXTURES = fileURLToPath(new URL('../fixtures/imessage/imazing/', import.meta.url));
const read = (name: string): string => readFileSync(`${FIXTURES}${name}`, 'utf8');
const bytes = (name: string): Uint8Array => new Uint8Array(readFileSync(`${FIXTURES}${name}`));

describe('iMazing CSV header variants', () => {
  it('14 columns (older), CRLF, quotes only where needed', () => {
    const result = parseImazingCsv(read('imazing-14-columns.csv'), 'Mum.csv');
    expect(pick(result)).toEqual([
      { ts: '2019-03-02T08:15:00', author: 'Mum', kind: 'message', text: 'Morning love! Did you sleep well?' },
      { ts: '2019-03-02T08:20:31', author: 'Me', kind: 'message', text: 'Yes thanks, up early for the run' },
      { ts: '2019-03-02T09:02:11', author: 'Mum', kind: 'media', text: 'IMG_0042.JPG' },
      { ts: '2019-03-02T09:07:30', author: 'Me', kind: 'message', text: 'She said "see you at 6", right?' },
    ]);
    expect(result.items.map((i) => i.line)).toEqual([2, 3, 5, 7]);
    expect(result.chatName).toBe('Mum');
    expect(result.warnings.join(' ')).toMatch(/Dropped 2 tapback/);
  });

  it('15 columns (common) with a BOM, the documented sample rows, multi-line text, edits', () => {
    const result = parseImazingCsv(read('imazing-15-columns.csv'), 'Sarah.csv');
    expect(pick(result)).toEqual([
      { ts: '2024-07-10T15:20:00', author: 'Sarah Connor', kind: 'message', text: 'Hey! How are you doing?' },
      { ts: '2024-07-10T15:22:30', author: 'Me', kind: 'message', text: "I'm doing great, thanks for asking!" },
      { ts: '2024-07-10T15:24:00', author: 'Sarah Connor', kind: 'message', text: 'Dinner on Friday? 🍝', edited: true },
      { ts: '2024-07-10T15:26:00', author: 'Me', kind: 'message', text: "Yes!\nPick a place\nand I'll book it" },
      { ts: '2024-07-10T15:30:00', author: '+1555123456', kind: 'media', text: 'menu, page 1|2.pdf' },
      { ts: '2024-08-15T08:00:00', author: 'Notification', kind: 'message', text: 'Your package has been delivered.' },
    ]);
    expect(result.chatName).toBe('Sarah Connor');
    expect(result.warnings.join(' ')).toMatch(/Dropped 1 tapback/);
    expect(result.warnings.join(' ')).toMatch(/mixes 2 chat sessions/);
  });

  it('17 columns (newer), every field quoted: Notification rows are system, Deleted Date is deleted', () => {
    const result = parseImazingCsv(read('imazing-17-columns.csv'), 'crew.csv');
    expect(pick(result)).toEqual([
      { ts: '2023-05-06T18:00:00', author: null, kind: 'system', text: 'Jo named the conversation “Climbing crew”' },
      { ts: '2023-05-06T18:01:15', author: 'Jo Park', kind: 'message', text: "Who's up for bouldering tomorrow?" },
      { ts: '2023-05-06T18:03:40', author: 'Me', kind: 'message', text: 'Me! 10am?\n\nI can drive, 3 seats free' },
      { ts: '2023-05-06T18:05:00', author: '+61400111222', kind: 'deleted', text: '' },
      { ts: '2023-05-06T18:07:30', author: '+61400111222', kind: 'message', text: "Count me in, I'll bring chalk" },
      { ts: '2023-05-06T18:09:00', author: null, kind: 'system', text: 'Sam left the conversation.' },
    ]);
    expect(result.chatName).toBe('Climbing crew');
    expect(result.warnings.join(' ')).toMatch(/Dropped 1 tapback/);
  });

  it('18 columns (newest) with a BOM and ISO dates in UTC converted to local time', () => {
    const result = parseImazingCsv(read('imazing-18-columns.csv'), 'Alex.csv');
    expect(pick(result)).toEqual([
      { ts: localIso(new Date('2025-07-01T10:00:00.000Z')), author: 'Alex', kind: 'message', text: 'Guten Morgen! ☀️' },
      { ts: localIso(new Date('2025-07-01T10:02:30.000Z')), author: 'Me', kind: 'message', text: 'Morgen! Kaffee um 11?' },
      { ts: localIso(new Date('2025-07-01T10:03:00.000Z')), author: 'Alex', kind: 'media', text: 'Audio Message.m4a' },
    ]);
  });

  it('detects every variant as imazing-csv and parses it through parseExport', async () => {
    for (const name of ['imazing-14-columns.csv', 'imazing-15-columns.csv', 'imazing-17-columns.csv', 'imazing-18-columns.csv']) {
      expect(detectFormat(name, bytes(name))).toBe('imazing-csv');
      // The extension does not matter: content decides.
      expect(detectFormat('export.txt', bytes(name))).toBe('imazing-csv');
      const result = await parseExport({ name, bytes: bytes(name) });
      expect(result.format).toBe('imazing-csv');
      expect(result.dateOrder).toBeNull();
    }
  });
});

describe('iMazing details', () => {
  it('recognises tapbacks but not ordinary sentences', () => {
    for (const t of ['Liked “ok”', 'Loved an image', 'Emphasized a photo', 'Laughed at “a\nb”', 'Questioned “why?”', 'Reacted 😂 to “lol”', 'Removed a heart from “hi”', 'Disliked a video']) {
      expect(isTapbackText(t), t).toBe(true);
    }
    for (const t of ['Loved it', "Loved 'em all", 'Liked the film a lot', 'I loved an image of you', 'Emphasized']) {
      expect(isTapbackText(t), t).toBe(false);
    }
  });

  it('uses Sender ID when there is no Sender Name, and skips rows without a date', () => {
    const csv =
      'Chat Session,Message Date,Delivered Date,Read Date,Edited Date,Service,Type,Sender ID,Sender Name,Status,Replying to,Subject,Text,Attachment,Attachment type\n' +
      'x,2024-01-01 10:00:00,,,,SMS,Incoming,+123,,Read,,,hi,,\n' +
      'x,,,,,SMS,Incoming,+123,,Read,,,no date,,\n' +
      'x,2024-01-01 10:01:00,,,,SMS,Outgoing,,,Sent,,,,,\n';
    const result = parseImazingCsv(csv, 'x.csv');
    expect(pick(result)).toEqual([{ ts: '2024-01-01T10:00:00', author: '+123', kind: 'message', text: 'hi' }]);
    expect(result.warnings.join(' ')).toMatch(/Skipped 1 row\(s\) whose Message Date/);
    expect(result.warnings.join(' ')).toMatch(/Skipped 1 row\(s\) with neither text nor attachment/);
  });

  it('fails with bad-csv when no row can be read', () => {
    const csv = 'Chat Session,Message Date,Type,Text\nx,yesterday,Incoming,hi\n';
    expect(() => parseImazingCsv(csv, 'x.csv')).toThrow(ImportError);
    try {
      parseImazingCsv(csv, 'x.csv');
    } catch (error) {
      expect((error as ImportError).code).toBe('bad-csv');
    }
  });
});

describe('robustness', () => {
  it('random and mutated inputs fail only with ImportError', () => {
    const seed = read('imazing-17-columns.csv');
    assertFailsOnlyWithImportError(seed, (text) => parseImazingCsv(text, 'fuzz.csv'));
  });
});
