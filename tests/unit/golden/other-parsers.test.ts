// Cross-check with other parsers' expected outputs stored next to the fixtures: chat-miner's
// *_target.csv / chat-miner__target.json and the R data of WhatsR and rwhatsapp (.rds, read without R).
// Every place where we deliberately differ is normalized in exactly one spot below, with the reason.

import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExport } from '../../../src/lib/ingest/index';
import type { ParsedItem, ParseResult } from '../../../src/lib/ingest/types';
import { EXPORTS_ROOT, listAllFiles, rawChatLines, readFixture } from './expectations';
import { columnStrings, dataFrameColumns, posixToIso, readRds } from './r-data';

interface Row {
  ts: string;
  author: string;
  text: string;
}

const all = listAllFiles();

async function parse(file: string): Promise<ParseResult> {
  return parseExport({ name: basename(file), bytes: readFixture(file) });
}

/** RFC 4180 CSV (quoted fields, "" escapes, newlines inside quotes); enough for the target files. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

/**
 * Our text as chat-miner writes it: chat-miner joins the lines of a multi-line message with a space
 * (we keep '\n'), strips both ends, and NFKC-normalizes header lines (so an NBSP in the text becomes a
 * space there, while the item model keeps text as written).
 */
function asChatMiner(text: string): string {
  return text.replace(/\n/g, ' ').trim().normalize('NFKC');
}

/**
 * Our person items as chat-miner rows. A line "Name:." (a colon followed by "." instead of a space) is
 * for us Name's message "."; chat-miner's 2023 parser gives it to Name too but replaces the text with
 * "<Disappearing Message>", its HEAD parser drops the line: `dotLines` says which of the two to mimic.
 */
function person(file: string, items: ParsedItem[], dotLines: 'disappearing' | 'drop'): Row[] {
  const lines = rawChatLines(file, readFixture(file));
  const rows: Row[] = [];
  for (const item of items) {
    if (item.author === null) continue;
    const dotLine = item.text === '.' && (lines[item.line - 1] ?? '').endsWith(`${item.author}:.`);
    if (dotLine && dotLines === 'drop') continue;
    rows.push({ ts: item.ts, author: item.author, text: dotLine ? '<Disappearing Message>' : asChatMiner(item.text) });
  }
  return rows;
}

describe('chat-miner targets (2023-12 parser, CSV)', () => {
  const targets = all.filter((f) => /chat-miner[^/]*_target\.csv$/.test(f));
  it('finds the target files', () => expect(targets.length).toBeGreaterThan(0));

  for (const target of targets) {
    const source = target.replace(/_target\.csv$/, '.txt');
    it(`${source} matches ${basename(target)}`, async () => {
      const [header, ...body] = parseCsv(readFileSync(EXPORTS_ROOT + target, 'utf8'));
      expect(header?.slice(0, 3)).toEqual(['timestamp', 'author', 'message']);
      // chat-miner reads the file bottom-up: its rows are in reverse file order.
      const rows = body.map(([ts = '', author = '', text = '']) => ({ ts: ts.replace(' ', 'T'), author, text })).reverse();
      const result = await parse(source);

      // chat-miner keeps system lines as rows by the pseudo-author "System"; we make them system items
      // (author null). Their text must still be ours.
      const theirSystem = rows.filter((r) => r.author === 'System').map((r) => ({ ts: r.ts, text: r.text }));
      const ourSystem = result.items.filter((i) => i.kind === 'system').map((i) => ({ ts: i.ts, text: i.text }));
      expect(ourSystem, 'system lines').toEqual(theirSystem);

      const theirPerson = rows.filter((r) => r.author !== 'System').map((r) => ({ ...r, text: r.text.normalize('NFKC') }));
      expect(person(source, result.items, 'disappearing')).toEqual(theirPerson);
    });
  }
});

describe('chat-miner target.json (HEAD parser, one expectation for every test_*.txt)', () => {
  const targets = all.filter((f) => /chat-miner[^/]*target\.json$/.test(f));
  it('finds the target file', () => expect(targets.length).toBeGreaterThan(0));

  for (const target of targets) {
    const prefix = basename(target).replace(/target\.json$/, 'test_');
    const sources = all.filter((f) => dirname(f) === dirname(target) && basename(f).startsWith(prefix) && f.endsWith('.txt'));
    it(`${basename(target)} has source files`, () => expect(sources.length).toBeGreaterThan(0));
    const json: unknown = JSON.parse(readFileSync(EXPORTS_ROOT + target, 'utf8'));
    const rows: Row[] = (Array.isArray(json) ? json : []).map((r: unknown) => {
      const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
      return { ts: String(o.timestamp), author: String(o.author), text: String(o.message) };
    });

    for (const source of sources) {
      it(`${source} matches ${basename(target)}`, async () => {
        const result = await parse(source);
        // chat-miner at HEAD drops system lines and the "Name:." line altogether (we keep them as system
        // items and as Name's message), lists rows bottom-up, and joins multi-line messages with a space.
        expect(person(source, result.items, 'drop')).toEqual([...rows].reverse().map((r) => ({ ...r, text: r.text.normalize('NFKC') })));
      });
    }
  }
});

/** The R data files and the export each was computed from, as the manifest names them. */
function rDataPairs(): { rds: string; source: string }[] {
  const manifest: unknown = JSON.parse(readFileSync(`${EXPORTS_ROOT}manifest.json`, 'utf8'));
  const pairs: { rds: string; source: string }[] = [];
  for (const entry of Array.isArray(manifest) ? manifest : []) {
    const o = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const dest = typeof o.dest === 'string' ? o.dest : '';
    const input = typeof o.fmt === 'string' ? /^expected parse of (\S+)/.exec(o.fmt)?.[1] : undefined;
    if (!/\.rds$/i.test(dest) || input === undefined) continue;
    const source = all.find((f) => dirname(f) === dirname(dest) && f.toLowerCase().endsWith(`__${input.toLowerCase()}`));
    if (source !== undefined) pairs.push({ rds: dest, source });
  }
  return pairs;
}

describe('R packages (WhatsR, rwhatsapp) expected data', () => {
  const pairs = rDataPairs();
  it('pairs every .rds file with its source export', () => {
    expect(pairs.map((p) => p.rds).sort()).toEqual(all.filter((f) => /\.rds$/i.test(f)).sort());
  });

  for (const { rds, source } of pairs) {
    it(`${source} matches ${basename(rds)}`, async () => {
      const columns = dataFrameColumns(readRds(readFixture(rds)));
      const result = await parse(source);
      const whatsR = columns.has('Sender');
      const time = columns.get(whatsR ? 'DateTime' : 'time');
      const author = columns.get(whatsR ? 'Sender' : 'author');
      const message = columns.get(whatsR ? 'Message' : 'text');
      if (time?.kind !== 'double' || author === undefined || message === undefined) throw new Error(`${rds}: unexpected columns`);
      const authors = columnStrings(author);
      const texts = columnStrings(message);
      const systemTexts = whatsR ? columnStrings(columns.get('SystemMessage') ?? message) : texts;

      const theirs = time.values.map((seconds, i) => {
        // WhatsR marks system rows by the sender "WhatsApp System Message", rwhatsapp by a missing author.
        const system = whatsR ? authors[i] === 'WhatsApp System Message' : authors[i] === null;
        // rwhatsapp stores the seconds of the moment it ran, not of the chat: compare to the minute.
        const ts = (posixToIso(seconds) ?? '').slice(0, whatsR ? 19 : 16);
        const raw = (system ? systemTexts[i] : texts[i]) ?? '';
        // WhatsR writes line breaks as "start_newline" (trailing ones included) and collapses runs of
        // spaces; we keep '\n', trim the end, and keep the spaces as written.
        const text = raw.replace(/(\s*start_newline)+\s*$/, '').replace(/ ?start_newline ?/g, '\n').replace(/ {2,}/g, ' ');
        return { ts, author: system ? null : authors[i], text };
      });
      const ours = result.items.map((i) => ({
        ts: i.ts.slice(0, whatsR ? 19 : 16),
        author: i.author,
        // An empty body (the view-once photo) is an empty text for us and NA for WhatsR.
        text: i.text.replace(/ {2,}/g, ' '),
      }));
      expect(ours).toEqual(theirs);
    });
  }
});
