// SillyTavern chat JSONL: a metadata line, then one line per message with SillyTavern's fields.
import { describe, expect, it } from 'vitest';
import { sillyTavernChat, stDate } from '../../src/lib/persona/sillytavern';

describe('SillyTavern chat export', () => {
  it('writes the metadata line and one line per non-empty message', () => {
    const out = sillyTavernChat({
      userName: 'Sam',
      characterName: 'Mary',
      createdAt: Date.UTC(2024, 5, 5, 15, 4),
      messages: [
        { role: 'user', text: 'hi there', createdAt: Date.UTC(2024, 5, 5, 15, 4) },
        { role: 'assistant', text: 'hey!\nwhat’s up', createdAt: Date.UTC(2024, 5, 5, 0, 5) },
        { role: 'assistant', text: '', createdAt: Date.UTC(2024, 5, 5, 0, 6) },
      ],
    });
    const lines = out.jsonl.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.lines).toBe(3);
    expect(lines[0]).toEqual({ user_name: 'Sam', character_name: 'Mary', create_date: 'June 5, 2024 3:04pm', chat_metadata: {} });
    expect(lines[1]).toEqual({ name: 'Sam', is_user: true, is_system: false, send_date: 'June 5, 2024 3:04pm', mes: 'hi there', extra: {} });
    expect(lines[2]).toEqual({ name: 'Mary', is_user: false, is_system: false, send_date: 'June 5, 2024 12:05am', mes: 'hey!\nwhat’s up', extra: {} });
  });

  it('formats noon and midnight as SillyTavern does', () => {
    expect(stDate(Date.UTC(2023, 0, 1, 12, 0))).toBe('January 1, 2023 12:00pm');
    expect(stDate(Date.UTC(2023, 0, 1, 0, 9))).toBe('January 1, 2023 12:09am');
  });
});
