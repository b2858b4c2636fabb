#!/usr/bin/python3
"""The ratio table of bench/RESULTS.md's fitting section from one run of bench/peers/fit_run.sh.

    /usr/bin/python3 bench/peers/fit_report.py RUN_DIR   (RUN_DIR holds jmh*.json, scipy*.json, nls*.json)

Per model and size: the wall time per fit of each tool (Wengert's: the median over the JMH forks
of each fork's mean, with the forks' range beside the CPU ratio), and Wengert's time divided by
scipy's and by R's, for the per-row model (`fit`, what a new user writes) and the column model
(`fitColumns`). Two kinds of ratio: wall-clock time, and CPU time (JMH's CpuTimeProfiler
`all.cpu.time.norm`: every Java thread of our JVM, so a fit's passes run on pool threads are
counted in full; Python's thread_time; R's process time), which a shared, loaded machine
inflates least; the verdicts (targets: Wengert ÷ curve_fit ≤ 1 everywhere and ≤ 0.5 from 10⁵
rows up; Wengert ÷ nls < 1) use CPU time, and both are printed. Also checks the three tools
found the same estimates: the largest relative difference of Wengert's from scipy's and R's.
"""
import json
import os
import sys

run = sys.argv[1]
P = {"MM": 2, "POWER": 3, "LOGISTIC": 4, "EXP2": 5, "GAUSS2": 8}
NAMES = {"MM": "Michaelis–Menten (rational)", "POWER": "power a·xᵇ + c", "LOGISTIC": "logistic",
         "EXP2": "two exponentials + offset", "GAUSS2": "two Gaussians on a decay"}

import glob

W = {}
FORKS = {}


def fork_means(metric):
    """Each fork's mean over its measured iterations (JMH's rawData: one list per fork)."""
    return [sum(f) / len(f) for f in metric.get("rawData", []) if f]


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return None if n == 0 else xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2])


for b in [b for fn in sorted(glob.glob(os.path.join(run, "jmh*.json"))) for b in json.load(open(fn))]:
    name = b["benchmark"].split(".")[-1]
    if "FitSpeedBench" not in b["benchmark"]:
        continue
    prm = b["params"]
    key = (prm["model"], int(prm["rows"]), name)
    # A JVM draws one of a few speeds for the whole of its life on this machine (RESULTS,
    # "bimodal"), so one fork's mean is one draw: with several forks, the median of the forks'
    # means is the figure, and the forks' range is printed beside it
    walls = fork_means(b["primaryMetric"]) or [b["primaryMetric"]["score"]]
    # CPU time of every Java thread (the benchmark thread and the pool threads a fit's parallel
    # passes use, see CpuTimeProfiler); runs made before that metric existed have the benchmark
    # thread's alone, which was all of a fit's work then
    sec = b.get("secondaryMetrics", {})
    cpu = sec.get("all.cpu.time.norm") or sec.get("cpu.time.norm", {})
    cpus = []
    if cpu:
        unit = cpu.get("scoreUnit", "us/op")
        scale = 1000.0 if unit.startswith("us") else 1.0 if unit.startswith("ms") else 1e6
        cpus = [c / scale for c in (fork_means(cpu) or [cpu["score"]])]
    W[key] = (median(walls), median(cpus))
    FORKS[key] = cpus

EST = {}
jt = os.path.join(run, "jmh.txt")
if os.path.exists(jt):
    import re
    for mt in re.finditer(r"estimates (\w+) (\d+) (rows|columns) \[([^\]]*)\]", open(jt).read()):
        EST[(mt.group(1), int(mt.group(2)), mt.group(3))] = [float(v) for v in mt.group(4).split(",")]

PEER = {}
for tool in ("scipy", "nls"):
    for path in sorted(glob.glob(os.path.join(run, tool + "*.json"))):
        for r in json.load(open(path)):
            PEER[(tool, r["model"], int(r["rows"]))] = r


def fmt(x, d=2):
    if x is None:
        return "—"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.{d}f}" if x >= 0.1 else f"{x:.3f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


rows = sorted({k[1] for k in W})
forks = max((len(v) for v in FORKS.values()), default=1)
print(f"Wengert's figures: the median over {forks} JMH fork{'s' if forks != 1 else ''} (JVMs) of each fork's mean"
      + ("; the range column gives fit ÷ scipy (CPU) for the fastest and the slowest fork" if forks > 1 else ""))
print()
print("| model (p) | rows | scipy ms | nls ms | Wengert `fit` ms | `fitColumns` ms | fit ÷ scipy (CPU) | forks' range "
      "| fit ÷ scipy (wall) | fit ÷ nls (CPU) | fitColumns ÷ scipy (CPU) | estimates agree to |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
missed = []
for model in P:
    for m in rows:
        w = W.get((model, m, "rows"))
        c = W.get((model, m, "columns"))
        s = PEER.get(("scipy", model, m))
        n = PEER.get(("nls", model, m))
        if w is None:
            continue
        rs_cpu = ratio(w[1], s and s.get("cpu_ms"))
        rs_wall = ratio(w[0], s and s["ms"])
        rn_cpu = ratio(w[1], n and n.get("cpu_ms"))
        rc_cpu = ratio(c and c[1], s and s.get("cpu_ms"))
        fk = FORKS.get((model, m, "rows")) or []
        span = (f"{fmt(ratio(min(fk), s.get('cpu_ms')))}–{fmt(ratio(max(fk), s.get('cpu_ms')))}"
                if len(fk) > 1 and s and s.get("cpu_ms") else "—")
        agree = None
        mine = EST.get((model, m, "rows"))
        for peer in (s, n):
            if peer and mine:
                d = max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(mine, peer["estimates"]))
                agree = d if agree is None else max(agree, d)
        target = 0.5 if m >= 100_000 else 1.0
        if rs_cpu is not None and rs_cpu > target:
            missed.append(f"{model} {m}: fit ÷ scipy {rs_cpu:.2f} > {target}")
        if rn_cpu is not None and rn_cpu >= 1:
            missed.append(f"{model} {m}: fit ÷ nls {rn_cpu:.2f} ≥ 1")
        print(f"| {NAMES[model]} ({P[model]}) | {m:,} | {fmt(s and s['ms'])} | {fmt(n and n['ms'])} | {fmt(w[0])} | "
              f"{fmt(c and c[0])} | {fmt(rs_cpu)} | {span} | {fmt(rs_wall)} | {fmt(rn_cpu)} | {fmt(rc_cpu)} | "
              f"{'—' if agree is None else f'{agree:.0e}'} |")
print()
print("Targets missed (CPU-time ratios): " + ("none" if not missed else "; ".join(missed)))
cold = os.path.join(run, "cold.json")
if os.path.exists(cold):
    for b in json.load(open(cold)):
        pm = b["primaryMetric"]
        raw = [v for fork in pm.get("rawData", []) for v in fork]
        print(f"\nFirst fit in a fresh JVM (MM, 10,000 rows), {len(raw)} forks: mean {pm['score']:.0f} ms, "
              f"max {max(raw):.0f} ms" if raw else "")
