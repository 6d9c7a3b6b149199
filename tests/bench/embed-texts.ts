// Real chat text for the embedding and search benchmarks: every WhatsApp .txt of the shared fixture
// corpus, parsed with the app's own parser and grouped into turns (what the app embeds). Read in place.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTurns } from '../../src/lib/ingest/normalize';
import { parseWhatsAppText } from '../../src/lib/ingest/whatsapp/index';

export const EXPORTS = fileURLToPath(new URL('../fixtures/exports/whatsapp/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : name.endsWith('.txt') ? [path] : [];
    });
}

export interface ChatTurn {
  file: string;
  author: string;
  text: string;
}

/** Turns of every parsable WhatsApp text export, in file order then timeline order. */
export function chatTurns(): ChatTurn[] {
  const out: ChatTurn[] = [];
  for (const path of files(EXPORTS)) {
    let items;
    try {
      items = parseWhatsAppText(readFileSync(path, 'utf8'), path).items;
    } catch {
      continue; // Not a chat this parser reads (the corpus has deliberately odd files).
    }
    for (const turn of buildTurns(items).turns) {
      const text = turn.text.trim();
      if (text !== '') out.push({ file: path.slice(EXPORTS.length), author: turn.author, text });
    }
  }
  return out;
}

/** Single messages of every export (finer-grained than turns). */
export function chatMessages(): string[] {
  const out: string[] = [];
  for (const path of files(EXPORTS)) {
    try {
      for (const item of parseWhatsAppText(readFileSync(path, 'utf8'), path).items) if (item.kind === 'message') out.push(item.text.trim());
    } catch {
      continue;
    }
  }
  return out;
}

/** Distinct non-trivial sentences (turn texts, then single messages, of 2+ words), up to `limit`. */
export function chatSentences(limit: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const text of [...chatTurns().map((t) => t.text), ...chatMessages()]) {
    if (text.split(/\s+/).length < 2 || seen.has(text)) continue;
    seen.add(text);
    out.push(text.slice(0, 600));
    if (out.length >= limit) break;
  }
  return out;
}
