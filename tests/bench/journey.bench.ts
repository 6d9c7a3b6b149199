// `npm run bench:journey`: a new person's way from picking an export to the persona's first streamed token,
// in the built app (vite build + vite preview) in real Chromium, on a generated 5,000-message WhatsApp
// export, with the MiniLM-L6-shape embedder and the recommended CPU chat model served as the tiny test llama
// from /models/. The time is split by phase from the app's own performance marks (src/lib/util/phase-timing).
// Next to it: the bare engines doing the same work without the app, in the same process (parse in node;
// embed the very texts the app embedded in a bare transformers.js worker; load the chat model and stream
// the first token of the app's own first prompt in a bare pipeline worker), and the ratios.
// With --real: the real models of `npm run models:real` instead, Gemma 3 270M (GGUF engine) as the chat model,
// remembered as chosen before so the chat offers it, and the real all-MiniLM-L6-v2; the bare reference for
// the chat model is then load + first token of the app's own transcript prompt in a bare wllama worker.
// One JSON object on stdout; progress on stderr. Rounds alternate app/bare so machine load hits both alike.
// Usage: tsx tests/bench/journey.bench.ts [--rounds 1] [--messages 5000] [--seed 7] [--batch 32] [--skip-build] [--real]
import type { Browser, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { preview, type PreviewServer } from 'vite';
import { embedItems, type EmbedSources } from '../../src/lib/embed/texts';
import { parseExport } from '../../src/lib/ingest/index';
import { parseServerGgufIndex, serverGgufEntries } from '../../src/lib/llm/catalog';
import type { ChatMessage } from '../../src/lib/llm/types';
import { PHASE_MARK_PREFIX, type PhaseMark } from '../../src/lib/util/phase-timing';
import { createPersona, dbSnapshot, pickFiles, serveRecommendedModelAsTiny, TINY_CPU_MODEL, useTestEmbedder } from '../e2e/app-model';
import { SERVED_MODELS } from '../model-gen/test-models';
import { GEMMA_GGUF, MINILM_ID, requireRealModels } from '../real/real-models';
import { openBenchPage } from './embed-harness';
import { generateWhatsAppExport } from './generate-export';
import type { JourneyBenchApi } from './journey-page';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT_DIR = 'dist-journey';
const APP_PORT = 4194;
const BARE_PORT = 4195;
const LAYOUT = 'android-en-GB';

const log = (line: string) => process.stderr.write(`${line}\n`);
const flag = (name: string) => process.argv.includes(name);
const real = flag('--real');
if (real) {
  try {
    requireRealModels();
  } catch (error) {
    log(`bench:journey --real: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
const EMBED_MODEL = real ? MINILM_ID : 'all-MiniLM-L6-v2-randomweights';
/** The real chat model as the app lists it (from .models/gguf/index.json), at `origin`'s /models/gguf/. */
function realChatEntry(origin: string) {
  const records = parseServerGgufIndex(JSON.parse(readFileSync(join(dirname(GEMMA_GGUF), 'index.json'), 'utf8')));
  const entry = serverGgufEntries(records, `${origin}/models/gguf/`).find((e) => e.fileName === basename(GEMMA_GGUF));
  if (entry === undefined) throw new Error(`.models/gguf/index.json does not list ${basename(GEMMA_GGUF)}: run npm run models:real again.`);
  return entry;
}
function count(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} takes a whole number, got ${process.argv[at + 1] ?? ''}`);
  return value;
}
const rounds = Math.max(1, count('--rounds', 1));
const messages = count('--messages', 5000);
const seed = count('--seed', 7);
const batchSize = Math.max(1, count('--batch', 32));
const loadAverage = () => os.loadavg().map((l) => Math.round(l * 10) / 10);
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

// The export, written where a person's file would be.
const generated = generateWhatsAppExport({ messages, layout: LAYOUT, seed });
const exportDir = join(ROOT, 'tests/.tmp/journey');
mkdirSync(exportDir, { recursive: true });
const exportPath = join(exportDir, generated.fileName);
writeFileSync(exportPath, generated.text);
const [person] = Object.entries(generated.expected.authors).sort((a, b) => b[1] - a[1])[0] ?? [];
if (person === undefined) throw new Error('the generated export has no author');

/** The bare parse: the app's parser on the file's bytes in node, cold (as the app's worker is). */
async function bareParse(): Promise<{ readMs: number; parseMs: number; items: number }> {
  const started = performance.now();
  const bytes = new Uint8Array(readFileSync(exportPath));
  const read = performance.now();
  const result = await parseExport({ name: generated.fileName, bytes });
  return { readMs: Math.round(read - started), parseMs: Math.round(performance.now() - read), items: result.items.length };
}

type Marks = Partial<Record<PhaseMark, number>>;

/** The app's phase marks, ms after the file was picked (the first of each name: one import per page). */
async function readMarks(page: Page): Promise<Marks> {
  const entries = await page.evaluate((prefix) => performance.getEntriesByType('mark').filter((m) => m.name.startsWith(prefix)).map((m) => [m.name.slice(prefix.length), m.startTime] as const), PHASE_MARK_PREFIX);
  const marks: Marks = {};
  for (const [name, at] of entries) marks[name as PhaseMark] ??= at;
  const pick = marks['import:pick'];
  if (pick === undefined) throw new Error('the app marked no file pick');
  for (const name of Object.keys(marks) as PhaseMark[]) marks[name] = Math.round((marks[name] ?? 0) - pick);
  return marks;
}

const waitForMark = (page: Page, name: PhaseMark, timeout: number) =>
  page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, `${PHASE_MARK_PREFIX}${name}`, { timeout, polling: 50 });

/** What the app did, read from its database: the texts it embedded and the first reply's prompt. */
async function appWork(page: Page): Promise<{ texts: string[]; prompt: ChatMessage[]; completionPrompt: string }> {
  const { stores } = await dbSnapshot(page, ['personas', 'pairs', 'turns', 'memories', 'chatMessages']);
  const personas = (stores['personas'] ?? []) as { personName: string }[];
  const personName = personas[0]?.personName;
  const sources: EmbedSources = {
    pairs: (stores['pairs'] ?? []) as EmbedSources['pairs'],
    turns: ((stores['turns'] ?? []) as (EmbedSources['turns'][number] & { author: string })[]).filter((t) => t.author === personName),
    memories: (stores['memories'] ?? []) as EmbedSources['memories'],
  };
  // Shortest first, as the app's job orders them.
  const texts = embedItems(sources)
    .map((item) => item.text)
    .sort((a, b) => a.length - b.length);
  type Row = { seq: number; role: ChatMessage['role']; text: string; sections?: { text: string }[] };
  const rows = ((stores['chatMessages'] ?? []) as Row[]).sort((a, b) => a.seq - b.seq);
  const reply = rows.find((r) => r.role === 'assistant' && r.sections !== undefined);
  if (reply?.sections === undefined) throw new Error('the app stored no generated reply');
  const system = reply.sections.map((s) => s.text).join('\n\n');
  const history = rows.filter((r) => r.seq < reply.seq && r.text.trim() !== '').map((r) => ({ role: r.role, content: r.text }));
  // A base model's transcript prompt is its sections joined by line breaks (transcript-prompt.ts).
  return { texts, prompt: [{ role: 'system', content: system }, ...history], completionPrompt: reply.sections.map((s) => s.text).join('\n') };
}

/** One journey through the app in a fresh browser context (empty storage and caches). */
async function appRound(browser: Browser) {
  const context = await browser.newContext({ baseURL: `http://127.0.0.1:${APP_PORT}` });
  try {
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') log(`[app] ${m.text()}`);
    });
    if (real) await rememberChosenModel(page, realChatEntry(`http://127.0.0.1:${APP_PORT}`).id);
    else await serveRecommendedModelAsTiny(page);
    await useTestEmbedder(page, EMBED_MODEL);
    const started = Date.now();
    await pickFiles(page, [exportPath]);
    // The person is chosen and the offered model accepted as soon as each is on screen.
    await createPersona(page, person as string);
    const offer = page.getByTestId('chat-view').getByTestId('chat-no-model');
    if (real) {
      const offered = await offer.getByTestId('offer-name').textContent({ timeout: 120_000 });
      const wanted = realChatEntry(`http://127.0.0.1:${APP_PORT}`).label;
      if (offered !== wanted) throw new Error(`the chat offers ${offered ?? 'nothing'}, not ${wanted}`);
    }
    await offer.getByTestId('offer-start').click({ timeout: 120_000 });
    await waitForMark(page, 'reply:first-token', 300_000);
    log(`app: first token; waiting for the embeddings`);
    await waitForMark(page, 'embed:done', 900_000);
    const marks = await readMarks(page);
    log(`app round done in ${Math.round((Date.now() - started) / 1000)} s`);
    return { marks, work: await appWork(page) };
  } finally {
    await context.close();
  }
}

/** The model chosen on the Models screen in an earlier visit: the chat offers it ("You chose it before."). */
async function rememberChosenModel(page: Page, id: string): Promise<void> {
  await page.addInitScript((selectedId) => {
    const key = 'personayou.llm-settings';
    if (localStorage.getItem(key) === null) localStorage.setItem(key, JSON.stringify({ source: { kind: 'local' }, selectedId, customModels: [] }));
  }, id);
}

/** Milliseconds from mark `a` to mark `b`, or null when either is missing. */
const span = (marks: Marks, a: PhaseMark, b: PhaseMark): number | null => {
  const from = marks[a];
  const to = marks[b];
  return from === undefined || to === undefined ? null : to - from;
};

function appPhases(marks: Marks) {
  return {
    readParse: span(marks, 'import:pick', 'import:parsed'),
    chooseParticipant: span(marks, 'import:parsed', 'import:commit'),
    store: (span(marks, 'import:commit', 'import:build') ?? 0) + (span(marks, 'import:turns', 'import:done') ?? 0),
    build: span(marks, 'import:build', 'import:turns'),
    openChatAndAccept: span(marks, 'import:done', 'model:load'),
    modelLoad: span(marks, 'model:load', 'model:loaded'),
    preparePrompt: span(marks, 'model:loaded', 'reply:prompt'),
    firstToken: span(marks, 'reply:prompt', 'reply:first-token'),
    // In the background from the chat's opening: in parallel with the model load and the first reply.
    embed: {
      startsAt: marks['embed:start'] ?? null,
      modelLoad: span(marks, 'embed:start', 'embed:embedding'),
      embedding: span(marks, 'embed:embedding', 'embed:done'),
      total: span(marks, 'embed:start', 'embed:done'),
    },
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : Math.round(((s[mid - 1] ?? Number.NaN) + (s[mid] ?? Number.NaN)) / 2);
};

const loadAtStart = loadAverage();
process.env['PERSONAYOU_TEST_MODELS'] = SERVED_MODELS;
if (!flag('--skip-build')) {
  log(`building the app into ${OUT_DIR}/`);
  // In a child process whose output goes to stderr: stdout carries the JSON only.
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--outDir', OUT_DIR, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
}
const server: PreviewServer = await preview({ root: ROOT, logLevel: 'error', build: { outDir: OUT_DIR }, preview: { port: APP_PORT, strictPort: true, host: '127.0.0.1' } });
const bare = await openBenchPage(BARE_PORT, {
  html: 'journey-bench.html',
  entries: ['tests/bench/journey-bench.html', 'tests/bench/embed-bare-worker.ts', 'tests/bench/chat-bare-worker.ts', 'tests/bench/gguf-bare-worker.ts'],
  models: real ? [] : ['all-MiniLM-L6-v2-randomweights', TINY_CPU_MODEL],
});
const bareGguf = real ? realChatEntry(`http://127.0.0.1:${BARE_PORT}`) : null;
try {
  type Bench = { journeyBench: JourneyBenchApi };
  const app: ReturnType<typeof appPhases>[] = [];
  const appTotals: { firstToken: number; embeddingsDone: number; phasesMs: ReturnType<typeof appPhases> }[] = [];
  const bareRounds: { parse: Awaited<ReturnType<typeof bareParse>>; embed: Awaited<ReturnType<JourneyBenchApi['embed']>>; llm: Awaited<ReturnType<JourneyBenchApi['firstToken']>> }[] = [];
  let embedded = 0;
  let promptChars = 0;
  for (let round = 1; round <= rounds; round++) {
    log(`round ${round}/${rounds}: the app, ${messages} messages, cloning ${person}`);
    const { marks, work } = await appRound(bare.browser);
    app.push(appPhases(marks));
    appTotals.push({ firstToken: marks['reply:first-token'] ?? Number.NaN, embeddingsDone: marks['embed:done'] ?? Number.NaN, phasesMs: appPhases(marks) });
    embedded = work.texts.length;
    promptChars = real ? work.completionPrompt.length : work.prompt.reduce((sum, m) => sum + m.content.length, 0);
    log(`round ${round}/${rounds}: the bare engines (${work.texts.length} texts to embed)`);
    const parse = await bareParse();
    const embed = await bare.page.evaluate(([id, texts, size]) => (window as unknown as Bench).journeyBench.embed(id, texts, size), [EMBED_MODEL, work.texts, batchSize] as const);
    const llm =
      bareGguf === null
        ? await bare.page.evaluate(([id, prompt]) => (window as unknown as Bench).journeyBench.firstToken(id, prompt, 2), [TINY_CPU_MODEL, work.prompt] as const)
        : await bare.page.evaluate(([url, prompt, context]) => (window as unknown as Bench).journeyBench.ggufFirstToken(url, prompt, context, 2), [bareGguf.url ?? '', work.completionPrompt, bareGguf.contextWindow] as const);
    bareRounds.push({ parse, embed, llm });
    log(`round ${round}: app first token ${appTotals.at(-1)?.firstToken} ms; bare parse ${parse.parseMs} + load ${llm.loadMs} + first token ${llm.firstTokenMs} ms`);
  }
  const last = app[app.length - 1];
  const appFirstToken = median(appTotals.map((t) => t.firstToken));
  const appEmbeddingsDone = median(appTotals.map((t) => t.embeddingsDone));
  const appEmbed = median(app.map((a) => a.embed.total ?? Number.NaN));
  const bareParseMs = median(bareRounds.map((b) => b.parse.readMs + b.parse.parseMs));
  const bareEmbedMs = median(bareRounds.map((b) => b.embed.loadMs + b.embed.embedMs));
  const bareLoadMs = median(bareRounds.map((b) => b.llm.loadMs));
  const bareFirstTokenMs = median(bareRounds.map((b) => b.llm.firstTokenMs));
  // The bare work on the way to the first token (the app embeds beside it, not before it), and all of it.
  const bareToFirstToken = bareParseMs + bareLoadMs + bareFirstTokenMs;
  const bareSum = bareToFirstToken + bareEmbedMs;
  process.stdout.write(
    `${JSON.stringify(
      {
        bench: 'journey',
        machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverage: { start: loadAtStart, end: loadAverage() } },
        export: { layout: LAYOUT, seed, messages, bytes: Buffer.byteLength(generated.text), persona: 'most active author', embeddedTexts: embedded, firstPromptChars: promptChars },
        models: real
          ? { embedder: `${EMBED_MODEL} (q8, wasm, real weights)`, chat: `${bareGguf?.label ?? ''}: Q4_K_M GGUF on the GGUF engine (wllama, CPU), chosen before so the chat offers it; transcript prompt` }
          : {
              embedder: `${EMBED_MODEL} (q8, wasm, random weights, real shape)`,
              chat: `the recommended CPU model (SmolLM2 135M, q8) served as ${TINY_CPU_MODEL}`,
            },
        rounds,
        timedFrom: 'the file pick (app mark) / each bare call (page or node clock)',
        app: {
          pickToFirstTokenMs: appFirstToken,
          pickToEmbeddingsDoneMs: appEmbeddingsDone,
          // Of the last round; every round's are under `rounds`.
          phasesMs: last,
          rounds: appTotals,
        },
        bare: {
          parseMs: bareParseMs,
          embedMs: bareEmbedMs,
          modelLoadMs: bareLoadMs,
          firstTokenMs: bareFirstTokenMs,
          toFirstTokenMs: bareToFirstToken,
          sumMs: bareSum,
          embedBatchSize: batchSize,
          rounds: bareRounds,
        },
        ratios: {
          // Goal: <= 1.10 (the app adds at most 10% over the bare engines).
          firstToken: ratio(appFirstToken, bareToFirstToken),
          embeddings: ratio(appEmbed, bareEmbedMs),
          everythingDone: ratio(Math.max(appFirstToken, appEmbeddingsDone), bareSum),
        },
        goal: { pickToFirstTokenMs: 45_000, met: appFirstToken <= 45_000 },
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await bare.close();
  await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
}
