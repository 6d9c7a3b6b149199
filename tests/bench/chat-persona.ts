// Persona data for the chat benchmark, built in node from a real shared export the way the app builds
// it (stable ids, PII masked, turns of bursts within 5 minutes, style profile, reply pairs). Returns the
// assemblePrompt input without its tokenizer: the page counts tokens with the loaded model, as the app does.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExport } from '../../src/lib/ingest/index';
import { createMasker } from '../../src/lib/ingest/mask';
import { authorStats, messageIds, turnsWithIds } from '../../src/lib/ingest/normalize';
import { buildPairs } from '../../src/lib/persona/pairs';
import type { PromptInput } from '../../src/lib/persona/prompt';
import { computeStyleProfile } from '../../src/lib/persona/style';

/** A large real export (Italian group chat): enough pairs that the example budget, not the data, limits the prompt. */
export const FIXTURE = fileURLToPath(new URL('../fixtures/exports/whatsapp/it/nmoya__22_OW_MT_2012_large.txt', import.meta.url));

export type PersonaPromptData = Omit<PromptInput, 'countTokens'>;

/**
 * `otherExamples`: real pairs that neither the examples nor the conversation use, for a next message whose
 * retrieval brings some other exchanges.
 */
export async function personaPromptData(contextWindow: number, maxReplyTokens: number): Promise<PersonaPromptData & { fixture: string; otherExamples: PersonaPromptData['examples'] }> {
  const bytes = new Uint8Array(await readFile(FIXTURE));
  const result = await parseExport({ name: basename(FIXTURE), bytes });
  const stats = [...authorStats(result.items)].sort((a, b) => b.messages - a.messages);
  const person = stats[0]?.author;
  if (person === undefined) throw new Error('the fixture has no participants');
  // A fixed salt: the masked text (and so the prompt and its token count) is the same on every run.
  const mask = createMasker({ salt: 'chat-bench' });
  const items = result.items.map((item) => (item.kind === 'message' ? { ...item, text: mask(item.text).text } : item));
  const ids = messageIds(result.items);
  const turns = turnsWithIds(items, ids, { maxGapMinutes: 5 });
  const messages = items.map((item, i) => ({ id: ids[i] ?? '', ts: item.ts, author: item.author, kind: item.kind, text: item.text }));
  const profile = computeStyleProfile(messages, turns, person);
  const usable = buildPairs(turns, person).pairs.filter((p) => !p.heldOut);
  // "Retrieved" examples: the latest usable pairs, ranked by recency (the retrieval itself is not benchmarked).
  const examples = usable.slice(-8).reverse().map((pair, i) => ({ pair, score: 1 - i / 10 }));
  // The conversation: a few real exchanges replayed, ending with a user message, as in a running chat.
  const recent = usable.slice(-20, -16);
  const history: PromptInput['history'] = recent.flatMap((p) => [
    { role: 'user' as const, content: p.context.map((c) => c.text).join('\n') },
    { role: 'assistant' as const, content: p.reply },
  ]);
  history.push({ role: 'user', content: 'ciao! come va? stasera ci sei per la partita?' });
  return {
    fixture: basename(FIXTURE),
    otherExamples: usable.slice(-16, -12).map((pair, i) => ({ pair, score: 0.95 - i / 10 })),
    personaName: person,
    personName: person,
    userName: null,
    profile,
    pinnedMemories: [],
    memories: [],
    examples,
    history,
    contextWindow,
    maxReplyTokens,
  };
}
