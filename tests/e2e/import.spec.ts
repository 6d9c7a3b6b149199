// Import through the real file chooser: a WhatsApp .zip and a .txt from the shared corpus become
// personas whose counts match the hand-written golden expectations; bad files are refused one by one
// with a sentence naming each file, and nothing stored changes.
import { expect, test } from '@playwright/test';
import JSZip from 'jszip';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURES, createPersona, dbSnapshot, participantCounts, pickFiles, openInfoTab, openInfo, waitEmbeddingsSettled } from './app-model';
import { goldenExpectation } from './golden';

const TMP = fileURLToPath(new URL('../.tmp/', import.meta.url));

test('a WhatsApp .zip and a .txt become personas with the right counts', async ({ page }) => {
  const cases = [
    { file: 'whatsapp/en/rwhatsapp__sample.zip' },
    { file: 'whatsapp/en/whats_json__WhatsApp_Chat_with_Dmitry_S_EN+Media_Android.txt' },
  ];
  for (const { file } of cases) {
    const expected = goldenExpectation(file);
    const [person] = Object.entries(expected.authors).sort((a, b) => b[1] - a[1])[0] ?? [];
    if (person === undefined) throw new Error(`golden expectation of ${file} lists no author`);

    await pickFiles(page, [join(FIXTURES, file)]);
    expect(await participantCounts(page)).toEqual(expected.authors);
    await expect(page.getByTestId('file-messages')).toHaveText(String(expected.messages));
    await createPersona(page, person);
    await expect(page.getByTestId('added-count')).toHaveText(String(expected.messages + expected.system));
    await openInfo(page);
    await expect(page.getByTestId('stat-person')).toHaveText(String(expected.authors[person]));
    await expect(page.getByTestId('stat-all')).toHaveText(String(expected.messages + expected.system));
    await openInfoTab(page, 'Messages');
    await expect(page.getByTestId('message-browser').getByRole('listitem').first()).toBeVisible();
  }
  await page.goto('/#/');
  await expect(page.getByTestId('persona-card')).toHaveCount(cases.length);
});

test('re-importing the same export changes nothing', async ({ page }) => {
  const file = join(FIXTURES, 'whatsapp/en/whats-reader__android_WhatsApp_Chat_with_Alice.txt');
  const expected = goldenExpectation('whatsapp/en/whats-reader__android_WhatsApp_Chat_with_Alice.txt');
  const [person] = Object.entries(expected.authors).sort((a, b) => b[1] - a[1])[0] ?? [];
  if (person === undefined) throw new Error('no author');
  await pickFiles(page, [file]);
  await createPersona(page, person);
  // The background embedding writes its own rows; it is not part of what a re-import may change.
  await waitEmbeddingsSettled(page);
  const before = await dbSnapshot(page);

  await pickFiles(page, [file]);
  await expect(page.getByTestId('update-existing')).toBeVisible();
  await createPersona(page, person);
  await expect(page.getByTestId('import-done')).toContainText('Nothing new');
  expect(await dbSnapshot(page)).toEqual(before);
});

test('three bad files are each refused with a clear error and stored data is unchanged', async ({ page }) => {
  mkdirSync(TMP, { recursive: true });
  const empty = join(TMP, 'empty-chat.txt');
  writeFileSync(empty, '');
  const image = join(TMP, 'holiday-photo.png');
  // A real PNG signature and IHDR chunk: binary content with a text-like extension check passing nothing.
  writeFileSync(
    image,
    Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex'),
  );
  const zip = new JSZip();
  zip.file('IMG-20240101-WA0001.jpg', Buffer.from('ffd8ffe000104a464946000101', 'hex'));
  const noChat = join(TMP, 'WhatsApp Chat - Media only.zip');
  writeFileSync(noChat, await zip.generateAsync({ type: 'nodebuffer' }));

  await pickFiles(page, [join(FIXTURES, 'whatsapp/en/chat-analytics__4A_11M.txt')]);
  const expected = goldenExpectation('whatsapp/en/chat-analytics__4A_11M.txt');
  const [person] = Object.entries(expected.authors).sort((a, b) => b[1] - a[1])[0] ?? [];
  if (person === undefined) throw new Error('no author');
  await createPersona(page, person);
  // The background embedding writes its own rows; it is not part of what refused files may change.
  await waitEmbeddingsSettled(page);
  const before = await dbSnapshot(page);

  await pickFiles(page, [empty, image, noChat]);
  const errors = page.getByTestId('error');
  await expect(errors).toHaveCount(3);
  await expect(errors.nth(0)).toContainText('empty-chat.txt');
  await expect(errors.nth(0)).toHaveAttribute('data-code', 'empty-file');
  await expect(errors.nth(1)).toContainText('holiday-photo.png');
  await expect(errors.nth(1)).toHaveAttribute('data-code', 'binary-file');
  await expect(errors.nth(2)).toContainText('WhatsApp Chat - Media only.zip');
  await expect(errors.nth(2)).toHaveAttribute('data-code', 'zip-no-chat');
  await expect(page.getByRole('button', { name: 'Create persona' })).toHaveCount(0);

  expect(await dbSnapshot(page)).toEqual(before);
  await page.goto('/#/');
  await expect(page.getByTestId('persona-card')).toHaveCount(1);
});

test('wipe everything leaves no IndexedDB database, storage or cache behind', async ({ page }) => {
  await pickFiles(page, [join(FIXTURES, 'whatsapp/en/chat-analytics__4A_11M.txt')]);
  const expected = goldenExpectation('whatsapp/en/chat-analytics__4A_11M.txt');
  const [person] = Object.entries(expected.authors).sort((a, b) => b[1] - a[1])[0] ?? [];
  if (person === undefined) throw new Error('no author');
  await createPersona(page, person);
  expect((await dbSnapshot(page)).databases).toContain('personayou');

  await page.goto('/#/');
  await page.getByRole('button', { name: 'Wipe everything', exact: true }).click();
  await page.getByRole('button', { name: 'Wipe everything now' }).click();
  await expect(page.getByTestId('wiped')).toBeVisible();

  const left = await page.evaluate(async () => ({
    databases: (await indexedDB.databases()).map((d) => d.name),
    caches: await caches.keys(),
    local: localStorage.length,
    session: sessionStorage.length,
  }));
  expect(left).toEqual({ databases: [], caches: [], local: 0, session: 0 });

  await page.getByRole('button', { name: 'Start again' }).click();
  await expect(page.getByText('No personas yet.')).toBeVisible();
});
