// The persona view after an import: the style card shows charts and numbers measured from the export,
// and memories can be added, edited, pinned and forgotten, with every change surviving a reload.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { FIXTURES, createPersona, pickFiles, openInfoTab, openInfo } from './app-model';
import { goldenExpectation } from './golden';

const FILE = 'whatsapp/de/WhatsR__ExampleChat.txt';

test('style card and editable memory of an imported persona', async ({ page }) => {
  const expected = goldenExpectation(FILE);
  const [person] = Object.entries(expected.authors).sort((a, b) => b[1] - a[1])[0] ?? [];
  if (person === undefined) throw new Error(`no author in the golden expectation of ${FILE}`);
  await pickFiles(page, [join(FIXTURES, FILE)]);
  await createPersona(page, person);
  await openInfo(page);

  const card = page.getByTestId('style-card');
  await expect(card).toBeVisible();
  await expect(card.getByRole('img', { name: /Message length/ })).toBeVisible();
  await expect(card.getByRole('img', { name: /Active hours/ })).toBeVisible();
  expect(await card.locator('svg rect').count()).toBeGreaterThan(10);
  const numbers = page.getByTestId('style-numbers');
  await expect(numbers.getByRole('columnheader', { name: person })).toBeVisible();
  const messagesRow = numbers.getByRole('row', { name: /^Text messages \d/ });
  await expect(messagesRow.getByRole('cell').first()).toHaveText(/^\d+$/);
  await expect(page.getByTestId('style-summary')).not.toBeEmpty();

  await openInfoTab(page, 'Memory');
  const memory = page.getByTestId('memory-view');
  await memory.getByRole('button', { name: 'Add a memory' }).click();
  const form = page.getByTestId('memory-add');
  await form.getByLabel('Type').selectOption('preference');
  await form.getByLabel('Memory').fill('Loves climbing in the Dolomites');
  await form.getByRole('button', { name: 'Save memory' }).click();
  const item = memory.getByTestId('memory-item').filter({ hasText: 'Loves climbing in the Dolomites' });
  await expect(item).toHaveCount(1);

  await item.getByRole('button', { name: 'Edit' }).click();
  // While editing, the text lives in an input (not in the item's text): the editing row is the one with inputs.
  const editing = memory.getByTestId('memory-item').filter({ has: page.getByLabel('Memory') });
  await editing.getByLabel('Memory').fill('Loves bouldering in the Dolomites');
  await editing.getByRole('button', { name: 'Save' }).click();
  const edited = memory.getByTestId('memory-item').filter({ hasText: 'Loves bouldering in the Dolomites' });
  await expect(edited).toHaveCount(1);
  await edited.getByRole('button', { name: 'Pin' }).click();
  await expect(edited.getByRole('button', { name: 'Unpin' })).toBeVisible();

  const before = await memory.getByTestId('memory-item').count();
  const other = memory.getByTestId('memory-item').filter({ hasNotText: 'bouldering' }).first();
  const forgotten = before > 1 ? await other.getByTestId('memory-text').innerText() : null;
  if (forgotten !== null) await other.getByRole('button', { name: 'Forget' }).click();

  await page.reload();
  await openInfoTab(page, 'Memory');
  const afterReload = page.getByTestId('memory-view').getByTestId('memory-item');
  await expect(afterReload.filter({ hasText: 'Loves bouldering in the Dolomites' })).toHaveCount(1);
  await expect(
    afterReload.filter({ hasText: 'Loves bouldering in the Dolomites' }).getByRole('button', { name: 'Unpin' }),
  ).toBeVisible();
  await expect(afterReload).toHaveCount(forgotten === null ? before : before - 1);
  if (forgotten !== null) await expect(afterReload.filter({ hasText: forgotten })).toHaveCount(0);
  await expect(afterReload.filter({ hasText: 'Loves climbing' })).toHaveCount(0);
});

test('the style summary can be edited and a snapshot restores it', async ({ page }) => {
  const expected = goldenExpectation(FILE);
  const [person] = Object.entries(expected.authors).sort((a, b) => b[1] - a[1])[0] ?? [];
  if (person === undefined) throw new Error('no author');
  await pickFiles(page, [join(FIXTURES, FILE)]);
  await createPersona(page, person);
  await openInfo(page);

  const original = await page.getByTestId('style-summary').innerText();
  await openInfoTab(page, 'Versions');
  await page.getByLabel('Snapshot name').fill('as imported');
  await page.getByRole('button', { name: 'Save snapshot' }).click();
  await expect(page.getByText('Snapshot saved.')).toBeVisible();

  await openInfoTab(page, 'Style');
  await page.getByRole('button', { name: 'Edit summary' }).click();
  await page.getByLabel('Style summary').fill('Writes like a telegram. Stop.');
  await page.getByRole('button', { name: 'Save summary' }).click();
  await expect(page.getByTestId('style-summary')).toHaveText('Writes like a telegram. Stop.');
  await page.reload();
  await expect(page.getByTestId('style-summary')).toHaveText('Writes like a telegram. Stop.');

  await openInfoTab(page, 'Versions');
  await page.getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByText('Restored “as imported”.')).toBeVisible();
  await openInfoTab(page, 'Style');
  await expect(page.getByTestId('style-summary')).toHaveText(original);
});
