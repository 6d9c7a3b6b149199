// The chat screen's state for one persona: its conversations, the open conversation's messages (live
// from IndexedDB), and sending: persist the user message, retrieve examples and memories, assemble the
// prompt within the model's context window, stream the reply, persist it with its prompt sections.
// Invariants: one reply is generated at a time; streamed text reaches the UI at most once per frame;
// Stop is a result (the reply is kept as "stopped"), never an error. Each reply uses the settings resolved
// when it starts (defaults < persona < conversation); liked replies join the examples, disliked never do.

import {
  DEFAULT_CHAT_SETTINGS,
  overridesFor,
  resolveChatSettings,
  type ChatSettings,
  type ChatSettingsPatch,
  type ResolvedChatSettings,
} from '../lib/persona/chat-settings';
import { likedPairs, withLikedExamples } from '../lib/persona/feedback';
import {
  isSummarized,
  MAX_EDITED_SUMMARY_CHARS,
  nextSegments,
  previousSummary,
  promptSummary,
  segmentsNow,
  summaryNotice,
  type SummaryMessage,
} from '../lib/persona/conversation-summary';
import { summarizeSegments } from '../lib/persona/conversation-summary-run';
import { excerpt } from '../lib/persona/knowledge';
import type { ScoredKnowledge } from '../lib/search/retrieve';
import { assemblePrompt, splitIntoBubbles, type PromptInput } from '../lib/persona/prompt';
import { assembleTranscriptPrompt, transcriptReply } from '../lib/persona/transcript-prompt';
import { adaptToStyle } from '../lib/persona/style-adapter';
import type { MemoryItem, ReplyPair, StyleProfile } from '../lib/persona/types';
import type { AppErrorData } from '../lib/rpc/app-error';
import { Bm25 } from '../lib/search/bm25';
import { contextText } from '../lib/embed/texts';
import {
  appendChatMessage,
  createConversation,
  createGreetedConversation,
  deleteConversation,
  getConversation,
  listChatMessages,
  listRatedConversationMessages,
  loadChatSources,
  openDb,
  rateChatMessage,
  renameConversation,
  setConversationSettings,
  setPersonaChatSettings,
  settleInterruptedReplies,
  truncateChatMessages,
  updateChatMessage,
  watchChatMessages,
  watchConversations,
  type ChatMessageRow,
  type ChatSources,
  type ConversationRow,
  addConversationSummary,
  editConversationSummary,
  loadKnowledgeSources,
} from '../lib/store/index';
import { getEmbedJob } from '../lib/store/vectors';
import { embeddings } from './embed-manager.svelte';
import type { VoiceAdapterSpec } from '../lib/llm/types';
import type { ModelManager } from './model-manager.svelte';
import { FrameBuffer } from './frame-buffer';
import { markPhase } from '../lib/util/phase-timing';

/** Retrieved memories per reply (the prompt builder keeps those that fit); examples come from the settings. */
const MEMORIES_K = 5;
/** Retrieved knowledge chunks per reply (the prompt builder keeps those that fit). */
const KNOWLEDGE_K = 3;
/** A streaming reply is saved this often, so a closed tab keeps most of it. */
const SAVE_EVERY_MS = 1000;

// The settings panel's limits and defaults (ui/ reaches lib/ only through app/).
export { CHAT_SETTING_LIMITS, DEFAULT_CHAT_SETTINGS, type ChatSettings, type SettingSource } from '../lib/persona/chat-settings';

export type ChatPhase = 'idle' | 'loading-model' | 'preparing' | 'streaming';

export interface LiveReply {
  conversationId: string;
  seq: number;
  text: string;
  tokens: number;
}

/** A message as shown: stored row, with the live text while it streams. */
export interface ChatItem {
  row: ChatMessageRow;
  text: string;
  live: boolean;
}

type Scored<T> = { item: T; score: number; linkedFrom?: { text: string; via: string } };

/**
 * The examples the latest reply of this chat was written with, in its prompt's order (pairs since removed
 * are left out): the transcript prompt keeps them in place so the engine's KV cache still holds them.
 */
function carriedExamples(rows: readonly { role: 'user' | 'assistant'; usedExampleIds?: string[] }[], pairs: readonly ReplyPair[]): ReplyPair[] {
  const ids = rows.findLast((m) => m.role === 'assistant' && m.usedExampleIds !== undefined)?.usedExampleIds ?? [];
  const byId = new Map(pairs.map((p) => [p.id, p]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** BM25 over the persona's pairs and memories: examples even before the persona is embedded. */
function lexical(sources: ChatSources, query: string, k: number): { pairs: Scored<ReplyPair>[]; memories: Scored<MemoryItem>[] } {
  const pairIndex = new Bm25(sources.pairs.map((p) => contextText(p.context)));
  const memoryIndex = new Bm25(sources.memories.map((m) => m.text));
  return {
    pairs: pairIndex.search(query, k).flatMap((h) => {
      const pair = sources.pairs[h.index];
      return pair === undefined ? [] : [{ item: pair, score: h.score }];
    }),
    memories: memoryIndex.search(query, MEMORIES_K).flatMap((h) => {
      const memory = sources.memories[h.index];
      return memory === undefined ? [] : [{ item: memory, score: h.score }];
    }),
  };
}

/** BM25 over the persona's knowledge chunks, before they are embedded. */
async function lexicalKnowledge(personaId: string, query: string): Promise<ScoredKnowledge[]> {
  const chunks = await loadKnowledgeSources(openDb(), personaId);
  if (chunks.length === 0) return [];
  return new Bm25(chunks.map((c) => c.text)).search(query, KNOWLEDGE_K).flatMap((h) => {
    const chunk = chunks[h.index];
    return chunk === undefined ? [] : [{ ...chunk, score: h.score, vectorScore: 0, lexicalScore: h.score }];
  });
}

export class ChatManager {
  conversations = $state.raw<ConversationRow[]>([]);
  conversationsLoaded = $state(false);
  activeId = $state<string | null>(null);
  messages = $state.raw<ChatMessageRow[]>([]);
  live = $state.raw<LiveReply | null>(null);
  phase = $state<ChatPhase>('idle');
  profile = $state.raw<StyleProfile | null>(null);
  error = $state.raw<AppErrorData | null>(null);
  notice = $state<string | null>(null);
  /** The text being written in the composer (kept while another tab of the persona is shown). */
  draft = $state('');
  /** The persona's default reply settings as stored (the conversation's overrides are on its row). */
  personaSettings = $state.raw<ChatSettingsPatch>({});
  /** How the persona opens a chat (its definition): a new conversation starts with the first one. */
  greetings = $state.raw<string[]>([]);
  /** The persona's voice adapter (name and scale), for the per-chat switch; null when it has none. */
  voiceAdapter = $state.raw<{ label: string; scale: number } | null>(null);
  /** The stored file of the persona's voice adapter, for loading the model with it. */
  #voiceAdapterFile: string | null = null;
  #sourcesLoaded: Promise<void> = Promise.resolve();
  #greetingsLoaded = false;
  #autoGreeted = false;

  readonly personaId: string;
  readonly models: ModelManager;
  #stops: (() => void)[] = [];
  #stopMessages: (() => void) | null = null;
  #abort: AbortController | null = null;
  /** A summary being written after a reply (or on demand); a new reply stops it first. */
  summarizing = $state(false);
  /** Parts of the running summary: done of total (a long chat is summarised a segment at a time). */
  summaryProgress = $state<{ done: number; total: number } | null>(null);
  /** The longest text a user's edit of a summary keeps (the editor says so). */
  readonly maxSummaryChars = MAX_EDITED_SUMMARY_CHARS;
  #summaryAbort: AbortController | null = null;
  #summaryRun: Promise<void> | null = null;
  /** Messages the last reply's prompt had to drop (not yet summarised), to summarise once it is done. */
  #dropped: { conversationId: string; messages: SummaryMessage[] } | null = null;

  constructor(personaId: string, models: ModelManager) {
    this.personaId = personaId;
    this.models = models;
  }

  get busy(): boolean {
    return this.phase !== 'idle';
  }

  get active(): ConversationRow | undefined {
    return this.conversations.find((c) => c.id === this.activeId);
  }

  /** The open conversation's messages, the streaming one with its live text. */
  get items(): ChatItem[] {
    const live = this.live;
    return this.messages.map((row) => {
      const streaming = live !== null && live.conversationId === row.conversationId && live.seq === row.seq;
      return { row, text: streaming ? live.text : row.text, live: streaming };
    });
  }

  /** Burst style: a persona reply shown as the bubbles the person would send. */
  bubbles(text: string): string[] {
    const parts = splitIntoBubbles(text, this.profile);
    return parts.length === 0 ? [text] : parts;
  }

  /** The settings the next reply in the open conversation uses, and where each comes from. */
  get settings(): ResolvedChatSettings {
    return resolveChatSettings(this.personaSettings, this.active?.settings);
  }

  /** The voice adapter the open chat's model loads with: null without one, or when this chat turned it off. */
  #voiceAdapterSpec(): VoiceAdapterSpec | null {
    const adapter = this.voiceAdapter;
    if (adapter === null || this.#voiceAdapterFile === null || !this.settings.settings.voiceAdapter) return null;
    return { file: this.#voiceAdapterFile, label: adapter.label, scale: adapter.scale };
  }

  /**
   * Opening the chat loads the remembered model when it is on this device, with the voice adapter this
   * chat uses: loaded without it, the first reply would load the model a second time.
   */
  async autoLoadModel(): Promise<void> {
    await this.#sourcesLoaded;
    await this.models.autoLoadRemembered(this.#voiceAdapterSpec());
  }

  get lastUser(): ChatMessageRow | undefined {
    return this.messages.findLast((m) => m.role === 'user');
  }

  get canRegenerate(): boolean {
    const last = this.messages.at(-1);
    // A greeting is written, not generated: there is no user message to answer again.
    return !this.busy && last?.role === 'assistant' && !this.isGreeting(last);
  }

  async start(): Promise<void> {
    const db = openDb();
    // Nothing of this persona streams in this tab yet: a `streaming` row was cut off by a closed tab.
    await settleInterruptedReplies(db, this.personaId).catch(() => 0);
    const sub = watchConversations(db, this.personaId).subscribe({
      next: (rows) => {
        this.conversations = rows;
        this.conversationsLoaded = true;
        if (this.activeId === null || !rows.some((r) => r.id === this.activeId)) this.select(rows[0]?.id ?? null);
        this.#greetIfEmpty();
      },
      error: (error: unknown) => (this.error = { name: 'AppError', code: 'store-read-failed', message: `Chats could not be read: ${String(error)}` }),
    });
    this.#stops.push(() => sub.unsubscribe());
    this.#sourcesLoaded = loadChatSources(db, this.personaId).then((s) => {
      this.profile = s?.profile ?? null;
      this.personaSettings = s?.persona.chatSettings ?? {};
      this.greetings = (s?.persona.definition?.greetings ?? []).filter((g) => g.trim() !== '');
      const adapter = s?.persona.voiceAdapter;
      this.voiceAdapter = adapter === undefined ? null : { label: adapter.label, scale: adapter.scale };
      this.#voiceAdapterFile = adapter?.file ?? null;
      this.#greetingsLoaded = true;
      this.#greetIfEmpty();
    });
  }

  /** A persona with greetings opens its first chat itself: the greeting is there before the user writes. */
  #greetIfEmpty(): void {
    if (this.#autoGreeted || !this.#greetingsLoaded || !this.conversationsLoaded) return;
    this.#autoGreeted = true;
    if (this.conversations.length === 0 && this.greetings.length > 0) void this.newConversation().catch(() => undefined);
  }

  /** The persona's greeting opening a chat (written from the definition, not generated). */
  isGreeting(row: ChatMessageRow): boolean {
    return row.role === 'assistant' && row.seq === 0 && row.sections === undefined && row.modelId === undefined;
  }

  /** Whether the open chat has only its greeting yet, so another greeting can replace it. */
  get canSwapGreeting(): boolean {
    const first = this.messages[0];
    return this.greetings.length > 1 && this.messages.length === 1 && first !== undefined && this.isGreeting(first) && !this.busy;
  }

  /** Replaces the opening greeting by the next of the persona's alternatives. */
  async nextGreeting(): Promise<void> {
    const first = this.messages[0];
    const id = this.activeId;
    if (!this.canSwapGreeting || first === undefined || id === null) return;
    const next = this.greetings[(this.greetings.indexOf(first.text) + 1) % this.greetings.length] ?? first.text;
    await updateChatMessage(openDb(), id, first.seq, { text: next });
  }

  stop(): void {
    this.#abort?.abort();
    this.#summaryAbort?.abort();
    for (const stop of this.#stops) stop();
    this.#stops = [];
    this.#stopMessages?.();
    this.#stopMessages = null;
  }

  select(id: string | null): void {
    if (id === this.activeId && this.#stopMessages !== null) return;
    this.#stopMessages?.();
    this.#stopMessages = null;
    this.activeId = id;
    this.messages = [];
    if (id === null) return;
    const sub = watchChatMessages(openDb(), id).subscribe({
      next: (rows) => {
        if (this.activeId === id) this.messages = rows;
      },
      error: () => undefined,
    });
    this.#stopMessages = () => sub.unsubscribe();
  }

  async newConversation(): Promise<void> {
    const greeting = this.greetings[0];
    const row = greeting === undefined ? await createConversation(openDb(), this.personaId) : await createGreetedConversation(openDb(), this.personaId, greeting);
    this.select(row.id);
  }

  rename(id: string, title: string): Promise<void> {
    return renameConversation(openDb(), id, title);
  }

  async remove(id: string): Promise<void> {
    if (this.live?.conversationId === id) this.#abort?.abort();
    await deleteConversation(openDb(), id);
  }

  /** Sends a user message and streams the persona's reply. */
  async send(text: string): Promise<void> {
    const clean = text.trim();
    if (clean === '' || this.busy) return;
    this.error = null;
    this.notice = null;
    const db = openDb();
    let conversationId = this.activeId;
    if (conversationId === null) {
      const greeting = this.greetings[0];
      const title = clean.slice(0, 40);
      const row = greeting === undefined ? await createConversation(db, this.personaId, title) : await createGreetedConversation(db, this.personaId, greeting, title);
      conversationId = row.id;
      this.select(row.id);
    } else if (!this.messages.some((m) => m.role === 'user') && this.active?.title === 'New chat') {
      await renameConversation(db, conversationId, clean.slice(0, 40));
    }
    await appendChatMessage(db, conversationId, { role: 'user', text: clean, status: 'done' });
    await this.#reply(conversationId);
  }

  /** Whether the open chat has nothing in it yet (so the persona may open it). */
  get empty(): boolean {
    return this.conversationsLoaded && this.messages.length === 0 && (this.activeId === null || this.active !== undefined);
  }

  /**
   * The persona writes first in an empty chat (after the person agreed to load a model there): the
   * first streamed reply needs no message from them. Does nothing once the chat has messages.
   */
  async open(): Promise<void> {
    if (this.busy || !this.empty) return;
    this.error = null;
    let conversationId = this.activeId;
    if (conversationId === null) {
      const row = await createConversation(openDb(), this.personaId);
      conversationId = row.id;
      this.select(row.id);
    }
    await this.#reply(conversationId);
  }

  /** The person agreed to a model in this chat: load it, then let the persona open an empty chat. */
  async startModel(id: string): Promise<void> {
    markPhase('model:load');
    // The person now waits for the persona's first words: background embedding pauses until the reply is written.
    const release = embeddings().hold();
    try {
      // The persona's opening reply follows at once and warms the model up itself.
      await this.#sourcesLoaded;
      const result = await this.models.load(id, { warmUp: false, voiceAdapter: this.#voiceAdapterSpec() });
      if (!result.ok) return;
      markPhase('model:loaded');
      await this.open();
    } finally {
      release();
    }
  }

  /** Replaces the last persona reply with a new one. */
  async regenerate(): Promise<void> {
    const last = this.messages.at(-1);
    const conversationId = this.activeId;
    if (!this.canRegenerate || last === undefined || conversationId === null) return;
    this.error = null;
    await truncateChatMessages(openDb(), conversationId, last.seq);
    await this.#reply(conversationId);
  }

  /** Changes the last user message (dropping what followed it) and sends it again. */
  async editLast(text: string): Promise<void> {
    const clean = text.trim();
    const last = this.lastUser;
    const conversationId = this.activeId;
    if (clean === '' || this.busy || last === undefined || conversationId === null) return;
    this.error = null;
    const db = openDb();
    await truncateChatMessages(db, conversationId, last.seq);
    await appendChatMessage(db, conversationId, { role: 'user', text: clean, status: 'done' });
    await this.#reply(conversationId);
  }

  /** Thumbs up/down on a persona reply; the same thumb again clears it. */
  async rate(row: ChatMessageRow, rating: 'up' | 'down'): Promise<void> {
    if (row.role !== 'assistant') return;
    await rateChatMessage(openDb(), row.conversationId, row.seq, row.rating === rating ? null : rating);
  }

  /**
   * Saves wanted settings as the persona's defaults or as the open chat's overrides. Only what differs
   * from the scope's inherited values is stored, so later persona changes still reach chats that never
   * overrode that setting.
   */
  async saveSettings(scope: 'persona' | 'conversation', wanted: ChatSettings): Promise<void> {
    if (scope === 'persona') {
      const patch = overridesFor(wanted, DEFAULT_CHAT_SETTINGS);
      await setPersonaChatSettings(openDb(), this.personaId, patch);
      this.personaSettings = patch;
    } else if (this.activeId !== null) {
      await setConversationSettings(openDb(), this.activeId, overridesFor(wanted, resolveChatSettings(this.personaSettings).settings));
    }
  }

  /** The open chat goes back to the persona's settings. */
  async clearConversationSettings(): Promise<void> {
    if (this.activeId !== null) await setConversationSettings(openDb(), this.activeId, {});
  }

  stopReply(): void {
    this.#abort?.abort();
  }

  async copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.notice = 'Copied.';
    } catch {
      this.notice = 'This browser did not allow copying; select the text instead.';
    }
  }

  async #reply(conversationId: string): Promise<void> {
    const abort = new AbortController();
    this.#abort = abort;
    // One engine, one generation at a time: a summary in progress gives way to the reply.
    await this.stopSummary();
    // The CPU goes to the reply the person waits for; background embedding continues after it.
    const release = embeddings().hold();
    try {
      await this.#generate(conversationId, abort.signal);
    } catch (error) {
      this.error = { name: 'AppError', code: 'chat-failed', message: `The reply failed: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      release();
      if (this.#abort === abort) this.#abort = null;
      this.live = null;
      this.phase = 'idle';
    }
    // Not after Stop or a failed reply: the reason for the failure stays the message on screen.
    if (!abort.signal.aborted && this.error === null) this.#startSummary(false);
  }

  /** Summarises what the open chat's prompt can no longer hold, except the newest messages ("Summarise now"). */
  summarizeNow(): void {
    if (this.models.loaded === null) this.notice = 'Load a model first: it writes the summary.';
    this.#startSummary(true);
  }

  /** The user's text for one summary: kept from then on (an empty text removes the summary). */
  async saveSummary(fromSeq: number, text: string): Promise<void> {
    if (this.activeId !== null) await editConversationSummary(openDb(), this.activeId, fromSeq, text);
  }

  /** Stops a summary being written (nothing is stored) and waits until the engine is free. */
  async stopSummary(): Promise<void> {
    this.#summaryAbort?.abort();
    await this.#summaryRun;
  }

  #startSummary(now: boolean): void {
    const conversationId = this.activeId;
    if (this.busy || this.#summaryRun !== null || conversationId === null || this.models.loaded === null) return;
    const dropped = this.#dropped?.conversationId === conversationId ? this.#dropped.messages : [];
    const abort = new AbortController();
    this.#summaryAbort = abort;
    this.summarizing = true;
    this.#summaryRun = this.#summarize(conversationId, now, dropped, abort.signal)
      .catch((error: unknown) => {
        this.error = { name: 'AppError', code: 'summary-failed', message: `The chat could not be summarised: ${error instanceof Error ? error.message : String(error)}` };
      })
      .finally(() => {
        this.summarizing = false;
        this.summaryProgress = null;
        this.#summaryRun = null;
        if (this.#summaryAbort === abort) this.#summaryAbort = null;
      });
  }

  async #summarize(conversationId: string, now: boolean, dropped: SummaryMessage[], signal: AbortSignal): Promise<void> {
    const db = openDb();
    const [rows, sources] = await Promise.all([listChatMessages(db, conversationId), loadChatSources(db, this.personaId)]);
    const model = this.models.loaded;
    if (sources === undefined || model === null) return;
    const messages = rows.filter((m) => m.text.trim() !== '').map((m) => ({ seq: m.seq, role: m.role, text: m.text }));
    const names = { persona: sources.persona.personName, user: sources.persona.selfName };
    const summaries = (await getConversation(db, conversationId))?.summaries;
    // After a reply: full segments of what its prompt dropped (and gaps), oldest first. On demand: all
    // but the newest, a segment per request so a long chat never overflows the model's window.
    const segments = now ? segmentsNow(messages, summaries) : nextSegments(dropped, summaries);
    if (segments.length > 0) this.summaryProgress = { done: 0, total: segments.length };
    const result = await summarizeSegments(
      {
        generate: (m, o) => this.models.engine.generate(m, o),
        modelId: model.id,
        contextWindow: model.contextWindow,
        countTokens: (texts) => this.models.engine.countTokens(texts),
      },
      segments,
      names,
      {
        previous: async (seq) => previousSummary((await getConversation(db, conversationId))?.summaries, seq),
        store: (summary) => addConversationSummary(db, conversationId, summary),
        onProgress: (done, total) => (this.summaryProgress = { done, total }),
        signal,
      },
    );
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    // After a reply nothing is announced (it runs unasked); on demand the user learns why nothing changed.
    const notice = now ? summaryNotice(result.value) : null;
    if (notice !== null) this.notice = notice;
  }

  async #generate(conversationId: string, signal: AbortSignal): Promise<void> {
    const db = openDb();
    this.phase = 'preparing';
    const [rows, sources, conversation, rated] = await Promise.all([
      listChatMessages(db, conversationId),
      loadChatSources(db, this.personaId),
      getConversation(db, conversationId),
      listRatedConversationMessages(db, this.personaId),
    ]);
    if (sources === undefined) {
      this.error = { name: 'AppError', code: 'persona-missing', message: 'This persona no longer exists.' };
      return;
    }
    this.profile = sources.profile;
    this.personaSettings = sources.persona.chatSettings ?? {};
    const { settings } = resolveChatSettings(sources.persona.chatSettings, conversation?.settings);
    // The persona's voice adapter, when this chat uses it (GGUF models only: ensureLoaded drops it for others).
    const stored = sources.persona.voiceAdapter;
    this.voiceAdapter = stored === undefined ? null : { label: stored.label, scale: stored.scale };
    this.#voiceAdapterFile = stored?.file ?? null;
    const voice = settings.voiceAdapter && stored !== undefined ? { file: stored.file, label: stored.label, scale: stored.scale } : null;
    this.phase = 'loading-model';
    const model = await this.models.ensureLoaded(voice);
    if (signal.aborted) return;
    if (!model.ok) {
      this.error = model.error;
      return;
    }
    this.phase = 'preparing';
    // Summarised messages are in the prompt as their summary, not one by one.
    // A message no summary covers (also one whose summary was removed) is sent as itself.
    const historyRows = rows.filter((m) => m.text.trim() !== '' && !isSummarized(m.seq, conversation?.summaries));
    const history = historyRows.map((m) => ({ role: m.role, content: m.text }));
    const query = rows.findLast((m) => m.role === 'user')?.text ?? '';
    const retrieved = await this.#retrieve(sources, query, Math.max(1, settings.examples));
    const retrieval = retrieved.lexicalOnly ? ('lexical' as const) : ('hybrid' as const);
    if (signal.aborted) return;
    const liked = likedPairs(rated, sources.persona.selfName ?? 'someone');
    const examples = withLikedExamples(
      retrieved.examples.map(({ item, score }) => ({ pair: item, score })),
      liked,
      query,
      settings.examples,
    );
    const memories = retrieved.memories;
    const pinned = sources.memories.filter((m) => m.pinned);
    const input: PromptInput = {
      personaName: sources.persona.displayName,
      personName: sources.persona.personName,
      userName: sources.persona.selfName,
      profile: sources.profile,
      pinnedMemories: pinned,
      memories: memories.filter((m) => !m.item.pinned), // pinned ones are in already
      examples,
      history,
      contextWindow: model.value.contextWindow,
      maxReplyTokens: settings.maxTokens,
      countTokens: (texts) => this.models.engine.countTokens(texts),
      maxExamples: settings.examples,
      useMemory: settings.memory,
      ...(sources.persona.definition === undefined ? {} : { definition: sources.persona.definition }),
      ...(sources.persona.origin === undefined ? {} : { origin: sources.persona.origin }),
      knowledge: retrieved.knowledge.map((k) => ({ id: k.id, text: k.text, source: k.title, score: k.score })),
      conversationSummary: promptSummary(conversation?.summaries),
      carriedExamples: carriedExamples(rows, sources.pairs),
    };
    // A base model (a GGUF without a chat template) continues the persona's chat as a transcript and
    // stops at another speaker's line; every other model gets the chat-message prompt.
    const transcript = model.value.promptMode === 'transcript';
    const prompt = transcript ? await assembleTranscriptPrompt(input) : await assemblePrompt(input);
    const request = 'prompt' in prompt ? { messages: [], completionPrompt: prompt.prompt, stop: prompt.stop } : { messages: prompt.messages };
    const toReply = (raw: string): string => (transcript ? transcriptReply(raw, input.personaName) : raw);
    if (signal.aborted) return;
    this.#dropped = {
      conversationId,
      messages: historyRows.slice(0, prompt.droppedHistory).map((m) => ({ seq: m.seq, role: m.role, text: m.text })),
    };
    const linkedMemories = retrieved.memories.flatMap((m) =>
      m.linkedFrom !== undefined && prompt.usedMemoryIds.includes(m.item.id) ? [{ id: m.item.id, text: m.item.text, via: m.linkedFrom.via, fromText: m.linkedFrom.text }] : [],
    );
    const usedKnowledge = prompt.usedKnowledgeIds.flatMap((id) => {
      const k = retrieved.knowledge.find((c) => c.id === id);
      return k === undefined ? [] : [{ chunkId: k.id, fileName: k.fileName, title: k.title, excerpt: excerpt(k.text) }];
    });

    const reply = await appendChatMessage(db, conversationId, {
      role: 'assistant',
      text: '',
      status: 'streaming',
      modelId: model.value.id,
      ...(model.value.voiceAdapter === undefined ? {} : { voiceAdapter: model.value.voiceAdapter }),
      sections: prompt.sections,
      usedExampleIds: prompt.usedExampleIds,
      usedMemoryIds: prompt.usedMemoryIds,
      promptTokens: prompt.tokens.total,
      retrieval,
      ...(usedKnowledge.length === 0 ? {} : { usedKnowledge }),
      ...(linkedMemories.length === 0 ? {} : { linkedMemories }),
    });
    this.live = { conversationId, seq: reply.seq, text: '', tokens: 0 };
    this.phase = 'streaming';
    let savedAt = performance.now();
    let rawLive = '';
    let firstToken = true;
    const frame = new FrameBuffer((delta) => {
      if (this.live === null) return;
      rawLive += delta;
      this.live = { ...this.live, text: toReply(rawLive) };
      const now = performance.now();
      if (now - savedAt > SAVE_EVERY_MS) {
        savedAt = now;
        void updateChatMessage(db, conversationId, reply.seq, { text: this.live.text }).catch(() => false);
      }
    });
    markPhase('reply:prompt');
    const result = await this.models.engine.generate(request.messages, {
      ...(request.completionPrompt === undefined ? {} : { completionPrompt: request.completionPrompt, stop: request.stop }),
      temperature: settings.temperature,
      top_p: settings.topP,
      max_tokens: settings.maxTokens,
      signal,
      onDelta: (delta, tokens) => {
        if (firstToken && tokens > 0) {
          firstToken = false;
          markPhase('reply:first-token');
        }
        frame.push(delta);
        if (this.live !== null && this.live.tokens !== tokens) this.live = { ...this.live, tokens };
      },
    });
    frame.flush();
    const streamed = this.live?.text ?? '';
    if (result.ok) {
      const raw = result.value.text === '' ? streamed : toReply(result.value.text);
      const stopped = result.value.finishReason === 'abort';
      // A finished reply is shown in the person's texting habits (same words); a stopped one stays as it
      // streamed, since it ends mid-thought. The raw text is kept for "why this answer".
      const adapted = !stopped && settings.matchHabits && sources.profile !== null ? adaptToStyle(raw, sources.profile) : [];
      const text = adapted.length === 0 ? raw : adapted.join('\n');
      await updateChatMessage(db, conversationId, reply.seq, {
        text,
        ...(text === raw ? {} : { rawText: raw }),
        status: stopped ? 'stopped' : 'done',
        completionTokens: result.value.completionTokens,
        ...(result.value.promptTokens === null ? {} : { promptTokens: result.value.promptTokens }),
      });
    } else {
      await updateChatMessage(db, conversationId, reply.seq, { text: streamed, status: 'error', error: result.error.message });
      this.error = result.error;
    }
  }

  /**
   * Vector + lexical retrieval once the persona is fully embedded; lexical (BM25) only while it is still
   * being embedded (part of the vectors would hide the rest), when it never was, or if retrieval fails.
   */
  async #retrieve(
    sources: ChatSources,
    query: string,
    k: number,
  ): Promise<{ examples: Scored<ReplyPair>[]; memories: Scored<MemoryItem>[]; knowledge: ScoredKnowledge[]; lexicalOnly: boolean }> {
    const job = await getEmbedJob(openDb(), this.personaId).catch(() => undefined);
    const found =
      job?.state === 'done' && query.trim() !== ''
        ? await embeddings().retrieve(this.personaId, query, { k, kMemories: MEMORIES_K, kKnowledge: KNOWLEDGE_K })
        : null;
    if (found === null || !found.ok || found.value === null) {
      const fallback = lexical(sources, query, k);
      return { examples: fallback.pairs, memories: fallback.memories, knowledge: await lexicalKnowledge(this.personaId, query), lexicalOnly: true };
    }
    return {
      lexicalOnly: false,
      knowledge: found.value.knowledge,
      examples: found.value.pairs.flatMap((p) => {
        const pair = sources.pairs.find((row) => row.id === p.id);
        // Held-out pairs are not in `sources`; retrieval never returns them either.
        return pair === undefined ? [] : [{ item: pair, score: p.score }];
      }),
      memories: found.value.memories.flatMap((m) => {
        const memory = sources.memories.find((row) => row.id === m.id);
        if (memory === undefined) return [];
        return [{ item: memory, score: m.score, ...(m.linkedFrom === undefined ? {} : { linkedFrom: { text: m.linkedFrom.text, via: m.linkedFrom.via } }) }];
      }),
    };
  }
}
