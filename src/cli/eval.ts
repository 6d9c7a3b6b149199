// `npm run -s eval -- <export> --person NAME [...]`: the fidelity evaluation in node, JSON out, so
// scores can be compared across versions of the prompt builder; the models run in node, or in headless
// Chromium through the app's own workers with --engine webllm|cpu-browser (eval-browser.ts). The persona
// is built as the app builds it (stable ids, PII masked, turns of bursts within 5 minutes, profile,
// pairs, rule memories); progress goes to stderr. Exit codes: 0 ok, 1 the export or a model cannot be used, 2 bad usage, 130 cancelled.

import { existsSync } from 'node:fs';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParseResult } from '../lib/ingest/index';
import { DEFAULT_CHAT_SETTINGS } from '../lib/persona/chat-settings';
import type { EvalEngines, EvalInput, EvalProgress, FidelityReport } from '../lib/persona/fidelity-run';
import type { NodeDtype } from './eval-engines';
import { UsageError, parseOrExit } from './usage';

const USAGE = `usage: npm run -s eval -- <export> --person NAME [options]

Builds the persona of NAME from a chat export, answers its held-out (latest ~10%) contexts with the
persona prompt and with baselines (generic assistant, retrieval only, persona without examples, persona +
style adapter) and prints the fidelity report as JSON.
  --person NAME        whose persona (required)
  --me NAME            who the persona talks to (default: the other participant of a two-person chat)
  --engine cpu|webllm|cpu-browser|gguf
                       cpu = transformers.js in node (default); gguf = a GGUF file on native llama.cpp
                       (node-llama-cpp), which also reports the held-out likelihood (mean nats per token
                       of the real held-out replies under each prompt variant); webllm = the app's WebLLM engine on
                       WebGPU in headless Chromium; cpu-browser = the app's CPU engine (transformers.js
                       on WASM) in headless Chromium. The browser engines run the app's own llm and
                       embed workers; scoring stays in node. Very slow on a software WebGPU adapter
                       (SwiftShader, 2 cores: ~25 s load, then minutes per reply, mostly reading the
                       persona prompt): start with --samples 1 --max-tokens 2
  --model ID           language model (default HuggingFaceTB/SmolLM2-135M-Instruct; with webllm an id
                       of the app's WebLLM catalog, default Qwen2.5-0.5B-Instruct-q4f32_1-MLC; with gguf
                       a .gguf file, default .models/gguf/gemma-3-270m-q4_k_m.gguf from npm run models:real)
  --adapter FILE       gguf: a llama.cpp LoRA adapter (.gguf), scored and sampled as one more variant
  --adapter-scale X    gguf: the scale the adapter is applied with, as the app's slider (0-2, default 1)
  --threads N          gguf: CPU threads for llama.cpp (default 1; more than the free cores slows it down)
  --generate N         generate (and style-score) replies for the first N samples only; the held-out
                       likelihood still uses every sample (default: all)
  --tuning             gguf, base model: also score prompt choices (instruction framing, 4/16 examples,
                       style notes last, examples best-last) against the persona prompt
  --embed-model ID     embedding model (default Xenova/all-MiniLM-L6-v2)
  --models DIR         cpu: folder of local model folders (<DIR>/<ID>/...); gguf: the same, for the
                       embedding model (default .models/transformers when present). webllm, cpu-browser: a folder
                       laid out like the app's /models/ (DIR/mlc/models/<repo>/resolve/main/,
                       DIR/mlc/libs/<version>/<lib>.wasm, DIR/transformers/<ID>/), served to the page;
                       several folders joined with ':' are overlaid, the first holding a file wins
  --remote             allow downloading models from the hub (needed without --models)
  --remote-host URL    a server laid out like the hub instead of it (webllm, cpu-browser: laid out
                       like the app's /models/ folder, as --models)
  --dtype q4|q8|fp16|fp32        language model weights (default q8; not for webllm)
  --embed-dtype q4|q8|fp16|fp32  embedding model weights (default q8; no q4 in the browser)
  --context N          context window in tokens (default 2048; with webllm at most the model's)
  --samples N          held-out contexts to answer, latest first (default 20)
  --max-tokens N       tokens per generated reply (default 64)
  --seed N             seed of the classifier and sampling (default 1)
  --sampled            gguf: generate replies with the app's chat sampling (temperature 0.8, top-p 0.95,
                       seeded) instead of greedily; greedy replies of a small model can collapse to one
                       answer, so style is judged better on sampled ones. The likelihood is not affected
  --out FILE           write the JSON there instead of stdout
`;

interface Args {
  path: string;
  person: string;
  me: string | null;
  engine: 'cpu' | 'webllm' | 'cpu-browser' | 'gguf';
  adapter: string | null;
  /** The scale the adapter is applied with (the app's slider: 0-2). */
  adapterScale: number;
  threads: number;
  generate: number | null;
  tuning: boolean;
  sampled: boolean;
  model: string;
  embedModel: string;
  modelsDir: string | null;
  remote: boolean;
  remoteHost: string | null;
  dtype: NodeDtype;
  embedDtype: NodeDtype;
  context: number;
  samples: number;
  maxTokens: number;
  seed: number;
  out: string | null;
}

const DTYPES: readonly NodeDtype[] = ['q4', 'q8', 'fp16', 'fp32'];
/** Where npm run models:real puts the real models (the repository's .models/ folder). */
const REAL_MODELS = resolve(dirname(fileURLToPath(import.meta.url)), '../../.models');
const REAL_GGUF = join(REAL_MODELS, 'gguf', 'gemma-3-270m-q4_k_m.gguf');
const REAL_EMBED_DIR = join(REAL_MODELS, 'transformers');

export function parseArgs(argv: readonly string[]): Args | 'help' {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  let path: string | undefined;
  const valued = ['--person', '--me', '--engine', '--model', '--adapter', '--adapter-scale', '--threads', '--generate', '--embed-model', '--models', '--remote-host', '--dtype', '--embed-dtype', '--context', '--samples', '--max-tokens', '--seed', '--out'];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return 'help';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (valued.includes(name)) {
      const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
      values.set(name, value);
    } else if (arg === '--remote' || arg === '--tuning' || arg === '--sampled') flags.add(arg);
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (path === undefined) path = arg;
    else throw new UsageError('give exactly one export file');
  }
  if (path === undefined) throw new UsageError('no export file given');
  const person = values.get('--person');
  if (person === undefined) throw new UsageError('--person NAME is required');
  const engine = values.get('--engine') ?? 'cpu';
  if (engine !== 'cpu' && engine !== 'webllm' && engine !== 'cpu-browser' && engine !== 'gguf') {
    throw new UsageError(`--engine must be cpu, gguf, webllm or cpu-browser, not "${engine}"`);
  }
  if (engine !== 'gguf' && (values.has('--adapter') || values.has('--adapter-scale') || values.has('--threads') || flags.has('--sampled'))) {
    throw new UsageError('--adapter, --adapter-scale, --threads and --sampled are for --engine gguf');
  }
  if (values.has('--adapter-scale') && !values.has('--adapter')) throw new UsageError('--adapter-scale goes with --adapter');
  const adapterScale = Number(values.get('--adapter-scale') ?? '1');
  if (!Number.isFinite(adapterScale) || adapterScale < 0 || adapterScale > 2) throw new UsageError(`--adapter-scale must be a number from 0 to 2, not "${values.get('--adapter-scale')}"`);
  const int = (flag: string, fallback: number, min: number): number => {
    const raw = values.get(flag);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number >= ${min}, not "${raw}"`);
    return n;
  };
  const dtype = (flag: string): NodeDtype => {
    const raw = values.get(flag) ?? 'q8';
    const found = DTYPES.find((d) => d === raw);
    if (found === undefined) throw new UsageError(`${flag} must be one of ${DTYPES.join(', ')}`);
    return found;
  };
  const modelsDir = values.get('--models') ?? (engine === 'gguf' && existsSync(REAL_EMBED_DIR) ? REAL_EMBED_DIR : null);
  const remote = flags.has('--remote') || values.has('--remote-host');
  if (engine === 'cpu' && modelsDir === null && !remote) {
    throw new UsageError('say where the models come from: --models DIR (local model folders) or --remote (download from the hub)');
  }
  if (engine === 'gguf' && modelsDir === null && !remote) {
    throw new UsageError('say where the embedding model comes from: --models DIR, --remote, or run npm run models:real (then .models/transformers is used)');
  }
  if (engine !== 'cpu' && engine !== 'gguf' && modelsDir === null && !remote) {
    throw new UsageError(
      `--engine ${engine} needs the model files: --models DIR (laid out like the app's /models/ folder) or --remote (download from the hub). The app's "How close is it?" panel runs the same evaluation on the model it has loaded.`,
    );
  }
  if (engine !== 'cpu' && values.get('--embed-dtype') === 'q4') throw new UsageError(`--embed-dtype q4 is not offered by the app's embedder; use q8, fp16 or fp32 with --engine ${engine}`);
  return {
    path,
    person,
    me: values.get('--me') ?? null,
    engine,
    model: values.get('--model') ?? (engine === 'webllm' ? 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC' : engine === 'gguf' ? REAL_GGUF : 'HuggingFaceTB/SmolLM2-135M-Instruct'),
    adapter: values.get('--adapter') ?? null,
    adapterScale,
    threads: int('--threads', 1, 1),
    generate: values.has('--generate') ? int('--generate', 1, 1) : null,
    tuning: flags.has('--tuning'),
    sampled: flags.has('--sampled'),
    embedModel: values.get('--embed-model') ?? 'Xenova/all-MiniLM-L6-v2',
    modelsDir,
    remote,
    remoteHost: values.get('--remote-host') ?? null,
    dtype: dtype('--dtype'),
    embedDtype: dtype('--embed-dtype'),
    context: int('--context', 2048, 256),
    samples: int('--samples', 20, 1),
    maxTokens: int('--max-tokens', 64, 1),
    seed: int('--seed', 1, 0),
    out: values.get('--out') ?? null,
  };
}

/** The persona as the app builds it, plus the training-period messages for the authorship classifier. */
async function personaOf(result: ParseResult, args: Args): Promise<Omit<EvalInput, 'maxSamples' | 'maxReplyTokens' | 'seed'>> {
  const { authorStats, messageIds, turnsWithIds } = await import('../lib/ingest/normalize');
  const { createMasker } = await import('../lib/ingest/mask');
  const { computeStyleProfile } = await import('../lib/persona/style');
  const { buildPairs } = await import('../lib/persona/pairs');
  const { extractMemories } = await import('../lib/persona/memory');
  const { testSliceStart } = await import('../lib/persona/test-slice');
  const stats = [...authorStats(result.items)].sort((a, b) => b.messages - a.messages);
  const names = stats.map((s) => s.author);
  const list = names.join(', ');
  if (!names.includes(args.person)) throw new UsageError(`no participant named "${args.person}" (participants: ${list || 'none'})`);
  if (args.me !== null && !names.includes(args.me)) throw new UsageError(`no participant named "${args.me}" for --me (participants: ${list})`);
  const others = names.filter((n) => n !== args.person);
  const me = args.me ?? (others.length === 1 ? (others[0] ?? null) : null);

  // A fixed salt: masked text, and so prompts and scores, are the same on every run.
  const mask = createMasker({ salt: 'personayou-eval' });
  const items = result.items.map((item) => (item.kind === 'message' ? { ...item, text: mask(item.text).text } : item));
  const ids = messageIds(result.items);
  const messages = items.map((item, i) => ({ id: ids[i] ?? '', ts: item.ts, author: item.author, kind: item.kind, text: item.text }));
  const turns = turnsWithIds(items, ids, { maxGapMinutes: 5 });
  const { pairs } = buildPairs(turns, args.person);
  // Training period: everything before the first line of the earliest held-out context. The classifier,
  // the style profile and the memories are built from it only, so nothing knows the test replies.
  const cutoff = testSliceStart(pairs);
  const before = (ts: string): boolean => cutoff === null || ts < cutoff;
  const trainingMessages = messages.filter((m) => before(m.ts));
  const profile = computeStyleProfile(trainingMessages, turns.filter((t) => before(t.startTs)), args.person);
  const memories = extractMemories(trainingMessages, args.person);
  const training = trainingMessages.filter((m) => m.kind === 'message' && m.author !== null && m.text.trim() !== '');
  return {
    personaName: args.person,
    personName: args.person,
    userName: me,
    profile,
    pairs,
    memories,
    personMessages: training.filter((m) => m.author === args.person).map((m) => m.text),
    otherMessages: training.filter((m) => m.author !== args.person).map((m) => m.text),
  };
}

/** One stderr line per phase step, at most every 400 ms (and always the last of a phase). */
function progressPrinter(): (p: EvalProgress) => void {
  let last = 0;
  let phase = '';
  return (p) => {
    const now = Date.now();
    if (p.phase === phase && p.done < p.total && now - last < 400) return;
    phase = p.phase;
    last = now;
    process.stderr.write(`eval: ${p.phase} ${p.done}/${p.total}${p.variant !== undefined ? ` (${p.variant})` : ''}\n`);
  };
}

/** Writes the whole file next to its target, then renames: an interrupted run leaves no half-written JSON. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeFile(tmp, text);
  await rename(tmp, path);
}

export async function main(argv: readonly string[], signal?: AbortSignal): Promise<number> {
  const args = parseOrExit('eval', USAGE, argv, parseArgs);
  if (typeof args === 'number') return args;
  const name = basename(args.path);
  try {
    if ((await stat(args.path)).isDirectory()) throw new UsageError(`"${name}" is a folder, not an export file`);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`eval: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`eval: no such file: ${args.path}\n`);
    return 2;
  }

  const { ImportError, assertFileSize, parseExport } = await import('../lib/ingest/index');
  let result: ParseResult;
  try {
    const buffer = await readFile(args.path);
    assertFileSize(name, buffer.byteLength);
    result = await parseExport({ name, bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) });
  } catch (error) {
    if (error instanceof ImportError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }

  let persona: Awaited<ReturnType<typeof personaOf>>;
  try {
    persona = await personaOf(result, args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`eval: ${error.message}\n`);
    return 2;
  }
  const heldOut = persona.pairs.filter((p) => p.heldOut).length;
  process.stderr.write(`eval: ${args.person}: ${persona.pairs.length} reply pairs, ${heldOut} held out, ${persona.memories.length} memories\n`);

  const { runFidelityEval } = await import('../lib/persona/fidelity-run');
  const { AppError } = await import('../lib/rpc/app-error');
  const started = Date.now();
  let engines: EvalEngines & { dispose(): Promise<void>; runtime?: string };
  const onStatus = (message: string): boolean => process.stderr.write(`eval: ${message}\n`);
  if (args.engine === 'gguf') {
    const { createGgufEngines } = await import('./eval-gguf');
    const { ModelLoadError } = await import('./eval-engines');
    try {
      engines = await createGgufEngines({
        modelPath: args.model,
        ...(args.adapter !== null ? { adapterPath: args.adapter, adapterScale: args.adapterScale } : {}),
        threads: args.threads,
        contextWindow: args.context,
        embedModelId: args.embedModel,
        embedDtype: args.embedDtype,
        modelsDir: args.modelsDir,
        remote: args.remote,
        ...(args.remoteHost !== null ? { remoteHost: args.remoteHost } : {}),
        onStatus,
      });
    } catch (error) {
      if (!(error instanceof ModelLoadError)) throw error;
      process.stderr.write(`eval: ${error.message}\n`);
      return 1;
    }
  } else if (args.engine !== 'cpu') {
    // The model runs in headless Chromium through the app's own workers (src/cli/eval-browser.ts).
    const { createBrowserEngines } = await import('./eval-browser');
    const embedDtype = args.embedDtype === 'q4' ? 'q8' : args.embedDtype;
    try {
      engines = await createBrowserEngines({
        engine: args.engine === 'webllm' ? 'webllm' : 'cpu',
        modelId: args.model,
        dtype: args.dtype,
        embedModelId: args.embedModel,
        embedDtype,
        source:
          args.modelsDir !== null
            ? { kind: 'local', dirs: args.modelsDir.split(delimiter).filter((d) => d !== '') }
            : args.remoteHost !== null
              ? { kind: 'custom', baseUrl: args.remoteHost }
              : { kind: 'hub' },
        contextWindow: args.context,
        ...(signal !== undefined ? { signal } : {}),
        onStatus,
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      process.stderr.write(`eval: ${error.message}\n`);
      return error.code === 'aborted' ? 130 : 1;
    }
  } else {
    const { createNodeEngines, ModelLoadError } = await import('./eval-engines');
    try {
      engines = await createNodeEngines({
        modelId: args.model,
        embedModelId: args.embedModel,
        dtype: args.dtype,
        embedDtype: args.embedDtype,
        modelsDir: args.modelsDir,
        remote: args.remote,
        ...(args.remoteHost !== null ? { remoteHost: args.remoteHost } : {}),
        contextWindow: args.context,
        onStatus,
      });
    } catch (error) {
      if (!(error instanceof ModelLoadError)) throw error;
      process.stderr.write(`eval: ${error.message}\n`);
      return 1;
    }
  }

  let report: FidelityReport;
  try {
    report = await runFidelityEval(
      {
        ...persona,
        maxSamples: args.samples,
        maxReplyTokens: args.maxTokens,
        seed: args.seed,
        ...(args.generate !== null ? { maxGenerated: args.generate } : {}),
        ...(args.tuning ? { tuning: true } : {}),
        ...(args.sampled ? { sampling: { temperature: DEFAULT_CHAT_SETTINGS.temperature, top_p: DEFAULT_CHAT_SETTINGS.topP } } : {}),
      },
      engines,
      { onProgress: progressPrinter(), ...(signal !== undefined ? { signal } : {}) },
    );
  } catch (error) {
    if (error instanceof AppError) {
      process.stderr.write(`eval: ${error.message}\n`);
      return error.code === 'aborted' ? 130 : 1;
    }
    throw error;
  } finally {
    await engines.dispose();
  }

  const output = {
    run: {
      export: name,
      person: args.person,
      me: persona.userName,
      engine: args.engine,
      ...(engines.runtime !== undefined ? { runtime: engines.runtime } : {}),
      model: args.model,
      dtype: args.engine === 'webllm' || args.engine === 'gguf' ? null : args.dtype,
      ...(args.engine === 'gguf' ? { threads: args.threads, adapter: args.adapter, ...(args.adapter === null ? {} : { adapterScale: args.adapterScale }), sampling: args.sampled ? 'app' : 'greedy' } : {}),
      embedModel: args.embedModel,
      embedDtype: args.embedDtype,
      contextWindow: engines.contextWindow,
      samples: args.samples,
      maxTokens: args.maxTokens,
      seed: args.seed,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    },
    report,
  };
  const text = `${JSON.stringify(output, null, 2)}\n`;
  if (args.out !== null) {
    await writeAtomically(args.out, text);
    process.stderr.write(`eval: wrote ${args.out}\n`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}

// Run as a script (npm run eval / tsx), not when a test imports main().
if (process.argv[1] !== undefined && /eval\.ts$/.test(process.argv[1])) {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('eval: cancelling …\n');
    controller.abort();
  });
  main(process.argv.slice(2), controller.signal).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`eval: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
