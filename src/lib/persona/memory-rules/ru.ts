// Russian self-statement rules for the memory extractor (see types.ts for the table's meaning).
// Objects keep their case endings as written, so each template repeats the person's preposition and
// verb ("я живу в Москве" -> "Живёт в Москве", "я переехала в Сочи" -> "Переехала в Сочи"); kin words
// match by stem.

import { cap, join, kinPhrases, verbForm } from './say';
import { activities, rx, set, words, type LangRules, type Say } from './types';

const ADV = String.raw`(?:\s+(?:сейчас|теперь|уже|тоже|всё\s+ещё|все\s+еще))?`;
const TO = String.raw`(?:в|во|на)`;

const KIN = kinPhrases({
  sister: 'сестра|сестра', brother: 'брат|брат', mother: 'мама|мама', father: 'папа|папа', wife: 'жена|жена', husband: 'муж|муж',
  boyfriend: 'парень|парень', girlfriend: 'девушка|девушка', son: 'сын|сын', daughter: 'дочь|дочь', 'best friend': 'лучший друг|лучший друг',
  friend: 'друг|друг', boss: 'начальник|начальник', aunt: 'тётя|тётя', uncle: 'дядя|дядя', grandmother: 'бабушка|бабушка',
  grandfather: 'дедушка|дедушка', dog: 'собака|собака', cat: 'кот|кот',
});
/** Past-tense verbs read the same in the first and third person ("я была" -> "была"): the person's own form. */
const own = (trigger: string, re: RegExp, fallback: string): string => re.exec(trigger)?.[0] ?? fallback;

const ruSay: Say = {
  live: (v, c) => join('живёт', c.prep, v),
  moved: (v, c) => join(own(c.verb, /переехал[аи]?/u, 'переехал(а)'), c.prep, v),
  work: (v, c) => join('работает', c.prep, v),
  jobAs: (v) => join('работает', v),
  job: (v) => cap(v),
  study: (v, c) => join(verbForm(c.verb, { учусь: 'учится', изучаю: 'изучает' }, 'изучает'), v),
  birthday: (v) => join('день рождения —', v),
  dayMonth: (month, day) => `${day}.${String(month).padStart(2, '0')}`,
  born: (v, c) => join(own(c.verb, /родил(?:ся|ась)/u, 'родился'), c.prep, v),
  love: (v, c) => join(verbForm(c.verb, { люблю: 'любит', обожаю: 'обожает' }, 'любит'), v),
  like: (v, c) => join(c.verb.includes('нравятся') ? 'нравятся' : 'нравится', v),
  dislike: (v, c) => join('не', verbForm(c.verb, { люблю: 'любит', нравится: 'нравится', нравятся: 'нравятся', переношу: 'переносит' }, 'любит'), v),
  hate: (v) => join('ненавидит', v),
  cantStand: (v) => join('терпеть не может', v),
  favorite: (cat, v, c) => join(own(c.verb, /любим\p{L}*/u, 'любимый'), cat, '—', v),
  want: (v, c) => join(verbForm(c.verb, { хочу: 'хочет', мечтаю: 'мечтает' }, 'хочет'), v),
  plan: (v, c) => join(verbForm(c.verb, { собираюсь: 'собирается', планирую: 'планирует' }, 'собирается'), v),
  going: (v, c) => join(verbForm(c.verb, { еду: 'едет', поеду: 'поедет', иду: 'идёт', пойду: 'пойдёт', лечу: 'летит', полечу: 'полетит' }, 'едет'), c.prep, v),
  went: (v, c) => join(own(c.verb, /(?:был|ездил|ходил|летал)а?/u, 'был(а)'), c.prep, v),
  event: (v) => cap(v),
  date: (span, iso) => (span === 'day' ? iso : span === 'week' ? `на неделе с ${iso}` : span === 'weekend' ? `в выходные ${iso}` : `в ${iso.slice(0, 7)}`),
  often: (v) => `Часто упоминает: ${v}`,
  named: (name, rel) => `${name} — ${KIN(rel).def}`,
  unnamed: (rel) => join('есть', KIN(rel).indef),
};

/** Built on first use: a worker that never extracts memories in ru pays nothing for its regexes. */
export function ruRules(): LangRules {
  return {
  tag: 'ru',
  say: ruSay,
  firstPerson: words(['мой', 'моя', 'моё', 'мое', 'мои', 'моего', 'моей', 'моему', 'моим', 'мою', 'моих', 'мне', 'меня', 'я', 'мной', 'свой', 'своя', 'свою', 'своё', 'свое', 'свои', 'своего', 'своей', 'своим', 'своих']),
  temporary: words(['на\\s+этой\\s+неделе', 'в\\s+этом\\s+месяце', 'сегодня', 'пока', 'временно', 'несколько\\s+дней', 'до\\s+\\p{L}+']),
  namedAs: rx(String.raw`\s+зовут(?=\s)`),
  triggers: [
    { kind: 'dislike', re: rx(String.raw`\bя\s+(?:совсем\s+|очень\s+)?не\s+(?:очень\s+)?(?:люблю|переношу)\s+`) },
    { kind: 'dislike', re: rx(String.raw`\bмне\s+(?:совсем\s+)?не\s+(?:очень\s+)?(?:нравится|нравятся)\s+`) },
    { kind: 'live', re: rx(String.raw`\b(?:я\s+)?(?:живу|проживаю)${ADV}\s+${TO}\s+`) },
    { kind: 'moved', re: rx(String.raw`\b(?:я\s+)?переехал(?:а)?${ADV}\s+${TO}\s+`) },
    { kind: 'work', re: rx(String.raw`\b(?:я\s+)?работаю${ADV}\s+${TO}\s+`) },
    { kind: 'jobAs', re: rx(String.raw`\b(?:я\s+)?работаю${ADV}\s+(?=\p{L}+(?:ом|ем|ой|ей)(?![\p{L}]))`) },
    { kind: 'job', re: rx(String.raw`\bя\s+(?=\p{L})`) },
    { kind: 'study', re: rx(String.raw`\b(?:я\s+)?(?:учусь|изучаю)${ADV}\s+`) },
    { kind: 'birthday', re: rx(String.raw`\bмой\s+(?:день\s+рождения|др)\s*(?:[-–—]\s*)?(?:будет\s+)?`) },
    { kind: 'birthday', re: rx(String.raw`\bу\s+меня\s+(?:\S+\s+)?(?:день\s+рождения|др)\b`) },
    { kind: 'born', re: rx(String.raw`\b(?:я\s+)?родил(?:ся|ась)\s+(?:в|во)\s+`) },
    // "люблю", "обожаю" are first person by their form: the pronoun is often left out ("Обожаю мороженое").
    { kind: 'love', re: rx(String.raw`\b(?:я\s+)?(?:очень\s+|просто\s+)?(?:люблю|обожаю)\s+`) },
    { kind: 'like', re: rx(String.raw`\bмне\s+(?:очень\s+)?(?:нравится|нравятся)\s+`) },
    { kind: 'hate', re: rx(String.raw`\bя\s+ненавижу\s+`) },
    { kind: 'cantStand', re: rx(String.raw`\b(?:я\s+)?терпеть\s+не\s+могу\s+`) },
    { kind: 'favorite', re: rx(String.raw`\bмо(?:й|я|ё|е|и)\s+любим(?:ый|ая|ое|ые)\s+(?<cat>\p{L}{3,20})\s*(?:[-–—]\s*|это\s+)`) },
    { kind: 'want', re: rx(String.raw`\bя\s+(?:очень\s+)?(?:хочу|мечтаю)\s+`) },
    { kind: 'plan', re: rx(String.raw`\bя\s+(?:собираюсь|планирую)\s+`) },
    { kind: 'going', re: rx(String.raw`\bя\s+(?:еду|поеду|иду|пойду|лечу|полечу)\s+(?:\S+\s+)?${TO}\s+`) },
    { kind: 'went', re: rx(String.raw`\bя\s+(?:был|была|ездил|ездила|ходил|ходила|летал|летала)\s+(?:\S+\s+)?${TO}\s+`) },
    { kind: 'event', re: rx(String.raw`\bу\s+меня\s+(?:\S+\s+)?(?=\p{L})`) },
  ],
  kin: [
    ['sister', 'сестр\\p{L}*|сестрёнк\\p{L}*'],
    ['brother', 'брат\\p{L}*|братишк\\p{L}*'],
    ['mother', 'мам\\p{L}*|мать|матер\\p{L}*'],
    ['father', 'пап\\p{L}*|отец|отц\\p{L}*'],
    ['wife', 'жена|жене|жену|женой|жены'],
    ['husband', 'муж|мужа|мужу|мужем'],
    ['boyfriend', 'парень|парня|парню|парнем'],
    ['girlfriend', 'девушк\\p{L}*'],
    ['son', 'сын\\p{L}*'],
    ['daughter', 'доч\\p{L}*'],
    ['best friend', 'лучш\\p{L}*\\s+(?:друг\\p{L}*|подруг\\p{L}*)'],
    ['friend', 'друг|друга|другу|другом|подруг\\p{L}*'],
    ['boss', 'начальни\\p{L}*'],
    ['aunt', 'тёт\\p{L}*|тет\\p{L}*'],
    ['uncle', 'дяд\\p{L}*'],
    ['grandmother', 'бабушк\\p{L}*'],
    ['grandfather', 'дедушк\\p{L}*'],
    ['dog', 'собак\\p{L}*|пёс|пес'],
    ['cat', 'кот|кота|коту|котом|кошк\\p{L}*'],
  ].map(([relation = '', forms = '']) => ({
    relation,
    re: rx(String.raw`\b(?:мо|сво)(?:й|я|его|ей|ему|им|ю|ё|ю)\s+(?:(?:младш|старш)\p{L}*\s+)?(?:${forms})\b`, 'giu'),
  })),
  hypothetical: words(['если', 'бы', 'представь', 'может\\s+быть', 'наверное']),
  reported: words(['сказал', 'сказала', 'говорит', 'говорил', 'говорила', 'думает', 'считает']),
  negationBefore: rx(String.raw`\b(?:не|никогда)\s+(?:\S+\s+)?$`),
  negationAfter: words(['не', 'больше']),
  boundary: words(['уже', 'уж', 'давно', 'и', 'но', 'потому', 'так\\s+как', 'когда', 'если', 'или', 'а', 'тоже', 'сейчас', 'ахах\\p{L}*', 'хаха\\p{L}*', 'с\\s+тобой']),
  stopObject: words(['эта', 'эти', 'этой', 'ночью', 'по\\s+ночам', 'из\\s+дома', 'удал[её]нно', 'тебя', 'тебе', 'тобой', 'ты', 'вас', 'вам', 'это', 'этого', 'эту', 'этот', 'как', 'когда', 'что', 'где', 'почему', 'твой', 'твоя', 'твоё', 'твои', 'его', 'её', 'их', 'нас', 'дома', 'домой', 'день\\s+рождения', 'др']),
  secondPerson: rx(String.raw`\b(?:ты|тебя|тебе|тобой|твой|твоя|твоё|твое|твои|вы|вас|вам|ваш\p{L}*)\b`),
  leading: rx(String.raw`^(?:(?:очень|так|реально|просто)\s+)+`),
  trailing: rx(String.raw`(?:\s+(?:очень|тоже|сейчас|уже|ахах\p{L}*|хаха\p{L}*))+$`),
  infinitive: rx(String.raw`^\p{L}+(?:ть|ти|чь|ться|тись)\b`),
  jobs: set(
    'врач учитель учительница преподаватель программист разработчик инженер дизайнер архитектор бухгалтер юрист ' +
    'адвокат повар официант официантка водитель пилот механик электрик журналист писатель фотограф художник музыкант ' +
    'актёр актер актриса менеджер психолог полицейский пожарный ветеринар стоматолог фармацевт парикмахер продавец ' +
    'медсестра студент студентка школьник школьница стажёр стажер',
  ),
  student: set('студент студентка школьник школьница'),
  activities: activities(
    'gym: спортзал качалка фитнес, yoga: йога йогой йогу пилатес, football: футбол футболом, basketball: баскетбол, ' +
    'tennis: теннис, running: бег бегать пробежка, swimming: бассейн плавание плавать, guitar: гитара гитаре гитару, ' +
    'piano: пианино фортепиано, dancing: танцы танцевать, hiking: поход походы, cycling: велосипед велик, church: церковь церкви',
  ),
  placePreps: 'в|во|из',
  months: words(['январ\\p{L}*', 'феврал\\p{L}*', 'март\\p{L}*', 'апрел\\p{L}*', 'ма[йя]', 'июн\\p{L}*', 'июл\\p{L}*', 'август\\p{L}*', 'сентябр\\p{L}*', 'октябр\\p{L}*', 'ноябр\\p{L}*', 'декабр\\p{L}*']),
  notNames: set('бог ок да нет привет'),
  dates: {
    today: ['сегодня', 'сегодня\\s+утром', 'сегодня\\s+днём'],
    tonight: ['сегодня\\s+вечером'],
    tomorrow: ['завтра'],
    dayAfterTomorrow: ['послезавтра'],
    yesterday: ['вчера'],
    nextWeek: ['на\\s+следующей\\s+неделе', 'на\\s+той\\s+неделе'],
    weekend: ['на\\s+выходных', 'в\\s+эти\\s+выходные'],
    nextMonth: ['в\\s+следующем\\s+месяце'],
    weekdays: ['понедельник', 'вторник', 'сред[уа]', 'четверг', 'пятниц[уа]', 'суббот[уа]', 'воскресенье'],
    lastWeekday: 'прошл\\p{L}*',
    weekdayPrefix: 'в|во|на',
  },
};
}
