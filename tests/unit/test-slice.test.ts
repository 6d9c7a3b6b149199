// The test slice starts at the first line of the earliest held-out context, not at its last line.
import { describe, expect, it } from 'vitest';
import { testSliceStart } from '../../src/lib/persona/test-slice';
import type { ReplyPair } from '../../src/lib/persona/types';

const pair = (id: string, heldOut: boolean, lines: string[], replyTs: string): ReplyPair => ({
  id, heldOut, reply: 'ok', replyBubbles: 1, replyTs, contextTs: lines.at(-1) ?? replyTs,
  context: lines.map((ts) => ({ author: 'Sam', text: 'hi', ts })), contextMessageIds: [], replyMessageIds: [],
});

describe('testSliceStart', () => {
  it('is the first line of the earliest held-out context', () => {
    const pairs = [
      pair('a', false, ['2024-01-01T09:00:00'], '2024-01-01T09:01:00'),
      pair('b', true, ['2024-02-01T08:00:00', '2024-02-01T08:30:00'], '2024-02-01T08:31:00'),
      pair('c', true, ['2024-02-02T08:00:00'], '2024-02-02T08:01:00'),
    ];
    expect(testSliceStart(pairs)).toBe('2024-02-01T08:00:00');
    expect(testSliceStart(pairs.slice(0, 1))).toBeNull();
  });
});
