// Knowledge documents and conversation summaries in the real app, with the real engines on the shared
// tiny models (random weights: the texts are gibberish, so these tests check plumbing, never meaning).
// 1. A .md note with a rare word is added to a persona, embedded with the persona, and the chunk holding
//    that word is what a chat message with the word retrieves: the "why this answer" panel names its file.
//    The BM25 half of hybrid retrieval decides it (random embeddings cannot), so the result is deterministic.
// 2. With a small model window, old messages stop fitting, get summarised after a reply, the summary is
//    edited, the next reply's prompt carries the edited text, and it survives a reload.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { FIXTURES, chooseTinyEmbedModel, createPersona, loadTinyCpuModel, pickFiles, recordHosts, topAuthor, openInfoTab, messageMenu, waitEmbedded } from './app-model';

const FILE = 'whatsapp/de/WhatsR__ExampleChat.txt';
const RARE = 'Quuxberrytorte';

const NOTE = [
  '# Family recipes',
  '',
  `The ${RARE} needs three eggs, a cup of blackcurrants and an hour in a slow oven.`,
  '',
  'Serve it cold with cream on Sunday afternoons.',
].join('\n');
const OTHER = 'Holiday notes: the hotel in Lisbon was near the river, and tram 28 stopped right outside the door.';

/** Back to the persona from another screen: its chat, or one section of its info page. */
async function openPersonaTab(page: Page, tab: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chats' }).click();
  await page.getByTestId('persona-card').getByRole('link').first().click();
  if (tab !== 'Chat') await openInfoTab(page, tab);
}

/** Sends a message and waits until the persona's reply to it is finished. */
async function sendAndWait(page: Page, text: string): Promise<void> {
  const chat = page.getByTestId('chat-view');
  const before = await chat.getByTestId('persona-message').count();
  await chat.getByTestId('chat-input').fill(text);
  await chat.getByTestId('chat-input').press('Enter');
  const reply = chat.getByTestId('persona-message').nth(before);
  await expect(reply).toHaveAttribute('data-status', /done|stopped/, { timeout: 90_000 });
  await expect(chat.getByTestId('chat-send')).toBeVisible();
}

test('a knowledge file is chunked, embedded and retrieved into the prompt with its file name', async ({ page }) => {
  test.setTimeout(240_000);
  const hosts = recordHosts(page);
  await pickFiles(page, [join(FIXTURES, FILE)]);
  await createPersona(page, topAuthor(FILE));
  await chooseTinyEmbedModel(page);
  // The chat embedded the persona by itself; the notes added next are embedded on top of that.
  await waitEmbedded(page);

  // Add two notes at once (and a picture by mistake, which is refused by name).
  await openInfoTab(page, 'Knowledge');
  const view = page.getByTestId('knowledge-view');
  await expect(view.getByTestId('knowledge-empty')).toBeVisible();
  await view.getByTestId('knowledge-input').setInputFiles([
    { name: 'family-recipes.md', mimeType: 'text/markdown', buffer: Buffer.from(NOTE) },
    { name: 'lisbon.txt', mimeType: 'text/plain', buffer: Buffer.from(OTHER) },
    { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0]) },
  ]);
  const recipes = view.locator('[data-testid="knowledge-doc"][data-file="family-recipes.md"]');
  await expect(recipes).toContainText('Family recipes');
  await expect(view.locator('[data-testid="knowledge-doc"][data-file="lisbon.txt"]')).toBeVisible();
  await expect(view.getByTestId('error')).toContainText('photo.jpg');
  // (Added to a persona already embedded, a note is embedded at once: how fast is no part of this test.)
  await expect(recipes.getByTestId('knowledge-status')).toHaveAttribute('data-chunks', /^[1-9]\d*$/);
  // Its text can be read back, piece by piece.
  await recipes.getByRole('button', { name: 'View' }).click();
  await expect(recipes.getByTestId('knowledge-chunks')).toContainText(RARE);

  // The persona's embeddings include the notes (added to an embedded persona, they are embedded at once).
  const panel = page.getByTestId('embed-panel');
  await expect(panel.getByTestId('embed-status')).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
  const chunks = await recipes.getByTestId('knowledge-status').getAttribute('data-chunks');
  await expect(recipes.getByTestId('knowledge-status')).toHaveAttribute('data-embedded', chunks ?? '');

  // A note added once the persona is embedded is embedded at once, and only its pieces are new work.
  const total = Number((await panel.getByTestId('embed-total').innerText()).replace(/[^\d]/g, ''));
  await view.getByTestId('knowledge-input').setInputFiles([{ name: 'later.md', mimeType: 'text/markdown', buffer: Buffer.from('# Later\n\nA note added afterwards.') }]);
  const later = view.locator('[data-testid="knowledge-doc"][data-file="later.md"]');
  await expect(later.getByTestId('knowledge-status')).toHaveAttribute('data-embedded', '1', { timeout: 60_000 });
  await expect(panel.getByTestId('embed-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect.poll(async () => Number((await panel.getByTestId('embed-total').innerText()).replace(/[^\d]/g, ''))).toBe(total + 1);

  await loadTinyCpuModel(page);
  await openPersonaTab(page, 'Chat');
  await sendAndWait(page, `Do you still have the ${RARE} recipe?`);
  const reply = page.getByTestId('persona-message').last();
  const why = (await messageMenu(reply)).getByTestId('why-answer');
  await why.getByText('Why this answer').click();
  // The best note first: the chunk sharing the rare word, named by its file, with an excerpt.
  const first = why.getByTestId('why-knowledge-item').first();
  await expect(first).toContainText('family-recipes.md');
  await expect(first).toContainText(RARE);
  await expect(why.getByRole('heading', { name: /^Knowledge/ })).toBeVisible();
  await expect(why).toContainText('What you know (from your notes):');

  // Removing the note deletes it with its vectors: a new search no longer counts it.
  await openPersonaTab(page, 'Knowledge');
  await recipes.getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
  await expect(recipes).toHaveCount(0);
  await expect(view.getByTestId('knowledge-doc')).toHaveCount(2);

  expect([...hosts].filter((h) => !h.startsWith('127.0.0.1:'))).toEqual([]);
});

test('a long chat is summarised past the model window; the summary is editable and kept', async ({ page }) => {
  test.setTimeout(300_000);
  const hosts = recordHosts(page);
  await pickFiles(page, [join(FIXTURES, FILE)]);
  await createPersona(page, topAuthor(FILE));
  const personaUrl = page.url();

  // A 512-token window with 256-token replies: each long reply stops fitting the next prompt.
  await loadTinyCpuModel(page, 512);
  await openPersonaTab(page, 'Chat');
  const chat = page.getByTestId('chat-view');
  const summary = chat.getByTestId('conversation-summary');
  for (const text of ['Hallo, wie geht es dir?', 'Was machst du am Wochenende?', 'Kommst du mit ins Kino?', 'Und danach essen?']) {
    await sendAndWait(page, text);
  }
  // After the reply whose prompt dropped a full segment, the summary is written in the background.
  const item = summary.getByTestId('summary-item').first();
  await expect(item).toBeVisible({ timeout: 90_000 });
  await expect(summary.getByTestId('summary-running')).toBeHidden({ timeout: 90_000 });
  expect((await item.getByTestId('summary-text').innerText()).trim().length).toBeGreaterThan(0);
  await expect(item).toHaveAttribute('data-edited', 'false');

  // Edit it: the next reply's prompt carries the edited text as "Earlier in this chat".
  await item.getByTestId('summary-edit-button').click();
  await item.getByTestId('summary-edit').fill('Bo asked about the weekend and the cinema.');
  await item.getByTestId('summary-save').click();
  await expect(item.getByTestId('summary-text')).toHaveText('Bo asked about the weekend and the cinema.');
  await expect(item).toHaveAttribute('data-edited', 'true');
  await sendAndWait(page, 'Also, was ist nun?');
  const why = (await messageMenu(chat.getByTestId('persona-message').last())).getByTestId('why-answer');
  await why.getByText('Why this answer').click();
  await expect(why.getByRole('heading', { name: /^Earlier in this chat/ })).toBeVisible();
  await expect(why).toContainText('Bo asked about the weekend and the cinema.');
  // The edited summary is never replaced by a later one.
  await expect(summary.getByTestId('summary-item').first().getByTestId('summary-text')).toHaveText('Bo asked about the weekend and the cinema.');

  // After a reload the edited summary is still there.
  await page.reload();
  expect(page.url()).toBe(personaUrl);
  const stored = chat.getByTestId('conversation-summary').getByTestId('summary-item').first();
  await expect(stored.getByTestId('summary-text')).toHaveText('Bo asked about the weekend and the cinema.');
  await expect(stored).toHaveAttribute('data-edited', 'true');

  expect([...hosts].filter((h) => !h.startsWith('127.0.0.1:'))).toEqual([]);
});
