// The browser engine and native llama.cpp agree: the real Gemma 3 270M (models:real) decodes a fixed
// prompt greedily to the same first 8 tokens in Chromium (wllama, the library and wasm the app's GGUF
// engine runs, cross-origin isolated with explicit threads) as in node (node-llama-cpp, the eval CLI's
// engine). The browser side is a bare page on the app's server, so the model comes from its /models/.
import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { GEMMA_GGUF, requireRealModels } from '../real-models';
import { nativeGreedy } from './greedy-native';

const WLLAMA = fileURLToPath(new URL('../../../node_modules/@wllama/wllama/esm/', import.meta.url));
const PROMPT = 'Ciao! Come stai? Oggi sono andata al mare e';
const TOKENS = 8;
const THREADS = 2;

/** The bare page: loads wllama from the app's origin and exposes one greedy completion with its tokens. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>greedy</title>
<script type="module">
import { Wllama } from './wllama.js';
window.greedy = async (prompt, maxTokens, threads) => {
  const wllama = new Wllama({ default: new URL('./wllama.wasm', location.href).href }, { allowOffline: true });
  wllama.setCompat(null);
  await wllama.loadModelFromUrl(new URL('/models/gguf/gemma-3-270m-q4_k_m.gguf', location.href).href, { n_ctx: 512, n_threads: threads, n_gpu_layers: 0, n_parallel: 1 });
  const pieces = [];
  let usage = null;
  await wllama.createCompletion({ prompt, max_tokens: maxTokens, temperature: 0, stream: true, onData: (chunk) => {
    const choice = chunk.choices[0];
    if (choice && choice.finish_reason === null) pieces.push(choice.text);
    if (chunk.usage) usage = chunk.usage;
  } });
  const threadsUsed = wllama.getNumThreads();
  await wllama.exit();
  return { pieces, usage, threadsUsed, isolated: crossOriginIsolated };
};
document.body.dataset.ready = 'true';
</script>`;

test.beforeAll(requireRealModels);

test('greedy: the browser engine and node-llama-cpp give the same first 8 tokens for a fixed prompt', async ({ page }) => {
  const native = await nativeGreedy(GEMMA_GGUF, PROMPT, TOKENS, THREADS);
  expect(native.ids).toHaveLength(TOKENS);

  const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
  await page.route('**/__greedy/*', async (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop() ?? '';
    if (name === 'page.html') return route.fulfill({ body: PAGE, contentType: 'text/html', headers: isolation });
    if (name === 'wllama.js') return route.fulfill({ body: await readFile(`${WLLAMA}index.js`), contentType: 'text/javascript', headers: isolation });
    if (name === 'wllama.wasm') return route.fulfill({ body: await readFile(`${WLLAMA}wasm/wllama.wasm`), contentType: 'application/wasm', headers: isolation });
    return route.fulfill({ status: 404 });
  });
  await page.goto('/__greedy/page.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const browser = await page.evaluate(
    ([prompt, n, threads]) => (window as unknown as { greedy: (p: string, n: number, t: number) => Promise<{ pieces: string[]; usage: { prompt_tokens: number; completion_tokens: number } | null; threadsUsed: number; isolated: boolean }> }).greedy(prompt, n, threads),
    [PROMPT, TOKENS, THREADS] as const,
  );
  console.log(`native: ${JSON.stringify(native)}\nbrowser: ${JSON.stringify(browser)}`);
  expect(browser.isolated).toBe(true);
  expect(browser.threadsUsed).toBe(THREADS);
  expect(browser.usage?.prompt_tokens).toBe(native.promptTokens);
  expect(browser.usage?.completion_tokens).toBe(TOKENS);
  expect(browser.pieces.join('')).toBe(native.text);
  expect(browser.pieces).toEqual(native.pieces);
});
