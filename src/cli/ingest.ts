// `npm run -s ingest -- <file> [--summary|--json]`: the ingest pipeline in node, a stable contract
// for scripts and benchmarks. Exit codes: 0 ok, 1 the file cannot be imported (the sentence the UI
// shows goes to stderr), 2 bad usage or a missing file.

import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type * as Ingest from '../lib/ingest/index';
import type { ParseResult } from '../lib/ingest/index';

// The parsers load only once the arguments and the file are known to be fine: usage errors stay instant.
const loadIngest = (): Promise<typeof Ingest> => import('../lib/ingest/index');

const USAGE = `usage: npm run -s ingest -- <file> [--summary | --json]

Parses a chat export (WhatsApp .txt/.zip, imessage-exporter .txt/.html, iMazing .csv, generic CSV/JSON).
  (default)   a human summary: format, locale, participants, date range
  --summary   one JSON object (file, format, locale, dateOrder, messages, system, media, deleted,
              authors, first, last)
  --json      one JSON object per parsed item and line: {"ts","author","kind","text"}
`;

type Mode = 'human' | 'summary' | 'json';

interface Args {
  path: string;
  mode: Mode;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args | 'help' {
  let path: string | undefined;
  let mode: Mode = 'human';
  let modeFlags = 0;
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--summary' || arg === '--json') {
      mode = arg === '--summary' ? 'summary' : 'json';
      modeFlags++;
    } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    else if (path === undefined) path = arg;
    else throw new UsageError('give exactly one file');
  }
  if (path === undefined) throw new UsageError('no file given');
  if (modeFlags > 1) throw new UsageError('--summary and --json cannot be combined');
  return { path, mode };
}

/** Writes and waits for the pipe to drain, so big --json outputs do not pile up in memory. */
function write(chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = process.stdout.write(chunk, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else process.stdout.once('drain', resolve);
  });
}

function humanSummary(path: string, result: ParseResult, summarize: typeof Ingest.summarize): string {
  const s = summarize(path, result);
  const authors = Object.entries(s.authors).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const width = Math.max(0, ...authors.map(([name]) => [...name].length));
  const lines = [
    `File:         ${path}`,
    `Format:       ${s.format}`,
    ...(result.chatName !== null ? [`Chat:         ${result.chatName}`] : []),
    `Locale:       ${s.locale ?? 'unknown'}`,
    `Date order:   ${s.dateOrder ?? 'n/a'}`,
    `Messages:     ${s.messages} by people (${s.media} media, ${s.deleted} deleted), ${s.system} system`,
    `Participants: ${authors.length}`,
    ...authors.map(([name, count]) => `  ${name}${' '.repeat(width - [...name].length)}  ${count}`),
    `Date range:   ${s.first !== null && s.last !== null ? `${s.first.ts} .. ${s.last.ts}` : 'none'}`,
  ];
  if (result.warnings.length > 0) lines.push('Warnings:', ...result.warnings.map((w) => `  - ${w}`));
  return `${lines.join('\n')}\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`ingest: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const { path, mode } = args;
  const name = basename(path);

  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      process.stderr.write(`"${name}" is a folder, not a file. Pick the exported chat file inside it.\n`);
      return 1;
    }
    size = info.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      process.stderr.write(`ingest: no such file: ${path}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`"${name}" cannot be read (${code ?? String(error)}).\n`);
    return 1;
  }

  const { ImportError, assertFileSize, parseExport, summarize } = await loadIngest();
  let result: ParseResult;
  try {
    assertFileSize(name, size);
    let buffer: Buffer;
    try {
      buffer = await readFile(path);
    } catch (error) {
      process.stderr.write(`"${name}" cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).\n`);
      return 1;
    }
    result = await parseExport({ name, bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) });
  } catch (error) {
    if (error instanceof ImportError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }

  if (mode === 'summary') {
    await write(`${JSON.stringify(summarize(path, result))}\n`);
  } else if (mode === 'json') {
    let batch = '';
    for (const item of result.items) {
      batch += `${JSON.stringify({ ts: item.ts, author: item.author, kind: item.kind, text: item.text })}\n`;
      if (batch.length > 1 << 16) {
        await write(batch);
        batch = '';
      }
    }
    if (batch !== '') await write(batch);
  } else {
    await write(humanSummary(path, result, summarize));
  }
  return 0;
}

// A closed pipe (`... --json | head`) is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ingest: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
