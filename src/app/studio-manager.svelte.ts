// The persona studio: drafting a persona from a description with the loaded model (streamed token count,
// Stop), the editable form (a drafted, salvaged or blank definition) and saving it as a new persona; and
// the same form for editing an existing persona's definition. Invariants: one draft at a time; Stop is a
// result, not an error; a failed draft always leaves an editable form pre-filled with what was usable
// (at least the description as background); the prompt plus the answer fit the model's context window;
// a saved form is never shortened (caps are for model drafts); nothing is stored until Save, and a save
// is one transaction.

import {
  DRAFT_JSON_SCHEMA,
  definitionToDraft,
  draftFromText,
  draftMemories,
  draftToDefinition,
  estimatePromptTokens,
  fitDraftPrompt,
  emptyDraft,
  cleanDraft,
  MEMORY_TYPES,
  type PersonaDraft,
} from '../lib/persona/draft';
import type { MemoryType } from '../lib/persona/types';
import type { AppErrorData } from '../lib/rpc/app-error';
import type { Result } from '../lib/rpc/progress';
import { createStandalonePersona, openDb, saveDefinition, type PersonaRow } from '../lib/store/index';
import { localNowTs } from './format';
import type { ModelManager } from './model-manager.svelte';

export { MEMORY_TYPES, type PersonaDraft };

/** Low but not greedy: small models loop on greedy decoding, and JSON wants few surprises. */
const DRAFT_TEMPERATURE = 0.3;

type ListName = 'traits' | 'do' | 'dont' | 'examples' | 'greetings' | 'memories';

/** An editable persona definition (the form's state) with the small edits the form offers. */
export class DefinitionForm {
  draft = $state<PersonaDraft>(emptyDraft());

  constructor(initial: PersonaDraft = emptyDraft()) {
    this.draft = initial;
  }

  reset(to: PersonaDraft): void {
    this.draft = to;
  }

  add(list: ListName): void {
    const d = this.draft;
    if (list === 'traits') d.traits.push({ name: '', strength: 0.5 });
    else if (list === 'do' || list === 'dont') d.rules[list].push('');
    else if (list === 'examples') d.examples.push({ user: '', reply: '' });
    else if (list === 'greetings') d.greetings.push('');
    else d.memories.push({ type: 'fact' satisfies MemoryType, text: '' });
  }

  remove(list: ListName, index: number): void {
    const d = this.draft;
    if (list === 'do' || list === 'dont') d.rules[list].splice(index, 1);
    else d[list].splice(index, 1);
  }

  /** What would be saved: trimmed, deduplicated, empty rows dropped; never shortened (no draft caps). */
  get clean(): PersonaDraft {
    return cleanDraft($state.snapshot(this.draft));
  }

  get nameMissing(): boolean {
    return this.draft.name.trim() === '';
  }
}

export type DraftPhase = 'idle' | 'drafting';

/** Creating a persona: from a description (drafted by the loaded model) or from a blank form. */
export class StudioManager {
  description = $state('');
  phase = $state<DraftPhase>('idle');
  /** Tokens the model has written for the current draft. */
  tokens = $state(0);
  /** The open form, or null while the person is still on the description step. */
  form = $state.raw<DefinitionForm | null>(null);
  /** Where the open form came from: a draft (origin 'description') or the blank form ('manual'). */
  source = $state<'draft' | 'blank'>('blank');
  /** Fields the model got wrong and that were dropped or fixed (shown above the form). */
  warnings = $state.raw<string[]>([]);
  /** The draft could not be used: why, in a sentence, and that the form is there to fill by hand. */
  failure = $state<string | null>(null);
  notice = $state<string | null>(null);
  error = $state.raw<AppErrorData | null>(null);
  saving = $state(false);

  readonly models: ModelManager;
  #abort: AbortController | null = null;

  constructor(models: ModelManager) {
    this.models = models;
  }

  get canDraft(): boolean {
    return this.models.loaded !== null && this.phase === 'idle' && this.description.trim() !== '';
  }

  /** Asks the loaded model for a draft and opens the form with it (or with what could be salvaged). */
  async draft(): Promise<void> {
    const loaded = this.models.loaded;
    const description = this.description.trim();
    if (loaded === null || this.phase !== 'idle' || description === '') return;
    const abort = new AbortController();
    this.#abort = abort;
    this.phase = 'drafting';
    this.tokens = 0;
    this.error = null;
    this.failure = null;
    this.notice = null;
    this.warnings = [];
    // Every failure leaves the form open with the person's own words as the background to start from.
    const fallBack = (why: string): void => {
      this.source = 'draft';
      this.failure = `${why.replace(/\.$/, '')}. You can fill the form yourself.`;
      this.form = new DefinitionForm({ ...emptyDraft(), background: description });
    };
    try {
      const engine = this.models.engine;
      // Counted with the model's tokenizer: a long (or CJK) description can take most of a small window.
      const fitted = await fitDraftPrompt(description, loaded.contextWindow, (messages) =>
        engine.countPromptTokens(messages).catch(() => estimatePromptTokens(messages)),
      );
      if (!fitted.ok) {
        fallBack(fitted.message);
        return;
      }
      const result = await engine.generate(fitted.messages, {
        temperature: DRAFT_TEMPERATURE,
        max_tokens: fitted.maxTokens,
        jsonSchema: DRAFT_JSON_SCHEMA,
        signal: abort.signal,
        onDelta: (_delta, tokens) => {
          if (this.tokens !== tokens) this.tokens = tokens;
        },
      });
      if (!result.ok) {
        if (result.error.code === 'aborted') this.notice = 'Drafting stopped. Your description is kept.';
        else fallBack(`Drafting failed: ${result.error.message}`);
        return;
      }
      if (result.value.finishReason === 'abort') {
        this.notice = 'Drafting stopped. Your description is kept.';
        return;
      }
      const parsed = draftFromText(result.value.text);
      this.source = 'draft';
      if (parsed.ok) {
        const draft = parsed.draft;
        // The person's own words are a better background than none.
        this.form = new DefinitionForm({ ...draft, background: draft.background === '' ? description : draft.background });
        const shortened = fitted.shortenedTo === null ? [] : [`the model read only the first ${fitted.shortenedTo} of ${description.length} characters of the description (its context window is ${loaded.contextWindow} tokens)`];
        this.warnings = [...shortened, ...parsed.warnings];
      } else {
        fallBack(`The model's answer was not a usable persona draft (${parsed.message.replace(/\.$/, '')})`);
      }
    } catch (error) {
      fallBack(`Drafting failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      if (this.#abort === abort) this.#abort = null;
      this.phase = 'idle';
    }
  }

  stop(): void {
    this.#abort?.abort();
  }

  /** The manual editor, with the description (if any) as the background to start from. */
  blank(): void {
    this.source = 'blank';
    this.failure = null;
    this.warnings = [];
    this.form = new DefinitionForm({ ...emptyDraft(), background: this.description.trim() });
  }

  /** Back to the description step (the form is dropped; nothing was stored). */
  discard(): void {
    this.form = null;
    this.failure = null;
    this.warnings = [];
  }

  /** Stores the form as a new persona with its starter memories; returns the persona's id. */
  async save(): Promise<Result<string>> {
    const form = this.form;
    if (form === null || this.saving) return { ok: false, error: { name: 'AppError', code: 'nothing-to-save', message: 'There is no persona form to save.' } };
    const clean = form.clean;
    if (clean.name === '') {
      const error = { name: 'AppError', code: 'persona-name-missing', message: 'Give the persona a name before saving.' };
      this.error = error;
      return { ok: false, error };
    }
    this.saving = true;
    this.error = null;
    try {
      const drafted = this.source === 'draft';
      const id = await createStandalonePersona(openDb(), {
        displayName: clean.name,
        definition: draftToDefinition(clean),
        origin: drafted ? 'description' : 'manual',
        memories: draftMemories(clean.memories, clean.name, localNowTs(), drafted ? 'llm' : 'user'),
      });
      this.form = null;
      this.description = '';
      return { ok: true, value: id };
    } catch (error) {
      const failure = { name: 'AppError', code: 'persona-save-failed', message: `The persona could not be saved: ${error instanceof Error ? error.message : String(error)}` };
      this.error = failure;
      return { ok: false, error: failure };
    } finally {
      this.saving = false;
    }
  }

  shutdown(): void {
    this.#abort?.abort();
  }
}

/** Editing the definition of an existing persona (the Edit tab). */
export class PersonaEditor {
  readonly form = new DefinitionForm();
  saving = $state(false);
  saved = $state(false);
  error = $state.raw<AppErrorData | null>(null);
  #persona: PersonaRow;

  constructor(persona: PersonaRow) {
    this.#persona = persona;
    this.form.reset(definitionToDraft(persona.displayName, persona.definition));
  }

  /** Cancel: back to what is stored. */
  revert(): void {
    this.form.reset(definitionToDraft(this.#persona.displayName, this.#persona.definition));
    this.saved = false;
    this.error = null;
  }

  async save(): Promise<void> {
    const clean = this.form.clean;
    if (clean.name === '') {
      this.error = { name: 'AppError', code: 'persona-name-missing', message: 'The persona needs a name.' };
      return;
    }
    this.saving = true;
    this.error = null;
    try {
      const definition = draftToDefinition(clean, this.#persona.definition);
      await saveDefinition(openDb(), this.#persona.id, definition, clean.name);
      // Cancel now goes back to this saved version.
      this.#persona = { ...this.#persona, displayName: clean.name, definition };
      this.form.reset(definitionToDraft(clean.name, definition));
      this.saved = true;
    } catch (error) {
      this.error = { name: 'AppError', code: 'persona-save-failed', message: `The changes could not be saved: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      this.saving = false;
    }
  }
}

/** A persona without chat history (made from a description, by hand or from a card): what to say instead. */
export function noHistoryNote(persona: PersonaRow): string | null {
  if (persona.counts.allMessages > 0) return null;
  if (persona.origin === 'description') return 'Made from a description — no chat history.';
  if (persona.origin === 'manual') return 'Made by hand — no chat history.';
  if (persona.origin === 'card') return 'Made from a character card — no chat history.';
  return null;
}
