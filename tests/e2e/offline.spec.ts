// Offline: after one online visit (service worker activated), a reload with the network off shows the
// app and every persona, the persona screen works, and a new chat can even be imported (the ingest
// worker is precached too). A control fetch proves the network really is off.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { FIXTURES, createPersona, pickFiles } from './app-model';
import { goldenExpectation } from './golden';
import { showMessages, waitForServiceWorker } from './pwa-model';

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
    if (reason !== 'net::ERR_ABORTED') failed.push(`${request.url()} ${reason}`);
  });

  await page.goto('/#/');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Personas' })).toBeVisible();
  await expect(page.getByTestId('persona-card')).toHaveCount(1);
  await expect(page.getByTestId('persona-card')).toContainText('Alice');

  await page.getByTestId('persona-card').getByRole('link').click();
  const expected = goldenExpectation('whatsapp/en/chat-analytics__4A_11M.txt');
  await expect(page.getByTestId('stat-person')).toHaveText(String(expected.authors['Alice']));
  await showMessages(page);
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
