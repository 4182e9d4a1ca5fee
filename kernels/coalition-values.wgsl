// coalition-values — the value of many coalitions of a concave aggregative objective, one invocation per coalition,
// in float32.
//
// Contract (src/engine/kernels/coalition-values/reference.ts is the float64 reference; this kernel knows nothing of games).
// Coalition S is a bit mask over n ≤ 30 members; its value is
//   v(S) = max_{x ∈ Π_{i∈S}[0, X_i]} K·(base − A·D^−β − η·Q/D) + Σ_{i∈S} [m_i·ln(1 + x_i/d_i) − e_i·x_i],
//   D = Σ_{i∈S}(d_i + x_i), Q = Σ_{i∈S} s_i/(d_i + x_i), k_i = k0_i + Σ_{j∈S, j≠i} W_ij, m_i = k_i·μ_i, K = Σ_{i∈S} k_i;
// v(∅) = 0; a coalition whose objective is not concave (K < 0 or some m_i < 0) is flagged, not solved.
// Algorithm. Given the aggregates (D, Q), each member's best amount is closed-form (the quadratic t/u² + m/u = r in
// 1/u, u = d + x, clamped to [d, d + X]); the optimum is the fixed point D = Σu, Q = Σs/u. Newton on that 2-D fixed
// point from the middle of the box of aggregates (Jacobian from the implicit derivatives of u, same pass), at most
// NEWTON_CAP steps, accepted while the scaled residual at least halves or once it is at float32 noise (≤ 1e-5); should
// it stall elsewhere (kinks where members hit their bounds), nested bracketed Newton/bisection: outer on D, inner on
// Q, at most BRACKET_CAP steps each. D^−β is computed as exp(−β·ln D) with an exactly range-reduced ln and exp (WGSL's
// pow is only accurate to ~2^-21·|β·log2 D| relative), ln(1 + x/d) with a log1p that keeps small arguments exact.
// Accuracy: every input is float32 and every term is summed in float32, so a value is good to a few 1e-7 of the
// size of its terms, K·(|base| + A·D^−β + η·Q/D) + Σ(|m|·ln(1 + x/d) + e·x); the value is stationary at the optimum, so
// the float32 amounts cost only second-order. The host states the tolerance it checks (test/cases/coalition-values).
//
// Buffer layout (group 0):
//   @binding(0) params   uniform    Params (see below)
//   @binding(1) members  storage r  array<vec4<f32>>, 2 per member: (d, s, X, e), (μ, k0, 0, 0)
//   @binding(2) weights  storage r  array<f32>, n × n row-major W (diagonal ignored)
//   @binding(3) masks    storage r  array<u32>, the masks of this chunk (list mode; one dummy word in range mode)
//   @binding(4) out      storage rw array<vec2<u32>>, count entries: (bitcast<u32>(v), status) with status
//                                   0 = solved, 1 = not concave (v = 0, the host solves it), 2 = iteration cap reached
//
// Preconditions: n ≤ 30; d > 0, s ≥ 0, X ≥ 0, e ≥ 0, A ≥ 0, β > 0, η ≥ 0, all finite and below ~1e18; in range mode
// first + count ≤ 2^n; the dispatch is a 2-D grid of WORKGROUP_SIZE-wide workgroups (x fastest) covering at least
// count invocations.

override WORKGROUP_SIZE: u32 = 64u;

struct Params {
  // Range mode: the mask of invocation 0 of this chunk. List mode: unused.
  first: u32,
  // Coalitions in this chunk.
  count: u32,
  // Members n.
  n: u32,
  // 1: masks come from `masks`; 0: mask = first + index.
  useList: u32,
  // The curve: P = base − A·D^−β − η·Q/D.
  base: f32,
  A: f32,
  beta: f32,
  eta: f32,
}

const MAX_MEMBERS: u32 = 30u;
const NEWTON_CAP: i32 = 40;
const BRACKET_CAP: i32 = 48;
const STATUS_OK: u32 = 0u;
const STATUS_NOT_CONCAVE: u32 = 1u;
const STATUS_CAP: u32 = 2u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> members: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read> masks: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<vec2<u32>>;

// #include f32-math

// The coalition's members, gathered: (d, s, X, e) and m.
var<private> md: array<f32, MAX_MEMBERS>;
var<private> ms: array<f32, MAX_MEMBERS>;
var<private> mX: array<f32, MAX_MEMBERS>;
var<private> me: array<f32, MAX_MEMBERS>;
var<private> mm: array<f32, MAX_MEMBERS>;
var<private> mx: array<f32, MAX_MEMBERS>;
var<private> count_s: u32;
var<private> alpha: f32;

// Σu, Σs/u and their derivatives at (D, Q): (Su, Sq, SuD, SuQ), (SqD, SqQ); writes mx when asked.
struct Sums {
  u: f32,
  q: f32,
  uD: f32,
  uQ: f32,
  qD: f32,
  qQ: f32,
}

fn sweep(D: f32, Q: f32, write_x: bool) -> Sums {
  let beta = params.beta;
  let A = params.A;
  let eta = params.eta;
  let invD = 1.0 / D;
  let pD = exp_f32(-beta * log_f32(D));
  let G = alpha * (beta * A * pD * invD + eta * Q * invD * invD);
  let GD = alpha * (-(beta + 1.0) * beta * A * pD * invD * invD - 2.0 * eta * Q * invD * invD * invD);
  let GQ = alpha * eta * invD * invD;
  let tc = alpha * eta * invD;
  var r: Sums = Sums(0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
  for (var t = 0u; t < count_s; t++) {
    let d = md[t];
    let X = mX[t];
    let s = ms[t];
    let m = mm[t];
    let rr = me[t] - G;
    var u = d + X;
    var x = X;
    if (rr > 0.0) {
      let t2 = tc * s;
      let us = (m + sqrt(m * m + 4.0 * t2 * rr)) / (2.0 * rr);
      if (us <= d) {
        u = d;
        x = 0.0;
      } else if (us < d + X) {
        u = us;
        x = us - d;
        let iu = 1.0 / u;
        let iu2 = iu * iu;
        let ifu = -1.0 / ((2.0 * t2 * iu + m) * iu2);
        let duD = -(GD - t2 * iu2 * invD) * ifu;
        let duQ = -GQ * ifu;
        let w = s * iu2;
        r.uD += duD;
        r.uQ += duQ;
        r.qD -= w * duD;
        r.qQ -= w * duQ;
      }
    }
    r.u += u;
    r.q += s / u;
    if (write_x) {
      mx[t] = x;
    }
  }
  return r;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let i = (wid.y * nwg.x + wid.x) * WORKGROUP_SIZE + lid;
  if (i >= params.count) {
    return;
  }
  var mask = params.first + i;
  if (params.useList != 0u) {
    mask = masks[i];
  }
  let n = params.n;
  // Gather the members and their weights k_i = k0_i + Σ_{j∈S∖i} W_ij.
  var c = 0u;
  var K = 0.0f;
  var concave = true;
  for (var a = 0u; a < n; a++) {
    if (((mask >> a) & 1u) == 0u) {
      continue;
    }
    let p0 = members[2u * a];
    let p1 = members[2u * a + 1u];
    var k = p1.y;
    for (var b = 0u; b < n; b++) {
      if (b != a && ((mask >> b) & 1u) != 0u) {
        k += weights[a * n + b];
      }
    }
    let m = k * p1.x;
    if (m < 0.0) {
      concave = false;
    }
    K += k;
    md[c] = p0.x;
    ms[c] = p0.y;
    mX[c] = p0.z;
    me[c] = p0.w;
    mm[c] = m;
    c++;
  }
  if (c == 0u) {
    out[i] = vec2<u32>(bitcast<u32>(0.0f), STATUS_OK);
    return;
  }
  if (K < 0.0 || !concave) {
    out[i] = vec2<u32>(bitcast<u32>(0.0f), STATUS_NOT_CONCAVE);
    return;
  }
  count_s = c;
  alpha = K;
  var Dlo = 0.0f;
  var Dhi = 0.0f;
  var Qlo = 0.0f;
  var Qhi = 0.0f;
  for (var t = 0u; t < c; t++) {
    Dlo += md[t];
    Dhi += md[t] + mX[t];
    Qlo += ms[t] / (md[t] + mX[t]);
    Qhi += ms[t] / md[t];
  }
  // Phase 1: Newton on the fixed point (D, Q), clamped to the box of aggregates.
  var D = 0.5 * (Dlo + Dhi);
  var Q = 0.5 * (Qlo + Qhi);
  var done = false;
  var prev = 3.0e38f;
  for (var it = 0; it < NEWTON_CAP; it++) {
    let S = sweep(D, Q, false);
    let F1 = S.u - D;
    let F2 = S.q - Q;
    var merit = abs(F1) / D;
    if (Qhi > 0.0) {
      merit = max(merit, abs(F2) / max(max(Q, S.q), 1e-30));
    }
    if (merit <= 2e-7 || (merit <= 1e-5 && !(merit < 0.5 * prev))) {
      done = true;
      break;
    }
    if (!(merit < 0.5 * prev) && it > 0) {
      break;
    }
    prev = merit;
    let J11 = S.uD - 1.0;
    let J12 = S.uQ;
    let J21 = S.qD;
    let J22 = S.qQ - 1.0;
    let det = J11 * J22 - J12 * J21;
    if (!(abs(det) > 0.0)) {
      break;
    }
    D = clamp(D + (-F1 * J22 + F2 * J12) / det, Dlo, Dhi);
    Q = clamp(Q + (-F2 * J11 + F1 * J21) / det, Qlo, Qhi);
  }
  var status = STATUS_OK;
  if (!done) {
    // Phase 2: outer bracketed Newton on h(D) = Σu(D, Q*(D)) − D, inner on R(Q) = Σs/u(D, Q) − Q.
    var lo = Dlo;
    var hi = Dhi;
    var outer_done = false;
    var dw1 = 3.0e38f;
    var dw2 = 3.0e38f;
    for (var it = 0; it < BRACKET_CAP; it++) {
      var qlo = Qlo;
      var qhi = Qhi;
      var qw1 = 3.0e38f;
      var qw2 = 3.0e38f;
      Q = clamp(Q, qlo, qhi);
      var S = sweep(D, Q, false);
      for (var jt = 0; jt < BRACKET_CAP; jt++) {
        let R = S.q - Q;
        if (R > 0.0) {
          qlo = Q;
        } else {
          qhi = Q;
        }
        if (abs(R) <= 4.0e-7 * max(Q, S.q) || qhi - qlo <= 4.0e-7 * qhi) {
          break;
        }
        var next = Q - R / (S.qQ - 1.0);
        // Bisect when Newton leaves the open bracket or the bracket failed to halve over two steps (Newton alone
        // can cycle between the bracket's ends at kinks).
        if (!(next > qlo && next < qhi) || qhi - qlo > 0.5 * qw2) {
          next = 0.5 * (qlo + qhi);
        }
        qw2 = qw1;
        qw1 = qhi - qlo;
        Q = next;
        S = sweep(D, Q, false);
      }
      let h = S.u - D;
      if (h > 0.0) {
        lo = D;
      } else {
        hi = D;
      }
      if (abs(h) <= 4.0e-7 * D || hi - lo <= 4.0e-7 * hi) {
        outer_done = true;
        break;
      }
      let dQdD = -S.qD / (S.qQ - 1.0);
      let dh = S.uD + S.uQ * dQdD - 1.0;
      var next = D - h / dh;
      if (!(next > lo && next < hi) || hi - lo > 0.5 * dw2) {
        next = 0.5 * (lo + hi);
      }
      dw2 = dw1;
      dw1 = hi - lo;
      D = next;
    }
    if (!outer_done) {
      status = STATUS_CAP;
    }
  }
  // The amounts at (D, Q), their true aggregates and the value.
  _ = sweep(D, Q, true);
  var Da = 0.0f;
  var Qa = 0.0f;
  var rest = 0.0f;
  for (var t = 0u; t < c; t++) {
    let u = md[t] + mx[t];
    Da += u;
    Qa += ms[t] / u;
    var g = 0.0f;
    if (mm[t] != 0.0) {
      g = mm[t] * log1p_f32(mx[t] / md[t]);
    }
    rest += g - me[t] * mx[t];
  }
  let P = params.base - params.A * exp_f32(-params.beta * log_f32(Da)) - params.eta * Qa / Da;
  out[i] = vec2<u32>(bitcast<u32>(K * P + rest), status);
}
