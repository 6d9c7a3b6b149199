// German self-statement rules for the memory extractor (see types.ts for the table's meaning).
// German puts verbs and participles last ("ich bin nach Berlin gezogen"), so `trailing` strips them.

import { join, kinPhrases, verbForm } from './say';
import { activities, rx, set, words, type LangRules, type Say } from './types';

// A duration may stand between the verb and its object: "ich wohne seit drei Jahren in".
const ADV = String.raw`(?:\s+(?:jetzt|gerade|noch|immer\s+noch|schon|seit\s+(?:\S+\s+)?\S+|mittlerweile|inzwischen))?`;

const KIN = kinPhrases({
  sister: 'die Schwester|eine Schwester', brother: 'der Bruder|einen Bruder', mother: 'die Mutter|eine Mutter',
  father: 'der Vater|einen Vater', wife: 'die Frau|eine Frau', husband: 'der Mann|einen Mann', partner: 'der Partner|einen Partner',
  son: 'der Sohn|einen Sohn', daughter: 'die Tochter|eine Tochter', 'best friend': 'der beste Freund|einen besten Freund',
  friend: 'ein Freund|einen Freund', boss: 'der Chef|einen Chef', cousin: 'der Cousin|einen Cousin', aunt: 'die Tante|eine Tante',
  uncle: 'der Onkel|einen Onkel', grandmother: 'die Oma|eine Oma', grandfather: 'der Opa|einen Opa', dog: 'der Hund|einen Hund',
  cat: 'die Katze|eine Katze', roommate: 'der Mitbewohner|einen Mitbewohner',
});

const deSay: Say = {
  live: (v, c) => join('wohnt', c.prep, v),
  moved: (v, c) => (c.verb.includes('ziehe') ? join('zieht', c.prep, v) : join('ist', c.prep, v, 'gezogen')),
  work: (v, c) => join('arbeitet', c.prep, v),
  jobAs: (v) => join('arbeitet als', v),
  job: (v) => join('ist', v),
  study: (v) => join('studiert', v),
  birthday: (v) => join('hat am', v, 'Geburtstag'),
  dayMonth: (month, day) => `${day}.${month}.`,
  born: (v, c) => join('ist', c.prep, v, 'geboren'),
  love: (v) => join('liebt', v),
  like: (v) => join('mag', v),
  dislike: (v) => join('mag', v, 'nicht'),
  hate: (v) => join('hasst', v),
  cantStand: (v) => join('kann', v, 'nicht ausstehen'),
  favorite: (cat, v) => join(`Lieblings${cat.toLowerCase()} ist`, v),
  want: (v, c) => join(verbForm(c.verb, { will: 'will', möchte: 'möchte', moechte: 'möchte' }, 'will'), v),
  plan: (v, c) => join(verbForm(c.verb, { plane: 'plant,', habe: 'hat vor,', hab: 'hat vor,', mein: 'hat vor,' }, 'plant,'), v),
  going: (v, c) => join(verbForm(c.verb, { gehe: 'geht', fahre: 'fährt', fliege: 'fliegt', reise: 'reist' }, 'fährt'), c.prep, v),
  went: (v, c) => (c.verb.includes('war') ? join('war', c.prep, v) : join('ist', c.prep, v, 'gereist')),
  event: (v) => join('hat', v),
  date: (span, iso) =>
    span === 'day' ? `am ${iso}` : span === 'week' ? `in der Woche ab ${iso}` : span === 'weekend' ? `am Wochenende ab ${iso}` : `im ${iso.slice(0, 7)}`,
  often: (v) => join('erwähnt oft', v),
  named: (name, rel, c) => `${name} ist ${KIN(rel).def} von ${c.person}`,
  unnamed: (rel) => join('hat', KIN(rel).indef),
};

/** Built on first use: a worker that never extracts memories in de pays nothing for its regexes. */
export function deRules(): LangRules {
  return {
  tag: 'de',
  say: deSay,
  firstPerson: words(['mein', 'meine', 'meinen', 'meinem', 'meiner', 'meines', 'mich', 'mir', 'ich']),
  temporary: words(['diese\\s+woche', 'diesen\\s+monat', 'heute', 'heute\\s+abend', 'vorübergehend', 'übers\\s+wochenende', 'für\\s+ein\\s+paar\\s+(?:tage|wochen)', 'bis\\s+\\p{L}+']),
  namedAs: rx(String.raw`\s+(?:heißt|heisst)(?=\s)`),
  negationLast: words(['überhaupt\\s+nicht', 'gar\\s+nicht', 'nicht']),
  triggers: [
    { kind: 'dislike', re: rx(String.raw`\bich\s+mag\s+(?:kein|keine|keinen)\s+`) },
    { kind: 'dislike', re: rx(String.raw`\bich\s+(?:liebe|mag)\s+(?:überhaupt\s+|gar\s+)?(?:kein|keine|keinen)\s+`) },
    { kind: 'live', re: rx(String.raw`\bich\s+(?:wohne|lebe)${ADV}\s+in\s+`) },
    // Inverted order after a fronted word ("Jetzt wohne ich in Köln", "Morgen fahre ich nach Wien").
    { kind: 'live', re: rx(String.raw`\b(?:wohne|lebe)\s+ich${ADV}\s+in\s+`) },
    { kind: 'moved', re: rx(String.raw`\bich\s+bin${ADV}(?:\s+endlich)?\s+nach\s+(?=[^.!?]{1,40}\s+(?:um)?gezogen\b)`) },
    { kind: 'moved', re: rx(String.raw`\bich\s+ziehe${ADV}(?:\s+bald)?\s+nach\s+`) },
    { kind: 'work', re: rx(String.raw`\bich\s+arbeite${ADV}\s+(?:bei|für)\s+`) },
    { kind: 'jobAs', re: rx(String.raw`\bich\s+arbeite${ADV}\s+als\s+`) },
    { kind: 'job', re: rx(String.raw`\bich\s+bin\s+(?=\p{L})`) },
    { kind: 'study', re: rx(String.raw`\bich\s+studiere${ADV}\s+`) },
    { kind: 'birthday', re: rx(String.raw`\bmein\s+geburtstag\s+ist\s+(?:am\s+)?`) },
    { kind: 'birthday', re: rx(String.raw`\b(?:ich\s+hab(?:e)?|hab(?:e)?\s+ich)\s+(?:\S+\s+)?geburtstag\b`) },
    { kind: 'born', re: rx(String.raw`\bich\s+(?:bin|wurde)\s+(?:in\s+|am\s+)?(?=[^.!?]{1,30}\s+geboren\b)`) },
    { kind: 'love', re: rx(String.raw`\bich\s+liebe\s+`) },
    { kind: 'like', re: rx(String.raw`\bich\s+mag\s+`) },
    { kind: 'hate', re: rx(String.raw`\bich\s+hasse\s+`) },
    { kind: 'cantStand', re: rx(String.raw`\bich\s+kann\s+(?=[^.!?]{1,40}\s+nicht\s+(?:leiden|ausstehen)\b)`) },
    { kind: 'favorite', re: rx(String.raw`\bmein(?:e)?\s+lieblings(?<cat>\p{L}{2,20})\s+(?:ist|sind)\s+`) },
    { kind: 'want', re: rx(String.raw`\bich\s+(?:will|möchte|moechte)\s+(?:unbedingt\s+|gerne?\s+)?`) },
    { kind: 'plan', re: rx(String.raw`\bich\s+(?:plane|hab(?:e)?\s+vor)\s*,?\s+`) },
    { kind: 'plan', re: rx(String.raw`\bmein\s+(?:ziel|traum|plan)\s+ist\s+(?:es\s+)?,?\s*`) },
    { kind: 'going', re: rx(String.raw`\bich\s+(?:gehe|fahre|fliege|reise)\s+(?:\S+\s+){0,2}?(?:nach|zum|zur|ins)\s+`) },
    { kind: 'going', re: rx(String.raw`\b(?:gehe|fahre|fliege|reise)\s+ich\s+(?:\S+\s+)?(?:nach|zum|zur|ins)\s+`) },
    { kind: 'went', re: rx(String.raw`\bich\s+war\s+(?:\S+\s+)?in\s+`) },
    { kind: 'went', re: rx(String.raw`\bwar\s+ich\s+(?:\S+\s+)?in\s+`) },
    { kind: 'went', re: rx(String.raw`\bich\s+bin\s+(?:\S+\s+)?nach\s+(?=[^.!?]{1,40}\s+(?:gefahren|geflogen|gegangen|gereist)\b)`) },
    { kind: 'event', re: rx(String.raw`\b(?:ich\s+hab(?:e)?|hab(?:e)?\s+ich)\s+(?:\S+\s+){0,2}?(?=(?:ein|eine|einen|meine|meinen)\s)`) },
  ],
  kin: [
    ['sister', 'schwester'],
    ['brother', 'bruder'],
    ['mother', 'mutter|mama|mami|mutti'],
    ['father', 'vater|papa|papi|vati'],
    ['wife', 'frau|ehefrau'],
    ['husband', 'mann|ehemann'],
    ['partner', 'partner|partnerin'],
    ['son', 'sohn'],
    ['daughter', 'tochter'],
    ['best friend', 'beste\\s+freundin|bester\\s+freund|besten\\s+freund'],
    ['friend', 'freund|freundin|kumpel'],
    ['boss', 'chef|chefin'],
    ['cousin', 'cousin|cousine'],
    ['aunt', 'tante'],
    ['uncle', 'onkel'],
    ['grandmother', 'oma|großmutter'],
    ['grandfather', 'opa|großvater'],
    ['dog', 'hund'],
    ['cat', 'katze|kater'],
    ['roommate', 'mitbewohner|mitbewohnerin'],
  ].map(([relation = '', forms = '']) => ({
    relation,
    re: rx(String.raw`\bmein(?:e|er|em|en)?\s+(?:(?:kleine[nrms]?|große[nrms]?|ältere[nrms]?|jüngere[nrms]?)\s+)?(?:${forms})\b`, 'giu'),
  })),
  hypothetical: words(['wenn', 'falls', 'ob', 'würde', 'würdest', 'hätte', 'wäre', 'vielleicht', 'stell\\s+dir\\s+vor']),
  reported: words(['sagt', 'sagte', 'gesagt', 'meint', 'meinte', 'erzählt', 'behauptet', 'denkt']),
  negationBefore: rx(String.raw`\b(?:nicht|nie|niemals|kein|keine)\s+(?:\S+\s+)?$`),
  negationAfter: words(['nicht', 'nie', 'kein', 'keine', 'keinen', 'mehr']),
  boundary: words(['und', 'aber', 'weil', 'denn', 'wenn', 'als', 'oder', 'dass', 'damit', 'also', 'jetzt', 'auch', 'schon', 'noch', 'lol', 'haha', 'mit\\s+dir', 'seit', 'weil']),
  stopObject: words(['nachts', 'abends', 'morgens', 'zuhause', 'von\\s+zu\\s+hause', 'nachtschicht', 'dich', 'dir', 'du', 'euch', 'es', 'ihn', 'ihm', 'mich', 'mir', 'uns', 'wie', 'was', 'wann', 'warum', 'wo', 'wer', 'dein', 'deine', 'deinen', 'so', 'nicht', 'kein', 'keine', 'das', 'dies', 'hause', 'sehr']),
  secondPerson: words(['du', 'dich', 'dir', 'dein', 'deine', 'deinen', 'deinem', 'deiner', 'euch', 'euer', 'eure']),
  leading: rx(String.raw`^(?:(?:der|die|das|den|dem|des|ein|eine|einen|einem|sehr|so|total|echt|wirklich)\s+)+`),
  trailing: rx(
    String.raw`(?:\s+(?:so\s+sehr|sehr|total|echt|jetzt|auch|gern|gerne|(?:um)?gezogen|geboren|gefahren|geflogen|gegangen|gereist|nicht\s+leiden|nicht\s+ausstehen|überhaupt|gar|mehr|lol|haha\p{L}*))+$`,
  ),
  infinitive: rx(String.raw`\p{L}(?:en|ern|eln)$`),
  jobs: set(
    'arzt ärztin lehrer lehrerin krankenpfleger krankenschwester pfleger pflegerin ingenieur ingenieurin entwickler ' +
    'entwicklerin programmierer programmiererin designer designerin architekt architektin anwalt anwältin koch köchin ' +
    'kellner kellnerin verkäufer verkäuferin fahrer fahrerin mechaniker elektriker friseur friseurin journalist ' +
    'journalistin künstler künstlerin musiker musikerin schauspieler schauspielerin berater beraterin manager managerin ' +
    'polizist polizistin apotheker apothekerin zahnarzt zahnärztin tierarzt tierärztin erzieher erzieherin bäcker ' +
    'bäckerin student studentin schüler schülerin azubi praktikant praktikantin',
  ),
  student: set('student studentin schüler schülerin azubi'),
  activities: activities(
    'gym: fitnessstudio gym, yoga: yoga pilates, football: fußball fussball, basketball: basketball, tennis: tennis, ' +
    'running: joggen, swimming: schwimmen, climbing: klettern bouldern, guitar: gitarre, piano: klavier, ' +
    'dancing: tanzen tanzkurs, hiking: wandern, cycling: radfahren, choir: chor, church: kirche, handball: handball',
  ),
  placePreps: 'in|nach|aus|im',
  months: words(['januar', 'februar', 'märz', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'dezember', 'jan', 'feb', 'mär', 'apr', 'jun', 'jul', 'aug', 'sept?', 'okt', 'nov', 'dez']),
  notNames: set(
    'montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar märz april mai juni juli august ' +
    'september oktober november dezember ich du er sie es wir ihr ok haha ja nein gott weihnachten ostern hause ' +
    'schule arbeit uni urlaub bett ordnung moment grunde zukunft ernst prinzip ruhe zeit eile frieden wirklichkeit ' +
    'sicherheit zweifel allgemeinen ganzen',
  ),
  dates: {
    today: ['heute', 'heute\\s+morgen', 'heute\\s+früh', 'heute\\s+nachmittag'],
    tonight: ['heute\\s+abend', 'heute\\s+nacht', 'heut\\s+abend'],
    tomorrow: ['morgen'],
    dayAfterTomorrow: ['übermorgen', 'uebermorgen'],
    yesterday: ['gestern', 'gestern\\s+morgen', 'gestern\\s+abend'],
    nextWeek: ['nächste\\s+woche', 'naechste\\s+woche', 'kommende\\s+woche'],
    weekend: ['am\\s+wochenende', 'dieses\\s+wochenende'],
    nextMonth: ['nächsten\\s+monat', 'naechsten\\s+monat'],
    weekdays: ['montag', 'dienstag', 'mittwoch', 'donnerstag', 'freitag', 'samstag|sonnabend', 'sonntag'],
    notDates: ['am\\s+morgen', 'jeden\\s+morgen', 'guten\\s+morgen', 'den\\s+ganzen\\s+morgen'],
    lastWeekday: 'letzten|letzte|vergangenen',
    weekdayPrefix: 'am|diesen|nächsten|naechsten',
  },
};
}
