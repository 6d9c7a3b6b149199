// Streaming text reaches the screen at most once per animation frame, however fast tokens arrive:
// one reactive update per frame instead of one per token.

/** Appends text to a target at most once per animation frame. */
export class FrameBuffer {
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

  /** Applies what is pending now (at the end of a stream, so nothing waits for a frame). */
  flush(): void {
    if (this.#frame !== null) cancelAnimationFrame(this.#frame);
    this.#frame = null;
    if (this.#pending === '') return;
    const text = this.#pending;
    this.#pending = '';
    this.#apply(text);
  }
}
