// Who is in the picked exports: per participant counts and date range, merged across files by name.
// Used by the "choose the person to clone" step; sorted by person items, most active first.

import type { ParseResult } from '../ingest/types';

export interface Participant {
  name: string;
  /** Items the participant wrote (every kind but system). */
  items: number;
  /** Of those, typed text messages (what a persona learns from). */
  textMessages: number;
  firstTs: string;
  lastTs: string;
}

export function participantsOf(results: readonly ParseResult[]): Participant[] {
  const byName = new Map<string, Participant>();
  for (const result of results) {
    for (const item of result.items) {
      if (item.author === null) continue;
      let entry = byName.get(item.author);
      if (entry === undefined) {
        entry = { name: item.author, items: 0, textMessages: 0, firstTs: item.ts, lastTs: item.ts };
        byName.set(item.author, entry);
      }
      entry.items++;
      if (item.kind === 'message') entry.textMessages++;
      if (item.ts < entry.firstTs) entry.firstTs = item.ts;
      if (item.ts > entry.lastTs) entry.lastTs = item.ts;
    }
  }
  return [...byName.values()].sort((a, b) => b.items - a.items || a.name.localeCompare(b.name));
}

/**
 * A guess at which participant is the user: iMessage writes "Me"; WhatsApp placeholders "You"/"Du"
 * appear in some tools' exports. Null when nothing says so (the user then picks).
 */
export function guessSelf(participants: readonly Participant[]): string | null {
  const selfNames = new Set(['me', 'you', 'du', 'yo', 'moi', 'io', 'eu', 'ik', 'я', 'ich']);
  return participants.find((p) => selfNames.has(p.name.toLowerCase()))?.name ?? null;
}
