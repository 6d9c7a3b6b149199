// Spanish self-statement rules for the memory extractor (see types.ts for the table's meaning).
// Spanish drops the subject pronoun: "vivo en Madrid" is first person by the verb's form, so nouns of
// the same spelling ("el trabajo", "mi estudio") are kept out by `nounBefore`, and "te amo" by a lookbehind.

import { join, kinPhrases, verbForm } from './say';
import { activities, rx, set, words, type LangRules, type Say } from './types';

const CLITIC = String.raw`(?<!\b(?:te|lo|la|los|las|le|les|os|me)\s)`;

const KIN = kinPhrases({
  sister: 'la hermana|una hermana', brother: 'el hermano|un hermano', mother: 'la madre|una madre', father: 'el padre|un padre',
  wife: 'la esposa|una esposa', husband: 'el marido|un marido', boyfriend: 'el novio|un novio', girlfriend: 'la novia|una novia',
  partner: 'la pareja|una pareja', son: 'el hijo|un hijo', daughter: 'la hija|una hija', 'best friend': 'el mejor amigo|un mejor amigo',
  friend: 'un amigo|un amigo', boss: 'el jefe|un jefe', cousin: 'el primo|un primo', aunt: 'la tía|una tía', uncle: 'el tío|un tío',
  grandmother: 'la abuela|una abuela', grandfather: 'el abuelo|un abuelo', dog: 'el perro|un perro', cat: 'el gato|un gato',
  roommate: 'el compañero de piso|un compañero de piso',
});
/** "me gusta" -> "le gusta", "mis" -> "sus": the person's own words, in the third person. */
const third = (trigger: string): string => trigger.replace(/^(?:no\s+)?me\s+/u, 'le ').replace(/\s+(?:mucho|muchísimo)$/u, '');

const esSay: Say = {
  live: (v, c) => join('vive', c.prep, v),
  moved: (v, c) => join(/mud[eé]\b|he\s+mudado/u.test(c.verb) ? 'se mudó' : 'se muda', c.prep, v),
  work: (v, c) => join('trabaja', c.prep, v),
  jobAs: (v, c) => join('trabaja', c.prep, v),
  job: (v) => join('es', v),
  study: (v) => join('estudia', v),
  birthday: (v) => join('su cumpleaños es el', v),
  dayMonth: (month, day) => `${day}/${month}`,
  born: (v, c) => join('nació', c.prep, v),
  love: (v, c) => (c.verb.includes('encanta') ? join(`a ${c.person}`, third(c.verb), v) : join(verbForm(c.verb, { amo: 'ama', adoro: 'adora' }, 'ama'), v)),
  like: (v, c) => join(`a ${c.person}`, third(c.verb), v),
  dislike: (v, c) => join(`a ${c.person} no`, third(c.verb), v),
  hate: (v, c) => join(verbForm(c.verb, { odio: 'odia', detesto: 'detesta' }, 'odia'), v),
  cantStand: (v, c) => join('no', verbForm(c.verb, { soporto: 'soporta', aguanto: 'aguanta' }, 'soporta'), v),
  favorite: (cat, v, c) => join(/\bmis\b/u.test(c.verb) ? 'sus' : 'su', cat, /favorit[oa]s?/u.exec(c.verb)?.[0] ?? 'favorito', /\bson\b/u.test(c.verb) ? 'son' : 'es', v),
  want: (v, c) => join(verbForm(c.verb, { quiero: 'quiere', quisiera: 'quisiera' }, 'quiere'), v),
  plan: (v, c) => join(verbForm(c.verb, { pienso: 'piensa', planeo: 'planea', tengo: 'tiene pensado', mi: 'planea' }, 'planea'), v),
  going: (v, c) => join('va', c.prep, v),
  went: (v, c) => join(verbForm(c.verb, { fui: 'fue', estuve: 'estuvo' }, 'fue'), c.prep, v),
  event: (v) => join('tiene', v),
  date: (span, iso) =>
    span === 'day' ? `el ${iso}` : span === 'week' ? `la semana del ${iso}` : span === 'weekend' ? `el fin de semana del ${iso}` : `en ${iso.slice(0, 7)}`,
  often: (v) => join('menciona a menudo', v),
  named: (name, rel, c) => `${name} es ${KIN(rel).def} de ${c.person}`,
  unnamed: (rel) => join('tiene', KIN(rel).indef),
};

/** Built on first use: a worker that never extracts memories in es pays nothing for its regexes. */
export function esRules(): LangRules {
  return {
  tag: 'es',
  say: esSay,
  // Also a verb with "me" attached ("despertarme"): the person is the object.
  firstPerson: rx(String.raw`\b(?:mi|mis|yo|conmigo|mío|mía|\p{L}+(?:ar|er|ir)me)\b`),
  temporary: words(['esta\\s+semana', 'este\\s+mes', 'hoy', 'esta\\s+noche', 'por\\s+ahora', 'de\\s+momento', 'temporalmente', 'unos\\s+días', 'hasta\\s+el\\s+\\p{L}+']),
  namedAs: rx(String.raw`\s+se\s+llama(?=\s)`),
  triggers: [
    { kind: 'dislike', re: rx(String.raw`\bno\s+me\s+(?:gusta|gustan|encanta|encantan)(?:\s+(?:nada|mucho))?\s+`) },
    { kind: 'live', re: rx(String.raw`\b(?:yo\s+)?(?:vivo|resido)(?:\s+(?:ahora|actualmente|todavía|aún))?\s+en\s+`) },
    { kind: 'live', re: rx(String.raw`\bestoy\s+viviendo\s+en\s+`) },
    { kind: 'moved', re: rx(String.raw`\bme\s+(?:mudé|mude|he\s+mudado|mudo|voy\s+a\s+mudar)\s+(?:a|para)\s+`) },
    { kind: 'work', re: rx(String.raw`\b(?:yo\s+)?trabajo\s+(?:en|para)\s+`) },
    { kind: 'work', re: rx(String.raw`\bestoy\s+trabajando\s+(?:en|para)\s+`) },
    { kind: 'jobAs', re: rx(String.raw`\b(?:yo\s+)?trabajo\s+(?:de|como)\s+`) },
    { kind: 'job', re: rx(String.raw`\b(?:yo\s+)?soy\s+(?=\p{L})`) },
    { kind: 'study', re: rx(String.raw`\b(?:yo\s+)?estudio\s+`) },
    { kind: 'study', re: rx(String.raw`\bestoy\s+estudiando\s+`) },
    { kind: 'birthday', re: rx(String.raw`\bmi\s+cumple(?:años|anos)?\s+es\s+(?:el\s+)?`) },
    { kind: 'birthday', re: rx(String.raw`\b(?:es|será)\s+mi\s+cumple(?:años|anos)?\b`) },
    { kind: 'birthday', re: rx(String.raw`\bcumplo\s+años\b`) },
    { kind: 'born', re: rx(String.raw`\b(?:yo\s+)?nac[ií]\s+(?:en|el)\s+`) },
    { kind: 'love', re: rx(String.raw`\bme\s+encanta(?:n)?\s+`) },
    { kind: 'love', re: rx(String.raw`\b${CLITIC}(?:amo|adoro)\s+`) },
    { kind: 'like', re: rx(String.raw`\bme\s+gusta(?:n)?(?:\s+(?:mucho|muchísimo))?\s+`) },
    { kind: 'love', re: rx(String.raw`\b(?:yo\s+)?soy\s+(?:muy\s+|super\s+)?fan\s+(?:de\s+la|de|del)\s+`) },
    { kind: 'hate', re: rx(String.raw`\b${CLITIC}(?:odio|detesto)\s+`) },
    { kind: 'cantStand', re: rx(String.raw`\bno\s+(?:soporto|aguanto)\s+`) },
    { kind: 'favorite', re: rx(String.raw`\bmis?\s+(?<cat>\p{L}{3,20})\s+favorit[oa]s?\s+(?:es|son)\s+`) },
    { kind: 'want', re: rx(String.raw`\b(?:yo\s+)?(?:quiero|quisiera)\s+`) },
    { kind: 'plan', re: rx(String.raw`\b(?:pienso|planeo|tengo\s+pensado)\s+`) },
    { kind: 'plan', re: rx(String.raw`\bmi\s+(?:meta|objetivo|sueño|plan)\s+es\s+`) },
    { kind: 'going', re: rx(String.raw`\b(?:yo\s+)?(?:me\s+)?voy\s+(?:a|al|para)\s+`) },
    { kind: 'went', re: rx(String.raw`\b(?:yo\s+)?(?:fui|estuve)\s+(?:a|al|en)\s+`) },
    { kind: 'event', re: rx(String.raw`\b(?:yo\s+)?tengo\s+(?=(?:un|una|mi)\s)`) },
  ],
  kin: [
    ['sister', 'hermana|hermanita'],
    ['brother', 'hermano|hermanito'],
    ['mother', 'mamá|mama|madre|mami'],
    ['father', 'papá|papa|padre|papi'],
    ['wife', 'esposa|mujer'],
    ['husband', 'esposo|marido'],
    ['boyfriend', 'novio'],
    ['girlfriend', 'novia'],
    ['partner', 'pareja'],
    ['son', 'hijo'],
    ['daughter', 'hija'],
    ['best friend', 'mejor\\s+amig[oa]'],
    ['friend', 'amig[oa]'],
    ['boss', 'jef[ea]'],
    ['cousin', 'prim[oa]'],
    ['aunt', 'tía|tia'],
    ['uncle', 'tío|tio'],
    ['grandmother', 'abuela'],
    ['grandfather', 'abuelo'],
    ['dog', 'perro|perrito|perra|perrita'],
    ['cat', 'gato|gata|gatito|gatita'],
    ['roommate', 'compañer[oa]\\s+de\\s+piso'],
  ].map(([relation = '', forms = '']) => ({
    relation,
    re: rx(String.raw`\bmis?\s+(?:${forms})(?:\s+(?:mayor|menor|pequeñ[oa]|chic[oa]))?\b`, 'giu'),
  })),
  // "si" is also a careless "sí" (yes): "Si, vivo en Madrid" is a statement.
  hypothetical: rx(String.raw`\b(?:si(?!\s*[,.!])|ojal[aá]|imag[ií]nate|imagina|supongamos|quiz[aá]s?|tal\s+vez)\b`),
  reported: words(['dice', 'dijo', 'dicen', 'decía', 'cree', 'piensa', 'contó']),
  negationBefore: rx(String.raw`\b(?:no|nunca|jamás|jamas|tampoco|ya\s+no)\s+(?:\S+\s+)?$`),
  negationAfter: words(['nada', 'nunca']),
  nounBefore: rx(String.raw`\b(?:el|la|un|una|mi|tu|su|del|al|lo|este|ese|está|esta|estoy|sigo|sigue|te|os|tú)\s+$`),
  boundary: words(['y', 'pero', 'porque', 'que', 'cuando', 'si', 'o', 'aunque', 'pues', 'entonces', 'ahora', 'también', 'tambien', 'con\\s+vos', 'contigo', 'jaja\\p{L}*', 'desde']),
  stopObject: words(['noche', 'la\\s+noche', 'las\\s+noches', 'de\\s+noche', 'remoto', 'turno', 'te', 'ti', 'tu', 'tus', 'vos', 'usted', 'ustedes', 'eso', 'esto', 'esa', 'ese', 'nos', 'me', 'cómo', 'como', 'cuando', 'qué', 'que', 'donde', 'dónde', 'porque', 'casa', 'mucho', 'muchísimo', 'nada', 'todo']),
  secondPerson: rx(String.raw`\b(?:tú|tu|te|ti|contigo|vos|vosotros|usted|tus|tuyo|tuya|\p{L}+(?:ar|er|ir)te)\b`),
  leading: rx(String.raw`^(?:(?:el|la|los|las|un|una|unos|unas|mucho|muchísimo|tanto|demasiado|bastante|re)\s+)+`),
  trailing: rx(String.raw`(?:\s+(?:mucho|muchísimo|muchisimo|tanto|también|tambien|ahora|ya|jaja\p{L}*))+$`),
  infinitive: rx(String.raw`^\p{L}+(?:ar|er|ir|ár|ér|ír)(?:me|te|se|lo|la|le|nos|los|las|les)?\b`),
  jobs: set(
    'médico médica medico medica enfermero enfermera profesor profesora maestro maestra abogado abogada ingeniero ' +
    'ingeniera desarrollador desarrolladora programador programadora diseñador diseñadora arquitecto arquitecta ' +
    'contador contadora cocinero cocinera camarero camarera mesero mesera conductor conductora piloto mecánico ' +
    'electricista periodista escritor escritora fotógrafo fotógrafa artista músico actor actriz consultor consultora ' +
    'gerente psicólogo psicóloga policía bombero veterinario veterinaria dentista farmacéutico peluquero peluquera ' +
    'estudiante becario becaria',
  ),
  student: set('estudiante'),
  activities: activities(
    'gym: gimnasio gym, yoga: yoga pilates, football: fútbol futbol, basketball: baloncesto básquet basquet, ' +
    'tennis: tenis, running: correr running, swimming: natación nadar, climbing: escalada, guitar: guitarra, ' +
    'dancing: bailar baile, hiking: senderismo, cycling: ciclismo, church: iglesia misa',
  ),
  placePreps: 'en|a|desde',
  months: words(['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'setiembre', 'octubre', 'noviembre', 'diciembre']),
  notNames: set(
    'lunes martes miércoles miercoles jueves viernes sábado sabado domingo enero febrero marzo abril mayo junio julio ' +
    'agosto septiembre octubre noviembre diciembre dios jaja ok sí si no navidad casa',
  ),
  dates: {
    today: ['hoy', 'esta\\s+mañana', 'esta\\s+tarde'],
    tonight: ['esta\\s+noche'],
    tomorrow: ['mañana', 'manana'],
    dayAfterTomorrow: ['pasado\\s+mañana', 'pasado\\s+manana'],
    yesterday: ['ayer'],
    nextWeek: ['la\\s+semana\\s+que\\s+viene', 'la\\s+pr[oó]xima\\s+semana', 'semana\\s+que\\s+viene'],
    weekend: ['este\\s+fin\\s+de\\s+semana', 'el\\s+fin\\s+de\\s+semana', 'este\\s+finde', 'el\\s+finde'],
    nextMonth: ['el\\s+mes\\s+que\\s+viene', 'el\\s+pr[oó]ximo\\s+mes'],
    weekdays: ['lunes', 'martes', 'mi[ée]rcoles', 'jueves', 'viernes', 's[áa]bado', 'domingo'],
    notDates: ['por\\s+la\\s+mañana', 'de\\s+la\\s+mañana', 'la\\s+mañana', 'las\\s+mañanas', 'en\\s+la\\s+mañana'],
    lastWeekday: 'pasado',
    weekdayPrefix: 'el|este|el\\s+próximo|el\\s+proximo',
  },
};
}
