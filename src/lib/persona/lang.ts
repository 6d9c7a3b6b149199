// A small per-message language guesser for chat text: the script decides for non-Latin scripts
// (ru/uk, ar/fa, he, ja, zh, ko, th, el, hi...), frequent function words (plus a few telltale letters)
// decide between Latin-script languages. Invariants: returns null rather than guess on too little
// evidence (a lone "ok" or "lol" has no language); pure and fast (one map lookup per word).

/** Function words that are frequent in chat, per Latin-script language. Shared words score less. */
const STOPWORDS: Readonly<Record<string, string>> = {
  en: "the a an and but or is are was were be been am i i'm im you your it it's its this that what with for of to in on at my me we they he she not no don't dont do does did have has had just so can will would there here how why when if because yes yeah from about",
  de: 'der die das und ist nicht ich du er sie es wir ihr ein eine einen mit auf für von zu den dem des im ist sind war bin bist hast habe auch aber oder wie was wo warum ja nein noch schon mal doch nur sehr jetzt dann kann gut heute morgen dich mich mir dir',
  es: 'el la los las y que de en un una es no sí si pero mis tus su sus por para con mi tu te lo le me se qué como cómo muy más ya bueno está estoy eres soy también pues hoy mañana yo tú eso esto porque cuando donde hay vale',
  fr: "le la les et est un une des de du en que qui je tu il elle nous vous ils pas ne mais pour avec sur dans ce ça c'est j'ai oui non mon ma mes ton ta tes suis es très bien aussi alors quoi comment pourquoi moi toi on",
  it: "il lo la i gli le e ed è un una di da in che non per con mi ti si se ma sono sei io tu lui lei noi voi ho hai ha mio mia tuo tua suo sua anche come cosa perché perchè quando dove più molto bene sì ci ne questo quello già poi oggi domani stasera allora adesso c'è",
  pt: 'o a os as e é um uma de do da dos das em no na que não com para por eu você voce tu ele ela nós meu minha seu sua mas mais muito bem sim também tambem está estou tá ta vou vai foi isso isto hoje amanhã aqui agora então entao né',
  nl: "de het een en is niet ik je jij u hij zij we wij ze van in op met voor naar maar ook wat hoe waarom waar als dat dit er zijn ben bent heb hebt had nog wel al dan geen ja nee mijn jouw goed vandaag morgen 't",
  cs: 'a je to se na že v ve s z do k o ale jsem jsi jsme jste není já ty on ona my vy co jak proč kde kdy ano ne taky také už ještě jen tak moc dobře mám máš bude byl byla',
  tr: 've bir bu da de ne ben sen o biz siz onlar mi mı mu mü için ile ama çok var yok evet hayır değil gibi daha şimdi sonra bugün yarın nasıl neden nerede iyi tamam şey',
  pl: 'i w na z że to jest nie się do co jak ale tak ja ty on ona my wy czy już jeszcze tylko bardzo dobrze mam masz być był była jestem jesteś dzisiaj jutro gdzie kiedy dlaczego',
  sv: 'och att det som en är på i för med jag du han hon vi de inte har hade var ska kan om men så här där nu också bara mycket bra ja nej idag imorgon',
  id: 'dan yang di ke dari ini itu aku saya kamu kau dia kami kita mereka tidak nggak gak ga udah sudah belum ada apa juga sama bisa mau lagi aja banget',
};

/**
 * Frequent chat words that tell a language but are not function words (short English messages are
 * mostly "see u there", "gonna", "thanks"): language cues only, never stripped or filtered as grammar.
 */
const CHAT_CUES: Readonly<Record<string, string>> = {
  en: "see now then really know think got get going gonna wanna thanks thank sorry time good love want need tho btw omg u ur " +
    "what's that's there's can't won't didn't doesn't isn't i'll i've i'd you're let's like all out up one",
};

/** Letters that (nearly) only one candidate language uses in chat. */
const LETTERS: readonly (readonly [RegExp, string])[] = [
  [/ß/, 'de'],
  [/[ñ¿¡]/, 'es'],
  [/[ãõ]/, 'pt'],
  [/[ěřů]/, 'cs'],
  [/[ğşı]/, 'tr'],
  [/[ąęłśźżń]/, 'pl'],
  [/[œ]/, 'fr'],
  [/å/, 'sv'],
];

export const LATIN_LANGUAGES: readonly string[] = Object.keys(STOPWORDS);

/** Word -> indexes (into LATIN_LANGUAGES) of the languages listing it (function words and chat cues). */
const WORD_LANGS = new Map<string, number[]>();
const FUNCTION_WORDS = new Set<string>();
LATIN_LANGUAGES.forEach((tag, index) => {
  for (const w of `${STOPWORDS[tag] ?? ''} ${CHAT_CUES[tag] ?? ''}`.split(' ')) {
    if (w === '') continue;
    const list = WORD_LANGS.get(w);
    if (list === undefined) WORD_LANGS.set(w, [index]);
    else if (!list.includes(index)) list.push(index);
  }
  for (const w of (STOPWORDS[tag] ?? '').split(' ')) FUNCTION_WORDS.add(w);
});
const LETTER_HINT = /[ßñ¿¡ãõěřůğşıąęłśźżńœå]/;

/** Anything in the BMP outside Basic Latin, Latin-1, Latin Extended A/B and Additional, and general punctuation. */
// Astral characters are left out: they are emoji or rare scripts this guesser does not name anyway.
const NON_LATIN = /[\u0250-\u1DFF\u1F00-\u1FFF\u2070-\uD7FF\uE000-\uFFFF]/;

/** Script of a code point as a language tag (or 'latin' / null for none). */
function scriptOf(c: number): string | null {
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7)) return 'latin';
  if (c >= 0x400 && c <= 0x4ff) return 'ru';
  if (c >= 0x600 && c <= 0x6ff) return 'ar';
  if (c >= 0x590 && c <= 0x5ff) return 'he';
  if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0x31f0 && c <= 0x31ff)) return 'ja';
  if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) return 'zh';
  if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f)) return 'ko';
  if (c >= 0xe00 && c <= 0xe7f) return 'th';
  if (c >= 0x370 && c <= 0x3ff) return 'el';
  if (c >= 0x900 && c <= 0x97f) return 'hi';
  if (c >= 0x980 && c <= 0x9ff) return 'bn';
  if (c >= 0x530 && c <= 0x58f) return 'hy';
  if (c >= 0x10a0 && c <= 0x10ff) return 'ka';
  return null;
}

function byScript(text: string): string | null {
  const counts = new Map<string, number>();
  for (let i = 0; i < text.length; i++) {
    const s = scriptOf(text.charCodeAt(i));
    if (s !== null) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestN = 0;
  for (const [s, n] of counts) {
    if (n > bestN) {
      best = s;
      bestN = n;
    }
  }
  if (best === null || best === 'latin') return best;
  // Kana anywhere makes Han text Japanese; a few Cyrillic/Arabic letters tell Ukrainian and Persian apart.
  if (best === 'zh' && (counts.get('ja') ?? 0) > 0) return 'ja';
  if (best === 'ru' && /[іїєґІЇЄҐ]/.test(text)) return 'uk';
  if (best === 'ar' && /[پچژگ]/.test(text)) return 'fa';
  return best;
}

/** Indexes (into LATIN_LANGUAGES) of the languages that list `token` as a function word. */
export function wordLanguages(token: string): readonly number[] | undefined {
  return WORD_LANGS.get(token);
}

/**
 * Language of one message as a BCP 47 tag, or null when there is too little to tell.
 * `tokens` are the message's lowercase word tokens.
 */
export function detectLanguage(text: string, tokens: readonly string[]): string | null {
  const lists: (readonly number[])[] = [];
  for (const t of tokens) {
    const langs = WORD_LANGS.get(t);
    if (langs !== undefined) lists.push(langs);
  }
  return pickLanguage(text, lists);
}

const scores = new Float64Array(LATIN_LANGUAGES.length);

/**
 * detectLanguage for callers that already looked the words up (wordLanguages of each token that has
 * languages): the style profile caches that per distinct word.
 */
export function pickLanguage(text: string, wordLists: readonly (readonly number[])[]): string | null {
  if (NON_LATIN.test(text)) {
    const script = byScript(text);
    if (script !== 'latin') return script;
  }
  let any = false;
  scores.fill(0);
  for (const langs of wordLists) {
    any = true;
    const w = 1 / langs.length;
    for (const l of langs) scores[l] = (scores[l] ?? 0) + w;
  }
  if (LETTER_HINT.test(text)) {
    for (const [re, tag] of LETTERS) {
      if (!re.test(text)) continue;
      const l = LATIN_LANGUAGES.indexOf(tag);
      scores[l] = (scores[l] ?? 0) + 0.75;
      any = true;
    }
  }
  if (!any) return null;
  let best = -1;
  let bestScore = 0;
  let second = 0;
  for (let l = 0; l < scores.length; l++) {
    const s = scores[l] ?? 0;
    if (s > bestScore) {
      second = bestScore;
      bestScore = s;
      best = l;
    } else if (s > second) second = s;
  }
  // One clear function word is enough; a tie (Romance "de", "e", "la") is not.
  if (best < 0 || bestScore < 0.75 || bestScore === second) return null;
  return LATIN_LANGUAGES[best] ?? null;
}

/** True for a frequent function word of one of the Latin-script languages ("the", "di", "und"). */
export function isFunctionWord(token: string): boolean {
  return FUNCTION_WORDS.has(token);
}

const NAMES: Readonly<Record<string, string>> = {
  en: 'English', de: 'German', es: 'Spanish', fr: 'French', it: 'Italian', pt: 'Portuguese', nl: 'Dutch',
  cs: 'Czech', tr: 'Turkish', pl: 'Polish', sv: 'Swedish', id: 'Indonesian', ru: 'Russian', uk: 'Ukrainian',
  ar: 'Arabic', fa: 'Persian', he: 'Hebrew', ja: 'Japanese', zh: 'Chinese', ko: 'Korean', th: 'Thai',
  el: 'Greek', hi: 'Hindi', bn: 'Bengali', hy: 'Armenian', ka: 'Georgian',
};

/** English name of a tag this module can return (the tag itself for anything else). */
export function languageName(tag: string): string {
  return NAMES[tag] ?? tag;
}
