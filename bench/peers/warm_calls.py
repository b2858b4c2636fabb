#!/usr/bin/env python3
"""Issue 20's "no gradient call more than 2x its median", from GradbenchWarmCallsBench's JSON:
every timed call of each workload (after settling and 200 untimed calls), its median, 99th
percentile, slowest, slowest / median and how many calls took over twice the median, as a
Markdown table.

    python3 bench/peers/warm_calls.py <jmh json>
"""
import json
import statistics
import sys


def main(path):
    rows = []
    for e in json.load(open(path)):
        w = e["params"]["workload"]
        calls = sorted(x for fork in e["primaryMetric"]["rawData"] for x in fork)
        med = statistics.median(calls)
        p99 = calls[min(len(calls) - 1, int(0.99 * len(calls)))]
        over = sum(1 for x in calls if x > 2 * med)
        rows.append((w, len(calls), med, p99, calls[-1], calls[-1] / med, over))
    print("| workload | calls | median µs | 99th percentile µs | slowest µs | slowest ÷ median | calls over 2× median | 2× target |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for w, n, med, p99, top, ratio, over in rows:
        print(f"| {w} | {n} | {med:.1f} | {p99:.1f} | {top:.1f} | {ratio:.2f} | {over} | {'met' if ratio <= 2 else 'missed'} |")
    met = sum(1 for r in rows if r[5] <= 2)
    print(f"\n{met} of {len(rows)} workloads have no timed call over 2x their median.")


if __name__ == "__main__":
    main(sys.argv[1])
