// Golden test: every export file of the shared fixture folder goes through the public entry point
// (parseExport) and the CLI summary (summarize), and must match expected.json, which was written by
// reading the files by hand (see README.md here). A new fixture without an expectation fails.

import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExport } from '../../../src/lib/ingest/index';
import { summarize } from '../../../src/lib/ingest/export-summary';
import type { ParseResult } from '../../../src/lib/ingest/types';
import { type Expectation, listExportFiles, loadExpectations, rawChatLines, readFixture } from './expectations';

const files = listExportFiles();
const expectations = loadExpectations();

/** A mixed file may accept several formats or orders: the actual one stands in when it is one of them. */
function accept<T>(wanted: T | T[], actual: T): T | T[] {
  return Array.isArray(wanted) && wanted.includes(actual) ? actual : wanted;
}

function checkAuthors(file: string, expected: Expectation, result: ParseResult, authors: string[], bytes: Uint8Array): void {
  for (const item of result.items) {
    // The item model: author is null exactly for system items.
    expect(item.author === null, `${file} line ${item.line}: kind ${item.kind}, author ${String(item.author)}`).toBe(
      item.kind === 'system',
    );
  }
  for (const name of expected.notAuthors ?? []) {
    expect(authors, `${file}: "${name}" occurs only as system text and must not be an author`).not.toContain(name);
  }
  // An author must be written somewhere other than on the lines where system items start: a name taken
  // from a system line ("X created group ...", a group-name prefix) fails here even if expected.json is wrong.
  const lines = rawChatLines(file, bytes, expected.member);
  const systemStarts = new Set(result.items.filter((item) => item.kind === 'system').map((item) => item.line));
  for (const author of authors) {
    const onPersonLine = lines.some((line, index) => line.includes(author) && !systemStarts.has(index + 1));
    expect(onPersonLine, `${file}: author "${author}" occurs only in system text`).toBe(true);
    if (!result.format.startsWith('whatsapp')) continue;
    // In WhatsApp text the name is written with its colon on the header line of its items.
    const headed = result.items.some((item) => item.author === author && (lines[item.line - 1] ?? '').includes(`${author}:`));
    expect(headed, `${file}: author "${author}" is not written as "${author}:" on any of its header lines`).toBe(true);
  }
}

describe('golden: shared export fixtures', () => {
  it('has exactly one expectation per export file in the folder', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => !(file in expectations)), 'export files without an expectation').toEqual([]);
    expect(
      Object.keys(expectations).filter((file) => !files.includes(file)),
      'expectations without a file',
    ).toEqual([]);
  });

  for (const file of files) {
    it(file, async () => {
      const expected = expectations[file];
      if (expected === undefined) throw new Error(`${file} has no expectation in tests/unit/golden/expected.json`);
      const bytes = readFixture(file);
      const name = basename(file);
      const result = await parseExport({ name, bytes });
      const summary = summarize(name, result);

      const actual = {
        format: summary.format,
        dateOrder: summary.dateOrder,
        messages: summary.messages,
        system: summary.system,
        media: summary.media,
        deleted: summary.deleted,
        authors: summary.authors,
        first: summary.first,
        last: summary.last,
      };
      const wanted = {
        format: accept<string>(expected.format, summary.format),
        dateOrder: accept<string | null>(expected.dateOrder, summary.dateOrder),
        messages: expected.messages,
        system: expected.system,
        media: expected.media,
        deleted: expected.deleted,
        authors: expected.authors,
        first: expected.first,
        last: expected.last,
      };
      expect(actual, `${file}\n${expected.notes}`).toEqual(wanted);
      checkAuthors(file, expected, result, Object.keys(summary.authors), bytes);
    });
  }
});
