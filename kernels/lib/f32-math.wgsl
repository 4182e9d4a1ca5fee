// Float32 elementary functions that WGSL lacks or computes too coarsely (its log is good only to 2^-21 absolute near
// 1, its pow to about 1e-6 relative): log1p, log, expm1 and exp with range reduction and short polynomials, accurate
// to a few ulp of f32. Included by kernels that need them (`// #include f32-math`, resolved by
// scripts/embed-kernels.mjs); not a kernel itself.

// ln 2 split so that k·LN2_HI is exact for |k| < 2^9.
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.4286068203094173e-6;
const INV_LN2: f32 = 1.4426950408889634;
const SQRT_HALF: f32 = 0.70710678118654752;
const SQRT_TWO: f32 = 1.4142135623730951;

// 2·atanh(z) = ln((1 + z)/(1 − z)) for |z| ≤ 0.1716: odd series to z^11 (truncation < 1e-10 relative).
fn log_ratio(z: f32) -> f32 {
  let z2 = z * z;
  let p = 1.0 / 3.0 + z2 * (1.0 / 5.0 + z2 * (1.0 / 7.0 + z2 * (1.0 / 9.0 + z2 * (1.0 / 11.0))));
  return 2.0 * z + 2.0 * z * (z2 * p);
}

// ln(1 + x) for x > −1, accurate for small |x| (WGSL has no log1p).
fn log1p_f32(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u >= SQRT_HALF && u <= SQRT_TWO) {
    // x ∈ [−0.293, 0.414]: z = x/(2 + x) straight from x, nothing lost to the rounding of 1 + x.
    return log_ratio(x / (2.0 + x));
  }
  // u = f·2^e with f ∈ [√½, √2): f − 1 is exact; (x − (u − 1))/u corrects the rounding of u = 1 + x.
  let parts = frexp(u);
  var f = parts.fract;
  var e = parts.exp;
  if (f < SQRT_HALF) {
    f = f * 2.0;
    e = e - 1;
  }
  let ef = f32(e);
  let correction = (x - (u - 1.0)) / u;
  return ef * LN2_HI + (log_ratio((f - 1.0) / (f + 1.0)) + (ef * LN2_LO + correction));
}

// e^r − 1 for |r| ≤ ln2/2: Taylor polynomial to r^9 (truncation < 1e-10 relative).
fn expm1_poly(r: f32) -> f32 {
  let q = 1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0 +
          r * (1.0 / 40320.0 + r * (1.0 / 362880.0))))));
  return r + r * r * (0.5 + r * q);
}

// e^y − 1, accurate for small |y| (WGSL has no expm1): y = k·ln2 + r, e^y − 1 = 2^k·expm1(r) + (2^k − 1).
fn expm1_f32(y: f32) -> f32 {
  if (abs(y) <= 0.34657359) {
    return expm1_poly(y);
  }
  if (y < -30.0) {
    return -1.0;
  }
  let kf = round(min(y, 128.0) * INV_LN2);
  let r = (y - kf * LN2_HI) - kf * LN2_LO;
  let k = i32(kf);
  let scale = ldexp(1.0, k);
  return scale * expm1_poly(r) + (scale - 1.0);
}

// ln(x) for x > 0, from the exact split x = f·2^e, f ∈ [√½, √2).
fn log_f32(x: f32) -> f32 {
  let parts = frexp(x);
  var f = parts.fract;
  var e = parts.exp;
  if (f < SQRT_HALF) {
    f = f * 2.0;
    e = e - 1;
  }
  let ef = f32(e);
  return ef * LN2_HI + (log_ratio((f - 1.0) / (f + 1.0)) + ef * LN2_LO);
}

// e^y for |y| < 80: y = k·ln2 + r, e^y = 2^k·(1 + expm1(r)).
fn exp_f32(y: f32) -> f32 {
  let kf = round(clamp(y, -126.0, 126.0) * INV_LN2);
  let r = (y - kf * LN2_HI) - kf * LN2_LO;
  return ldexp(1.0 + expm1_poly(r), i32(kf));
}
