// Every language table the WhatsApp classifier knows, in tie-break order (first wins a tied vote).
// Adding a language = adding a table file and listing it here; nothing else changes.

import { ar } from './ar';
import { cs } from './cs';
import { de } from './de';
import { en } from './en';
import { es } from './es';
import { extra } from './extra';
import { fr } from './fr';
import { he } from './he';
import { hi } from './hi';
import { id } from './id';
import { it } from './it';
import { ja } from './ja';
import { ko } from './ko';
import { nl } from './nl';
import { pl } from './pl';
import { ptBR, ptPT } from './pt';
import { ru } from './ru';
import { tr } from './tr';
import type { LocaleTable } from './types';
import { zh } from './zh';

export type { LocaleTable, SystemRule } from './types';

export const LOCALES: readonly LocaleTable[] = [
  en,
  de,
  es,
  fr,
  it,
  ptBR,
  ptPT,
  nl,
  ru,
  ar,
  ja,
  zh,
  tr,
  he,
  cs,
  pl,
  id,
  hi,
  ko,
  ...extra,
];
