// The LLM engines in the built app, through the Models screen, with no network beyond this site:
// (1) the CPU engine (transformers.js on WASM) with the shared tiny llama (real SmolLM2 tokenizer,
//     random weights): load with visible progress, stream into the "try it" box, Stop mid-stream, and a
//     second request after Stop;
// (2) WebLLM itself on SwiftShader WebGPU with the real prebuilt Qwen2-0.5B q4f32 library and generated
//     weights (tests/e2e/global-setup.ts): Cancel mid-download, then download/compile progress, 2 tokens,
//     "on this device", and deleting the download.
// Both use the "this site's /models/ folder" source that playwright.config.ts serves.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { recordHosts } from './app-model';
import { MLC_WEIGHTS } from './global-setup';

const CPU_MODEL = 'tiny-random-llama-smollm2-tok';
const WEBLLM_ID = 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC';

/**
 * Collects what the page rendered, via a MutationObserver installed before the action: every progress
 * label and detail line, and how many times the try-it output changed. Loading the tiny model can take
 * less time than one Playwright poll, so "progress was visible" is read from the DOM's own history.
 */
async function watchDom(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen = { progress: [] as string[], outputs: [] as string[] };
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    const record = () => {
      for (const bar of document.querySelectorAll('[data-testid="model-progress"] [data-testid="progress"]')) {
        const line = (bar as HTMLElement).innerText.replace(/\s+/g, ' ').trim();
        if (seen.progress.at(-1) !== line) seen.progress.push(line);
      }
      const out = document.querySelector('[data-testid="try-output"]');
      const text = out?.textContent ?? '';
      if (text !== '' && seen.outputs.at(-1) !== text) seen.outputs.push(text);
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

async function seen(page: Page): Promise<{ progress: string[]; outputs: string[] }> {
  return page.evaluate(() => (window as unknown as { __seen: { progress: string[]; outputs: string[] } }).__seen);
}

async function openModels(page: Page): Promise<void> {
  await page.goto('/#/models');
  await page.getByRole('link', { name: 'Models' }).click();
  await expect(page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
  await expect(page.getByTestId('model-list')).toBeVisible({ timeout: 60_000 });
  const source = page.getByTestId('model-source');
  await source.getByText('Model source', { exact: true }).click();
  await source.getByLabel("This site's /models/ folder").check();
  await source.getByRole('button', { name: 'Use this source' }).click();
}

function row(page: Page, label: string) {
  return page.getByTestId('model-row').filter({ has: page.getByText(label, { exact: true }) });
}

async function tryIt(page: Page, prompt: string, maxTokens: number, untilMax: boolean, system = ''): Promise<void> {
  const box = page.getByTestId('try-it');
  await box.getByTestId('try-system').fill(system);
  await box.getByTestId('try-prompt').fill(prompt);
  await box.getByTestId('try-max-tokens').fill(String(maxTokens));
  await box.getByTestId('try-ignore-eos').setChecked(untilMax);
  await box.getByTestId('try-send').click();
}

test('CPU engine: load with progress, stream, Stop mid-stream, then answer again', async ({ page }) => {
  test.setTimeout(120_000);
  const hosts = recordHosts(page);
  await openModels(page);

  // Headless Chromium here only has SwiftShader: the app says so and recommends a CPU model.
  await expect(page.getByTestId('capabilities')).toHaveAttribute('data-gpu', 'software');
  await expect(page.getByTestId('capabilities')).toContainText('software emulation');
  await expect(page.getByTestId('recommendation')).toHaveAttribute('data-id', /^cpu:/);

  // The test model is not in the catalog: add it as a custom CPU model (a folder under /models/transformers/).
  const custom = page.getByTestId('custom-model');
  await custom.getByText('Add a custom model', { exact: true }).click();
  await custom.getByLabel('CPU (transformers.js ONNX model)').check();
  await custom.getByLabel('Name (optional)').fill('Tiny test llama');
  await custom.getByTestId('custom-model-id').fill(CPU_MODEL);
  await custom.getByTestId('custom-dtype').selectOption('q8');
  await custom.getByTestId('custom-context').fill('8192');
  await custom.getByTestId('custom-add').click();
  const tiny = row(page, 'Tiny test llama');
  await expect(tiny).toBeVisible();
  await expect(tiny).toHaveAttribute('data-cached', 'false');

  await watchDom(page);
  await tiny.getByRole('button', { name: 'Load Tiny test llama' }).click();
  await expect(page.getByTestId('loaded-model')).toContainText('Tiny test llama', { timeout: 60_000 });
  await expect(page.getByTestId('loaded-model')).toContainText('CPU (WebAssembly)');
  const progress = (await seen(page)).progress;
  expect(progress.some((line) => /^Downloading Tiny test llama .*\d+(\.\d+)? [KM]B of \d+(\.\d+)? [KM]B · \d+%/.test(line))).toBe(true);
  expect(progress.some((line) => line.startsWith('Warming up'))).toBe(true);
  await expect(tiny).toHaveAttribute('data-cached', 'true');

  // A long reply (min_new_tokens keeps it going), stopped mid-stream.
  await tryIt(page, 'Tell me about your weekend.', 4000, true);
  const box = page.getByTestId('try-it');
  await expect(box.getByTestId('try-output')).toHaveAttribute('data-state', 'streaming');
  await expect.poll(async () => Number(await box.getByTestId('try-token-count').innerText()), { timeout: 30_000 }).toBeGreaterThan(30);
  await box.getByTestId('try-stop').click();
  await expect(box.getByTestId('try-finish')).toHaveAttribute('data-reason', 'abort', { timeout: 10_000 });
  const stoppedAt = Number(await box.getByTestId('try-token-count').innerText());
  expect(stoppedAt).toBeGreaterThan(30);
  expect(stoppedAt).toBeLessThan(4000);
  const stoppedText = await box.getByTestId('try-output').innerText();
  expect(stoppedText.length).toBeGreaterThan(0);
  // Streamed: the output grew in several steps, not all at once.
  expect((await seen(page)).outputs.length).toBeGreaterThan(3);
  // Nothing arrives after Stop.
  await page.waitForTimeout(500);
  expect(await box.getByTestId('try-output').innerText()).toBe(stoppedText);

  // The engine answers again after Stop: exactly 12 tokens.
  await tryIt(page, 'And now a short one.', 12, true);
  await expect(box.getByTestId('try-finish')).toHaveAttribute('data-reason', 'length', { timeout: 30_000 });
  await expect(box.getByTestId('try-token-count')).toHaveText('12');
  expect((await box.getByTestId('try-output').innerText()).length).toBeGreaterThan(0);
  await expect(box.getByTestId('try-stats')).toContainText('tokens/s');
  test.info().annotations.push({ type: 'generation', description: await box.getByTestId('try-stats').innerText() });

  expect([...hosts].filter((h) => !h.startsWith('127.0.0.1:'))).toEqual([]);
});

test('WebLLM on SwiftShader: cancel, then download and compile with progress, 2 tokens, cached, delete', async ({ page }) => {
  // SwiftShader: load ~25 s, then tens of seconds per prefill and ~12 s per token (see STACK-NOTES); the
  // limits leave room for a machine busy with other work (everything here is CPU-bound, 2 cores).
  test.setTimeout(480_000);
  const hosts = recordHosts(page);
  await openModels(page);
  const qwen = page.locator(`[data-testid="model-row"][data-id="${WEBLLM_ID}"]`);
  // Runs here, with a plain warning that the GPU is emulated; its f16 twin is greyed out with the reason.
  await expect(qwen).toHaveAttribute('data-status', 'warn');
  await expect(qwen.getByTestId('model-reasons')).toContainText('emulated in software');
  const f16 = page.locator('[data-testid="model-row"][data-id="Qwen2.5-0.5B-Instruct-q4f16_1-MLC"]');
  await expect(f16).toHaveAttribute('data-status', 'blocked');
  await expect(f16.getByTestId('model-reasons')).toContainText('shader-f16');
  await expect(qwen).toHaveAttribute('data-cached', 'false');

  // Which weight shards are fetched from the server, per attempt.
  const shardFetches: string[][] = [[], []];
  let attempt = 0;
  page.context().on('request', (request) => {
    const name = /params_shard_\d+\.bin$/.exec(new URL(request.url()).pathname)?.[0];
    if (name !== undefined) shardFetches[attempt]?.push(name);
  });

  // Cancel during the download: the worker stops at once and nothing is loaded.
  const load = qwen.getByRole('button', { name: /^(Download and load|Load) Qwen2\.5 0\.5B · q4f32$/ });
  await load.click();
  const bar = page.getByTestId('model-progress');
  await expect(bar).toContainText(/Downloading Qwen2\.5 0\.5B · q4f32.*MB of/, { timeout: 60_000 });
  await bar.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('models-notice')).toContainText('Loading was cancelled');
  await expect(bar).toBeHidden();
  await expect(page.getByTestId('loaded-model')).toBeHidden();

  await watchDom(page);
  attempt = 1;
  await load.click();
  await expect(bar).toBeVisible();
  await expect(page.getByTestId('loaded-model')).toHaveAttribute('data-id', WEBLLM_ID, { timeout: 200_000 });
  await expect(page.getByTestId('loaded-model')).toContainText('WebGPU');
  // The download resumed: shards finished before Cancel came from the browser's cache, not the server.
  const shards = (JSON.parse(readFileSync(new URL('ndarray-cache.json', MLC_WEIGHTS), 'utf8')) as { records: unknown[] }).records.length;
  expect(new Set([...(shardFetches[0] ?? []), ...(shardFetches[1] ?? [])]).size).toBe(shards);
  expect(shardFetches[0]?.length).toBeGreaterThan(0);
  expect(shardFetches[1]?.length).toBeLessThan(shards);
  const progress = (await seen(page)).progress;
  expect(progress.some((line) => /^Downloading Qwen2\.5 0\.5B · q4f32 .*MB of \d+(\.\d+)? MB · \d+%/.test(line))).toBe(true);
  expect(progress.some((line) => line.startsWith('Preparing the graphics card (compiling shaders)'))).toBe(true);
  // No warm-up on an emulated GPU: it would cost as much as the reply itself.
  expect(progress.some((line) => line.startsWith('Warming up'))).toBe(false);

  // A one-word system prompt replaces Qwen's default (~30 tokens): prefill on SwiftShader costs per token.
  await tryIt(page, 'Hi', 2, true, 'Be brief.');
  const box = page.getByTestId('try-it');
  await expect(box.getByTestId('try-finish')).toHaveAttribute('data-reason', 'length', { timeout: 240_000 });
  await expect(box.getByTestId('try-token-count')).toHaveText('2');
  // The measured numbers, for the report of this run.
  test.info().annotations.push(
    { type: 'load', description: await page.getByTestId('loaded-model').innerText() },
    { type: 'generation', description: await box.getByTestId('try-stats').innerText() },
  );

  // Weights, config and library are now in the browser: the list says so.
  await expect(qwen).toHaveAttribute('data-cached', 'true');
  await expect(qwen.getByTestId('cached-badge')).toBeVisible();

  // Deleting the download removes weights, config and library, and unloads the model.
  await qwen.getByRole('button', { name: 'Delete download' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(qwen).toHaveAttribute('data-cached', 'false');
  await expect(page.getByTestId('loaded-model')).toBeHidden();
  expect([...hosts].filter((h) => !h.startsWith('127.0.0.1:'))).toEqual([]);
});
