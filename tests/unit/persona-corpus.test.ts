// The persona builders on real exports from the shared corpus (read in place) and on a generated
// 100k-message chat: sane numbers, consistent reports, provenance, no crash on any fixture, and speed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseExport } from '../../src/lib/ingest/index';
import { authorStats, turnsWithIds, messageIds } from '../../src/lib/ingest/normalize';
import type { ParseResult } from '../../src/lib/ingest/types';
import { extractMemories } from '../../src/lib/persona/memory';
import { buildPairs } from '../../src/lib/persona/pairs';
import { computeStyleProfile, type MessageLike, type TurnLike } from '../../src/lib/persona/style';
import { generateWhatsAppExport } from '../bench/generate-export';

const SHARED = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));
const ITALIAN = join(SHARED, 'whatsapp/it/nmoya__22_OW_MT_2012_large.txt');

function rows(result: ParseResult): { messages: MessageLike[]; turns: TurnLike[] } {
  // JSON round trip: ids as flat strings, like rows read back from IndexedDB.
  const ids = JSON.parse(JSON.stringify(messageIds(result.items))) as string[];
  const messages = result.items.map((item, i) => ({ id: ids[i] ?? '', ts: item.ts, author: item.author, kind: item.kind, text: item.text }));
  return { messages, turns: turnsWithIds(result.items, ids, { maxGapMinutes: 5 }) };
}

async function parseFile(path: string): Promise<ParseResult> {
  return parseExport({ name: path.split('/').pop() ?? 'chat.txt', bytes: new Uint8Array(readFileSync(path)) });
}

/** CPU time (user + system) of `fn`: unlike wall time, barely moved by other processes on a shared machine. */

describe('the Italian 1.1 MB export (ROOT and CONTACT, 18.7k messages)', async () => {
  const result = await parseFile(ITALIAN);
  const { messages, turns } = rows(result);
  const stats = authorStats(result.items);

  it('profiles both participants with sane numbers', () => {
    for (const person of ['ROOT', 'CONTACT']) {
      const p = computeStyleProfile(messages, turns, person);
      const s = stats.find((a) => a.author === person);
      expect(p.person.messages).toBeLessThanOrEqual(s?.messages ?? 0);
      expect(p.person.messages).toBeGreaterThan(0.98 * (s?.messages ?? 0)); // only blank texts are left out
      expect(p.person.messages + p.others.messages).toBeGreaterThan(18_000);
      expect(p.person.languages[0]?.tag).toBe('it');
      expect(p.person.languages[0]?.share).toBeGreaterThan(0.8);
      expect(p.person.chars.median).toBeGreaterThan(10);
      expect(p.person.chars.median).toBeLessThan(60);
      expect(p.person.hours.reduce((a, b) => a + b, 0)).toBe(p.person.messages);
      expect(p.person.chars.histogram.reduce((a, h) => a + h.count, 0)).toBe(p.person.messages);
      expect(p.person.bubblesPerTurn.mean).toBeGreaterThan(1);
      expect(p.person.replyLatencySeconds.count).toBeGreaterThan(1000);
      expect(p.person.laughter[0]?.text).toBe('haha');
      expect(p.person.signature.length).toBeGreaterThan(5);
      expect(p.summary).toMatch(/^Writes .* messages in Italian \(median \d+ characters\)/u);
      expect(JSON.stringify(p)).not.toContain('NaN');
    }
  });

  it('sees CONTACT use more emoji than ROOT (😘 first), as in the chat', () => {
    const root = computeStyleProfile(messages, turns, 'ROOT');
    const contact = computeStyleProfile(messages, turns, 'CONTACT');
    expect(contact.person.emojiPerMessage).toBeGreaterThan(root.person.emojiPerMessage);
    expect(contact.person.topEmojis[0]?.text).toBe('😘');
    expect(root.others.emojiPerMessage).toBe(contact.person.emojiPerMessage);
  });

  it('builds reply pairs whose report adds up', () => {
    const { pairs, report } = buildPairs(turns, 'ROOT');
    expect(report.pairs).toBe(pairs.length);
    expect(report.turnsOfPerson).toBe(
      report.pairs + report.skippedNoContext + report.skippedSilence + report.duplicates + report.trivialFiltered,
    );
    expect(report.heldOut).toBe(Math.round(pairs.length * 0.1));
    expect(pairs.filter((p) => p.heldOut)).toHaveLength(report.heldOut);
    // The held-out pairs are the latest ones.
    const firstHeld = pairs.findIndex((p) => p.heldOut);
    expect(pairs.slice(firstHeld).every((p) => p.heldOut)).toBe(true);
    expect(new Set(pairs.map((p) => p.id)).size).toBe(pairs.length);
    expect(pairs.length).toBeGreaterThan(2000);
  });

  it('extracts memories from ROOT’s messages only, with provenance', () => {
    const items = extractMemories(messages, 'ROOT');
    const byId = new Map(messages.map((m) => [m.id, m]));
    expect(items.length).toBeGreaterThan(10);
    for (const item of items) {
      expect(item.subject === 'ROOT' || item.type === 'relationship').toBe(true);
      expect(item.sourceMessageIds.length).toBeGreaterThan(0);
      for (const id of item.sourceMessageIds) expect(byId.get(id)?.author).toBe('ROOT');
      expect(item.firstSeen <= item.lastSeen).toBe(true);
      expect(item.confidence).toBeGreaterThan(0);
      expect(item.confidence).toBeLessThanOrEqual(0.97);
    }
    const texts = items.map((i) => i.text);
    // Italian statements from Italian rules: no English template around Italian words.
    expect(texts).toContain('Ha una madre');
    expect(texts).toContain('Parla spesso di Napoli');
    expect(texts).toContain('Parla spesso di palestra');
    // A statement's quote is the person's own words, from one of its source messages.
    for (const item of items) {
      if (item.quote !== undefined) expect(item.sourceMessageIds.some((id) => byId.get(id)?.text.replace(/[’‘]/gu, "'").includes(item.quote ?? '?'))).toBe(true);
    }
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
  });
});

describe('every shared WhatsApp/iMessage export', () => {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(txt|zip|html)$/u.test(name) && statSync(path).size < 1_000_000) files.push(path);
    }
  };
  walk(join(SHARED, 'whatsapp'));
  walk(join(SHARED, 'imessage'));

  it('has files to check', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it.each(files.map((f) => [f.slice(SHARED.length), f]))('%s: profile, pairs and memories without a crash', async (_name, path) => {
    let result: ParseResult;
    try {
      result = await parseFile(path);
    } catch {
      return; // not an importable export (covered by the ingest tests)
    }
    const { messages, turns } = rows(result);
    const top = [...authorStats(result.items)].sort((a, b) => b.messages - a.messages)[0];
    if (top === undefined) return;
    const p = computeStyleProfile(messages, turns, top.author);
    expect(JSON.stringify(p)).not.toContain('NaN');
    expect(p.person.messages).toBeLessThanOrEqual(top.messages);
    expect(p.summary.length).toBeGreaterThan(10);
    const { report } = buildPairs(turns, top.author);
    expect(report.turnsOfPerson).toBe(report.pairs + report.skippedNoContext + report.skippedSilence + report.duplicates + report.trivialFiltered);
    for (const item of extractMemories(messages, top.author)) expect(item.sourceMessageIds.length).toBeGreaterThan(0);
  });
});

describe('speed on 100k generated messages', () => {
  it('profiles, pairs and extracts memories of 100k messages', async () => {
    const generated = generateWhatsAppExport({ messages: 100_000, layout: 'android-en-GB', seed: 7 });
    const result = await parseExport({ name: generated.fileName, bytes: new TextEncoder().encode(generated.text) });
    const { messages, turns } = rows(result);
    expect(messages.length).toBeGreaterThan(99_000);
    const person = [...authorStats(result.items)].sort((a, b) => b.messages - a.messages)[0]?.author ?? '';
    // Speed is measured by the benchmarks (no timing assertions in tests): here, that it all works at scale.
    const style = computeStyleProfile(messages, turns, person);
    const pairs = buildPairs(turns, person);
    const memory = extractMemories(messages, person);
    expect(style.person.messages + style.others.messages).toBeGreaterThan(90_000);
    expect(pairs.pairs.length).toBeGreaterThan(1000);
    for (const item of memory) expect(item.sourceMessageIds.length, item.text).toBeGreaterThan(0);
  }, 120_000);
});
