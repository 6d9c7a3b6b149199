// Classification of WhatsApp lines per language: system events (with and without the iOS name
// prefix), media/contact/deleted placeholders, calls, locations, polls, edited markers, and the
// locale guessed from them. System lines must never produce an author.

import { describe, expect, it } from 'vitest';
import { personKind, systemLanguage } from '../../src/lib/ingest/whatsapp/classify';
import { parseWhatsAppText } from '../../src/lib/ingest/whatsapp/index';
import { LOCALES } from '../../src/lib/ingest/whatsapp/locales/index';
import type { ItemKind } from '../../src/lib/ingest/types';

const LRM = '\u200e';

/** Parses Android lines "date - body" (one per entry) and returns kinds and the locale. */
function android(bodies: readonly string[]): ReturnType<typeof parseWhatsAppText> {
  const lines = bodies.map((b, i) => `01/02/2023, 10:${String(i).padStart(2, '0')} - ${b}`);
  return parseWhatsAppText(lines.join('\n'), 'chat.txt');
}

/** Parses iOS lines "[date] body" (one per entry). */
function ios(bodies: readonly string[]): ReturnType<typeof parseWhatsAppText> {
  const lines = bodies.map((b, i) => `[01.02.23, 10:${String(i).padStart(2, '0')}:00] ${b}`);
  return parseWhatsAppText(lines.join('\n'), 'chat.txt');
}

function kinds(r: ReturnType<typeof parseWhatsAppText>): ItemKind[] {
  return r.items.map((i) => i.kind);
}

interface LanguageCase {
  lang: string;
  system: string[];
  person: Array<[string, ItemKind]>;
}

// One realistic line set per language: system lines as Android writes them (no author), person
// lines after "Name: ".
const CASES: LanguageCase[] = [
  {
    lang: 'en',
    system: [
      'Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.',
      'Alice created group "Trip"',
      'Alice added Bob',
      'Bob left',
      "Alice changed this group's icon",
      'Alice changed the subject from "Trip" to "Trip 2024"',
      "+1 555 0100 joined using this group's invite link",
      'Your security code with Bob changed. Tap to learn more.',
    ],
    person: [
      ['<Media omitted>', 'media'],
      ['This message was deleted', 'deleted'],
      ['Missed voice call', 'call'],
      ['location: https://maps.google.com/?q=1,2', 'location'],
      ['Contact card omitted', 'contact'],
      ['IMG-20240101-WA0001.jpg (file attached)', 'media'],
      ['Bob.vcf (file attached)', 'contact'],
      ['null', 'media'],
      ['Hello there', 'message'],
    ],
  },
  {
    lang: 'de',
    system: [
      'Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt. Niemand außerhalb dieses Chats kann sie lesen oder anhören, nicht einmal WhatsApp. Tippe, um mehr zu erfahren.',
      'Du hast die Gruppe "Urlaub" erstellt.',
      'Anna hat Ben hinzugefügt.',
      'Ben hat die Gruppe verlassen.',
      'Anna hat das Gruppenbild geändert.',
    ],
    person: [
      ['<Medien ausgeschlossen>', 'media'],
      ['Diese Nachricht wurde gelöscht.', 'deleted'],
      ['Verpasster Sprachanruf', 'call'],
      ['Standort: https://maps.google.com/?q=1,2', 'location'],
      ['Live-Standort wird geteilt.', 'location'],
      ['PTT-20180129-WA0025.opus (Datei angehängt)', 'media'],
      ['Guten Morgen', 'message'],
    ],
  },
  {
    lang: 'es',
    system: [
      'Los mensajes y las llamadas están cifrados de extremo a extremo. Nadie fuera de este chat, ni siquiera WhatsApp, puede leerlos ni escucharlos.',
      'Lucía creó el grupo "Viaje"',
      'Lucía añadió a Pablo',
      'Pablo salió',
    ],
    person: [
      ['<Multimedia omitido>', 'media'],
      ['Se eliminó este mensaje', 'deleted'],
      ['Llamada de voz perdida', 'call'],
      ['Ubicación: https://maps.google.com/?q=1,2', 'location'],
      ['Hola', 'message'],
    ],
  },
  {
    lang: 'fr',
    system: [
      'Les messages et les appels sont chiffrés de bout en bout. Aucun tiers, pas même WhatsApp, ne peut les lire ou les écouter.',
      'Julie a créé le groupe « Week-end »',
      'Julie a ajouté Marc',
      'Marc est parti',
    ],
    person: [
      ['<Médias omis>', 'media'],
      ['Ce message a été supprimé', 'deleted'],
      ['Appel vocal manqué', 'call'],
      ['photo.jpg (fichier joint)', 'media'],
      ['Salut', 'message'],
    ],
  },
  {
    lang: 'it',
    system: [
      'I messaggi e le chiamate sono crittografati end-to-end. Nessuno al di fuori di questa chat, nemmeno WhatsApp, può leggerli o ascoltarli.',
      'Marco ha creato il gruppo "Vacanze"',
      'Marco ha aggiunto Giulia',
    ],
    person: [
      ['<Media omessi>', 'media'],
      ['Questo messaggio è stato eliminato', 'deleted'],
      ['Chiamata vocale persa', 'call'],
      ['Ciao', 'message'],
    ],
  },
  {
    lang: 'pt',
    system: [
      'As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta e ficam somente entre você e os participantes desta conversa.',
      '+55 21 98613-8297 entrou usando o link de convite deste grupo',
      '+55 21 98613-8297 saiu',
      'Ana adicionou Bruno',
    ],
    person: [
      ['<Arquivo de mídia oculto>', 'media'],
      ['Esta mensagem foi apagada', 'deleted'],
      ['Chamada de voz perdida', 'call'],
      ['Oi', 'message'],
    ],
  },
  {
    lang: 'nl',
    system: [
      'Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet.',
      'Sanne heeft Tom toegevoegd',
      'Tom heeft de groep verlaten',
    ],
    person: [
      ['<Media weggelaten>', 'media'],
      ['Dit bericht is verwijderd', 'deleted'],
      ['Gemiste spraakoproep', 'call'],
      ['TR.vcf (bestand bijgevoegd)', 'contact'],
      ['Hoi', 'message'],
    ],
  },
  {
    lang: 'ru',
    system: [
      'Сообщения и звонки защищены сквозным шифрованием. Третьи лица, включая WhatsApp, не могут прочитать ваши сообщения или прослушать звонки.',
      'Светлана создал(-а) группу "Дача"',
      'Светлана добавил(-а) Дима',
    ],
    person: [
      ['<Без медиафайлов>', 'media'],
      ['Данное сообщение удалено', 'deleted'],
      ['Вы удалили данное сообщение', 'deleted'],
      ['Пропущенный аудиозвонок', 'call'],
      ['Alex.vcf (файл добавлен)', 'contact'],
      ['Привет', 'message'],
    ],
  },
  {
    lang: 'ar',
    system: [
      'الرسائل والمكالمات مشفرة تمامًا بين الطرفين، بحيث لا يستطيع أحد خارج هذه الدردشة، ولا حتى شركة واتساب نفسها، قراءتها أو الاستماع إليها.',
      'أحمد أضاف سارة',
    ],
    person: [
      ['<تم استبعاد الوسائط>', 'media'],
      ['تم حذف هذه الرسالة.', 'deleted'],
      ['لقد حذَفت هذه الرسالة.', 'deleted'],
      ['مكالمة صوتية فائتة', 'call'],
      ['مرحبا', 'message'],
    ],
  },
  {
    lang: 'ja',
    system: ['メッセージと通話はエンドツーエンド暗号化されています。', '山田がグループ「旅行」を作成しました'],
    person: [
      ['<メディアなし>', 'media'],
      ['このメッセージは削除されました', 'deleted'],
      ['こんにちは', 'message'],
    ],
  },
  {
    lang: 'zh',
    system: ['消息和通话已进行端到端加密。对话之外的任何人都无法读取或收听。', '王伟创建了群组"旅行"'],
    person: [
      ['<省略影音内容>', 'media'],
      ['此消息已删除', 'deleted'],
      ['未接语音通话', 'call'],
      ['你好', 'message'],
    ],
  },
  {
    lang: 'tr',
    system: ['Mesajlar ve aramalar uçtan uca şifrelidir. Bu sohbetin dışında bulunan hiç kimse, WhatsApp bile, bunları okuyamaz ve dinleyemez.', 'Ayşe ayrıldı'],
    person: [
      ['<Medya dahil edilmedi>', 'media'],
      ['Bu mesaj silindi', 'deleted'],
      ['Cevapsız sesli arama', 'call'],
      ['Merhaba', 'message'],
    ],
  },
  {
    lang: 'he',
    system: ['ההודעות והשיחות מוצפנות מקצה לקצה. לאף אחד מחוץ לצ׳אט הזה, גם לא ל-WhatsApp, אין אפשרות לקרוא אותן.'],
    person: [
      ['<המדיה לא נכללה>', 'media'],
      ['הודעה זו נמחקה', 'deleted'],
      ['שלום', 'message'],
    ],
  },
  {
    lang: 'cs',
    system: ['Zprávy a hovory jsou opatřeny koncovým šifrováním. Nikdo, kdo není přímým účastníkem této konverzace, ji nemůže sledovat ani poslouchat.'],
    person: [
      ['<Média vynechána>', 'media'],
      ['Tato zpráva byla smazána', 'deleted'],
      ['Zmeškaný hlasový hovor', 'call'],
      ['Ahoj', 'message'],
    ],
  },
  {
    lang: 'pl',
    system: ['Wiadomości i połączenia są szyfrowane end-to-end. Nikt spoza tego czatu, nawet WhatsApp, nie może ich odczytać ani odsłuchać.'],
    person: [
      ['<Pominięto multimedia>', 'media'],
      ['Ta wiadomość została usunięta', 'deleted'],
      ['Nieodebrane połączenie głosowe', 'call'],
      ['Cześć', 'message'],
    ],
  },
  {
    lang: 'id',
    system: ['Pesan dan panggilan terenkripsi secara end-to-end. Tidak seorang pun di luar chat ini, termasuk WhatsApp, yang dapat membaca atau mendengarkannya.'],
    person: [
      ['<Media tidak disertakan>', 'media'],
      ['Pesan ini telah dihapus', 'deleted'],
      ['Panggilan suara tak terjawab', 'call'],
      ['Halo', 'message'],
    ],
  },
  {
    lang: 'hi',
    system: ['मैसेज और कॉल एंड-टू-एंड एन्क्रिप्टेड हैं. इस चैट के बाहर कोई भी उन्हें पढ़ या सुन नहीं सकता.'],
    person: [
      ['<मीडिया छोड़ दिया गया>', 'media'],
      ['यह मैसेज हटा दिया गया था', 'deleted'],
      ['नमस्ते', 'message'],
    ],
  },
];

describe('per-language tables', () => {
  for (const c of CASES) {
    it(`${c.lang}: system lines, placeholders and the locale`, () => {
      const r = android([...c.system, ...c.person.map(([body]) => `Kim: ${body}`)]);
      expect(kinds(r)).toEqual([...c.system.map((): ItemKind => 'system'), ...c.person.map(([, k]) => k)]);
      expect(r.locale?.split('-')[0]).toBe(c.lang);
      for (const item of r.items) expect(item.author === null).toBe(item.kind === 'system');
    });

    it(`${c.lang}: an iOS name prefix on a system line does not make an author`, () => {
      const [notice] = c.system;
      if (notice === undefined) return;
      const r = ios([`Group Chat: ${LRM}${notice}`, `Kim: ${c.person[0]?.[0] ?? 'x'}`]);
      expect(r.items[0]).toMatchObject({ kind: 'system', author: null, text: `Group Chat: ${notice}` });
      expect(r.items.map((i) => i.author)).not.toContain('Group Chat');
    });
  }

  it('every table has a tag and at least one system rule', () => {
    const tags = new Set<string>();
    for (const t of LOCALES) {
      expect(t.lang).toMatch(/^[a-z]{2,3}(-[A-Z]{2})?$/);
      expect(tags.has(t.lang)).toBe(false);
      tags.add(t.lang);
      expect(t.system.length).toBeGreaterThan(0);
    }
  });
});

describe('iOS placeholders', () => {
  it.each<[string, ItemKind]>([
    [`${LRM}image omitted`, 'media'],
    [`Some file.txt ${LRM}document omitted`, 'media'],
    [`Resume.pdf • ${LRM}2 pages ${LRM}document omitted`, 'media'],
    [`${LRM}<attached: 00000035-PHOTO-2022-03-27-21-41-55.jpg>`, 'media'],
    [`${LRM}<attached: 00000042-TR.vcf>`, 'contact'],
    [`Template.docx ${LRM}<المُرفق: 00000048-Template.docx>`, 'media'],
    [`${LRM}Contact card omitted`, 'contact'],
    [`${LRM}You deleted this message.`, 'deleted'],
    [`${LRM}Location: https://maps.google.com/?q=51.5,-0.12`, 'location'],
    ['Pimlico Gardens (London, United Kingdom): https://foursquare.com/v/4e89af95e5fa82ad4c0aa03b', 'location'],
    [`${LRM}Missed voice call. Tap to call back`, 'call'],
    ['Voice call. 12 min', 'call'],
    ['Video call, No answer', 'call'],
  ])('%s -> %s', (body, kind) => {
    const r = ios(['Kim: hi', `Kim: ${body}`]);
    expect(r.items[1]).toMatchObject({ kind, author: 'Kim' });
  });

  it('an empty body is media (view-once photo, template message)', () => {
    const r = ios(['Kim: hi', 'Kim:']);
    expect(r.items[1]).toMatchObject({ kind: 'media', author: 'Kim', text: '' });
  });

  it('a placeholder followed by a caption is media and keeps the caption', () => {
    const r = android(['Kim: <Media omitted>\nCaption line']);
    expect(r.items[0]).toMatchObject({ kind: 'media', text: '<Media omitted>\nCaption line' });
  });

  it('the Android three-line venue is a location', () => {
    const r = android(['Kim: Pimlico Gardens\nLondon, United Kingdom\nhttps://foursquare.com/v/4e89af95e5fa82ad4c0aa03b']);
    expect(r.items[0]?.kind).toBe('location');
  });

  it('marked security-code changes of unknown languages are system lines', () => {
    const r = ios(['Kim: hi', `Kim: ${LRM}${LRM}Ihr Sicherheitscode hat sich irgendwie geändert. ${LRM}Mehr erfahren.`]);
    expect(r.items[1]?.kind).toBe('system');
  });
});

describe('polls and edits', () => {
  it('reads a poll with its options', () => {
    const r = ios(['Loris: POLL:\nWhen can we meet?\nOPTION: Thursday (2 votes)\nOPTION: Friday (1 vote)']);
    expect(r.items[0]).toMatchObject({ kind: 'poll', author: 'Loris' });
    expect(r.items[0]?.text.split('\n')).toHaveLength(4);
  });

  it('removes the edited marker and flags the item', () => {
    const r = android(['Kim: See you at 8 <This message was edited>', 'Kim: Bis gleich <Diese Nachricht wurde bearbeitet>', 'Kim: plain']);
    expect(r.items.map((i) => [i.text, i.edited === true])).toEqual([
      ['See you at 8', true],
      ['Bis gleich', true],
      ['plain', false],
    ]);
  });
});

describe('people write things that look like system lines', () => {
  it('keeps generic phrases a person can type as messages', () => {
    const r = android(['Kim: I added sugar to the cake', 'Kim: He left', 'Kim: Du hast Recht', 'Kim: Voice call tomorrow?', 'Kim: The video omitted the ending']);
    expect(kinds(r)).toEqual(['message', 'message', 'message', 'message', 'message']);
  });

  it('systemLanguage and personKind agree with the tables', () => {
    expect(systemLanguage('Alice added Bob', true, null)).toBe('en');
    expect(systemLanguage('Alice added Bob', false, null)).toBeNull();
    expect(systemLanguage('Du hast Mallory hinzugefügt.', true, null)).toBe('de');
    expect(personKind('<Media omitted>', '<Media omitted>')).toEqual({ kind: 'media', lang: 'en' });
    expect(personKind('hello', 'hello').kind).toBe('message');
  });
});
