"""numpy baselines for the robust aggregation rules on K updates x P float32 parameters, as a Python FL framework
would write them: np.median(X, axis=0); a sort-based trimmed mean; Krum with the Gram matrix X @ X.T; and the Gram
matrix alone ("gram": Krum's distance matrix as a GEMM, against which the engine's gram is compared). Data of the
benchmark's shape (uniform in [-0.5, 0.5)) is made here; setup is outside the timed region. Prints one JSON line per
rule: {rule, best, mean, samples}."""
import json
import sys
import time

import numpy as np

k, p, repeats = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rules = sys.argv[4].split(",")
trim, f = float(sys.argv[5]), int(sys.argv[6])
rng = np.random.default_rng(42)
X = (rng.random((k, p), dtype=np.float32) - 0.5).astype(np.float32)


def median():
    return np.median(X, axis=0)


def trimmed_mean():
    t = int(np.floor(trim * k))
    return np.sort(X, axis=0)[t : k - t].mean(axis=0)


def krum():
    G = X @ X.T
    sq = np.diag(G)
    d2 = sq[:, None] + sq[None, :] - 2 * G
    np.fill_diagonal(d2, np.inf)
    scores = np.sort(d2, axis=1)[:, : k - f - 2].sum(axis=1)
    return X[int(np.argmin(scores))]


def gram():
    return X @ X.T


RULES = {"median": median, "trimmed-mean": trimmed_mean, "krum": krum, "gram": gram}
for name in rules:
    fn = RULES[name]
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    print(json.dumps({"rule": name, "best": min(times), "mean": sum(times) / len(times), "samples": repeats}))
