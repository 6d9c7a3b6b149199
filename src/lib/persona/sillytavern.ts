// A chat with a persona as SillyTavern chat JSONL: a first line of chat metadata, then one line per
// message. Only finished text leaves (stored text, already masked when the import masked PII); a reply
// that failed with nothing written is left out rather than exported as an empty message.

export interface StChatMessageIn {
  role: 'user' | 'assistant';
  text: string;
  createdAt: number;
}

export interface StChatInput {
  userName: string;
  characterName: string;
  createdAt: number;
  messages: readonly StChatMessageIn[];
}

/** SillyTavern's human-readable send_date ("June 5, 2024 3:04pm"), which its importer also parses. */
export function stDate(ms: number): string {
  const d = new Date(ms);
  const month = d.toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
  const h = d.getUTCHours();
  const minutes = String(d.getUTCMinutes()).padStart(2, '0');
  return `${month} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${minutes}${h < 12 ? 'am' : 'pm'}`;
}

export function sillyTavernChat(input: StChatInput): { jsonl: string; lines: number } {
  const header = {
    user_name: input.userName,
    character_name: input.characterName,
    create_date: stDate(input.createdAt),
    chat_metadata: {},
  };
  const lines = [JSON.stringify(header)];
  for (const m of input.messages) {
    if (m.text.trim() === '') continue;
    lines.push(
      JSON.stringify({
        name: m.role === 'user' ? input.userName : input.characterName,
        is_user: m.role === 'user',
        is_system: false,
        send_date: stDate(m.createdAt),
        mes: m.text,
        extra: {},
      }),
    );
  }
  return { jsonl: `${lines.join('\n')}\n`, lines: lines.length };
}
