#!/usr/bin/python3
"""W1 (vectorised), W2, W3 and W4 of issue 4 in PyTorch, float64, on 1 and 2 threads.

Same data as bench/src/main/java/dev/wengert/bench/Workloads.java (deterministic formulas),
same operations, timed like JMH's average-time mode: warm up, then run for a fixed time and
divide. Reports wall-clock and process CPU time per call (CPU time is what the Java side's
CpuTimeProfiler reports; on a shared machine it is the stable figure).

    /usr/bin/python3 bench/peers/torch_bench.py [--threads 1 2] [--json out.json] [--quick]

Uses Debian's python3-torch (the `python3` of a pyenv has no torch): run it with /usr/bin/python3.
"""
import argparse
import json
import math
import sys
import time

import torch

torch.set_default_dtype(torch.float64)


def timeit(fn, warmup_s, measure_s, rounds):
    """Mean µs per call (wall, CPU) over `rounds` rounds of ~measure_s each; the first
    warmup_s seconds are discarded. Returns the per-round lists too."""
    end = time.perf_counter() + warmup_s
    while time.perf_counter() < end:
        fn()
    walls, cpus = [], []
    for _ in range(rounds):
        n = 0
        t0, c0 = time.perf_counter(), time.process_time()
        end = t0 + measure_s
        while True:
            fn()
            n += 1
            t1 = time.perf_counter()
            if t1 >= end:
                break
        c1 = time.process_time()
        walls.append((t1 - t0) / n * 1e6)
        cpus.append((c1 - c0) / n * 1e6)
    return sum(walls) / len(walls), sum(cpus) / len(cpus), walls, cpus


# ---- data (Workloads.java) --------------------------------------------------------------------

def rosenbrock_point(n):
    return 0.5 + 0.001 * torch.arange(n, dtype=torch.float64)


def rosenbrock(x):
    # Σ_{i<n−1} 100 (x_{i+1} − x_i²)² + (1 − x_i)²
    a = x[1:] - x[:-1] ** 2
    b = 1 - x[:-1]
    return (100 * a ** 2 + b ** 2).sum()


def w2_data(m=100_000, d=20):
    i = torch.arange(m, dtype=torch.float64)[:, None]
    j = torch.arange(d, dtype=torch.float64)[None, :]
    X = torch.sin(0.7 * i + 1.3 * j) + 0.01 * j
    y = (torch.sin(0.37 * torch.arange(m, dtype=torch.float64)) > 0).to(torch.float64)
    s = -(2 * y - 1)
    w = 0.05 * (torch.arange(d, dtype=torch.float64) - 10) / 10
    return X.contiguous(), s, w


def w3_data(X):
    m, d, nh = 4096, 20, 64
    X4 = X[:m].contiguous()
    t = torch.sin(0.01 * torch.arange(m, dtype=torch.float64))
    h = torch.arange(nh, dtype=torch.float64)[:, None]
    j = torch.arange(d, dtype=torch.float64)[None, :]
    W1 = 0.01 * torch.sin(h + 2 * j)
    b1 = torch.zeros(nh)
    W2 = 0.01 * torch.cos(torch.arange(nh, dtype=torch.float64))
    b2 = torch.zeros(())
    return X4, t, [W1, b1, W2, b2]


def mlp_loss(X4, t, W1, b1, W2, b2):
    # y = W2·tanh(W1·x + b1) + b2, loss = mean (y − t)²
    y = torch.tanh(X4 @ W1.T + b1) @ W2 + b2
    return ((y - t) ** 2).mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--json", default=None)
    ap.add_argument("--quick", action="store_true", help="short timings, for trying the script")
    args = ap.parse_args()
    warm, meas, rounds = (0.2, 0.3, 2) if args.quick else (1.0, 1.0, 5)

    x1 = rosenbrock_point(10_000)
    x100 = rosenbrock_point(100)
    X, s, w0 = w2_data()
    X4, t, mlp0 = w3_data(X)

    # values, so both sides can be seen to compute the same workload
    xg = x100.clone().requires_grad_(True)
    values = {
        "W1 f(x), n=10000": rosenbrock(x1).item(),
        "W2 loss(w0)": torch.nn.functional.softplus(s * (X @ w0)).mean().item(),
        "W3 loss(w0)": mlp_loss(X4, t, *mlp0).item(),
        "W4 trace(H), n=100": torch.autograd.functional.hessian(rosenbrock, x100).trace().item(),
    }

    results = {"torch": torch.__version__, "values": values, "runs": []}
    for nt in args.threads:
        torch.set_num_threads(nt)
        r = {"threads": nt, "us": {}}

        def rec(name, fn):
            wall, cpu, walls, cpus = timeit(fn, warm, meas, rounds)
            r["us"][name] = {"wall": wall, "cpu": cpu, "walls": walls, "cpus": cpus}
            print(f"threads={nt} {name:28s} wall {wall:12.2f} us  cpu {cpu:12.2f} us", flush=True)

        # W1, vectorised, n = 10,000
        def w1_primal():
            with torch.no_grad():
                return rosenbrock(x1).item()

        xr = x1.clone().requires_grad_(True)

        def w1_grad():
            return torch.autograd.grad(rosenbrock(xr), xr)[0]

        rec("W1.primal", w1_primal)
        rec("W1.gradient", w1_grad)

        # W2 logistic regression
        wr = w0.clone().requires_grad_(True)

        def w2_primal():
            with torch.no_grad():
                return torch.nn.functional.softplus(s * (X @ w0)).mean().item()

        def w2_grad():
            loss = torch.nn.functional.softplus(s * (X @ wr)).mean()
            return torch.autograd.grad(loss, wr)[0]

        rec("W2.primal", w2_primal)
        rec("W2.gradient", w2_grad)

        # W3 MLP, gradient w.r.t. all weights
        pr = [p.clone().requires_grad_(True) for p in mlp0]

        def w3_primal():
            with torch.no_grad():
                return mlp_loss(X4, t, *mlp0).item()

        def w3_grad():
            return torch.autograd.grad(mlp_loss(X4, t, *pr), pr)

        rec("W3.primal", w3_primal)
        rec("W3.gradient", w3_grad)

        # W4 Hessian n = 100 vs one gradient
        x4 = x100.clone().requires_grad_(True)

        def w4_grad():
            return torch.autograd.grad(rosenbrock(x4), x4)[0]

        def w4_hess():
            return torch.autograd.functional.hessian(rosenbrock, x100)

        def w4_hess_vec():
            return torch.autograd.functional.hessian(rosenbrock, x100, vectorize=True)

        rec("W4.gradient100", w4_grad)
        rec("W4.hessian100", w4_hess)
        try:
            import warnings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rec("W4.hessian100.vectorize", w4_hess_vec)
        except Exception as e:  # vmap is experimental in 1.13
            print(f"threads={nt} W4.hessian100.vectorize failed: {e}", file=sys.stderr)
        results["runs"].append(r)

    print("values:", json.dumps(values))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
