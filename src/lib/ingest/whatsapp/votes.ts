// Locale voting: every recognised UI string votes for its language; the export's locale is the
// language with most votes (regional tags summed under their base language first).

export class LocaleVotes {
  /** Keeps this class's hidden class alive between parses (see HeaderTable.shapeAnchor). */
  static readonly shapeAnchor: LocaleVotes = new LocaleVotes([]);

  private readonly score = new Map<string, number>();

  constructor(private readonly order: readonly string[]) {}

  add(lang: string | null | undefined, weight = 1): void {
    if (lang === null || lang === undefined) return;
    this.score.set(lang, (this.score.get(lang) ?? 0) + weight);
  }

  /** Languages with at least one vote. */
  voted(): string[] {
    return [...this.score.keys()];
  }

  /** The winning BCP 47 tag, or null without votes. Ties go to the earlier language in `order`. */
  top(): string | null {
    const base = (tag: string): string => tag.split('-')[0] ?? tag;
    const byBase = new Map<string, number>();
    for (const [lang, n] of this.score) byBase.set(base(lang), (byBase.get(base(lang)) ?? 0) + n);
    let bestBase: string | null = null;
    let bestN = 0;
    for (const lang of this.order) {
      const n = byBase.get(base(lang)) ?? 0;
      if (n > bestN) {
        bestN = n;
        bestBase = base(lang);
      }
    }
    if (bestBase === null) return null;
    let bestTag = bestBase;
    let tagN = -1;
    for (const lang of this.order) {
      const n = this.score.get(lang) ?? 0;
      if (base(lang) === bestBase && n > tagN) {
        tagN = n;
        bestTag = lang;
      }
    }
    return bestTag;
  }
}
