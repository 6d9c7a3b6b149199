// The style profile on hand-checked chats: emoji edge cases (ZWJ families, flags, keycaps, skin tones,
// text-presentation symbols), lengths and histograms, bursts and gaps, laughter families, casing and
// endings, openers/closers, signature words (log-odds), languages (Latin and non-Latin scripts),
// reply latency, active hours, masked PII, and what counts as text at all.
import { describe, expect, it } from 'vitest';
import { distribution, EDGES } from '../../src/lib/persona/distribution';
import { isEmojiGrapheme, scanEmoji } from '../../src/lib/persona/emoji';
import { detectLanguage } from '../../src/lib/persona/lang';
import { laughFamily, laughterOf } from '../../src/lib/persona/laughter';
import { computeStyleProfile, STYLE_PROFILE_VERSION } from '../../src/lib/persona/style';
import { wordsOf } from '../../src/lib/persona/words';
import { chat } from '../fixtures/persona/build-chat';

const graphemes = (s: string): number => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].length;

describe('emoji (grapheme-aware)', () => {
  it.each([
    ['ZWJ family', 'hi 👨‍👩‍👧‍👦', ['👨‍👩‍👧‍👦']],
    ['two flags', 'go 🇮🇹🇫🇷', ['🇮🇹', '🇫🇷']],
    ['keycaps', '1️⃣ and #️⃣', ['1️⃣', '#️⃣']],
    ['skin tones', '👍🏽👍🏽', ['👍🏽', '👍🏽']],
    ['subdivision flag (tag sequence)', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', ['🏴󠁧󠁢󠁳󠁣󠁴󠁿']],
    ['text symbols are not emoji', '© 2023 ™ ® ↔', []],
    ['VS16 makes a symbol an emoji', '©️ yes ❤️', ['©️', '❤️']],
    ['a lone regional indicator is a letter', 'x 🇮 y', []],
    ['ZWJ profession with skin tone', '👩🏾‍💻 coding', ['👩🏾‍💻']],
    ['digits alone are not keycaps', 'room 101 #1', []],
  ])('%s', (_name, text, expected) => {
    expect(scanEmoji(text).emojis).toEqual(expected);
  });

  it('knows which single graphemes are emoji', () => {
    expect(isEmojiGrapheme('😂')).toBe(true);
    expect(isEmojiGrapheme('™')).toBe(false);
    expect(isEmojiGrapheme('™️')).toBe(true);
    expect(isEmojiGrapheme('☝🏻')).toBe(true); // text-default base forced to emoji by a skin tone
    expect(isEmojiGrapheme('a')).toBe(false);
  });

  it('tells whether a text ends with an emoji (ignoring trailing spaces)', () => {
    expect(scanEmoji('ok 👍 ').endsWithEmoji).toBe(true);
    expect(scanEmoji('👍 ok').endsWithEmoji).toBe(false);
    expect(scanEmoji('trade™').endsWithEmoji).toBe(false);
  });
});

describe('laughter families', () => {
  it.each([
    ['haha', 'haha'],
    ['hahahahah', 'haha'],
    ['ahahah', 'haha'],
    ['hehehe', 'hehe'],
    ['jajaja', 'jaja'],
    ['jejeje', 'jeje'],
    ['kkkkkk', 'kkk'],
    ['rsrsrs', 'rsrs'],
    ['ㅋㅋㅋ', 'ㅋㅋ'],
    ['5555', '555'],
    ['mdr', 'mdr'],
    ['ptdr', 'ptdr'],
    ['xd', 'xD'],
    ['xddd', 'xD'],
    ['lol', 'lol'],
    ['lolol', 'lol'],
    ['lmao', 'lmao'],
    ['lmfaooo', 'lmao'],
    ['хахаха', 'хаха'],
    ['ахах', 'хаха'],
    ['wkwkwk', 'wkwk'],
    ['ههههه', 'ههه'],
  ])('%s -> %s', (token, family) => {
    expect(laughFamily(token)).toBe(family);
  });

  it.each(['ha', 'hah', 'aha', 'hello', 'mama', 'kk', 'lo', 'haaaa', 'hoho'])('%s is not laughter', (token) => {
    expect(laughFamily(token)).toBeNull();
  });

  it('counts "ha ha", laugh emoji and scripts without spaces', () => {
    expect(laughterOf(wordsOf('Ha ha ha very funny'), [], 'Ha ha ha very funny')).toEqual(['haha']);
    expect(laughterOf([], ['😂', '🤣', '👍'], '😂🤣👍')).toEqual(['😂', '🤣']);
    expect(laughterOf(wordsOf('哈哈哈 好的'), [], '哈哈哈 好的')).toEqual(['哈哈']);
  });
});

describe('language of a message', () => {
  it.each([
    ['I think this is the best one', 'en'],
    ['Ich habe heute keine Zeit', 'de'],
    ['No sé qué hacer mañana', 'es'],
    ["Je ne sais pas ce que c'est", 'fr'],
    ['Non so cosa fare stasera', 'it'],
    ['Eu não sei o que fazer hoje', 'pt'],
    ['Ik weet het niet meer', 'nl'],
    ['Привет, как дела?', 'ru'],
    ['Привіт, як справи? Їжак', 'uk'],
    ['مرحبا كيف حالك', 'ar'],
    ['שלום מה שלומך', 'he'],
    ['今日はとても楽しかったです', 'ja'],
    ['我今天很高兴', 'zh'],
    ['오늘 뭐 해', 'ko'],
  ])('%s -> %s', (text, tag) => {
    expect(detectLanguage(text, wordsOf(text))).toBe(tag);
  });

  it('says nothing on too little evidence', () => {
    expect(detectLanguage('ok', ['ok'])).toBeNull();
    expect(detectLanguage('lol 😂', ['lol'])).toBeNull();
    // "de" is Spanish, French, Dutch and Portuguese: a tie is not an answer.
    expect(detectLanguage('de', ['de'])).toBeNull();
  });
});

describe('distribution', () => {
  it('computes median, p10, p90 by linear interpolation and fills fixed bins', () => {
    const d = distribution([1, 1, 2, 4, 5, 5, 5, 7, 10], EDGES.chars);
    expect(d).toMatchObject({ count: 9, median: 5, p10: 1, p90: 7.6, mean: 4.44 });
    // [0,5): 1 1 2 4; [5,10): 5 5 5 7; [10,20): 10.
    expect(d.histogram.map((h) => h.count)).toEqual([4, 4, 1, 0, 0, 0, 0, 0]);
    expect(d.histogram[0]).toEqual({ from: 0, to: 5, count: 4 });
    // The last bin is open-ended; its `to` only bounds the data (and is at least one bin wide).
    expect(d.histogram.at(-1)).toEqual({ from: 320, to: 480, count: 0 });
  });

  it('is all zeros for an empty sample, with the same bins', () => {
    const d = distribution([], EDGES.words);
    expect(d).toMatchObject({ count: 0, mean: 0, median: 0, p10: 0, p90: 0 });
    expect(d.histogram).toHaveLength(EDGES.words.length);
  });
});

describe('computeStyleProfile on a hand-checked chat', () => {
  const emojiChat = chat([
    '10:00 Ana: hi 👨‍👩‍👧‍👦',
    '10:10 Ana: go 🇮🇹🇫🇷',
    '10:20 Ana: 1️⃣ and #️⃣',
    '10:30 Ana: 👍🏽👍🏽',
    '10:40 Ana: © 2023 ™ ®',
    '10:50 Ana: ©️ yes',
    '11:00 Ana: ❤️',
    '11:10 Ana: plain',
    '11:20 Ana: 🏴󠁧󠁢󠁳󠁣󠁴󠁿',
    '11:30 Ben: ok',
  ]);
  const p = computeStyleProfile(emojiChat.messages, emojiChat.turns, 'Ana');

  it('counts emoji per message and the top emoji, grapheme-aware', () => {
    expect(p.version).toBe(STYLE_PROFILE_VERSION);
    expect(p.person.messages).toBe(9);
    // 1 family + 2 flags + 2 keycaps + 2 thumbs + 0 + 1 + 1 + 0 + 1 = 10 emoji in 9 messages.
    expect(p.person.emojiPerMessage).toBe(1.111);
    expect(p.person.shareWithEmoji).toBe(0.778);
    expect(p.person.topEmojis[0]).toEqual({ text: '👍🏽', count: 2 });
    expect(p.person.topEmojis.map((e) => e.text)).not.toContain('©');
    expect(p.person.topEmojis.map((e) => e.text)).toContain('©️');
    expect(p.person.topEmojis).toHaveLength(9);
  });

  it('measures length in user-perceived characters (as Intl.Segmenter counts graphemes)', () => {
    const texts = emojiChat.messages.filter((m) => m.author === 'Ana').map((m) => m.text);
    const expected = texts.map(graphemes).sort((a, b) => a - b);
    expect(expected).toEqual([1, 1, 2, 4, 5, 5, 5, 7, 10]);
    expect(p.person.chars).toMatchObject({ count: 9, median: 5, p10: 1, p90: 7.6 });
  });

  it('does not count emoji or keycaps as words', () => {
    // Words: hi, go, and, 2023, yes, plain = 6 in 9 messages; thumbs, heart and Scotland have none.
    expect(p.person.words.mean).toBe(0.67);
    expect(p.person.words.histogram[0]).toEqual({ from: 0, to: 1, count: 3 });
  });

  it('classifies endings (emoji ending = last grapheme is an emoji)', () => {
    // Emoji endings: family, flags, keycap, thumbs, heart, Scotland = 6 of 9.
    expect(p.person.endings.emoji).toBe(0.667);
    expect(p.person.endings.none).toBe(0.333);
  });
});

describe('computeStyleProfile: habits, turns and latency', () => {
  const c = chat([
    '2023-05-04 09:00 Ben: Good morning. How are you?',
    '09:02 Ana: heyyy',
    '09:02:30 Ana: im good lol',
    '09:03 Ana: u?',
    '09:10 Ben: Fine, thanks. Lunch today?',
    '09:11 Ana: okok sure!!',
    '09:11:20 Ana: where tho',
    '09:40 Ben: The usual place.',
    '2023-05-04 14:00 Ana: okok see you there haha',
    '14:05 Ben: See you.',
    '2023-05-05 08:00 Ben: Morning!',
    '2023-05-05 21:00 Ana: okok sorry just saw this',
    '21:00:10 Ana [media]: ',
    '21:01 Ana: HAHA NO WAY',
    '21:02 - Ben changed the group name',
    '21:03 Ben: What happened?',
    '21:04 Ana: [phone-3fa2c1] call me at this number',
    '21:04:30 Ana: so tired... ',
  ]);
  const p = computeStyleProfile(c.messages, c.turns, 'Ana');

  it('counts text messages only (media and system lines are not style)', () => {
    expect(p.person.messages).toBe(10);
    expect(p.others.messages).toBe(6);
    expect(p.person.author).toBe('Ana');
    expect(p.others.author).toBeNull();
  });

  it('measures bursts (bubbles per turn) and the gaps inside them', () => {
    // Ana's turns: [heyyy, im good lol, u?] [okok sure!!, where tho] [okok see you there haha]
    // [okok sorry..., HAHA NO WAY] (the photo between does not break it) [[phone] call me..., so tired...]
    expect(p.person.turns).toBe(5);
    expect(p.person.bubblesPerTurn).toMatchObject({ count: 5, median: 2, mean: 2 });
    // Gaps: 30 s, 30 s | 20 s | 60 s | 30 s.
    expect(p.person.bubbleGapSeconds).toMatchObject({ count: 5, median: 30, mean: 34 });
  });

  it('measures reply latency from the other turn end to the reply start, within 12 h', () => {
    // 09:00 -> 09:02 (120 s), 09:10 -> 09:11 (60 s), 09:40 -> 14:00 (15600 s), 08:00 -> 21:00 (13 h: not a reply),
    // 21:03 -> 21:04 (60 s).
    expect(p.person.replyLatencySeconds.count).toBe(4);
    expect(p.person.replyLatencySeconds.median).toBe(90);
  });

  it('counts laughter by family, casing, endings and repeated letters/marks', () => {
    expect(p.person.laughter).toEqual([
      { text: 'haha', count: 2 },
      { text: 'lol', count: 1 },
    ]);
    expect(p.person.shareWithLaughter).toBe(0.3);
    // Cased messages: all 10. Lowercase: heyyy, im good lol, u?, okok sure!!, where tho, okok see you..., okok sorry...,
    // call me... (the masked number is no letter), so tired = 9; all caps: HAHA NO WAY.
    expect(p.person.casing).toEqual({ allLowercase: 0.9, startsWithCapital: 0.1, allCaps: 0.1 });
    expect(p.person.endings.question).toBe(0.1);
    expect(p.person.endings.exclamation).toBe(0.1);
    expect(p.person.endings.ellipsis).toBe(0.1);
    expect(p.person.endings.period).toBe(0);
    expect(p.person.repeatedLetters).toBe(0.1); // heyyy (HAHA is laughter, not stretching)
    expect(p.person.repeatedMarks).toBe(0.1); // !!
    expect(p.others.endings.period).toBe(0.333);
  });

  it('finds openers and keeps masked PII out of every word list', () => {
    // Openers need more words after them: "okok sure", "okok see...", "okok sorry...".
    expect(p.person.openers[0]).toEqual({ text: 'okok', count: 3 });
    // Masked PII is never a word.
    const all = [...p.person.signature, ...p.person.openers, ...p.person.closers].map((s) => s.text).join(' ');
    expect(all).not.toMatch(/phone|3fa2c1/);
  });

  it('counts messages per hour of the day', () => {
    expect(p.person.hours).toHaveLength(24);
    expect(p.person.hours[9]).toBe(5);
    expect(p.person.hours[14]).toBe(1);
    expect(p.person.hours[21]).toBe(4);
    expect(p.person.hours.reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('detects the language of the messages it can tell', () => {
    expect(p.person.languages[0]?.tag).toBe('en');
  });
});

describe('computeStyleProfile: non-Latin scripts', () => {
  it('handles Russian (cased Cyrillic) and Japanese (no spaces between words)', () => {
    const c = chat([
      '10:00 Оля: Привет! Как дела?',
      '10:01 Оля: Всё хорошо, спасибо',
      '10:02 Кенджи: 今日はとても楽しかったです',
      '10:03 Кенджи: また明日ね😊',
      '10:04 Оля: хахаха',
    ]);
    const ru = computeStyleProfile(c.messages, c.turns, 'Оля');
    expect(ru.person.languages).toEqual([{ tag: 'ru', share: 1 }]);
    expect(ru.person.casing.startsWithCapital).toBe(0.667);
    expect(ru.person.laughter).toEqual([{ text: 'хаха', count: 1 }]);
    expect(ru.person.words.median).toBe(3);
    const ja = computeStyleProfile(c.messages, c.turns, 'Кенджи');
    expect(ja.person.languages).toEqual([{ tag: 'ja', share: 1 }]);
    // Japanese has no spaces: words come from the segmenter, so a sentence is several words.
    expect(ja.person.words.median).toBeGreaterThan(2);
    // No cased letters: casing shares stay 0 rather than claiming "all lowercase".
    expect(ja.person.casing.allLowercase).toBe(0);
    expect(ja.person.topEmojis).toEqual([{ text: '😊', count: 1 }]);
    expect(ja.person.endings.emoji).toBe(0.5);
  });
});

describe('signature words (weighted log-odds with an informative Dirichlet prior)', () => {
  it('ranks words the person uses far more than the others, not merely frequent ones', () => {
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) {
      const hh = String(10 + Math.floor(i / 6)).padStart(2, '0');
      const mm = String((i % 6) * 10).padStart(2, '0');
      lines.push(`${hh}:${mm} Ana: the plan is fine ${i % 2 === 0 ? 'bestie' : 'no way'}`);
      lines.push(`${hh}:${mm}:30 Ben: the plan is fine for me`);
    }
    const c = chat(lines);
    const p = computeStyleProfile(c.messages, c.turns, 'Ana');
    const texts = p.person.signature.map((s) => s.text);
    expect(texts).toContain('bestie');
    expect(texts).toContain('no way');
    // Shared words ("the", "plan", "fine") are not distinctive however frequent.
    expect(texts).not.toContain('plan');
    expect(texts).not.toContain('the plan');
    for (const s of p.person.signature) expect(s.score).toBeGreaterThan(1.96);
    const others = p.others.signature.map((s) => s.text);
    expect(others).toContain('for me');
  });
});

describe('computeStyleProfile edge cases', () => {
  it('returns empty statistics (not NaN) for a person without messages', () => {
    const c = chat(['10:00 Ben: hello there']);
    const p = computeStyleProfile(c.messages, c.turns, 'Nobody');
    expect(p.person.messages).toBe(0);
    expect(p.person.chars.median).toBe(0);
    expect(p.person.emojiPerMessage).toBe(0);
    expect(JSON.stringify(p)).not.toContain('NaN');
    expect(p.summary).toMatch(/too few messages/i);
  });

  it('reads turns alone when their messages are not given', () => {
    const c = chat(['10:00 Ana: so anyway', '10:00:10 Ana: whatever', '10:01 Ben: ok then']);
    const p = computeStyleProfile([], c.turns, 'Ana');
    expect(p.person.turns).toBe(1);
    expect(p.person.openers).toEqual([]); // below the minimum count, but no crash
    expect(p.person.messages).toBe(0);
  });
});
