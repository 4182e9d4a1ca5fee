/**
 * A small seeded pseudo-random generator: xoshiro128** (Blackman & Vigna) seeded through splitmix32, all in 32-bit
 * integer arithmetic so that it is fast in JS and gives the same stream on every platform for the same seed.
 * Not cryptographic. Used for the RaDG baseline and for random test instances.
 *
 * @example
 * const rng = createRandom(42);
 * const u = rng.nextDouble(); // in [0, 1)
 */
export interface Random {
  /** Next 32-bit unsigned integer. */
  nextUint32(): number;
  /** Next double uniform in [0, 1), with 53 random bits. */
  nextDouble(): number;
  /** Next double uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
}

/** splitmix32 step: expands one 32-bit seed into a well-mixed stream (used only to seed xoshiro). */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Creates a deterministic generator from an integer seed (any safe integer; the high and low 32 bits are both used).
 */
export function createRandom(seed: number): Random {
  const hi = Math.floor(seed / 0x100000000) | 0;
  const st = { s: (seed | 0) ^ Math.imul(hi, 0x27d4eb2f) };
  let a = splitmix32(st);
  let b = splitmix32(st);
  let c = splitmix32(st);
  let d = splitmix32(st);
  if ((a | b | c | d) === 0) a = 1; // xoshiro's one forbidden state
  const nextUint32 = (): number => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return r;
  };
  const nextDouble = (): number => {
    const high = nextUint32() >>> 5; // 27 bits
    const low = nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  };
  return { nextUint32, nextDouble, uniform: (lo, hi2) => lo + (hi2 - lo) * nextDouble() };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
