// Share target: the OS posts a multipart form to the manifest's share action; the service worker keeps
// the files, opens #/import and the app runs the normal import flow with them. The POST is made here the
// way a share sheet makes it: a top-level form navigation, once the service worker is active.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, createPersona, participantCounts } from './app-model';
import { goldenExpectation } from './golden';
import { waitForServiceWorker } from './pwa-model';
import { MAX_SHARED_FILES, SHARE_INBOX_CACHE } from '../../src/pwa/share-inbox';

interface SharedFile {
  name: string;
  type: string;
  base64: string;
}

function fixture(path: string, name: string, type: string): SharedFile {
  return { name, type, base64: readFileSync(join(FIXTURES, path)).toString('base64') };
}

/** Submits the share form the way Android's share sheet does (POST multipart, field "files"). */
async function share(page: Page, files: SharedFile[], text?: string): Promise<void> {
  const action = (await page.evaluate(async () => {
    const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
    const manifest = (await (await fetch(link?.href ?? '/manifest.webmanifest')).json()) as {
      share_target: { action: string; params: { files: { name: string }[] } };
    };
    return { url: manifest.share_target.action, field: manifest.share_target.params.files[0]?.name ?? '' };
  })) satisfies { url: string; field: string };
  const navigated = page.waitForURL(/#\/import/);
  await page.evaluate(
    ({ action, files, text }) => {
      const form = document.createElement('form');
      form.method = 'POST';
      form.enctype = 'multipart/form-data';
      form.action = action.url;
      const input = document.createElement('input');
      input.type = 'file';
      input.name = action.field;
      input.multiple = true;
      const transfer = new DataTransfer();
      for (const file of files) {
        const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], file.name, { type: file.type }));
      }
      input.files = transfer.files;
      form.append(input);
      if (text !== undefined) {
        const field = document.createElement('input');
        field.name = 'text';
        field.value = text;
        form.append(field);
      }
      document.body.append(form);
      form.submit();
    },
    { action, files, text },
  );
  await navigated;
}

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await waitForServiceWorker(page);
});

test('a shared WhatsApp .zip opens the import flow with that file', async ({ page }) => {
  const expected = goldenExpectation('whatsapp/en/rwhatsapp__sample.zip');
  await share(page, [fixture('whatsapp/en/rwhatsapp__sample.zip', 'WhatsApp Chat with Sample.zip', 'application/zip')]);

  // The address no longer carries the share id: a reload cannot import the same share twice.
  await expect(page).toHaveURL(/\/#\/import$/);
  expect(await participantCounts(page)).toEqual(expected.authors);
  await expect(page.getByTestId('file-summary')).toContainText('WhatsApp Chat with Sample.zip');
  const [person] = Object.entries(expected.authors).sort((a, b) => b[1] - a[1])[0] ?? [];
  if (person === undefined) throw new Error('golden expectation lists no author');
  await createPersona(page, person);
  await expect(page.getByTestId('added-count')).toHaveText(String(expected.messages + expected.system));

  // The inbox is emptied once the files are taken.
  expect(await page.evaluate(() => caches.has('personayou-share-inbox'))).toBe(false);
});

test('a shared .txt works the same way, and a stale share link says what happened', async ({ page }) => {
  const file = 'whatsapp/en/whats-reader__android_WhatsApp_Chat_with_Alice.txt';
  const expected = goldenExpectation(file);
  await share(page, [fixture(file, 'WhatsApp Chat with Alice.txt', 'text/plain')]);
  expect(await participantCounts(page)).toEqual(expected.authors);

  // Opening a share link whose files were already taken (or wiped) explains instead of failing silently.
  await page.goto('/#/import?shared=00000000-0000-4000-8000-000000000000');
  await page.reload();
  await expect(page.getByTestId('error')).toHaveAttribute('data-code', 'share-gone');
  await expect(page).toHaveURL(/\/#\/import$/);
});

test('a share of more files than the app takes is refused whole, with a clear message', async ({ page }) => {
  const tooMany = Array.from({ length: MAX_SHARED_FILES + 1 }, (_, i) => ({ name: `part-${i}.txt`, type: 'text/plain', base64: btoa('x') }));
  await share(page, tooMany);
  const error = page.getByTestId('error');
  await expect(error).toHaveAttribute('data-code', 'share-too-many');
  await expect(error).toContainText(`${MAX_SHARED_FILES + 1} files were shared`);
  expect(await page.evaluate(async (name) => caches.has(name), SHARE_INBOX_CACHE)).toBe(false);
});

test('a share without a file is refused with a clear message', async ({ page }) => {
  await share(page, []);
  await expect(page.getByTestId('error')).toHaveAttribute('data-code', 'share-empty');
  await expect(page.getByText('Choose files…')).toBeVisible();
});
