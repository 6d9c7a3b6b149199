// The chat screen's state for one persona: its conversations, the open conversation's messages (live
// from IndexedDB), and sending: persist the user message, retrieve examples and memories, assemble the
// prompt within the model's context window, stream the reply, persist it with its prompt sections.
// Invariants: one reply is generated at a time; streamed text reaches the UI at most once per frame;
// Stop is a result (the reply is kept as "stopped"), never an error.

import { assemblePrompt, splitIntoBubbles, type AssembledPrompt } from '../lib/persona/prompt';
import type { MemoryItem, ReplyPair, StyleProfile } from '../lib/persona/types';
import type { AppErrorData } from '../lib/rpc/app-error';
import { Bm25 } from '../lib/search/bm25';
import { contextText } from '../lib/embed/texts';
import {
  appendChatMessage,
  createConversation,
  deleteConversation,
  listChatMessages,
  loadChatSources,
  openDb,
  renameConversation,
  settleInterruptedReplies,
  truncateChatMessages,
  updateChatMessage,
  watchChatMessages,
  watchConversations,
  type ChatMessageRow,
  type ChatSources,
  type ConversationRow,
} from '../lib/store/index';
import { embeddings } from './embed-manager.svelte';
import type { ModelManager } from './model-manager.svelte';

/** Retrieved examples per reply (the prompt builder keeps those that fit). */
const EXAMPLES_K = 8;
const MEMORIES_K = 5;
/** Tokens reserved for the reply; chat replies are short, and the CPU engine is slow. */
const MAX_REPLY_TOKENS = 256;
const SAMPLING = { temperature: 0.8, top_p: 0.95 } as const;
/** A streaming reply is saved this often, so a closed tab keeps most of it. */
const SAVE_EVERY_MS = 1000;

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

type Scored<T> = { item: T; score: number };

/** BM25 over the persona's pairs and memories: examples even before the persona is embedded. */
function lexical(sources: ChatSources, query: string): { pairs: Scored<ReplyPair>[]; memories: Scored<MemoryItem>[] } {
  const pairIndex = new Bm25(sources.pairs.map((p) => contextText(p.context)));
  const memoryIndex = new Bm25(sources.memories.map((m) => m.text));
  return {
    pairs: pairIndex.search(query, EXAMPLES_K).flatMap((h) => {
      const pair = sources.pairs[h.index];
      return pair === undefined ? [] : [{ item: pair, score: h.score }];
    }),
    memories: memoryIndex.search(query, MEMORIES_K).flatMap((h) => {
      const memory = sources.memories[h.index];
      return memory === undefined ? [] : [{ item: memory, score: h.score }];
    }),
  };
}

/** Appends text to a target at most once per animation frame. */
class FrameBuffer {
  #pending = '';
  #frame: number | null = null;
  readonly #apply: (text: string) => void;

  constructor(apply: (text: string) => void) {
    this.#apply = apply;
  }

  push(text: string): void {
    this.#pending += text;
    this.#frame ??= requestAnimationFrame(() => this.flush());
  }

  flush(): void {
    if (this.#frame !== null) cancelAnimationFrame(this.#frame);
    this.#frame = null;
    if (this.#pending === '') return;
    const text = this.#pending;
    this.#pending = '';
    this.#apply(text);
  }
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

  readonly personaId: string;
  readonly models: ModelManager;
  #stops: (() => void)[] = [];
  #stopMessages: (() => void) | null = null;
  #abort: AbortController | null = null;

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

  get lastUser(): ChatMessageRow | undefined {
    return this.messages.findLast((m) => m.role === 'user');
  }

  get canRegenerate(): boolean {
    return !this.busy && this.messages.at(-1)?.role === 'assistant';
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
      },
      error: (error: unknown) => (this.error = { name: 'AppError', code: 'store-read-failed', message: `Chats could not be read: ${String(error)}` }),
    });
    this.#stops.push(() => sub.unsubscribe());
    void loadChatSources(db, this.personaId).then((s) => (this.profile = s?.profile ?? null));
  }

  stop(): void {
    this.#abort?.abort();
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
    const row = await createConversation(openDb(), this.personaId);
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
      const row = await createConversation(db, this.personaId, clean.slice(0, 40));
      conversationId = row.id;
      this.select(row.id);
    } else if (this.messages.length === 0 && this.active?.title === 'New chat') {
      await renameConversation(db, conversationId, clean.slice(0, 40));
    }
    await appendChatMessage(db, conversationId, { role: 'user', text: clean, status: 'done' });
    await this.#reply(conversationId);
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
    try {
      await this.#generate(conversationId, abort.signal);
    } catch (error) {
      this.error = { name: 'AppError', code: 'chat-failed', message: `The reply failed: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      if (this.#abort === abort) this.#abort = null;
      this.live = null;
      this.phase = 'idle';
    }
  }

  async #generate(conversationId: string, signal: AbortSignal): Promise<void> {
    const db = openDb();
    this.phase = 'loading-model';
    const model = await this.models.ensureLoaded();
    if (signal.aborted) return;
    if (!model.ok) {
      this.error = model.error;
      return;
    }
    this.phase = 'preparing';
    const [rows, sources] = await Promise.all([listChatMessages(db, conversationId), loadChatSources(db, this.personaId)]);
    if (sources === undefined) {
      this.error = { name: 'AppError', code: 'persona-missing', message: 'This persona no longer exists.' };
      return;
    }
    this.profile = sources.profile;
    const history = rows
      .filter((m) => m.text.trim() !== '')
      .map((m) => ({ role: m.role, content: m.text }));
    const query = rows.findLast((m) => m.role === 'user')?.text ?? '';
    const { examples, memories } = await this.#retrieve(sources, query);
    if (signal.aborted) return;
    const pinned = sources.memories.filter((m) => m.pinned);
    const prompt: AssembledPrompt = await assemblePrompt({
      personaName: sources.persona.displayName,
      personName: sources.persona.personName,
      userName: sources.persona.selfName,
      profile: sources.profile,
      pinnedMemories: pinned,
      memories: memories.filter((m) => !m.item.pinned), // pinned ones are in already
      examples: examples.map(({ item, score }) => ({ pair: item, score })),
      history,
      contextWindow: model.value.contextWindow,
      maxReplyTokens: MAX_REPLY_TOKENS,
      countTokens: (texts) => this.models.engine.countTokens(texts),
      maxExamples: EXAMPLES_K,
    });
    if (signal.aborted) return;

    const reply = await appendChatMessage(db, conversationId, {
      role: 'assistant',
      text: '',
      status: 'streaming',
      modelId: model.value.id,
      sections: prompt.sections,
      usedExampleIds: prompt.usedExampleIds,
      usedMemoryIds: prompt.usedMemoryIds,
      promptTokens: prompt.tokens.total,
    });
    this.live = { conversationId, seq: reply.seq, text: '', tokens: 0 };
    this.phase = 'streaming';
    let savedAt = performance.now();
    const frame = new FrameBuffer((delta) => {
      if (this.live === null) return;
      this.live = { ...this.live, text: this.live.text + delta };
      const now = performance.now();
      if (now - savedAt > SAVE_EVERY_MS) {
        savedAt = now;
        void updateChatMessage(db, conversationId, reply.seq, { text: this.live.text }).catch(() => false);
      }
    });
    const result = await this.models.engine.generate(prompt.messages, {
      ...SAMPLING,
      max_tokens: MAX_REPLY_TOKENS,
      signal,
      onDelta: (delta, tokens) => {
        frame.push(delta);
        if (this.live !== null && this.live.tokens !== tokens) this.live = { ...this.live, tokens };
      },
    });
    frame.flush();
    const streamed = this.live?.text ?? '';
    if (result.ok) {
      const text = result.value.text === '' ? streamed : result.value.text;
      await updateChatMessage(db, conversationId, reply.seq, {
        text,
        status: result.value.finishReason === 'abort' ? 'stopped' : 'done',
        completionTokens: result.value.completionTokens,
        ...(result.value.promptTokens === null ? {} : { promptTokens: result.value.promptTokens }),
      });
    } else {
      await updateChatMessage(db, conversationId, reply.seq, { text: streamed, status: 'error', error: result.error.message });
      this.error = result.error;
    }
  }

  /** Vector + lexical retrieval when the persona is embedded, lexical only before that (or if it fails). */
  async #retrieve(sources: ChatSources, query: string): Promise<{ examples: Scored<ReplyPair>[]; memories: Scored<MemoryItem>[] }> {
    const found = await embeddings().retrieve(this.personaId, query, { k: EXAMPLES_K, kMemories: MEMORIES_K });
    if (!found.ok || found.value === null) {
      const fallback = lexical(sources, query);
      return { examples: fallback.pairs, memories: fallback.memories };
    }
    return {
      examples: found.value.pairs.flatMap((p) => {
        const pair = sources.pairs.find((row) => row.id === p.id);
        // Held-out pairs are not in `sources`; retrieval never returns them either.
        return pair === undefined ? [] : [{ item: pair, score: p.score }];
      }),
      memories: found.value.memories.flatMap((m) => {
        const memory = sources.memories.find((row) => row.id === m.id);
        return memory === undefined ? [] : [{ item: memory, score: m.score }];
      }),
    };
  }
}
