// Chat-first, as a new person meets the app: pick an export, "Create persona", and the persona's chat is
// there; the embeddings build by themselves; the chat offers the model recommended for this device and one
// click ("Download and start") brings a streamed, labelled reply without any navigation. Then the same app
// on a 360x780 phone, in light and dark, with axe-core on every screen and state (serious or critical
// violations fail) and screenshots kept as artifacts. The recommended CPU model is served by this site
// with the shared tiny llama's files (serveRecommendedModelAsTiny): same loader and engine, random weights.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import {
  FIXTURES,
  closeInfo,
  createPersona,
  dbSnapshot,
  expectAccessible,
  messageMenu,
  openConversations,
  openInfo,
  openInfoTab,
  pickFiles,
  recordHosts,
  serveRecommendedModelAsTiny,
  topAuthor,
  useTestEmbedder,
} from './app-model';

// axe-core is injected as a script, which the app's CSP (rightly) forbids.
test.use({ bypassCSP: true });

const FILE = 'whatsapp/de/WhatsR__ExampleChat.txt';

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`) });
}

async function embedJobState(page: Page): Promise<string | undefined> {
  const snapshot = await dbSnapshot(page);
  const job = (snapshot.stores['embedJobs'] ?? [])[0] as { state?: string } | undefined;
  return job?.state;
}

test('create persona -> its chat; embeddings build unasked; one click on the offered model -> a streamed, labelled reply', async ({ page }) => {
  test.setTimeout(180_000);
  const hosts = recordHosts(page);
  await serveRecommendedModelAsTiny(page);
  await useTestEmbedder(page);

  // Home on first run: the three steps, and the two ways in.
  await page.goto('/');
  const empty = page.getByTestId('home-empty');
  await expect(empty.getByRole('listitem')).toHaveCount(3);
  await expectAccessible(page, 'home (empty)');

  const person = topAuthor(FILE);
  await pickFiles(page, [join(FIXTURES, FILE)]);
  await expect(page.getByRole('radio', { name: `Clone ${person}`, exact: true })).toBeVisible({ timeout: 90_000 });
  await expectAccessible(page, 'import (choose the person)');
  await createPersona(page, person);

  // The chat opened by itself: header with initials and the "simulated" badge, the model offer inline.
  const chat = page.getByTestId('chat-view');
  await expect(chat).toBeVisible();
  const chatUrl = page.url();
  expect(chatUrl).toMatch(/#\/persona\/[^/]+$/);
  await expect(chat.getByTestId('chat-title')).toHaveText(person);
  await expect(chat.getByTestId('open-info')).toContainText('simulated');
  const offer = chat.getByTestId('chat-no-model');
  await expect(offer.getByTestId('offer-name')).toContainText('SmolLM2');
  await expect(offer).toContainText(/MB download/);
  await expect(offer.getByRole('link', { name: 'choose another' })).toBeVisible();
  await expectAccessible(page, 'chat (model offer)');

  // The one click: consent to the download.
  await offer.getByTestId('offer-start').click();
  const reply = chat.getByTestId('persona-message').first();
  await expect(reply).toHaveAttribute('data-status', 'streaming', { timeout: 90_000 });
  await expect(reply.getByTestId('simulated-label')).toBeVisible();
  await expect.poll(async () => Number(await reply.getByTestId('chat-token-count').innerText()), { timeout: 30_000 }).toBeGreaterThan(0);
  await expect(reply).toHaveAttribute('data-status', /done|stopped/, { timeout: 90_000 });
  expect(page.url()).toBe(chatUrl);

  // The embeddings completed without a click (the job row, read with the raw IndexedDB API).
  await expect.poll(() => embedJobState(page), { timeout: 120_000 }).toBe('done');
  await expect(chat.getByTestId('embed-chip')).toBeHidden();

  // "Why this answer" (in the bubble's menu) says how examples were found.
  const menu = await messageMenu(reply);
  await menu.getByTestId('why-answer').getByText('Why this answer').click();
  await expect(menu.getByTestId('why-retrieval')).toHaveAttribute('data-retrieval', /lexical|hybrid/);
  await expectAccessible(page, 'chat (reply with its menu open)');
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();

  // A reply after the embeddings are done searches by meaning too.
  const input = chat.getByTestId('chat-input');
  await input.fill('Hast du heute Zeit?');
  await input.press('Enter');
  await expect(chat.getByTestId('persona-message')).toHaveCount(2);
  const second = chat.getByTestId('persona-message').nth(1);
  await expect(second).toHaveAttribute('data-status', /done|stopped/, { timeout: 90_000 });
  const secondMenu = await messageMenu(second);
  await secondMenu.getByTestId('why-answer').getByText('Why this answer').click();
  await expect(secondMenu.getByTestId('why-retrieval')).toHaveAttribute('data-retrieval', 'hybrid');
  await page.keyboard.press('Escape');

  // Conversations from the header; Escape closes the panel.
  const list = await openConversations(page);
  await expect(list.getByTestId('conversation')).toHaveCount(1);
  await expectAccessible(page, 'chat (conversations panel)');
  await page.getByTestId('conversations-toggle').focus();
  await page.keyboard.press('Escape');
  await expect(list).toBeHidden();

  // The info page beside the chat; every section passes axe; Escape closes it.
  const info = await openInfo(page);
  await expect(chat).toBeVisible();
  for (const tab of ['Style', 'Memory', 'Knowledge', 'Messages', 'Versions', 'Export', 'Edit', 'How close is it?']) {
    await openInfoTab(page, tab);
    await expect(info.getByRole('tab', { name: tab, exact: true })).toHaveAttribute('aria-selected', 'true');
    await expectAccessible(page, `info page (${tab})`);
  }
  await page.keyboard.press('Escape');
  await expect(info).toBeHidden();

  // Home is a chat list: the last message and its time.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chats' }).click();
  const card = page.getByTestId('persona-card');
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId('persona-last-message')).not.toBeEmpty();
  await expectAccessible(page, 'home (chat list)');

  // The other screens.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await expect(page.getByTestId('model-list')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('recommendation')).toBeVisible();
  await expectAccessible(page, 'models');
  await page.getByTestId('model-search').fill('< 200 MB');
  await expect(page.getByTestId('model-list').getByTestId('model-row').first()).toContainText('SmolLM2 135M');
  const other = page.getByTestId('models-other');
  if ((await other.count()) > 0) {
    await other.locator('summary').click();
    await expectAccessible(page, 'models (the ones that do not fit, open)');
  }
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import a chat' }).click();
  await expectAccessible(page, 'import');
  await page.goto('/#/new');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectAccessible(page, 'new persona');

  expect([...hosts].filter((h) => !h.startsWith('127.0.0.1:'))).toEqual([]);
});

test('a reload during embedding resumes it by itself', async ({ page }) => {
  test.setTimeout(240_000);
  await serveRecommendedModelAsTiny(page);
  await pickFiles(page, [join(FIXTURES, 'whatsapp/it/nmoya__22_OW_MT_2012_large.txt')]);
  await createPersona(page, 'ROOT');
  const chip = page.getByTestId('chat-view').getByTestId('embed-chip');
  await expect(chip).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await expect(chip).toContainText(/\d+%/, { timeout: 60_000 });
  await expectAccessible(page, 'chat (embedding chip)');

  await page.reload();
  // Resumed by itself after the reload, and finished without a click.
  await expect(chip).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await expect.poll(() => embedJobState(page), { timeout: 180_000 }).toBe('done');
  await expect(chip).toBeHidden();
});

test('phone 360x780, light and dark: input visible without scrolling, sending works, info opens and closes; screenshots', async ({ page }) => {
  test.setTimeout(180_000);
  await serveRecommendedModelAsTiny(page);
  const person = topAuthor(FILE);
  await pickFiles(page, [join(FIXTURES, FILE)]);
  await createPersona(page, person);
  const chat = page.getByTestId('chat-view');
  await chat.getByTestId('chat-no-model').getByTestId('offer-start').click();
  await expect(chat.getByTestId('persona-message').first()).toHaveAttribute('data-status', /done|stopped/, { timeout: 90_000 });
  await expect.poll(() => embedJobState(page), { timeout: 120_000 }).toBe('done');
  const chatUrl = page.url();

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [1280, 360]) {
      await page.setViewportSize(width === 360 ? { width: 360, height: 780 } : { width: 1280, height: 800 });
      await page.goto(chatUrl);
      const input = chat.getByTestId('chat-input');
      await expect(input).toBeInViewport();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      if (scheme === 'light' && width === 360) {
        await input.fill(`Hallo aus dem Telefon`);
        await chat.getByTestId('chat-send').click();
        await expect(chat.getByTestId('user-message').last()).toContainText('Hallo aus dem Telefon');
        await expect(chat.getByTestId('persona-message').last()).toHaveAttribute('data-status', /done|stopped/, { timeout: 90_000 });
        await expect(input).toBeInViewport();
      }
      await expectAccessible(page, `chat ${width}px ${scheme}`);
      await shot(page, `chat-${width}-${scheme}`);

      const info = await openInfo(page);
      if (width === 360) await expect(chat).toBeHidden();
      await expectAccessible(page, `info ${width}px ${scheme}`);
      await shot(page, `info-${width}-${scheme}`);
      await closeInfo(page);
      await expect(info).toBeHidden();
      await expect(chat.getByTestId('chat-input')).toBeInViewport();

      await page.goto('/');
      await expect(page.getByTestId('persona-card')).toHaveCount(1);
      await expectAccessible(page, `home ${width}px ${scheme}`);
      await shot(page, `home-${width}-${scheme}`);

      await page.goto('/#/models');
      await expect(page.getByTestId('model-list')).toBeVisible({ timeout: 60_000 });
      await expectAccessible(page, `models ${width}px ${scheme}`);
      await shot(page, `models-${width}-${scheme}`);
    }
  }
});
