#!/usr/bin/python3
"""scipy's curve_fit on the data of FitSpeedBench (bench/src/main/java/dev/wengert/bench/FitModels.java).

    /usr/bin/python3 bench/peers/fit_peers.py <data dir> <rows>... [--json out.json] [--quick] [--models MM,EXP2]

The same models, starts and data files as the Java side (one file per model and size: the
predictor column then the response column, little-endian doubles). curve_fit as a user calls
it: default method 'lm' (MINPACK lmdif, forward-difference Jacobian), f vectorised over numpy
arrays. Time per fit: the mean (as JMH's average time) of repeated fits after one untimed fit,
repeated for at least 2 s (at least 3 and at most 50 fits), wall-clock and the thread's CPU time
(time.thread_time: what a shared, loaded machine inflates least), and the fastest fit. Prints
one line per model and size.
"""
import json
import statistics
import sys
import time

import numpy as np
import scipy
from scipy.optimize import curve_fit


def mm(x, a, b):
    return a * x / (b + x)


def power(x, a, b, c):
    return a * np.power(x, b) + c


def logistic(x, a, b, c, d):
    return a / (np.exp(-(b * (x - c))) + 1) + d


def exp2(x, a1, k1, a2, k2, c):
    return a1 * np.exp(-k1 * x) + a2 * np.exp(-k2 * x) + c


def gauss2(x, b1, b2, b3, b4, b5, b6, b7, b8):
    return (b1 * np.exp(-b2 * x) + b3 * np.exp(-((x - b4) / b5) ** 2)
            + b6 * np.exp(-((x - b7) / b8) ** 2))


# the starts of FitModels
MODELS = {
    "MM": (mm, [1.5, 0.5]),
    "POWER": (power, [1.0, 0.5, 0.0]),
    "LOGISTIC": (logistic, [2.5, 1.2, 3.5, 0.0]),
    "EXP2": (exp2, [2.5, 1.0, 1.0, 0.15, 0.4]),
    "GAUSS2": (gauss2, [94.0, 0.0105, 99.0, 63.0, 25.0, 71.0, 180.0, 20.0]),
}


def load(directory, model, m):
    d = np.fromfile(f"{directory}/{model.lower()}-{m}.f64", dtype="<f8")
    return d[:m].copy(), d[m:].copy()


def timed(f, x, y, p0, quick):
    curve_fit(f, x, y, p0=p0)          # untimed: imports, first calls
    times = []
    cpu = []
    budget = 0.3 if quick else 2.0
    t_all = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - t_all < budget and len(times) < 50):
        t0 = time.perf_counter()
        c0 = time.thread_time()
        p, cov = curve_fit(f, x, y, p0=p0)
        cpu.append(time.thread_time() - c0)
        times.append(time.perf_counter() - t0)
    return statistics.mean(times), min(times), len(times), p, statistics.mean(cpu)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    out = None
    if "--json" in sys.argv:
        out = sys.argv[sys.argv.index("--json") + 1]
        args.remove(out)
    models = list(MODELS)
    if "--models" in sys.argv:
        pick = sys.argv[sys.argv.index("--models") + 1]
        args.remove(pick)
        models = pick.split(",")
    directory = args[0]
    sizes = [int(a) for a in args[1:]]
    print(f"python {sys.version.split()[0]} numpy {np.__version__} scipy {scipy.__version__}")
    results = []
    for name in models:
        f, p0 = MODELS[name]
        for m in sizes:
            x, y = load(directory, name, m)
            mean, best, n, p, cpu = timed(f, x, y, p0, quick)
            r = {"tool": "scipy", "model": name, "rows": m, "ms": 1e3 * mean, "min_ms": 1e3 * best, "cpu_ms": 1e3 * cpu,
                 "fits": n, "estimates": [float(v) for v in p]}
            results.append(r)
            print(f"scipy {name} {m}: {1e3 * mean:.3f} ms mean of {n} (min {1e3 * best:.3f}, CPU {1e3 * cpu:.3f}) "
                  f"estimates {list(p)}", flush=True)
    if out:
        with open(out, "w") as fh:
            json.dump(results, fh, indent=1)


if __name__ == "__main__":
    main()
