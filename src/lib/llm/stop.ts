// Stop strings for engines without them (transformers.js): scans streamed text, holds back a tail
// that could still become a stop string, and cuts the text where one appears. Invariant: text that
// belongs to a stop string is never emitted; everything before it is, exactly once.

export class StopScanner {
  readonly #stops: readonly string[];
  readonly #hold: number;
  #buffer = '';
  #stopped = false;

  constructor(stops: readonly string[] = []) {
    this.#stops = stops.filter((s) => s !== '');
    this.#hold = Math.max(0, ...this.#stops.map((s) => s.length - 1));
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Adds streamed text; returns what may be shown now. */
  push(text: string): string {
    if (this.#stopped) return '';
    this.#buffer += text;
    let cut = -1;
    for (const stop of this.#stops) {
      const at = this.#buffer.indexOf(stop);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this.#stopped = true;
      const out = this.#buffer.slice(0, cut);
      this.#buffer = '';
      return out;
    }
    // Keep the longest tail that is a prefix of some stop string.
    let keep = 0;
    for (let n = Math.min(this.#hold, this.#buffer.length); n > 0; n--) {
      const tail = this.#buffer.slice(this.#buffer.length - n);
      if (this.#stops.some((s) => s.startsWith(tail))) {
        keep = n;
        break;
      }
    }
    const out = this.#buffer.slice(0, this.#buffer.length - keep);
    this.#buffer = this.#buffer.slice(this.#buffer.length - keep);
    return out;
  }

  /** The held-back tail at the end of generation (it never became a stop string). */
  end(): string {
    if (this.#stopped) return '';
    const out = this.#buffer;
    this.#buffer = '';
    return out;
  }
}
