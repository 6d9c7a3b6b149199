// A persona's voice adapter (a LoRA GGUF from `npm run train`): add or replace it after checking it
// against the chosen GGUF model from both files' headers, change its scale, remove it. The file is kept
// in OPFS (lib/llm/adapter-files.ts), the persona row points at it. Invariants: a refused file leaves
// nothing stored; a replacement is written before the old file is removed; at most one add at a time.

import { deleteAdapterFile, saveAdapterFile } from '../lib/llm/adapter-files';
import { readGgufHeader } from '../lib/llm/gguf-header';
import { checkAdapterFits } from '../lib/llm/voice-adapter';
import { openDb, setVoiceAdapter, type PersonaRow, type VoiceAdapterRow } from '../lib/store/index';
import type { ModelManager } from './model-manager.svelte';

export const VOICE_SCALE = { min: 0, max: 2, step: 0.05 } as const;

/** The one command that turns a fine-tune export into an adapter (shown where the export is offered). */
export const TRAIN_COMMAND = 'npm run train -- <finetune.jsonl> --base <model.gguf> --out <adapter.gguf>';

export class VoiceAdapterManager {
  /** Checking or keeping a picked file: bytes done of total while keeping. */
  busy = $state.raw<{ name: string; phase: 'check' | 'keep'; done: number; total: number } | null>(null);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);

  readonly #personaId: string;
  readonly #models: ModelManager;

  constructor(personaId: string, models: ModelManager) {
    this.#personaId = personaId;
    this.#models = models;
  }

  /** Why an adapter cannot be used with the chosen model (null when it can). */
  get modelWarning(): string | null {
    const chosen = this.#models.chosen;
    if (chosen === null) return 'No model is chosen yet: pick a GGUF model on the Models screen to check and use an adapter.';
    if (chosen.engine !== 'gguf') return `The chosen model (${chosen.label}) is not a GGUF model: voice adapters work only with GGUF models (llama.cpp).`;
    return null;
  }

  /** Checks `file` against the chosen GGUF model and, if it fits, keeps it as the persona's adapter. */
  async add(file: File, persona: PersonaRow): Promise<boolean> {
    if (this.busy !== null) return false;
    this.error = null;
    this.notice = null;
    this.busy = { name: file.name, phase: 'check', done: 0, total: file.size };
    try {
      await this.#models.start();
      const chosen = this.#models.chosen;
      if (chosen === null || chosen.engine !== 'gguf') {
        this.error = `“${file.name}” was not added: ${this.modelWarning ?? 'the chosen model is not a GGUF model.'}`;
        return false;
      }
      const modelFile = await this.#models.ggufFileOf(chosen);
      if (modelFile === null) {
        this.error = `“${file.name}” was not added: the chosen model “${chosen.label}” is no longer in this browser’s storage.`;
        return false;
      }
      const [adapterHeader, modelHeader] = await Promise.all([readGgufHeader(file, file.name), readGgufHeader(modelFile, chosen.label)]);
      const facts = checkAdapterFits(adapterHeader, file.name, modelHeader, chosen.label);
      this.busy = { name: file.name, phase: 'keep', done: 0, total: file.size };
      const stored = await saveAdapterFile(this.#personaId, file, (done, total) => (this.busy = { name: file.name, phase: 'keep', done, total }));
      const row: VoiceAdapterRow = {
        file: stored,
        label: file.name,
        bytes: file.size,
        scale: persona.voiceAdapter?.scale ?? 1,
        architecture: facts.architecture,
        rank: facts.rank,
        checkedWith: chosen.label,
        addedAt: Date.now(),
      };
      const result = await setVoiceAdapter(openDb(), this.#personaId, row).catch(async (error: unknown) => {
        await deleteAdapterFile(stored);
        throw error;
      });
      if (result === false) {
        await deleteAdapterFile(stored);
        this.error = 'This persona no longer exists.';
        return false;
      }
      if (result.replaced !== null && result.replaced.file !== stored) await deleteAdapterFile(result.replaced.file);
      this.notice = `“${file.name}” fits ${chosen.label} (${facts.tensors} adapted weights, rank ${facts.rank}) and is kept with this persona.`;
      return true;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      return false;
    } finally {
      this.busy = null;
    }
  }

  async setScale(persona: PersonaRow, scale: number): Promise<void> {
    const current = persona.voiceAdapter;
    if (current === undefined || !Number.isFinite(scale)) return;
    const clamped = Math.min(VOICE_SCALE.max, Math.max(VOICE_SCALE.min, scale));
    await setVoiceAdapter(openDb(), this.#personaId, { ...current, scale: clamped });
  }

  async remove(persona: PersonaRow): Promise<void> {
    const current = persona.voiceAdapter;
    if (current === undefined) return;
    this.error = null;
    const result = await setVoiceAdapter(openDb(), this.#personaId, null);
    if (result !== false) await deleteAdapterFile(current.file);
    this.notice = `“${current.label}” was removed from this persona.`;
  }
}
