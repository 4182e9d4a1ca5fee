"""numpy baselines of the server optimizers' step (Reddi et al. 2021) on P float32 parameters: FedAdam and FedYogi as
a Python FL framework would write them in numpy, at its best: in place, with ufunc out= arguments and one scratch
array, so that no step allocates. Timing does not depend on the values; setup is outside the timed region. Runs each
at least `repeats` times and for at least `seconds`. Prints one JSON line per optimizer: {optimizer, best, mean,
median, samples}."""
import json
import sys
import time

import numpy as np

p, repeats, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
names = sys.argv[4].split(",") if len(sys.argv) > 4 else ["fedadam", "fedyogi"]
beta1, beta2, eta, tau = np.float32(0.9), np.float32(0.99), np.float32(1e-6), np.float32(1e-3)
x = np.full(p, 0.5, dtype=np.float32)
delta = np.full(p, 1e-3, dtype=np.float32)
m = np.zeros(p, dtype=np.float32)
v = np.zeros(p, dtype=np.float32)
t = np.empty(p, dtype=np.float32)
s = np.empty(p, dtype=np.float32)


def moments():
    np.multiply(m, beta1, out=m)  # m = beta1 m + (1 - beta1) delta
    np.multiply(delta, np.float32(1) - beta1, out=t)
    np.add(m, t, out=m)
    np.multiply(delta, delta, out=t)  # t = delta^2


def apply():
    np.sqrt(v, out=t)  # x += eta m / (sqrt(v) + tau)
    np.add(t, tau, out=t)
    np.divide(m, t, out=t)
    np.multiply(t, eta, out=t)
    np.add(x, t, out=x)


def fedadam():
    moments()
    np.multiply(v, beta2, out=v)
    np.multiply(t, np.float32(1) - beta2, out=t)
    np.add(v, t, out=v)
    apply()


def fedyogi():
    moments()
    np.subtract(v, t, out=s)  # v -= (1 - beta2) delta^2 sign(v - delta^2)
    np.sign(s, out=s)
    np.multiply(t, np.float32(1) - beta2, out=t)
    np.multiply(t, s, out=t)
    np.subtract(v, t, out=v)
    apply()


for name in names:
    step = {"fedadam": fedadam, "fedyogi": fedyogi}[name]
    step()  # warm-up
    times = []
    while len(times) < repeats or sum(times) < seconds:
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    median = sorted(times)[len(times) // 2]
    print(json.dumps({"optimizer": name, "best": min(times), "mean": sum(times) / len(times), "median": median, "samples": len(times)}))
