#!/usr/bin/python3
"""Combines one run's JMH JSON, PyTorch JSON and tape-memory output into the ratio tables of
bench/RESULTS.md.

    /usr/bin/python3 bench/peers/report.py RUN_DIR      (RUN_DIR holds jmh.json, torch1.json, torch2.json, tape-memory.txt)

Every ratio uses figures of the same run. Two columns: wall-clock time per operation (what JMH
and timeit measure) and process CPU time per operation (JMH: dev.wengert.bench.CpuTimeProfiler;
Python: time.process_time). On a machine shared with other jobs the wall ratios move with the
load; the CPU ratios do not, so the verdicts use CPU time; both are printed.
"""
import json
import os
import re
import sys

run = sys.argv[1]
jmh = json.load(open(os.path.join(run, "jmh.json")))
J = {}
for b in jmh:
    name = b["benchmark"].replace("dev.wengert.bench.", "")
    cpu = b.get("secondaryMetrics", {}).get("cpu.time.norm", {}).get("score")
    J[name] = {"wall": b["primaryMetric"]["score"], "cpu": cpu, "err": b["primaryMetric"].get("scoreError")}

T = {}
torch = None
for fn in sorted(os.listdir(run)):
    if re.fullmatch(r"torch\d*\.json", fn):
        torch = json.load(open(os.path.join(run, fn)))
        for r in torch["runs"]:
            for k, v in r["us"].items():
                T[(k, r["threads"])] = v

tape = None
tm = os.path.join(run, "tape-memory.txt")
if os.path.exists(tm):
    m = re.search(r"RESULT bytesPerOp=([\d.]+) bytesPerOpAfterSweep=([\d.]+) ops=(\d+)", open(tm).read())
    if m:
        tape = (float(m.group(1)), float(m.group(2)), int(m.group(3)))


def j(name, kind):
    v = J.get(name)
    return None if v is None else v[kind]


def t(name, threads, kind):
    v = T.get((name, threads))
    return None if v is None else v[kind]


def ratio(a, b, scale=1.0):
    if a is None or b is None or b == 0:
        return None
    return a / (b * scale)


def fmt(x, digits=2):
    if x is None or isinstance(x, str) or x != x:
        return "—"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def verdict(x, op, target):
    if x is None:
        return "not measured"
    ok = x <= target if op == "<=" else x >= target
    if ok:
        return "**met**"
    return f"**missed** ({x / target:.1f}× over)" if op == "<=" else f"**missed** (reaches {x:.2f}, needs {target})"


rows = []


def add(label, num, den, scale=1.0, target=None, op=None, kinds=("wall", "cpu")):
    w = ratio(num("wall"), den("wall"), scale)
    c = ratio(num("cpu"), den("cpu"), scale) if "cpu" in kinds else None
    v = "" if target is None else verdict(c if c is not None else w, op, target)
    tgt = "" if target is None else f"{op} {target}"
    rows.append((label, fmt(w), fmt(c), tgt, v))


def J_(name):
    return lambda k: j(name, k)


def T_(name, threads):
    return lambda k: t(name, threads, k)


def T_best(name):
    """PyTorch's best of 1 and 2 threads: the lower wall time; CPU time from the 1-thread run
    (the work on one core; a 2-thread run's CPU time also counts OpenMP's spinning)."""
    def f(k):
        if k == "cpu":
            return t(name, 1, "cpu")
        ws = [t(name, th, "wall") for th in (1, 2) if t(name, th, "wall") is not None]
        return min(ws) if ws else None
    return f


def add_peer(label, java, peer, target=None, op=None):
    add(label + ", PyTorch best of 1/2 threads", J_(java), T_best(peer), target=target, op=op)
    if target is not None:
        add(label + ", PyTorch 1 thread", J_(java), T_(peer, 1))
        add(label + ", PyTorch 2 threads", J_(java), T_(peer, 2), kinds=("wall",))


# W1
add("W1 reverse gradient ÷ primal (n=10⁴)", J_("W1Bench.reverseGradient"), J_("W1Bench.primal"), target=4, op="<=")
add("W1 compiled gradient ÷ primal (n=10⁴, into a reused buffer)", J_("W1CompiledBench.compiledGradientInto"),
    J_("W1Bench.primal"), target=2.5, op="<=")
add("W1 compiled gradient() (a new array per call) ÷ primal", J_("W1CompiledBench.compiledGradient"), J_("W1Bench.primal"))
add("W1 compiled gradient, generated code off (interpreted) ÷ primal", J_("W1CompiledBench.compiledGradientInterpreted"),
    J_("W1Bench.primal"))
add("W1 compiled value (replay only) ÷ primal", J_("W1CompiledBench.compiledValue"), J_("W1Bench.primal"))
add("W1 primal in the recording's order of additions ÷ primal", J_("W1Bench.primalRecordedOrder"), J_("W1Bench.primal"))
add("W1 compiled gradient ÷ primal in the recording's order", J_("W1CompiledBench.compiledGradientInto"),
    J_("W1Bench.primalRecordedOrder"))
add("W1 hand-written gradient ÷ primal", J_("W1Bench.handGradient"), J_("W1Bench.primal"))
add("W1 reverse ÷ hand-written", J_("W1Bench.reverseGradient"), J_("W1Bench.handGradient"))
add("W1 compiled ÷ hand-written", J_("W1CompiledBench.compiledGradientInto"), J_("W1Bench.handGradient"))
add("W1 DerivativeStructure ÷ forward (n=100; speed-up of forward)", J_("W1Bench.commonsMathDS100"),
    J_("W1Bench.forwardGradient100"), target=3, op=">=")
add("W1 Hipparchus Gradient ÷ forward (n=100)", J_("W1Bench.hipparchusGradient100"), J_("W1Bench.forwardGradient100"))
add("W1 forward gradient ÷ primal (n=100)", J_("W1Bench.forwardGradient100"), J_("W1Bench.primal100"))
add("W1 PyTorch (vectorised) gradient ÷ its primal, 1 thread", T_("W1.gradient", 1), T_("W1.primal", 1))
add_peer("W1 Wengert reverse (scalar loop) ÷ PyTorch vectorised gradient", "W1Bench.reverseGradient", "W1.gradient")
add_peer("W1 Wengert compiled ÷ PyTorch vectorised gradient", "W1CompiledBench.compiledGradientInto", "W1.gradient")
# W2
add("W2 Tensor gradient ÷ hand-written", J_("W2Bench.tensorGradient"), J_("W2Bench.handGradient"), target=1.3, op="<=")
add("W2 compiled gradient ÷ hand-written", J_("W2Bench.compiledGradient"), J_("W2Bench.handGradient"))
add("W2 hand-written gradient ÷ primal", J_("W2Bench.handGradient"), J_("W2Bench.primal"))
add("W2 Tensor gradient ÷ primal", J_("W2Bench.tensorGradient"), J_("W2Bench.primal"))
add("W2 PyTorch gradient ÷ its primal, 1 thread", T_("W2.gradient", 1), T_("W2.primal", 1))
add_peer("W2 Tensor gradient ÷ PyTorch gradient (< 1: faster)", "W2Bench.tensorGradient", "W2.gradient", target=1, op="<=")
add_peer("W2 compiled gradient ÷ PyTorch gradient", "W2Bench.compiledGradient", "W2.gradient")
add_peer("W2 hand-written gradient ÷ PyTorch gradient", "W2Bench.handGradient", "W2.gradient")
# W3
add_peer("W3 Tensor gradient ÷ PyTorch gradient", "W3Bench.tensorGradient", "W3.gradient", target=1.5, op="<=")
add_peer("W3 compiled gradient ÷ PyTorch gradient", "W3Bench.compiledGradient", "W3.gradient", target=1.5, op="<=")
add_peer("W3 hand-written gradient ÷ PyTorch gradient", "W3Bench.handGradient", "W3.gradient")
add("W3 Tensor gradient ÷ hand-written", J_("W3Bench.tensorGradient"), J_("W3Bench.handGradient"))
add("W3 Tensor gradient ÷ primal", J_("W3Bench.tensorGradient"), J_("W3Bench.primal"))
add("W3 PyTorch gradient ÷ its primal, 1 thread", T_("W3.gradient", 1), T_("W3.primal", 1))
# W4
add("W4 Hessian ÷ (n × gradient), n=100", J_("W4Bench.hessian100"), J_("W4Bench.reverseGradient100"), scale=100, target=3, op="<=")
add("W4 PyTorch hessian ÷ (n × its gradient), 1 thread", T_("W4.hessian100", 1), T_("W4.gradient100", 1), scale=100)
add("W4 PyTorch hessian(vectorize=True) ÷ (n × its gradient), 1 thread", T_("W4.hessian100.vectorize", 1),
    T_("W4.gradient100", 1), scale=100)
add_peer("W4 Wengert Hessian ÷ PyTorch hessian(vectorize=True)", "W4Bench.hessian100", "W4.hessian100.vectorize")
add_peer("W4 Wengert gradient n=100 ÷ PyTorch gradient n=100", "W4Bench.reverseGradient100", "W4.gradient100")

print("| figure (ratio of times per operation, same run) | wall | CPU | target | verdict (by CPU) |")
print("|---|---:|---:|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
if tape:
    v = verdict(tape[0], "<=", 40)
    print(f"| tape memory: heap bytes per recorded scalar operation ({tape[2]:,} ops; after the backward sweep: "
          f"{tape[1]:.1f}) | {tape[0]:.1f} | | ≤ 40 | {v} |")

print()
print("Times per operation (µs), this run:")
print()
print("| benchmark | wall µs | ± (99.9%) | CPU µs |")
print("|---|---:|---:|---:|")
for name in sorted(J):
    v = J[name]
    print(f"| {name} | {fmt(v['wall'], 3)} | {fmt(v['err'], 3)} | {fmt(v['cpu'], 3)} |")
if torch:
    for (name, th) in sorted(T):
        v = T[(name, th)]
        print(f"| PyTorch {torch['torch']} {name}, {th} thread{'s' if th > 1 else ''} | {fmt(v['wall'], 3)} | | {fmt(v['cpu'], 3)} |")
