"""numpy's w @ X (BLAS sgemv) for K updates x P float32 parameters: the FedAvg baseline a Python FL framework
would use. Data of the benchmark's shape is made here (timing does not depend on the values); setup is outside
the timed region. Prints one JSON line: best and mean seconds over the repeats, and the BLAS numpy uses."""
import json
import sys
import time

import numpy as np

k, p, repeats = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(42)
X = rng.standard_normal((k, p), dtype=np.float32)
w = (rng.random(k) + 0.1).astype(np.float32)
w /= w.sum()
out = np.empty(p, dtype=np.float32)
np.matmul(w, X, out=out)  # warm-up
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    np.matmul(w, X, out=out)
    times.append(time.perf_counter() - t0)
blas = "unknown"
try:
    from threadpoolctl import threadpool_info

    blas = "; ".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture', '')} threads={i.get('num_threads')}" for i in threadpool_info())
except Exception:  # threadpoolctl is optional
    pass
print(json.dumps({"best": min(times), "mean": sum(times) / len(times), "samples": repeats, "blas": blas}))
