// Column store of an export's header lines. A 100k-message export would otherwise keep 100k objects
// of twenty fields alive for the whole parse; typed columns keep the garbage collector out of the way.
// Invariants: rows are in line order; string columns hold interned values (a few distinct strings).

import type { AuthorCandidates } from './authors';
import type { DateKind, Family, HeaderMatch } from './header';

/** What a layout signature stands for (every row of one signature shares these). */
export interface SigInfo {
  key: string;
  family: Family;
  kind: DateKind;
  timeFirst: boolean;
  sep: string;
}

export class HeaderTable {
  /**
   * One instance alive for the life of the module. Optimised code refers to an instance's hidden
   * class only weakly: were every table collected between two parses, that code would be thrown
   * away and every parse would start cold again.
   */
  static readonly shapeAnchor: HeaderTable = new HeaderTable([], 0);

  n = 0;
  line: Int32Array;
  bodyStart: Int32Array;
  a: Int32Array;
  b: Int32Array;
  c: Int32Array;
  /** Digits written for a | b << 4 | c << 8, and (era position + 1) << 12 (0: no era mark). */
  lens: Uint16Array;
  /** hour << 12 | minute << 6 | second, hour as written (before AM/PM). */
  time: Int32Array;
  clock: Uint16Array;
  era: Uint16Array;
  sig: Uint16Array;
  readonly clocks: string[] = [''];
  readonly eras: string[] = [''];
  readonly sigs: SigInfo[] = [];
  private readonly clockIds = new Map<string, number>([['', 0]]);
  private readonly eraIds = new Map<string, number>([['', 0]]);
  private readonly sigIds = new Map<string, number>();
  private lastClock = '';
  private lastClockId = 0;

  // Filled by later stages.
  ts: string[] = [];
  system: Uint8Array = new Uint8Array(0);
  author: (string | null)[] = [];
  textStart: Int32Array = new Int32Array(0);
  candidates = new Map<number, AuthorCandidates>();
  /** 1 for rows the whole file's evidence may re-attribute (see items.ts revisit). */
  revisit: Uint8Array = new Uint8Array(0);

  /** The export's lines (rows point into them). */
  readonly lines: readonly string[];

  constructor(lines: readonly string[], capacity: number) {
    this.lines = lines;
    const n = Math.max(16, capacity);
    this.line = new Int32Array(n);
    this.bodyStart = new Int32Array(n);
    this.a = new Int32Array(n);
    this.b = new Int32Array(n);
    this.c = new Int32Array(n);
    this.lens = new Uint16Array(n);
    this.time = new Int32Array(n);
    this.clock = new Uint16Array(n);
    this.era = new Uint16Array(n);
    this.sig = new Uint16Array(n);
  }

  private grow(): void {
    const n = this.line.length * 2;
    const g32 = (x: Int32Array): Int32Array => {
      const y = new Int32Array(n);
      y.set(x);
      return y;
    };
    const g16 = (x: Uint16Array): Uint16Array => {
      const y = new Uint16Array(n);
      y.set(x);
      return y;
    };
    this.line = g32(this.line);
    this.bodyStart = g32(this.bodyStart);
    this.a = g32(this.a);
    this.b = g32(this.b);
    this.c = g32(this.c);
    this.lens = g16(this.lens);
    this.time = g32(this.time);
    this.clock = g16(this.clock);
    this.era = g16(this.era);
    this.sig = g16(this.sig);
  }

  private id(map: Map<string, number>, list: string[], value: string): number {
    let id = map.get(value);
    if (id === undefined) {
      id = list.length;
      list.push(value);
      map.set(value, id);
    }
    return id;
  }

  /** Id of a signature key, registering its info on first sight. */
  sigId(key: string, h: HeaderMatch): number {
    let id = this.sigIds.get(key);
    if (id === undefined) {
      id = this.sigs.length;
      this.sigs.push({ key, family: h.family, kind: h.kind, timeFirst: h.timeFirst, sep: h.sep });
      this.sigIds.set(key, id);
    }
    return id;
  }

  push(h: HeaderMatch, line: number, sig: number): void {
    if (this.n === this.line.length) this.grow();
    const i = this.n++;
    this.line[i] = line;
    this.bodyStart[i] = h.bodyStart;
    this.a[i] = h.a;
    this.b[i] = h.b;
    this.c[i] = h.c;
    this.lens[i] = h.la | (h.lb << 4) | (h.lc << 8) | ((h.eraPos + 1) << 12);
    this.time[i] = (h.hour << 12) | (h.minute << 6) | h.second;
    if (h.clock !== this.lastClock) {
      this.lastClock = h.clock;
      this.lastClockId = h.clock === '' ? 0 : this.id(this.clockIds, this.clocks, h.clock);
    }
    this.clock[i] = this.lastClockId;
    this.era[i] = h.era === '' ? 0 : this.id(this.eraIds, this.eras, h.era);
    this.sig[i] = sig;
  }

  /** Row i's raw body: its header line after the timestamp header. */
  body(i: number): string {
    return (this.lines[this.line[i] ?? 0] ?? '').slice(this.bodyStart[i] ?? 0);
  }

  la(i: number): number {
    return (this.lens[i] ?? 0) & 15;
  }
  lb(i: number): number {
    return ((this.lens[i] ?? 0) >> 4) & 15;
  }
  lc(i: number): number {
    return ((this.lens[i] ?? 0) >> 8) & 15;
  }
  /** Written component carrying the era mark: 0 (a), 2 (c), -1 none. */
  eraPos(i: number): number {
    return (((this.lens[i] ?? 0) >> 12) & 3) - 1;
  }
  hour(i: number): number {
    return (this.time[i] ?? 0) >> 12;
  }
  minute(i: number): number {
    return ((this.time[i] ?? 0) >> 6) & 63;
  }
  second(i: number): number {
    return (this.time[i] ?? 0) & 63;
  }
  clockOf(i: number): string {
    return this.clocks[this.clock[i] ?? 0] ?? '';
  }
  eraOf(i: number): string {
    return this.eras[this.era[i] ?? 0] ?? '';
  }
  sigOf(i: number): SigInfo {
    return this.sigs[this.sig[i] ?? 0] as SigInfo;
  }

  /** Keeps the rows whose flag is set (numeric columns and ts; run before later stages fill theirs). */
  keepRows(keep: Uint8Array): void {
    let w = 0;
    for (let r = 0; r < this.n; r++) {
      if (keep[r] !== 1) continue;
      if (w !== r) {
        this.line[w] = this.line[r] ?? 0;
        this.bodyStart[w] = this.bodyStart[r] ?? 0;
        this.a[w] = this.a[r] ?? 0;
        this.b[w] = this.b[r] ?? 0;
        this.c[w] = this.c[r] ?? 0;
        this.lens[w] = this.lens[r] ?? 0;
        this.time[w] = this.time[r] ?? 0;
        this.clock[w] = this.clock[r] ?? 0;
        this.era[w] = this.era[r] ?? 0;
        this.sig[w] = this.sig[r] ?? 0;
        if (this.ts.length > r) this.ts[w] = this.ts[r] ?? '';
      }
      w++;
    }
    this.n = w;
    if (this.ts.length > w) this.ts.length = w;
  }
}
