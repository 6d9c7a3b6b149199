// The prose style summary: each claim appears exactly when the numbers cross its threshold (absolute,
// or against the others), and never otherwise; at most four sentences.
import { describe, expect, it } from 'vitest';
import { distribution, EDGES } from '../../src/lib/persona/distribution';
import { styleSummary } from '../../src/lib/persona/style-summary';
import type { StyleProfile, StyleStats } from '../../src/lib/persona/types';
import { neutralStats } from '../fixtures/persona/style-stats';


function profile(person: Partial<StyleStats>, others: Partial<StyleStats> = {}): StyleProfile {
  return { version: 1, personName: 'Ana', person: { ...neutralStats('Ana'), ...person }, others: { ...neutralStats(null), ...others }, summary: '' };
}

const sentences = (s: string): number => s.split(/(?<=\.)\s+(?=[A-Z])/u).length;

describe('styleSummary', () => {
  it('says only what neutral numbers support: length, language, rhythm', () => {
    const s = styleSummary(profile({}));
    // 120 single-bubble turns and 30 double ones: mean 1.2 bubbles per turn.
    expect(s).toBe('Writes medium-length messages in English (median 30 characters), one message at a time.');
  });

  it('describes short lowercase bursts, rare periods, signature emoji, laughter and words', () => {
    const s = styleSummary(
      profile({
        chars: distribution([...new Array<number>(150).fill(14), ...new Array<number>(50).fill(40)], EDGES.chars),
        casing: { allLowercase: 0.85, startsWithCapital: 0.1, allCaps: 0 },
        bubblesPerTurn: distribution([...new Array<number>(50).fill(2), ...new Array<number>(40).fill(3), ...new Array<number>(10).fill(1)], EDGES.bubblesPerTurn),
        endings: { period: 0.02, exclamation: 0.05, question: 0.1, ellipsis: 0.03, emoji: 0.3, none: 0.5 },
        emojiPerMessage: 0.4,
        shareWithEmoji: 0.3,
        topEmojis: [
          { text: '😭', count: 30 },
          { text: '💀', count: 20 },
          { text: '😂', count: 2 },
        ],
        laughter: [
          { text: 'haha', count: 40 },
          { text: 'lol', count: 5 },
        ],
        shareWithLaughter: 0.2,
        signature: [
          { text: 'the', count: 100, score: 9 },
          { text: 'okok', count: 25, score: 8 },
          { text: 'hahaha', count: 20, score: 7 },
          { text: 'no way', count: 10, score: 5 },
        ],
      }),
    );
    expect(s).toBe(
      "Writes short lowercase messages in English (median 14 characters), in bursts of 2-3. Rarely ends with a period. " +
        "Uses 😭 and 💀 often; laughs with 'haha'. Often says 'okok' and 'no way'.",
    );
    expect(sentences(s)).toBeLessThanOrEqual(4);
  });

  it('claims "rarely ends with a period" against the others only when they clearly use more', () => {
    const endings = { period: 0.08, exclamation: 0.1, question: 0.15, ellipsis: 0.05, emoji: 0.05, none: 0.57 };
    const contrast = styleSummary(profile({ endings }, { endings: { ...endings, period: 0.35 } }));
    expect(contrast).toContain('Rarely ends with a period');
    const same = styleSummary(profile({ endings }, { endings: { ...endings, period: 0.12 } }));
    expect(same).not.toContain('period');
  });

  it('says "rarely uses emoji" and contrasts with the others when they use many', () => {
    const none = { emojiPerMessage: 0.01, shareWithEmoji: 0.01, topEmojis: [] };
    expect(styleSummary(profile(none, { emojiPerMessage: 0.5 }))).toContain('Rarely uses emoji, unlike the others.');
    expect(styleSummary(profile(none, { emojiPerMessage: 0.01 }))).toContain('Rarely uses emoji.');
  });

  it('names languages, trailing dots, doubled marks, stretched words, capitals and emoticons when frequent', () => {
    const s = styleSummary(
      profile({
        languages: [
          { tag: 'it', share: 0.6 },
          { tag: 'en', share: 0.4 },
        ],
        endings: { period: 0.5, exclamation: 0.05, question: 0.1, ellipsis: 0.3, emoji: 0.0, none: 0.05 },
        repeatedMarks: 0.2,
        repeatedLetters: 0.1,
        casing: { allLowercase: 0.05, startsWithCapital: 0.9, allCaps: 0.01 },
        topEmoticons: [
          { text: ';)', count: 40 },
          { text: ':)', count: 12 },
        ],
        shareWithEmoticon: 0.2,
      }),
    );
    expect(s).toContain('in Italian and English');
    expect(s).toContain("Usually ends with a period; often trails off with '...'; doubles up marks like '!!' and '??'; stretches words ('sooo').");
    // Four punctuation clauses at most: the capital-letter habit is left out of that sentence.
    expect(s).not.toContain('capital');
    expect(s).toContain("Types emoticons like ';)' and ':)'.");
    expect(sentences(s)).toBeLessThanOrEqual(4);
  });

  it('has nothing to say about very few messages', () => {
    expect(styleSummary(profile({ messages: 3 }))).toBe('Too few messages from Ana to describe a writing style.');
  });
});
