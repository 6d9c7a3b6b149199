// Italian self-statement rules for the memory extractor (see types.ts for the table's meaning).
// Italian drops the subject pronoun: "vivo a Roma" is first person by the verb's form, so nouns of the
// same spelling ("il lavoro", "lo studio", "sono vivo") are kept out by `nounBefore`, and "ti amo" by a lookbehind.

import { join, kinPhrases, verbForm } from './say';
import { activities, rx, set, words, type LangRules, type Say } from './types';

const CLITIC = String.raw`(?<!\b(?:ti|vi|la|lo|li|le|ci|mi)\s)`;
const TO = String.raw`(?:a|ad|in|al|alla|allo|nel|nella)`;

const KIN = kinPhrases({
  sister: 'la sorella|una sorella', brother: 'il fratello|un fratello', mother: 'la madre|una madre', father: 'il padre|un padre',
  wife: 'la moglie|una moglie', husband: 'il marito|un marito', boyfriend: 'il ragazzo|un ragazzo', girlfriend: 'la ragazza|una ragazza',
  partner: 'il compagno|un compagno', son: 'il figlio|un figlio', daughter: 'la figlia|una figlia', 'best friend': "il migliore amico|un migliore amico",
  friend: "l'amico|un amico", boss: 'il capo|un capo', cousin: 'il cugino|un cugino', aunt: 'la zia|una zia', uncle: 'lo zio|uno zio',
  grandmother: 'la nonna|una nonna', grandfather: 'il nonno|un nonno', dog: 'il cane|un cane', cat: 'il gatto|un gatto',
  roommate: 'il coinquilino|un coinquilino',
});
/** The person's own participle ("andata", "nato") in "sono andata", "sono nato". */
const participle = (trigger: string, fallback: string): string => /\b(?:andat|stat|tornat|nat|trasferit)[oa]\b/u.exec(trigger)?.[0] ?? fallback;
const piace = (trigger: string): string => (trigger.includes('piacciono') ? 'piacciono' : 'piace');

const itSay: Say = {
  live: (v, c) => join('vive', c.prep, v),
  moved: (v, c) => join(c.verb.includes('trasferisco') ? 'si trasferisce' : `si è ${participle(c.verb, 'trasferito')}`, c.prep, v),
  work: (v, c) => join('lavora', c.prep, v),
  jobAs: (v) => join('lavora come', v),
  job: (v) => join('è', v),
  study: (v) => join('studia', v),
  birthday: (v) => join('il suo compleanno è il', v),
  dayMonth: (month, day) => `${day}/${month}`,
  born: (v, c) => join('è', participle(c.verb, 'nato'), c.prep, v),
  love: (v, c) => join(verbForm(c.verb, { amo: 'ama', adoro: 'adora' }, 'ama'), v),
  like: (v, c) => join(`a ${c.person}`, piace(c.verb), v),
  dislike: (v, c) => join(`a ${c.person} non`, piace(c.verb), v),
  hate: (v) => join('odia', v),
  cantStand: (v) => join('non sopporta', v),
  favorite: (cat, v, c) => join(/\bla\s+mia\b/u.test(c.verb) ? 'la sua' : 'il suo', cat, /preferit[oa]/u.exec(c.verb)?.[0] ?? 'preferito', 'è', v),
  want: (v, c) => join(verbForm(c.verb, { voglio: 'vuole', vorrei: 'vorrebbe' }, 'vuole'), v),
  plan: (v, c) => join(verbForm(c.verb, { ho: 'ha intenzione di', conto: 'conta di', il: 'ha intenzione di' }, 'ha intenzione di'), v),
  going: (v, c) => join(verbForm(c.verb, { vado: 'va', parto: 'parte', torno: 'torna' }, 'va'), c.prep, v),
  went: (v, c) => (/\bero\b/u.test(c.verb) ? join('era', c.prep, v) : join('è', participle(c.verb, 'andato'), c.prep, v)),
  event: (v) => join('ha', v),
  date: (span, iso) =>
    span === 'day' ? `il ${iso}` : span === 'week' ? `la settimana del ${iso}` : span === 'weekend' ? `il weekend del ${iso}` : `a ${iso.slice(0, 7)}`,
  often: (v) => join('parla spesso di', v),
  named: (name, rel, c) => `${name} è ${KIN(rel).def} di ${c.person}`,
  unnamed: (rel) => join('ha', KIN(rel).indef),
};

/** Built on first use: a worker that never extracts memories in it pays nothing for its regexes. */
export function itRules(): LangRules {
  return {
  tag: 'it',
  say: itSay,
  // Also a verb with "mi" attached ("svegliarmi", "allenarmi"): the person is the object.
  firstPerson: rx(String.raw`\b(?:mio|mia|miei|mie|io|me|\p{L}+(?:ar|er|ir)mi)\b`),
  temporary: words(['questa\\s+settimana', 'questo\\s+mese', 'oggi', 'stasera', 'per\\s+ora', 'per\\s+il\\s+momento', 'temporaneamente', 'qualche\\s+giorno', 'fino\\s+a\\s+\\p{L}+']),
  namedAs: rx(String.raw`\s+si\s+chiama(?=\s)`),
  triggers: [
    { kind: 'live', re: rx(String.raw`\b(?:io\s+)?(?:vivo|abito)(?:\s+(?:ora|adesso|ancora|già|sempre))?\s+${TO}\s+`) },
    { kind: 'moved', re: rx(String.raw`\bmi\s+(?:sono\s+trasferit[oa]|trasferisco)\s+(?:a|ad|in)\s+`) },
    { kind: 'work', re: rx(String.raw`\b(?:io\s+)?lavoro(?:\s+(?:ora|adesso|ancora))?\s+(?:da|per|presso|in|alla|al|all')\s*`) },
    { kind: 'jobAs', re: rx(String.raw`\b(?:io\s+)?lavoro\s+come\s+`) },
    { kind: 'job', re: rx(String.raw`\b(?:io\s+)?faccio\s+(?=(?:il|la|l')\s*\p{L})`) },
    { kind: 'job', re: rx(String.raw`\b(?:io\s+)?sono\s+(?=\p{L})`) },
    { kind: 'study', re: rx(String.raw`\b(?:io\s+)?studio\s+`) },
    { kind: 'study', re: rx(String.raw`\bsto\s+studiando\s+`) },
    { kind: 'birthday', re: rx(String.raw`\bil\s+mio\s+compleanno\s+è\s+(?:il\s+)?`) },
    { kind: 'birthday', re: rx(String.raw`\bè\s+il\s+mio\s+compleanno\b`) },
    { kind: 'birthday', re: rx(String.raw`\bcompio\s+(?:gli\s+)?anni\b`) },
    { kind: 'born', re: rx(String.raw`\bsono\s+nat[oa]\s+(?:a|ad|in|il|nel)\s+`) },
    { kind: 'love', re: rx(String.raw`\b${CLITIC}(?:io\s+)?(?:amo|adoro)\s+`) },
    { kind: 'like', re: rx(String.raw`\bmi\s+(?:piace|piacciono)(?:\s+(?:molto|tanto|un\s+sacco|troppo|da\s+morire))?\s+`) },
    { kind: 'hate', re: rx(String.raw`\b${CLITIC}(?:io\s+)?odio\s+`) },
    { kind: 'cantStand', re: rx(String.raw`\bnon\s+(?:sopporto|reggo)\s+`) },
    { kind: 'favorite', re: rx(String.raw`\b(?:il\s+mio|la\s+mia)\s+(?<cat>\p{L}{3,20})\s+preferit[oa]\s+è\s+`) },
    { kind: 'want', re: rx(String.raw`\b(?:io\s+)?(?:voglio|vorrei)\s+`) },
    { kind: 'plan', re: rx(String.raw`\bho\s+intenzione\s+di\s+`) },
    // "penso di" is "I think I...", not a plan.
    { kind: 'plan', re: rx(String.raw`\bconto\s+di\s+`) },
    { kind: 'plan', re: rx(String.raw`\bil\s+mio\s+(?:obiettivo|sogno|piano)\s+è\s+(?:di\s+)?`) },
    { kind: 'going', re: rx(String.raw`\b(?:io\s+)?(?:vado|parto|torno)\s+(?:a|ad|in|al|alla|nel|nella|per)\s+`) },
    { kind: 'went', re: rx(String.raw`\b(?:sono\s+(?:andat[oa]|stat[oa]|tornat[oa])|ero)\s+${TO}\s+`) },
    { kind: 'event', re: rx(String.raw`\b(?:io\s+)?ho\s+(?=(?:un|uno|una|il|la)\s+\p{L}|(?:un'|l')\p{L})`) },
  ],
  kin: [
    ['sister', 'sorella|sorellina'],
    ['brother', 'fratello|fratellino'],
    ['mother', 'madre|mamma|mammina'],
    ['father', 'padre|papà|papa|babbo'],
    ['wife', 'moglie'],
    ['husband', 'marito'],
    ['boyfriend', 'ragazzo|fidanzato'],
    ['girlfriend', 'ragazza|fidanzata'],
    ['partner', 'compagn[oa]'],
    ['son', 'figlio'],
    ['daughter', 'figlia'],
    ['best friend', 'migliore\\s+amic[oa]'],
    ['friend', 'amic[oa]'],
    ['boss', 'capo'],
    ['cousin', 'cugin[oa]'],
    ['aunt', 'zia'],
    ['uncle', 'zio'],
    ['grandmother', 'nonna'],
    ['grandfather', 'nonno'],
    ['dog', 'cane|cagnolin[oa]'],
    ['cat', 'gatt[oa]|gattin[oa]'],
    ['roommate', 'coinquilin[oa]'],
  ].map(([relation = '', forms = '']) => ({
    relation,
    re: rx(String.raw`\b(?:mio|mia|miei|mie)\s+(?:(?:piccol[oa]|grande|maggiore|minore|miglior)\s+)?(?:${forms})(?:\s+(?:grande|piccol[oa]|maggiore|minore))?\b`, 'giu'),
  })),
  hypothetical: words(['se', 'magari', 'immagina', 'supponiamo', 'qualora', 'forse']),
  reported: words(['dice', 'detto', 'diceva', 'dicono', 'pensa', 'crede', 'racconta']),
  negationBefore: rx(String.raw`\b(?:non|mai|nemmeno|neanche|neppure)\s+(?:\S+\s+)?$`),
  negationAfter: words(['più', 'mai']),
  // Articles and prepositions make the verb form a noun; an object clitic before it ("ti voglio", "li
    // voglio sentire", "tu mi piace") makes the statement about someone else.
    nounBefore: rx(String.raw`\b(?:il|lo|la|l'|un|uno|una|mio|mia|tuo|tua|suo|sua|del|della|al|nel|dal|sul|per|di|da|questo|quel|quello|è|sei|sono|era|ero|resto|sto|sta|ti|vi|ci|li|ne|tu|tanto|molto|poco|troppo|altro)\s*$`),
  boundary: words(['e', 'ed', 'ma', 'però', 'pero', 'perché', 'perchè', 'xkè', 'xké', 'quando', 'se', 'o', 'oppure', 'anche', 'adesso', 'ora', 'ancora', 'con\\s+te', 'haha\\p{L}*', 'ahah\\p{L}*', 'cmq', 'comunque', 'che', 'così', 'cosi', 'tanto', 'troppo', 'molto', 'da\\s+morire', 'da\\s+(?:\\p{N}+|un|una|due|tre|qualche|molti|molto|tanto|sempre|anni|mesi)']),
  stopObject: words(['notte', 'di\\s+notte', 'la\\s+notte', 'turno', 'te', 'ti', 'tu', 'voi', 'vi', 'questo', 'questa', 'quello', 'quella', 'ciò', 'cio', 'come', 'quando', 'cosa', 'perché', 'perchè', 'dove', 'chi', 'tuo', 'tua', 'tuoi', 'tue', 'lui', 'lei', 'casa', 'tutto', 'tutta', 'tutti', 'per', 'con', 'da', 'ancora', 'adesso', 'oggi', 'stasera', 'molto', 'tanto', 'troppo', 'sempre', 'così', 'cosi', 'qui', 'qua', 'lì', 'là', 'più', 'si', 'sì', 'di', 'che', 'esattamente', 'quanto', 'qst', 'qsto', 'qsta', 'xò', 'però', 'x', 'sapere', 'capire', 'sentire', 'vedere', 'avere']),
  secondPerson: rx(String.raw`\b(?:te|ti|tu|tuo|tua|tuoi|tue|voi|vi|vostr[oaie]|\p{L}+(?:ar|er|ir)ti)\b`),
  leading: rx(String.raw`^(?:(?:il|lo|la|i|gli|le|un|uno|una|molto|tanto|tantissimo|troppo|davvero|proprio|un\s+sacco)\s+|l'|un')+`),
  trailing: rx(String.raw`(?:\s+(?:molto|tanto|tantissimo|troppo|un\s+sacco|anche|adesso|ora|ormai|cmq|haha\p{L}*|ahah\p{L}*))+$`),
  infinitive: rx(String.raw`^\p{L}+(?:are|ere|ire|arl[aeio]|erl[aeio]|irl[aeio]|armi|ermi|irmi|arti|erti|irti|arsi|ersi|irsi|arci|erci|irci|arne|erne|irne)\b`),
  jobs: set(
    'medico dottore dottoressa infermiere infermiera insegnante professore professoressa maestro maestra avvocato ' +
    'avvocata ingegnere sviluppatore sviluppatrice programmatore programmatrice designer architetto architetta ' +
    'commercialista cuoco cuoca chef cameriere cameriera barista autista pilota meccanico elettricista idraulico ' +
    'giornalista scrittore scrittrice fotografo fotografa artista musicista attore attrice consulente manager ' +
    'psicologo psicologa poliziotto pompiere veterinario veterinaria dentista farmacista parrucchiere parrucchiera ' +
    'commesso commessa studente studentessa stagista',
  ),
  student: set('studente studentessa'),
  activities: activities(
    'gym: palestra, yoga: yoga pilates, football: calcio calcetto, basketball: basket pallacanestro, tennis: tennis, ' +
    'running: corsa correre, swimming: piscina nuoto nuotare, climbing: arrampicata, guitar: chitarra, ' +
    'piano: pianoforte, dancing: ballare ballo danza, hiking: trekking, cycling: bici bicicletta, choir: coro, ' +
    'church: chiesa, volleyball: pallavolo',
  ),
  placePreps: 'a|ad|in',
  months: words(['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre']),
  notNames: set(
    'lunedì lunedi martedì martedi mercoledì mercoledi giovedì giovedi venerdì venerdi sabato domenica gennaio ' +
    'febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre dio natale pasqua ok si sì ' +
    'no haha ahah',
  ),
  dates: {
    today: ['oggi', 'stamattina', 'stamani', 'oggi\\s+pomeriggio'],
    tonight: ['stasera', 'stanotte', 'questa\\s+sera'],
    tomorrow: ['domani'],
    dayAfterTomorrow: ['dopodomani', 'dopo\\s+domani'],
    yesterday: ['ieri'],
    nextWeek: ['la\\s+settimana\\s+prossima', 'la\\s+prossima\\s+settimana', 'settimana\\s+prossima', 'prossima\\s+settimana'],
    weekend: ['questo\\s+(?:fine\\s+settimana|weekend|week-end)', 'nel\\s+weekend', 'nel\\s+fine\\s+settimana'],
    nextMonth: ['il\\s+mese\\s+prossimo', 'il\\s+prossimo\\s+mese'],
    weekdays: ['lunedì|lunedi', 'martedì|martedi', 'mercoledì|mercoledi', 'giovedì|giovedi', 'venerdì|venerdi', 'sabato', 'domenica'],
    lastWeekday: 'scorso|scorsa',
    weekdayPrefix: 'il|questo|questa',
  },
};
}
