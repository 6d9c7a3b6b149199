// The generic CSV format (timestamp, sender, text[, kind]) and the CSV helpers shared with iMazing.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { guessDelimiter, parseGenericCsv, readCsv, resolveGenericColumns, toLocalIso } from '../../src/lib/ingest/csv';
import { parseExport } from '../../src/lib/ingest/index';
import { assertFailsOnlyWithImportError, errorOf, localIso, pick } from './ingest-helpers';

const FIXTURES = fileURLToPath(new URL('../fixtures/csv/', import.meta.url));
const read = (name: string): string => readFileSync(`${FIXTURES}${name}`, 'utf8');

describe('timestamps of the generic formats', () => {
  it('keeps local wall-clock times as written and adds seconds', () => {
    expect(toLocalIso('2024-03-01 09:05:12')).toBe('2024-03-01T09:05:12');
    expect(toLocalIso('2024-03-01T09:05')).toBe('2024-03-01T09:05:00');
    expect(toLocalIso('2024-3-1 9:05:12.250')).toBe('2024-03-01T09:05:12');
    expect(toLocalIso('2024/03/01 09:05:12')).toBe('2024-03-01T09:05:12');
    expect(toLocalIso('2024-03-01')).toBe('2024-03-01T00:00:00');
  });

  it('converts zoned times and epochs to the local time of the runtime', () => {
    expect(toLocalIso('2024-03-01T10:00:00Z')).toBe(localIso(new Date('2024-03-01T10:00:00Z')));
    expect(toLocalIso('2024-03-01T10:00:00+02:00')).toBe(localIso(new Date('2024-03-01T08:00:00Z')));
    expect(toLocalIso('2024-03-01T10:00:00-0530')).toBe(localIso(new Date('2024-03-01T15:30:00Z')));
    expect(toLocalIso(1709283600)).toBe(localIso(new Date(1709283600 * 1000)));
    expect(toLocalIso('1709283600000')).toBe(localIso(new Date(1709283600000)));
  });

  it('rejects impossible or foreign values', () => {
    for (const bad of ['2024-02-30 10:00:00', '2024-13-01', '2024-01-01 24:00:00', '01/03/2024 10:00', 'yesterday', '', null, {}, -5]) {
      expect(toLocalIso(bad), String(bad)).toBeNull();
    }
  });
});

describe('CSV helpers', () => {
  it('guesses the delimiter from the header row', () => {
    expect(guessDelimiter('timestamp,sender,text')).toBe(',');
    expect(guessDelimiter('timestamp;sender;text')).toBe(';');
    expect(guessDelimiter('timestamp\tsender\ttext')).toBe('\t');
    expect(guessDelimiter('"a;b",c,d')).toBe(',');
  });

  it('finds columns case-insensitively through aliases and names what is missing', () => {
    expect(resolveGenericColumns(['Text', 'TIMESTAMP', 'Sender', 'Kind'])).toEqual({
      columns: { timestamp: 1, sender: 2, text: 0, kind: 3 },
      missing: [],
    });
    expect(resolveGenericColumns(['date_time', 'author', 'message']).missing).toEqual([]);
    expect(resolveGenericColumns(['when', 'who', 'text']).missing).toEqual(['timestamp', 'sender']);
  });

  it('reads quoted fields with delimiters, escaped quotes and newlines', () => {
    const table = readCsv('a,b\r\n"x, y","say ""hi""\nthere"\r\n\r\n1,2\r\n');
    expect(table.header).toEqual(['a', 'b']);
    expect(table.rows).toEqual([
      { fields: ['x, y', 'say "hi"\nthere'], record: 2 },
      { fields: ['1', '2'], record: 3 },
    ]);
  });
});

describe('generic CSV files', () => {
  it('comma-separated with a kind column and system rows', () => {
    const result = parseGenericCsv(read('generic-comma.csv'), 'generic-comma.csv');
    expect(result.format).toBe('generic-csv');
    expect(result.locale).toBeNull();
    expect(result.dateOrder).toBeNull();
    expect(pick(result)).toEqual([
      { ts: '2024-03-01T09:00:00', author: 'Ana', kind: 'message', text: 'Good morning!\nCoffee later?' },
      { ts: '2024-03-01T09:05:12', author: 'Ben', kind: 'message', text: 'Sure, 10:30 at the usual place' },
      { ts: '2024-03-01T09:06:00', author: null, kind: 'system', text: 'Ben changed the group name to Coffee club' },
      { ts: '2024-03-01T09:07:00', author: 'Ana', kind: 'media', text: 'IMG_2041.jpg' },
      { ts: '2024-03-01T09:08:00', author: 'Ben', kind: 'deleted', text: 'This message was deleted' },
      { ts: '2024-03-01T09:09:00', author: 'Ana', kind: 'call', text: 'Missed voice call' },
      { ts: '2024-03-01T09:10:00', author: 'Ana', kind: 'message', text: 'see you 👋' },
    ]);
    expect(result.items.map((i) => i.line)).toEqual([2, 3, 4, 5, 6, 7, 9]);
    const warnings = result.warnings.join(' ');
    expect(warnings).toMatch(/Skipped 1 row\(s\) whose timestamp could not be read \(first: row 8: "not a date"\)/);
    expect(warnings).toMatch(/Unknown kind "sticker" on 1 row/);
  });

  it('semicolon-separated with a BOM, aliases and extra columns', () => {
    expect(pick(parseGenericCsv(read('generic-semicolon.csv'), 'x.csv'))).toEqual([
      { ts: '2024-03-02T20:15:00', author: 'Chloé', kind: 'message', text: 'Ça va ? 😊' },
      { ts: '2024-03-02T20:16:30', author: 'Dario', kind: 'message', text: 'Sì; tutto bene' },
      { ts: '2024-03-02T20:17:00', author: 'Chloé', kind: 'message', text: 'Super "cool"' },
    ]);
  });

  it('tab-separated with columns in any order and epoch / zoned timestamps', () => {
    expect(pick(parseGenericCsv(read('generic-tab.tsv'), 'x.tsv'))).toEqual([
      { ts: localIso(new Date(1709283600 * 1000)), author: 'Eve', kind: 'message', text: 'hello from a tab file' },
      { ts: localIso(new Date(1709283660000)), author: 'Finn', kind: 'message', text: 'epoch milliseconds' },
      { ts: localIso(new Date('2024-03-01T08:00:00Z')), author: 'Eve', kind: 'message', text: 'an ISO time with an offset' },
    ]);
  });

  it('strips bidi marks from names and text and trims trailing whitespace', () => {
    const result = parseGenericCsv('timestamp,sender,text\n2024-01-01 10:00:00,\u200eAna\u00a0B\u202c,\u200fhi there  \n', 'x.csv');
    expect(pick(result)).toEqual([{ ts: '2024-01-01T10:00:00', author: 'Ana B', kind: 'message', text: 'hi there' }]);
  });
});

describe('bad CSV files', () => {
  it('names the missing columns', () => {
    const error = errorOf(() => parseGenericCsv(read('missing-columns.csv'), 'missing-columns.csv'));
    expect(error.code).toBe('bad-csv');
    expect(error.file).toBe('missing-columns.csv');
    expect(error.message).toContain('without the columns timestamp, text');
    expect(error.message).toContain('"when", "sender", "what"');
  });

  it('refuses a header without rows and rows without any readable timestamp', () => {
    expect(errorOf(() => parseGenericCsv('timestamp,sender,text\n', 'x.csv')).message).toMatch(/no messages/);
    const error = errorOf(() => parseGenericCsv('timestamp,sender,text\n03/01/2024,Ana,hi\n', 'x.csv'));
    expect(error.code).toBe('bad-csv');
    expect(error.message).toMatch(/YYYY-MM-DD HH:MM:SS/);
  });

  it('goes through parseExport: .csv files always reach the CSV parser', async () => {
    const bytes = new Uint8Array(readFileSync(`${FIXTURES}missing-columns.csv`));
    await expect(parseExport({ name: 'missing-columns.csv', bytes })).rejects.toMatchObject({ code: 'bad-csv' });
    const ok = await parseExport({ name: 'chat.csv', bytes: new Uint8Array(readFileSync(`${FIXTURES}generic-comma.csv`)) });
    expect(ok.format).toBe('generic-csv');
    expect(ok.items).toHaveLength(7);
  });
});

describe('robustness', () => {
  it('random and mutated inputs fail only with ImportError', () => {
    const seed = read('generic-comma.csv');
    assertFailsOnlyWithImportError(seed, (text) => parseGenericCsv(text, 'fuzz.csv'), 5);
  });
});
