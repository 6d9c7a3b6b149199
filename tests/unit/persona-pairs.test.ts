// Reply pairs on hand-built chats: 1:1 and group context (names kept), context limits, silence
// windows, dedupe, trivial-reply thinning at the natural mix, the held-out slice and stable ids.
import { describe, expect, it } from 'vitest';
import { hashString } from '../../src/lib/ingest/hash';
import { buildPairs, trivialForm } from '../../src/lib/persona/pairs';
import { chat } from '../fixtures/persona/build-chat';

describe('buildPairs: a 1:1 chat', () => {
  const c = chat([
    '2023-05-04 10:00 Ben: hey, are you coming tonight?',
    '10:01 Ana: yes! what time',
    '10:02 Ben: 8pm at the bar',
    '10:02:30 Ben: bring Tom',
    '10:03 Ana: ok',
    '10:05 Ben: great',
    '10:06 Ana: see you there',
    '17:30 Ben: where are you?',
    '17:31 Ana: on my way',
    '2023-05-05 09:00 Ana: morning',
    '09:30 Ben: hi',
    '17:31 Ana: sorry just saw this',
  ]);
  const { pairs, report } = buildPairs(c.turns, 'Ana');

  it('pairs each reply with the other turn(s) just before it', () => {
    expect(pairs.map((p) => [p.context.map((l) => l.text), p.reply])).toEqual([
      [['hey, are you coming tonight?'], 'yes! what time'],
      [['8pm at the bar\nbring Tom'], 'ok'],
      [['great'], 'see you there'],
      [['where are you?'], 'on my way'],
    ]);
    const second = pairs[1];
    expect(second?.context[0]).toEqual({ author: 'Ben', text: '8pm at the bar\nbring Tom', ts: '2023-05-04T10:02:00' });
    expect(second?.contextTs).toBe('2023-05-04T10:02:30');
    expect(second?.replyTs).toBe('2023-05-04T10:03:00');
    expect(second?.contextMessageIds).toHaveLength(2);
    expect(second?.replyMessageIds).toHaveLength(1);
    expect(second?.replyBubbles).toBe(1);
  });

  it('reports what it skipped: no context (own follow-up) and long silences', () => {
    expect(report).toEqual({
      turnsOfPerson: 6,
      pairs: 4,
      heldOut: 0, // fewer than 5 pairs
      skippedNoContext: 1, // "morning" follows Ana's own turn
      skippedSilence: 1, // 8 h after "hi"
      duplicates: 0,
      trivialFiltered: 0,
      trivialKept: 1, // "ok": at least one characteristic short answer survives
    });
  });

  it('derives ids from the message ids only', () => {
    const p = pairs[0];
    expect(p?.id).toBe(hashString(`pair\u0000${p?.contextMessageIds.join(',')}\u0000${p?.replyMessageIds.join(',')}`));
    expect(new Set(pairs.map((x) => x.id)).size).toBe(pairs.length);
  });
});

describe('buildPairs: group chats and context limits', () => {
  const c = chat([
    '2023-05-04 01:00 Eve: anyone awake?',
    '08:00 Ben: anyone up for pizza tonight?',
    '08:01 Cara: me!',
    '08:02 Dan: where?',
    '08:03 Ana: luigis at 8',
  ]);

  it('keeps every speaker name and stops at a long silence inside the context', () => {
    const { pairs } = buildPairs(c.turns, 'Ana');
    expect(pairs[0]?.context.map((l) => `${l.author}: ${l.text}`)).toEqual(['Ben: anyone up for pizza tonight?', 'Cara: me!', 'Dan: where?']);
  });

  it('takes at most N turns and M characters, cutting only the nearest turn from its start', () => {
    expect(buildPairs(c.turns, 'Ana', { maxContextTurns: 2 }).pairs[0]?.context.map((l) => l.author)).toEqual(['Cara', 'Dan']);
    expect(buildPairs(c.turns, 'Ana', { maxContextChars: 10 }).pairs[0]?.context.map((l) => l.text)).toEqual(['me!', 'where?']);
    expect(buildPairs(c.turns, 'Ana', { maxContextChars: 5 }).pairs[0]?.context.map((l) => l.text)).toEqual(['…ere?']);
  });

  it('drops context older than the window before the reply', () => {
    const { pairs } = buildPairs(c.turns, 'Ana', { windowHours: 0.025 }); // 90 s
    expect(pairs[0]?.context.map((l) => l.author)).toEqual(['Dan']);
  });
});

describe('buildPairs: dedupe, trivial replies and the held-out slice', () => {
  /** Day d, exchange k: Ben asks something unique, Ana answers `reply`. */
  function exchanges(replies: readonly string[], question: (k: number) => string = (k) => `question number ${k}?`): string[] {
    const lines: string[] = [];
    replies.forEach((reply, k) => {
      const day = `2023-06-${String(1 + Math.floor(k / 10)).padStart(2, '0')}`;
      const hh = String(8 + (k % 10)).padStart(2, '0');
      lines.push(`${day} ${hh}:00 Ben: ${question(k)}`);
      lines.push(`${day} ${hh}:01 Ana: ${reply}`);
    });
    return lines;
  }

  it('drops a repeated context+reply (case and end punctuation do not matter)', () => {
    const c = chat(exchanges(['Hi!', 'hi', 'sure thing', 'see you'], () => 'hi'));
    const { pairs, report } = buildPairs(c.turns, 'Ana');
    expect(report.duplicates).toBe(1);
    expect(pairs.map((p) => p.reply)).toEqual(['Hi!', 'sure thing', 'see you']);
  });

  it('thins trivial replies to a capped share, keeping their natural mix spread over time', () => {
    const replies: string[] = [];
    let ok = 0;
    for (let k = 0; k < 40; k++) {
      // 30 real answers; 10 trivial ones: 6 "ok", 3 "lol", 1 "👍".
      if (k % 4 === 3) replies.push(['ok', 'lol', 'ok', 'lol', 'ok', '👍', 'ok', 'lol', 'ok', 'ok'][ok++] ?? 'ok');
      else replies.push(`a real answer number ${k}`);
    }
    const c = chat(exchanges(replies));
    const { pairs, report } = buildPairs(c.turns, 'Ana', { trivialShare: 0.1 });
    // Budget: floor(0.1 / 0.9 * 30) = 3, split 6:3:1 by largest remainder -> ok 2, lol 1, 👍 0.
    expect(report.trivialKept).toBe(3);
    expect(report.trivialFiltered).toBe(7);
    const kept = pairs.map((p) => p.reply).filter((r) => !r.startsWith('a real'));
    expect(kept.sort()).toEqual(['lol', 'ok', 'ok']);
    // Picked evenly over time: "ok" answers questions 3, 11, 19, 27, 35 and 39; the 2nd and 5th are kept.
    const okContexts = pairs.filter((p) => p.reply === 'ok').map((p) => p.context[0]?.text);
    expect(okContexts).toEqual(['question number 11?', 'question number 35?']);
    // At the natural rate when it is under the cap.
    expect(buildPairs(c.turns, 'Ana', { trivialShare: 0.3 }).report.trivialKept).toBe(10);
  });

  it('marks the latest ~10% of pairs by time as held out', () => {
    const c = chat(exchanges(Array.from({ length: 33 }, (_, k) => `answer ${k}`)));
    const { pairs, report } = buildPairs(c.turns, 'Ana');
    expect(report.pairs).toBe(33);
    expect(report.heldOut).toBe(3);
    expect(pairs.filter((p) => p.heldOut).map((p) => p.reply)).toEqual(['answer 30', 'answer 31', 'answer 32']);
    expect(pairs.slice(0, 30).every((p) => !p.heldOut)).toBe(true);
    // Five pairs hold out one; four hold out none.
    expect(buildPairs(chat(exchanges(['a', 'b', 'c', 'd', 'e'])).turns, 'Ana').report.heldOut).toBe(1);
    expect(buildPairs(chat(exchanges(['a', 'b', 'c', 'd'])).turns, 'Ana').report.heldOut).toBe(0);
  });

  it('keeps pair ids when a newer export adds messages after them', () => {
    const lines = exchanges(Array.from({ length: 12 }, (_, k) => `answer ${k}`));
    const before = buildPairs(chat(lines.slice(0, 16)).turns, 'Ana').pairs;
    const after = buildPairs(chat(lines).turns, 'Ana').pairs;
    expect(after.slice(0, 8).map((p) => p.id)).toEqual(before.map((p) => p.id));
  });
});

describe('trivialForm', () => {
  it.each([
    ['ok', 'ok'],
    ['OK!', 'ok'],
    ['k', 'k'],
    ['👍', '👍'],
    ['❤️❤️', '❤️❤️'],
    ['hahaha', 'haha'],
    ['jajaja jaja', 'jaja'],
    ['sì', 'sì'],
    ['да', 'да'],
    ['?!', 'punctuation'],
  ])('%s is trivial (%s)', (reply, form) => {
    expect(trivialForm(reply)).toBe(form);
  });

  it.each(['ok but why', 'no way!! tell me', 'see you at 8', '👍 sounds good', 'haha that is so funny'])('%s says something', (reply) => {
    expect(trivialForm(reply)).toBeNull();
  });
});
