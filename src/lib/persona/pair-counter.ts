// Interning of (id, id) pairs to small sequential ids, in an open-addressing hash table over typed
// arrays, plus a growable count array. Bigram and trigram keys as strings or as one large JS number
// made Map lookups the slowest part of the style profile; this keeps 1M bigrams to tens of milliseconds.
// Invariants: inputs are non-negative 31-bit integers; a pair's id never changes once given.

export class PairIndex {
  private slots: Int32Array;
  private mask: number;
  /** First and second member of each interned pair, by pair id. */
  private xs: Int32Array = new Int32Array(1024);
  private ys: Int32Array = new Int32Array(1024);
  size = 0;

  constructor() {
    this.slots = new Int32Array(2048).fill(-1);
    this.mask = 2047;
  }

  private find(x: number, y: number): number {
    let h = Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 0x7f4a7c15, 0x85ebca77);
    h ^= h >>> 15;
    let i = h & this.mask;
    for (;;) {
      const id = this.slots[i] ?? -1;
      if (id === -1 || (this.xs[id] === x && this.ys[id] === y)) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** The id of (x, y), given on first sight. */
  intern(x: number, y: number): number {
    const i = this.find(x, y);
    const found = this.slots[i] ?? -1;
    if (found !== -1) return found;
    const id = this.size++;
    if (id >= this.xs.length) {
      this.xs = grow(this.xs, id + 1);
      this.ys = grow(this.ys, id + 1);
    }
    this.xs[id] = x;
    this.ys[id] = y;
    this.slots[i] = id;
    if (this.size * 2 > this.mask) this.rehash();
    return id;
  }

  /** The id of (x, y), or -1 when it was never interned. */
  lookup(x: number, y: number): number {
    return this.slots[this.find(x, y)] ?? -1;
  }

  first(id: number): number {
    return this.xs[id] ?? -1;
  }

  second(id: number): number {
    return this.ys[id] ?? -1;
  }

  private rehash(): void {
    const n = this.slots.length * 2;
    this.slots = new Int32Array(n).fill(-1);
    this.mask = n - 1;
    for (let id = 0; id < this.size; id++) this.slots[this.find(this.xs[id] ?? 0, this.ys[id] ?? 0)] = id;
  }
}

function grow(a: Int32Array, min: number): Int32Array {
  const out = new Int32Array(Math.max(min, a.length * 2));
  out.set(a);
  return out;
}

/** Counts by small integer id. */
export class Counts {
  private c: Int32Array = new Int32Array(256);
  total = 0;

  add(id: number): void {
    if (id >= this.c.length) this.c = grow(this.c, id + 1);
    this.c[id] = (this.c[id] ?? 0) + 1;
    this.total++;
  }

  get(id: number): number {
    return this.c[id] ?? 0;
  }

  /** Ids with a count of at least `min`, with their counts. */
  forEach(min: number, fn: (id: number, count: number) => void): void {
    const c = this.c;
    for (let id = 0; id < c.length; id++) {
      const n = c[id] ?? 0;
      if (n >= min && n > 0) fn(id, n);
    }
  }
}
