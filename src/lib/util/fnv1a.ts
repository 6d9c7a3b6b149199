// 32-bit FNV-1a over UTF-16 code units: a fast, deterministic, well-spread hash for seeds, coins and
// feature hashing (never for ids that must not collide, nor for anything secret).

export function fnv1a(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
