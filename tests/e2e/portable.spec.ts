// Persona portability through the real UI: a persona with a chat is exported as a backup, character cards,
// fine-tune data and a SillyTavern chat (each download checked); deleted and brought back from the backup
// through the import screen (the database identical apart from ids); a card PNG imported as a persona
// with the same card fields; a backup of a newer format refused with a clear message, nothing changed.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, createPersona, dbSnapshot, loadTinyCpuModel, openInfo, openInfoTab, pickFiles, topAuthor, waitEmbeddingsSettled, type DbSnapshot } from './app-model';
import { openZip, writeZip } from '../../src/lib/ingest/zip';
import { base64ToUtf8, readPngText } from '../../src/lib/persona/png-card';
import type { CardV3 } from '../../src/lib/persona/card';

const FILE = 'whatsapp/multi-format/whatstk__lorem_dd-mm-yy_bracket.txt';

async function downloadOf(page: Page, button: string | RegExp): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: typeof button === 'string' }).click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: readFileSync(path) };
}

type Row = Record<string, unknown>;

/** The rows of one persona in every store (those with its personaId, its own row, its forgotten-memory list). */
function personaRows(snapshot: DbSnapshot, id: string): Record<string, Row[]> {
  const out: Record<string, Row[]> = {};
  for (const [store, rows] of Object.entries(snapshot.stores)) {
    out[store] = (rows as Row[]).filter((r) => r['personaId'] === id || (store === 'personas' && r['id'] === id) || r['key'] === `forgotten-memories:${id}`);
  }
  return out;
}

/** `copy` with its new ids mapped back to the original's (sources, conversations, snapshots matched by content). */
function mapBack(copy: Record<string, Row[]>, original: Record<string, Row[]>, copyId: string, originalId: string): Record<string, Row[]> {
  const map = new Map<string, string>([[copyId, originalId], [`forgotten-memories:${copyId}`, `forgotten-memories:${originalId}`]]);
  const match = (store: string, key: (r: Row) => string): void => {
    const byKey = new Map((original[store] ?? []).map((r) => [key(r), String(r['id'])]));
    for (const r of copy[store] ?? []) {
      const old = byKey.get(key(r));
      if (old !== undefined) map.set(String(r['id']), old);
    }
  };
  match('sources', (r) => `${String(r['fileName'])}|${String(r['importedAt'])}`);
  match('conversations', (r) => `${String(r['title'])}|${String(r['createdAt'])}`);
  match('snapshots', (r) => `${String(r['name'])}|${String(r['createdAt'])}`);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return map.get(v) ?? v;
    if (ArrayBuffer.isView(v)) return v;
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(copy) as Record<string, Row[]>;
}

/** Every stored vector as plain numbers rounded to 1e-4 (the rest of each row untouched). */
function roundVectors(rows: Record<string, Row[]>): Record<string, Row[]> {
  const round = (row: Row): Row =>
    ArrayBuffer.isView(row['vector']) ? { ...row, vector: Array.from(row['vector'] as Float32Array, (x) => Math.round(x * 1e4) / 1e4) } : row;
  return Object.fromEntries(Object.entries(rows).map(([store, list]) => [store, list.map(round)]));
}

const personaIds = (s: DbSnapshot): string[] => ((s.stores['personas'] ?? []) as Row[]).map((r) => String(r['id']));

test('export everything, delete, bring the persona back from the backup, import the card', async ({ page }) => {
  test.setTimeout(180_000);
  const person = topAuthor(FILE);
  await pickFiles(page, [join(FIXTURES, FILE)]);
  await createPersona(page, person);
  const personaUrl = page.url();
  // The chat embeds the persona by itself: let it finish, so the backup holds every vector.
  await waitEmbeddingsSettled(page);
  // This chat's most active sender is saved under a phone number: masked on import, it is a token in the
  // persona and in every export below, never the number.
  const [personaRow] = ((await dbSnapshot(page)).stores['personas'] ?? []) as { personName: string }[];
  const name = personaRow?.personName ?? '';
  expect(person).toMatch(/^\+[\d ]+$/);
  expect(name).toMatch(/^\[phone-[0-9a-f]{6}\]$/);

  // One chat message with the tiny local model, so there is a conversation to export.
  await loadTinyCpuModel(page);
  await page.goto(personaUrl);
  const chat = page.getByTestId('chat-view');
  // The loaded model lives in the page; a navigation above reloaded it, so load again only if needed.
  if (await chat.getByTestId('chat-no-model').isVisible()) {
    await loadTinyCpuModel(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chats' }).click();
    await page.getByTestId('persona-card').getByRole('link').first().click();
  }
  await chat.getByTestId('chat-input').fill('Are you free tonight?');
  await chat.getByTestId('chat-input').press('Enter');
  await expect(chat.getByTestId('persona-message')).toHaveCount(1);
  await expect.poll(async () => Number(await chat.getByTestId('chat-token-count').innerText()), { timeout: 60_000 }).toBeGreaterThan(2);
  if (await chat.getByTestId('chat-stop').isVisible()) await chat.getByTestId('chat-stop').click();
  await expect(chat.getByTestId('chat-send')).toBeVisible();

  await openInfoTab(page, 'Export');
  const panel = page.getByTestId('export-panel');

  // Fine-tune data: every line a system/user/assistant triple, no held-out reply among them.
  const finetune = await downloadOf(page, 'Fine-tune data (JSONL)');
  expect(finetune.name).toMatch(/\.finetune\.jsonl$/);
  const lines = finetune.bytes.toString('utf8').trim().split('\n');
  expect(lines.length).toBeGreaterThan(3);
  for (const line of lines) {
    const parsed = JSON.parse(line) as { messages: { role: string; content: string }[] };
    expect(parsed.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(parsed.messages.every((m) => m.content.trim() !== '')).toBe(true);
  }
  await expect(panel.getByTestId('export-done')).toContainText(`${lines.length} lines`);
  // The one command that turns it into a voice adapter for the persona's info page.
  await expect(panel.getByTestId('train-command')).toHaveText('npm run train -- <finetune.jsonl> --base <model.gguf> --out <adapter.gguf>');
  const stored = await dbSnapshot(page);
  const heldOut = ((stored.stores['pairs'] ?? []) as { heldOut: boolean; reply: string }[]).filter((p) => p.heldOut);
  expect(heldOut.length).toBeGreaterThan(0);
  const assistant = new Set(lines.map((l) => (JSON.parse(l) as { messages: { content: string }[] }).messages[2]?.content));
  expect(heldOut.filter((p) => assistant.has(p.reply) && !((stored.stores['pairs'] ?? []) as { heldOut: boolean; reply: string }[]).some((q) => !q.heldOut && q.reply === p.reply))).toEqual([]);

  // SillyTavern chat: a metadata line, then the user's message and the persona's reply.
  const stChat = await downloadOf(page, /^SillyTavern chat \(JSONL\)/);
  const st = stChat.bytes.toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
  expect(st[0]).toMatchObject({ character_name: name, chat_metadata: {} });
  expect(st[1]).toMatchObject({ is_user: true, is_system: false, mes: 'Are you free tonight?', extra: {} });
  expect(st[2]).toMatchObject({ is_user: false, name });

  // Character cards.
  const cardJson = await downloadOf(page, 'Character card (JSON)');
  const v3 = JSON.parse(cardJson.bytes.toString('utf8')) as CardV3;
  expect(v3).toMatchObject({ spec: 'chara_card_v3', spec_version: '3.0', data: { name } });
  expect(v3.data.mes_example).toContain('<START>');
  const cardPng = await downloadOf(page, 'Character card (PNG)');
  expect(cardPng.name).toMatch(/\.card\.png$/);
  const chunks = readPngText(new Uint8Array(cardPng.bytes));
  expect(JSON.parse(base64ToUtf8(chunks.get('chara') ?? ''))).toMatchObject({ spec: 'chara_card_v2', data: { name } });
  const pngCard = JSON.parse(base64ToUtf8(chunks.get('ccv3') ?? '')) as CardV3;
  expect(pngCard.data.first_mes).toBe(v3.data.first_mes);

  for (const file of [finetune, stChat, cardJson]) expect(file.bytes.toString('utf8')).not.toContain(person);
  for (const chunk of ['chara', 'ccv3']) expect(base64ToUtf8(chunks.get(chunk) ?? '')).not.toContain(person);

  // The backup.
  const backup = await downloadOf(page, 'Backup (.zip)');
  expect(backup.name).toMatch(/\.personayou\.zip$/);
  const backupPath = test.info().outputPath(backup.name);
  writeFileSync(backupPath, backup.bytes);
  const before = await dbSnapshot(page);
  const [originalId] = personaIds(before);
  if (originalId === undefined) throw new Error('no persona');
  const original = personaRows(before, originalId);
  expect(original['chatMessages']?.length).toBe(2);

  await page.goto(personaUrl);
  // Deleting is on the persona's info page.
  await openInfo(page);
  await page.getByRole('button', { name: 'Delete persona' }).click();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect.poll(async () => personaIds(await dbSnapshot(page)).length).toBe(0);

  await pickFiles(page, [backupPath]);
  // The imported persona's chat opens and says where it came from.
  await expect(page.getByRole('status').filter({ hasText: 'imported from a backup' })).toBeVisible();
  await waitEmbeddingsSettled(page);
  const after = await dbSnapshot(page);
  const [copyId] = personaIds(after);
  if (copyId === undefined) throw new Error('the backup made no persona');
  expect(copyId).not.toBe(originalId);
  // The restored persona's chat embeds it again when it opens (the job's source stamp is new): its vectors
  // then match the original's to float precision, not bit for bit, so vectors are compared to 1e-4.
  expect(roundVectors(mapBack(personaRows(after, copyId), original, copyId, originalId))).toEqual(roundVectors(original));

  // The card PNG becomes a persona without history with the same card fields.
  const cardPath = test.info().outputPath(cardPng.name);
  writeFileSync(cardPath, cardPng.bytes);
  await pickFiles(page, [cardPath]);
  // The imported persona's chat opens and says where it came from.
  await expect(page.getByRole('status').filter({ hasText: 'imported from a character card' })).toBeVisible();
  await openInfoTab(page, 'Export');
  const again = JSON.parse((await downloadOf(page, 'Character card (JSON)')).bytes.toString('utf8')) as CardV3;
  for (const field of ['name', 'description', 'first_mes', 'alternate_greetings', 'mes_example'] as const) {
    expect(again.data[field], field).toEqual(pngCard.data[field]);
  }
  expect(again.data.character_book?.entries.map((e) => e.content)).toEqual(pngCard.data.character_book?.entries.map((e) => e.content));
});

test('a backup of a newer format is refused with a clear message and nothing changes', async ({ page }) => {
  await pickFiles(page, [join(FIXTURES, 'whatsapp/en/chat-analytics__4A_11M.txt')]);
  await createPersona(page, 'Alice');
  await openInfoTab(page, 'Export');
  const backup = await downloadOf(page, 'Backup (.zip)');

  const zip = await openZip('b.zip', new Uint8Array(backup.bytes), { maxMemberBytes: 1e9, maxRatio: 1e6, ratioFloorBytes: 1e9 });
  const members = await Promise.all(zip.names.map(async (name) => ({ name, bytes: await zip.read(name) })));
  const manifest = members.find((m) => m.name === 'manifest.json');
  if (manifest === undefined) throw new Error('no manifest');
  const json = JSON.parse(new TextDecoder().decode(manifest.bytes)) as { schemaVersion: number };
  json.schemaVersion += 1;
  manifest.bytes = new TextEncoder().encode(JSON.stringify(json));
  const newer = test.info().outputPath('from-the-future.personayou.zip');
  writeFileSync(newer, await writeZip(members));

  // The background embedding writes its own rows; it is not part of what the refused import may change.
  await waitEmbeddingsSettled(page);
  const before = await dbSnapshot(page);
  await pickFiles(page, [newer]);
  const error = page.getByTestId('error');
  await expect(error).toContainText('from-the-future.personayou.zip');
  await expect(error).toContainText(`newer version of PersonaYou (backup format ${json.schemaVersion}; this app reads format ${json.schemaVersion - 1}`);
  await expect(error).toHaveAttribute('data-code', 'bundle-too-new');
  expect(await dbSnapshot(page)).toEqual(before);
});
