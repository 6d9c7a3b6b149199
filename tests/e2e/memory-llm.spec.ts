// The LLM memory pass and its review in the Memory tab. First the pass on the shared tiny llama (random
// weights: its answers are gibberish, so the test checks that the pass runs, pauses, resumes and reports
// honestly, never that it found something). Then the review with known proposals seeded into the v4
// `memoryProposals` store through the raw IndexedDB API: accept, edit then accept one that supersedes an
// existing memory (kept as past), reject, and one entity's view.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { FIXTURES, createPersona, dbSnapshot, loadTinyCpuModel, pickFiles, recordHosts, topAuthor, openInfoTab } from './app-model';

const FILE = 'whatsapp/de/WhatsR__ExampleChat.txt';

interface Row {
  personaId: string;
  id: string;
  [key: string]: unknown;
}

async function importPersona(page: Page): Promise<{ personaId: string; person: string }> {
  const person = topAuthor(FILE);
  await pickFiles(page, [join(FIXTURES, FILE)]);
  await createPersona(page, person);
  const match = /#\/persona\/([^/?]+)/.exec(page.url());
  if (match?.[1] === undefined) throw new Error(`not on a persona page: ${page.url()}`);
  return { personaId: decodeURIComponent(match[1]), person };
}

async function rows(page: Page, store: string, personaId: string): Promise<Row[]> {
  const snapshot = await dbSnapshot(page);
  return ((snapshot.stores[store] ?? []) as Row[]).filter((r) => r.personaId === personaId);
}

test('memory pass on the loaded model: capped to the latest chunks, progress, pause, resume, honest report', async ({ page }) => {
  test.setTimeout(180_000);
  const hosts = recordHosts(page);
  const { personaId } = await importPersona(page);
  const personaUrl = page.url();

  // Without a loaded model the pass cannot start and links to the Models screen.
  await openInfoTab(page, 'Memory');
  const pass = page.getByTestId('memory-pass');
  await expect(pass.getByRole('button', { name: 'Start' })).toBeDisabled();
  await pass.getByTestId('pass-no-model').getByRole('link').click();
  await loadTinyCpuModel(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chats' }).click();
  await page.getByTestId('persona-card').getByRole('link').first().click();
  expect(page.url()).toBe(personaUrl);
  await openInfoTab(page, 'Memory');
  await expect(pass.getByTestId('pass-no-model')).toBeHidden();
  await expect(pass).toContainText('Runs on Tiny test llama');

  await pass.getByTestId('pass-latest').fill('3');
  await pass.getByRole('button', { name: 'Start' }).click();
  const progress = pass.getByTestId('pass-progress');
  await expect(progress).toHaveAttribute('data-state', 'running');
  await expect(progress).toContainText(/Reading chunk [1-3] of 3/);
  await pass.getByRole('button', { name: 'Pause' }).click();
  await expect(progress).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  await expect(progress).toContainText(/Paused at chunk [0-2] of 3/);
  const paused = (await rows(page, 'memoryJobs', personaId))[0];
  expect(paused?.['state']).toBe('paused');
  const total = Number(paused?.['totalChunks']);
  expect(total).toBeGreaterThan(3);
  expect(paused?.['firstChunk']).toBe(total - 3);
  const readBeforePause = Number(paused?.['chunksRead']);
  expect(readBeforePause).toBeLessThan(3);

  await pass.getByRole('button', { name: 'Resume' }).click();
  await expect(progress).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(progress).toContainText('Finished: 3 of 3 chunks');
  await expect(progress).toContainText('3 chunks read');

  // The report says what happened: every chunk read once, usable answers and proposals as stored.
  const job = (await rows(page, 'memoryJobs', personaId))[0];
  expect(job).toMatchObject({ state: 'done', nextChunk: total, chunksRead: 3 });
  const usable = 3 - Number(job?.['unusable']);
  const pending = (await rows(page, 'memoryProposals', personaId)).filter((r) => r['status'] === 'pending');
  expect(pending).toHaveLength(Number(job?.['proposals']));
  await expect(progress).toContainText(`${usable} usable ${usable === 1 ? 'answer' : 'answers'}`);
  await expect(pass.getByTestId('proposal-count')).toHaveText(`(${pending.length})`);
  console.log(`memory pass on the tiny llama: ${String(job?.['chunksRead'])} chunks read, ${usable} usable answers, ${pending.length} proposals`);

  for (const host of hosts) expect(host).toMatch(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
});

test('review proposed memories: accept, edit then accept (superseding), reject, and an entity view', async ({ page }) => {
  const { personaId } = await importPersona(page);
  await openInfoTab(page, 'Memory');
  const memory = page.getByTestId('memory-view');

  // An existing memory the model's newer one will supersede.
  await memory.getByRole('button', { name: 'Add a memory' }).click();
  const form = page.getByTestId('memory-add');
  await form.getByLabel('Memory').fill('Lives in Berlin');
  await form.getByRole('button', { name: 'Save memory' }).click();
  await expect(memory.getByTestId('memory-item').filter({ hasText: 'Lives in Berlin' })).toHaveCount(1);
  const berlin = (await rows(page, 'memories', personaId)).find((r) => r['text'] === 'Lives in Berlin');
  if (berlin === undefined) throw new Error('the hand-added memory was not stored');
  const messages = (await rows(page, 'messages', personaId)).filter((r) => r['kind'] === 'message').slice(0, 3);
  expect(messages).toHaveLength(3);
  const [m1, m2, m3] = messages.map((m) => ({ id: m.id, ts: String(m['ts']), text: String(m['text']) }));
  if (m1 === undefined || m2 === undefined || m3 === undefined) throw new Error('no messages');

  const item = (id: string, type: string, text: string, sources: { id: string; ts: string }[], extra: Record<string, unknown> = {}) => ({
    id,
    type,
    text,
    subject: String(berlin['subject']),
    sourceMessageIds: sources.map((s) => s.id),
    firstSeen: sources[0]?.ts,
    lastSeen: sources[sources.length - 1]?.ts,
    confidence: 0.6,
    pinned: false,
    origin: 'llm',
    ...extra,
  });
  const now = Date.now();
  const proposals = [
    { id: 'llm-munich', item: item('llm-munich', 'fact', 'Lives in Munich', [m1, m2], { entities: [{ kind: 'place', name: 'Munich' }] }), supersedes: berlin.id, chunk: 0 },
    { id: 'llm-concert', item: item('llm-concert', 'episode', 'Went to a concert with Marco in Munich', [m3], { eventDate: m3.ts.slice(0, 10) }), chunk: 0 },
    { id: 'llm-cat', item: item('llm-cat', 'fact', 'Has a cat named Felix', [m3]), chunk: 1 },
  ].map((p) => ({ personaId, status: 'pending', createdAt: now, decidedAt: null, ...p }));
  await page.evaluate(async (seed) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('personayou');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('open failed'));
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('memoryProposals', 'readwrite');
      for (const row of seed) tx.objectStore('memoryProposals').put(row);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('write failed'));
    });
    db.close();
  }, proposals);
  await page.reload();
  await openInfoTab(page, 'Memory');

  const pass = page.getByTestId('memory-pass');
  await expect(pass.getByTestId('proposal-count')).toHaveText('(3)');
  const munich = pass.getByTestId('proposal').filter({ hasText: 'Lives in Munich' });
  await expect(munich.getByTestId('proposal-supersedes')).toContainText('Replaces “Lives in Berlin”');
  // Provenance: the source lines, expandable.
  await munich.getByRole('button', { name: 'Sources (2)' }).click();
  const sources = munich.getByTestId('proposal-sources').getByRole('listitem');
  await expect(sources).toHaveCount(2);
  await expect(sources.first()).toContainText(m1.text.slice(0, 20));

  await pass.getByTestId('proposal').filter({ hasText: 'concert with Marco' }).getByRole('button', { name: 'Accept' }).click();
  await munich.getByRole('button', { name: 'Edit' }).click();
  const editing = pass.getByTestId('proposal').filter({ has: page.getByLabel('Proposed memory') });
  await editing.getByLabel('Proposed memory').fill('Lives in Munich since spring');
  await editing.getByRole('button', { name: 'Accept edited' }).click();
  await pass.getByTestId('proposal').filter({ hasText: 'Has a cat' }).getByRole('button', { name: 'Reject' }).click();
  await expect(pass.getByTestId('proposal-count')).toHaveText('(0)');

  const items = memory.getByTestId('memory-item');
  await expect(items.filter({ hasText: 'Lives in Munich since spring' })).toHaveCount(1);
  await expect(items.filter({ hasText: 'Went to a concert with Marco in Munich' })).toHaveCount(1);
  await expect(items.filter({ hasText: 'Has a cat' })).toHaveCount(0);
  const past = items.filter({ hasText: 'Lives in Berlin' });
  await expect(past).toContainText('in the past');
  await expect(past).toHaveClass(/past/);

  // The entity view: everything linked to Munich.
  await items.filter({ hasText: 'Went to a concert' }).getByTestId('entity-chip').filter({ hasText: 'place: Munich' }).click();
  const view = page.getByTestId('entity-view');
  await expect(view.getByRole('heading', { name: /Munich/ })).toBeVisible();
  await expect(view.getByTestId('entity-memories')).toContainText('Lives in Munich since spring');
  await expect(view.getByTestId('entity-episodes')).toContainText('Went to a concert with Marco in Munich');
  await view.getByRole('button', { name: 'Close' }).click();
  await expect(view).toBeHidden();

  // What is stored: llm memories (the edited one marked), the old one superseded, every proposal decided.
  const stored = await rows(page, 'memories', personaId);
  expect(stored.find((r) => r.id === 'llm-munich')).toMatchObject({ origin: 'llm', text: 'Lives in Munich since spring', userEdited: true });
  expect(stored.find((r) => r.id === 'llm-concert')).toMatchObject({ origin: 'llm', type: 'episode' });
  expect(stored.find((r) => r.id === berlin.id)).toMatchObject({ supersededBy: 'llm-munich' });
  expect(stored.find((r) => r.id === 'llm-cat')).toBeUndefined();
  const decided = Object.fromEntries((await rows(page, 'memoryProposals', personaId)).map((r) => [r.id, r['status']]));
  expect(decided).toEqual({ 'llm-munich': 'accepted', 'llm-concert': 'accepted', 'llm-cat': 'rejected' });
});
