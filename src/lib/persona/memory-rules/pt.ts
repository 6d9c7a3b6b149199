// Portuguese (Brazil and Portugal) self-statement rules for the memory extractor (see types.ts).
// Pro-drop like Spanish: "moro em Lisboa" is first person by the verb; "eu te amo" is kept out by a lookbehind.

import { join, kinPhrases, verbForm } from './say';
import { activities, rx, set, words, type LangRules, type Say } from './types';

const CLITIC = String.raw`(?<!\b(?:te|o|a|os|as|lhe|vos|me)\s)`;
const ADV = String.raw`(?:\s+(?:agora|atualmente|ainda|já))?`;

const KIN = kinPhrases({
  sister: 'a irmã|uma irmã', brother: 'o irmão|um irmão', mother: 'a mãe|uma mãe', father: 'o pai|um pai', wife: 'a esposa|uma esposa',
  husband: 'o marido|um marido', boyfriend: 'o namorado|um namorado', girlfriend: 'a namorada|uma namorada', son: 'o filho|um filho',
  daughter: 'a filha|uma filha', 'best friend': 'o melhor amigo|um melhor amigo', friend: 'um amigo|um amigo', boss: 'o chefe|um chefe',
  cousin: 'o primo|um primo', aunt: 'a tia|uma tia', uncle: 'o tio|um tio', grandmother: 'a avó|uma avó', grandfather: 'o avô|um avô',
  dog: 'o cachorro|um cachorro', cat: 'o gato|um gato',
});

const ptSay: Say = {
  live: (v, c) => join('mora', c.prep, v),
  moved: (v, c) => join(c.verb.includes('vou') ? 'vai se mudar' : 'mudou-se', c.prep, v),
  work: (v, c) => join('trabalha', c.prep, v),
  jobAs: (v) => join('trabalha como', v),
  job: (v) => join('é', v),
  study: (v, c) => (c.verb.includes('faço') ? join('faz', c.verb.replace(/^(?:eu\s+)?faço\s+/u, ''), v) : join('estuda', v)),
  birthday: (v) => join('faz aniversário em', v),
  dayMonth: (month, day) => `${day}/${month}`,
  born: (v, c) => join('nasceu', c.prep, v),
  love: (v, c) => join(verbForm(c.verb, { amo: 'ama', adoro: 'adora' }, 'ama'), v),
  like: (v, c) => join('gosta', c.prep, v),
  dislike: (v, c) => join('não gosta', c.prep, v),
  hate: (v) => join('odeia', v),
  cantStand: (v, c) => join('não', verbForm(c.verb, { suporto: 'suporta', aguento: 'aguenta' }, 'suporta'), v),
  favorite: (cat, v, c) => join(/\bminha\b/u.test(c.verb) ? 'sua' : 'seu', cat, /(?:favorit|preferid)[oa]/u.exec(c.verb)?.[0] ?? 'favorito', 'é', v),
  want: (v, c) => join(verbForm(c.verb, { quero: 'quer', queria: 'queria' }, 'quer'), v),
  plan: (v, c) => join(verbForm(c.verb, { pretendo: 'pretende', planejo: 'planeja', estou: 'está planejando', tô: 'está planejando', meu: 'pretende' }, 'pretende'), v),
  going: (v, c) => join('vai', c.prep, v),
  went: (v, c) => join('foi', c.prep, v),
  event: (v) => join('tem', v),
  date: (span, iso) =>
    span === 'day' ? `em ${iso}` : span === 'week' ? `na semana de ${iso}` : span === 'weekend' ? `no fim de semana de ${iso}` : `em ${iso.slice(0, 7)}`,
  often: (v) => join('fala muito de', v),
  named: (name, rel, c) => `${name} é ${KIN(rel).def} de ${c.person}`,
  unnamed: (rel) => join('tem', KIN(rel).indef),
};

/** Built on first use: a worker that never extracts memories in pt pays nothing for its regexes. */
export function ptRules(): LangRules {
  return {
  tag: 'pt',
  say: ptSay,
  firstPerson: words(['meu', 'minha', 'meus', 'minhas', 'eu', 'mim', 'comigo']),
  temporary: words(['esta\\s+semana', 'essa\\s+semana', 'este\\s+mês', 'hoje', 'hoje\\s+à\\s+noite', 'por\\s+enquanto', 'por\\s+agora', 'temporariamente', 'uns\\s+dias', 'até\\s+\\p{L}+']),
  namedAs: rx(String.raw`\s+(?:se\s+chama|chama)(?=\s)`),
  triggers: [
    { kind: 'live', re: rx(String.raw`\b(?:eu\s+)?(?:moro|vivo|resido)${ADV}\s+(?:em|no|na|nos|nas)\s+`) },
    { kind: 'moved', re: rx(String.raw`\b(?:eu\s+)?(?:me\s+mudei|mudei(?:-me)?|vou\s+me\s+mudar)\s+(?:para|pra|pro)\s+`) },
    { kind: 'work', re: rx(String.raw`\b(?:eu\s+)?trabalho${ADV}\s+(?:na|no|em|para|pra|pro)\s+`) },
    { kind: 'jobAs', re: rx(String.raw`\b(?:eu\s+)?trabalho\s+como\s+`) },
    { kind: 'job', re: rx(String.raw`\b(?:eu\s+)?sou\s+(?=\p{L})`) },
    { kind: 'study', re: rx(String.raw`\b(?:eu\s+)?estudo\s+`) },
    { kind: 'study', re: rx(String.raw`\b(?:estou|tô|to)\s+estudando\s+`) },
    { kind: 'study', re: rx(String.raw`\bfaço\s+(?:faculdade|curso)\s+de\s+`) },
    { kind: 'birthday', re: rx(String.raw`\bmeu\s+anivers[aá]rio\s+é\s+(?:dia\s+|em\s+|no\s+dia\s+)?`) },
    { kind: 'birthday', re: rx(String.raw`\bé\s+(?:o\s+)?meu\s+anivers[aá]rio\b`) },
    { kind: 'birthday', re: rx(String.raw`\bfaço\s+anivers[aá]rio\b`) },
    { kind: 'born', re: rx(String.raw`\b(?:eu\s+)?nasci\s+(?:em|no|na|dia)\s+`) },
    { kind: 'love', re: rx(String.raw`\b${CLITIC}(?:eu\s+)?(?:amo|adoro)\s+`) },
    { kind: 'like', re: rx(String.raw`\b(?:eu\s+)?gosto\s+(?:muito\s+|demais\s+)?(?:de|do|da|dos|das)\s+`) },
    { kind: 'hate', re: rx(String.raw`\b${CLITIC}(?:eu\s+)?odeio\s+`) },
    { kind: 'cantStand', re: rx(String.raw`\bn[ãa]o\s+(?:suporto|aguento)\s+`) },
    { kind: 'favorite', re: rx(String.raw`\b(?:meu|minha)\s+(?<cat>\p{L}{3,20})\s+(?:favorit[oa]|preferid[oa])\s+é\s+`) },
    { kind: 'want', re: rx(String.raw`\b(?:eu\s+)?(?:quero|queria)\s+`) },
    { kind: 'plan', re: rx(String.raw`\b(?:eu\s+)?(?:pretendo|planejo)\s+`) },
    { kind: 'plan', re: rx(String.raw`\b(?:estou|tô)\s+planejando\s+`) },
    { kind: 'plan', re: rx(String.raw`\bmeu\s+(?:objetivo|sonho|plano)\s+é\s+`) },
    { kind: 'going', re: rx(String.raw`\b(?:eu\s+)?vou\s+(?:para|pra|pro|ao|à|a)\s+`) },
    { kind: 'going', re: rx(String.raw`\b(?:eu\s+)?vou\s+(?=\p{L}+(?:ar|er|ir)(?![\p{L}]))`) },
    { kind: 'went', re: rx(String.raw`\b(?:eu\s+)?fui\s+(?:para|pra|pro|ao|à|a|no|na)\s+`) },
    { kind: 'event', re: rx(String.raw`\b(?:eu\s+)?tenho\s+(?=(?:um|uma|meu|minha)\s)`) },
  ],
  kin: [
    ['sister', 'irmã|irma|maninha'],
    ['brother', 'irmão|irmao|maninho'],
    ['mother', 'mãe|mae|mamãe|mamae'],
    ['father', 'pai|papai'],
    ['wife', 'esposa|mulher'],
    ['husband', 'marido|esposo'],
    ['boyfriend', 'namorado'],
    ['girlfriend', 'namorada'],
    ['son', 'filho'],
    ['daughter', 'filha'],
    ['best friend', 'melhor\\s+amig[oa]'],
    ['friend', 'amig[oa]'],
    ['boss', 'chefe'],
    ['cousin', 'prim[oa]'],
    ['aunt', 'tia'],
    ['uncle', 'tio'],
    ['grandmother', 'avó|avo|vovó|vó'],
    ['grandfather', 'avô|vovô|vô'],
    ['dog', 'cachorr[oa]|cão|cadela'],
    ['cat', 'gat[oa]'],
  ].map(([relation = '', forms = '']) => ({
    relation,
    re: rx(String.raw`\b(?:meu|minha|meus|minhas)\s+(?:${forms})(?:\s+(?:mais\s+velh[oa]|mais\s+nov[oa]|caçula|menor|maior))?\b`, 'giu'),
  })),
  hypothetical: words(['se', 'caso', 'imagina', 'quem\\s+dera', 'talvez']),
  reported: words(['diz', 'disse', 'dizem', 'falou', 'fala', 'acha', 'pensa', 'contou']),
  negationBefore: rx(String.raw`\b(?:não|nao|nunca|jamais|nem)\s+(?:\S+\s+)?$`),
  negationAfter: words(['mais', 'nada']),
  nounBefore: rx(String.raw`\b(?:o|a|um|uma|meu|minha|teu|tua|seu|sua|do|da|no|na|ao|pelo|pela|está|estou|tá|tô|sou|é|esse|este|te|você|vc)\s+$`),
  boundary: words(['há', 'desde', 'e', 'mas', 'porque', 'porquê', 'pq', 'que', 'quando', 'se', 'ou', 'então', 'entao', 'também', 'tambem', 'agora', 'kkk\\p{L}*', 'haha\\p{L}*', 'rs\\p{L}*', 'com\\s+você', 'contigo', 'desde']),
  stopObject: words(['noite', 'de\\s+noite', 'à\\s+noite', 'turno', 'te', 'você', 'voce', 'vc', 'vocês', 'isso', 'isto', 'aquilo', 'esse', 'essa', 'este', 'esta', 'como', 'quando', 'que', 'onde', 'porque', 'teu', 'tua', 'seu', 'sua', 'ele', 'ela', 'casa', 'muito', 'demais', 'nada', 'tudo']),
  secondPerson: words(['te', 'você', 'voce', 'vc', 'vocês', 'voces', 'tu', 'teu', 'tua', 'contigo', 'seu', 'sua']),
  leading: rx(String.raw`^(?:(?:o|a|os|as|um|uma|muito|demais|bastante|tanto)\s+)+`),
  trailing: rx(String.raw`(?:\s+(?:muito|demais|tanto|também|tambem|agora|kkk\p{L}*|haha\p{L}*|rs\p{L}*))+$`),
  infinitive: rx(String.raw`^\p{L}+(?:ar|er|ir|or)(?:-(?:me|te|se|lo|la|los|las))?\b`),
  jobs: set(
    'médico médica medico medica enfermeiro enfermeira professor professora advogado advogada engenheiro engenheira ' +
    'desenvolvedor desenvolvedora programador programadora designer arquiteto arquiteta contador contadora cozinheiro ' +
    'cozinheira garçom garçonete motorista piloto mecânico eletricista jornalista escritor escritora fotógrafo ' +
    'fotógrafa artista músico ator atriz consultor consultora gerente psicólogo psicóloga policial bombeiro ' +
    'veterinário veterinária dentista farmacêutico cabeleireiro cabeleireira vendedor vendedora estudante estagiário ' +
    'estagiária universitário universitária',
  ),
  student: set('estudante universitário universitária'),
  activities: activities(
    'gym: academia, yoga: yoga pilates, football: futebol, basketball: basquete, tennis: tênis tenis, ' +
    'running: corrida correr, swimming: natação nadar, climbing: escalada, guitar: violão guitarra, piano: piano, ' +
    'dancing: dança dançar, hiking: trilha, cycling: bicicleta bike, church: igreja missa culto, volleyball: vôlei volei',
  ),
  placePreps: 'em|no|na|para|pra',
  months: words(['janeiro', 'fevereiro', 'março', 'marco', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro']),
  notNames: set(
    'segunda terça quarta quinta sexta sábado domingo janeiro fevereiro março abril maio junho julho agosto ' +
    'setembro outubro novembro dezembro deus natal kkk ok sim não nao',
  ),
  dates: {
    today: ['hoje', 'hoje\\s+de\\s+manhã', 'hoje\\s+cedo'],
    tonight: ['hoje\\s+à\\s+noite', 'hoje\\s+a\\s+noite', 'esta\\s+noite', 'hj\\s+a\\s+noite'],
    tomorrow: ['amanhã', 'amanha'],
    dayAfterTomorrow: ['depois\\s+de\\s+amanhã', 'depois\\s+de\\s+amanha'],
    yesterday: ['ontem'],
    nextWeek: ['semana\\s+que\\s+vem', 'pr[óo]xima\\s+semana'],
    weekend: ['este\\s+fim\\s+de\\s+semana', 'nesse\\s+fim\\s+de\\s+semana', 'no\\s+fim\\s+de\\s+semana', 'fds'],
    nextMonth: ['m[eê]s\\s+que\\s+vem', 'pr[óo]ximo\\s+m[eê]s'],
    weekdays: ['segunda(?:-feira)?', 'terça(?:-feira)?|terca(?:-feira)?', 'quarta(?:-feira)?', 'quinta(?:-feira)?', 'sexta(?:-feira)?', 's[áa]bado', 'domingo'],
    lastWeekday: 'passad[oa]',
    weekdayPrefix: 'na|no|nesta|neste|na\\s+próxima|no\\s+próximo',
  },
};
}
