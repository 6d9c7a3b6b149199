// Small helpers the per-language statement templates share: capitalising a statement's first letter,
// joining words around an elided preposition ("all'ospedale", "d'Anna"), and picking the third-person
// form of the verb the person used. Invariant: no language's words live here.

/** First letter upper-cased (a statement starts like a sentence). */
export function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Words joined by single spaces, empty parts left out, nothing after an elided word ("all'", "l'"). */
export function join(...parts: readonly string[]): string {
  let out = '';
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '') continue;
    out += out === '' || out.endsWith("'") ? part : ` ${part}`;
  }
  return cap(out);
}

/** The mapped form of the first word of `trigger` found in `forms` (keys lowercase), else `fallback`. */
export function verbForm(trigger: string, forms: Readonly<Record<string, string>>, fallback: string): string {
  for (const w of trigger.toLowerCase().split(/[\s,]+/u)) {
    const form = forms[w];
    if (form !== undefined) return form;
  }
  return fallback;
}

/** A kin table "relation: definite | indefinite" -> the two phrases (missing entries: the key itself). */
export function kinPhrases(table: Readonly<Record<string, string>>): (relation: string) => { def: string; indef: string } {
  return (relation) => {
    const [def = relation, indef = def] = (table[relation] ?? relation).split('|').map((x) => x.trim());
    return { def, indef };
  };
}
