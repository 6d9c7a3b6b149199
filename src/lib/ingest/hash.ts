// A fast, synchronous, deterministic 64-bit string hash for ids and mask tokens (not for security).
// Invariants: same output in every JS engine (only Math.imul and 32-bit integer ops on UTF-16 code
// units, no runtime-dependent encoding); always 16 lowercase hex characters.

/**
 * cyrb53's two multiplicative lanes, kept at their full 32 bits each (cyrb53 itself truncates to 53
 * bits to fit a double; we return a string, so nothing needs dropping). crypto.subtle would be
 * async and far slower for 100k short strings, and nothing here needs a cryptographic hash.
 */
export function hashPair(s: string, seed = 0): [number, number] {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h2 >>> 0, h1 >>> 0];
}

// Byte -> two hex digits; Number#toString(16) + padStart was the slowest part of hashing short strings.
const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function hex8(n: number): string {
  return (
    (HEX_BYTE[n >>> 24] ?? '') +
    (HEX_BYTE[(n >>> 16) & 255] ?? '') +
    (HEX_BYTE[(n >>> 8) & 255] ?? '') +
    (HEX_BYTE[n & 255] ?? '')
  );
}

/** The 16-hex-character form of a hashPair result (high lane first). */
export function pairToHex(pair: readonly [number, number]): string {
  return hex8(pair[0]) + hex8(pair[1]);
}

/**
 * 53 of the 64 bits as one exact JS number: a cheap Map/Set key (string keys built by concatenation
 * cost more to hash than the hash itself). Equal strings give equal keys; unequal ones collide with
 * probability ~2^-53 per pair, so users must tolerate (not rely on) uniqueness.
 */
export function pairToKey(pair: readonly [number, number]): number {
  return pair[0] * 2097152 + (pair[1] >>> 11);
}

/** 64-bit hash of `s` as 16 lowercase hex characters (high lane first). */
export function hashString(s: string, seed = 0): string {
  return pairToHex(hashPair(s, seed));
}
