// The GGUF engine (llama.cpp via wllama) in the built app, in real Chromium, on the project's own tiny
// random-weight GGUFs (tests/model-gen/gguf.ts, served as "models on this server" by the test server):
// the base model (no chat template) loads from the server list, a persona chat streams a reply labelled
// simulated (transcript prompt), Stop works, the model shows as kept on this device and Delete removes
// it; a .gguf picked from disk is kept in the browser, loads, and answers through its chat template.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURES, createPersona, pickFiles, recordHosts, topAuthor } from './app-model';

const FILE = 'whatsapp/de/WhatsR__ExampleChat.txt';
const GGUF_DIR = fileURLToPath(new URL('../.models/gguf/', import.meta.url));

async function openModels(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await expect(page.getByTestId('model-list')).toBeVisible({ timeout: 60_000 });
}

function row(page: Page, label: string) {
  return page.getByTestId('model-row').filter({ has: page.getByText(label, { exact: true }) });
}

test('gguf: a base model from this server chats as the persona, stops, and is deleted from the device', async ({ page }) => {
  test.setTimeout(180_000);
  const hosts = recordHosts(page);
  const person = topAuthor(FILE);
  await pickFiles(page, [join(FIXTURES, FILE)]);
  await createPersona(page, person);

  await openModels(page);
  const base = row(page, 'Tiny base test model (on this server)');
  await expect(base).toHaveAttribute('data-cached', 'false');
  await expect(base.getByTestId('base-model')).toBeVisible();
  await base.getByRole('button', { name: 'Load Tiny base test model (on this server)' }).click();
  const loaded = page.getByTestId('loaded-model');
  await expect(loaded).toContainText('Tiny base test model', { timeout: 60_000 });
  // The backend is chosen and shown: no real GPU here (SwiftShader), so llama.cpp runs on the CPU, with
  // one thread per core when the page is cross-origin isolated (the server sends COOP/COEP).
  const { isolated, cores } = await page.evaluate(() => ({ isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency }));
  const threads = isolated ? Math.min(4, cores) : 1;
  await expect(loaded).toContainText(`CPU (WebAssembly, ${threads} thread${threads > 1 ? 's' : ''}`);
  await expect(base).toHaveAttribute('data-cached', 'true');

  // Back to the persona's chat (the home screen is the chat list; a persona opens on its chat).
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chats' }).click();
  await page.getByTestId('persona-card').getByRole('link').first().click();
  const chat = page.getByTestId('chat-view');
  await expect(chat.getByTestId('chat-no-model')).toBeHidden();
  const input = chat.getByTestId('chat-input');
  await input.fill('Hast du heute Zeit?');
  await input.press('Enter');
  const reply = chat.getByTestId('persona-message');
  await expect(reply).toHaveAttribute('data-status', 'streaming', { timeout: 30_000 });
  await expect(reply.getByTestId('simulated-label')).toBeVisible();
  await expect.poll(async () => Number(await reply.getByTestId('chat-token-count').innerText()), { timeout: 30_000 }).toBeGreaterThan(5);
  await expect.poll(async () => (await reply.getByTestId('bubble').allInnerTexts()).join('').trim().length, { timeout: 30_000 }).toBeGreaterThan(0);
  await chat.getByTestId('chat-stop').click();
  await expect(reply).toHaveAttribute('data-status', 'stopped', { timeout: 10_000 });
  const stoppedText = (await reply.getByTestId('bubble').allInnerTexts()).join('\n');
  expect(stoppedText.trim().length).toBeGreaterThan(0);
  // A transcript reply never carries a speaker's name line of its own.
  expect(stoppedText).not.toContain(`\n${person}:`);

  await openModels(page);
  await expect(base).toHaveAttribute('data-cached', 'true');
  await base.getByRole('button', { name: 'Delete download' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(base).toHaveAttribute('data-cached', 'false', { timeout: 20_000 });
  await expect(page.getByTestId('models-notice')).toContainText('was deleted from this device');

  expect([...hosts].filter((h) => !h.startsWith('127.0.0.1:'))).toEqual([]);
});

test('gguf: a .gguf picked from disk is kept in the browser, loads, and answers through its chat template', async ({ page }) => {
  test.setTimeout(120_000);
  const hosts = recordHosts(page);
  await page.goto('/#/models');
  await expect(page.getByTestId('model-list')).toBeVisible({ timeout: 60_000 });
  const custom = page.getByTestId('custom-model');
  await custom.getByText('Add a custom model', { exact: true }).click();
  await custom.getByLabel('GGUF (llama.cpp: GPU or CPU)').check();
  await custom.getByTestId('gguf-file').setInputFiles(join(GGUF_DIR, 'tiny-chat.gguf'));
  const picked = row(page, 'tiny-chat (file)');
  await expect(picked).toHaveAttribute('data-cached', 'true', { timeout: 20_000 });

  // Kept in the origin's storage: still listed after a reload, without picking it again.
  await page.reload();
  await expect(picked).toBeVisible({ timeout: 60_000 });
  await picked.getByRole('button', { name: 'Load tiny-chat (file)' }).click();
  await expect(page.getByTestId('loaded-model')).toContainText('tiny-chat (file)', { timeout: 60_000 });

  const tryIt = page.getByTestId('try-it');
  await tryIt.getByTestId('try-prompt').fill('Hello there');
  await tryIt.getByTestId('try-max-tokens').fill('12');
  await tryIt.getByTestId('try-send').click();
  await expect(tryIt.getByTestId('try-finish')).toBeVisible({ timeout: 30_000 });
  await expect(tryIt.getByTestId('try-output')).not.toHaveText('');
  expect(Number(await tryIt.getByTestId('try-token-count').innerText())).toBeGreaterThan(0);

  // Refused with a sentence: a file that is not a GGUF.
  await custom.getByText('Add a custom model', { exact: true }).click();
  await custom.getByLabel('GGUF (llama.cpp: GPU or CPU)').check();
  await custom.getByTestId('gguf-file').setInputFiles({ name: 'notes.gguf', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model at all') });
  await expect(page.getByRole('alert').filter({ hasText: 'is not a GGUF model file' })).toBeVisible();

  expect([...hosts].filter((h) => !h.startsWith('127.0.0.1:'))).toEqual([]);
});
