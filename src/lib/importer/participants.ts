// Who is in the picked exports: per participant counts and date range, merged across files by name.
// Used by the "choose the person to clone" step; most active first (ties: first to appear first).

import { authorStats } from '../ingest/normalize';
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
  return authorStats(results.flatMap((result) => result.items)).map((s) => ({
    name: s.author,
    items: s.items,
    textMessages: s.messages,
    firstTs: s.firstTs,
    lastTs: s.lastTs,
  }));
}

/**
 * A guess at which participant is the user: iMessage writes "Me"; WhatsApp placeholders "You"/"Du"
 * appear in some tools' exports. Null when nothing says so (the user then picks).
 */
export function guessSelf(participants: readonly Participant[]): string | null {
  const selfNames = new Set(['me', 'you', 'du', 'yo', 'moi', 'io', 'eu', 'ik', 'я', 'ich']);
  return participants.find((p) => selfNames.has(p.name.toLowerCase()))?.name ?? null;
}
