// Dutch self-statement rules for the memory extractor (see types.ts for the table's meaning).
// Dutch puts infinitives and participles last ("ik ben naar Utrecht verhuisd"), so `trailing` strips them.

import { activities, rx, set, words, type LangRules } from './types';

const ADV = String.raw`(?:\s+(?:nu|al|sinds\s+\S+|nog\s+steeds|inmiddels))?`;

/** Built on first use: a worker that never extracts memories in nl pays nothing for its regexes. */
export function nlRules(): LangRules {
  return {
  tag: 'nl',
  triggers: [
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
    { kind: 'love', re: rx(String.raw`\bik\s+ben\s+(?:echt\s+|zo\s+)?gek\s+op\s+`) },
    { kind: 'like', re: rx(String.raw`\bik\s+vind\s+(?=[^.!?]{1,40}\s+(?:leuk|lekker|mooi|fijn)\b)`) },
    { kind: 'hate', re: rx(String.raw`\bik\s+haat\s+`) },
    { kind: 'cantStand', re: rx(String.raw`\bik\s+kan\s+(?=[^.!?]{1,40}\s+niet\s+uitstaan\b)`) },
    { kind: 'favorite', re: rx(String.raw`\bmijn\s+(?:favoriete\s+|lievelings)(?<cat>\p{L}{2,20})\s+is\s+`) },
    { kind: 'want', re: rx(String.raw`\bik\s+wil\s+(?:graag\s+|echt\s+)?`) },
    { kind: 'plan', re: rx(String.raw`\bik\s+ben\s+van\s+plan\s+(?:om\s+)?`) },
    { kind: 'plan', re: rx(String.raw`\bmijn\s+(?:doel|droom|plan)\s+is\s+(?:om\s+)?`) },
    { kind: 'going', re: rx(String.raw`\bik\s+(?:ga|vlieg|rij)\s+(?:\S+\s+)?naar\s+`) },
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
  stopObject: words(['je', 'jij', 'jou', 'u', 'jullie', 'het', 'dat', 'dit', 'die', 'deze', 'hoe', 'wanneer', 'wat', 'waarom', 'waar', 'wie', 'jouw', 'hem', 'haar', 'hun', 'ons', 'me', 'mij', 'huis']),
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
