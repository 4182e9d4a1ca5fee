"""numpy's w @ X (BLAS sgemv) for K updates x P float32 parameters: the FedAvg baseline a Python FL framework
would use. Data of the benchmark's shape is made here (timing does not depend on the values); setup is outside
the timed region. Runs at least `repeats` times and for at least `seconds` (an in-cache size takes a fraction of a
millisecond: a handful of runs would time the noise). Prints one JSON line: best, mean and median seconds over the runs, and
the BLAS numpy uses."""
import json
import sys
import time

import numpy as np

k, p, repeats = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
rng = np.random.default_rng(42)
X = rng.standard_normal((k, p), dtype=np.float32)
w = (rng.random(k) + 0.1).astype(np.float32)
w /= w.sum()
out = np.empty(p, dtype=np.float32)
np.matmul(w, X, out=out)  # warm-up
times = []
while len(times) < repeats or sum(times) < seconds:
    t0 = time.perf_counter()
    np.matmul(w, X, out=out)
    times.append(time.perf_counter() - t0)
blas = "unknown"
try:
    from threadpoolctl import threadpool_info

    blas = "; ".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture', '')} threads={i.get('num_threads')}" for i in threadpool_info())
except Exception:  # threadpoolctl is optional
    pass
median = sorted(times)[len(times) // 2]
print(json.dumps({"best": min(times), "mean": sum(times) / len(times), "median": median, "samples": len(times), "blas": blas}))
