// Seeded pseudo-random numbers for the test-model generators: xoshiro128** (Blackman and Vigna) seeded
// through splitmix32. Invariant: only 32-bit integer and exact float arithmetic (no Math.log/cos), so the
// same seed gives the same bits on every machine and node version, and generated models are byte-stable.

export class Prng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  constructor(seed: number) {
    let state = seed >>> 0;
    const splitmix32 = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#s0 = splitmix32();
    this.#s1 = splitmix32();
    this.#s2 = splitmix32();
    this.#s3 = splitmix32();
  }

  /** The next uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5), 7), 9) >>> 0;
    const t = this.#s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 24 bits (exactly representable as float32). */
  nextUnit(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /**
   * Fills `out` with zero-mean values of standard deviation `std`: a triangular distribution (the sum of two
   * uniforms), which is all random test weights need (bounded, the right spread) and costs no transcendentals.
   */
  fillWeights(out: Float32Array, std: number): Float32Array {
    const scale = std * Math.sqrt(6);
    for (let i = 0; i < out.length; i++) out[i] = (this.nextUnit() + this.nextUnit() - 1) * scale;
    return out;
  }

  /** `count` uniform 32-bit words (packed quantized weights). */
  fillUint32(out: Uint32Array): Uint32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.nextUint32();
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
