// The built app in real Chromium with the real models of models:real: an Italian WhatsApp export (the
// first 3,000 lines of the large Italian fixture, so the import and its embedding take about a minute) is
// imported and embedded by the real all-MiniLM-L6-v2 from this server, "Gemma 3 270M (on this server)" is
// loaded, and a message in Italian gets a streamed, non-empty reply labelled simulated, in Italian (the
// project's own per-message language guesser), while no request leaves this machine.
import { expect, test, type Page } from '@playwright/test';
import { detectLanguage } from '../../../src/lib/persona/lang';
import { createPersona, pickFiles, recordHosts, waitEmbeddingsSettled } from '../../e2e/app-model';
import { italianChatHead, MINILM_ID, requireRealModels } from '../real-models';

const PERSON = 'ROOT';
const GEMMA = 'Gemma 3 270M (on this server)';
const REPLY_TOKENS = 48;
// Questions, not greetings: to "ciao, come stai?" the persona may answer with the chat's own first greeting
// ("Ehi!"), too short to tell its language, and a base model then repeats its own line for every message.
const MESSAGES = [
  'Perché ieri sera non mi hai risposto al telefono? Ero preoccupata',
  'Cosa pensi di fare questo fine settimana con i tuoi amici?',
  'Secondo te dovremmo parlare di quello che è successo tra noi?',
  'Raccontami cosa hai mangiato oggi a pranzo',
];

/** The real embedder from this site's /models/ folder, chosen before the app starts (as in its settings). */
async function useRealEmbedder(page: Page): Promise<void> {
  await page.addInitScript((model) => {
    localStorage.setItem('personayou.embed-settings', JSON.stringify({ source: { kind: 'local' }, model: { id: model, dtype: 'q8', dims: 384, label: model } }));
  }, MINILM_ID);
}

/** Lowercase word tokens, as the style profile gives detectLanguage. */
function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}']+/gu) ?? [];
}

test.beforeAll(requireRealModels);

test('real chat: Gemma 3 270M from this server answers an Italian message in Italian, labelled simulated, offline', async ({ page }) => {
  test.setTimeout(20 * 60_000);
  const hosts = recordHosts(page);
  await useRealEmbedder(page);
  await pickFiles(page, [await italianChatHead(3000)]);
  await createPersona(page, PERSON);
  // The chat embeds the persona by itself; let it finish first, so the reply does not share the CPU with it.
  await waitEmbeddingsSettled(page, 10 * 60_000);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await expect(page.getByTestId('model-list')).toBeVisible({ timeout: 60_000 });
  const gemma = page.getByTestId('model-row').filter({ has: page.getByText(GEMMA, { exact: true }) });
  await expect(gemma.getByTestId('base-model')).toBeVisible();
  await gemma.getByRole('button', { name: `Load ${GEMMA}` }).click();
  await expect(page.getByTestId('loaded-model')).toContainText('Gemma 3 270M', { timeout: 5 * 60_000 });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chats' }).click();
  await page.getByTestId('persona-card').getByRole('link').first().click();
  const chat = page.getByTestId('chat-view');
  await expect(chat.getByTestId('chat-no-model')).toBeHidden();
  // A base model continues the person's side of the transcript bubble after bubble until the reply length
  // is used up: a shorter longest reply (the persona's reply settings) keeps each reply to seconds.
  await chat.getByTestId('conversations-toggle').click();
  const settings = page.getByTestId('chat-settings');
  await settings.getByText('Reply settings', { exact: true }).click();
  await settings.getByTestId('setting-max-tokens').fill(String(REPLY_TOKENS));
  await settings.getByLabel('Every chat with this persona').check();
  await settings.getByTestId('settings-save').click();
  await expect(settings.getByRole('status')).toContainText('Saved for every chat');
  await page.getByRole('region', { name: 'Conversations and reply settings' }).getByRole('button', { name: 'Close' }).click();

  const input = chat.getByTestId('chat-input');
  // The app's own sampling (temperature 0.8): a reply can be too short to tell its language ("Sì!", "ok").
  // Then the persona is asked again, up to four times, until the replies together say enough; a reply in
  // another language fails at once.
  const replies: string[] = [];
  for (const message of MESSAGES) {
    const before = await chat.getByTestId('persona-message').count();
    await input.fill(message);
    await input.press('Enter');
    const reply = chat.getByTestId('persona-message').nth(before);
    await expect(reply).toHaveAttribute('data-status', 'streaming', { timeout: 5 * 60_000 });
    await expect(reply.getByTestId('simulated-label')).toBeVisible();
    await expect(reply).toHaveAttribute('data-status', 'done', { timeout: 8 * 60_000 });
    await expect(reply.getByTestId('simulated-label')).toBeVisible();
    const text = (await reply.getByTestId('bubble').allInnerTexts()).join('\n').trim();
    console.log(`reply ${replies.length + 1}: ${JSON.stringify(text)}`);
    expect(text).not.toBe('');
    expect([null, 'it']).toContain(detectLanguage(text, words(text)));
    replies.push(text);
    if (detectLanguage(replies.join('\n'), words(replies.join(' '))) !== null) break;
  }
  const all = replies.join('\n');
  expect(detectLanguage(all, words(all))).toBe('it');

  expect([...hosts].filter((h) => !h.startsWith('127.0.0.1:'))).toEqual([]);
});
