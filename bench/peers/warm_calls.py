#!/usr/bin/env python3
"""Issue 20's "no gradient call more than 2x its median", from GradbenchWarmCallsBench's JSON:
every timed call of each workload (after settling and 200 untimed calls), its median, 99th
percentile, slowest, slowest / median and how many calls took over twice the median, as a
Markdown table. With the per-call files the bench writes (calls-<workload>.txt in the JSON's
folder), it also says how many of those slow calls had a garbage collection or JIT compilation
inside them, how many were preempted (the OS took the core from the thread during the call: an
involuntary context switch), and, from the calling thread's CPU time per call, how many calls
took over twice the median CPU time (work of their own, not time spent waiting for the core);
with PyTorch's warm calls (gradbench_torch.py --warm-calls, same protocol), the
same spread for PyTorch beside ours.

    python3 bench/peers/warm_calls.py <jmh json> [<torch json>]
"""
import json
import os
import statistics
import sys


def spread(calls):
    s = sorted(calls)
    med = statistics.median(s)
    p99 = s[min(len(s) - 1, int(0.99 * len(s)))]
    return med, p99, s[-1], sum(1 for x in s if x > 2 * med)


def per_call(folder, workload, n):
    """(collections, JIT ms[, CPU ns, involuntary switches]) of the last n calls, or None without the bench's file."""
    path = os.path.join(folder, f"calls-{workload}.txt")
    if not os.path.exists(path):
        return None
    lines = [tuple(int(v) for v in l.split()) for l in open(path) if l.strip() and not l.startswith("#")]
    return lines[-n:] if len(lines) >= n else None


def torch_name(workload):
    return workload if workload.startswith("det.") else workload.split(".")[0]


def main(path, torch_path=None):
    torch_calls = {}
    if torch_path:
        torch_calls = {k: v["warm_calls_us"] for k, v in json.load(open(torch_path))["workloads"].items()}
    head = ("| workload | calls | median µs | 99th percentile µs | slowest µs | slowest ÷ median | calls over 2× median "
            "| of them with a GC | of them with JIT | of them preempted | calls over 2× median CPU | 2× target |")
    rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    if torch_calls:
        head += " PyTorch calls | PyTorch median µs | PyTorch slowest ÷ median | PyTorch calls over 2× median |"
        rule += "---:|---:|---:|---:|"
    print(head)
    print(rule)
    met = total = cpu_met = cpu_known = 0
    for e in json.load(open(path)):
        w = e["params"]["workload"]
        calls = [x for fork in e["primaryMetric"]["rawData"] for x in fork]
        med, p99, top, over = spread(calls)
        extra = per_call(os.path.dirname(os.path.abspath(path)), w, len(calls))
        gc = jit = pre = cpu_over = "—"
        if extra is not None:
            slow = [k for k, x in enumerate(calls) if x > 2 * med]
            gc = str(sum(1 for k in slow if extra[k][0] > 0))
            jit = str(sum(1 for k in slow if extra[k][1] > 0))
            if all(len(x) >= 4 for x in extra):
                if all(x[3] >= 0 for x in extra):
                    pre = str(sum(1 for k in slow if extra[k][3] > 0))
                cpu = [x[2] for x in extra]
                cpu_med = statistics.median(cpu)
                n_cpu = sum(1 for c in cpu if c > 2 * cpu_med)
                cpu_over = str(n_cpu)
                cpu_known += 1
                cpu_met += n_cpu == 0
        total += 1
        met += top <= 2 * med
        line = (f"| {w} | {len(calls)} | {med:.1f} | {p99:.1f} | {top:.1f} | {top / med:.2f} | {over} | {gc} | {jit} | {pre} "
                f"| {cpu_over} "
                f"| {'met' if top <= 2 * med else 'missed'} |")
        t = torch_calls.get(torch_name(w))
        if torch_calls:
            if t:
                tm, _, tt, tover = spread(t)
                line += f" {len(t)} | {tm:.1f} | {tt / tm:.2f} | {tover} |"
            else:
                line += " — | — | — | — |"
        print(line)
    print(f"\n{met} of {total} workloads have no timed call over 2x their median.")
    if cpu_known:
        print(f"{cpu_met} of {cpu_known} workloads have no timed call over 2x their median CPU time (calling thread).")
    if torch_calls:
        tmet = sum(1 for v in torch_calls.values() if max(v) <= 2 * statistics.median(v))
        print(f"PyTorch, same protocol: {tmet} of {len(torch_calls)} workloads have no timed call over 2x their median.")


if __name__ == "__main__":
    main(*sys.argv[1:3])
