// Indonesian WhatsApp UI strings (Android and iOS).
// Data only; see types.ts for how each list is matched.

import { eq, pre, re, suf, type LocaleTable } from './types';

export const id: LocaleTable = {
  lang: 'id',
  system: [
    pre('Pesan dan panggilan terenkripsi secara end-to-end'),
    pre('Pesan dan panggilan dienkripsi secara end-to-end'),
    pre('Pesan yang Anda kirim ke grup ini kini diamankan'),
    re('Kode keamanan', /^Kode keamanan Anda dengan .+ (?:telah )?berubah/),
    re('membuat grup', /^.+ membuat grup/),
    re('mengubah', /^.+ mengubah (?:subjek|nama grup|ikon grup ini|deskripsi grup)/),
    re('menghapus', /^.+ menghapus (?:ikon grup ini|deskripsi grup)$/),
    re('tautan undangan', /^.+ bergabung (?:menggunakan|melalui|dengan) tautan undangan/),
    re('nomor', /^.+ (?:telah )?mengganti nomor(?: telepon)?/),
    re('nomor', /^.+ mengubah nomor(?: telepon)?/),
    pre('Anda memblokir kontak ini'),
    pre('Anda membuka blokir kontak ini'),
    eq('Anda sekarang admin'),
    eq('Anda bukan admin lagi'),
    re('pesan sementara', /^.+ (?:mengaktifkan|menonaktifkan) pesan sementara/),
    pre('Bisnis ini menggunakan layanan aman dari Meta'),
    suf(' adalah kontak'),
  ],
  systemLoose: [
    re('menambahkan', /^.+ menambahkan .+$/),
    re('mengeluarkan', /^.+ mengeluarkan .+$/),
    suf(' keluar'),
    suf(' bergabung'),
  ],
  media: [
    '<Media tidak disertakan>',
    'gambar tidak disertakan',
    'foto tidak disertakan',
    'video tidak disertakan',
    'audio tidak disertakan',
    'GIF tidak disertakan',
    'stiker tidak disertakan',
    'dokumen tidak disertakan',
  ],
  contact: ['kartu kontak tidak disertakan', 'Kartu kontak tidak disertakan'],
  deleted: ['Pesan ini telah dihapus', 'Anda menghapus pesan ini', 'Pesan ini dihapus'],
  deletedPrefix: ['Menunggu pesan ini'],
  call: ['Panggilan suara tak terjawab', 'Panggilan video tak terjawab', 'Panggilan tak terjawab', 'Panggilan suara', 'Panggilan video'],
  liveLocation: ['lokasi terkini dibagikan'],
  fileAttached: ['file terlampir', 'berkas terlampir'],
  attached: ['lampiran', 'terlampir'],
  edited: ['<Pesan ini telah diedit>'],
  poll: ['POLLING', 'JAJAK PENDAPAT'],
  pollOption: ['OPSI', 'PILIHAN'],
};
