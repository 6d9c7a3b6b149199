// Test helper for the trainer (run with tsx): reads a conversation of reply pairs (JSON, stdin) and
// prints what the app makes of it: the fine-tune JSONL its export writes, and for each pair the
// transcript prompt its chat would send with that conversation as history plus the continuation the
// model should write. The trainer's rendering of the JSONL must equal the latter.
import { finetuneJsonl, finetunePromptParts } from '../../../src/lib/persona/finetune';
import { assembleTranscriptPrompt, transcriptContinuation } from '../../../src/lib/persona/transcript-prompt';
import type { PersonaDefinition, ReplyPair, StyleProfile } from '../../../src/lib/persona/types';

interface Case {
  displayName: string;
  personName: string;
  userName: string | null;
  profile: StyleProfile | null;
  definition?: PersonaDefinition;
  pairs: ReplyPair[];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const c = JSON.parse(await readStdin()) as Case;
  const sources = { displayName: c.displayName, personName: c.personName, userName: c.userName, profile: c.profile, pinnedMemories: [] };
  const prompt = await finetunePromptParts(c.definition === undefined ? sources : { ...sources, definition: c.definition });
  const out = finetuneJsonl({ displayName: c.displayName, personName: c.personName, styleSummary: c.profile?.summary ?? null, definition: c.definition, pairs: c.pairs, prompt });
  // The conversation as the chat would hold it: the others' turns as user messages (with their author),
  // the persona's replies as assistant messages. The export keeps one earlier exchange (pairs of the case
  // are minutes apart), so the chat here holds the previous pair and this one.
  type Turn = { role: 'user' | 'assistant'; content: string; author?: string };
  const app: { prompt: string; continuation: string }[] = [];
  let previous: Turn[] = [];
  for (const pair of c.pairs) {
    const own: Turn[] = pair.context.map((line) => ({ role: 'user', content: line.text, author: line.author }));
    const history = [...previous, ...own];
    const rendered = await assembleTranscriptPrompt({
      personaName: c.displayName,
      personName: c.personName,
      userName: c.userName,
      profile: c.profile,
      pinnedMemories: [],
      memories: [],
      examples: [],
      history,
      contextWindow: 1 << 16,
      maxReplyTokens: 64,
      countTokens: (texts) => Promise.resolve(texts.map((t) => Math.ceil(t.length / 4))),
      ...(c.definition === undefined ? {} : { definition: c.definition }),
    });
    app.push({ prompt: rendered.prompt, continuation: transcriptContinuation(pair.reply, c.displayName) });
    previous = [...own, { role: 'assistant', content: pair.reply }];
  }
  process.stdout.write(JSON.stringify({ jsonl: out.jsonl, app }));
}

await main();
