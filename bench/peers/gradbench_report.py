#!/usr/bin/python3
"""The gradbench table of bench/RESULTS.md from one run directory of bench/peers/gradbench.sh.

    /usr/bin/python3 bench/peers/gradbench_report.py RUN_DIR

Reads RUN_DIR/jmh-gradbench.json (GradbenchBench: warm objective and derivative;
GradbenchColdBench: every call of a fresh JVM) and RUN_DIR/torch-gradbench.json, and prints,
per workload and form, the derivative ÷ objective ratio of both sides (target: Java's no worse
than PyTorch's) and the slowest cold call ÷ the median call (target: at most 2).
"""
import json
import os
import statistics
import sys

TORCH_NAME = {"lse": "lse", "llsq": "llsq", "det.minors": "det.minors", "det.lu": "det.lu", "ode": "ode",
              "kmeans": "kmeans", "gmm": "gmm", "ba": "ba", "ht": "ht", "lstm": "lstm"}


def torch_name(workload):
    if workload.startswith("det."):
        return workload
    return workload.split(".")[0]


def fmt(us):
    if us >= 1e5:
        return f"{us / 1e3:.0f} ms"
    if us >= 1e3:
        return f"{us / 1e3:.2f} ms"
    return f"{us:.1f} µs"


def main(run):
    jmh = json.load(open(os.path.join(run, "jmh-gradbench.json")))
    torch = json.load(open(os.path.join(run, "torch-gradbench.json")))["workloads"]
    warm = {}
    cold = {}
    cold_off = {}
    for e in jmh:
        w = e["params"]["workload"]
        kind = e["benchmark"].rsplit(".", 1)[1]
        if "GradbenchColdBench" in e["benchmark"]:
            calls = [x for fork in e["primaryMetric"]["rawData"] for x in fork]
            (cold_off if kind == "derivativeCodegenOff" else cold)[w] = calls
        else:
            warm.setdefault(w, {})[kind] = e["primaryMetric"]["score"]
    print("| workload | Java objective | Java derivative | Java ratio | PyTorch objective | PyTorch derivative "
          "| PyTorch ratio | ratio target | Java cold median / slowest | slowest ÷ median | PyTorch cold median / slowest |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for w in warm:
        o = warm[w].get("objective")
        d = warm[w].get("derivative")
        t = torch.get(torch_name(w))
        jr = d / o if o and d else float("nan")
        tr = t["derivative_us"] / t["objective_us"] if t else float("nan")
        target = "met" if jr <= tr else "missed"
        c = cold.get(w, [])
        cm = statistics.median(c) if c else float("nan")
        cx = max(c) if c else float("nan")
        tc = t["cold_us"] if t else []
        print(f"| {w} | {fmt(o)} | {fmt(d)} | {jr:.2f} | {fmt(t['objective_us'])} | {fmt(t['derivative_us'])} | "
              f"{tr:.2f} | {target} | {fmt(cm)} / {fmt(cx)} | {cx / cm:.2f} | "
              f"{fmt(statistics.median(tc))} / {fmt(max(tc))} |")
    print()
    print("| workload | objective ÷ plain doubles | cold calls, code generation on: total / slowest "
          "| off: total / slowest | on ÷ off: total, slowest | after the first 10 calls, on: slowest ÷ median "
          "| off: slowest ÷ median | calls 251–500, on: slowest ÷ median | off: slowest ÷ median |")
    print("|---|---|---|---|---|---|---|---|---|")
    for w in warm:
        dbl = warm[w].get("doubles")
        o = warm[w].get("objective")
        ratio = f"{o / dbl:.2f}" if dbl and dbl > 0.05 else "—"
        on = cold.get(w, [])
        off = cold_off.get(w, [])
        if on and off:
            late_on = on[10:]
            late_off = off[10:]
            # the second half of the calls: the same statistic past the JIT's compiling of the
            # interpreter's loops (its tier changes land in calls 10–30 here); not past all of the
            # JVM's warm-up — methods run once per call reach C1 around call 200–260 and C2 only
            # after thousands of calls. Shown beside the target's statistic, not instead of it
            warm_on = on[len(on) // 2:]
            warm_off = off[len(off) // 2:]
            print(f"| {w} | {ratio} | {fmt(sum(on))} / {fmt(max(on))} | {fmt(sum(off))} / {fmt(max(off))} | "
                  f"{sum(on) / sum(off):.2f}, {max(on) / max(off):.2f} | "
                  f"{max(late_on) / statistics.median(late_on):.2f} | {max(late_off) / statistics.median(late_off):.2f} | "
                  f"{max(warm_on) / statistics.median(warm_on):.2f} | {max(warm_off) / statistics.median(warm_off):.2f} |")
        else:
            print(f"| {w} | {ratio} | | | | | | | |")


if __name__ == "__main__":
    main(sys.argv[1])
