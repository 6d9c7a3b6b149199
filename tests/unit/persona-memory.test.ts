// Rule-based memory extraction: positive and negative examples per language (en, it, de, es, fr, pt,
// nl, ru), relative dates resolved from the message time, merging of repeated facts, supersession of
// older values, recurring places/activities, provenance and stable ids.
import { describe, expect, it } from 'vitest';
import { hashString } from '../../src/lib/ingest/hash';
import { findDate } from '../../src/lib/persona/relative-dates';
import { extractMemories, memoryLanguages } from '../../src/lib/persona/memory';
import { memoryRules } from '../../src/lib/persona/memory-rules/index';
import type { MessageLike } from '../../src/lib/persona/style';
import type { MemoryItem } from '../../src/lib/persona/types';

let seq = 0;
/** A message by `author` at `ts` (2023-05-04 is a Thursday). */
function msg(text: string, ts = '2023-05-04T10:00:00', author = 'Sam'): MessageLike {
  seq++;
  return { id: `m${seq}`, ts, author, kind: 'message', text };
}

const texts = (items: readonly MemoryItem[]): string[] => items.map((i) => i.text);
const one = (lang: string, text: string): MemoryItem[] => extractMemories([msg(text)], 'Sam', { languages: [lang] });

interface LangCases {
  positive: [string, string][];
  negative: string[];
}

const CASES: Record<string, LangCases> = {
  en: {
    positive: [
      ["I live in Berlin", "Lives in Berlin"],
      ["I'm living in New York now", "Lives in New York"],
      ["I moved to Lisbon last year", "Moved to Lisbon"],
      ["I work at Google", "Works at Google"],
      ["I work as a nurse", "Works as a nurse"],
      ["I'm a software engineer", "Works as a software engineer"],
      ["I study medicine", "Studies medicine"],
      ["my birthday is on March 3", "Birthday is on March 3"],
      ["my birthday is tomorrow", "Birthday is on May 5"],
      ["I was born in 1990", "Was born in 1990"],
      ["I love sushi", "Loves sushi"],
      ["I really like hiking", "Likes hiking"],
      ["I hate mornings", "Hates mornings"],
      ["I can't stand loud music", "Can't stand loud music"],
      ["my favorite band is Radiohead", "Favorite band is Radiohead"],
      ["my sister Anna is visiting", "Anna is Sam's sister"],
      ["my dog Rex hates the rain", "Rex is Sam's dog"],
      ["my brother is so annoying", "Has a brother"],
      ["I want to learn Japanese", "Wants to learn Japanese"],
      ["I'm planning to run a marathon", "Plans to run a marathon"],
      ["I'm going to Paris tomorrow", "Going to Paris on 2023-05-05"],
      ["I have a job interview on Monday", "Has a job interview on 2023-05-08"],
      ["I went to the dentist yesterday", "Went to the dentist on 2023-05-03"],
      ["I'm flying to Tokyo next week", "Going to Tokyo the week of 2023-05-08"],
      ["I live in Rome, and you?", "Lives in Rome"],
      ["i live in berlin lol", "Lives in berlin"],
      ["I don't like cats", "Doesn't like cats"],
      ["I never liked jazz", "Doesn't like jazz"],
    ],
    negative: [
      "do you live in Berlin?",
      "Where do you work?",
      "If I lived in Paris I would be happy",
      "if I moved to Paris I would be happy",
      "I love you",
      "I love it when you do that",
      "I love your hair",
      "She said I live in London",
      "he told me \"I work at Google\"",
      "I'm a bit tired",
      "I want to sleep",
      "I'm going to call you",
      "my friend is coming over",
      "I wish I lived in Spain",
      "maybe I'll move to Berlin",
      "my birthday party is on Saturday",
    ],
  },
  it: {
    positive: [
      ["Vivo a Roma", "Vive a Roma"],
      ["Abito in Germania da due anni", "Vive in Germania"],
      ["Mi sono trasferito a Torino", "Si è trasferito a Torino"],
      ["Lavoro in ospedale", "Lavora in ospedale"],
      ["Faccio il medico", "È medico"],
      ["Sono un insegnante", "È insegnante"],
      ["Studio medicina", "Studia medicina"],
      ["Oggi è il mio compleanno!", "Il suo compleanno è il 4/5"],
      ["Sono nato a Napoli", "È nato a Napoli"],
      ["Adoro la pizza", "Adora la pizza"],
      ["Mi piace molto il calcio", "A Sam piace il calcio"],
      ["Odio il traffico", "Odia il traffico"],
      ["Non sopporto il caldo", "Non sopporta il caldo"],
      ["Voglio imparare il giapponese", "Vuole imparare il giapponese"],
      ["Domani vado a Milano", "Va a Milano il 2023-05-05"],
      ["Domani ho un esame", "Ha un esame il 2023-05-05"],
      ["Mia sorella Giulia arriva stasera", "Giulia è la sorella di Sam"],
      ["Il mio cane Fido dorme", "Fido è il cane di Sam"],
      ["Sono stato a Firenze ieri", "È stato a Firenze il 2023-05-03"],
      ["Non mi piace il caffè", "A Sam non piace il caffè"],
    ],
    negative: [
      "Vivi a Roma?",
      "Se vivo a Parigi sarò felice",
      "Ti amo",
      "Io ti amo tanto",
      "Il lavoro in ufficio è noioso",
      "Sono vivo a malapena",
      "Voglio vederti",
      "Ti voglio bene",
      "Mi piace stare con te",
      "Ha detto che vivo a Milano",
      "Sono andato dal dottore",
      "Ho un sacco di lavoro da fare",
    ],
  },
  de: {
    positive: [
      ["Ich wohne in Hamburg", "Wohnt in Hamburg"],
      ["Ich bin nach München gezogen", "Ist nach München gezogen"],
      ["Ich arbeite bei Siemens", "Arbeitet bei Siemens"],
      ["Ich bin Lehrerin", "Ist Lehrerin"],
      ["Ich studiere Informatik", "Studiert Informatik"],
      ["Ich habe morgen Geburtstag", "Hat am 5.5. Geburtstag"],
      ["Ich liebe Sushi", "Liebt Sushi"],
      ["Ich mag Hunde", "Mag Hunde"],
      ["Ich hasse Regen", "Hasst Regen"],
      ["Ich kann Lärm nicht ausstehen", "Kann Lärm nicht ausstehen"],
      ["Morgen fahre ich nach Wien", "Fährt nach Wien am 2023-05-05"],
      ["Meine Schwester Lena kommt heute", "Lena ist die Schwester von Sam"],
      ["Ich will nach Japan reisen", "Will nach Japan reisen"],
      ["Ich mag keine Katzen", "Mag Katzen nicht"],
    ],
    negative: [
      "Wohnst du in Berlin?",
      "Ich liebe dich",
      "Wenn ich in Paris wohnen würde, wäre ich froh",
      "Er sagt, ich wohne in Köln",
      "Ich bin müde",
      "Ich wohne nicht mehr in Bonn",
      "Guten Morgen, ich bin wach",
    ],
  },
  es: {
    positive: [
      ["Vivo en Madrid", "Vive en Madrid"],
      ["Si, vivo en Sevilla", "Vive en Sevilla"],
      ["Me mudé a Valencia", "Se muda a Valencia"],
      ["Trabajo en Telefónica", "Trabaja en Telefónica"],
      ["Soy médica", "Es médica"],
      ["Estudio derecho", "Estudia derecho"],
      ["Me encanta el chocolate", "A Sam le encanta el chocolate"],
      ["Me gusta el fútbol", "A Sam le gusta el fútbol"],
      ["Odio el tráfico", "Odia el tráfico"],
      ["No soporto el ruido", "No soporta el ruido"],
      ["Quiero aprender alemán", "Quiere aprender alemán"],
      ["Mañana voy a Barcelona", "Va a Barcelona el 2023-05-05"],
      ["Pasado mañana tengo una entrevista", "Tiene una entrevista el 2023-05-06"],
      ["Mi hermana Lucía es genial", "Lucía es la hermana de Sam"],
      ["Esta mañana fui al médico", "Fue al médico el 2023-05-04"],
      ["No me gusta el café", "A Sam no le gusta el café"],
    ],
    negative: [
      "¿Vives en Madrid?",
      "Si me mudo a Roma, te aviso",
      "Te amo",
      "Te quiero mucho",
      "Quiero verte",
      "El trabajo en casa es duro",
      "Dice que vivo en Lima",
    ],
  },
  fr: {
    positive: [
      ["J'habite à Lyon", "Habite à Lyon"],
      ["Si, j'habite à Marseille", "Habite à Marseille"],
      ["J'ai déménagé à Nantes", "A déménagé à Nantes"],
      ["Je travaille chez Renault", "Travaille chez Renault"],
      ["Je suis infirmière", "Est infirmière"],
      ["J'adore le fromage", "Adore le fromage"],
      ["J'aime bien le jazz", "Aime le jazz"],
      ["Je déteste la pluie", "Déteste la pluie"],
      ["Je ne supporte pas le bruit", "Ne supporte pas le bruit"],
      ["Je veux apprendre le piano", "Veut apprendre le piano"],
      ["Demain je vais à Bordeaux", "Va à Bordeaux le 2023-05-05"],
      ["J'ai un rendez-vous demain", "A un rendez-vous le 2023-05-05"],
      ["Ma sœur Claire arrive", "Claire est la sœur de Sam"],
      ["C'est mon anniversaire aujourd'hui", "Son anniversaire est le 4/5"],
      ["Je n'aime pas le café", "N'aime pas le café"],
    ],
    negative: [
      "Tu habites à Paris ?",
      "Je t'aime",
      "Si je déménage à Nice, je te dis",
      "Il dit que j'habite à Lille",
      "J'adore quand tu chantes",
    ],
  },
  pt: {
    positive: [
      ["Moro em Lisboa", "Mora em Lisboa"],
      ["Eu moro no Rio", "Mora no Rio"],
      ["Me mudei para Curitiba", "Mudou-se para Curitiba"],
      ["Trabalho na Petrobras", "Trabalha na Petrobras"],
      ["Sou enfermeira", "É enfermeira"],
      ["Adoro chocolate", "Adora chocolate"],
      ["Gosto muito de futebol", "Gosta de futebol"],
      ["Odeio trânsito", "Odeia trânsito"],
      ["Quero aprender inglês", "Quer aprender inglês"],
      ["Amanhã vou para o Porto", "Vai para o Porto em 2023-05-05"],
      ["Minha irmã Joana chega amanhã", "Joana é a irmã de Sam"],
      ["Hoje é meu aniversário", "Faz aniversário em 4/5"],
      ["Não gosto de café", "Não gosta de café"],
    ],
    negative: [
      "Você mora em São Paulo?",
      "Eu te amo",
      "Ele disse que moro em Recife",
      "Estou vivo em casa",
      "Te quero muito",
    ],
  },
  nl: {
    positive: [
      ["Ik woon in Utrecht", "Woont in Utrecht"],
      ["Ik ben verhuisd naar Rotterdam", "Is verhuisd naar Rotterdam"],
      ["Ik werk bij Philips", "Werkt bij Philips"],
      ["Ik ben leraar", "Is leraar"],
      ["Ik hou van kaas", "Houdt van kaas"],
      ["Ik vind voetbal heel leuk", "Vindt voetbal leuk"],
      ["Ik haat regen", "Haat regen"],
      ["Ik ga morgen naar Gent", "Gaat naar Gent op 2023-05-05"],
      ["Mijn zus Sanne komt", "Sanne is de zus van Sam"],
      ["Ik ben morgen jarig", "Is jarig op 5-5"],
      ["Ik wil Spaans leren", "Wil Spaans leren"],
    ],
    negative: [
      "Woon jij in Amsterdam?",
      "Ik hou van jou",
      "Ik woon niet in Delft",
      "Als ik in Parijs woon, bel ik je",
    ],
  },
  ru: {
    positive: [
      ["Я живу в Москве", "Живёт в Москве"],
      ["Я переехал в Сочи", "Переехал в Сочи"],
      ["Я работаю в Яндексе", "Работает в Яндексе"],
      ["Я врач", "Врач"],
      ["Я люблю кофе", "Любит кофе"],
      ["Мне нравится футбол", "Нравится футбол"],
      ["Я ненавижу дождь", "Ненавидит дождь"],
      ["Завтра я еду в Казань", "Едет в Казань 2023-05-05"],
      ["Моя сестра Аня приедет", "Аня — сестра"],
      ["У меня завтра день рождения", "День рождения — 5.05"],
      ["Я хочу выучить английский", "Хочет выучить английский"],
      ["Я не люблю чай", "Не любит чай"],
    ],
    negative: [
      "Ты живёшь в Питере?",
      "Я тебя люблю",
      "Я люблю тебя",
      "Если бы я жил в Париже",
      "Он сказал, что я живу в Туле",
    ],
  },
};

for (const [lang, cases] of Object.entries(CASES)) {
  describe(`memory rules: ${lang}`, () => {
    it.each(cases.positive)('%s -> %s', (text, expected) => {
      expect(texts(one(lang, text))).toEqual([expected]);
    });
    it.each(cases.negative)('%s -> nothing', (text) => {
      expect(texts(one(lang, text))).toEqual([]);
    });
  });
}

describe('memory items: shape, types and subjects', () => {
  it('fills every field: type, subject, provenance, times, confidence, origin, pinned, event date', () => {
    const m = msg("I'm going to Paris tomorrow", '2023-05-04T18:30:00');
    const [item] = extractMemories([m], 'Sam', { languages: ['en'] });
    expect(item).toEqual({
      id: hashString(`episode\u0000sam\u0000going to paris on 2023 05 05`),
      type: 'episode',
      text: 'Going to Paris on 2023-05-05',
      subject: 'Sam',
      sourceMessageIds: [m.id],
      firstSeen: '2023-05-04T18:30:00',
      lastSeen: '2023-05-04T18:30:00',
      confidence: 0.6,
      pinned: false,
      origin: 'rule',
      quote: "I'm going to Paris tomorrow",
      slot: 'event',
      value: 'Paris',
      eventDate: '2023-05-05',
    });
  });

  it('types: fact, preference, relationship, episode, goal', () => {
    const items = extractMemories(
      [
        msg('I live in Oslo', '2023-05-04T10:00:00'),
        msg('I love jazz', '2023-05-04T10:01:00'),
        msg('my sister Ida is here', '2023-05-04T10:02:00'),
        msg('I have an exam tomorrow', '2023-05-04T10:03:00'),
        msg('I want to learn Korean', '2023-05-04T10:04:00'),
      ],
      'Sam',
      { languages: ['en'] },
    );
    expect(items.map((i) => [i.type, i.subject])).toEqual([
      ['fact', 'Sam'],
      ['preference', 'Sam'],
      ['relationship', 'Ida'],
      ['episode', 'Sam'],
      ['goal', 'Sam'],
    ]);
  });

  it('reads only the persona’s own text messages', () => {
    const items = extractMemories(
      [msg('I live in Paris', undefined, 'Ben'), { ...msg('I live in Oslo'), kind: 'media' }, { ...msg('I live in Rome'), author: null, kind: 'system' }],
      'Sam',
      { languages: ['en'] },
    );
    expect(items).toEqual([]);
  });

  it('keeps the named relation and drops the vaguer unnamed one', () => {
    const items = extractMemories([msg('my sister is so annoying'), msg('my sister Anna says hi')], 'Sam', { languages: ['en'] });
    expect(texts(items)).toEqual(["Anna is Sam's sister"]);
  });

  it('never treats masked values as objects', () => {
    expect(texts(one('en', 'I work at [url-3fa2c1]'))).toEqual([]);
    expect(texts(one('en', 'I live in Oslo [phone-3fa2c1]'))).toEqual(['Lives in Oslo']);
  });
});

describe('merging and supersession', () => {
  it('merges the same fact said again into one item with all its sources and more confidence', () => {
    const a = msg('I live in Berlin', '2021-03-01T10:00:00');
    const b = msg('I still live in Berlin lol', '2022-07-01T10:00:00');
    const c = msg('i live in Berlin', '2022-01-01T10:00:00');
    const [item, ...rest] = extractMemories([a, c, b], 'Sam', { languages: ['en'] });
    expect(rest).toEqual([]);
    expect(item?.sourceMessageIds).toEqual([a.id, c.id, b.id]);
    expect(item?.firstSeen).toBe('2021-03-01T10:00:00');
    expect(item?.lastSeen).toBe('2022-07-01T10:00:00');
    // 1 - (1 - 0.8) * 0.6^2
    expect(item?.confidence).toBe(0.93);
  });

  it('supersedes an older residence by a newer different one (moved / lives in share the slot)', () => {
    const items = extractMemories(
      [msg('I live in Berlin', '2021-03-01T10:00:00'), msg('I live in Berlin', '2022-01-01T10:00:00'), msg('I moved to Munich', '2023-02-01T10:00:00')],
      'Sam',
      { languages: ['en'] },
    );
    const berlin = items.find((i) => i.text === 'Lives in Berlin');
    const munich = items.find((i) => i.text === 'Moved to Munich');
    expect(berlin?.supersededBy).toBe(munich?.id);
    expect(munich?.supersededBy).toBeUndefined();
  });

  it('the value said last is current, even if it was first said long ago', () => {
    const items = extractMemories(
      [msg('I live in Berlin', '2020-01-01T10:00:00'), msg('I live in Munich', '2021-01-01T10:00:00'), msg('I live in Berlin', '2022-01-01T10:00:00')],
      'Sam',
      { languages: ['en'] },
    );
    const berlin = items.find((i) => i.text === 'Lives in Berlin');
    const munich = items.find((i) => i.text === 'Lives in Munich');
    expect(munich?.supersededBy).toBe(berlin?.id);
    expect(berlin?.supersededBy).toBeUndefined();
  });

  it('supersedes partners and changed tastes, but not siblings or different tastes', () => {
    const items = extractMemories(
      [
        msg('my boyfriend Tom is sweet', '2021-01-01T10:00:00'),
        msg('my boyfriend Jake is sweet', '2022-01-01T10:00:00'),
        msg('my sister Ann is here', '2021-01-01T10:00:00'),
        msg('my sister Eva is here', '2022-01-01T10:00:00'),
        msg('I love cats', '2020-01-01T10:00:00'),
        msg('I hate cats', '2022-01-01T10:00:00'),
        msg('I love dogs', '2020-01-01T10:00:00'),
      ],
      'Sam',
      { languages: ['en'] },
    );
    const by = (t: string): MemoryItem | undefined => items.find((i) => i.text === t);
    expect(by("Tom is Sam's boyfriend")?.supersededBy).toBe(by("Jake is Sam's boyfriend")?.id);
    expect(by("Ann is Sam's sister")?.supersededBy).toBeUndefined();
    expect(by('Loves cats')?.supersededBy).toBe(by('Hates cats')?.id);
    expect(by('Loves dogs')?.supersededBy).toBeUndefined();
  });

  it('gives the same ids on every run and for the same text in another message', () => {
    const first = extractMemories([msg('I love jazz', '2021-01-01T10:00:00')], 'Sam', { languages: ['en'] });
    const again = extractMemories([msg('I love jazz!', '2024-01-01T10:00:00')], 'Sam', { languages: ['en'] });
    expect(first[0]?.id).toBe(again[0]?.id);
    expect(first[0]?.id).toBe(hashString('preference\u0000sam\u0000loves jazz'));
  });
});

describe('relative dates from the message time (2023-05-04 is a Thursday)', () => {
  const ts = '2023-05-04T10:00:00';
  const resolve = (lang: string, s: string, past = false): string | undefined => {
    const rules = memoryRules(lang);
    if (rules === undefined) throw new Error(lang);
    const d = findDate(s, rules.dates, ts, past);
    return d === null ? undefined : `${d.date} ${d.phrase}`;
  };
  it.each([
    ['en', 'see you tomorrow', '2023-05-05 on 2023-05-05'],
    ['en', 'the day after tomorrow', '2023-05-06 on 2023-05-06'],
    ['en', 'I did it yesterday', '2023-05-03 on 2023-05-03'],
    ['en', 'tonight we go', '2023-05-04 on 2023-05-04'],
    ['en', 'next week maybe', '2023-05-08 the week of 2023-05-08'],
    ['en', 'this weekend', '2023-05-06 the weekend of 2023-05-06'],
    ['en', 'next month', '2023-06-01 in 2023-06'],
    ['en', 'on Monday', '2023-05-08 on 2023-05-08'],
    ['en', 'on Thursday', '2023-05-11 on 2023-05-11'],
    ['en', 'last Friday', '2023-04-28 on 2023-04-28'],
    ['it', 'dopodomani', '2023-05-06 on 2023-05-06'],
    ['it', 'lunedì scorso', '2023-05-01 on 2023-05-01'],
    ['it', 'la settimana prossima', '2023-05-08 the week of 2023-05-08'],
    ['de', 'heute Morgen war ich müde', '2023-05-04 on 2023-05-04'],
    ['de', 'bis morgen', '2023-05-05 on 2023-05-05'],
    ['de', 'übermorgen', '2023-05-06 on 2023-05-06'],
    ['es', 'pasado mañana', '2023-05-06 on 2023-05-06'],
    ['es', 'esta mañana', '2023-05-04 on 2023-05-04'],
    ['es', 'mañana por la mañana', '2023-05-05 on 2023-05-05'],
    ['fr', 'après-demain', '2023-05-06 on 2023-05-06'],
    ['pt', 'semana que vem', '2023-05-08 the week of 2023-05-08'],
    ['nl', 'overmorgen', '2023-05-06 on 2023-05-06'],
    ['ru', 'послезавтра', '2023-05-06 on 2023-05-06'],
  ])('%s: %s', (lang, s, expected) => {
    expect(resolve(lang, s)).toBe(expected);
  });

  it('reads a bare weekday as the past one for past events, and skips look-alikes', () => {
    expect(resolve('en', 'on Monday', true)).toBe('2023-05-01 on 2023-05-01');
    expect(resolve('de', 'Guten Morgen!')).toBeUndefined();
    expect(resolve('es', 'por la mañana')).toBeUndefined();
    expect(resolve('en', 'nothing here')).toBeUndefined();
  });

  it('crosses month and year ends', () => {
    const rules = memoryRules('en');
    if (rules === undefined) throw new Error('en');
    expect(findDate('tomorrow', rules.dates, '2023-12-31T23:00:00')?.date).toBe('2024-01-01');
    expect(findDate('next month', rules.dates, '2023-12-15T10:00:00')?.phrase).toBe('in 2024-01');
    expect(findDate('yesterday', rules.dates, '2024-03-01T10:00:00')?.date).toBe('2024-02-29');
  });
});

describe('recurring places and activities', () => {
  it('remembers what the persona mentions on several days, not once or by others', () => {
    const day = (d: number): string => `2023-05-${String(d).padStart(2, '0')}T10:00:00`;
    const items = extractMemories(
      [
        msg('back from the gym', day(1)),
        msg('gym again, legs day', day(3)),
        msg('skipping gym today', day(7)),
        msg('yoga was nice', day(2)),
        msg('yoga tomorrow?', day(9)),
        msg('flying back to Lisbon soon', day(1)),
        msg('missing Lisbon already', day(2)),
        msg('the weather in Lisbon is great', day(4)),
        msg('talked to Ben about it', day(5)),
        msg('gave it to Ben', day(6)),
        msg('said it to Ben', day(8)),
        msg('the gym is closed', day(10), 'Ben'),
        msg('I was in Lisbon', day(3)),
      ],
      'Sam',
      { languages: ['en'] },
    );
    const gym = items.find((i) => i.text === 'Often mentions gym');
    expect(gym?.sourceMessageIds).toHaveLength(3);
    expect(gym?.firstSeen).toBe(day(1));
    expect(gym?.lastSeen).toBe(day(7));
    expect(texts(items)).toContain('Often mentions Lisbon');
    expect(texts(items).join('|')).not.toMatch(/yoga|Ben/u);
  });
});

describe('which rule languages run', () => {
  it('picks the languages the persona writes most', () => {
    const messages = [
      ...Array.from({ length: 8 }, () => msg('non so cosa fare stasera con te')),
      ...Array.from({ length: 2 }, () => msg('I think this is the best one')),
      msg('Je ne sais pas', undefined, 'Ben'),
    ];
    expect(memoryLanguages(messages, 'Sam')).toEqual(['it', 'en']);
    // Italian rules find Italian facts; a language below 10% of the messages is not run.
    const mostlyItalian = [...Array.from({ length: 20 }, () => msg('non so cosa fare stasera')), msg('Vivo a Roma'), msg('I live in Oslo')];
    expect(texts(extractMemories(mostlyItalian, 'Sam'))).toEqual(['Vive a Roma']);
  });

  it('runs every rule set when no language can be told', () => {
    expect(memoryLanguages([msg('ok'), msg('lol')], 'Sam')).toHaveLength(8);
  });
});

describe('memories that are true (regressions)', () => {
  it('"I work at night this week" is no employer and supersedes nothing', () => {
    const items = extractMemories([msg('I work at Google', '2023-01-01T10:00:00'), msg('ugh I work at night this week', '2023-05-01T10:00:00')], 'Sam', {
      languages: ['en'],
    });
    expect(items.map((i) => [i.text, i.supersededBy])).toEqual([['Works at Google', undefined]]);
    // A lasting fact said for now only is no fact; a time or home is no workplace.
    expect(texts(one('en', 'I live in a hotel this week'))).toEqual([]);
    expect(texts(one('en', 'I work from home'))).toEqual([]);
  });

  it('supersedes only by a confident value of the same slot', () => {
    const items = extractMemories([msg('I live in Berlin', '2023-01-01T10:00:00'), msg('i live in town now', '2023-05-01T10:00:00')], 'Sam', {
      languages: ['en'],
    });
    expect(items.find((i) => i.text === 'Lives in Berlin')?.supersededBy).toBeUndefined();
    // Another slot never supersedes: a job is no employer.
    const jobs = extractMemories([msg('I work at Google', '2023-01-01T10:00:00'), msg("I'm a nurse", '2023-05-01T10:00:00')], 'Sam', { languages: ['en'] });
    expect(jobs.every((i) => i.supersededBy === undefined)).toBe(true);
  });

  it('turns a negated like into a dislike, in every language, and a newer dislike supersedes the like', () => {
    const cases: [string, string, string][] = [
      ['en', "I don't like sushi", "Doesn't like sushi"],
      ['de', 'Ich mag keine Tomaten', 'Mag Tomaten nicht'],
      ['es', 'No me gusta el café', 'A Sam no le gusta el café'],
      ['fr', "Je n'aime pas le café", "N'aime pas le café"],
      ['it', 'Non mi piace il caffè', 'A Sam non piace il caffè'],
      ['pt', 'Não gosto de café', 'Não gosta de café'],
      ['nl', 'Ik hou niet van kaas', 'Houdt niet van kaas'],
      ['ru', 'Я не люблю чай', 'Не любит чай'],
    ];
    for (const [lang, text, expected] of cases) {
      const [item, ...rest] = one(lang, text);
      expect([item?.text, item?.type, item?.slot], text).toEqual([expected, 'preference', 'dislikes']);
      expect(rest).toEqual([]);
    }
    const items = extractMemories([msg('I love sushi', '2023-01-01T10:00:00'), msg("I don't like sushi anymore", '2023-05-01T10:00:00')], 'Sam', { languages: ['en'] });
    expect(items.find((i) => i.text === 'Loves sushi')?.supersededBy).toBe(items.find((i) => i.text === "Doesn't like sushi")?.id);
  });

  it('keeps relatives’ names given with "is called"', () => {
    expect(texts(one('de', 'meine Schwester heißt Anna'))).toEqual(['Anna ist die Schwester von Sam']);
    expect(texts(one('en', "my sister's name is Anna"))).toEqual(["Anna is Sam's sister"]);
    expect(texts(one('es', 'Mi hermana se llama Lucía'))).toEqual(['Lucía es la hermana de Sam']);
    expect(texts(one('ru', 'Мою сестру зовут Аня'))).toEqual(['Аня — сестра']);
  });

  it('keeps a Russian object in the case its preposition governs, inside a Russian statement', () => {
    expect(texts(one('ru', 'Я живу в Москве'))).toEqual(['Живёт в Москве']);
    expect(texts(one('ru', 'Я переехала в Москву'))).toEqual(['Переехала в Москву']);
    // "в Москве" and "в Москву" are one city: a move there supersedes nothing.
    const items = extractMemories([msg('Я живу в Москве', '2023-01-01T10:00:00'), msg('Я переехала в Москву', '2023-05-01T10:00:00')], 'Sam', { languages: ['ru'] });
    expect(items.every((i) => i.supersededBy === undefined)).toBe(true);
  });

  it('never lets the first person leak into a statement', () => {
    expect(texts(one('en', 'I love my wife'))).toEqual(['Has a wife']);
    expect(texts(one('de', 'Ich liebe meine Frau'))).toEqual(['Hat eine Frau']);
    expect(texts(one('it', 'Voglio svegliarmi presto domani'))).toEqual([]);
    expect(texts(one('ru', 'Я люблю свою жену'))).toEqual(['Есть жена']);
  });

  it('keeps the person’s own words as the quote beside the statement', () => {
    const [item] = one('de', 'Also ich bin Lehrerin, schon seit Jahren.');
    expect(item?.text).toBe('Ist Lehrerin');
    expect(item?.quote).toBe('Also ich bin Lehrerin, schon seit Jahren.');
    expect([item?.slot, item?.value]).toEqual(['job', 'Lehrerin']);
  });
});
