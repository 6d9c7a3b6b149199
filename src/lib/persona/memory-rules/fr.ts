// French self-statement rules for the memory extractor (see types.ts for the table's meaning).
// Elisions are matched as written after apostrophe normalization ("j'habite", "j'adore", "l'").

import { join, kinPhrases, verbForm } from './say';
import { activities, rx, set, words, type LangRules, type Say } from './types';

const ADV = String.raw`(?:\s+(?:maintenant|actuellement|toujours|encore|aussi|vraiment))?`;
const TO = String.raw`(?:à|a|en|au|aux)`;

const KIN = kinPhrases({
  sister: 'la sœur|une sœur', brother: 'le frère|un frère', mother: 'la mère|une mère', father: 'le père|un père',
  wife: 'la femme|une femme', husband: 'le mari|un mari', boyfriend: 'le copain|un copain', girlfriend: 'la copine|une copine',
  son: 'le fils|un fils', daughter: 'la fille|une fille', 'best friend': 'le meilleur ami|un meilleur ami', friend: "l'ami|un ami",
  boss: 'le patron|un patron', cousin: 'le cousin|un cousin', aunt: 'la tante|une tante', uncle: "l'oncle|un oncle",
  grandmother: 'la grand-mère|une grand-mère', grandfather: 'le grand-père|un grand-père', dog: 'le chien|un chien',
  cat: 'le chat|un chat', roommate: 'le colocataire|un colocataire',
});
/** "de Anna" -> "d'Anna". */
const de = (name: string): string => (/^[aeiouyéèêàâîôûh]/iu.test(name) ? `d'${name}` : `de ${name}`);
/** The person's own participle ("allée", "né") in "je suis allée", "je suis né". */
const participle = (trigger: string, fallback: string): string => /\b(?:allée?|partie?|née?)\b/u.exec(trigger)?.[0] ?? fallback;

const frSay: Say = {
  live: (v, c) => join('habite', c.prep, v),
  moved: (v, c) => join(/déménagée?|demenage\b/u.test(c.verb) && c.verb.includes("j'ai") ? 'a déménagé' : 'déménage', c.prep, v),
  work: (v, c) => join('travaille', c.prep, v),
  jobAs: (v) => join('travaille comme', v),
  job: (v) => join('est', v),
  study: (v) => join('étudie', v),
  birthday: (v) => join('son anniversaire est le', v),
  dayMonth: (month, day) => `${day}/${month}`,
  born: (v, c) => join('est', participle(c.verb, 'né'), c.prep, v),
  love: (v) => join('adore', v),
  like: (v) => join('aime', v),
  dislike: (v) => join("n'aime pas", v),
  hate: (v) => join('déteste', v),
  cantStand: (v) => join('ne supporte pas', v),
  favorite: (cat, v, c) => join(/\bma\b/u.test(c.verb) ? 'sa' : 'son', cat, /préférée?/u.exec(c.verb)?.[0] ?? 'préféré', 'est', v),
  want: (v, c) => join(verbForm(c.verb, { veux: 'veut', voudrais: 'voudrait', "j'ai": 'a envie de' }, 'veut'), v),
  plan: (v, c) => join(verbForm(c.verb, { compte: 'compte', prévois: 'prévoit', prevois: 'prévoit', mon: 'a pour but de' }, 'compte'), v),
  going: (v, c) => join(verbForm(c.verb, { vais: 'va', pars: 'part' }, 'va'), c.prep, v),
  went: (v, c) => (c.verb.includes("j'étais") ? join('était', c.prep, v) : join('est', participle(c.verb, 'allé'), c.prep, v)),
  event: (v) => join('a', v),
  date: (span, iso) =>
    span === 'day' ? `le ${iso}` : span === 'week' ? `la semaine du ${iso}` : span === 'weekend' ? `le week-end du ${iso}` : `en ${iso.slice(0, 7)}`,
  often: (v) => join('parle souvent de', v),
  named: (name, rel, c) => `${name} est ${KIN(rel).def} ${de(c.person)}`,
  unnamed: (rel) => join('a', KIN(rel).indef),
};

/** Built on first use: a worker that never extracts memories in fr pays nothing for its regexes. */
export function frRules(): LangRules {
  return {
  tag: 'fr',
  say: frSay,
  firstPerson: rx(String.raw`\b(?:mon|ma|mes|moi|je|me|mien|mienne)\b|\bm'`),
  temporary: words(['cette\\s+semaine', 'ce\\s+mois', "aujourd'hui", 'ce\\s+soir', "pour\\s+l'instant", 'pour\\s+le\\s+moment', 'temporairement', 'quelques\\s+jours', "jusqu'à\\s+\\p{L}+"]),
  namedAs: rx(String.raw`\s+s'appelle(?=\s)`),
  triggers: [
    { kind: 'dislike', re: rx(String.raw`\b(?:je\s+n'aime|j'aime)\s+pas(?:\s+(?:trop|beaucoup|vraiment|du\s+tout|tellement))?\s+`) },
    { kind: 'dislike', re: rx(String.raw`\bje\s+n'aime\s+(?:vraiment\s+)?pas(?:\s+(?:trop|beaucoup|du\s+tout))?\s+`) },
    { kind: 'live', re: rx(String.raw`\b(?:j'habite|je\s+vis)${ADV}\s+${TO}\s+`) },
    { kind: 'moved', re: rx(String.raw`\bj'ai\s+(?:déménagé|demenage|déménagée)\s+${TO}\s+`) },
    { kind: 'moved', re: rx(String.raw`\bje\s+(?:déménage|demenage)\s+${TO}\s+`) },
    { kind: 'work', re: rx(String.raw`\bje\s+(?:travaille|bosse)${ADV}\s+(?:chez|pour|à|au)\s+`) },
    { kind: 'jobAs', re: rx(String.raw`\bje\s+(?:travaille|bosse)${ADV}\s+comme\s+`) },
    { kind: 'job', re: rx(String.raw`\bje\s+suis\s+(?=\p{L})`) },
    { kind: 'study', re: rx(String.raw`\bj'(?:étudie|etudie)\s+`) },
    { kind: 'study', re: rx(String.raw`\bje\s+fais\s+des\s+études\s+(?:de\s+|d')`) },
    { kind: 'birthday', re: rx(String.raw`\bmon\s+anniv(?:ersaire)?\s+(?:est|c'est)\s+(?:le\s+)?`) },
    { kind: 'birthday', re: rx(String.raw`\bc'est\s+mon\s+anniv(?:ersaire)?\b`) },
    { kind: 'born', re: rx(String.raw`\bje\s+suis\s+née?\s+(?:à|a|en|au|le)\s+`) },
    { kind: 'love', re: rx(String.raw`\bj'adore\s+`) },
    { kind: 'like', re: rx(String.raw`\bj'aime\s+(?:bien\s+|beaucoup\s+|trop\s+)?`) },
    { kind: 'hate', re: rx(String.raw`\bje\s+(?:déteste|deteste|hais)\s+`) },
    { kind: 'cantStand', re: rx(String.raw`\bje\s+(?:ne\s+)?(?:supporte|peux)\s+pas\s+(?:supporter\s+)?`) },
    { kind: 'favorite', re: rx(String.raw`\b(?:mon|ma)\s+(?<cat>\p{L}{3,20})\s+préférée?\s+(?:est|c'est)\s+`) },
    { kind: 'want', re: rx(String.raw`\bje\s+(?:veux|voudrais)\s+`) },
    { kind: 'want', re: rx(String.raw`\bj'ai\s+envie\s+(?:de\s+|d')`) },
    { kind: 'plan', re: rx(String.raw`\bje\s+(?:compte|prévois|prevois)\s+`) },
    { kind: 'plan', re: rx(String.raw`\bmon\s+(?:but|objectif|rêve|reve|plan)\s+(?:est|c'est)\s+(?:de\s+|d')`) },
    { kind: 'going', re: rx(String.raw`\bje\s+(?:vais|pars)\s+${TO}\s+`) },
    { kind: 'going', re: rx(String.raw`\bje\s+vais\s+(?=\p{L}+(?:er|ir|re|oir)(?![\p{L}]))`) },
    { kind: 'went', re: rx(String.raw`\bje\s+suis\s+(?:allée?|partie?)\s+${TO}\s+`) },
    { kind: 'went', re: rx(String.raw`\bj'étais\s+${TO}\s+`) },
    { kind: 'event', re: rx(String.raw`\bj'ai\s+(?=(?:un|une|mon|ma)\s)`) },
  ],
  kin: [
    ['sister', 'sœur|soeur|frangine'],
    ['brother', 'frère|frere|frangin'],
    ['mother', 'mère|mere|maman'],
    ['father', 'père|pere|papa'],
    ['wife', 'femme'],
    ['husband', 'mari'],
    ['boyfriend', 'copain|mec|petit\\s+ami|petit\\s+copain'],
    ['girlfriend', 'copine|meuf|petite\\s+amie|petite\\s+copine'],
    ['son', 'fils'],
    ['daughter', 'fille'],
    ['best friend', 'meilleure?\\s+amie?|meilleur\\s+pote'],
    ['friend', 'amie?|pote'],
    ['boss', 'patron|patronne|cheffe?'],
    ['cousin', 'cousine?'],
    ['aunt', 'tante'],
    ['uncle', 'oncle'],
    ['grandmother', 'grand-mère|grand-mere|mamie|mémé'],
    ['grandfather', 'grand-père|grand-pere|papi|papy|pépé'],
    ['dog', 'chienne?'],
    ['cat', 'chat|chatte'],
    ['roommate', 'coloc|colocataire'],
  ].map(([relation = '', forms = '']) => ({
    relation,
    re: rx(String.raw`\b(?:mon|ma|mes)\s+(?:(?:petite?|grande?|demi-)\s*)?(?:${forms})\b`, 'giu'),
  })),
  // "si" also contradicts a negative question ("Si, j'habite à Paris"): only a clause-opening "si" is "if".
  hypothetical: rx(String.raw`\b(?:si(?!\s*[,.!])|s'il|imagine|imaginons|supposons|peut-être|peut-etre)\b`),
  reported: words(['dit', 'disait', 'dis', 'pense', 'croit', 'raconte', 'prétend']),
  negationBefore: rx(String.raw`\b(?:jamais|plus|ne|n')\s*(?:\S+\s+)?$`),
  negationAfter: words(['pas', 'plus', 'jamais', 'rien']),
  boundary: words(['et', 'mais', 'parce', 'car', 'quand', 'si', 'ou', 'donc', 'alors', 'comme', 'maintenant', 'aussi', 'mdr', 'ptdr', 'lol', 'haha\\p{L}*', 'avec\\s+toi', 'depuis']),
  stopObject: words(['nuit', 'la\\s+nuit', 'de\\s+nuit', 'domicile', 'distance', 'te', 'toi', "t'", 'vous', 'ça', 'ca', 'cela', 'ceci', 'comment', 'quand', 'quoi', 'pourquoi', 'où', 'qui', 'ton', 'ta', 'tes', 'votre', 'vos', 'lui', 'leur', 'moi', 'rien', 'pas', 'maison']),
  secondPerson: rx(String.raw`\b(?<!-)(?:tu|toi|te|ton|ta|tes|vous|votre|vos)\b|\bt'`),
  leading: rx(String.raw`^(?:(?:le|la|les|un|une|des|du|de\s+la|bien|beaucoup|trop|vraiment|grave)\s+|l')+`),
  trailing: rx(String.raw`(?:\s+(?:trop|beaucoup|aussi|maintenant|grave|mdr|ptdr|lol|haha\p{L}*))+$`),
  infinitive: rx(String.raw`^(?:m'|t'|s')?\p{L}+(?:er|ir|re|oir)\b`),
  jobs: set(
    'médecin medecin infirmier infirmière professeur prof enseignant enseignante instituteur institutrice avocat ' +
    'avocate ingénieur ingenieur développeur développeuse developpeur programmeur graphiste designer architecte ' +
    'comptable cuisinier cuisinière chef serveur serveuse chauffeur pilote mécanicien électricien plombier ' +
    'journaliste écrivain photographe artiste musicien musicienne acteur actrice consultant consultante manager ' +
    'policier pompier vétérinaire dentiste pharmacien pharmacienne coiffeur coiffeuse vendeur vendeuse étudiant ' +
    'étudiante etudiant etudiante stagiaire',
  ),
  student: set('étudiant étudiante etudiant etudiante'),
  activities: activities(
    'gym: muscu musculation, yoga: yoga pilates, football: foot football, basketball: basket, tennis: tennis, ' +
    'running: courir running footing, swimming: natation nager piscine, climbing: escalade, guitar: guitare, ' +
    'piano: piano, dancing: danse danser, hiking: randonnée rando, cycling: vélo, choir: chorale, church: église messe',
  ),
  placePreps: 'à|a|en|au',
  months: words(['janvier', 'février', 'fevrier', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'aout', 'septembre', 'octobre', 'novembre', 'décembre', 'decembre']),
  notNames: set(
    'lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin juillet août septembre ' +
    'octobre novembre décembre dieu noël mdr ok oui non',
  ),
  dates: {
    today: ["aujourd'hui", 'aujourdhui', 'auj', 'ce\\s+matin', 'cet\\s+après-midi'],
    tonight: ['ce\\s+soir'],
    tomorrow: ['demain'],
    dayAfterTomorrow: ['après-demain', 'apres-demain', 'après\\s+demain', 'apres\\s+demain'],
    yesterday: ['hier'],
    nextWeek: ['la\\s+semaine\\s+prochaine'],
    weekend: ['ce\\s+week-end', 'ce\\s+weekend', 'ce\\s+we'],
    nextMonth: ['le\\s+mois\\s+prochain'],
    weekdays: ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'],
    lastWeekday: 'dernier',
    weekdayPrefix: 'ce|le',
  },
};
}
