// HTTP security headers in the built app: the page, its worker scripts and model files all carry the
// Content-Security-Policy and the cross-origin isolation pair; workers are isolated (threads possible) and
// bound by the policy (a fetch to an origin outside connect-src is blocked); and model downloads from another
// origin that answers with CORS headers, the way the model hub does, still work under COEP.
import { expect, test } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { loadTinyCpuModel } from './app-model';

const PORT = Number(process.env.PERSONAYOU_E2E_PORT ?? 4173);
const MIRROR = `http://127.0.0.1:${PORT + 1}/`;
const OUT_DIR = process.env.PERSONAYOU_E2E_DIST ?? 'dist';
const MODEL_FILE = 'transformers/tiny-random-bert-minilm-tok/config.json';

test('the page, every worker script and the model files are served with the security headers', async ({ request }) => {
  const workers = readdirSync(`${OUT_DIR}/assets`).filter((name) => /worker.*\.js$/.test(name));
  expect(workers.length).toBeGreaterThanOrEqual(3);
  for (const path of ['/', '/index.html', '/sw.js', ...workers.map((name) => `/assets/${name}`), `/models/${MODEL_FILE}`]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    const headers = response.headers();
    expect(headers['cross-origin-opener-policy'], path).toBe('same-origin');
    expect(headers['cross-origin-embedder-policy'], path).toBe('require-corp');
    const policy = headers['content-security-policy'] ?? '';
    expect(policy, path).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(policy, path).toContain(`connect-src 'self' https://huggingface.co`);
  }
});

test('the page and its workers are cross-origin isolated, and a worker cannot reach a host outside connect-src', async ({ page, request }) => {
  await page.goto('/');
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  // The same mirror under another name: reachable, but not an origin the policy lists.
  const disallowed = `${MIRROR.replace('127.0.0.1', 'localhost')}${MODEL_FILE}`;
  const report = await page.evaluate(
    ({ allowed, disallowed }) =>
      new Promise<unknown>((resolve) => {
        const worker = new Worker('/models/probe/worker.js');
        worker.onmessage = (event) => resolve(event.data);
        worker.postMessage({ allowed, disallowed });
      }),
    { allowed: `${MIRROR}${MODEL_FILE}`, disallowed },
  );
  expect(report).toMatchObject({ isolated: true, sharedMemory: true, allowed: 'ok', disallowed: 'blocked' });
  // Refused by the policy, not by the network: outside the browser the same address answers.
  expect((await request.get(disallowed)).status()).toBe(200);
});

test('a model downloads from another origin that sends CORS headers, as from the hub', async ({ page }) => {
  const mirrorRequests: string[] = [];
  page.context().on('request', (request) => {
    if (request.url().startsWith(MIRROR)) mirrorRequests.push(request.url());
  });
  await loadTinyCpuModel(page, 8192, { mirror: MIRROR });
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  expect(mirrorRequests.some((url) => url.endsWith('/onnx/model_quantized.onnx'))).toBe(true);
});
