// The memory rule sets by language tag, each built on first use. Adding a language: write its table
// (see types.ts) and list it here. Invariant: keys are the tags lang.ts returns, so a detected
// language finds its rules.

import { deRules } from './de';
import { enRules } from './en';
import { esRules } from './es';
import { frRules } from './fr';
import { itRules } from './it';
import { nlRules } from './nl';
import { ptRules } from './pt';
import { ruRules } from './ru';
import type { LangRules } from './types';

const FACTORIES: Readonly<Record<string, () => LangRules>> = {
  en: enRules,
  de: deRules,
  es: esRules,
  fr: frRules,
  it: itRules,
  pt: ptRules,
  nl: nlRules,
  ru: ruRules,
};

/** Tags that have a rule set. */
export const MEMORY_LANGUAGES: readonly string[] = Object.keys(FACTORIES);

const built = new Map<string, LangRules>();

/** The rule set of a language tag, or undefined when there is none. */
export function memoryRules(tag: string): LangRules | undefined {
  let rules = built.get(tag);
  if (rules === undefined) {
    const factory = FACTORIES[tag];
    if (factory === undefined) return undefined;
    rules = factory();
    built.set(tag, rules);
  }
  return rules;
}
