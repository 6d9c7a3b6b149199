// `npm run -s ingest -- <file> [--summary|--json|--profile]`: the ingest pipeline in node, a stable contract
// for scripts and benchmarks. Exit codes: 0 ok, 1 the file cannot be imported (the sentence the UI
// shows goes to stderr), 2 bad usage or a missing file.

import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type * as Ingest from '../lib/ingest/index';
import type { ParseResult } from '../lib/ingest/index';
import type * as Style from '../lib/persona/style';
import type { StyleProfile } from '../lib/persona/types';
import { UsageError, parseOrExit } from './usage';

// The parsers load only once the arguments and the file are known to be fine: usage errors stay instant.
const loadIngest = (): Promise<typeof Ingest> => import('../lib/ingest/index');
const loadStyle = (): Promise<typeof Style> => import('../lib/persona/style');

const USAGE = `usage: npm run -s ingest -- <file> [--summary | --json]
       npm run -s ingest -- <file> --profile [--person NAME]

Parses a chat export (WhatsApp .txt/.zip, imessage-exporter .txt/.html, iMazing .csv, generic CSV/JSON).
  (default)   a human summary: format, locale, participants, date range
  --summary   one JSON object (file, format, locale, dateOrder, messages, system, media, deleted,
              authors, first, last)
  --json      one JSON object per parsed item and line: {"ts","author","kind","text"}
  --profile   the style profile (one JSON object) of one participant: --person NAME, or by default
              the author with the most text messages; PII is masked first, as in the app
  --finetune  the persona's fine-tune JSONL, as the app exports it (training pairs only), for
              \`npm run train\`; --me NAME: who the persona talks to (default: the other participant
              of a two-person chat); --held-out: the held-out pairs instead, in the same form, to
              measure an adapter on replies it never saw
`;

type Mode = 'human' | 'summary' | 'json' | 'profile' | 'finetune';

interface Args {
  path: string;
  mode: Mode;
  /** --profile, --finetune: whose (default: the author with the most text messages). */
  person?: string;
  /** --finetune: who the persona talks to. */
  me?: string;
  /** --finetune: write the held-out pairs instead of the training ones. */
  heldOut?: boolean;
}

function parseArgs(argv: readonly string[]): Args | 'help' {
  let path: string | undefined;
  let mode: Mode = 'human';
  let modeFlags = 0;
  let person: string | undefined;
  let me: string | undefined;
  let heldOut = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--summary' || arg === '--json' || arg === '--profile' || arg === '--finetune') {
      mode = arg === '--summary' ? 'summary' : arg === '--json' ? 'json' : arg === '--profile' ? 'profile' : 'finetune';
      modeFlags++;
    } else if (arg === '--person' || arg.startsWith('--person=')) {
      person = arg === '--person' ? argv[++i] : arg.slice('--person='.length);
      if (person === undefined || person === '') throw new UsageError('--person needs a name');
    } else if (arg === '--me' || arg.startsWith('--me=')) {
      me = arg === '--me' ? argv[++i] : arg.slice('--me='.length);
      if (me === undefined || me === '') throw new UsageError('--me needs a name');
    } else if (arg === '--held-out') {
      heldOut = true;
    } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    else if (path === undefined) path = arg;
    else throw new UsageError('give exactly one file');
  }
  if (path === undefined) throw new UsageError('no file given');
  if (modeFlags > 1) throw new UsageError('--summary, --json, --profile and --finetune cannot be combined');
  if (person !== undefined && mode !== 'profile' && mode !== 'finetune') throw new UsageError('--person goes with --profile or --finetune');
  if ((me !== undefined || heldOut) && mode !== 'finetune') throw new UsageError('--me and --held-out go with --finetune');
  return { path, mode, ...(person === undefined ? {} : { person }), ...(me === undefined ? {} : { me }), ...(heldOut ? { heldOut } : {}) };
}

/** Writes and waits for the pipe to drain, so big --json outputs do not pile up in memory. */
function write(chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = process.stdout.write(chunk, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else process.stdout.once('drain', resolve);
  });
}

/**
 * The style profile of one participant, built as the app builds it: stable ids, PII masked (with a
 * throwaway salt: tokens are never words, so the numbers do not depend on it), turns of bursts within
 * 5 minutes. A UsageError when the person is not in the chat.
 */
async function styleProfileOf(result: ParseResult, person: string | undefined): Promise<StyleProfile> {
  const { authorStats, messageIds, turnsWithIds } = await import('../lib/ingest/normalize');
  const { createMasker } = await import('../lib/ingest/mask');
  const { computeStyleProfile } = await loadStyle();
  const stats = authorStats(result.items);
  // Most text messages first; ties keep the order of first appearance (the sort is stable).
  const byMessages = [...stats].sort((a, b) => b.messages - a.messages);
  const name = person ?? byMessages[0]?.author;
  if (name === undefined || !stats.some((s) => s.author === name)) {
    const names = byMessages.map((s) => s.author).join(', ');
    throw new UsageError(name === undefined ? 'the chat has no participants' : `no participant named "${name}" (participants: ${names})`);
  }
  const mask = createMasker({ salt: Math.random().toString(36).slice(2) });
  const items = result.items.map((item) => (item.kind === 'message' ? { ...item, text: mask(item.text).text } : item));
  const ids = messageIds(result.items);
  const messages = items.map((item, i) => ({ id: ids[i] ?? '', ts: item.ts, author: item.author, kind: item.kind, text: item.text }));
  return computeStyleProfile(messages, turnsWithIds(items, ids, { maxGapMinutes: 5 }), name);
}

/**
 * The fine-tune JSONL of one participant, built as the app builds and exports it: PII masked (a fixed
 * salt, so the output repeats), turns of bursts within 5 minutes, profile and pairs from all messages,
 * the app's prompt parts. With `heldOut`, the held-out pairs in the same form (for measuring, never training).
 */
async function finetuneOf(result: ParseResult, args: Args): Promise<{ jsonl: string; lines: number }> {
  const { authorStats, messageIds, turnsWithIds } = await import('../lib/ingest/normalize');
  const { createMasker } = await import('../lib/ingest/mask');
  const { computeStyleProfile } = await loadStyle();
  const { buildPairs } = await import('../lib/persona/pairs');
  const { finetuneJsonl, finetunePromptParts } = await import('../lib/persona/finetune');
  const byMessages = [...authorStats(result.items)].sort((a, b) => b.messages - a.messages);
  const names = byMessages.map((s) => s.author);
  const person = args.person ?? names[0];
  if (person === undefined || !names.includes(person)) {
    throw new UsageError(person === undefined ? 'the chat has no participants' : `no participant named "${person}" (participants: ${names.join(', ')})`);
  }
  if (args.me !== undefined && !names.includes(args.me)) throw new UsageError(`no participant named "${args.me}" for --me (participants: ${names.join(', ')})`);
  const others = names.filter((n) => n !== person);
  const me = args.me ?? (others.length === 1 ? (others[0] ?? null) : null);
  const mask = createMasker({ salt: 'personayou-finetune' });
  const items = result.items.map((item) => (item.kind === 'message' ? { ...item, text: mask(item.text).text } : item));
  const ids = messageIds(result.items);
  const messages = items.map((item, i) => ({ id: ids[i] ?? '', ts: item.ts, author: item.author, kind: item.kind, text: item.text }));
  const turns = turnsWithIds(items, ids, { maxGapMinutes: 5 });
  const profile = computeStyleProfile(messages, turns, person);
  const { pairs } = buildPairs(turns, person);
  const prompt = await finetunePromptParts({ displayName: person, personName: person, userName: me, profile, pinnedMemories: [] });
  // The export writes the pairs not held out; for --held-out, flip which ones those are.
  const chosen = args.heldOut === true ? pairs.map((p) => ({ ...p, heldOut: !p.heldOut })) : pairs;
  const out = finetuneJsonl({ displayName: person, personName: person, styleSummary: profile.summary, definition: undefined, pairs: chosen, prompt });
  return { jsonl: out.jsonl, lines: out.lines };
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
  const args = parseOrExit('ingest', USAGE, argv, parseArgs);
  if (typeof args === 'number') return args;
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

  if (mode === 'finetune') {
    try {
      const out = await finetuneOf(result, args);
      await write(out.jsonl);
      process.stderr.write(`ingest: ${out.lines} ${args.heldOut === true ? 'held-out' : 'training'} pairs\n`);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      process.stderr.write(`ingest: ${error.message}\n`);
      return 2;
    }
  } else if (mode === 'profile') {
    try {
      await write(`${JSON.stringify(await styleProfileOf(result, args.person))}\n`);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      process.stderr.write(`ingest: ${error.message}\n`);
      return 2;
    }
  } else if (mode === 'summary') {
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
