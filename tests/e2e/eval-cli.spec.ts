// `npm run eval -- --engine cpu-browser` end to end: the same evaluation as the node CPU engine, with replies
// and embeddings from the app's own llm and embed workers in headless Chromium (the CLI starts its own
// browser and server). Same persona, same held-out contexts and real replies, and retrieval picks the same
// training replies with the browser's embeddings as with node's. Random weights: scores mean nothing.
import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VARIANTS, type FidelityReport } from '../../src/lib/persona/fidelity-run';
import { ensureTestModels, GENERATED_MODELS, SOURCE_MODELS } from '../model-gen/test-models';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXPORT = fileURLToPath(new URL('../fixtures/exports/whatsapp/en/whats-reader__android_WhatsApp_Chat_with_Alice.txt', import.meta.url));
const MODELS = ['--model', 'tiny-random-llama-smollm2-tok', '--embed-model', 'tiny-random-bert-minilm-tok'];
const COMMON = [EXPORT, '--person', 'Alice', ...MODELS, '--samples', '3', '--max-tokens', '8'];

interface Output {
  run: { engine?: string; runtime?: string };
  report: FidelityReport;
}

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/eval.ts', ...args], { cwd: ROOT, maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

test('the browser engine gives the same report as node on the same persona', async () => {
  test.setTimeout(300_000);
  ensureTestModels(['tiny-random-llama-smollm2-tok', 'tiny-random-bert-minilm-tok']);
  const node = await cli(...COMMON, '--engine', 'cpu', '--models', join(GENERATED_MODELS, 'transformers'));
  expect(node.code, node.stderr).toBe(0);
  // The browser engines read folders laid out like the app's /models/ (transformers/<id>/...), overlaid.
  const browser = await cli(...COMMON, '--engine', 'cpu-browser', '--models', [SOURCE_MODELS, GENERATED_MODELS].join(delimiter));
  expect(browser.stderr, browser.stderr).not.toMatch(/Error/);
  expect(browser.code).toBe(0);
  const fromBrowser = JSON.parse(browser.stdout) as Output;
  const fromNode = (JSON.parse(node.stdout) as Output).report;
  expect(fromBrowser.run.engine).toBe('cpu-browser');
  expect(fromBrowser.run.runtime).toMatch(/WebAssembly/);
  expect(fromBrowser.report.variants.map((v) => v.id)).toEqual([...VARIANTS]);
  expect(fromBrowser.report.examples.map((e) => [e.pairId, e.real])).toEqual(fromNode.examples.map((e) => [e.pairId, e.real]));
  expect(fromBrowser.report.examples.map((e) => e.generated.retrieval)).toEqual(fromNode.examples.map((e) => e.generated.retrieval));
  expect(fromBrowser.report.variants.find((v) => v.id === 'retrieval')?.style).toEqual(fromNode.variants.find((v) => v.id === 'retrieval')?.style);
});
