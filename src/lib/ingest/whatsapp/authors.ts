// Author resolution for "Name: text" bodies where the name itself may contain ": ".
// Invariants: the default author is the text before the first ": "; a longer prefix wins only with
// evidence from the whole file (it recurs as a prefix, or a system line names it), so a message
// starting with "Re: ..." never changes who wrote it.

/** Where a person line's author may end: cleaned candidate names and the raw index their text starts at. */
export interface AuthorCandidates {
  names: string[];
  textStarts: number[];
}

const MAX_NAME = 80;
const MAX_CANDIDATES = 4;

/** Candidate splits of a raw body at each ": " (first one always; longer ones if short enough). */
export function candidatesOf(raw: string, clean: (s: string) => string): AuthorCandidates {
  const names: string[] = [];
  const textStarts: number[] = [];
  let i = raw.indexOf(': ');
  while (i !== -1 && names.length < MAX_CANDIDATES) {
    if (names.length > 0 && i > MAX_NAME) break;
    names.push(clean(raw.slice(0, i)));
    textStarts.push(i + 2);
    // Text WhatsApp wrote ("‎<attached: x>", "‎Location: y") is never part of a name.
    const next = raw.charCodeAt(i + 2);
    if (next === 0x200e || next === 0x200f || next === 0x3c || next === 0x20) break;
    i = raw.indexOf(': ', i + 2);
  }
  return { names, textStarts };
}

interface Seen {
  name: string;
  n: number;
}

export class AuthorResolver {
  /** Keeps this class's hidden class alive between parses (see HeaderTable.shapeAnchor). */
  static readonly shapeAnchor: AuthorResolver = new AuthorResolver((raw) => raw);

  private readonly first = new Map<string, Seen>();
  private readonly prefix = new Map<string, number>();

  constructor(private readonly clean: (raw: string) => string) {}

  private readonly byRaw = new Map<string, Seen>();

  /**
   * Registers a person line whose body has a single ": " and returns its author, cleaned and
   * interned: a chat has few distinct raw names (often wrapped in bidi marks), so one lookup by the
   * raw text usually settles it. '' when the name is empty once cleaned.
   */
  author(raw: string): string {
    const hit = this.byRaw.get(raw);
    if (hit !== undefined) {
      hit.n++;
      return hit.name;
    }
    const name = this.clean(raw);
    if (name === '') return '';
    let seen = this.first.get(name);
    if (seen === undefined) {
      seen = { name, n: 0 };
      this.first.set(name, seen);
    }
    seen.n++;
    if (this.byRaw.size < 4096) this.byRaw.set(raw, seen);
    return seen.name;
  }

  /** Registers a person line (pass 1). */
  add(c: AuthorCandidates): void {
    const p1 = c.names[0];
    if (p1 === undefined) return;
    c.names[0] = this.addName(p1);
    for (let k = 1; k < c.names.length; k++) {
      const pk = c.names[k] ?? '';
      this.prefix.set(pk, (this.prefix.get(pk) ?? 0) + 1);
    }
  }

  /**
   * Registers a person line whose body has a single ": " and returns the name interned: 100k
   * messages then share a handful of author strings.
   */
  addName(name: string): string {
    const seen = this.first.get(name);
    if (seen !== undefined) {
      seen.n++;
      return seen.name;
    }
    this.first.set(name, { name, n: 1 });
    return name;
  }

  /** True when some person line's first split produced `name`. */
  isKnown(name: string): boolean {
    return this.first.has(name);
  }

  /**
   * Index of the candidate to use (pass 2). A longer name wins only when every line starting with the
   * short form continues with it, and it recurs (two lines or more) or a system line names it.
   */
  choose(c: AuthorCandidates, mentionedInSystem: (name: string) => boolean): number {
    const p1 = c.names[0];
    if (p1 === undefined || c.names.length < 2) return 0;
    const firstCount = this.first.get(p1)?.n ?? 0;
    for (let k = c.names.length - 1; k >= 1; k--) {
      const pk = c.names[k] ?? '';
      const n = this.prefix.get(pk) ?? 0;
      if (pk.length > MAX_NAME || /https?:\/\//.test(pk)) continue;
      if (n !== firstCount) continue;
      if (n >= 2 || mentionedInSystem(pk)) return k;
    }
    return 0;
  }
}
