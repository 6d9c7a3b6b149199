// A crafted export whose file name, author names and messages hold HTML, script, markdown and template
// syntax renders as inert text on every screen that shows it: import summary, participant list, persona
// list, persona screen, message browser, delete dialog. No script runs and no element is created from
// it, not even for a moment (a MutationObserver watches from before the app starts).
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPersona, participantCounts, pickFiles, openInfo } from './app-model';
import { showMessages } from './pwa-model';

const TMP = fileURLToPath(new URL('../.tmp/', import.meta.url));

const EVIL_AUTHOR = `<img src=x onerror="window.__pwned='author'">`;
const MARKUP_AUTHOR = 'Bob **bold** <b>tag</b>';
const FILE_NAME = `<img src=x onerror=window.__pwned=1>.txt`;
const MESSAGES: [string, string][] = [
  [EVIL_AUTHOR, `Hello <script>window.__pwned='script'</script>`],
  [MARKUP_AUTHOR, `<img src=x onerror=window.__pwned='text'> and <b>bold</b> and [link](javascript:window.__pwned='md')`],
  [EVIL_AUTHOR, `<iframe src="javascript:window.__pwned='iframe'"></iframe>`],
  [MARKUP_AUTHOR, `<svg onload="window.__pwned='svg'"></svg> &lt;escaped&gt; &amp; {@html '<i>x</i>'}`],
  [EVIL_AUTHOR, `\${alert(1)} {{constructor.constructor('window.__pwned=1')()}} <a href="javascript:window.__pwned=2">a</a>`],
];

function craftedExport(): string {
  const path = join(TMP, FILE_NAME);
  mkdirSync(TMP, { recursive: true });
  const lines = MESSAGES.map(([author, text], i) => `01/02/2024, 10:0${i} - ${author}: ${text}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

interface Probe {
  __pwned?: unknown;
  __alerts: number;
  __created: string[];
  __isPayload: (element: Element) => boolean;
}

async function expectInert(page: Page, screen: string): Promise<void> {
  const state = await page.evaluate(() => {
    const w = window as unknown as Probe;
    return {
      pwned: w.__pwned ?? null,
      alerts: w.__alerts,
      present: Array.from(document.querySelectorAll('*'))
        .filter((e) => w.__isPayload(e))
        .map((e) => e.outerHTML.slice(0, 80)),
      created: [...w.__created],
    };
  });
  expect(state, `screen: ${screen}`).toEqual({ pwned: null, alerts: 0, present: [], created: [] });
}

test('HTML, script and markdown in a crafted export render as inert text everywhere', async ({ context, page }) => {
  const requested: string[] = [];
  context.on('request', (request) => requested.push(new URL(request.url()).pathname));
  await context.addInitScript(() => {
    const w = window as unknown as Probe;
    w.__created = [];
    w.__alerts = 0;
    window.alert = () => {
      w.__alerts++;
    };
    // What a rendered payload would create. The app's own markup has no such element: no <img>, no
    // inline script or handler, no javascript: link, no <b>/<i> around the payload's words.
    w.__isPayload = (element) =>
      element.matches('img, iframe, object, embed, script:not([src]), a[href^="javascript:"]') ||
      element.getAttributeNames().some((name) => name.startsWith('on')) ||
      (element.matches('b, i') && ['bold', 'tag', 'x'].includes(element.textContent ?? ''));
    new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        for (const node of Array.from(mutation.addedNodes)) {
          if (!(node instanceof Element)) continue;
          for (const element of [node, ...Array.from(node.querySelectorAll('*'))]) {
            if (w.__isPayload(element)) w.__created.push(element.outerHTML.slice(0, 80));
          }
        }
      }
    }).observe(document, { childList: true, subtree: true });
  });

  const file = craftedExport();
  await pickFiles(page, [file]);
  // Import summary and participant list.
  expect(await participantCounts(page)).toEqual({ [EVIL_AUTHOR]: 3, [MARKUP_AUTHOR]: 2 });
  await expect(page.getByTestId('file-summary')).toContainText(FILE_NAME);
  await expect(page.getByTestId('participant-row').filter({ hasText: EVIL_AUTHOR })).toBeVisible();
  await expectInert(page, 'participants');

  await createPersona(page, EVIL_AUTHOR, MARKUP_AUTHOR);
  await expect(page.getByTestId('import-done')).toContainText(EVIL_AUTHOR);
  await expectInert(page, 'import done');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(EVIL_AUTHOR);
  // Every section of the persona's info page (style, memories, versions...) shows text derived from the chat.
  await openInfo(page);
  for (const tab of await page.getByRole('tab').all()) {
    await tab.click();
    await expectInert(page, `persona tab ${await tab.innerText()}`);
  }
  await showMessages(page);
  const browser = page.getByTestId('message-browser');
  for (const [, text] of MESSAGES) await expect(browser.getByText(text, { exact: true })).toBeVisible();
  await expect(browser.getByText(MARKUP_AUTHOR, { exact: true }).first()).toBeVisible();
  await page.getByText(/imported file/).click();
  await expect(page.getByText(FILE_NAME, { exact: false })).toBeVisible();
  await expectInert(page, 'persona');

  await page.getByRole('button', { name: 'Delete persona' }).click();
  await expect(page.getByRole('dialog')).toContainText(EVIL_AUTHOR);
  await page.getByRole('button', { name: 'Keep everything' }).click();
  await expectInert(page, 'delete dialog');

  await page.goto('/#/');
  await expect(page.getByTestId('persona-card')).toContainText(EVIL_AUTHOR);
  await expectInert(page, 'persona list');

  // An <img src=x> that had been created would have requested /x.
  expect(requested.filter((path) => path === '/x' || path.endsWith('/x'))).toEqual([]);
});
