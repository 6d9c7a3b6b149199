// Reply pairs: (what the others just said, what the persona answered), the examples the persona is
// prompted and evaluated with. Invariants: a pair never spans two chats (turns are grouped by `chat`
// first) nor a silence longer than the window; the
// same context+reply appears once; trivial replies ("ok", "👍", "lol") are thinned to at most a capped
// share, keeping their natural mix; the latest ~10% by time are held out for evaluation only; ids are
// hashes of the message ids, so re-importing the same chat gives the same pairs.

import { hashString } from '../ingest/hash';
import { localTsToMs } from '../ingest/normalize';
import { scanEmoji } from './emoji';
import { laughFamily } from './laughter';
import type { TurnLike } from './style';
import { comparable, wordsOf } from './words';
import type { PairContextLine, PairsReport, ReplyPair } from './types';

export interface PairsOptions {
  /** Most turns of context before a reply (default 3). */
  maxContextTurns?: number;
  /** Most characters of context; the turn nearest the reply is always kept, cut from its start (default 600). */
  maxContextChars?: number;
  /** Hours: a reply further than this from the context, or context further from the reply, is dropped (default 6). */
  windowHours?: number;
  /** Share of the pairs, latest by time, held out for evaluation (default 0.1). */
  heldOutShare?: number;
  /** Largest share of trivial replies among the kept pairs (default 0.05). */
  trivialShare?: number;
}

export interface PairsResult {
  pairs: ReplyPair[];
  report: PairsReport;
}

/** Short answers that carry no style on their own, in the corpus languages; compared lowercased. */
const TRIVIAL = new Set(
  (
    'ok okay okk okey oki okie okok kk k kay yes yeah yea ya ye yep yup no nope nah sure cool nice thanks thx ty ' +
    'thank you np alright right true same mhm hm hmm ah oh wow good fine great yes please ' +
    'ja jo jep jup nein ne nö danke gut klar genau stimmt super ' +
    'si sí vale claro gracias bueno dale listo ' +
    "oui ouais non merci d'accord dac bon ok d'acc " +
    'sì certo grazie va bene bene vabbè vabbe ' +
    'sim não nao obrigado obrigada valeu beleza blz tá ta ' +
    'nee oké dank je prima top ' +
    'да нет ок ага спасибо хорошо ладно угу'
  ).split(' '),
);
// Multi-word forms of the list above (split on spaces loses them).
for (const phrase of ['thank you', 'yes please', 'va bene', 'dank je', "d'accord"]) TRIVIAL.add(phrase);

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * The comparison form of a trivial reply, or null when the reply says something. Laughs are folded
 * to their family ("hahaha" = "haha") and emoji to themselves, so one form gathers its variants.
 */
export function trivialForm(reply: string): string | null {
  const c = comparable(reply);
  if (c === '') return reply.trim() === '' ? null : 'punctuation';
  if (TRIVIAL.has(c)) return c;
  if (!LETTER_OR_DIGIT.test(c)) {
    // Emoji or marks only: trivial when short ("👍", "❤️❤️", "?!").
    const emojis = scanEmoji(c).emojis;
    if (emojis.length <= 3 && [...c.replace(/\s/g, '')].length <= 12) return emojis.length > 0 ? emojis.join('') : c;
    return null;
  }
  const words = wordsOf(c);
  if (words.length > 0 && words.length <= 3) {
    const families = words.map(laughFamily);
    if (families.every((f) => f !== null)) return families[0] ?? null;
  }
  return null;
}

/** The end of `text` within `max` UTF-16 units, not splitting a surrogate pair, marked with '…'. */
function tail(text: string, max: number): string {
  if (text.length <= max) return text;
  let start = text.length - max + 1;
  const c = text.charCodeAt(start);
  if (c >= 0xdc00 && c <= 0xdfff) start++;
  return `…${text.slice(start)}`;
}

interface Candidate {
  pair: ReplyPair;
  trivial: string | null;
}

/** Evenly spaced picks: `q` of `n` items, deterministic and spread over time. */
function spread(n: number, q: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < q; k++) out.push(Math.floor(((k + 0.5) * n) / q));
  return out;
}

/**
 * Trivial replies kept: at most `share` of all kept pairs (at least one when there are any), split
 * over the forms by how often each occurs (largest remainder), picked evenly over time within a form.
 */
function thinTrivial(candidates: readonly Candidate[], share: number): Set<Candidate> {
  const byForm = new Map<string, Candidate[]>();
  let nonTrivial = 0;
  for (const c of candidates) {
    if (c.trivial === null) {
      nonTrivial++;
      continue;
    }
    const list = byForm.get(c.trivial);
    if (list === undefined) byForm.set(c.trivial, [c]);
    else list.push(c);
  }
  const total = candidates.length - nonTrivial;
  const kept = new Set<Candidate>();
  if (total === 0) return kept;
  const budget = Math.min(total, Math.max(1, Math.floor((share / (1 - share)) * nonTrivial)));
  const forms = [...byForm].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  const exact = forms.map(([, list]) => (budget * list.length) / total);
  const quota = exact.map(Math.floor);
  let left = budget - quota.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left <= 0) break;
    quota[i] = (quota[i] ?? 0) + 1;
    left--;
  }
  forms.forEach(([, list], i) => {
    for (const k of spread(list.length, quota[i] ?? 0)) {
      const c = list[k];
      if (c !== undefined) kept.add(c);
    }
  });
  return kept;
}

/** The turns of each chat in their given order; turns without `chat` form one chat. */
function byChat(turns: readonly TurnLike[]): TurnLike[][] {
  const groups = new Map<string | undefined, TurnLike[]>();
  for (const turn of turns) {
    const group = groups.get(turn.chat);
    if (group === undefined) groups.set(turn.chat, [turn]);
    else group.push(turn);
  }
  return [...groups.values()];
}

/**
 * Pairs of (the others' turns just before, the persona's turn) from the turns of each chat in order;
 * the context of a reply only ever comes from the reply's own chat.
 * Group chats: any other speaker's turns are context, each line keeping its author.
 */
export function buildPairs(allTurns: readonly TurnLike[], personName: string, options: PairsOptions = {}): PairsResult {
  const maxTurns = Math.max(1, options.maxContextTurns ?? 3);
  const maxChars = Math.max(1, options.maxContextChars ?? 600);
  const windowMs = (options.windowHours ?? 6) * 3_600_000;
  const heldOutShare = options.heldOutShare ?? 0.1;
  const trivialShare = Math.min(0.9, Math.max(0, options.trivialShare ?? 0.05));
  const report: PairsReport = {
    turnsOfPerson: 0,
    pairs: 0,
    heldOut: 0,
    skippedNoContext: 0,
    skippedSilence: 0,
    duplicates: 0,
    trivialFiltered: 0,
    trivialKept: 0,
  };

  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  for (const turns of byChat(allTurns)) {
    for (let i = 0; i < turns.length; i++) {
      const turn = turns[i];
      if (turn === undefined || turn.author !== personName) continue;
      report.turnsOfPerson++;
      const prev = turns[i - 1];
      if (prev === undefined || prev.author === personName) {
        report.skippedNoContext++;
        continue;
      }
      const replyMs = localTsToMs(turn.startTs);
      // NaN (an unreadable time) fails this test too: no pair across an unknown gap.
      if (!(replyMs - localTsToMs(prev.endTs) <= windowMs)) {
        report.skippedSilence++;
        continue;
      }
      const context: PairContextLine[] = [];
      const contextIds: string[][] = [];
      let chars = 0;
      let laterMs = replyMs;
      for (let j = i - 1; j >= 0 && context.length < maxTurns; j--) {
        const t = turns[j];
        if (t === undefined || t.author === personName) break;
        const endMs = localTsToMs(t.endTs);
        if (!(laterMs - endMs <= windowMs) || !(replyMs - endMs <= windowMs)) break;
        if (context.length > 0 && chars + t.text.length > maxChars) break;
        const text = context.length === 0 ? tail(t.text, maxChars) : t.text;
        context.unshift({ author: t.author, text, ts: t.startTs });
        contextIds.unshift([...t.messageIds]);
        chars += text.length;
        laterMs = localTsToMs(t.startTs);
      }
      const key = `${context.map((l) => comparable(l.text)).join('\u0001')}\u0002${comparable(turn.text)}`;
      if (seen.has(key)) {
        report.duplicates++;
        continue;
      }
      seen.add(key);
      const contextMessageIds = contextIds.flat();
      const replyMessageIds = [...turn.messageIds];
      candidates.push({
        trivial: trivialForm(turn.text),
        pair: {
          id: hashString(`pair\u0000${contextMessageIds.join(',')}\u0000${replyMessageIds.join(',')}`),
          context,
          reply: turn.text,
          replyBubbles: turn.bubbles,
          // The moment replied to: the end of the last context turn.
          contextTs: prev.endTs,
          replyTs: turn.startTs,
          contextMessageIds,
          replyMessageIds,
          heldOut: false,
          ...(turn.chat === undefined ? {} : { chat: turn.chat }),
        },
      });
    }
  }

  // Chat by chat above; in time order here, so trivial replies are thinned evenly over time across chats.
  candidates.sort((a, b) => (a.pair.replyTs < b.pair.replyTs ? -1 : a.pair.replyTs > b.pair.replyTs ? 1 : 0));
  const keptTrivial = thinTrivial(candidates, trivialShare);
  const pairs: ReplyPair[] = [];
  for (const c of candidates) {
    if (c.trivial !== null) {
      if (!keptTrivial.has(c)) {
        report.trivialFiltered++;
        continue;
      }
      report.trivialKept++;
    }
    pairs.push(c.pair);
  }
  // Pairs come chat by chat: sorted by reply time, the latest ~10% of all of them are held out. One moment
  // for every chat keeps the test slice leak-free: nothing said in any chat after it trains anything.
  pairs.sort((a, b) => (a.replyTs < b.replyTs ? -1 : a.replyTs > b.replyTs ? 1 : 0));
  const heldOut = pairs.length >= 5 ? Math.max(1, Math.round(pairs.length * heldOutShare)) : 0;
  for (let k = pairs.length - heldOut; k < pairs.length; k++) {
    const p = pairs[k];
    if (p !== undefined) p.heldOut = true;
  }
  report.pairs = pairs.length;
  report.heldOut = heldOut;
  return { pairs, report };
}
