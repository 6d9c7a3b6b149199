// The chat screen with a real engine and no network beyond this site: import a fixture, load the CPU
// engine (transformers.js on WASM) with the tiny test llama (real SmolLM2 tokenizer, random weights),
// open the persona's chat, send a message, watch tokens stream into a persona bubble carrying the
// "simulated" label, Stop it, rate it thumbs-up, and find the conversation and the rating after a reload.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { FIXTURES, createPersona, loadTinyCpuModel, pickFiles, recordHosts, topAuthor, openInfoTab, closeInfo, messageMenu, openConversations } from './app-model';

const FILE = 'whatsapp/de/WhatsR__ExampleChat.txt';
test('chat: stream a simulated reply, Stop it, and find the conversation after a reload', async ({ page }) => {
  test.setTimeout(120_000);
  const hosts = recordHosts(page);
  const person = topAuthor(FILE);
  await pickFiles(page, [join(FIXTURES, FILE)]);
  await createPersona(page, person);
  const personaUrl = page.url();

  // Before a model is loaded the chat says so and links to the Models screen.
  const chat = page.getByTestId('chat-view');
  await expect(chat.getByTestId('simulation-note')).toContainText('simulation');
  await chat.getByTestId('chat-no-model').getByRole('link').click();

  await loadTinyCpuModel(page);
  // Back to the persona in the same page (the loaded model lives in this page).
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chats' }).click();
  await page.getByTestId('persona-card').getByRole('link').first().click();
  expect(page.url()).toBe(personaUrl);
  await expect(chat.getByTestId('chat-no-model')).toBeHidden();

  // The longest reply the settings allow: on threads the tiny model can finish the default length before the
  // test has looked at the stream and pressed Stop.
  await chat.getByTestId('conversations-toggle').click();
  const settings = page.getByTestId('chat-settings');
  await settings.getByText('Reply settings', { exact: true }).click();
  await settings.getByTestId('setting-max-tokens').fill('1024');
  await settings.getByLabel('Every chat with this persona').check();
  await settings.getByTestId('settings-save').click();
  await expect(settings.getByRole('status')).toContainText('Saved for every chat');
  await page.getByRole('region', { name: 'Conversations and reply settings' }).getByRole('button', { name: 'Close' }).click();

  // Shift+Enter adds a line; Enter sends.
  const input = chat.getByTestId('chat-input');
  await input.fill('Hast du heute Zeit?');
  await input.press('Shift+Enter');
  await input.pressSequentially('Wir könnten essen gehen.');
  await expect(input).toHaveValue('Hast du heute Zeit?\nWir könnten essen gehen.');
  await input.press('Enter');
  await expect(input).toHaveValue('');

  const user = chat.getByTestId('user-message');
  await expect(user).toHaveCount(1);
  await expect(user).toContainText('Wir könnten essen gehen.');
  const reply = chat.getByTestId('persona-message');
  await expect(reply).toHaveAttribute('data-status', 'streaming', { timeout: 30_000 });
  await expect(reply.getByTestId('simulated-label')).toBeVisible();
  // Streams: the bubble text grows while the token count rises.
  await expect.poll(async () => Number(await reply.getByTestId('chat-token-count').innerText()), { timeout: 30_000 }).toBeGreaterThan(5);
  const early = (await reply.getByTestId('bubble').allInnerTexts()).join('').length;
  await expect.poll(async () => Number(await reply.getByTestId('chat-token-count').innerText()), { timeout: 30_000 }).toBeGreaterThan(20);
  // Waited for, not read once: the random model can spend a run of tokens on whitespace the bubble trims.
  await expect.poll(async () => (await reply.getByTestId('bubble').allInnerTexts()).join('').length, { timeout: 30_000 }).toBeGreaterThan(early);

  // Opening the info page beside the chat does not stop the reply, nor lose an unsent draft.
  await input.fill('half a thought');
  const before = Number(await reply.getByTestId('chat-token-count').innerText());
  await openInfoTab(page, 'Style');
  await closeInfo(page);
  await expect(input).toHaveValue('half a thought');
  await expect(reply).toHaveAttribute('data-status', 'streaming');
  await expect.poll(async () => Number(await reply.getByTestId('chat-token-count').innerText()), { timeout: 30_000 }).toBeGreaterThan(before);
  await input.fill('');

  await chat.getByTestId('chat-stop').click();
  await expect(reply).toHaveAttribute('data-status', 'stopped', { timeout: 10_000 });
  await expect(chat.getByTestId('chat-send')).toBeVisible();
  const stoppedText = (await reply.getByTestId('bubble').allInnerTexts()).join('\n');
  expect(stoppedText.length).toBeGreaterThan(0);
  // The reply keeps what its prompt was made of (in the bubble's menu).
  const menu = await messageMenu(reply);
  const why = menu.getByTestId('why-answer');
  await why.getByText('Why this answer').click();
  await expect(why.getByRole('heading').first()).toBeVisible();
  // Thumbs up: stored on the reply (a liked reply becomes an example for later replies).
  await menu.getByTestId('rate-up').click();
  await expect(menu.getByTestId('rate-up')).toHaveAttribute('aria-pressed', 'true');
  await expect(menu.getByTestId('rate-down')).toHaveAttribute('aria-pressed', 'false');
  // Escape closes the menu.
  await menu.getByTestId('rate-down').focus();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();

  // After a reload the conversation, the user message and the stopped reply are still there.
  await page.reload();
  await expect(chat.getByTestId('user-message')).toBeVisible();
  await openConversations(page);
  await expect(chat.getByTestId('conversation')).toHaveCount(1);
  await expect(chat.getByTestId('user-message')).toContainText('Hast du heute Zeit?');
  const stored = chat.getByTestId('persona-message');
  await expect(stored).toHaveAttribute('data-status', 'stopped');
  await expect(stored.getByTestId('simulated-label')).toBeVisible();
  expect((await stored.getByTestId('bubble').allInnerTexts()).join('\n')).toBe(stoppedText);
  const storedMenu = await messageMenu(stored);
  await expect(storedMenu.getByTestId('rate-up')).toHaveAttribute('aria-pressed', 'true');
  await expect(storedMenu.getByTestId('rate-down')).toHaveAttribute('aria-pressed', 'false');

  // Phone-sized: the chat fits the width (no sideways scrolling) and the composer stays usable.
  await page.setViewportSize({ width: 375, height: 740 });
  await expect(chat.getByTestId('chat-input')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await page.screenshot({ path: test.info().outputPath('chat-phone.png'), fullPage: true });

  expect([...hosts].filter((h) => !h.startsWith('127.0.0.1:'))).toEqual([]);
});
