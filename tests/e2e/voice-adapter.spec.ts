// Voice adapters in the built app, in real Chromium, with real wllama (patched to mount adapters) on the
// project's tiny random base GGUF and random LoRA adapters (tests/model-gen/lora.ts): an adapter made for
// other shapes is refused with a message naming the file and nothing is stored; the matching one is kept
// with the persona; greedy replies with it differ from replies without it (switched off for one chat)
// and are the same on two runs; "why this answer" names it; a backup carries it, deleting the persona
// removes its file; the fidelity test runs with it when asked and its report names it. The panel is
// screenshotted and checked by axe.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURES, createPersona, dbSnapshot, expectAccessible, messageMenu, openConversations, openInfo, openInfoTab, closeInfo, pickFiles, recordHosts, topAuthor, waitEmbeddingsSettled } from './app-model';

// axe-core is injected as a script, which the app's CSP (rightly) forbids.
test.use({ bypassCSP: true });

// Long enough for the fidelity test (at least 5 reply pairs of the person, the latest held out).
const FILE = 'whatsapp/multi-format/whatstk__lorem-merge-part1.txt';
const LORA_DIR = fileURLToPath(new URL('../.models/lora/', import.meta.url));
const BASE = 'Tiny base test model (on this server)';

async function storedAdapterFiles(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    try {
      const dir = await root.getDirectoryHandle('voice-adapters');
      const names: string[] = [];
      for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
      return names;
    } catch {
      return [];
    }
  });
}

async function personaRow(page: Page): Promise<Record<string, unknown>> {
  const rows = (await dbSnapshot(page)).stores['personas'] ?? [];
  expect(rows).toHaveLength(1);
  return rows[0] as Record<string, unknown>;
}

/** Reply settings of the open chat (or of every chat with the persona), saved. */
async function saveSettings(page: Page, scope: 'This chat only' | 'Every chat with this persona', change: (settings: ReturnType<Page['getByTestId']>) => Promise<void>): Promise<void> {
  await openConversations(page);
  const settings = page.getByTestId('chat-settings');
  if ((await settings.getAttribute('open')) === null) await settings.getByText('Reply settings', { exact: true }).click();
  await change(settings);
  await settings.getByLabel(scope).check();
  await settings.getByTestId('settings-save').click();
  await expect(settings.getByRole('status')).toContainText('Saved for');
}

async function newChat(page: Page): Promise<void> {
  const list = await openConversations(page);
  const before = await list.getByTestId('conversation').count();
  await list.getByRole('button', { name: 'New chat' }).click();
  await expect(list.getByTestId('conversation')).toHaveCount(before + 1);
}

async function closeConversations(page: Page): Promise<void> {
  await page.getByRole('region', { name: 'Conversations and reply settings' }).getByRole('button', { name: 'Close' }).click();
}

/** Sends the same first message in the open (new) chat and returns the finished greedy reply's text. */
async function firstReply(page: Page): Promise<string> {
  const chat = page.getByTestId('chat-view');
  await expect(chat.getByTestId('persona-message')).toHaveCount(0);
  await chat.getByTestId('chat-input').fill('Hast du heute Zeit?');
  await chat.getByTestId('chat-input').press('Enter');
  const reply = chat.getByTestId('persona-message');
  await expect(reply).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  return (await reply.getByTestId('bubble').allInnerTexts()).join('\n');
}

test('voice adapter: a mismatched one is refused, the matching one changes greedy replies the same way twice', async ({ page }) => {
  test.setTimeout(300_000);
  const hosts = recordHosts(page);
  await pickFiles(page, [join(FIXTURES, FILE)]);
  await createPersona(page, topAuthor(FILE));
  const personaUrl = page.url();
  // Retrieval by meaning once embedded: the prompts of later replies then depend only on the chat.
  await test.step('embed', () => waitEmbeddingsSettled(page));

  // No model chosen yet: the panel says so, and an adapter cannot be checked, so it is not kept.
  const early = (await openInfo(page)).getByTestId('voice-adapter-panel');
  await expect(early.getByTestId('voice-adapter-warning')).toContainText('No model is chosen yet');
  await early.getByTestId('voice-adapter-input').setInputFiles(join(LORA_DIR, 'tiny-lora.gguf'));
  await expect(early.getByTestId('voice-adapter-error')).toContainText('“tiny-lora.gguf” was not added: No model is chosen yet');
  expect(await storedAdapterFiles(page)).toEqual([]);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  const base = page.getByTestId('model-row').filter({ has: page.getByText(BASE, { exact: true }) });
  await base.getByRole('button', { name: `Load ${BASE}` }).click();
  await expect(page.getByTestId('loaded-model')).toContainText('Tiny base test model', { timeout: 60_000 });
  await page.goto(personaUrl);
  await expect(page.getByTestId('chat-view')).toBeVisible();

  const info = await openInfo(page);
  const panel = info.getByTestId('voice-adapter-panel');
  await expect(panel.getByTestId('voice-adapter-warning')).toBeHidden();

  // Made for a wider model: refused, naming the file and the weight, and nothing is kept.
  await panel.getByTestId('voice-adapter-input').setInputFiles(join(LORA_DIR, 'tiny-lora-other-shape.gguf'));
  await expect(panel.getByTestId('voice-adapter-error')).toContainText('“tiny-lora-other-shape.gguf” does not fit “Tiny base test model');
  await expect(panel.getByTestId('voice-adapter-error')).toContainText('blk.0.attn_q.weight is 64×64 in the model');
  await expect(panel.getByTestId('voice-adapter-current')).toHaveCount(0);
  expect(await storedAdapterFiles(page)).toEqual([]);
  expect((await personaRow(page))['voiceAdapter']).toBeUndefined();

  await panel.getByTestId('voice-adapter-input').setInputFiles(join(LORA_DIR, 'tiny-lora.gguf'));
  await expect(panel.getByTestId('voice-adapter-notice')).toContainText('“tiny-lora.gguf” fits Tiny base test model (on this server) (8 adapted weights, rank 4)');
  await expect(panel.getByTestId('voice-adapter-name')).toHaveText('tiny-lora.gguf');
  await expect(panel.getByTestId('voice-adapter-scale')).toHaveText('1.00');
  expect(await storedAdapterFiles(page)).toHaveLength(1);
  expect((await personaRow(page))['voiceAdapter']).toMatchObject({ label: 'tiny-lora.gguf', scale: 1, architecture: 'llama', rank: 4 });

  for (const [width, height] of [[1280, 900], [360, 1400]] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      const shown = await openInfo(page);
      await shown.getByTestId('voice-adapter-panel').scrollIntoViewIfNeeded();
      await shown.getByTestId('voice-adapter-panel').screenshot({ path: test.info().outputPath(`voice-adapter-${width}-${scheme}.png`) });
    }
  }
  await expectAccessible(page, 'voice adapter panel');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  await openInfo(page);
  await closeInfo(page);

  // Greedy, short replies for every chat with this persona.
  await saveSettings(page, 'Every chat with this persona', async (settings) => {
    await settings.getByTestId('setting-temperature').fill('0');
    await settings.getByTestId('setting-max-tokens').fill('16');
  });
  await newChat(page);
  await closeConversations(page);
  const withAdapter = await firstReply(page);
  const reply = page.getByTestId('chat-view').getByTestId('persona-message');
  const why = (await messageMenu(reply)).getByTestId('why-answer');
  await why.getByText('Why this answer').click();
  await expect(why.getByTestId('why-voice-adapter')).toHaveText('Voice adapter: tiny-lora.gguf at scale 1');

  // Switched off for one new chat: the model reloads without it, and the same greedy reply is another.
  await newChat(page);
  await saveSettings(page, 'This chat only', (settings) => settings.getByTestId('setting-voice-adapter').uncheck());
  await closeConversations(page);
  const without = await firstReply(page);

  // On again in the next new chat: the same greedy reply as the first time.
  await newChat(page);
  await closeConversations(page);
  const again = await firstReply(page);
  expect(withAdapter.trim()).not.toBe('');
  expect(again).toBe(withAdapter);
  expect(without).not.toBe(withAdapter);

  // The backup carries the adapter: deleted with its persona (file and all), back with the restored one.
  await page.goto(personaUrl);
  await openInfoTab(page, 'Export');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Backup (.zip)', exact: true }).click()]);
  const backupPath = test.info().outputPath(download.suggestedFilename());
  writeFileSync(backupPath, readFileSync(await download.path()));
  await openInfo(page);
  await page.getByRole('button', { name: 'Delete persona' }).click();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect.poll(async () => ((await dbSnapshot(page)).stores['personas'] ?? []).length).toBe(0);
  expect(await storedAdapterFiles(page)).toEqual([]);
  await pickFiles(page, [backupPath]);
  await expect(page.getByRole('status').filter({ hasText: 'imported from a backup' })).toBeVisible();
  const restored = await personaRow(page);
  expect(restored['voiceAdapter']).toMatchObject({ label: 'tiny-lora.gguf', scale: 1 });
  expect(await storedAdapterFiles(page)).toEqual([(restored['voiceAdapter'] as { file: string }).file]);
  await expect((await openInfo(page)).getByTestId('voice-adapter-name')).toHaveText('tiny-lora.gguf');

  // The fidelity test runs with the adapter when asked, and its report says so (to set beside one without).
  await closeInfo(page);
  await openInfoTab(page, 'How close is it?');
  const fidelity = page.getByTestId('fidelity-panel');
  await fidelity.getByTestId('fidelity-sample-count').fill('2');
  await fidelity.getByTestId('fidelity-max-tokens').fill('8');
  await fidelity.getByTestId('fidelity-voice-adapter').check();
  await fidelity.getByTestId('fidelity-run').click();
  await expect(fidelity.getByTestId('fidelity-report')).toContainText('+ voice adapter tiny-lora.gguf ×1', { timeout: 120_000 });

  expect([...hosts].filter((h) => !h.startsWith('127.0.0.1:'))).toEqual([]);
});
