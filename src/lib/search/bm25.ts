// Okapi BM25 over a fixed list of texts (the same texts that are embedded), for the lexical half of
// hybrid retrieval: names, slang and rare words match even when the embedder is weak.
// Invariant: document positions are the positions of the input texts, like the vector index's.

import { tokenize } from './tokenize';

export interface Bm25Options {
  k1?: number;
  b?: number;
}

export interface LexicalHit {
  index: number;
  score: number;
}

export class Bm25 {
  readonly size: number;
  readonly #k1: number;
  readonly #b: number;
  readonly #avgLength: number;
  readonly #lengths: Uint32Array;
  /** term -> (document position -> term frequency), as two parallel arrays per term. */
  readonly #postings = new Map<string, { docs: number[]; freqs: number[] }>();

  constructor(texts: readonly string[], options: Bm25Options = {}) {
    this.#k1 = options.k1 ?? 1.2;
    this.#b = options.b ?? 0.75;
    this.size = texts.length;
    this.#lengths = new Uint32Array(texts.length);
    let total = 0;
    texts.forEach((text, doc) => {
      const counts = new Map<string, number>();
      const tokens = tokenize(text);
      for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
      this.#lengths[doc] = tokens.length;
      total += tokens.length;
      for (const [term, freq] of counts) {
        let posting = this.#postings.get(term);
        if (posting === undefined) {
          posting = { docs: [], freqs: [] };
          this.#postings.set(term, posting);
        }
        posting.docs.push(doc);
        posting.freqs.push(freq);
      }
    });
    this.#avgLength = texts.length === 0 ? 0 : total / texts.length;
  }

  /** BM25's idf with the +1 inside the log, so a term in most documents still scores >= 0. */
  idf(term: string): number {
    const df = this.#postings.get(term)?.docs.length ?? 0;
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /** Scores of every document sharing a word with the query, as a sparse map. */
  scores(query: string): Map<number, number> {
    const out = new Map<number, number>();
    const terms = new Set(tokenize(query));
    for (const term of terms) {
      const posting = this.#postings.get(term);
      if (posting === undefined) continue;
      const idf = this.idf(term);
      for (let i = 0; i < posting.docs.length; i++) {
        const doc = posting.docs[i] ?? 0;
        const freq = posting.freqs[i] ?? 0;
        const norm = 1 - this.#b + (this.#b * (this.#lengths[doc] ?? 0)) / (this.#avgLength || 1);
        const score = (idf * freq * (this.#k1 + 1)) / (freq + this.#k1 * norm);
        out.set(doc, (out.get(doc) ?? 0) + score);
      }
    }
    return out;
  }

  search(query: string, k: number, accept?: (index: number) => boolean): LexicalHit[] {
    const hits: LexicalHit[] = [];
    for (const [index, score] of this.scores(query)) if (accept === undefined || accept(index)) hits.push({ index, score });
    hits.sort((a, b) => b.score - a.score || a.index - b.index);
    return hits.slice(0, k);
  }
}
