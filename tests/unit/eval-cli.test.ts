// `npm run eval` end to end on a small shared export with the CPU engine (transformers.js in node) and the
// random-weight test models: valid JSON with every variant scored in range, the same held-out contexts for
// every variant, retrieval answers that are real training replies, no held-out pair used as an example,
// a deterministic report and clear usage errors. The same run through the app's workers in Chromium
// (--engine cpu-browser) is an e2e test: tests/e2e/eval-cli.spec.ts. Scores are meaningless here (random weights).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExport } from '../../src/lib/ingest/index';
import { messageIds, turnsWithIds } from '../../src/lib/ingest/normalize';
import { styleMatch } from '../../src/lib/persona/fidelity';
import { VARIANTS, type FidelityReport } from '../../src/lib/persona/fidelity-run';
import { buildPairs } from '../../src/lib/persona/pairs';
import { computeStyleProfile } from '../../src/lib/persona/style';
import { testSliceStart } from '../../src/lib/persona/test-slice';
import { ensureTestModels, GENERATED_MODELS } from '../model-gen/test-models';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXPORT = fileURLToPath(new URL('../fixtures/exports/whatsapp/en/whats-reader__android_WhatsApp_Chat_with_Alice.txt', import.meta.url));
/** The node engine reads one folder of complete model folders (the generated ones: real files and weights). */
const MODELS = join(GENERATED_MODELS, 'transformers');
const MODEL_ARGS = ['--engine', 'cpu', '--model', 'tiny-random-llama-smollm2-tok', '--embed-model', 'tiny-random-bert-minilm-tok', '--models', MODELS];
const RUN_ARGS = [EXPORT, '--person', 'Alice', ...MODEL_ARGS, '--samples', '3', '--max-tokens', '8'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/eval.ts', ...args], { cwd: ROOT, maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

interface Output {
  run: { person: string; me: string | null; model: string; samples: number };
  report: FidelityReport;
}

let dir = '';
const runs: Record<string, Run> = {};

beforeAll(async () => {
  ensureTestModels(['tiny-random-llama-smollm2-tok', 'tiny-random-bert-minilm-tok']);
  dir = await mkdtemp(join(tmpdir(), 'personayou-eval-'));
  const cases: Record<string, () => Promise<Run>> = {
    full: () => cli(...RUN_ARGS),
    toFile: () => cli(...RUN_ARGS, '--out', join(dir, 'report.json')),
    nobody: () => cli(EXPORT, '--person', 'Nobody', ...MODEL_ARGS),
    noPerson: () => cli(EXPORT, ...MODEL_ARGS),
    webllm: () => cli(EXPORT, '--person', 'Alice', '--engine', 'webllm'),
    noModels: () => cli(EXPORT, '--person', 'Alice', '--engine', 'cpu'),
    badSamples: () => cli(...RUN_ARGS, '--samples', 'many'),
    missingModel: () => cli(EXPORT, '--person', 'Alice', ...MODEL_ARGS, '--model', 'no-such-model'),
  };
  const entries = await Promise.all(Object.entries(cases).map(async ([k, run]) => [k, await run()] as const));
  for (const [k, r] of entries) runs[k] = r;
}, 150_000);

afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

/** The persona's pairs built from the export in the test itself, to check the CLI against. */
async function fixturePairs() {
  const result = await parseExport({ name: 'chat.txt', bytes: new Uint8Array(await readFile(EXPORT)) });
  const ids = messageIds(result.items);
  const turns = turnsWithIds(result.items, ids, { maxGapMinutes: 5 });
  const messages = result.items.map((item, i) => ({ id: ids[i] ?? '', ts: item.ts, author: item.author, kind: item.kind, text: item.text }));
  const pairs = buildPairs(turns, 'Alice').pairs;
  // As the CLI does it: the profile of the training period only.
  const start = testSliceStart(pairs) ?? '9999';
  const profile = computeStyleProfile(messages.filter((m) => m.ts < start), turns.filter((t) => t.startTs < start), 'Alice');
  return { pairs, profile };
}

describe('npm run eval (cpu engine, random-weight models)', () => {
  it('prints one valid JSON report with every variant scored in range', () => {
    const r = runs.full;
    expect(r?.stderr).toMatch(/eval: generate \d+\/\d+/);
    expect(r?.code).toBe(0);
    const out = JSON.parse(r?.stdout ?? '') as Output;
    expect(out.run).toMatchObject({ person: 'Alice', me: 'Bob', model: 'tiny-random-llama-smollm2-tok', samples: 3 });
    const report = out.report;
    expect(report.version).toBe(1);
    expect(report.modelId).toContain('tiny-random-llama-smollm2-tok');
    expect(report.variants.map((v) => v.id)).toEqual([...VARIANTS]);
    // The fixture holds 2 held-out pairs: fewer than --samples 3, so all of them.
    expect(report.heldOutPairs).toBe(2);
    expect(report.samples).toBe(2);
    for (const v of report.variants) {
      expect(v.style.score).toBeGreaterThanOrEqual(0);
      expect(v.style.score).toBeLessThanOrEqual(100);
      for (const p of v.style.parts) expect(p.score).toBeGreaterThanOrEqual(0);
      expect(v.content.each).toHaveLength(report.samples);
      for (const c of v.content.each) expect(Math.abs(c)).toBeLessThanOrEqual(1.001);
      expect(v.authorship.share).toBeGreaterThanOrEqual(0);
      expect(v.authorship.share).toBeLessThanOrEqual(1);
    }
    expect(report.authorship.heldOutAccuracy).toBeGreaterThanOrEqual(0);
    expect(report.authorship.heldOutAccuracy).toBeLessThanOrEqual(1);
    expect(report.authorship.trainPerson).toBeGreaterThan(0);
  });

  it('answers the same held-out contexts with every variant and scores them the same way', async () => {
    const report = (JSON.parse(runs.full?.stdout ?? '') as Output).report;
    const { pairs, profile } = await fixturePairs();
    const heldOut = pairs.filter((p) => p.heldOut);
    expect(report.examples.map((e) => e.pairId).sort()).toEqual(heldOut.map((p) => p.id).sort());
    for (const e of report.examples) expect(Object.keys(e.generated).sort()).toEqual([...VARIANTS].sort());
    // Re-scoring each variant's replies against the same real replies gives the reported style scores.
    const real = report.examples.map((e) => e.real);
    for (const v of report.variants) {
      const again = styleMatch(report.examples.map((e) => e.generated[v.id]), real, { signatureWords: profile.person.signature.map((s) => s.text) });
      expect(again).toEqual(v.style);
    }
  });

  it('never uses a held-out pair as an example, and retrieval returns real training replies', async () => {
    const report = (JSON.parse(runs.full?.stdout ?? '') as Output).report;
    const { pairs } = await fixturePairs();
    const heldOutIds = new Set(pairs.filter((p) => p.heldOut).map((p) => p.id));
    const training = new Map(pairs.filter((p) => !p.heldOut).map((p) => [p.id, p]));
    for (const e of report.examples) {
      expect(e.usedExampleIds?.length).toBeGreaterThan(0);
      for (const id of e.usedExampleIds ?? []) {
        expect(heldOutIds.has(id)).toBe(false);
        expect(training.has(id)).toBe(true);
      }
      const retrieved = training.get(e.retrievedPairId ?? '');
      expect(retrieved).toBeDefined();
      expect(e.generated.retrieval).toBe(retrieved?.reply);
    }
  });

  it('writes the same report to --out (deterministic apart from its time)', async () => {
    expect(runs.toFile?.code).toBe(0);
    expect(runs.toFile?.stdout).toBe('');
    const written = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as Output;
    const printed = JSON.parse(runs.full?.stdout ?? '') as Output;
    expect({ ...written.report, createdAt: '' }).toEqual({ ...printed.report, createdAt: '' });
  });

  it('explains usage errors', () => {
    expect(runs.nobody?.code).toBe(2);
    expect(runs.nobody?.stderr).toMatch(/no participant named "Nobody" \(participants: .*Alice.*Bob|no participant named "Nobody" \(participants: .*Bob.*Alice/);
    expect(runs.noPerson?.code).toBe(2);
    expect(runs.noPerson?.stderr).toContain('--person NAME is required');
    expect(runs.webllm?.code).toBe(2);
    expect(runs.webllm?.stderr).toContain('How close is it?');
    expect(runs.noModels?.code).toBe(2);
    expect(runs.noModels?.stderr).toMatch(/--models DIR .* or --remote/);
    expect(runs.badSamples?.code).toBe(2);
    expect(runs.badSamples?.stderr).toContain('--samples must be a whole number');
    expect(runs.missingModel?.code).toBe(1);
    expect(runs.missingModel?.stderr).toMatch(/language model "no-such-model" could not be loaded from the folder/);
  });
});
