// Offline: after one online visit (service worker activated), a reload with the network off shows the
// app and every persona, the persona screen works, and a new chat can even be imported (the ingest
// worker is precached too); a model cached on the first visit loads offline and the persona chats. A control
// fetch proves the network really is off.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { FIXTURES, createPersona, loadTinyCpuModel, openInfo, openInfoTab, pickFiles } from './app-model';
import { goldenExpectation } from './golden';
import { waitForServiceWorker } from './pwa-model';

test('with the network off, a reload shows the app and the personas, and imports still work', async ({ context, page }) => {
  await page.goto('/');
  await waitForServiceWorker(page);
  await pickFiles(page, [join(FIXTURES, 'whatsapp/en/chat-analytics__4A_11M.txt')]);
  await createPersona(page, 'Alice');

  await context.setOffline(true);
  const failed: string[] = [];
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? '';
    // ERR_ABORTED is a request the page itself dropped (a navigation cut a favicon load short), not a miss.
    // Model files are never precached (the libraries cache what they downloaded): a persona's chat starts
    // embedding by itself and the Models screen lists this server's models, so those may fail offline.
    if (reason !== 'net::ERR_ABORTED' && !new URL(request.url()).pathname.startsWith('/models/')) failed.push(`${request.url()} ${reason}`);
  });

  await page.goto('/#/');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Chats', level: 1 })).toBeVisible();
  await expect(page.getByTestId('persona-card')).toHaveCount(1);
  await expect(page.getByTestId('persona-card')).toContainText('Alice');

  await page.getByTestId('persona-card').getByRole('link').click();
  const expected = goldenExpectation('whatsapp/en/chat-analytics__4A_11M.txt');
  await openInfo(page);
  await expect(page.getByTestId('stat-person')).toHaveText(String(expected.authors['Alice']));
  await openInfoTab(page, 'Messages');
  await expect(page.getByTestId('message-browser')).toContainText('shooting stars');

  // A second chat, imported with no network at all.
  await pickFiles(page, [join(FIXTURES, 'whatsapp/en/whatsapp-chat-parser_2018__short-chat.txt')]);
  await expect(page.getByTestId('participant-row').first()).toBeVisible();
  const person = await page.getByTestId('participant-row').first().getAttribute('data-name');
  if (person === null) throw new Error('participant row without a name');
  await createPersona(page, person);
  await page.goto('/#/');
  await expect(page.getByTestId('persona-card')).toHaveCount(2);

  expect(failed).toEqual([]);
  // Control: anything not precached really fails now, so the above was served without a network.
  const probe = await page.evaluate(() =>
    fetch(`/not-precached-${Date.now()}.txt`).then(
      () => 'reached the network',
      () => 'failed',
    ),
  );
  expect(probe).toBe('failed');
});

test('with the network off, a model cached on the first visit loads and the persona chats', async ({ context, page }) => {
  test.setTimeout(180_000);
  await page.goto('/');
  await waitForServiceWorker(page);
  await pickFiles(page, [join(FIXTURES, 'whatsapp/en/chat-analytics__4A_11M.txt')]);
  await createPersona(page, 'Alice');
  // Online once: the model's files are downloaded and cached by the browser.
  await loadTinyCpuModel(page);

  await context.setOffline(true);
  await page.goto('/#/models');
  await page.reload();
  const tiny = page.getByTestId('model-row').filter({ has: page.getByText('Tiny test llama', { exact: true }) });
  await tiny.getByRole('button', { name: 'Load Tiny test llama' }).click();
  await expect(page.getByTestId('loaded-model')).toContainText('Tiny test llama', { timeout: 60_000 });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chats' }).click();
  await page.getByTestId('persona-card').getByRole('link').first().click();
  const chat = page.getByTestId('chat-view');
  await chat.getByTestId('chat-input').fill('are you there?');
  await chat.getByTestId('chat-input').press('Enter');
  const reply = chat.getByTestId('persona-message');
  await expect.poll(async () => Number(await reply.getByTestId('chat-token-count').innerText()), { timeout: 60_000 }).toBeGreaterThan(3);
  await chat.getByTestId('chat-stop').click();
  await expect(reply).toHaveAttribute('data-status', /stopped|done/);

  const probe = await page.evaluate(() =>
    fetch(`/not-precached-${Date.now()}.txt`).then(
      () => 'reached the network',
      () => 'failed',
    ),
  );
  expect(probe).toBe('failed');
});
