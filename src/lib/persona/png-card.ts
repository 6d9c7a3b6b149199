// PNG text chunks for character cards: read every tEXt chunk of a PNG, write a PNG with chosen tEXt chunks
// (replacing older ones of the same keyword), and a small solid-colour PNG to carry a card where no
// canvas is at hand. Chunk framing and CRCs come from png-chunks-extract/-encode (the libraries
// SillyTavern reads cards with): a PNG with a bad CRC or header is refused, never half-read.

import extractChunks from 'png-chunks-extract';
import encodeChunks from 'png-chunks-encode';
import * as pngText from 'png-chunk-text';

export interface PngChunk {
  name: string;
  data: Uint8Array;
}

/** True when the bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return bytes.length >= 8 && sig.every((b, i) => bytes[i] === b);
}

/** Every chunk of a PNG; throws (with the library's reason) on a bad signature, CRC or a missing IEND. */
export function pngChunks(bytes: Uint8Array): PngChunk[] {
  return extractChunks(bytes);
}

/** tEXt chunks by keyword (the first of each keyword wins, as in SillyTavern's reader). */
export function readPngText(bytes: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  for (const chunk of pngChunks(bytes)) {
    if (chunk.name !== 'tEXt') continue;
    const { keyword, text } = pngText.decode(chunk.data);
    if (!out.has(keyword)) out.set(keyword, text);
  }
  return out;
}

/**
 * The same image with these tEXt chunks (Latin-1 text, e.g. base64) before IEND; any earlier tEXt chunk
 * with one of these keywords is dropped, so re-exporting over a card image never leaves two cards inside.
 */
export function writePngText(png: Uint8Array, entries: ReadonlyMap<string, string>): Uint8Array {
  const chunks = pngChunks(png).filter((c) => !(c.name === 'tEXt' && entries.has(pngText.decode(c.data).keyword)));
  const end = chunks.findIndex((c) => c.name === 'IEND');
  const text = [...entries].map(([keyword, value]) => pngText.encode(keyword, value));
  chunks.splice(end < 0 ? chunks.length : end, 0, ...text);
  return encodeChunks(chunks);
}

/** Deflates with the platform's zlib (browser and node both have CompressionStream). */
async function zlibDeflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A PNG of one colour with a lighter band across the middle: a neutral card image. */
export async function solidPng(width: number, height: number, rgb: readonly [number, number, number]): Promise<Uint8Array> {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, adaptive filter, no interlace
  const row = 1 + width * 3;
  const raw = new Uint8Array(row * height);
  for (let y = 0; y < height; y++) {
    const band = y > height * 0.4 && y < height * 0.6;
    for (let x = 0; x < width; x++) {
      const at = y * row + 1 + x * 3;
      raw[at] = band ? Math.min(255, rgb[0] + 60) : rgb[0];
      raw[at + 1] = band ? Math.min(255, rgb[1] + 60) : rgb[1];
      raw[at + 2] = band ? Math.min(255, rgb[2] + 60) : rgb[2];
    }
  }
  return encodeChunks([
    { name: 'IHDR', data: ihdr },
    { name: 'IDAT', data: await zlibDeflate(raw) },
    { name: 'IEND', data: new Uint8Array(0) },
  ]);
}

/** A stable, pleasant colour for a name (hue from a string hash). */
export function colourOf(name: string): [number, number, number] {
  let h = 0;
  for (const ch of name) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  const hue = (h % 360) / 60;
  const c = 0.45 * 255;
  const x = c * (1 - Math.abs((hue % 2) - 1));
  const m = 70;
  const [r, g, b] = hue < 1 ? [c, x, 0] : hue < 2 ? [x, c, 0] : hue < 3 ? [0, c, x] : hue < 4 ? [0, x, c] : hue < 5 ? [x, 0, c] : [c, 0, x];
  return [Math.round(r + m), Math.round(g + m), Math.round(b + m)];
}

// -- base64 of UTF-8 (card JSON in tEXt chunks) -------------------------------------------------------

export function utf8ToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  // Chunked: String.fromCharCode(...big array) overflows the stack on long cards.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Throws on text that is not base64. */
export function base64ToUtf8(base64: string): string {
  const binary = atob(base64.replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}
