"""The general-solver baseline of the game benchmark: scipy's L-BFGS-B on -Phi with box bounds and the exact
gradient (DESIGN 3.4), for the same instance the engine solves. Reads the instance written by bench/game-suite.ts
(raw float64 arrays + meta.json), writes x.f64 and prints one JSON line with its own wall time.

Phi(x) = P_N(x) + sum_n [m_n ln(1 + x_n/d_n) - e_n x_n],  P_N = L_ref - L_inf - A D^-beta - eta Q/D,
D = sum(d + x), Q = sum(s / (d + x)).
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import minimize

folder = sys.argv[1]
meta = json.load(open(f"{folder}/meta.json"))
n = meta["n"]
load = lambda name: np.fromfile(f"{folder}/{name}.f64", dtype=np.float64, count=n)
d, s, m, e, X = (load(k) for k in ("d", "s", "m", "e", "X"))
floor, scale, beta, eta, ref = (meta[k] for k in ("floor", "scale", "exponent", "heterogeneity", "reference"))


def neg_phi_and_grad(x):
    u = d + x
    D = u.sum()
    Q = (s / u).sum()
    P = ref - floor - scale * D**-beta - eta * Q / D
    phi = P + (m * np.log1p(x / d) - e * x).sum()
    common = beta * scale * D ** (-beta - 1) + eta * Q / (D * D)
    grad = common + eta * s / (D * u * u) + m / u - e
    return -phi, -grad


# A fair general-solver set-up: variables scaled to the unit box (y = x / X) and the objective scaled so that its
# largest partial derivative at y = 0 is 1, then tolerances tight enough that the solver stops on its own
# limits rather than on a loose default.
X_safe = np.where(X > 0, X, 1.0)
_, g0 = neg_phi_and_grad(np.zeros(n))
scale_f = 1.0 / max(np.abs(g0 * X_safe).max(), 1e-300)


def scaled(y):
    f, g = neg_phi_and_grad(y * X_safe)
    return f * scale_f, g * X_safe * scale_f


t0 = time.perf_counter()
result = minimize(scaled, np.zeros(n), jac=True, method="L-BFGS-B", bounds=[(0.0, 1.0 if X[i] > 0 else 0.0) for i in range(n)],
                  options={"maxiter": 20000, "maxfun": 40000, "ftol": 1e-15, "gtol": 1e-12})
seconds = time.perf_counter() - t0
(result.x * X_safe).astype(np.float64).tofile(f"{folder}/x.f64")
print(json.dumps({"seconds": seconds, "iterations": int(result.nit), "message": str(result.message), "success": bool(result.success)}))
