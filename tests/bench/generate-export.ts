// Synthetic WhatsApp exports for the ingest benchmark and for tests that need a big, realistic chat.
// Invariants: the output depends only on (messages, layout, seed); `expected` is the parse a correct
// parser must produce (person items, system items, per-author counts with bidi marks stripped).
// Pure: no node APIs, so e2e helpers and workers can reuse it.

/** The export flavours we can write: platform, UI language and date/time layout of one real family. */
export type ExportLayout =
  | 'android-en-GB' // 31/12/2023, 21:05 - Name: text            <Media omitted>
  | 'android-en-US-12h' // 12/31/23, 9:05 PM - Name: text (U+202F)   IMG-... (file attached)
  | 'ios-en' // [12/31/23, 21:05:09] Name: text, CRLF       U+200E image omitted
  | 'ios-de' // [31.12.23, 21:05:09] Name: text             U+200E <Anhang: 00000012-PHOTO-...>
  | 'android-ru'; // 31.12.2023, 21:05 - Name: text            <Без медиафайлов>

export const EXPORT_LAYOUTS: readonly ExportLayout[] = [
  'android-en-GB',
  'android-en-US-12h',
  'ios-en',
  'ios-de',
  'android-ru',
];

export interface GenerateExportOptions {
  /** Person-written items to produce (every kind but system); system lines come on top (~1%). */
  messages: number;
  layout: ExportLayout;
  seed: number;
}

export interface ExpectedParse {
  /** Items with an author: messages, media, deleted, calls, locations, polls, contacts. */
  messages: number;
  /** Items without an author. */
  system: number;
  /** Person items per author, names as a parser must report them (bidi/format marks removed). */
  authors: Record<string, number>;
}

export interface GeneratedExport {
  text: string;
  expected: ExpectedParse;
  /** A realistic file name for the export (parsers may read a chat name from it). */
  fileName: string;
}

const LRM = '\u200E';
const LRE = '\u202A';
const PDF = '\u202C';
const NNBSP = '\u202F';
const FSI = '\u2068';
const PDI = '\u2069';

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

type Rng = () => number;

// mulberry32: tiny, fast, and good enough for test data; Math.random would break determinism.
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Mixes the layout into the seed so the same seed gives different (but fixed) chats per layout.
function hashString(s: string, seed: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const a = out[i];
    const b = out[j];
    if (a === undefined || b === undefined) continue;
    out[i] = b;
    out[j] = a;
  }
  return out;
}

function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

// ---------------------------------------------------------------------------------------------
// Language tables: the UI strings WhatsApp writes, as found in real exports of each language

interface SystemStrings {
  encryption: string;
  created: (actor: string, group: string) => string;
  added: (actor: string, who: string) => string;
  joinedByLink: (who: string) => string;
  left: (who: string) => string;
  removed: (actor: string, who: string) => string;
  subject: (actor: string, from: string, to: string) => string;
  icon: (actor: string) => string;
  description: (actor: string) => string;
  securityCode: (who: string) => string;
}

interface Language {
  you: string;
  words: readonly string[];
  names: readonly string[];
  phones: readonly string[];
  groups: readonly string[];
  /** Said by a person who joins in with a one-word reply, the most common message of all. */
  short: readonly string[];
  deletedByOther: string;
  deletedBySelf: string;
  missedCall: readonly string[];
  location: string;
  contactCard: string;
  /** Android "without media" placeholder. */
  mediaOmitted: string;
  /** iOS "without media" placeholders, one per media type. */
  iosOmitted: readonly string[];
  /** iOS "with media" marker, e.g. `<attached: ...>`. */
  attached: string;
  /** Android "with media" suffix, e.g. `(file attached)`. */
  fileAttached: string;
  edited: string | null;
  /** `POLL:` / `OPTION:` keywords of a poll, null where we have not seen a real localized one. */
  poll: { head: string; option: string; votes: (n: number) => string } | null;
  android: SystemStrings;
  ios: SystemStrings;
}

const ENGLISH_WORDS = [
  'the', 'a', 'I', 'you', 'we', 'it', 'is', 'are', 'was', 'be', 'to', 'of', 'and', 'in', 'on', 'at',
  'for', 'with', 'that', 'this', 'just', 'so', 'really', 'not', 'no', 'yes', 'yeah', 'ok', 'okay',
  'think', 'know', 'going', 'get', 'got', 'see', 'come', 'home', 'later', 'tomorrow', 'tonight',
  'today', 'now', 'soon', 'time', 'work', 'dinner', 'lunch', 'coffee', 'train', 'bus', 'car', 'late',
  'sorry', 'thanks', 'great', 'good', 'nice', 'love', 'funny', 'weird', 'tired', 'busy', 'free',
  'weekend', 'party', 'movie', 'game', 'match', 'shop', 'milk', 'bread', 'keys', 'phone', 'call me',
  'what', 'when', 'where', 'why', 'how', 'who', 'can', 'could', 'would', 'should', 'will', "don't",
  "can't", "I'm", "it's", "that's", 'maybe', 'probably', 'definitely', 'literally', 'honestly', 'about',
  'pick', 'up', 'send', 'photos', 'pics', 'from', 'yesterday', 'mum', 'dad', 'kids', 'dog', 'cat',
  'rain', 'sunny', 'cold', 'hot', 'pizza', 'sushi', 'beer', 'wine', 'gym', 'run', 'walk', 'park',
  'beach', 'holiday', 'flight', 'hotel', 'booked', 'ticket', 'parking', 'meeting', 'boss', 'email',
  'haha', 'lol', 'omg', 'btw', 'tbh', 'idk', 'brb', 'omw', 'x', 'xx', 'hmm', 'wow', 'nah', 'sure',
];

const GERMAN_WORDS = [
  'ich', 'du', 'wir', 'ihr', 'es', 'das', 'der', 'die', 'ist', 'sind', 'war', 'bin', 'und', 'oder',
  'aber', 'auch', 'noch', 'schon', 'mal', 'doch', 'ja', 'nein', 'nicht', 'kein', 'gleich', 'später',
  'morgen', 'heute', 'abend', 'jetzt', 'bald', 'Zeit', 'Arbeit', 'Essen', 'Kaffee', 'Zug', 'Bahn',
  'Auto', 'spät', 'sorry', 'danke', 'super', 'gut', 'schön', 'lieb', 'lustig', 'komisch', 'müde',
  'Wochenende', 'Party', 'Film', 'Spiel', 'Einkaufen', 'Milch', 'Brot', 'Schlüssel', 'Handy', 'ruf',
  'mich', 'an', 'was', 'wann', 'wo', 'warum', 'wie', 'wer', 'kannst', 'könnte', 'würde', 'sollen',
  'vielleicht', 'wahrscheinlich', 'bestimmt', 'ehrlich', 'über', 'abholen', 'schick', 'Fotos', 'von',
  'gestern', 'Mama', 'Papa', 'Kinder', 'Hund', 'Katze', 'Regen', 'sonnig', 'kalt', 'warm', 'Pizza',
  'Bier', 'Wein', 'Training', 'laufen', 'Park', 'Strand', 'Urlaub', 'Flug', 'Hotel', 'gebucht',
  'Ticket', 'Parkplatz', 'Termin', 'Chef', 'Mail', 'haha', 'lol', 'krass', 'genau', 'passt', 'klar',
  'Straße', 'Größe', 'Grüße', 'tschüss', 'übrigens', 'fährst', 'hätte', 'wäre', 'läuft',
];

const RUSSIAN_WORDS = [
  'я', 'ты', 'мы', 'вы', 'он', 'она', 'это', 'и', 'а', 'но', 'или', 'не', 'да', 'нет', 'уже',
  'ещё', 'тоже', 'просто', 'очень', 'сейчас', 'потом', 'завтра', 'сегодня', 'вечером', 'скоро',
  'время', 'работа', 'ужин', 'обед', 'кофе', 'поезд', 'автобус', 'машина', 'поздно', 'извини',
  'спасибо', 'отлично', 'хорошо', 'классно', 'смешно', 'странно', 'устал', 'занят', 'свободен',
  'выходные', 'кино', 'игра', 'магазин', 'молоко', 'хлеб', 'ключи', 'телефон', 'позвони', 'мне',
  'что', 'когда', 'где', 'почему', 'как', 'кто', 'можешь', 'могу', 'надо', 'будет', 'может',
  'наверное', 'точно', 'честно', 'про', 'забрать', 'скинь', 'фото', 'вчера', 'мама', 'папа', 'дети',
  'собака', 'кошка', 'дождь', 'солнце', 'холодно', 'жарко', 'пицца', 'пиво', 'зал', 'парк', 'море',
  'отпуск', 'билет', 'гостиница', 'встреча', 'начальник', 'почта', 'хаха', 'ахах', 'ок', 'ладно',
  'давай', 'пока', 'привет', 'норм', 'круто', 'жесть', 'щас', 'ну', 'вообще', 'кстати',
];

const EMOJI = [
  '😂', '❤️', '😊', '🙈', '🎉', '🔥', '😅', '🤣', '😭', '👀', '✨', '🥲', '😘', '🙄', '😎', '🤔',
  '👍🏽', '👋🏻', '🙏🏾', '💪🏼', '👌🏿', '🤞🏻', // skin-tone modifiers
  '👨‍👩‍👧‍👦', '🏳️‍🌈', '👩🏽‍💻', '🤦🏻‍♂️', '🧑🏿‍🤝‍🧑🏻', '❤️‍🔥', '😶‍🌫️', '🏃‍♀️', // ZWJ sequences
  '🇩🇪', '🇬🇧', '🇷🇺', '🇺🇸', // flags (regional-indicator pairs)
];

const ENGLISH: Omit<Language, 'names' | 'phones'> = {
  you: 'You',
  words: ENGLISH_WORDS,
  groups: ['Trip to Lisbon 🏖️', 'Book club 📚', 'Family ❤️', 'Flat 3B', 'Five-a-side ⚽', 'Uni friends 🎓'],
  short: ['ok', 'Ok', 'haha', 'Hahaha', 'yes', 'no', 'lol', 'Thanks!', 'sure', 'omw', 'Nice', '👍', '😂😂😂', 'xx'],
  deletedByOther: 'This message was deleted',
  deletedBySelf: 'You deleted this message',
  missedCall: ['Missed voice call', 'Missed video call'],
  location: 'location: https://maps.google.com/?q=',
  contactCard: 'Contact card omitted',
  mediaOmitted: '<Media omitted>',
  iosOmitted: ['image omitted', 'image omitted', 'video omitted', 'audio omitted', 'sticker omitted', 'GIF omitted'],
  attached: 'attached',
  fileAttached: '(file attached)',
  edited: '<This message was edited>',
  poll: { head: 'POLL:', option: 'OPTION:', votes: (n) => (n === 1 ? '1 vote' : `${n} votes`) },
  android: {
    encryption:
      'Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.',
    created: (a, g) => `${a} created group "${g}"`,
    added: (a, w) => `${a} added ${w}`,
    joinedByLink: (w) => `${w} joined using this group's invite link`,
    left: (w) => `${w} left`,
    removed: (a, w) => `${a} removed ${w}`,
    subject: (a, f, t) => `${a} changed the subject from "${f}" to "${t}"`,
    icon: (a) => `${a} changed this group's icon`,
    description: (a) => `${a} changed the group description`,
    securityCode: (w) => `Your security code with ${w} changed. Tap to learn more.`,
  },
  ios: {
    encryption:
      'Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.',
    created: (a, g) => `${a} created group “${g}”`,
    added: (a, w) => `${a} added ${w}`,
    joinedByLink: (w) => `${w} joined using this group's invite link`,
    left: (w) => `${w} left`,
    removed: (a, w) => `${a} removed ${w}`,
    subject: (a, _f, t) => `${a} changed the subject to “${t}”`,
    icon: (a) => `${a} changed this group's icon`,
    description: (a) => `${a} changed the group description`,
    securityCode: (w) => `${LRM}Your security code with ${w} changed. ${LRM}Tap to learn more.`,
  },
};

const GERMAN_SYSTEM: SystemStrings = {
  encryption:
    'Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt. Niemand außerhalb dieses Chats kann sie lesen oder anhören, nicht einmal WhatsApp.',
  created: (a, g) => (a === 'Du' ? `Du hast die Gruppe "${g}" erstellt.` : `${a} hat die Gruppe "${g}" erstellt.`),
  added: (a, w) => (a === 'Du' ? `Du hast ${w} hinzugefügt.` : `${a} hat ${w} hinzugefügt.`),
  joinedByLink: (w) => `${w} ist über den Einladungslink dieser Gruppe beigetreten.`,
  left: (w) => `${w} hat die Gruppe verlassen.`,
  removed: (a, w) => (a === 'Du' ? `Du hast ${w} entfernt.` : `${a} hat ${w} entfernt.`),
  subject: (a, _f, t) =>
    a === 'Du' ? `Du hast den Gruppennamen zu „${t}“ geändert.` : `${a} hat den Gruppennamen zu „${t}“ geändert.`,
  icon: (a) => (a === 'Du' ? 'Du hast das Gruppenbild geändert.' : `${a} hat das Gruppenbild geändert.`),
  description: (a) =>
    a === 'Du' ? 'Du hast die Gruppenbeschreibung geändert.' : `${a} hat die Gruppenbeschreibung geändert.`,
  securityCode: (w) => `${LRM}Deine Sicherheitsnummer für ${w} hat sich geändert. ${LRM}Tippe, um mehr zu erfahren.`,
};

const GERMAN: Omit<Language, 'names' | 'phones'> = {
  you: 'Du',
  words: GERMAN_WORDS,
  groups: ['Familie ❤️', 'Fußball Dienstag ⚽', 'WG Küche', 'Urlaub 2023 🏝️', 'Chor 🎶', 'Abi-Treffen'],
  short: ['ok', 'Ok', 'haha', 'Hahaha', 'ja', 'nein', 'Danke!', 'klar', 'passt', 'Super', '👍', '😂😂', 'Gute Nacht'],
  deletedByOther: 'Diese Nachricht wurde gelöscht.',
  deletedBySelf: 'Du hast diese Nachricht gelöscht.',
  missedCall: ['Verpasster Sprachanruf', 'Verpasster Videoanruf'],
  location: 'Standort: https://maps.google.com/?q=',
  contactCard: 'Kontaktkarte ausgelassen',
  mediaOmitted: '<Medien ausgeschlossen>',
  iosOmitted: ['Bild weggelassen', 'Bild weggelassen', 'Video weggelassen', 'Audio weggelassen', 'Sticker weggelassen', 'GIF weggelassen'],
  attached: 'Anhang',
  fileAttached: '(Datei angehängt)',
  edited: null,
  poll: null,
  android: GERMAN_SYSTEM,
  ios: GERMAN_SYSTEM,
};

const RUSSIAN_SYSTEM: SystemStrings = {
  encryption:
    'Сообщения и звонки защищены сквозным шифрованием. Третьи лица, включая WhatsApp, не могут прочитать ваши сообщения или прослушать звонки. Нажмите, чтобы узнать подробнее.',
  created: (a, g) => (a === 'Вы' ? `Вы создали группу "${g}"` : `${a} создал(-а) группу "${g}"`),
  added: (a, w) => (a === 'Вы' ? `Вы добавили ${w}` : `${a} добавил(-а) ${w}`),
  joinedByLink: (w) => `${w} присоединился(-ась) к группе по ссылке-приглашению`,
  left: (w) => `${w} вышел(-а)`,
  removed: (a, w) => (a === 'Вы' ? `Вы удалили ${w}` : `${a} удалил(-а) ${w}`),
  subject: (a, f, t) => (a === 'Вы' ? `Вы изменили тему с "${f}" на "${t}"` : `${a} изменил(-а) тему с "${f}" на "${t}"`),
  icon: (a) => (a === 'Вы' ? 'Вы изменили изображение этой группы' : `${a} изменил(-а) изображение этой группы`),
  description: (a) => (a === 'Вы' ? 'Вы изменили описание группы' : `${a} изменил(-а) описание группы`),
  securityCode: (w) => `Ваш код безопасности для ${w} изменился. Нажмите, чтобы узнать подробнее.`,
};

// Only an Android layout uses Russian so far; its iOS strings are placeholders to check against a
// real iOS export before adding an iOS ru layout.
const RUSSIAN: Omit<Language, 'names' | 'phones'> = {
  you: 'Вы',
  words: RUSSIAN_WORDS,
  groups: ['Дача 🌲', 'Семья ❤️', 'Работа', 'Футбол ⚽', 'Одноклассники', 'Дом 5 подъезд 2'],
  short: ['ок', 'Ок', 'хаха', 'Ахахах', 'да', 'нет', 'Спасибо!', 'ладно', 'давай', 'Норм', '👍', '😂😂😂', '+'],
  deletedByOther: 'Данное сообщение удалено',
  deletedBySelf: 'Вы удалили данное сообщение',
  missedCall: ['Пропущенный аудиозвонок', 'Пропущенный видеозвонок'],
  location: 'местоположение: https://maps.google.com/?q=',
  contactCard: 'Карточка контакта пропущена',
  mediaOmitted: '<Без медиафайлов>',
  iosOmitted: ['изображение отсутствует', 'видео отсутствует', 'аудиофайл отсутствует', 'стикер отсутствует'],
  attached: 'вложение',
  fileAttached: '(файл добавлен)',
  edited: null,
  poll: null,
  android: RUSSIAN_SYSTEM,
  ios: RUSSIAN_SYSTEM,
};

// ---------------------------------------------------------------------------------------------
// Layouts: header grammar + language + which media style the export was made with

interface Stamp {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

interface LayoutSpec {
  platform: 'android' | 'ios';
  language: Language;
  /** Header up to (and including) the space before the author / system text. */
  header: (t: Stamp) => string;
  lineEnd: '\n' | '\r\n';
  /** Exported "with media" (file names) or "without media" (placeholders). */
  withMedia: boolean;
  /** Newer iOS versions write system lines as `[t] Chat name: U+200E event`; older ones as `[t] event`. */
  systemPrefix: boolean;
  fileName: (chat: string) => string;
}

const p2 = (n: number): string => String(n).padStart(2, '0');
const yy = (y: number): string => p2(y % 100);

const LAYOUTS: Record<ExportLayout, LayoutSpec> = {
  'android-en-GB': {
    platform: 'android',
    language: {
      ...ENGLISH,
      names: ['Alice Johnson', 'Ben', 'Chloë Smith', 'Dave 🎸', 'Emma W', "Frank O'Neill", 'Grace', 'Hannah-Rose', 'Mum ❤️'],
      phones: ['+44 7700 900123', '+44 7911 123456', '+353 85 123 4567'],
    },
    header: (t) => `${p2(t.day)}/${p2(t.month)}/${t.year}, ${p2(t.hour)}:${p2(t.minute)} - `,
    lineEnd: '\n',
    withMedia: false,
    systemPrefix: false,
    fileName: (chat) => `WhatsApp Chat with ${chat}.txt`,
  },
  'android-en-US-12h': {
    platform: 'android',
    language: {
      ...ENGLISH,
      names: ['Jessica', 'Mike Brown', 'Ashley 🌸', 'Chris', 'Tyler J.', 'Mom', 'José García', 'Kayla', 'Brandon'],
      phones: ['+1 (555) 013-2244', '+1 (555) 017-9876', '+1 (555) 010-4321'],
    },
    header: (t) => {
      const h = t.hour % 12 === 0 ? 12 : t.hour % 12;
      return `${t.month}/${t.day}/${yy(t.year)}, ${h}:${p2(t.minute)}${NNBSP}${t.hour < 12 ? 'AM' : 'PM'} - `;
    },
    lineEnd: '\n',
    withMedia: true,
    systemPrefix: false,
    fileName: (chat) => `WhatsApp Chat with ${chat}.txt`,
  },
  'ios-en': {
    platform: 'ios',
    language: {
      ...ENGLISH,
      names: ['Olivia', 'Liam Murphy', 'Sophie 🌻', 'Noah', 'Zoë Clarke', 'Dad', 'Priya Patel', 'Tom', 'Ella'],
      phones: ['+44 7700 900456', '+1 (555) 014-5678', '+61 412 345 678'],
    },
    header: (t) => `[${t.month}/${t.day}/${yy(t.year)}, ${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}] `,
    lineEnd: '\r\n',
    withMedia: false,
    systemPrefix: true,
    fileName: () => '_chat.txt',
  },
  'ios-de': {
    platform: 'ios',
    language: {
      ...GERMAN,
      names: ['Jürgen', 'Anna Müller', 'Björn', 'Lena 🌻', 'Max Schäfer', 'Oma', 'Sören K.', 'Zoë', 'Lukas'],
      phones: ['+49 151 23456789', '+49 170 9876543', '+43 660 1234567'],
    },
    header: (t) => `[${p2(t.day)}.${p2(t.month)}.${yy(t.year)}, ${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}] `,
    lineEnd: '\n',
    withMedia: true,
    systemPrefix: false,
    fileName: () => '_chat.txt',
  },
  'android-ru': {
    platform: 'android',
    language: {
      ...RUSSIAN,
      names: ['Андрей', 'Светлана', 'Дима 🚀', 'Ольга Петрова', 'Слава', 'Мама', 'Катя К.', 'Игорь', 'Наташа'],
      phones: ['+7 916 123-45-67', '+7 903 765-43-21', '+375 29 123-45-67'],
    },
    header: (t) => `${p2(t.day)}.${p2(t.month)}.${t.year}, ${p2(t.hour)}:${p2(t.minute)} - `,
    lineEnd: '\n',
    withMedia: false,
    systemPrefix: false,
    fileName: (chat) => `WhatsApp Chat with ${chat}.txt`,
  },
};

// ---------------------------------------------------------------------------------------------
// Clock: a UTC-based counter so the output never depends on the machine's time zone

class Clock {
  private ms: number;
  private readonly rng: Rng;

  constructor(rng: Rng) {
    this.rng = rng;
    this.ms = Date.UTC(2019 + intBetween(rng, 0, 3), intBetween(rng, 0, 11), intBetween(rng, 1, 28), 9, 0, 0);
  }

  advance(seconds: number): void {
    this.ms += seconds * 1000;
    // People sleep: a message that would land between 01:00 and 07:00 moves to the morning.
    const d = new Date(this.ms);
    const h = d.getUTCHours();
    if (h >= 1 && h < 7) this.ms += (7 - h) * 3_600_000 + intBetween(this.rng, 0, 5_400) * 1000;
  }

  now(): Stamp {
    const d = new Date(this.ms);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Text

function sentence(rng: Rng, lang: Language, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    let w = pick(rng, lang.words);
    // Numbers only mid-sentence: a continuation line starting with digits could look like a header.
    if (i > 0 && rng() < 0.03) w = String(intBetween(rng, 2, 30));
    out.push(w);
  }
  if (rng() < 0.6 && out[0] !== undefined) out[0] = out[0].charAt(0).toUpperCase() + out[0].slice(1);
  return out.join(' ') + pick(rng, ['', '', '', '.', '!', '?', '!!', '...', '?!']);
}

function wordCount(rng: Rng): number {
  const r = rng();
  if (r < 0.35) return intBetween(rng, 1, 3);
  if (r < 0.78) return intBetween(rng, 4, 9);
  if (r < 0.95) return intBetween(rng, 10, 22);
  return intBetween(rng, 23, 70);
}

function withEmoji(rng: Rng, text: string): string {
  const r = rng();
  if (r < 0.12) return `${text} ${pick(rng, EMOJI)}`;
  if (r < 0.16) return `${text} ${pick(rng, EMOJI)}${pick(rng, EMOJI)}${pick(rng, EMOJI)}`;
  if (r < 0.18) return `${pick(rng, EMOJI)} ${text}`;
  return text;
}

// ---------------------------------------------------------------------------------------------
// Generator

interface Participant {
  /** As written in the export (phone numbers wrapped in U+202A ... U+202C). */
  written: string;
  /** As a parser must report it. */
  name: string;
}

export function generateWhatsAppExport(options: GenerateExportOptions): GeneratedExport {
  const { messages, layout, seed } = options;
  if (!Number.isInteger(messages) || messages < 0) throw new RangeError(`messages must be a count, got ${messages}`);
  const spec = LAYOUTS[layout];
  const lang = spec.language;
  const sys = spec.platform === 'ios' ? lang.ios : lang.android;
  const rng = mulberry32(hashString(layout, seed));
  const clock = new Clock(rng);

  // Participants: 2-8, up to two of them known only by phone number; index 0 exported the chat.
  const count = intBetween(rng, 2, 8);
  const names = shuffled(rng, lang.names).slice(0, count);
  const phoneSlots = count >= 3 ? intBetween(rng, 0, Math.min(2, lang.phones.length)) : 0;
  for (let i = 0; i < phoneSlots; i++) names[count - 1 - i] = lang.phones[i] ?? '+1 555 0100';
  const people: Participant[] = names.map((name) =>
    name.startsWith('+') ? { written: `${LRE}${name}${PDF}`, name } : { written: name, name },
  );
  // Zipf-like activity: a few people write most of the messages.
  const weights = people.map((_, i) => 1 / (i + 1) ** 0.9);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const isGroup = count > 2;
  let group = pick(rng, lang.groups);
  const chatName = isGroup ? group : (people[1]?.name ?? 'Chat');

  const lines: string[] = [];
  const authors: Record<string, number> = {};
  let personItems = 0;
  let systemItems = 0;
  let attachmentNo = 1;

  const personByWeight = (): Participant => {
    let r = rng() * weightSum;
    for (let i = 0; i < people.length; i++) {
      r -= weights[i] ?? 0;
      if (r <= 0) return people[i] ?? pickPerson();
    }
    return pickPerson();
  };
  const pickPerson = (): Participant => pick(rng, people);
  const self = (): Participant => people[0] ?? pickPerson();
  // In system lines the exporter is "You"; others appear as written (phone numbers keep their marks).
  const actorName = (p: Participant): string => (p === self() ? lang.you : p.written);

  const emitSystem = (text: string): void => {
    const t = clock.now();
    if (spec.systemPrefix) {
      // The prefix is the chat's name: the group subject, or the other person in a one-to-one chat.
      const prefix = isGroup ? group : (people[1]?.written ?? chatName);
      lines.push(`${LRM}${spec.header(t)}${prefix}: ${LRM}${text}`);
    } else if (spec.platform === 'ios') {
      lines.push(`${LRM}${spec.header(t)}${text}`);
    } else {
      lines.push(`${spec.header(t)}${text}`);
    }
    systemItems++;
  };

  const emitPerson = (who: Participant, body: string, leadingMark = false): void => {
    const t = clock.now();
    lines.push(`${leadingMark ? LRM : ''}${spec.header(t)}${who.written}: ${body}`);
    authors[who.name] = (authors[who.name] ?? 0) + 1;
    personItems++;
  };

  const mediaBody = (): { body: string; mark: boolean } => {
    const t = clock.now();
    const date = `${t.year}${p2(t.month)}${p2(t.day)}`;
    if (spec.platform === 'android') {
      if (!spec.withMedia) return { body: lang.mediaOmitted, mark: false };
      const n = p2(intBetween(rng, 0, 99)).padStart(4, '0');
      const file = pick(rng, [`IMG-${date}-WA${n}.jpg`, `IMG-${date}-WA${n}.jpg`, `VID-${date}-WA${n}.mp4`, `PTT-${date}-WA${n}.opus`, `STK-${date}-WA${n}.webp`]);
      // Android puts a media caption on the line after the file name.
      const caption = rng() < 0.2 ? `\n${sentence(rng, lang, intBetween(rng, 1, 6))}` : '';
      return { body: `${LRM}${file} ${lang.fileAttached}${caption}`, mark: false };
    }
    if (!spec.withMedia) return { body: `${LRM}${pick(rng, lang.iosOmitted)}`, mark: true };
    const kind = pick(rng, ['PHOTO', 'PHOTO', 'PHOTO', 'VIDEO', 'AUDIO', 'STICKER']);
    const ext = { PHOTO: 'jpg', VIDEO: 'mp4', AUDIO: 'opus', STICKER: 'webp' }[kind] ?? 'jpg';
    const stamp = `${t.year}-${p2(t.month)}-${p2(t.day)}-${p2(t.hour)}-${p2(t.minute)}-${p2(t.second)}`;
    const file = `${String(attachmentNo++).padStart(8, '0')}-${kind}-${stamp}.${ext}`;
    return { body: `${LRM}<${lang.attached}: ${file}>`, mark: true };
  };

  const textBody = (who: Participant): string => {
    const r = rng();
    if (r < 0.22) return pick(rng, lang.short);
    if (r < 0.25) return pick(rng, EMOJI) + (rng() < 0.5 ? pick(rng, EMOJI) : '');
    if (r < 0.30) {
      // ~5% multi-line: a few sentences, sometimes with an empty line between paragraphs.
      const parts: string[] = [];
      const n = intBetween(rng, 2, 5);
      for (let i = 0; i < n; i++) {
        if (i > 0 && rng() < 0.15) parts.push('');
        parts.push(withEmoji(rng, sentence(rng, lang, wordCount(rng))));
      }
      return parts.join('\n');
    }
    if (r < 0.31) return `https://www.youtube.com/watch?v=${Math.floor(rng() * 1e11).toString(36)}`;
    if (r < 0.315 && isGroup) {
      const other = pickPerson();
      if (other !== who) return `@${FSI}${other.name}${PDI} ${sentence(rng, lang, intBetween(rng, 2, 8))}`;
    }
    let text = withEmoji(rng, sentence(rng, lang, wordCount(rng)));
    if (lang.edited !== null && rng() < 0.01) text += ` ${lang.edited}`;
    return text;
  };

  const personMessage = (who: Participant): void => {
    const r = rng();
    if (r < 0.05) {
      const m = mediaBody();
      emitPerson(who, m.body, m.mark);
    } else if (r < 0.065) {
      const mine = who === self();
      const text = mine ? lang.deletedBySelf : lang.deletedByOther;
      emitPerson(who, spec.platform === 'ios' ? `${LRM}${text}` : text);
    } else if (r < 0.068) {
      emitPerson(who, spec.platform === 'ios' ? `${LRM}${pick(rng, lang.missedCall)}` : pick(rng, lang.missedCall));
    } else if (r < 0.071) {
      const loc = `${lang.location}${(50 + rng()).toFixed(7)},${(rng() * 10 - 5).toFixed(7)}`;
      // iOS capitalizes the label ("Location:") where Android writes it as a sentence fragment.
      emitPerson(who, spec.platform === 'ios' ? `${LRM}${loc.charAt(0).toUpperCase()}${loc.slice(1)}` : loc);
    } else if (r < 0.073) {
      if (spec.platform === 'ios') emitPerson(who, `${LRM}${lang.contactCard}`, true);
      else if (spec.withMedia) emitPerson(who, `${LRM}${pick(rng, lang.names)}.vcf ${lang.fileAttached}`);
      else emitPerson(who, lang.mediaOmitted);
    } else if (r < 0.0745 && lang.poll !== null && spec.platform === 'ios') {
      const poll = lang.poll;
      const options = Array.from({ length: intBetween(rng, 2, 4) }, () => {
        const option = sentence(rng, lang, intBetween(rng, 1, 4)).replace(/[.!?]+$/, '');
        return `${poll.option} ${option} (${poll.votes(intBetween(rng, 0, people.length))})`;
      });
      const question = `${sentence(rng, lang, intBetween(rng, 3, 8)).replace(/[.!?]+$/, '')}?`;
      emitPerson(who, [poll.head, question, ...options].join('\n'));
    } else {
      emitPerson(who, textBody(who));
    }
  };

  const systemEvent = (): void => {
    const actor = personByWeight();
    // The target of an add/leave/remove is someone else; WhatsApp words the exporter's own case apart.
    const others = people.filter((p) => p !== self());
    const other = pick(rng, others.length > 0 ? others : people);
    const r = rng();
    if (!isGroup) {
      emitSystem(sys.securityCode(other.written));
      return;
    }
    if (r < 0.2) emitSystem(sys.added(actorName(actor), other.written));
    else if (r < 0.35) emitSystem(sys.joinedByLink(other.written));
    else if (r < 0.5) emitSystem(sys.left(other.written));
    else if (r < 0.6) emitSystem(sys.removed(actorName(actor), other.written));
    else if (r < 0.72) {
      const next = pick(rng, lang.groups.filter((g) => g !== group));
      emitSystem(sys.subject(actorName(actor), group, next));
      group = next;
    } else if (r < 0.84) emitSystem(sys.icon(actorName(actor)));
    else if (r < 0.9) emitSystem(sys.description(actorName(actor)));
    else emitSystem(sys.securityCode(other.written));
  };

  // Opening lines as WhatsApp writes them: the encryption notice, then (groups) creation and adds.
  emitSystem(sys.encryption);
  if (isGroup) {
    const creator = people[1] ?? self();
    emitSystem(sys.created(actorName(creator), group));
    for (const p of people) {
      if (p !== creator && p !== self() && rng() < 0.7) emitSystem(sys.added(actorName(creator), p.written));
    }
  }

  let current = personByWeight();
  while (personItems < messages) {
    // ~1% system lines scattered through the chat.
    if (rng() < 0.01) {
      clock.advance(intBetween(rng, 60, 36_000));
      systemEvent();
      continue;
    }
    // Bursts: the same author usually keeps going; replies come quickly, new topics hours later.
    const r = rng();
    if (r < 0.55) clock.advance(intBetween(rng, 2, 90));
    else {
      current = personByWeight();
      clock.advance(r < 0.93 ? intBetween(rng, 20, 1_800) : intBetween(rng, 3_600, 172_800));
    }
    personMessage(current);
  }

  const text = lines.join(spec.lineEnd) + spec.lineEnd;
  return {
    text: spec.lineEnd === '\r\n' ? text.replace(/(?<!\r)\n/g, '\r\n') : text,
    expected: { messages: personItems, system: systemItems, authors },
    fileName: spec.fileName(chatName),
  };
}
