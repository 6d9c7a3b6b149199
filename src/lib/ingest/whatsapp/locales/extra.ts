// Languages known here only by their encryption notice, placeholders and clock words. Enough to
// recognise the locale and the most common system line; extend a table when a real export shows more.

import { pre, type LocaleTable } from './types';

export const extra: readonly LocaleTable[] = [
  {
    lang: 'uk',
    system: [pre('Повідомлення та дзвінки захищені наскрізним шифруванням')],
    media: ['<Медіафайли пропущено>', '<Без медіафайлів>'],
    deleted: ['Це повідомлення видалено', 'Ви видалили це повідомлення'],
  },
  {
    lang: 'el',
    system: [pre('Τα μηνύματα και οι κλήσεις είναι κρυπτογραφημένα από άκρο σε άκρο')],
    media: ['<Παραλείφθηκαν πολυμέσα>'],
    deleted: ['Αυτό το μήνυμα διαγράφηκε', 'Διαγράψατε αυτό το μήνυμα'],
    am: ['π.μ.'],
    pm: ['μ.μ.'],
  },
  {
    lang: 'vi',
    system: [pre('Tin nhắn và cuộc gọi được mã hóa đầu cuối')],
    media: ['<Bỏ qua phương tiện>', '<Đã bỏ qua phương tiện>'],
    deleted: ['Tin nhắn này đã bị xóa', 'Bạn đã xóa tin nhắn này'],
    am: ['SA'],
    pm: ['CH'],
  },
  {
    lang: 'th',
    system: [pre('ข้อความและการโทรได้รับการเข้ารหัสตั้งแต่ต้นทางถึงปลายทาง')],
    media: ['<ไม่มีสื่อ>', '<สื่อถูกลบ>'],
    deleted: ['ข้อความนี้ถูกลบแล้ว', 'คุณลบข้อความนี้แล้ว'],
    am: ['ก่อนเที่ยง'],
    pm: ['หลังเที่ยง'],
  },
  {
    lang: 'fa',
    system: [pre('پیام‌ها و تماس‌ها رمزگذاری سرتاسری شده‌اند'), pre('پیامها و تماسها رمزگذاری سرتاسری شدهاند')],
    media: ['<رسانه حذف شد>', '<رسانه‌ها حذف شد>'],
    deleted: ['این پیام حذف شد', 'این پیام را حذف کردید'],
    am: ['ق.ظ.', 'ق.ظ'],
    pm: ['ب.ظ.', 'ب.ظ'],
  },
  {
    lang: 'hu',
    system: [pre('Az üzenetek és a hívások végpontok közötti titkosítással')],
    media: ['<Média elhagyva>', '<Médiafájl kihagyva>'],
    deleted: ['Ezt az üzenetet törölték', 'Törölted ezt az üzenetet'],
    am: ['de.'],
    pm: ['du.'],
  },
  {
    lang: 'fi',
    system: [pre('Viestit ja puhelut ovat päästä päähän salattuja')],
    media: ['<Media jätetty pois>'],
    deleted: ['Tämä viesti poistettiin', 'Poistit tämän viestin'],
    am: ['ap.'],
    pm: ['ip.'],
  },
  {
    lang: 'sv',
    system: [pre('Meddelanden och samtal är totalsträckskrypterade')],
    media: ['<Media utelämnad>', '<Media har utelämnats>'],
    deleted: ['Detta meddelande raderades', 'Du raderade detta meddelande'],
    am: ['fm'],
    pm: ['em'],
  },
  {
    lang: 'da',
    system: [pre('Beskeder og opkald er end-to-end-krypterede')],
    media: ['<Medier udeladt>'],
    deleted: ['Denne besked blev slettet', 'Du slettede denne besked'],
  },
  {
    lang: 'nb',
    system: [pre('Meldinger og anrop er ende-til-ende-kryptert')],
    media: ['<Media utelatt>'],
    deleted: ['Denne meldingen ble slettet', 'Du slettet denne meldingen'],
  },
  {
    lang: 'ro',
    system: [pre('Mesajele și apelurile sunt criptate integral')],
    media: ['<Conținut media omis>'],
    deleted: ['Acest mesaj a fost șters', 'Ai șters acest mesaj'],
  },
  {
    lang: 'ms',
    system: [pre('Mesej dan panggilan disulitkan hujung ke hujung')],
    media: ['<Media dikecualikan>'],
    deleted: ['Mesej ini telah dipadam', 'Anda telah memadam mesej ini'],
    am: ['PG'],
    pm: ['PTG'],
  },
];
