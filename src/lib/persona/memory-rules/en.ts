// English self-statement rules for the memory extractor (see types.ts for the table's meaning).
// Invariants: first person only ("I", "I'm", "my"); apostrophes are normalized to ' before matching.

import { monthDay } from '../relative-dates';
import { cap, kinPhrases } from './say';
import { activities, rx, set, words, type LangRules, type Say } from './types';

const IM = String.raw`\bi(?:'m|m|\s+am)`;
const ADV = String.raw`(?:\s+(?:currently|still|now|actually|also|just|really))?`;

const KIN = kinPhrases({ aunt: 'aunt|an aunt', uncle: 'uncle|an uncle', 'best friend': 'best friend|a best friend' });
const indefinite = (rel: string): string => (KIN(rel).indef === rel ? `${/^[aeiou]/u.test(rel) ? 'an' : 'a'} ${rel}` : KIN(rel).indef);

export const enSay: Say = {
  live: (v) => `Lives in ${v}`,
  moved: (v) => `Moved to ${v}`,
  work: (v) => `Works at ${v}`,
  jobAs: (v) => `Works as ${v}`,
  job: (v) => (/\bstudent$/iu.test(v) ? 'Is a student' : `Works as ${v}`),
  study: (v) => `Studies ${v}`,
  birthday: (v) => `Birthday is on ${v}`,
  dayMonth: (month, day) => monthDay(`2000-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`),
  born: (v, c) => `Was born ${c.prep} ${v}`,
  love: (v) => `Loves ${v}`,
  like: (v) => `Likes ${v}`,
  dislike: (v) => `Doesn't like ${v}`,
  hate: (v) => `Hates ${v}`,
  cantStand: (v) => `Can't stand ${v}`,
  favorite: (cat, v) => `Favorite ${cat} is ${v}`,
  want: (v) => `Wants to ${v}`,
  plan: (v) => `Plans to ${v}`,
  going: (v) => `Going to ${v}`,
  went: (v) => `Went to ${v}`,
  event: (v) => `Has ${v}`,
  date: (span, iso) => (span === 'day' ? `on ${iso}` : span === 'month' ? `in ${iso.slice(0, 7)}` : `the ${span} of ${iso}`),
  often: (v) => `Often mentions ${v}`,
  named: (name, rel, c) => `${name} is ${c.person}'s ${rel}`,
  unnamed: (rel) => cap(`has ${indefinite(rel)}`),
};

/** Built on first use: a worker that never extracts memories in en pays nothing for its regexes. */
export function enRules(): LangRules {
  return {
  tag: 'en',
  say: enSay,
  firstPerson: words(['my', 'me', 'i', "i'm", 'mine', 'myself']),
  temporary: words(['this\\s+week', 'this\\s+month', 'this\\s+summer', 'today', 'tonight', 'for\\s+now', 'at\\s+the\\s+moment', 'atm', 'temporarily', 'for\\s+a\\s+few\\s+(?:days|weeks)', 'until\\s+\\p{L}+']),
  namedAs: rx(String.raw`(?:'s\s+name\s+is|\s+is\s+called|\s+is\s+named|\s+named|\s+called)(?=\s)`),
  triggers: [
    { kind: 'dislike', re: rx(String.raw`\bi\s+(?:don't|dont|do\s+not|never|really\s+don't|really\s+dont)(?:\s+really)?\s+(?:like|liked|enjoy|enjoyed|love|loved)\s+`) },
    { kind: 'dislike', re: rx(String.raw`\bi${ADV}\s+dislike\s+`) },
    { kind: 'dislike', re: rx(String.raw`${IM}\s+not\s+(?:a\s+(?:big\s+|huge\s+)?fan\s+of|into)\s+`) },
    { kind: 'live', re: rx(String.raw`\bi${ADV}\s+(?:live|reside)\s+in\s+`) },
    { kind: 'live', re: rx(String.raw`${IM}${ADV}\s+(?:living|based)\s+in\s+`) },
    { kind: 'moved', re: rx(String.raw`\bi(?:'ve|\s+have)?(?:\s+(?:just|finally|recently))?\s+moved\s+(?:back\s+)?to\s+`) },
    { kind: 'work', re: rx(String.raw`\bi${ADV}\s+work\s+(?:at|for)\s+`) },
    { kind: 'work', re: rx(String.raw`${IM}${ADV}\s+working\s+(?:at|for)\s+`) },
    { kind: 'jobAs', re: rx(String.raw`\bi${ADV}\s+work\s+as\s+`) },
    { kind: 'jobAs', re: rx(String.raw`${IM}${ADV}\s+working\s+as\s+`) },
    { kind: 'job', re: rx(String.raw`${IM}\s+(?=an?\s)`) },
    { kind: 'study', re: rx(String.raw`\bi${ADV}\s+study\s+`) },
    { kind: 'study', re: rx(String.raw`${IM}${ADV}\s+studying\s+`) },
    { kind: 'study', re: rx(String.raw`${IM}\s+a\s+student\s+(?=at\s)`) },
    { kind: 'birthday', re: rx(String.raw`\bmy\s+(?:birthday|bday|b-day)\s+is\s+(?:on\s+)?`) },
    { kind: 'birthday', re: rx(String.raw`\bit(?:'s|s|\s+is)\s+my\s+(?:birthday|bday|b-day)\b`) },
    { kind: 'born', re: rx(String.raw`\bi\s+was\s+born\s+(?:in|on)\s+`) },
    { kind: 'love', re: rx(String.raw`\bi${ADV}(?:\s+(?:absolutely|totally|so))?\s+(?:love|adore)\s+`) },
    { kind: 'love', re: rx(String.raw`${IM}\s+(?:so\s+|really\s+)?(?:obsessed\s+with|in\s+love\s+with|a\s+(?:big\s+|huge\s+)?fan\s+of)\s+`) },
    { kind: 'like', re: rx(String.raw`\bi${ADV}(?:\s+(?:kinda|quite))?\s+(?:like|enjoy)\s+`) },
    { kind: 'like', re: rx(String.raw`${IM}\s+(?:really\s+|so\s+|totally\s+)?into\s+`) },
    { kind: 'hate', re: rx(String.raw`\bi${ADV}(?:\s+(?:absolutely|totally|so))?\s+(?:hate|detest|loathe)\s+`) },
    { kind: 'cantStand', re: rx(String.raw`\bi\s+(?:can't|cannot|can\s+not|cant)\s+stand\s+`) },
    { kind: 'favorite', re: rx(String.raw`\bmy\s+(?:favou?rite|fave?)\s+(?<cat>[\p{L}' ]{2,30}?)\s+(?:is|are)\s+`) },
    { kind: 'want', re: rx(String.raw`\bi${ADV}\s+(?:want\s+to|wanna)\s+`) },
    { kind: 'want', re: rx(String.raw`\bi(?:'d|\s+would)\s+(?:really\s+)?love\s+to\s+`) },
    { kind: 'want', re: rx(String.raw`\bi${ADV}\s+hope\s+to\s+`) },
    { kind: 'plan', re: rx(String.raw`${IM}\s+planning\s+(?:to|on)\s+`) },
    { kind: 'plan', re: rx(String.raw`\bi\s+plan\s+(?:to|on)\s+`) },
    { kind: 'plan', re: rx(String.raw`\bmy\s+(?:goal|dream|plan)\s+is\s+to\s+`) },
    { kind: 'going', re: rx(String.raw`${IM}\s+(?:going|heading|flying|travell?ing|driving)\s+(?:back\s+)?to\s+`) },
    { kind: 'going', re: rx(String.raw`${IM}\s+gonna\s+`) },
    { kind: 'going', re: rx(String.raw`\bi(?:'ll|\s+will)\s+(?:go|fly|travel|drive)\s+to\s+`) },
    { kind: 'went', re: rx(String.raw`\bi\s+(?:went|flew|drove|travell?ed)\s+(?:back\s+)?to\s+`) },
    { kind: 'event', re: rx(String.raw`\bi(?:'ve\s+got|\s+have\s+got|\s+have|\s+got)\s+(?=(?:an?|my)\s)`) },
  ],
  kin: [
    ['sister', 'sister|sis'],
    ['brother', 'brother'],
    ['mother', 'mom|mum|mother|mommy|mummy|mama'],
    ['father', 'dad|father|daddy|papa'],
    ['wife', 'wife'],
    ['husband', 'husband|hubby'],
    ['boyfriend', 'boyfriend|bf'],
    ['girlfriend', 'girlfriend|gf'],
    ['partner', 'partner'],
    ['son', 'son'],
    ['daughter', 'daughter'],
    ['best friend', 'best\\s+friend|bff|bestie'],
    ['friend', 'friend|buddy|mate'],
    ['roommate', 'roommate|flatmate|housemate'],
    ['boss', 'boss'],
    ['cousin', 'cousin'],
    ['aunt', 'aunt|auntie'],
    ['uncle', 'uncle'],
    ['grandmother', 'grandma|granny|grandmother|nana'],
    ['grandfather', 'grandpa|grandfather|grandad'],
    ['dog', 'dog|puppy|doggo'],
    ['cat', 'cat|kitty|kitten'],
  ].map(([relation = '', forms = '']) => ({
    relation,
    re: rx(String.raw`\bmy\s+(?:(?:little|older|younger|big|baby|twin|eldest|oldest|youngest|step)[\s-]?)?(?:${forms})\b`, 'giu'),
  })),
  hypothetical: words(['if', 'unless', 'would', "i'd", 'wish', 'imagine', 'suppose', 'pretend', 'whether', 'maybe']),
  reported: words(['said', 'says', 'told', 'tells', 'asked', 'thinks', 'thought']),
  negationBefore: rx(String.raw`\b(?:don't|dont|do\s+not|didn't|didnt|never|no\s+longer|not|won't|wont|ain't)\s+(?:\S+\s+)?$`),
  negationAfter: words(['not', 'anymore', 'nowhere']),
  boundary: words([
    'and', 'but', 'because', 'cause', 'cuz', 'bc', 'so', 'when', 'while', 'since', 'though', 'although', 'or',
    'if', 'then', 'lol', 'lmao', 'haha', 'now', 'anymore', 'too', 'right now', 'these days', 'atm', 'for now',
    'with you', 'tbh', 'honestly', 'which', 'where', 'who', 'that', 'as well', 'someday', 'one day', 'at',
  ]),
  stopObject: words([
    'you', 'u', 'ya', 'ye', 'yall', "y'all", 'it', 'that', 'this', 'these', 'those', 'them', 'him', 'her', 'us',
    'me', 'myself', 'how', 'when', 'what', 'why', 'where', 'who', 'your', 'ur', 'yours', 'for', 'about',
    'here', 'there', 'so', 'too', 'a lot', 'lots', 'much', 'ok', 'okay', 'sleep', 'go home', 'die', 'cry', 'know', 'see',
    'understand', 'hear',
    // Times and home: "I work at night", "I work from home" name no workplace.
    'night', 'nights', 'home', 'the moment', 'the weekend', 'weekends', 'midnight', 'noon', 'late', 'early', 'all',
  ]),
  secondPerson: words(['you', 'u', 'ya', 'your', 'ur', 'yours', 'yourself', 'y\'all', 'yall']),
  leading: rx(String.raw`^(?:(?:really|so|just|totally|absolutely|actually|also)\s+)+`),
  trailing: rx(String.raw`(?:\s+(?:so\s+much|a\s+lot|lots|too|as\s+well|anymore|now|right\s+now|already|again|though|lol|haha|tbh))+$`),
  infinitive: rx(String.raw`^(?!the\b|a\b|an\b|my\b|his\b|her\b|their\b|our\b)[a-z]+\b`),
  jobs: set(
    'doctor nurse teacher lawyer engineer developer programmer designer architect accountant pharmacist ' +
    'dentist vet veterinarian chef cook waiter waitress bartender barista cashier driver pilot mechanic electrician ' +
    'plumber carpenter farmer journalist writer author photographer artist musician actor actress consultant ' +
    'manager analyst scientist researcher professor lecturer tutor psychologist therapist firefighter officer ' +
    'paramedic midwife surgeon physio physiotherapist hairdresser barber salesman saleswoman realtor banker ' +
    'trader secretary receptionist librarian translator interpreter editor producer student intern freelancer',
  ),
  student: set('student'),
  activities: activities(
    'gym: gym workout workouts, yoga: yoga pilates, football: football soccer, basketball: basketball, ' +
    'tennis: tennis, running: running jogging run, swimming: swimming swim, climbing: climbing bouldering, ' +
    'guitar: guitar, piano: piano, dancing: dancing dance, hiking: hiking hike, cycling: cycling biking, ' +
    'choir: choir, church: church, volleyball: volleyball, boxing: boxing, surfing: surfing, skiing: skiing, ' +
    'chess: chess, fishing: fishing, painting: painting, baking: baking, gaming: gaming',
  ),
  placePreps: 'in|to|from|at',
  months: words(['jan(?:uary)?', 'feb(?:ruary)?', 'mar(?:ch)?', 'apr(?:il)?', 'may', 'june?', 'july?', 'aug(?:ust)?', 'sept?(?:ember)?', 'oct(?:ober)?', 'nov(?:ember)?', 'dec(?:ember)?']),
  notNames: set(
    'i im ive ill id monday tuesday wednesday thursday friday saturday sunday january february march april may june july ' +
    'august september october november december christmas easter god lol omg ok okay haha yes no the a and but so my ' +
    'home work school bed',
  ),
  dates: {
    today: ['today', 'this\\s+morning', 'this\\s+afternoon'],
    tonight: ['tonight', 'this\\s+evening'],
    tomorrow: ['tomorrow', 'tmrw', 'tmr', 'tomorow'],
    dayAfterTomorrow: ['the\\s+day\\s+after\\s+tomorrow'],
    yesterday: ['yesterday'],
    nextWeek: ['next\\s+week'],
    weekend: ['this\\s+weekend', 'on\\s+the\\s+weekend', 'at\\s+the\\s+weekend'],
    nextMonth: ['next\\s+month'],
    weekdays: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
    lastWeekday: 'last',
    weekdayPrefix: 'on|next|this|on\\s+next|on\\s+this',
  },
};
}
