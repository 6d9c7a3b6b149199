// Saving a form keeps everything (the draft caps are for the model's answer only), multi-line greetings
// survive, the drafting prompt is fitted to the model's context window with its tokenizer's count, and
// a capped text never ends in half an emoji or half a grapheme.
import { describe, expect, it } from 'vitest';
import { DefinitionForm } from '../../src/app/studio-manager.svelte';
import { DRAFT_LIMITS, DRAFT_MIN_REPLY_TOKENS, clip, cleanDraft, draftFromText, fitDraftPrompt, type PersonaDraft } from '../../src/lib/persona/draft';
import type { ChatMessage } from '../../src/lib/llm/types';

/** A persona the size of an imported character card: far past every model-draft cap. */
function cardSized(): PersonaDraft {
  return {
    name: 'Seraphina',
    background: `${'She guards the glade. '.repeat(240)}\n\n  Indented second paragraph.`.trim(),
    traits: Array.from({ length: 12 }, (_, i) => ({ name: `trait number ${i}`, strength: 0.5 })),
    rules: { do: [`Always ${'stay in character and '.repeat(25)}answer.`], dont: Array.from({ length: 10 }, (_, i) => `never ${i}`) },
    examples: Array.from({ length: 10 }, (_, i) => ({ user: `question ${i}`, reply: `answer ${i}\n*smiles*` })),
    greetings: Array.from({ length: 5 }, (_, i) => `*She looks up.*\n\n"Hello, traveller ${i}." ${'The forest hums. '.repeat(i === 0 ? 49 : 1)}`.trim()),
    memories: Array.from({ length: 14 }, (_, i) => ({ type: 'fact' as const, text: `memory ${i}` })),
  };
}

describe('saving a form', () => {
  it('keeps a card-sized definition whole: no caps on length or count', () => {
    const card = cardSized();
    expect(card.background.length).toBeGreaterThan(DRAFT_LIMITS.background);
    expect(card.greetings[0]?.length).toBeGreaterThan(DRAFT_LIMITS.greeting);
    const clean = new DefinitionForm(card).clean;
    expect(clean).toEqual(card);
    expect(cleanDraft(card)).toEqual(card);
  });

  it('still trims, drops empties, dedupes and clamps', () => {
    const clean = cleanDraft({
      name: '  Ana ',
      background: '  line one\n\n\n\nline two  ',
      traits: [{ name: ' warm ', strength: 1.4 }, { name: 'WARM', strength: 0.2 }, { name: ' ', strength: 0.5 }],
      rules: { do: ['Short', 'short ', ''], dont: ['  '] },
      examples: [{ user: '', reply: 'orphan' }, { user: ' a ', reply: 'b\r\nc' }],
      greetings: ['hi\n  there', 'HI\n  there', ''],
      memories: [{ type: 'goal', text: ' x ' }, { type: 'fact', text: '' }],
    });
    expect(clean).toEqual({
      name: 'Ana',
      background: 'line one\n\n\n\nline two',
      traits: [{ name: 'warm', strength: 1 }],
      rules: { do: ['Short'], dont: [] },
      examples: [{ user: 'a', reply: 'b\nc' }],
      greetings: ['hi\n  there'],
      memories: [{ type: 'goal', text: 'x' }],
    });
  });

  it('caps the model draft as before', () => {
    const r = draftFromText(JSON.stringify(cardSized()));
    if (!r.ok) throw new Error(r.message);
    expect(r.draft.background.length).toBeLessThanOrEqual(DRAFT_LIMITS.background);
    expect(r.draft.greetings).toHaveLength(DRAFT_LIMITS.greetings);
    expect(r.draft.examples).toHaveLength(DRAFT_LIMITS.examples);
  });
});

describe('clip', () => {
  it('never cuts a surrogate pair or a grapheme in half', () => {
    // Without a space near the end, the cut falls where the limit is: inside an emoji.
    for (const emoji of ['😀', '👍🏽', '👨‍👩‍👧', '🇵🇹', 'é']) {
      const text = `ab${emoji.repeat(6)}`;
      for (let max = 2; max < text.length; max += 1) {
        const out = clip(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out.endsWith('…')).toBe(true);
        const body = out.slice(0, -1);
        expect(body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
        // Whole graphemes only: what is left after 'ab' is a run of the full emoji.
        expect(body.slice(2).split(emoji).join('')).toBe('');
      }
    }
  });
});

/** A tokenizer stand-in: one token per character of each message, plus a template cost. */
const perChar = (messages: readonly ChatMessage[]): Promise<number> => Promise.resolve(messages.reduce((n, m) => n + m.content.length + 4, 3));

describe('fitDraftPrompt', () => {
  it('leaves the whole reply budget for a short description', async () => {
    const fitted = await fitDraftPrompt('A grumpy lighthouse keeper.', 4096, perChar);
    if (!fitted.ok) throw new Error(fitted.message);
    expect(fitted.shortenedTo).toBeNull();
    expect(fitted.maxTokens).toBe(1024);
    expect(fitted.messages[1]?.content).toContain('A grumpy lighthouse keeper.');
  });

  it('shortens a long CJK description to fit a 2048-token window with room to answer', async () => {
    const description = '灯塔看守人很爱番茄'.repeat(450);
    const fitted = await fitDraftPrompt(description, 2048, perChar);
    if (!fitted.ok) throw new Error(fitted.message);
    const counted = await perChar(fitted.messages);
    expect(fitted.promptTokens).toBe(counted);
    expect(counted + fitted.maxTokens).toBeLessThanOrEqual(2048);
    expect(fitted.maxTokens).toBeGreaterThanOrEqual(DRAFT_MIN_REPLY_TOKENS);
    expect(fitted.shortenedTo).not.toBeNull();
    expect(fitted.shortenedTo).toBeLessThan(description.length);
    // The start of the description is what the model reads.
    expect(fitted.messages[1]?.content).toContain('灯塔看守人很爱番茄灯塔');
  });

  it('fails with a sentence when not even the instructions fit', async () => {
    const fitted = await fitDraftPrompt('A pirate.', 512, perChar);
    expect(fitted).toMatchObject({ ok: false });
    if (!fitted.ok) expect(fitted.message).toMatch(/context window \(512 tokens\) is too small/);
  });
});
