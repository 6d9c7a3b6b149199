// `npm run bench:ingest`: our WhatsApp parser against whatsapp-chat-parser on the same synthetic export.
// Invariants: stdout carries exactly one JSON object (progress goes to stderr); both parsers see the
// same strings in the same process, alternating, after a warm-up; times are medians of repetitions.
// Usage: tsx tests/bench/ingest.bench.ts [--messages 100000] [--reps 11] [--seed 1] [--budget-s 35]

import os from 'node:os';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parseString } from 'whatsapp-chat-parser';
import { parseWhatsAppText } from '../../src/lib/ingest/whatsapp/index';
import type { ParseResult } from '../../src/lib/ingest/types';
import { EXPORT_LAYOUTS, generateWhatsAppExport, type ExportLayout, type GeneratedExport } from './generate-export';

interface Args {
  messages: number;
  reps: number;
  warmup: number;
  seed: number;
  budgetMs: number;
}

function readArgs(argv: readonly string[]): Args {
  const args: Args = { messages: 100_000, reps: 11, warmup: 2, seed: 1, budgetMs: 35_000 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = Number(argv[i + 1]);
    if (!Number.isFinite(value) || value < 0) throw new Error(`bad value for ${key ?? '?'}: ${argv[i + 1] ?? ''}`);
    if (key === '--messages') args.messages = Math.floor(value);
    else if (key === '--reps') args.reps = Math.max(1, Math.floor(value));
    else if (key === '--warmup') args.warmup = Math.floor(value);
    else if (key === '--seed') args.seed = Math.floor(value);
    else if (key === '--budget-s') args.budgetMs = value * 1000;
    else throw new Error(`unknown option ${key ?? ''}`);
  }
  return args;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const hi = sorted[mid] ?? NaN;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

const round = (n: number, digits = 1): number => Number(n.toFixed(digits));
const perSecond = (count: number, ms: number): number => (ms > 0 ? Math.round((count * 1000) / ms) : 0);

interface OurCount {
  messages: number;
  system: number;
  authors: Record<string, number>;
}

function countOurs(result: ParseResult): OurCount {
  const authors: Record<string, number> = {};
  let messages = 0;
  let system = 0;
  for (const item of result.items) {
    if (item.author === null) {
      system++;
      continue;
    }
    messages++;
    authors[item.author] = (authors[item.author] ?? 0) + 1;
  }
  return { messages, system, authors };
}

// Says where a parse differs from what the generator wrote, so a failing run is easy to act on.
function mismatches(got: OurCount, want: GeneratedExport['expected']): string[] {
  const out: string[] = [];
  if (got.messages !== want.messages) out.push(`messages ${got.messages} != ${want.messages}`);
  if (got.system !== want.system) out.push(`system ${got.system} != ${want.system}`);
  const names = new Set([...Object.keys(got.authors), ...Object.keys(want.authors)]);
  for (const name of names) {
    const g = got.authors[name] ?? 0;
    const w = want.authors[name] ?? 0;
    if (g !== w) out.push(`author ${JSON.stringify(name)} ${g} != ${w}`);
  }
  return out.slice(0, 10);
}

interface Case {
  layout: ExportLayout;
  file: GeneratedExport;
  oursMs: number[];
  theirsMs: number[];
  ours: OurCount | null;
  oursError: string | null;
  theirsItems: number;
  theirsWithAuthor: number;
}

// A full collection before each timed parse, so neither parser pays for the other's garbage.
// `npm run` cannot pass --expose-gc through tsx, so the flag is set at run time.
const collectGarbage: () => void = (() => {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    if (typeof gc === 'function') return () => void gc();
  } catch {
    // Without gc the medians are noisier but still fair: the order alternates every round.
  }
  return () => undefined;
})();

// Promise.resolve keeps the bench working whether the parser is synchronous or returns a promise.
async function runOurs(c: Case): Promise<number> {
  collectGarbage();
  const start = performance.now();
  const result = await Promise.resolve(parseWhatsAppText(c.file.text, c.file.fileName));
  const ms = performance.now() - start;
  c.ours = countOurs(result);
  return ms;
}

function runTheirs(c: Case): number {
  collectGarbage();
  const start = performance.now();
  const items = parseString(c.file.text);
  const ms = performance.now() - start;
  c.theirsItems = items.length;
  c.theirsWithAuthor = items.reduce((n, m) => (m.author === null ? n : n + 1), 0);
  return ms;
}

async function measure(c: Case, oursFirst: boolean, record: boolean): Promise<void> {
  const order = oursFirst ? ['ours', 'theirs'] : ['theirs', 'ours'];
  for (const who of order) {
    if (who === 'theirs') {
      const ms = runTheirs(c);
      if (record) c.theirsMs.push(ms);
    } else if (c.oursError === null) {
      try {
        const ms = await runOurs(c);
        if (record) c.oursMs.push(ms);
      } catch (err) {
        c.oursError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        log(`  our parser failed on ${c.layout}: ${c.oursError}`);
      }
    }
  }
}

function side(count: number, times: readonly number[]): { medianMs: number | null; messagesPerSecond: number | null } {
  if (times.length === 0) return { medianMs: null, messagesPerSecond: null };
  const ms = median(times);
  return { medianMs: round(ms), messagesPerSecond: perSecond(count, ms) };
}

async function main(): Promise<void> {
  const args = readArgs(process.argv.slice(2));
  const perLayout = Math.floor(args.messages / EXPORT_LAYOUTS.length);
  log(`generating ${perLayout * EXPORT_LAYOUTS.length} messages in ${EXPORT_LAYOUTS.length} layouts (seed ${args.seed})`);
  const cases: Case[] = EXPORT_LAYOUTS.map((layout) => ({
    layout,
    file: generateWhatsAppExport({ messages: perLayout, layout, seed: args.seed }),
    oursMs: [],
    theirsMs: [],
    ours: null,
    oursError: null,
    theirsItems: 0,
    theirsWithAuthor: 0,
  }));

  log(`warm-up: up to ${args.warmup} round(s)`);
  let warmupRounds = 0;
  while (warmupRounds < args.warmup) {
    const start = performance.now();
    for (const c of cases) await measure(c, warmupRounds % 2 === 0, false);
    warmupRounds++;
    // One round is warm-up enough when a round is slow; the time is better spent measuring.
    if (performance.now() - start > args.budgetMs / 8) break;
  }

  // Alternate who goes first each round so neither parser always inherits the other's garbage.
  const started = performance.now();
  let rounds = 0;
  while (rounds < args.reps) {
    for (const c of cases) await measure(c, rounds % 2 === 0, true);
    rounds++;
    const elapsed = performance.now() - started;
    log(`round ${rounds}/${args.reps} (${Math.round(elapsed)} ms)`);
    // Keep the whole run bounded on slow machines, but never below three samples per side.
    if (rounds >= 3 && elapsed * (1 + 1 / rounds) > args.budgetMs) {
      log(`time budget reached after ${rounds} rounds`);
      break;
    }
  }

  const layouts: Record<string, unknown> = {};
  let totalMessages = 0;
  let totalSystem = 0;
  let totalOurMessages = 0;
  let totalTheirs = 0;
  let totalTheirsWithAuthor = 0;
  let totalOursMs = 0;
  let totalTheirsMs = 0;
  let allMatch = true;
  for (const c of cases) {
    const want = c.file.expected;
    const problems = c.ours === null ? ['not parsed'] : mismatches(c.ours, want);
    const matches = c.oursError === null && problems.length === 0;
    allMatch &&= matches;
    const ours = side(want.messages, c.oursMs);
    const theirs = side(want.messages, c.theirsMs);
    totalMessages += want.messages;
    totalSystem += want.system;
    totalOurMessages += c.ours?.messages ?? 0;
    totalTheirs += c.theirsItems;
    totalTheirsWithAuthor += c.theirsWithAuthor;
    totalOursMs += ours.medianMs ?? NaN;
    totalTheirsMs += theirs.medianMs ?? NaN;
    layouts[c.layout] = {
      file: c.file.fileName,
      bytes: new TextEncoder().encode(c.file.text).length,
      generated: { messages: want.messages, system: want.system, authors: Object.keys(want.authors).length },
      ours: {
        messages: c.ours?.messages ?? null,
        system: c.ours?.system ?? null,
        matchesExpected: matches,
        ...(matches ? {} : { mismatches: c.oursError !== null ? [c.oursError] : problems }),
        ...ours,
      },
      whatsappChatParser: { items: c.theirsItems, withAuthor: c.theirsWithAuthor, ...theirs },
      ratio:
        ours.messagesPerSecond !== null && theirs.messagesPerSecond !== null && theirs.messagesPerSecond > 0
          ? round(ours.messagesPerSecond / theirs.messagesPerSecond, 2)
          : null,
    };
  }

  const oursPerSecond = Number.isFinite(totalOursMs) ? perSecond(totalMessages, totalOursMs) : null;
  const theirsPerSecond = Number.isFinite(totalTheirsMs) ? perSecond(totalMessages, totalTheirsMs) : null;
  const report = {
    benchmark: 'ingest',
    node: process.version,
    cpus: os.cpus().length,
    platform: `${process.platform}-${process.arch}`,
    seed: args.seed,
    warmupRounds,
    measuredRounds: rounds,
    // messages/s counts the person messages in the input, the same numerator for both parsers.
    unit: 'messagesPerSecond = generated person messages / median parse time',
    layouts,
    total: {
      generated: { messages: totalMessages, system: totalSystem },
      ours: {
        messages: totalOurMessages,
        matchesExpected: allMatch,
        medianMs: Number.isFinite(totalOursMs) ? round(totalOursMs) : null,
        messagesPerSecond: oursPerSecond,
      },
      whatsappChatParser: {
        items: totalTheirs,
        withAuthor: totalTheirsWithAuthor,
        medianMs: Number.isFinite(totalTheirsMs) ? round(totalTheirsMs) : null,
        messagesPerSecond: theirsPerSecond,
      },
      ratio: oursPerSecond !== null && theirsPerSecond !== null && theirsPerSecond > 0 ? round(oursPerSecond / theirsPerSecond, 2) : null,
    },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (!allMatch) process.exitCode = 1;
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 2;
});
