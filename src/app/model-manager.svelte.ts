// Model state for the whole app: device capabilities, the catalog with availability and cache status,
// the model source and custom models, loading with progress and Cancel, deleting cached models, and a
// small "try it" stream. GGUF models come from the worker's hub list, this server's
// /models/gguf/index.json, and .gguf files the person picked (kept in OPFS). The one bridge between the UI and the llm worker; the chat screen uses
// `engine` (an LlmEngine) and `ensureLoaded()` from here.
// Invariants: one load at a time; streamed text reaches the UI at most once per animation frame.

import type { CatalogEntry, CpuEntry, CustomModelInput, GgufEntry, LlmModelSource, WebLlmEntry } from '../lib/llm/catalog';
import { fileGgufEntry, parseServerGgufIndex, resolveSpec, serverGgufEntries } from '../lib/llm/catalog';
import { listGgufFiles, openGgufFile, saveGgufFile } from '../lib/llm/gguf-files';
import {
  assess,
  gpuKind,
  probeDevice,
  recommend,
  smallerAlternative,
  summarize,
  type Availability,
  type CapabilitySummary,
  type DeviceFacts,
  type Recommendation,
} from '../lib/llm/capabilities';
import { customEntry } from '../lib/llm/catalog';
import { customEntries, DEFAULT_LLM_SETTINGS, LLM_SETTINGS_KEY, parseLlmSettings, serializeLlmSettings, type LlmSettings } from '../lib/llm/settings';
import type { ChatMessage, Generation, GenerationOptions, LlmEngine, LoadedModel, LoadProgress, ModelSpec, VoiceAdapterSpec } from '../lib/llm/types';
import type { AppErrorData } from '../lib/rpc/app-error';
import { LlmClient } from '../lib/rpc/llm-client';
import type { Result } from '../lib/rpc/progress';
import { readSetting, writeSetting } from '../lib/store/settings';
import { formatBytes, formatEta, type ProgressView } from './format';
import { FrameBuffer } from './frame-buffer';

export interface EntryView {
  entry: CatalogEntry;
  availability: Availability;
  /** Null while unknown. */
  cached: boolean | null;
  recommended: boolean;
  loaded: boolean;
  selected: boolean;
}

/** Ask for persistent storage before downloads above this size (the browser may evict otherwise). */
const PERSIST_ABOVE_BYTES = 50_000_000;

export function describeLoadProgress(progress: LoadProgress, label: string): ProgressView {
  switch (progress.phase) {
    case 'download': {
      const parts: string[] = [];
      parts.push(
        progress.bytesTotal !== null
          ? `${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)}`
          : `${formatBytes(progress.bytesDone)}`,
      );
      parts.push(`${Math.floor(progress.fraction * 100)}%`);
      if (progress.etaSeconds !== null) parts.push(formatEta(progress.etaSeconds));
      if (progress.filesTotal !== undefined && progress.filesTotal > 1) parts.push(`file ${progress.filesDone ?? 0} of ${progress.filesTotal}`);
      return { label: `Downloading ${label}`, fraction: progress.fraction, detail: parts.filter((p) => p !== '').join(' · ') };
    }
    case 'load': {
      const files = progress.filesTotal !== undefined ? ` · part ${progress.filesDone ?? 0} of ${progress.filesTotal}` : '';
      return { label: `Loading ${label} into memory`, fraction: progress.fraction, detail: `${Math.floor(progress.fraction * 100)}%${files}` };
    }
    case 'compile': {
      const eta = progress.etaSeconds === null ? '' : ` · ${formatEta(progress.etaSeconds)}`;
      return {
        label: 'Preparing the graphics card (compiling shaders)',
        fraction: progress.fraction,
        detail: `${progress.done} of ${progress.total} · ${Math.floor(progress.fraction * 100)}%${eta}`,
      };
    }
    case 'warm-up':
      return { label: 'Warming up', fraction: null, detail: 'One tiny test reply, so your first message is not the slow one.' };
  }
}

export class ModelManager {
  facts = $state.raw<DeviceFacts | null>(null);
  webllm = $state.raw<WebLlmEntry[]>([]);
  cpu = $state.raw<CpuEntry[]>([]);
  /** Curated hub GGUFs. */
  gguf = $state.raw<GgufEntry[]>([]);
  /** GGUF files this server offers (/models/gguf/index.json). */
  serverGguf = $state.raw<GgufEntry[]>([]);
  /** .gguf files picked from disk and kept in this browser. */
  fileGguf = $state.raw<GgufEntry[]>([]);
  /** Copying a picked .gguf into the browser's storage: bytes done of total. */
  keeping = $state.raw<{ name: string; done: number; total: number } | null>(null);
  catalogReady = $state(false);
  settings = $state.raw<LlmSettings>(DEFAULT_LLM_SETTINGS);
  cached = $state.raw<Readonly<Record<string, boolean>>>({});

  loadingId = $state<string | null>(null);
  progress = $state.raw<LoadProgress | null>(null);
  loaded = $state.raw<LoadedModel | null>(null);
  error = $state.raw<AppErrorData | null>(null);
  notice = $state<string | null>(null);

  tryText = $state('');
  tryTokens = $state(0);
  trying = $state(false);
  tryResult = $state.raw<Generation | null>(null);
  tryError = $state.raw<AppErrorData | null>(null);

  readonly #client = new LlmClient();
  readonly #origin: string;
  #loadAbort: AbortController | null = null;
  #loading: Promise<void> = Promise.resolve();
  #tryAbort: AbortController | null = null;
  #starting: Promise<void> | null = null;
  /** The voice adapter the loaded (or loading) model was asked for. */
  #loadedAdapter: VoiceAdapterSpec | null = null;

  constructor(origin: string = globalThis.location?.origin ?? 'http://127.0.0.1') {
    this.#origin = origin;
    this.settings = parseLlmSettings(readSetting(LLM_SETTINGS_KEY), origin);
  }

  /** The engine the app generates with (the chat screen uses this). */
  get engine(): LlmEngine {
    return this.#client;
  }

  get summary(): CapabilitySummary | null {
    return this.facts === null ? null : summarize(this.facts);
  }

  get customs(): CatalogEntry[] {
    return customEntries(this.settings, this.#origin);
  }

  get entries(): CatalogEntry[] {
    return [...this.serverGguf, ...this.fileGguf, ...this.cpu, ...this.gguf, ...this.webllm, ...this.customs];
  }

  get recommendation(): Recommendation | null {
    if (this.facts === null || !this.catalogReady) return null;
    return recommend(this.entries, this.facts, this.cached);
  }

  get views(): EntryView[] {
    const facts = this.facts;
    const recommended = this.recommendation?.id;
    return this.entries.map((entry) => {
      const cached = this.cached[entry.id] ?? null;
      return {
        entry,
        availability: facts === null ? { status: 'ok', reasons: [] } : assess(entry, facts, cached === true),
        cached,
        recommended: entry.id === recommended,
        loaded: this.loaded?.id === entry.id,
        selected: this.settings.selectedId === entry.id,
      };
    });
  }

  /** The model chats use: the one chosen on the Models screen (remembered), or null. */
  get chosen(): CatalogEntry | null {
    const id = this.loaded?.id ?? this.settings.selectedId;
    return this.entries.find((e) => e.id === id) ?? null;
  }

  /** Where the chosen GGUF's header can be read: its kept file, or its URL (read with Range requests). */
  async ggufFileOf(entry: GgufEntry): Promise<Blob | string | null> {
    return entry.url ?? (await openGgufFile(entry.fileName));
  }

  get busy(): boolean {
    return this.loadingId !== null;
  }

  /**
   * The model a chat offers when none is loaded: the one chosen before (remembered), else the
   * recommendation for this device, with why. Null until the device and the catalog are known.
   */
  get offer(): { view: EntryView; reason: string } | null {
    const views = this.views;
    const remembered = views.find((v) => v.selected && v.availability.status !== 'blocked');
    if (remembered !== undefined) return { view: remembered, reason: 'You chose it before.' };
    const recommendation = this.recommendation;
    const recommended = views.find((v) => v.recommended);
    return recommendation === null || recommended === undefined ? null : { view: recommended, reason: recommendation.reason };
  }

  /**
   * Opening a chat loads the remembered model by itself when it is already on this device (no download),
   * with the chat's voice adapter (kept for GGUF models only).
   */
  async autoLoadRemembered(voiceAdapter: VoiceAdapterSpec | null = null): Promise<void> {
    await this.start();
    const id = this.settings.selectedId;
    if (id === null || this.loaded !== null || this.loadingId !== null || this.cached[id] !== true) return;
    await this.load(id, { voiceAdapter });
  }

  /** Probes the device and fetches the catalog and cache status (once; later calls share the first). */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    const [facts, catalog] = await Promise.all([
      probeDevice(),
      this.#client.catalog().catch(() => ({ webllm: [], cpu: [], gguf: [] })),
      this.#refreshServerModels(),
      this.#refreshFiles(),
    ]);
    this.facts = facts;
    this.webllm = catalog.webllm;
    this.cpu = catalog.cpu;
    this.gguf = catalog.gguf;
    this.catalogReady = true;
    this.loaded = this.#client.loaded;
    await this.refreshCache();
  }

  /** This server's GGUF list; a missing index means none, a broken one is said in a notice. */
  async #refreshServerModels(): Promise<void> {
    const base = `${this.#origin}${import.meta.env.BASE_URL}models/gguf/`;
    try {
      const response = await fetch(`${base}index.json`, { cache: 'no-cache' });
      if (!response.ok) {
        this.serverGguf = [];
        return;
      }
      this.serverGguf = serverGgufEntries(parseServerGgufIndex(await response.json()), base);
    } catch (error) {
      this.serverGguf = [];
      this.notice = `The models on this server could not be listed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  async #refreshFiles(): Promise<void> {
    try {
      this.fileGguf = (await listGgufFiles()).map((f) => fileGgufEntry(f.name, f.bytes));
    } catch {
      this.fileGguf = [];
    }
  }

  /** Keeps a picked .gguf in this browser's storage and lists it; returns its entry id, or null on failure. */
  async addGgufFile(file: File): Promise<string | null> {
    this.error = null;
    this.notice = null;
    this.keeping = { name: file.name, done: 0, total: file.size };
    try {
      const name = await saveGgufFile(file, (done, total) => (this.keeping = { name: file.name, done, total }));
      await this.#refreshFiles();
      this.cached = { ...this.cached, [`gguf-file:${name}`]: true };
      this.notice = `${file.name} is kept in this browser; load it below.`;
      return `gguf-file:${name}`;
    } catch (error) {
      this.error = { name: 'AppError', code: 'model-file-refused', message: error instanceof Error ? error.message : String(error) };
      return null;
    } finally {
      this.keeping = null;
    }
  }

  spec(entry: CatalogEntry): ModelSpec {
    const smaller = this.facts === null ? null : smallerAlternative(entry, this.entries, this.facts);
    return resolveSpec(entry, this.settings.source, this.#origin, {
      basePath: import.meta.env.BASE_URL,
      ...(smaller === null ? {} : { smallerModel: { id: smaller.id, label: smaller.label } }),
    });
  }

  async refreshCache(): Promise<void> {
    const entries = this.entries;
    try {
      const status = await this.#client.cached(entries.map((e) => this.spec(e)));
      const next: Record<string, boolean> = {};
      entries.forEach((e, i) => (next[e.id] = status[i] ?? false));
      this.cached = next;
    } catch {
      // Cache status is a nicety: the list still works without badges.
    }
  }

  #save(settings: LlmSettings): void {
    this.settings = settings;
    if (!writeSetting(LLM_SETTINGS_KEY, serializeLlmSettings(settings))) {
      this.notice = 'Model settings could not be saved in this browser; they apply until the page is closed.';
    }
  }

  async setSource(source: LlmModelSource): Promise<void> {
    this.#save({ ...this.settings, source });
    await this.refreshCache();
  }

  /** Adds a custom model; returns an error sentence or null. */
  addCustom(input: CustomModelInput): string | null {
    const result = customEntry(input, this.#origin);
    if (!result.ok) return result.message;
    if (this.customs.some((e) => e.id === result.entry.id)) return null;
    this.#save({ ...this.settings, customModels: [...this.settings.customModels, input] });
    void this.refreshCache();
    return null;
  }

  removeCustom(id: string): void {
    const keep = this.settings.customModels.filter((input) => {
      const r = customEntry(input, this.#origin);
      return !r.ok || r.entry.id !== id;
    });
    this.#save({ ...this.settings, customModels: keep, selectedId: this.settings.selectedId === id ? null : this.settings.selectedId });
  }

  async #requestPersistence(entry: CatalogEntry): Promise<void> {
    if (this.cached[entry.id] === true || (entry.downloadBytes < PERSIST_ABOVE_BYTES && !entry.custom)) return;
    if (this.facts?.persisted === true) return;
    try {
      const persisted = await navigator.storage?.persist?.();
      if (this.facts !== null && persisted !== undefined) this.facts = { ...this.facts, persisted };
    } catch {
      // Not granted: the download still works; the browser may evict it under storage pressure.
    }
  }

  /**
   * Loads a model (replacing the loaded one), with a voice adapter for a GGUF model. Resolves when ready,
   * failed or cancelled. `warmUp: false` when a reply follows at once: that reply is the warm-up, and a
   * separate one would only delay it.
   */
  async load(id: string, options: { warmUp?: boolean; voiceAdapter?: VoiceAdapterSpec | null } = {}): Promise<Result<LoadedModel>> {
    const voiceAdapter = options.voiceAdapter ?? null;
    const entry = this.entries.find((e) => e.id === id);
    if (entry === undefined) {
      const error = { name: 'AppError', code: 'model-not-found', message: 'That model is not in the list any more.' };
      this.error = error;
      return { ok: false, error };
    }
    // A newer load replaces a running one; wait until the old one has let go of its worker.
    this.#loadAbort?.abort();
    await this.#loading;
    const abort = new AbortController();
    this.#loadAbort = abort;
    this.error = null;
    this.notice = null;
    this.loadingId = id;
    this.progress = null;
    this.loaded = null;
    await this.#requestPersistence(entry);
    // On an emulated GPU a warm-up reply costs as much as a real one (tens of seconds): skip it there.
    const softwareGpu = entry.engine === 'webllm' && this.facts !== null && gpuKind(this.facts.gpu) !== 'real';
    const spec = this.spec(entry);
    // A voice adapter goes with GGUF models only (llama.cpp LoRA); the chat asks for it per reply.
    this.#loadedAdapter = spec.engine === 'gguf' ? voiceAdapter : null;
    const loading = this.#client.load(spec.engine === 'gguf' && voiceAdapter !== null ? { ...spec, voiceAdapter } : spec, {
      signal: abort.signal,
      warmUp: options.warmUp !== false && !softwareGpu,
      onProgress: (p) => (this.progress = p),
    });
    this.#loading = loading.then(() => undefined);
    const result = await loading;
    if (this.#loadAbort !== abort) return result; // superseded by a newer load
    this.#loadAbort = null;
    this.loadingId = null;
    this.progress = null;
    if (result.ok) {
      this.loaded = result.value;
      this.#save({ ...this.settings, selectedId: id });
      this.cached = { ...this.cached, [id]: true };
      void this.refreshCache();
    } else if (result.error.code === 'aborted') {
      this.notice = result.error.message;
    } else {
      this.error = result.error;
    }
    return result;
  }

  cancelLoad(): void {
    this.#loadAbort?.abort();
  }

  /**
   * Loads the selected model unless it is loaded already (for the chat screen). With a voice adapter
   * (GGUF models only) the model is reloaded when the adapter, its file or its scale differ from the
   * loaded one's: llama.cpp in wllama takes adapters only at load.
   */
  async ensureLoaded(voiceAdapter: VoiceAdapterSpec | null = null): Promise<Result<LoadedModel>> {
    await this.start();
    const wanted = this.loaded?.engine === 'gguf' ? voiceAdapter : null;
    const same = (a: VoiceAdapterSpec | null, b: VoiceAdapterSpec | null) => a?.file === b?.file && a?.scale === b?.scale;
    if (this.loaded !== null && this.loaded.id === this.settings.selectedId && same(this.#loadedAdapter, wanted)) return { ok: true, value: this.loaded };
    if (this.loaded !== null && this.loaded.id === this.settings.selectedId) return this.load(this.loaded.id, { warmUp: false, voiceAdapter: wanted });
    const id = this.settings.selectedId ?? this.recommendation?.id ?? null;
    if (id === null) {
      return { ok: false, error: { name: 'AppError', code: 'no-model-loaded', message: 'No model is chosen yet. Pick one on the Models screen.' } };
    }
    const entry = this.entries.find((e) => e.id === id);
    // Called for a reply about to be generated: no separate warm-up.
    return this.load(id, { warmUp: false, voiceAdapter: entry?.engine === 'gguf' ? voiceAdapter : null });
  }

  async deleteCached(id: string): Promise<void> {
    const entry = this.entries.find((e) => e.id === id);
    if (entry === undefined) return;
    this.error = null;
    try {
      await this.#client.deleteCached(this.spec(entry));
      if (this.loaded?.id === id) this.loaded = null;
      if (entry.engine === 'gguf' && entry.origin === 'file') await this.#refreshFiles();
      this.notice = `${entry.label} was deleted from this device.`;
    } catch (error) {
      this.error = { name: 'AppError', code: 'cache-delete-failed', message: `Could not delete ${entry.label}: ${error instanceof Error ? error.message : String(error)}` };
    }
    await this.refreshCache();
  }

  async unload(): Promise<void> {
    await this.#client.unload();
    this.loaded = null;
  }

  /** Streams a reply to one prompt through the loaded model (the Models screen's "try it" box). */
  async tryIt(prompt: string, options: GenerationOptions = {}, system = ''): Promise<void> {
    if (this.loaded === null || this.trying || prompt.trim() === '') return;
    this.trying = true;
    this.tryText = '';
    this.tryTokens = 0;
    this.tryResult = null;
    this.tryError = null;
    const abort = new AbortController();
    this.#tryAbort = abort;
    const frame = new FrameBuffer((text) => (this.tryText += text));
    // Without a system prompt the model's own default applies (Qwen's is ~30 tokens).
    const messages: ChatMessage[] = [
      ...(system.trim() === '' ? [] : [{ role: 'system' as const, content: system.trim() }]),
      { role: 'user', content: prompt.trim() },
    ];
    const result = await this.#client.generate(messages, {
      ...options,
      signal: abort.signal,
      onDelta: (delta, tokens) => {
        frame.push(delta);
        this.tryTokens = tokens;
      },
    });
    frame.flush();
    this.#tryAbort = null;
    this.trying = false;
    if (result.ok) {
      this.tryText = result.value.text || this.tryText;
      this.tryTokens = result.value.completionTokens;
      this.tryResult = result.value;
    } else {
      this.tryError = result.error;
      if (this.#client.loaded === null) this.loaded = null;
    }
  }

  stopTry(): void {
    this.#tryAbort?.abort();
  }

  shutdown(): void {
    this.#loadAbort?.abort();
    this.#tryAbort?.abort();
    this.#client.shutdown();
  }
}
