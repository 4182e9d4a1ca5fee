"""numpy baselines of widening n elements to float32, into a preallocated float32 array (numpy at its best: no
allocation in the timed region): F16 and F64 with np.copyto (astype's conversion, in place), and BF16 — which numpy
has no dtype for — as a user writes it: the uint16 bits widened to uint32 and shifted left by 16. Source bytes are
random (timing does not depend on them); setup is outside the timed region. Runs each at least `repeats` times and for
at least `seconds`. Prints one JSON line per dtype: {dtype, best, mean, median, samples}."""
import json
import sys
import time

import numpy as np

n, repeats, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
dtypes = sys.argv[4].split(",")
np.seterr(all="ignore")  # random F64 bits overflow float32 and include NaNs, as the native input does
rng = np.random.default_rng(17)
out = np.empty(n, dtype=np.float32)
bits = out.view(np.uint32)
for dtype in dtypes:
    size = {"F16": 2, "BF16": 2, "F64": 8}[dtype]
    src = rng.integers(0, 256, n * size, dtype=np.uint8)
    if dtype == "F16":
        half = src.view(np.float16)
        step = lambda: np.copyto(out, half)
    elif dtype == "F64":
        double = src.view(np.float64)
        step = lambda: np.copyto(out, double, casting="same_kind")
    else:
        raw = src.view(np.uint16)

        def step():
            np.copyto(bits, raw)
            np.left_shift(bits, 16, out=bits)

    step()  # warm-up
    times = []
    while len(times) < repeats or sum(times) < seconds:
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    del src
    median = sorted(times)[len(times) // 2]
    print(json.dumps({"dtype": dtype, "best": min(times), "mean": sum(times) / len(times), "median": median, "samples": len(times)}))
