// Embeddings in the real app: import an export and create the persona; its chat opens and the embeddings
// build by themselves in the background with the real transformers.js engine (ONNX Runtime Web, WASM),
// shown in the chat header's chip; reload mid-way and see the job continue from the stored batches, then
// search the persona (its info page) and get reply pairs back.
// The model is the tiny test BERT (real MiniLM tokenizer, random weights): fast, same code path.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { FIXTURES, createPersona, openInfo, pickFiles } from './app-model';

const FIXTURE = 'whatsapp/it/nmoya__22_OW_MT_2012_large.txt';
const PERSON = 'ROOT';

const number = (text: string) => Number(text.replace(/[^\d]/g, ''));

test('embeddings build with the real engine, resume after a reload, and a query returns pairs', async ({ page, context }) => {
  test.setTimeout(240_000);
  const hosts = new Set<string>();
  context.on('request', (request) => {
    const url = new URL(request.url());
    // blob: and data: URLs are made in the page (ORT's factory is loaded as a blob); only network counts.
    if (url.protocol === 'http:' || url.protocol === 'https:') hosts.add(url.host);
  });

  await pickFiles(page, [join(FIXTURES, FIXTURE)]);
  await createPersona(page, PERSON);
  // No click: the chat opened and the persona is being embedded, shown in the chat header.
  const chip = page.getByTestId('chat-view').getByTestId('embed-chip');
  await expect(chip).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await expect(chip).toContainText(/\d+%/, { timeout: 60_000 });
  await expect(chip.getByRole('button', { name: 'Cancel embedding' })).toBeVisible();

  // The numbers in the info page, while the real engine embeds batch after batch.
  await openInfo(page);
  const panel = page.getByTestId('embed-panel');
  await expect(panel.getByTestId('embed-model')).toHaveText('tiny-random-bert-minilm-tok');
  const run = panel.getByTestId('embed-run');
  await expect(run).toHaveAttribute('data-phase', 'embed', { timeout: 60_000 });
  await expect(run.getByTestId('progress')).toContainText(/of [\d,.\s]+/);
  await expect.poll(async () => number(await panel.getByTestId('embed-done').innerText()), { timeout: 60_000 }).toBeGreaterThan(0);
  await expect(panel.getByTestId('embed-status')).toHaveAttribute('data-state', 'running');
  const total = number(await panel.getByTestId('embed-total').innerText());

  // Reload mid-way: the tab's worker dies with the page; the stored batches stay.
  await page.reload();
  const stored = number(await panel.getByTestId('embed-done').innerText());
  expect(stored).toBeGreaterThan(0);
  expect(stored).toBeLessThan(total);
  // The app resumes the interrupted job by itself, from what was stored, not from zero.
  await expect(run).toHaveAttribute('data-phase', 'embed', { timeout: 60_000 });
  expect(Number(await run.getAttribute('data-resumed-from'))).toBeGreaterThanOrEqual(stored);
  await expect(panel.getByTestId('embed-status')).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
  expect(number(await panel.getByTestId('embed-done').innerText())).toBe(total);

  // A query returns reply pairs (context -> reply) with scores, rendered as text.
  await panel.getByTestId('embed-query').fill('non vedo l ora di vederti stasera');
  await panel.getByRole('button', { name: 'Search' }).click();
  const pairs = panel.locator('[data-testid="embed-result"][data-kind="pair"]');
  await expect(pairs.first()).toBeVisible();
  expect(await pairs.count()).toBeGreaterThan(0);
  await expect(pairs.first()).toContainText('→');

  // Nothing was fetched from anywhere but this site (no CDN for ORT, no hub for the model).
  expect([...hosts].filter((h) => !h.startsWith('127.0.0.1:'))).toEqual([]);
});
