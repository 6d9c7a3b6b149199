// imessage-exporter TXT: the exporter's own test expectations (read from the shared format notes),
// and synthetic files for padding, read receipts, tapbacks, threads, edits, deletions, attachments.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseImessageTxt, parseTimestampLine } from '../../src/lib/ingest/imessage/index';
import { ImportError } from '../../src/lib/ingest/errors';
import { parseExport } from '../../src/lib/ingest/index';
import { summarize } from '../../src/lib/ingest/export-summary';
import { pick, assertFailsOnlyWithImportError } from './ingest-helpers';

const SHARED = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/imessage/exporter-txt/', import.meta.url));

/** The verbatim expectation block of section A of the shared iMessage format notes. */
function exporterExpectations(): string {
  const notes = readFileSync(`${SHARED}imessage-FORMATS.md`, 'utf8');
  const sectionA = notes.slice(notes.indexOf('### A.'), notes.indexOf('### B.'));
  const block = /```\n([\s\S]*?)```/.exec(sectionA)?.[1];
  if (block === undefined) throw new Error('expectation block not found in imessage-FORMATS.md');
  return block;
}

describe('imessage-exporter timestamp line', () => {
  it('reads padded and unpadded days, the double space of one-digit hours, AM/PM edges', () => {
    expect(parseTimestampLine('May 17, 2022  5:29:42 PM')).toEqual({ indent: 0, ts: '2022-05-17T17:29:42', rest: '' });
    expect(parseTimestampLine('Jun 05, 2024 10:00:01 AM')?.ts).toBe('2024-06-05T10:00:01');
    expect(parseTimestampLine('Jun 5, 2024 12:00:00 AM')?.ts).toBe('2024-06-05T00:00:00');
    expect(parseTimestampLine('Jun 5, 2024 12:30:00 PM')?.ts).toBe('2024-06-05T12:30:00');
    expect(parseTimestampLine('    Dec 31, 2022 11:59:59 PM (Read by you after 5 seconds)')).toEqual({
      indent: 4,
      ts: '2022-12-31T23:59:59',
      rest: '(Read by you after 5 seconds)',
    });
    expect(parseTimestampLine('Hello May 17, 2022  5:29:42 PM')).toBeNull();
    expect(parseTimestampLine('Foo 17, 2022  5:29:42 PM')).toBeNull();
    expect(parseTimestampLine('May 17, 2022 13:29:42 PM')).toBeNull();
  });
});

describe('imessage-exporter TXT: the exporter test expectations', () => {
  it('parses every block of the verbatim expectations', () => {
    const result = parseImessageTxt(exporterExpectations(), 'Sample Contact - 7.txt');
    expect(result.format).toBe('imessage-exporter-txt');
    expect(result.chatName).toBe('Sample Contact');
    expect(pick(result)).toEqual([
      { ts: '2022-05-17T17:29:42', author: 'Me', kind: 'message', text: 'Hello world' },
      {
        ts: '2022-05-17T17:29:42',
        author: 'Me',
        kind: 'deleted',
        text: 'This message was deleted from the conversation!\nHello world',
      },
      { ts: '2022-05-17T17:29:42', author: 'Sample Contact', kind: 'message', text: 'Hello world' },
      { ts: '2022-05-17T17:29:42', author: 'Me', kind: 'message', text: 'Hello world' },
      { ts: '2022-05-17T17:29:42', author: null, kind: 'system', text: 'You renamed the conversation to Hello world' },
      { ts: '2022-05-17T17:29:42', author: null, kind: 'system', text: 'Name renamed the conversation to Hello world' },
    ]);
    expect(result.items.map((i) => i.line)).toEqual([1, 5, 10, 14, 18, 20]);
  });
});

describe('imessage-exporter TXT: a group chat with every feature', () => {
  const text = readFileSync(`${FIXTURES}Sunday Brunch - 42.txt`, 'utf8');
  const result = parseImessageTxt(text, 'Sunday Brunch - 42.txt');

  it('keeps message order with thread replies right after their parent', () => {
    expect(pick(result)).toEqual([
      { ts: '2024-01-05T09:03:07', author: 'Me', kind: 'message', text: "Morning all! Who's in for brunch on Sunday?" },
      { ts: '2024-01-05T09:05:12', author: 'Alice Smith', kind: 'message', text: 'Me! Can we do 11?' },
      { ts: '2024-01-05T09:06:40', author: '+15558675309', kind: 'message', text: 'Count me in\nbut I might be late' },
      { ts: '2024-01-05T10:15:00', author: 'Alice Smith', kind: 'message', text: "Here's the place:\nhttps://maps.apple.com/?q=Cafe" },
      { ts: '2024-01-05T12:00:00', author: null, kind: 'system', text: 'You renamed the conversation to Sunday Brunch 🥞' },
      {
        ts: '2024-01-06T13:20:33',
        author: 'Me',
        kind: 'media',
        text: '/Users/me/Library/Messages/Attachments/ab/11/at_0_ABCD/IMG_1234.HEIC',
      },
      { ts: '2024-01-06T13:21:00', author: 'Alice Smith', kind: 'message', text: 'So cute!!' },
      {
        ts: '2024-01-06T14:00:00',
        author: 'Bob',
        kind: 'deleted',
        text: 'This message was deleted from the conversation!\nSorry wrong chat',
      },
      { ts: '2024-01-06T15:15:45', author: 'Me', kind: 'message', text: "Let's meet at 11:30 instead", edited: true },
      { ts: '2024-01-06T16:00:00', author: 'Bob', kind: 'media', text: 'Attachment missing!' },
      { ts: '2024-01-06T16:30:00', author: 'Alice Smith', kind: 'media', text: 'Sticker from Alice Smith: attachments/sticker_1.heic' },
      { ts: '2024-01-06T17:00:00', author: null, kind: 'system', text: 'Alice Smith added Bob to the conversation.' },
      {
        ts: '2024-01-06T17:01:10',
        author: 'Bob',
        kind: 'message',
        text: 'First line of a long one\n\nsecond paragraph after a blank line',
      },
      { ts: '2024-01-07T00:30:00', author: 'Me', kind: 'message', text: 'Apple Cash transaction: $10.00' },
      { ts: '2024-01-07T20:00:00', author: '+15558675309', kind: 'call', text: 'SharePlay Message\nEnded' },
      { ts: '2024-01-07T20:30:00', author: 'Alice Smith', kind: 'location', text: 'Started sharing location!' },
      { ts: '2024-01-07T21:00:00', author: 'Me', kind: 'deleted', text: 'You deleted a message.' },
      { ts: '2024-01-07T21:15:00', author: 'Bob', kind: 'message', text: 'Hello 👋🏽 everyone 👨‍👩‍👧' },
      { ts: '2024-01-07T23:59:59', author: null, kind: 'system', text: 'Bob left the conversation.' },
    ]);
  });

  it('counts the dropped tapbacks and names the chat after the file', () => {
    expect(result.chatName).toBe('Sunday Brunch');
    expect(result.locale).toBe('en');
    expect(result.dateOrder).toBeNull();
    expect(result.warnings.join(' ')).toMatch(/Dropped 5 tapback/);
  });

  it('summarizes like the CLI contract expects', () => {
    const s = summarize('x.txt', result);
    expect(s.messages).toBe(16);
    expect(s.system).toBe(3);
    expect(s.media).toBe(3);
    expect(s.deleted).toBe(2);
    expect(s.authors).toEqual({ Me: 5, 'Alice Smith': 5, '+15558675309': 2, Bob: 4 });
  });

  it('records the line where each item starts', () => {
    expect(result.items[0]?.line).toBe(1);
    expect(result.items[1]?.line).toBe(9);
    expect(result.items[4]?.line).toBe(26);
  });
});

describe('imessage-exporter TXT: older layout', () => {
  const result = parseImessageTxt(readFileSync(`${FIXTURES}+15558675309.txt`, 'utf8'), '+15558675309.txt');

  it('keeps unindented continuation lines of a reply in the reply, balloons as text', () => {
    expect(pick(result)).toEqual([
      { ts: '2022-12-31T23:58:01', author: '+15558675309', kind: 'message', text: 'Happy new year in advance!!' },
      { ts: '2022-12-31T23:59:59', author: '+15558675309', kind: 'message', text: 'Check this out' },
      { ts: '2023-01-01T00:00:10', author: 'Me', kind: 'message', text: 'Wow\nthat is\na lot of fireworks' },
      {
        ts: '2023-01-01T00:01:00',
        author: 'Me',
        kind: 'message',
        text: 'https://www.youtube.com/watch?v=abc123\nFireworks over the harbour - YouTube\nLive from the harbour at midnight.',
      },
      { ts: '2023-01-01T00:02:00', author: '+15558675309', kind: 'message', text: 'GamePigeon message:\n8 Ball\nYour move!' },
      { ts: '2023-01-01T01:02:03', author: 'Me', kind: 'message', text: 'Party plans\nWho is driving home?' },
    ]);
    expect(result.chatName).toBe('+15558675309');
  });
});

describe('imessage-exporter TXT: robustness', () => {
  it('handles CRLF, a BOM, bidi marks and a missing final newline', () => {
    const text = '\uFEFFMay 1, 2023  7:00:00 AM\r\n\u200EMe\r\nMorning\u200F\r\n\r\nMay 1, 2023  7:01:00 AM\r\nJo\r\nhi';
    expect(pick(parseImessageTxt(text, 'a.txt'))).toEqual([
      { ts: '2023-05-01T07:00:00', author: 'Me', kind: 'message', text: 'Morning' },
      { ts: '2023-05-01T07:01:00', author: 'Jo', kind: 'message', text: 'hi' },
    ]);
  });

  it('does not start a message at a timestamp inside a body', () => {
    const text = 'May 1, 2023  7:00:00 AM\nMe\nMeet at\nMay 2, 2023  7:00:00 AM\nok?\n';
    const items = parseImessageTxt(text, 'a.txt').items;
    expect(items).toHaveLength(1);
    expect(items[0]?.text).toBe('Meet at\nMay 2, 2023  7:00:00 AM\nok?');
  });

  it('ignores lines before the first message with a warning', () => {
    const result = parseImessageTxt('exported by someone\n\nMay 1, 2023  7:00:00 AM\nMe\nhi\n', 'a.txt');
    expect(result.items).toHaveLength(1);
    expect(result.warnings.join(' ')).toMatch(/Ignored 1 line/);
  });

  it('refuses a file without messages with a typed error', () => {
    expect(() => parseImessageTxt('May 1, 2023  7:00:00 AM\n', 'a.txt')).toThrow(ImportError);
  });

  it('is reached through parseExport by content sniffing', async () => {
    const bytes = readFileSync(`${FIXTURES}Sunday Brunch - 42.txt`);
    const result = await parseExport({ name: 'Sunday Brunch - 42.txt', bytes: new Uint8Array(bytes) });
    expect(result.format).toBe('imessage-exporter-txt');
    expect(result.items).toHaveLength(19);
  });
});

describe('robustness', () => {
  it('random and mutated inputs fail only with ImportError', () => {
    const seed = readFileSync(`${FIXTURES}Sunday Brunch - 42.txt`, 'utf8');
    assertFailsOnlyWithImportError(seed, (text) => parseImessageTxt(text, 'fuzz.txt'));
  });
});
