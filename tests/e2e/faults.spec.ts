// Fault injection: with a persona already stored, an import that hits a real QuotaExceededError, one
// that fills the disk (browser profile on a small tmpfs: this Chromium's quota there is larger than the
// disk, so the disk fills first) and one during which the browser is killed must all leave the stored
// data exactly as it was, and the app must say what happened. Killing the browser while the new persona
// is being built (its messages already written) leaves it absent or whole, never messages without a
// build; a persona found without its build at start is finished visibly. Also: Cancel works
// while a 100k-message export is being read (the page stays responsive).
import { chromium, expect, test, type BrowserContext, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateWhatsAppExport } from '../bench/generate-export';
import { FIXTURES, createPersona, dbSnapshot, pickFiles, topAuthor, waitEmbeddingsSettled } from './app-model';
import { launchOptions } from './browser';

const TMP = fileURLToPath(new URL('../.tmp/', import.meta.url));
const SMALL = 'whatsapp/en/whats-reader__android_WhatsApp_Chat_with_Alice.txt';

async function openProfile(dir: string, baseURL: string, options: { serviceWorkers?: 'allow' | 'block' } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(dir, { ...launchOptions(), baseURL, ...options });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

async function storePersona(page: Page): Promise<void> {
  await pickFiles(page, [join(FIXTURES, SMALL)]);
  await createPersona(page, topAuthor(SMALL));
  // Its chat opened and embedded it in the background: wait, so the stored data no longer changes.
  await waitEmbeddingsSettled(page);
}

type Row = Record<string, unknown>;

/**
 * Every persona that has messages also has its whole build: a profile, pairs, turns as counted, and the
 * current builder version. Returns how many personas there are.
 */
function expectWhole(stores: Record<string, unknown[]>): number {
  const personas = (stores['personas'] ?? []) as Row[];
  for (const persona of personas) {
    const id = persona['id'];
    const mine = (table: string) => ((stores[table] ?? []) as Row[]).filter((r) => r['personaId'] === id);
    if (mine('messages').length === 0) continue;
    expect(persona['builderVersion'], `builder version of ${String(id)}`).toBe(2);
    expect(mine('profiles'), `profile of ${String(id)}`).toHaveLength(1);
    expect(mine('pairs').length, `pairs of ${String(id)}`).toBeGreaterThan(0);
    expect(mine('turns').length, `turns of ${String(id)}`).toBe((persona['counts'] as Row)['turns']);
    expect(mine('messages').length, `messages of ${String(id)}`).toBe((persona['counts'] as Row)['allMessages']);
  }
  return personas.length;
}

/** A big export of random (incompressible) text: enough to overflow a small disk's quota. */
function writeIncompressibleExport(path: string, messages: number): void {
  let seed = 12345;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ      ';
  const lines: string[] = [];
  for (let i = 0; i < messages; i++) {
    let text = '';
    for (let c = 0; c < 350; c++) text += alphabet[next() % alphabet.length];
    const minute = i % 60;
    const hour = Math.floor(i / 60) % 24;
    const day = 1 + (Math.floor(i / 1440) % 28);
    const author = i % 3 === 0 ? 'Sam' : 'Robin';
    lines.push(`${String(day).padStart(2, '0')}/03/2023, ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')} - ${author}: ${text}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

test.describe('faults', () => {
  test.describe.configure({ timeout: 300_000 });

  test('a real QuotaExceededError leaves the stored persona as it was and is explained', async ({ baseURL }) => {
    mkdirSync(TMP, { recursive: true });
    // A persistent profile: an in-memory (incognito) context ignores quota overrides.
    const profile = mkdtempSync(join(TMP, 'quota-'));
    // No service worker: its offline precache (~13 MB with the WebAssembly engines) counts against the
    // same quota and, depending on when it runs, took most of it before the first persona was stored.
    const { context, page } = await openProfile(profile, baseURL ?? '', { serviceWorkers: 'block' });
    // Chromium enforces a per-origin quota set through the DevTools protocol: writes past it fail with a
    // real QuotaExceededError (navigator.storage.estimate() keeps reporting the default). The override
    // only takes hold if set before the origin first touches storage, hence before anything else.
    const cdp = await context.newCDPSession(page);
    const origin = new URL(baseURL ?? '').origin;
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 16_000_000 });
    await storePersona(page);
    const before = await dbSnapshot(page);

    const generated = generateWhatsAppExport({ messages: 100_000, layout: 'android-en-GB', seed: 3 });
    const big = join(TMP, `quota-${generated.fileName}`);
    writeFileSync(big, generated.text);
    try {
      await pickFiles(page, [big]);
      const [person] = Object.entries(generated.expected.authors).sort((a, b) => b[1] - a[1])[0] ?? [];
      await page.getByRole('radio', { name: `Clone ${person ?? ''}`, exact: true }).check();
      await page.getByRole('button', { name: 'Create persona' }).click();
      const error = page.getByTestId('error');
      await expect(error).toBeVisible({ timeout: 120_000 });
      await expect(error).toHaveAttribute('data-code', 'storage-full');
      await expect(error).toContainText('Not enough storage space on this device for this import, so nothing was imported');
      await expect(error).toContainText(/needs about [\d.]+ MB/);

      expect(await dbSnapshot(page)).toEqual(before);
      await page.goto('/#/');
      await expect(page.getByTestId('persona-card')).toHaveCount(1);
    } finally {
      await context.close();
      rmSync(big, { force: true });
      rmSync(profile, { recursive: true, force: true });
    }
  });

  test('a full disk (profile on a small tmpfs) leaves the stored persona as it was and is explained', async ({ baseURL }) => {
    mkdirSync(TMP, { recursive: true });
    const mountPoint = mkdtempSync(join(TMP, 'disk-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=80m', 'tmpfs', mountPoint], { stdio: 'ignore' });
    } catch {
      rmSync(mountPoint, { recursive: true, force: true });
      test.skip(true, 'mounting a small tmpfs is not permitted here (needs root), so the disk cannot be filled for real');
      return;
    }
    const big = join(TMP, 'WhatsApp Chat with Robin (huge).txt');
    writeIncompressibleExport(big, 180_000);
    const profileDir = join(mountPoint, 'profile');
    let { context, page } = await openProfile(profileDir, baseURL ?? '');
    try {
      await storePersona(page);
      const before = await dbSnapshot(page);

      await pickFiles(page, [big]);
      await page.getByRole('radio', { name: 'Clone Robin', exact: true }).check();
      await page.getByRole('button', { name: 'Create persona' }).click();
      const error = page.getByTestId('error');
      await expect(error).toBeVisible({ timeout: 240_000 });
      await expect(error).toHaveAttribute('data-code', 'storage-full');
      await expect(error).toContainText('Not enough storage space on this device for this import, so nothing was imported');
      await expect(error).toContainText(/needs about [\d.]+ MB/);

      // Chromium closes the database after a disk-full IO error; what counts is what a restart finds.
      await context.close();
      ({ context, page } = await openProfile(profileDir, baseURL ?? ''));
      await page.goto('/#/');
      expect(await dbSnapshot(page)).toEqual(before);
      await expect(page.getByTestId('persona-card')).toHaveCount(1);
    } finally {
      await context.close();
      execFileSync('umount', [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
      rmSync(big, { force: true });
    }
  });

  test('killing the browser mid-import leaves the stored persona as it was and is explained', async ({ baseURL }) => {
    mkdirSync(TMP, { recursive: true });
    const profile = mkdtempSync(join(TMP, 'kill-'));
    const generated = generateWhatsAppExport({ messages: 100_000, layout: 'android-en-GB', seed: 7 });
    const big = join(TMP, generated.fileName);
    writeFileSync(big, generated.text);
    try {
      let { context, page } = await openProfile(profile, baseURL ?? '');
      await storePersona(page);
      const before = await dbSnapshot(page);

      await pickFiles(page, [big]);
      const [person] = Object.entries(generated.expected.authors).sort((a, b) => b[1] - a[1])[0] ?? [];
      await page.getByRole('radio', { name: `Clone ${person ?? ''}`, exact: true }).check();
      await page.getByRole('button', { name: 'Create persona' }).click();
      await expect(page.getByTestId('progress')).toContainText('Saving messages', { timeout: 60_000 });
      // SIGKILL every process of this browser profile: no unload handlers, no graceful shutdown.
      execFileSync('pkill', ['-KILL', '-f', '--', `--user-data-dir=${profile}`]);
      await context.close().catch(() => undefined);

      ({ context, page } = await openProfile(profile, baseURL ?? ''));
      try {
        await page.goto('/#/');
        await expect(page.getByTestId('interrupted-import')).toContainText(generated.fileName);
        expect(await dbSnapshot(page)).toEqual(before);
        await expect(page.getByTestId('persona-card')).toHaveCount(1);
      } finally {
        await context.close();
      }
    } finally {
      rmSync(profile, { recursive: true, force: true });
      rmSync(big, { force: true });
    }
  });

  test('killing the browser while the new persona is being built leaves it absent or whole', async ({ baseURL }) => {
    mkdirSync(TMP, { recursive: true });
    const profile = mkdtempSync(join(TMP, 'kill-build-'));
    const generated = generateWhatsAppExport({ messages: 100_000, layout: 'android-en-GB', seed: 13 });
    const big = join(TMP, `build-${generated.fileName}`);
    writeFileSync(big, generated.text);
    try {
      let { context, page } = await openProfile(profile, baseURL ?? '');
      await storePersona(page);
      const before = await dbSnapshot(page);

      await pickFiles(page, [big]);
      const [person] = Object.entries(generated.expected.authors).sort((a, b) => b[1] - a[1])[0] ?? [];
      await page.getByRole('radio', { name: `Clone ${person ?? ''}`, exact: true }).check();
      await page.getByRole('button', { name: 'Create persona' }).click();
      // The messages are written; the profile, pairs and memories are being computed from them.
      await expect(page.getByTestId('progress')).toContainText(/Measuring the writing style|Finding reply pairs|Collecting memories/, {
        timeout: 120_000,
      });
      execFileSync('pkill', ['-KILL', '-f', '--', `--user-data-dir=${profile}`]);
      await context.close().catch(() => undefined);

      ({ context, page } = await openProfile(profile, baseURL ?? ''));
      try {
        await page.goto('/#/');
        await expect(page.getByTestId('persona-card').first()).toBeVisible();
        // Whatever a start finds unfinished it finishes; then every stored persona is whole.
        await expect(page.getByTestId('persona-finishing')).toHaveCount(0, { timeout: 120_000 });
        const after = await dbSnapshot(page);
        const count = expectWhole(after.stores);
        test.info().annotations.push({ type: 'after the kill', description: count === 1 ? 'the import is absent' : 'the persona is whole' });
        if (count === 1) {
          // Absent: the import did not land, nothing of it is stored, and the app says so.
          await expect(page.getByTestId('interrupted-import')).toContainText(generated.fileName);
          expect(after).toEqual(before);
        } else {
          expect(count).toBe(2);
        }
        await expect(page.getByTestId('persona-card')).toHaveCount(count);
      } finally {
        await context.close();
      }
    } finally {
      rmSync(profile, { recursive: true, force: true });
      rmSync(big, { force: true });
    }
  });

  test('a persona found at start with messages but no build is finished, visibly, keeping what the user wrote', async ({ page }) => {
    await storePersona(page);
    const whole = await dbSnapshot(page);
    const persona = ((whole.stores['personas'] ?? []) as Row[])[0];
    expect(persona).toBeDefined();
    const personaId = String(persona?.['id']);
    // What an import that stopped between its messages and its build left (as versions that built in a
    // second step could), on a persona the user had already given a background.
    await page.evaluate(async (id) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('personayou');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error('open failed'));
      });
      const tx = db.transaction(['personas', 'profiles', 'pairs', 'memories'], 'readwrite');
      const personas = tx.objectStore('personas');
      const read = personas.get(id);
      read.onsuccess = () => {
        const row = read.result as Record<string, unknown>;
        delete row['builderVersion'];
        delete row['builtAt'];
        row['definition'] = { background: 'Written by hand.', traits: [], rules: { do: [], dont: [] }, examples: [], greetings: [], scenario: '' };
        personas.put(row);
      };
      tx.objectStore('profiles').delete(id);
      tx.objectStore('pairs').index('personaId').openCursor(IDBKeyRange.only(id)).onsuccess = function () {
        this.result?.delete();
        this.result?.continue();
      };
      tx.objectStore('memories').index('personaId').openCursor(IDBKeyRange.only(id)).onsuccess = function () {
        this.result?.delete();
        this.result?.continue();
      };
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error ?? new Error('write failed'));
      });
      db.close();
    }, personaId);
    const broken = await dbSnapshot(page);
    expect((broken.stores['profiles'] ?? []).length).toBe(0);
    expect((broken.stores['pairs'] ?? []).length).toBe(0);

    // Remember whether "Finishing this persona…" was ever on screen, however briefly.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { finishingSeen: string[] }).finishingSeen = seen;
      new MutationObserver(() => {
        const el = document.querySelector('[data-testid="persona-finishing"]');
        if (el !== null && !seen.includes(el.textContent ?? '')) seen.push(el.textContent ?? '');
      }).observe(document, { childList: true, subtree: true });
    });
    // A start of the app: the list, reloaded.
    await page.goto('/#/');
    await page.reload();
    await expect(page.getByTestId('persona-card')).toHaveCount(1);
    await expect(page.getByTestId('persona-finishing')).toHaveCount(0, { timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { finishingSeen: string[] }).finishingSeen)).toEqual(['Finishing this persona…']);
    await expect(page.getByTestId('persona-finish-failed')).toHaveCount(0);

    const finished = await dbSnapshot(page);
    expect(expectWhole(finished.stores)).toBe(1);
    const row = ((finished.stores['personas'] ?? []) as Row[])[0];
    expect((row?.['definition'] as Row | undefined)?.['background']).toBe('Written by hand.');
    // The same messages give the same build as the import made.
    const strip = (rows: unknown[] = []) => (rows as Row[]).map(({ computedAt: _c, createdAt: _a, updatedAt: _u, ...rest }) => rest);
    expect(strip(finished.stores['pairs'])).toEqual(strip(whole.stores['pairs']));
    expect(strip(finished.stores['memories'])).toEqual(strip(whole.stores['memories']));
    expect(strip(finished.stores['profiles'])).toEqual(strip(whole.stores['profiles']));
    expect(finished.stores['messages']).toEqual(whole.stores['messages']);
  });

  test('Cancel stops the reading of a 100k-message export at once and stores nothing', async ({ page }) => {
    mkdirSync(TMP, { recursive: true });
    const generated = generateWhatsAppExport({ messages: 100_000, layout: 'ios-en', seed: 11 });
    const big = join(TMP, `cancel-${generated.fileName}`);
    writeFileSync(big, generated.text);
    try {
      await pickFiles(page, [big]);
      await expect(page.getByTestId('progress')).toBeVisible();
      await page.getByTestId('progress').getByRole('button', { name: 'Cancel' }).click();
      await expect(page.getByText('Import cancelled.')).toBeVisible();
      await expect(page.getByTestId('progress')).toHaveCount(0);
      expect((await dbSnapshot(page)).stores['messages'] ?? []).toEqual([]);
    } finally {
      rmSync(big, { force: true });
    }
  });
});
