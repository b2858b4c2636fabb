"""Ratios of an A/B run (bench/peers/ab.sh): W1–W4's ratios per round and side, from CPU time
per operation, and each benchmark's fastest time on either side (new ÷ old)."""
import glob
import json
import os
import sys

RATIOS = [
    ("W1 reverse ÷ primal", "W1Bench.reverseGradient", "W1Bench.primal", 1),
    ("W1 forward (100 inputs) ÷ Commons Math DS", "W1Bench.forwardGradient100", "W1Bench.commonsMathDS100", 1),
    ("W1 compiled ÷ primal", "W1CompiledBench.compiledGradient", "W1Bench.primal", 1),
    ("W1 compiled, code generation off ÷ primal", "W1CompiledBench.compiledGradientInterpreted", "W1Bench.primal", 1),
    ("W1 compiled ÷ hand-written", "W1CompiledBench.compiledGradient", "W1Bench.handGradient", 1),
    ("W2 Tensor ÷ hand-written", "W2Bench.tensorGradient", "W2Bench.handGradient", 1),
    ("W2 Tensor ÷ primal", "W2Bench.tensorGradient", "W2Bench.primal", 1),
    ("W3 Tensor ÷ hand-written", "W3Bench.tensorGradient", "W3Bench.handGradient", 1),
    ("W3 compiled ÷ Tensor", "W3Bench.compiledGradient", "W3Bench.tensorGradient", 1),
    ("W4 Hessian ÷ 100 gradients", "W4Bench.hessian100", "W4Bench.reverseGradient100", 100),
]


def load(out):
    runs = {}
    for f in sorted(glob.glob(os.path.join(out, "*-*.json"))):
        if os.path.getsize(f) == 0:
            continue
        side, rnd = os.path.basename(f)[:-5].split("-")
        for b in json.load(open(f)):
            name = ".".join(b["benchmark"].split(".")[-2:])
            runs.setdefault((side, int(rnd)), {})[name] = b["secondaryMetrics"]["cpu.time.norm"]["score"]
    return runs


def main(out):
    runs = load(out)
    keys = sorted(runs, key=lambda k: (k[0] != "old", k[1]))
    print("ratios of CPU time per operation, one column per run (old = before, new = after)")
    print("ratio".ljust(44) + "".join(f"{s}-{r}".rjust(9) for s, r in keys))
    for label, a, b, scale in RATIOS:
        row = label.ljust(44)
        for k in keys:
            v = runs[k]
            row += f"{v[a] / v[b] / scale:9.3f}" if a in v and b in v else "        –"
        print(row)
    print()
    print("CPU time per operation over the rounds (µs): fastest and median on each side, new ÷ old")
    print("benchmark".ljust(44) + "old min".rjust(12) + "new min".rjust(12) + "÷".rjust(9)
          + "old median".rjust(12) + "new median".rjust(12) + "÷".rjust(9))
    names = sorted({n for v in runs.values() for n in v})
    for n in names:
        old = [v[n] for (s, _), v in runs.items() if s == "old" and n in v]
        new = [v[n] for (s, _), v in runs.items() if s == "new" and n in v]
        if old and new:
            mo, mn = median(old), median(new)
            print(f"{n:44s}{min(old):12.4g}{min(new):12.4g}{min(new) / min(old):9.3f}{mo:12.4g}{mn:12.4g}{mn / mo:9.3f}")
    print()
    print("every round's CPU time per operation (µs)")
    for n in names:
        for side in ("old", "new"):
            vals = [f"{runs[k][n]:.4g}" for k in keys if k[0] == side and n in runs[k]]
            if vals:
                print(f"{n:44s}{side:>5s}  " + ", ".join(vals))


def median(xs):
    s = sorted(xs)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


if __name__ == "__main__":
    main(sys.argv[1])
