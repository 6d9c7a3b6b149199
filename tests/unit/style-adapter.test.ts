// The style adapter: casing, end periods, emoji and laughter habits and bubble splitting follow the
// profile only where the habit is strong; it is deterministic; and (property) it makes only its declared
// edits: word and number tokens come out in order and unchanged, except the case of a bubble's first
// letter and laughter the test itself labels as laughter (never the adapter's own detector).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distribution, EDGES } from '../../src/lib/persona/distribution';
import { styleMatch } from '../../src/lib/persona/fidelity';
import { adaptToStyle } from '../../src/lib/persona/style-adapter';
import type { StyleProfile, StyleStats } from '../../src/lib/persona/types';

interface Habits {
  messages?: number;
  bubbles?: number[];
  casing?: StyleStats['casing'];
  period?: number;
  emojiPerMessage?: number;
  shareWithEmoji?: number;
  topEmojis?: { text: string; count: number }[];
  laughter?: { text: string; count: number }[];
  shareWithLaughter?: number;
}

function stats(h: Habits): StyleStats {
  const d = (xs: number[], edges: readonly number[]) => distribution(xs, edges);
  const period = h.period ?? 0.3;
  return {
    author: 'P',
    messages: h.messages ?? 200,
    turns: 100,
    chars: d([10, 20, 30], EDGES.chars),
    words: d([2, 4, 6], EDGES.words),
    bubblesPerTurn: d(h.bubbles ?? [1, 1, 1, 1, 2], EDGES.bubblesPerTurn),
    bubbleGapSeconds: d([], EDGES.bubbleGapSeconds),
    emojiPerMessage: h.emojiPerMessage ?? 0.1,
    shareWithEmoji: h.shareWithEmoji ?? 0.1,
    topEmojis: h.topEmojis ?? [{ text: '🙂', count: 20 }],
    laughter: h.laughter ?? [],
    shareWithLaughter: h.shareWithLaughter ?? 0.02,
    casing: h.casing ?? { allLowercase: 0.3, startsWithCapital: 0.6, allCaps: 0 },
    endings: { period, exclamation: 0.1, question: 0.1, ellipsis: 0, emoji: 0.1, none: 0.7 - period },
    repeatedLetters: 0,
    repeatedMarks: 0,
    openers: [],
    closers: [],
    signature: [],
    languages: [],
    replyLatencySeconds: d([], EDGES.replyLatencySeconds),
    hours: new Array<number>(24).fill(0),
  };
}

function profile(h: Habits): StyleProfile {
  return { version: 1, personName: 'P', person: stats(h), others: stats({}), summary: '' };
}

const LOWER_NO_PERIOD_BURSTY = profile({
  casing: { allLowercase: 0.9, startsWithCapital: 0.05, allCaps: 0 },
  period: 0.01,
  bubbles: [2, 2, 3, 3, 4, 2, 3],
});

describe('adaptToStyle', () => {
  it('lowercases, drops final periods and splits sentences into bubbles for a bursty lowercase person', () => {
    // Only each bubble's first letter changes case: "I" and "Keys" inside a bubble stay as written.
    const out = adaptToStyle('Sure, I can come. What time is it? Bring the Keys.', LOWER_NO_PERIOD_BURSTY);
    expect(out).toEqual(['sure, I can come', 'what time is it?', 'bring the Keys']);
    // An ellipsis is not a period.
    expect(adaptToStyle('Well...', LOWER_NO_PERIOD_BURSTY)).toEqual(['well...']);
  });

  it('joins lines into one bubble and capitalises for a one-message person who starts with capitals', () => {
    const p = profile({ bubbles: [1, 1, 1, 1, 1, 1], casing: { allLowercase: 0.05, startsWithCapital: 0.9, allCaps: 0 } });
    expect(adaptToStyle('ok see you\nbye then', p)).toEqual(['Ok see you bye then']);
    // "ß" has no one-letter capital: left alone rather than changing the word.
    expect(adaptToStyle('ß ist gut', p)).toEqual(['ß ist gut']);
  });

  it('leaves habits that are not strong alone', () => {
    // 1.4 messages per turn: neither a burster nor a one-message person.
    const p = profile({ bubbles: [1, 2, 1, 2, 1] });
    expect(adaptToStyle('  Hello there.\nHow are you?  ', p)).toEqual(['Hello there.', 'How are you?']);
    // Too few messages to know any habit: only trimmed and split into lines.
    expect(adaptToStyle('Hello. 😂 hahaha', profile({ messages: 5, emojiPerMessage: 0, shareWithLaughter: 0 }))).toEqual(['Hello. 😂 hahaha']);
  });

  it('removes emoji and laughter from someone who never uses them', () => {
    const p = profile({ emojiPerMessage: 0, shareWithEmoji: 0, topEmojis: [], shareWithLaughter: 0 });
    expect(adaptToStyle('great😀news hahaha 🎉', p)).toEqual(['great news']);
    expect(adaptToStyle('😂', p)).toEqual([]);
  });

  it("swaps other laughs for the person's own when one family dominates", () => {
    const p = profile({ laughter: [{ text: 'lol', count: 40 }, { text: 'haha', count: 5 }], shareWithLaughter: 0.1 });
    expect(adaptToStyle('hahaha that is funny, lol', p)).toEqual(['lol that is funny, lol']);
  });

  it('adds the favourite emoji at the person’s rate, deterministically', () => {
    const p = profile({ emojiPerMessage: 1.2, shareWithEmoji: 0.7, topEmojis: [{ text: '😭', count: 90 }] });
    const replies = Array.from({ length: 200 }, (_, i) => `reply number ${i}`);
    const adapted = replies.map((r) => adaptToStyle(r, p).join('\n'));
    const withEmoji = adapted.filter((r) => r.endsWith(' 😭')).length / replies.length;
    expect(withEmoji).toBeGreaterThan(0.55);
    expect(withEmoji).toBeLessThan(0.85);
    expect(replies.map((r) => adaptToStyle(r, p).join('\n'))).toEqual(adapted);
    // A reply that has an emoji already gets none added.
    expect(adaptToStyle('ok 🙂', p)).toEqual(['ok 🙂']);
  });

  it('raises the style-match score of replies that ignore a strong habit', () => {
    const real = ['sure thing', 'see u there\nbring snacks', 'no idea', 'ok cool\nwhen'];
    const generated = ['Sure thing. I will be there.', 'I have no idea.', 'Okay, cool. When?', 'See you there.'];
    const adapted = generated.map((g) => adaptToStyle(g, LOWER_NO_PERIOD_BURSTY).join('\n'));
    const before = styleMatch(generated, real);
    const after = styleMatch(adapted, real);
    expect(after.score).toBeGreaterThan(before.score);
    expect(after.parts.find((x) => x.name === 'casing')?.score).toBeGreaterThan(before.parts.find((x) => x.name === 'casing')?.score ?? 100);
    expect(after.parts.find((x) => x.name === 'endings')?.score).toBeGreaterThan(before.parts.find((x) => x.name === 'endings')?.score ?? 100);
  });
});

describe('adaptToStyle leaves protected spans and other scripts alone', () => {
  const CAPITAL = profile({ bubbles: [1, 2, 1, 2, 1], casing: { allLowercase: 0.05, startsWithCapital: 0.9, allCaps: 0 } });
  const LOWER = profile({ bubbles: [1, 2, 1, 2, 1], casing: { allLowercase: 0.9, startsWithCapital: 0.05, allCaps: 0 } });

  it('capitalises only a lowercase first letter of a cased script, outside links and mask tokens', () => {
    const cases: [string, string][] = [
      ['[phone-1a2b3c] is my new number', '[phone-1a2b3c] is my new number'],
      ['3pm works', '3pm works'],
      ['https://example.com/a', 'https://example.com/a'],
      ['مرحبا hello', 'مرحبا hello'],
      ['我喜欢iphone', '我喜欢iphone'],
      ['me@example.com works', 'me@example.com works'],
      ['www.example.com/x is it', 'www.example.com/x is it'],
      ['"sure" then', '"Sure" then'],
      ['ok 3pm', 'Ok 3pm'],
    ];
    for (const [reply, expected] of cases) expect(adaptToStyle(reply, CAPITAL), reply).toEqual([expected]);
  });

  it('lowercases around links, e-mail addresses and mask tokens without touching them', () => {
    expect(adaptToStyle('See https://Example.com/AbCdEf NOW', LOWER)).toEqual(['see https://Example.com/AbCdEf NOW']);
    expect(adaptToStyle('Mail Ann.Lee@Example.ORG or bit.ly/AbC.', LOWER)).toEqual(['mail Ann.Lee@Example.ORG or bit.ly/AbC.']);
    expect(adaptToStyle('Try WWW.Shop.de/Cart?ID=Xy', LOWER)).toEqual(['try WWW.Shop.de/Cart?ID=Xy']);
    // A link in parentheses keeps its own ")" only when it opened one.
    expect(adaptToStyle('Read (https://en.wikipedia.org/wiki/Foo_(Bar)) OK', LOWER)).toEqual(['read (https://en.wikipedia.org/wiki/Foo_(Bar)) OK']);
    expect(adaptToStyle('Call [phone-1a2b3c]', LOWER)).toEqual(['call [phone-1a2b3c]']);
  });

  it('never rewrites or removes laughter inside a link', () => {
    const swaps = profile({ laughter: [{ text: 'lol', count: 40 }, { text: 'haha', count: 5 }], shareWithLaughter: 0.1 });
    expect(adaptToStyle('x.com/hahaha hahaha', swaps)).toEqual(['x.com/hahaha lol']);
    const never = profile({ shareWithLaughter: 0 });
    expect(adaptToStyle('look x.com/hahaha', never)).toEqual(['look x.com/hahaha']);
    expect(adaptToStyle('https://example.com/?q=lol haha', never)).toEqual(['https://example.com/?q=lol']);
  });

  it('keeps the digit or symbol of a keycap when removing emoji', () => {
    const p = profile({ emojiPerMessage: 0, shareWithEmoji: 0, topEmojis: [], shareWithLaughter: 0 });
    expect(adaptToStyle('call 1️⃣ or #️⃣ 🎉', p)).toEqual(['call 1 or #']);
    expect(adaptToStyle('pick 2⃣ *️⃣', p)).toEqual(['pick 2 *']);
  });

  it('returns text with private-use characters byte-identical where it has no habit to apply', () => {
    // The first letter of the bubble is the private-use character's, so nothing changes case.
    expect(adaptToStyle('\uE000 Hello \uE001 [url-abcdef]', LOWER)).toEqual(['\uE000 Hello \uE001 [url-abcdef]']);
  });
});


describe('adaptToStyle keeps numbers, codes and acronyms', () => {
  const NEVER_LAUGHS_LOWER = profile({
    bubbles: [1, 2, 1, 2, 1],
    casing: { allLowercase: 0.9, startsWithCapital: 0.05, allCaps: 0 },
    period: 0.01,
    shareWithLaughter: 0,
  });
  const SWAPS_TO_LOL = profile({ laughter: [{ text: 'lol', count: 40 }, { text: 'haha', count: 5 }], shareWithLaughter: 0.1 });

  it('keeps digit runs that look like Thai laughter', () => {
    expect(adaptToStyle('The PIN is 5555 and the room is 555.', NEVER_LAUGHS_LOWER)).toEqual(['the PIN is 5555 and the room is 555']);
    expect(adaptToStyle('room 555 hahaha', SWAPS_TO_LOL)).toEqual(['room 555 lol']);
  });

  it('keeps "www" and capitalised codes that share a laughter family', () => {
    expect(adaptToStyle('my code is www', NEVER_LAUGHS_LOWER)).toEqual(['my code is www']);
    expect(adaptToStyle('KKK and MDR and XD are names, WWW too', NEVER_LAUGHS_LOWER)).toEqual(['KKK and MDR and XD are names, WWW too']);
    // Laughter written in capitals is still laughter.
    expect(adaptToStyle('HAHAHA ok LOL', NEVER_LAUGHS_LOWER)).toEqual(['ok']);
  });

  it('changes case only at a bubble start, and never inside a word in capitals', () => {
    expect(adaptToStyle('The US and NASA agree', NEVER_LAUGHS_LOWER)).toEqual(['the US and NASA agree']);
    expect(adaptToStyle('NASA called', NEVER_LAUGHS_LOWER)).toEqual(['NASA called']);
    expect(adaptToStyle("McDonald's at 8?", NEVER_LAUGHS_LOWER)).toEqual(["McDonald's at 8?"]);
  });

  it('neither adds nor swaps in a laugh that would read as a number or a link', () => {
    for (const laugh of ['555', 'www']) {
      const p = profile({ laughter: [{ text: laugh, count: 50 }], shareWithLaughter: 1 });
      const out = Array.from({ length: 30 }, (_, i) => adaptToStyle(`reply ${i} hahaha`, p).join('\n'));
      expect(out.every((o, i) => o === `reply ${i} hahaha`)).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Property: only declared edits. The oracle is this test's own labelling of its vocabulary, never the
// adapter's laughter detector.

/** Pieces this test labels as laughter: the adapter may remove them, keep them or swap them. */
const LAUGHS = ['hahaha', 'Hahaha', 'HAHAHA', 'haha', 'ahahah', 'lol', 'LOL', 'lmao', 'jajaja', 'kkkk', 'kkk', 'хахаха', 'mdr', 'xD'];
/** Pieces that look like laughter to a naive detector but are numbers, links, codes or acronyms. */
const LOOKALIKES = ['555', '5555', 'www', 'WWW', 'Www', 'KKK', 'MDR', 'XD', 'US', 'NASA', 'PIN', 'OK', 'ha', 'aha', 'hah', 'kk', '12', '3pm'];
const LAUGH_TOKENS = new Set(LAUGHS);

/** Word and number tokens with keycap and emoji modifiers dropped (a keycap leaves its digit). */
function tokens(text: string): string[] {
  const plain = text.replace(/\uFE0F|\u20E3|[\u{1F3FB}-\u{1F3FF}]/gu, '');
  return plain.match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu) ?? [];
}

/** True when `b` is `a` with only its first letter's case changed (one code point for one). */
function sameButInitialCase(a: string, b: string): boolean {
  const [fa = '', ...ra] = [...a];
  const [fb = '', ...rb] = [...b];
  if (ra.join('') !== rb.join('') || fa.toLowerCase() !== fb.toLowerCase()) return false;
  // A word in capitals ("NASA", "US") keeps its case even at a bubble start.
  const inCapitals = ra.length > 0 && !/\p{Ll}/u.test(a) && /\p{Lu}/u.test(a);
  return !inCapitals;
}

/**
 * Checks the declared edits: the non-laughter tokens of `reply` and of `bubbles` are the same sequence,
 * token for token, except that the first token of a bubble may differ in its first letter's case.
 * Laughter tokens (as this test labels them) may come and go; nothing else may.
 */
function onlyDeclaredEdits(reply: string, bubbles: readonly string[]): string | null {
  const before = tokens(reply).filter((t) => !LAUGH_TOKENS.has(t) && !LAUGH_TOKENS.has(t.toLowerCase()));
  const after: { token: string; first: boolean }[] = [];
  for (const bubble of bubbles) {
    tokens(bubble).forEach((token, i) => {
      if (!LAUGH_TOKENS.has(token) && !LAUGH_TOKENS.has(token.toLowerCase())) after.push({ token, first: i === 0 });
    });
  }
  if (before.length !== after.length) return `token count ${before.length} -> ${after.length}: ${JSON.stringify(before)} vs ${JSON.stringify(after.map((x) => x.token))}`;
  for (let i = 0; i < before.length; i++) {
    const a = before[i] ?? '';
    const { token: b, first } = after[i] ?? { token: '', first: false };
    if (a !== b && !(first && sameButInitialCase(a, b))) return `token ${i}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`;
  }
  return null;
}

describe('adaptToStyle makes only its declared edits (property)', () => {
  const pieces = fc.constantFrom(
    'hello', 'Hello', 'WORLD', 'I', 'am', 'ß', 'İstanbul', 'ıi', 'ok', "don't", 'e.g.', 'The', 'Anna', "McDonald's", 'iPhone',
    '😂', '🎉', '👍🏽', '1️⃣', '#️⃣', '.', '...', '!', '?', ',', ' ', '  ', '\n', '. ', '! ', 'x.', '3.5', 'ça', 'Ñandú', '日本語', 'Äpfel',
    '42', 'مرحبا', '(', ')', '\uE000', 'The PIN is 5555 and the room is 555.', 'my code is www',
  );
  const laughPiece = fc.constantFrom(...LAUGHS);
  const lookalike = fc.constantFrom(...LOOKALIKES);
  // Numbers and codes the vocabulary does not list: any digit run, and capitals followed by digits.
  const code = fc.oneof(fc.stringMatching(/^\d{1,6}$/), fc.stringMatching(/^[A-Z]{1,3}\d{1,4}$/));
  // Spans that must come out byte-identical, wherever they land among the other pieces.
  const PROTECTED = [
    'https://Example.com/AbCdEf', 'HTTP://x.Co/Hahaha?Q=LOL#Top', 'www.Shop.de/Cart', 'x.com/hahaha', 'bit.ly/XyZ',
    'Ann.Lee@Example.ORG', '[phone-1a2b3c]', '[url-abcdef]', '[email-0f0f0f]', '[id-123456]',
  ];
  const protectedPiece = fc.constantFrom(...PROTECTED);
  const spaced = (a: fc.Arbitrary<string>): fc.Arbitrary<string> => a.map((x) => ` ${x} `);
  // Laughs, lookalikes, codes and protected spans stand alone (space-separated), as words do.
  const replies = fc
    .array(fc.oneof(pieces, spaced(laughPiece), spaced(lookalike), spaced(code), spaced(protectedPiece)), { maxLength: 30 })
    .map((xs) => xs.join(''));
  const habits = fc.record({
    lower: fc.double({ min: 0, max: 1, noNaN: true }),
    capital: fc.double({ min: 0, max: 1, noNaN: true }),
    period: fc.double({ min: 0, max: 0.6, noNaN: true }),
    emojiRate: fc.double({ min: 0, max: 2, noNaN: true }),
    emojiShare: fc.double({ min: 0, max: 1, noNaN: true }),
    laughShare: fc.double({ min: 0, max: 1, noNaN: true }),
    laugh: fc.constantFrom('lol', 'haha', '😂', 'kkk', '555', 'www', 'KKK'),
    bubbles: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }),
  });

  it('keeps every word and number token except laughter and the case of a bubble start', () => {
    fc.assert(
      fc.property(replies, habits, (reply, h) => {
        const p = profile({
          casing: { allLowercase: h.lower, startsWithCapital: h.capital, allCaps: 0 },
          period: h.period,
          emojiPerMessage: h.emojiRate,
          shareWithEmoji: h.emojiShare,
          shareWithLaughter: h.laughShare,
          laughter: [{ text: h.laugh, count: 50 }],
          bubbles: h.bubbles,
        });
        const out = adaptToStyle(reply, p);
        expect(onlyDeclaredEdits(reply, out)).toBeNull();
        expect(out.every((b) => b.trim() === b && b !== '' && !b.includes('\n'))).toBe(true);
        expect(adaptToStyle(reply, p)).toEqual(out);
        // Each protected span (as many times as the reply has it) comes out byte-identical.
        const joined = out.join('\n');
        for (const span of PROTECTED) expect(joined.split(span).length, span).toBe(reply.split(span).length);
      }),
      { numRuns: 500 },
    );
  });

  it('the oracle itself rejects the edits the adapter used to make', () => {
    expect(onlyDeclaredEdits('The PIN is 5555 and the room is 555.', ['the pin is and the room is'])).not.toBeNull();
    expect(onlyDeclaredEdits('my code is www', ['my code is'])).not.toBeNull();
    expect(onlyDeclaredEdits('US and NASA', ['us and nasa'])).not.toBeNull();
    expect(onlyDeclaredEdits('NASA called', ['nASA called'])).not.toBeNull();
    expect(onlyDeclaredEdits('Sure. hahaha OK', ['sure', 'lol OK'])).toBeNull();
  });
});
