// The generic JSON format: an array of {timestamp, sender, text, kind?} or {"messages": [...]}.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../src/lib/ingest/errors';
import { parseExport } from '../../src/lib/ingest/index';
import { parseGenericJson } from '../../src/lib/ingest/json';
import { errorOf, localIso, pick } from './ingest-helpers';

const FIXTURES = fileURLToPath(new URL('../fixtures/json/', import.meta.url));
const read = (name: string): string => readFileSync(`${FIXTURES}${name}`, 'utf8');

describe('generic JSON', () => {
  it('reads an array of messages: empty or null sender and kind "system" are system items', () => {
    const result = parseGenericJson(read('generic-array.json'), 'chat.json');
    expect(result.format).toBe('generic-json');
    expect(result.chatName).toBeNull();
    expect(pick(result)).toEqual([
      { ts: '2024-03-01T09:00:00', author: 'Ana', kind: 'message', text: 'Good morning!\nCoffee later?' },
      { ts: '2024-03-01T09:05:12', author: 'Ben', kind: 'message', text: 'Sure ☕' },
      { ts: '2024-03-01T09:06:00', author: null, kind: 'system', text: 'Ben changed the subject to "Coffee club"' },
      { ts: localIso(new Date(1709283960 * 1000)), author: 'Ana', kind: 'media', text: 'IMG_2041.jpg' },
      { ts: '2024-03-01T09:07:00', author: null, kind: 'system', text: 'Ana left' },
    ]);
    expect(result.items.map((i) => i.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('reads {"name", "messages"} with keys in any case', () => {
    const result = parseGenericJson(read('generic-object.json'), 'club.json');
    expect(result.chatName).toBe('Book club');
    expect(pick(result)).toEqual([
      { ts: '2024-04-02T19:00:00', author: 'Gus', kind: 'message', text: 'Chapter 3 tonight?' },
      { ts: '2024-04-02T19:01:00', author: 'Hana', kind: 'message', text: 'Yes! 📚' },
    ]);
  });

  it('skips single bad entries with warnings', () => {
    const text = JSON.stringify([
      { timestamp: '2024-01-01 10:00:00', sender: 'A', text: 'ok' },
      'not an object',
      { timestamp: 'soon', sender: 'A', text: 'bad time' },
      { sender: 'A', text: 'no time' },
      { timestamp: '2024-01-01 10:01:00', sender: 'B', text: 42, kind: 'shout' },
    ]);
    const result = parseGenericJson(text, 'x.json');
    expect(pick(result)).toEqual([
      { ts: '2024-01-01T10:00:00', author: 'A', kind: 'message', text: 'ok' },
      { ts: '2024-01-01T10:01:00', author: 'B', kind: 'message', text: '42' },
    ]);
    const warnings = result.warnings.join(' ');
    expect(warnings).toMatch(/Skipped 1 message\(s\) whose timestamp could not be read \(first: message 3: "soon"\)/);
    expect(warnings).toMatch(/Skipped 1 entry that is not an object\./);
    expect(warnings).toMatch(/Skipped 1 message\(s\) without a timestamp or text/);
    expect(warnings).toMatch(/Unknown kind "shout"/);
  });
});

describe('bad JSON', () => {
  it('malformed JSON is bad-json with the parser detail', () => {
    const error = errorOf(() => parseGenericJson('[{"timestamp": "2024-01-01", ', 'broken.json'));
    expect(error.code).toBe('bad-json');
    expect(error.file).toBe('broken.json');
    expect(error.message).toMatch(/^"broken.json" is not valid JSON \(/);
  });

  it('names keys missing from every message', () => {
    const error = errorOf(() => parseGenericJson('[{"time": "2024-01-01 10:00:00", "who": "A", "text": "x"}]', 'x.json'));
    expect(error.code).toBe('bad-json');
    expect(error.message).toContain('without the key sender');
    const both = errorOf(() => parseGenericJson('{"messages": [{"a": 1}]}', 'x.json'));
    expect(both.message).toContain('without the keys timestamp, sender, text');
  });

  it('refuses other JSON shapes and empty chats', () => {
    expect(errorOf(() => parseGenericJson('{"chat": []}', 'x.json')).message).toMatch(/"messages" array/);
    expect(errorOf(() => parseGenericJson('"hello"', 'x.json')).code).toBe('bad-json');
    expect(errorOf(() => parseGenericJson('[]', 'x.json')).message).toMatch(/contains no messages/);
    expect(errorOf(() => parseGenericJson('[{"timestamp": "later", "sender": "A", "text": "x"}]', 'x.json')).message).toMatch(
      /YYYY-MM-DD/,
    );
  });

  it('goes through parseExport: JSON is recognised by content, .json always reaches the parser', async () => {
    const bytes = new TextEncoder().encode(read('generic-array.json'));
    expect((await parseExport({ name: 'export.txt', bytes })).format).toBe('generic-json');
    await expect(parseExport({ name: 'data.json', bytes: new TextEncoder().encode('{oops') })).rejects.toMatchObject({
      code: 'bad-json',
    });
  });
});

describe('robustness', () => {
  it('random and mutated inputs fail only with ImportError', () => {
    const seed = JSON.stringify([{ timestamp: '2024-01-01 10:00:00', sender: 'A', text: 'hi', kind: 'media' }]);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.constantFrom(seed).chain((s) => fc.nat(s.length).map((n) => s.slice(0, n)))), (text) => {
        try {
          parseGenericJson(text, 'fuzz.json');
        } catch (error) {
          if (!(error instanceof ImportError)) throw error;
        }
      }),
      { numRuns: 300 },
    );
  });
});
