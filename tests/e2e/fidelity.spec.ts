// "How close is it?" end to end with the real engines on the random-weight test models: import a fixture with
// held-out replies, choose the tiny BERT as the embedding model (not embedded yet: the run embeds what it
// needs), load the tiny CPU llama, run the evaluation on 3 held-out replies and watch progress numbers;
// the report renders (style score 0-100, a row per baseline, charts, side-by-side samples whose "real"
// column is a real held-out reply from IndexedDB); a cancelled run saves nothing; a blind-test round is
// counted and, like the report, still there after a reload. No host but this site is contacted.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { FIXTURES, chooseTinyEmbedModel, createPersona, dbSnapshot, loadTinyCpuModel, pickFiles, recordHosts, topAuthor, openInfoTab } from './app-model';

const FILE = 'whatsapp/multi-format/whatstk__lorem-merge-part1.txt';

interface StoredPair {
  id: string;
  reply: string;
  heldOut: boolean;
}

/** Every progress line the panel shows from now on (a fast run may finish between two polls). */
async function recordProgressLines(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __progressLines: string[] }).__progressLines = seen;
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('[data-testid="fidelity-panel"] [data-testid="progress"]')) {
        const text = (el as HTMLElement).innerText.replace(/\s+/g, ' ').trim();
        if (seen.at(-1) !== text) seen.push(text);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

test('fidelity: run the evaluation on held-out replies, read the report, play the blind test', async ({ page }) => {
  test.setTimeout(300_000);
  const hosts = recordHosts(page);
  const person = topAuthor(FILE);
  await pickFiles(page, [join(FIXTURES, FILE)]);
  await createPersona(page, person);
  const personaUrl = page.url();

  const panel = page.getByTestId('fidelity-panel');
  // The tiny embedder is this machine's embedding model (useTestEmbedder): the persona's chat embedded it.
  await chooseTinyEmbedModel(page);
  const pairs = ((await dbSnapshot(page)).stores['pairs'] ?? []) as StoredPair[];
  const heldOut = new Map(pairs.filter((p) => p.heldOut).map((p) => [p.id, p.reply]));
  expect(heldOut.size).toBeGreaterThanOrEqual(3);

  await loadTinyCpuModel(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chats' }).click();
  await page.getByTestId('persona-card').getByRole('link').first().click();
  expect(page.url()).toBe(personaUrl);
  await openInfoTab(page, 'How close is it?');
  await expect(panel.getByTestId('fidelity-empty')).toBeVisible();

  await panel.getByTestId('fidelity-sample-count').fill('3');
  await panel.getByTestId('fidelity-max-tokens').fill('8');
  await recordProgressLines(page);
  await panel.getByTestId('fidelity-run').click();
  const report = panel.getByTestId('fidelity-report');
  await expect(report).toBeVisible({ timeout: 240_000 });
  const lines = await page.evaluate(() => (window as unknown as { __progressLines: string[] }).__progressLines);
  // Phases with "n of total" numbers: embedding, generating per variant, scoring.
  expect(lines.some((l) => /Embedding replies.*\d+ of \d+/.test(l))).toBe(true);
  expect(lines.some((l) => /Generating replies · Persona.*\d+ of \d+/.test(l))).toBe(true);
  expect(lines.some((l) => /Scoring.*\d+ of \d+/.test(l))).toBe(true);

  const score = Number(await report.getByTestId('fidelity-style-score').innerText());
  expect(score).toBeGreaterThanOrEqual(0);
  expect(score).toBeLessThanOrEqual(100);
  await expect(report.getByTestId('fidelity-part')).toHaveCount(8);
  const baselines = report.getByTestId('baseline-row');
  await expect(baselines).toHaveCount(5);
  expect(await baselines.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-variant')))).toEqual([
    'persona',
    'personaAdapted',
    'generic',
    'retrieval',
    'noExamples',
  ]);
  const charts = report.getByTestId('fidelity-charts');
  await expect(charts.getByRole('img')).toHaveCount(2);
  expect(await charts.locator('rect').count()).toBeGreaterThan(0);

  // Side by side: the "real" column is exactly a held-out reply of the same pair.
  const samples = report.getByTestId('fidelity-sample');
  await expect(samples).toHaveCount(3);
  for (const sample of await samples.all()) {
    const pairId = await sample.getAttribute('data-pair-id');
    expect(pairId !== null && heldOut.has(pairId)).toBe(true);
    expect((await sample.getByTestId('sample-real').innerText()).trim()).toBe((heldOut.get(pairId ?? '') ?? '').trim());
    await expect(sample.getByTestId('sample-generated')).not.toBeEmpty();
  }

  // The random test model decodes greedily: its replies may all be empty, and the friend test then says
  // there is nothing to compare rather than showing blank cards.
  const generatedTexts = await report.getByTestId('sample-generated').allInnerTexts();
  if (generatedTexts.every((t) => t === '(empty reply)')) {
    await expect(panel.getByTestId('blind-test')).toContainText('no message with a generated reply');
  }
  // A cancelled run saves nothing.
  await panel.getByTestId('fidelity-sample-count').fill('5');
  await panel.getByTestId('fidelity-max-tokens').fill('64');
  await panel.getByTestId('fidelity-run').click();
  await panel.getByTestId('progress').getByRole('button', { name: 'Cancel' }).click();
  await expect(panel.getByText('Evaluation cancelled. Nothing was saved.')).toBeVisible();
  expect(((await dbSnapshot(page)).stores['fidelityReports'] ?? []).length).toBe(1);

  // The blind test on a copy of the real report whose persona replies are other real replies of the
  // person (empty gibberish cannot be told apart): written with the raw IndexedDB API, read after a reload.
  const copyId = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('personayou');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('open failed'));
    });
    const tx = db.transaction('fidelityReports', 'readwrite');
    const store = tx.objectStore('fidelityReports');
    const rows = await new Promise<Record<string, unknown>[]>((resolve) => {
      const r = store.getAll();
      r.onsuccess = () => resolve(r.result as Record<string, unknown>[]);
    });
    const original = rows[0] as { report: { examples: { real: string; generated: Record<string, string> }[] }; createdAt: number };
    const examples = original.report.examples.map((e, i, all) => ({
      ...e,
      generated: { ...e.generated, persona: all[(i + 1) % all.length]?.real ?? 'x', personaAdapted: all[(i + 2) % all.length]?.real ?? 'y' },
    }));
    const copy = { ...original, id: 'e2e-copy', createdAt: original.createdAt + 1, report: { ...original.report, examples } };
    store.put(copy);
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
    return copy.id;
  });
  expect(copyId).toBe('e2e-copy');
  await page.reload();
  await openInfoTab(page, 'How close is it?');
  const blind = panel.getByTestId('blind-test');
  const stats = blind.getByTestId('blind-stats');
  await expect(stats).toHaveAttribute('data-rounds', '0');
  const choices = blind.getByTestId('blind-choice');
  await expect(choices).toHaveCount(3);
  const shown = await choices.allInnerTexts();
  expect(shown.some((t) => [...heldOut.values()].some((real) => t.includes(real.trim().split('\n')[0] ?? '')))).toBe(true);
  await choices.first().click();
  await expect(blind.getByTestId('blind-result')).toBeVisible();
  await expect(stats).toHaveAttribute('data-rounds', '1');
  await expect(blind.getByTestId('blind-tag').filter({ hasText: 'Real' })).toHaveCount(1);
  await expect(stats).toContainText(/found the real reply [01] of 1 time; chance is 33%/);
  const correct = await stats.getAttribute('data-correct');
  await blind.getByTestId('blind-next').click();
  await expect(blind.getByTestId('blind-result')).toBeHidden();

  // After a reload the reports and the round are still there.
  await page.reload();
  await openInfoTab(page, 'How close is it?');
  await expect(panel.getByTestId('fidelity-report')).toBeVisible();
  await expect(panel.getByTestId('fidelity-report-select').locator('option')).toHaveCount(2);
  expect(Number(await panel.getByTestId('fidelity-style-score').innerText())).toBe(score);
  await expect(panel.getByTestId('fidelity-sample')).toHaveCount(3);
  await expect(panel.getByTestId('blind-stats')).toHaveAttribute('data-rounds', '1');
  await expect(panel.getByTestId('blind-stats')).toHaveAttribute('data-correct', correct ?? '');

  expect([...hosts].filter((h) => !h.startsWith('127.0.0.1'))).toEqual([]);
});
