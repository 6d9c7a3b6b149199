// Dutch self-statement rules for the memory extractor (see types.ts for the table's meaning).
// Dutch puts infinitives and participles last ("ik ben naar Utrecht verhuisd"), so `trailing` strips them.

import { join, kinPhrases, verbForm } from './say';
import { activities, rx, set, words, type LangRules, type Say } from './types';

// A duration may stand between the verb and its object: "ik woon al vijf jaar in".
const ADV = String.raw`(?:\s+(?:nu|al\s+(?:\S+\s+)?(?:jaar|jaren|maanden|weken)|al|sinds\s+\S+|nog\s+steeds|inmiddels))?`;

const KIN = kinPhrases({
  sister: 'de zus|een zus', brother: 'de broer|een broer', mother: 'de moeder|een moeder', father: 'de vader|een vader',
  wife: 'de vrouw|een vrouw', husband: 'de man|een man', partner: 'de partner|een partner', son: 'de zoon|een zoon',
  daughter: 'de dochter|een dochter', 'best friend': 'de beste vriend|een beste vriend', friend: 'een vriend|een vriend',
  boss: 'de baas|een baas', cousin: 'de neef|een neef', aunt: 'de tante|een tante', uncle: 'de oom|een oom', grandmother: 'de oma|een oma',
  grandfather: 'de opa|een opa', dog: 'de hond|een hond', cat: 'de kat|een kat', roommate: 'de huisgenoot|een huisgenoot',
});

const nlSay: Say = {
  live: (v, c) => join('woont', c.prep, v),
  moved: (v, c) => (c.verb.includes('verhuis ') || c.verb.endsWith('verhuis') ? join('verhuist', c.prep, v) : join('is verhuisd', c.prep, v)),
  work: (v, c) => join('werkt', c.prep, v),
  jobAs: (v) => join('werkt als', v),
  job: (v) => join('is', v),
  study: (v) => join('studeert', v),
  birthday: (v) => join('is jarig op', v),
  dayMonth: (month, day) => `${day}-${month}`,
  born: (v, c) => join('is geboren', c.prep, v),
  love: (v, c) => (c.verb.includes('gek') ? join('is gek op', v) : join('houdt van', v)),
  like: (v) => join('vindt', v, 'leuk'),
  dislike: (v) => join('houdt niet van', v),
  hate: (v) => join('haat', v),
  cantStand: (v) => join('kan', v, 'niet uitstaan'),
  favorite: (cat, v, c) => join(c.verb.includes('lievelings') ? `lievelings${cat.toLowerCase()}` : `favoriete ${cat}`, 'is', v),
  want: (v) => join('wil', v),
  plan: (v, c) => join(c.verb.includes('mijn') ? 'heeft als plan om' : 'is van plan om', v),
  going: (v, c) => join(verbForm(c.verb, { ga: 'gaat', vlieg: 'vliegt', rij: 'rijdt' }, 'gaat'), c.prep, v),
  went: (v, c) => (/\bwas\b/u.test(c.verb) ? join('was', c.prep, v) : join('is', c.prep, v, 'geweest')),
  event: (v) => join('heeft', v),
  date: (span, iso) =>
    span === 'day' ? `op ${iso}` : span === 'week' ? `in de week van ${iso}` : span === 'weekend' ? `in het weekend van ${iso}` : `in ${iso.slice(0, 7)}`,
  often: (v) => join('noemt vaak', v),
  named: (name, rel, c) => `${name} is ${KIN(rel).def} van ${c.person}`,
  unnamed: (rel) => join('heeft', KIN(rel).indef),
};

/** Built on first use: a worker that never extracts memories in nl pays nothing for its regexes. */
export function nlRules(): LangRules {
  return {
  tag: 'nl',
  say: nlSay,
  firstPerson: words(['mijn', 'me', 'mij', 'ik', 'mezelf']),
  temporary: words(['deze\\s+week', 'deze\\s+maand', 'vandaag', 'vanavond', 'voorlopig', 'tijdelijk', 'even', 'een\\s+paar\\s+(?:dagen|weken)', 'tot\\s+\\p{L}+']),
  namedAs: rx(String.raw`\s+heet(?=\s)`),
  negationLast: words(['niet']),
  triggers: [
    { kind: 'dislike', re: rx(String.raw`\bik\s+hou(?:d)?\s+niet\s+(?:zo\s+)?(?:veel\s+)?van\s+`) },
    { kind: 'live', re: rx(String.raw`\bik\s+woon${ADV}\s+in\s+`) },
    { kind: 'moved', re: rx(String.raw`\bik\s+ben\s+(?:net\s+|nu\s+)?(?:verhuisd|verhuist)\s+naar\s+`) },
    { kind: 'moved', re: rx(String.raw`\bik\s+verhuis\s+(?:\S+\s+)?naar\s+`) },
    { kind: 'work', re: rx(String.raw`\bik\s+werk${ADV}\s+(?:bij|voor)\s+`) },
    { kind: 'jobAs', re: rx(String.raw`\bik\s+werk${ADV}\s+als\s+`) },
    { kind: 'job', re: rx(String.raw`\bik\s+ben\s+(?=\p{L})`) },
    { kind: 'study', re: rx(String.raw`\bik\s+studeer${ADV}\s+`) },
    { kind: 'birthday', re: rx(String.raw`\bmijn\s+verjaardag\s+is\s+(?:op\s+)?`) },
    { kind: 'birthday', re: rx(String.raw`\bik\s+ben\s+(?:\S+\s+)?jarig\b`) },
    { kind: 'born', re: rx(String.raw`\bik\s+ben\s+geboren\s+(?:in|op)\s+`) },
    { kind: 'love', re: rx(String.raw`\bik\s+hou(?:d)?\s+(?:echt\s+|zo\s+)?(?:veel\s+)?van\s+`) },
    { kind: 'love', re: rx(String.raw`\bik\s+ben\s+(?:echt\s+|zo\s+|heel\s+)?(?:gek|dol)\s+op\s+`) },
    { kind: 'like', re: rx(String.raw`\bik\s+vind\s+(?=[^.!?]{1,40}\s+(?:leuk|lekker|mooi|fijn)\b)`) },
    { kind: 'hate', re: rx(String.raw`\bik\s+haat\s+`) },
    { kind: 'cantStand', re: rx(String.raw`\bik\s+kan\s+(?=[^.!?]{1,40}\s+niet\s+uitstaan\b)`) },
    { kind: 'favorite', re: rx(String.raw`\bmijn\s+(?:favoriete\s+|lievelings)(?<cat>\p{L}{2,20})\s+is\s+`) },
    { kind: 'want', re: rx(String.raw`\bik\s+wil\s+(?:graag\s+|echt\s+)?`) },
    { kind: 'plan', re: rx(String.raw`\bik\s+ben\s+van\s+plan\s+(?:om\s+)?`) },
    { kind: 'plan', re: rx(String.raw`\bmijn\s+(?:doel|droom|plan)\s+is\s+(?:om\s+)?`) },
    { kind: 'going', re: rx(String.raw`\bik\s+(?:ga|vlieg|rij)\s+(?:\S+\s+)?naar\s+`) },
    // Inverted order after a fronted word ("Zaterdag ga ik naar Gent").
    { kind: 'going', re: rx(String.raw`\b(?:ga|vlieg|rij)\s+ik\s+(?:\S+\s+)?naar\s+`) },
    { kind: 'going', re: rx(String.raw`\bik\s+ga\s+(?!(?:\S+\s+)?naar\b)(?=[^.!?,]{0,40}\p{L}en\b)`) },
    { kind: 'went', re: rx(String.raw`\bik\s+was\s+(?:\S+\s+)?in\s+`) },
    { kind: 'went', re: rx(String.raw`\bik\s+ben\s+(?:\S+\s+)?naar\s+(?=[^.!?]{1,40}\s+(?:geweest|gegaan|gevlogen|gereden)\b)`) },
    { kind: 'event', re: rx(String.raw`\bik\s+heb\s+(?:\S+\s+)?(?=(?:een|mijn)\s)`) },
  ],
  kin: [
    ['sister', 'zus|zusje'],
    ['brother', 'broer|broertje'],
    ['mother', 'moeder|mama|mam'],
    ['father', 'vader|papa|pap'],
    ['wife', 'vrouw'],
    ['husband', 'man'],
    ['partner', 'partner'],
    ['son', 'zoon'],
    ['daughter', 'dochter'],
    ['best friend', 'beste\\s+vriend(?:in)?'],
    ['friend', 'vriend|vriendin|maat'],
    ['boss', 'baas'],
    ['cousin', 'neef|nicht'],
    ['aunt', 'tante'],
    ['uncle', 'oom'],
    ['grandmother', 'oma'],
    ['grandfather', 'opa'],
    ['dog', 'hond'],
    ['cat', 'kat|poes'],
    ['roommate', 'huisgenoot'],
  ].map(([relation = '', forms = '']) => ({
    relation,
    re: rx(String.raw`\bmijn\s+(?:(?:kleine|grote|oudere|jongere)\s+)?(?:${forms})\b`, 'giu'),
  })),
  hypothetical: words(['als', 'indien', 'stel', 'zou', 'misschien']),
  reported: words(['zegt', 'zei', 'zeggen', 'vindt', 'denkt', 'vertelde']),
  negationBefore: rx(String.raw`\b(?:niet|nooit|geen)\s+(?:\S+\s+)?$`),
  negationAfter: words(['niet', 'nooit', 'geen', 'meer']),
  boundary: words(['en', 'maar', 'omdat', 'want', 'als', 'of', 'dus', 'toen', 'wanneer', 'nu', 'ook', 'haha\\p{L}*', 'lol', 'sinds']),
  stopObject: words(['nacht', "'s\\s+nachts", 'nachts', 'thuis', 'vanuit\\s+huis', 'je', 'jij', 'jou', 'u', 'jullie', 'het', 'dat', 'dit', 'die', 'deze', 'hoe', 'wanneer', 'wat', 'waarom', 'waar', 'wie', 'jouw', 'hem', 'haar', 'hun', 'ons', 'me', 'mij', 'huis']),
  secondPerson: words(['je', 'jij', 'jou', 'jouw', 'u', 'uw', 'jullie']),
  leading: rx(String.raw`^(?:(?:de|het|een|heel|echt|zo|erg|super)\s+|'t\s+)+`),
  trailing: rx(
    String.raw`(?:\s+(?:(?:heel|erg|echt|super)\s+)?(?:leuk|lekker|mooi|fijn)|\s+niet\s+uitstaan|\s+(?:geweest|gegaan|gevlogen|gereden|geboren|verhuisd)|\s+(?:nu|ook|heel\s+erg|haha\p{L}*|lol))+$`,
  ),
  infinitive: rx(String.raw`\p{L}en$`),
  jobs: set(
    'arts dokter verpleegkundige verpleger leraar lerares docent advocaat ingenieur ontwikkelaar programmeur ' +
    'ontwerper architect accountant kok ober serveerster barista chauffeur piloot monteur elektricien loodgieter ' +
    'journalist schrijver fotograaf kunstenaar muzikant acteur actrice consultant manager politieagent agent ' +
    'brandweerman dierenarts tandarts apotheker kapper verkoper verkoopster student studente stagiair',
  ),
  student: set('student studente'),
  activities: activities(
    'gym: sportschool gym fitness, yoga: yoga pilates, football: voetbal voetballen, basketball: basketbal, ' +
    'tennis: tennis, running: hardlopen, swimming: zwemmen, climbing: klimmen boulderen, guitar: gitaar, ' +
    'piano: piano, dancing: dansen, hiking: wandelen, cycling: fietsen wielrennen, choir: koor, church: kerk, hockey: hockey',
  ),
  placePreps: 'in|naar|uit',
  months: words(['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december']),
  notNames: set(
    'maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart april mei juni juli augustus ' +
    'september oktober november december god ok ja nee haha',
  ),
  dates: {
    today: ['vandaag', 'vanochtend', 'vanmorgen', 'vanmiddag'],
    tonight: ['vanavond', 'vannacht'],
    tomorrow: ['morgen'],
    dayAfterTomorrow: ['overmorgen'],
    yesterday: ['gisteren'],
    nextWeek: ['volgende\\s+week'],
    weekend: ['dit\\s+weekend', 'in\\s+het\\s+weekend'],
    nextMonth: ['volgende\\s+maand'],
    weekdays: ['maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag', 'zondag'],
    notDates: ['goedemorgen', 'goeie\\s+morgen'],
    lastWeekday: 'afgelopen|vorige',
    weekdayPrefix: 'op|deze|komende|aanstaande',
  },
};
}
