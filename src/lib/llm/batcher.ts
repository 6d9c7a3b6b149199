// Coalesces streamed tokens so the worker posts at most one message per frame interval: a GPU can
// produce tokens faster than the page paints, and each post costs a structured clone plus a render.
// Invariants: text is delivered in order and exactly once; the first token goes out at once (time to
// first token is not delayed); a pending tail is flushed by a timer even when no further token comes.

export interface BatcherClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: BatcherClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class DeltaBatcher {
  readonly #emit: (delta: string, tokens: number) => void;
  readonly #intervalMs: number;
  readonly #clock: BatcherClock;
  #pending = '';
  #pendingTokens = 0;
  #tokens = 0;
  #lastEmit = Number.NEGATIVE_INFINITY;
  #timer: unknown = null;
  #closed = false;

  /** `emit(delta, tokensSoFar)`; `intervalMs` ~ one frame at 60 Hz. */
  constructor(emit: (delta: string, tokens: number) => void, intervalMs = 16, clock: BatcherClock = realClock) {
    this.#emit = emit;
    this.#intervalMs = intervalMs;
    this.#clock = clock;
  }

  /** Tokens pushed so far (emitted or pending). */
  get tokens(): number {
    return this.#tokens + this.#pendingTokens;
  }

  push(text: string, tokens = 1): void {
    if (this.#closed) return;
    this.#pending += text;
    this.#pendingTokens += tokens;
    const wait = this.#lastEmit + this.#intervalMs - this.#clock.now();
    if (wait <= 0) {
      this.flush();
    } else if (this.#timer === null) {
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = null;
        this.flush();
      }, wait);
    }
  }

  flush(): void {
    if (this.#timer !== null) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#pendingTokens === 0 && this.#pending === '') return;
    const delta = this.#pending;
    this.#tokens += this.#pendingTokens;
    this.#pending = '';
    this.#pendingTokens = 0;
    this.#lastEmit = this.#clock.now();
    this.#emit(delta, this.#tokens);
  }

  /** Flushes what is left; later pushes are ignored. */
  close(): void {
    this.flush();
    this.#closed = true;
  }
}
