#!/usr/bin/python3
"""The gradbench workloads of issue 20 in PyTorch, float64, on the inputs the Java side uses.

The inputs come from the same 64-bit linear congruential generator as
bench/src/main/java/dev/wengert/bench/GradbenchData.java (exact integer arithmetic, so the
same doubles); the functions are written as gradbench's PyTorch tool writes them (primal
under no_grad; gradients by torch.autograd.functional.vjp, kmeans' Hessian-vector product by
vhp, and the Jacobians of ba and ht row by row as gradbench's torch_jacobian does) or, for the
workloads that tool lacks (llsq, det, ode), as a PyTorch user would.

For each workload: the mean time per call of the objective and of the derivative (warm), and
a cold run: a fresh setup, then 150 derivative calls timed one by one (median and slowest).

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/gradbench_torch.py \
        --threads 1 --json torch-gradbench.json [--quick] [--only lse,llsq]
"""
import argparse
import json
import math
import statistics
import sys
import time

import torch
from torch.autograd.functional import vhp, vjp

torch.set_default_dtype(torch.float64)
M64 = (1 << 64) - 1


class Data:
    """GradbenchData: s <- s*6364136223846793005 + 1442695040888963407 mod 2^64; top 53 bits / 2^53."""

    def __init__(self, seed):
        self.s = seed & M64
        self.next()

    def next(self):
        self.s = (self.s * 6364136223846793005 + 1442695040888963407) & M64
        return (self.s >> 11) * 2.0 ** -53

    def uniform(self, n, lo=0.0, hi=1.0):
        return [lo + (hi - lo) * self.next() for _ in range(n)]


def t(values, *shape):
    x = torch.tensor(values, dtype=torch.float64)
    return x.reshape(shape) if shape else x


# ---- lse ------------------------------------------------------------------------------------------

def lse_setup():
    x = t(Data(1).uniform(10_000, -1, 1))

    def f(x):
        m = torch.max(x)
        return m + torch.log(torch.sum(torch.exp(x - m)))

    return dict(objective=lambda: f(x), derivative=lambda: vjp(f, x, v=torch.tensor(1.0))[1],
                value=lambda: f(x).item())


# ---- llsq -----------------------------------------------------------------------------------------

def llsq_setup():
    n, m = 1024, 128
    x = t(Data(2).uniform(m))
    ti = torch.tensor([-1 + i * 2.0 / (n - 1) for i in range(n)])
    T = torch.stack([ti ** j for j in range(m)], dim=1)
    s = torch.sign(ti)

    def f(x):
        return ((s - T @ x) ** 2).sum() / 2

    return dict(objective=lambda: f(x), derivative=lambda: vjp(f, x, v=torch.tensor(1.0))[1],
                value=lambda: f(x).item())


# ---- det by minors (gradbench's recursion), and by LU ----------------------------------------------

def det_of_minor(a, n, m, r, c):
    r0 = r[n]
    cj = c[n]
    if m == 1:
        return a[r0 * n + cj]
    det_m = torch.tensor(0.0)
    sign = 1
    r[n] = r[r0]
    cj1 = n
    for _ in range(m):
        m0j = a[r0 * n + cj]
        c[cj1] = c[cj]
        det_s = det_of_minor(a, n, m - 1, r, c)
        c[cj1] = cj
        det_m = det_m + m0j * det_s if sign > 0 else det_m - m0j * det_s
        cj1 = cj
        cj = c[cj]
        sign = -sign
    r[n] = r0
    return det_m


def det_minors(a):
    ell = int(round(math.sqrt(a.shape[0])))
    r = [i + 1 for i in range(ell)] + [0]
    c = [i + 1 for i in range(ell)] + [0]
    return det_of_minor(a, ell, ell, r, c)


def det_setup(lu):
    ell = 8
    a = t(Data(3).uniform(ell * ell))
    f = (lambda a: torch.linalg.det(a.reshape(ell, ell))) if lu else det_minors
    return dict(objective=lambda: f(a), derivative=lambda: vjp(f, a, v=torch.tensor(1.0))[1],
                value=lambda: f(a).item())


# ---- ode ------------------------------------------------------------------------------------------

def ode_setup():
    n, steps = 1000, 10
    x = t(Data(4).uniform(n))
    h = 2.0 / steps

    def fun(x, y):
        return x * torch.cat((torch.ones(1), y[:-1]))

    def primal(x):
        yf = torch.zeros(n)
        for _ in range(steps):
            k1 = fun(x, yf)
            k2 = fun(x, yf + h * k1 / 2)
            k3 = fun(x, yf + h * k2 / 2)
            k4 = fun(x, yf + h * k3)
            yf = yf + h * (k1 + 2 * k2 + 2 * k3 + k4) / 6
        return yf

    return dict(objective=lambda: primal(x), derivative=lambda: vjp(lambda v: primal(v).sum(), x, v=torch.tensor(1.0))[1],
                value=lambda: primal(x).sum().item())


# ---- kmeans ---------------------------------------------------------------------------------------

def kmeans_setup():
    k, n, d = 10, 1000, 8
    points = t(Data(5).uniform(n * d), n, d)
    centroids = points[-k:].clone()

    def cost(points, centers):
        a_sqr = (points ** 2).sum(1)[None, :]
        b_sqr = (centers ** 2).sum(1)[:, None]
        diff = torch.matmul(centers, points.T)
        return torch.min(a_sqr + b_sqr - 2 * diff, dim=0)[0].sum()

    def direction():
        f = lambda c: cost(points, c)
        _, jac = vjp(f, centroids, v=torch.tensor(1.0))
        _, hes = vhp(f, centroids, v=torch.ones_like(centroids))
        return jac / hes

    return dict(objective=lambda: cost(points, centroids), derivative=direction,
                value=lambda: cost(points, centroids).item())


# ---- gmm ------------------------------------------------------------------------------------------

def gmm_setup():
    d, k, n = 10, 5, 1000
    icf_sz = d * (d + 1) // 2
    r = Data(6)
    alphas = t(r.uniform(k))
    means = t(r.uniform(k * d), k, d)
    icf = t(r.uniform(k * icf_sz), k, icf_sz)
    x = t(r.uniform(n * d), n, d)
    gamma, m = 1.0, 0

    def log_wishart_prior(p, sum_qs, qdiags, icf):
        n_ = p + m + 1
        out = torch.sum(0.5 * gamma * gamma * (torch.sum(qdiags ** 2, dim=1) + torch.sum(icf[:, p:] ** 2, dim=1))
                        - m * sum_qs)
        c = n_ * p * (math.log(gamma / math.sqrt(2)))
        return out - k * (c - torch.special.multigammaln(torch.tensor(0.5 * n_), p))

    # the strictly lower triangle of each component's factor, its parameters column by column
    rows, cols = [], []
    for col in range(d):
        for row in range(col + 1, d):
            rows.append(row)
            cols.append(col)
    rows, cols = torch.tensor(rows), torch.tensor(cols)

    def gmm(alphas, means, icf):
        qdiags = torch.exp(icf[:, :d])
        sum_qs = torch.sum(icf[:, :d], 1)
        ls = torch.zeros(k, d, d)
        ls = ls.index_put((torch.arange(k)[:, None], rows[None, :], cols[None, :]), icf[:, d:])
        xcentered = x[:, None, :] - means[None, ...]
        lx = qdiags * xcentered + torch.einsum("ijk,mik->mij", ls, xcentered)
        sq = torch.sum(lx ** 2, 2)
        inner = alphas + sum_qs - 0.5 * sq
        slse = torch.sum(torch.logsumexp(inner, 1))
        const = -n * d * 0.5 * math.log(2 * math.pi)
        return const + slse - n * torch.logsumexp(alphas, 0) + log_wishart_prior(d, sum_qs, qdiags, icf)

    inputs = (alphas, means, icf)
    return dict(objective=lambda: gmm(*inputs), derivative=lambda: vjp(gmm, inputs, v=torch.tensor(1.0))[1],
                value=lambda: gmm(*inputs).item())


# ---- ba -------------------------------------------------------------------------------------------

def ba_setup():
    n, mpts, p = 10, 100, 1000
    r = Data(8)
    cam = [0.1 * r.next() for _ in range(3)] + [r.next() for _ in range(3)] + [1 + r.next(), r.next(), r.next(),
                                                                                 0.01 * r.next(), 0.01 * r.next()]
    r = Data(9)
    pt = [r.next(), r.next(), 5 + r.next()]
    r = Data(10)
    w0 = 0.5 + r.next()
    f0 = [r.next(), r.next()]
    cams = tuple(torch.tensor(cam, requires_grad=True) for _ in range(n))
    xs = tuple(torch.tensor(pt, requires_grad=True) for _ in range(mpts))
    ws = tuple(torch.tensor(w0, requires_grad=True) for _ in range(p))
    feats = torch.tensor([f0] * p)
    obs = [(j % n, j % mpts) for j in range(p)]

    def rodrigues(rot, x):
        sqtheta = torch.sum(rot ** 2)
        if sqtheta != 0.0:
            theta = torch.sqrt(sqtheta)
            costheta = torch.cos(theta)
            sintheta = torch.sin(theta)
            w = rot / theta
            return x * costheta + torch.linalg.cross(w, x) * sintheta + w * (torch.dot(w, x) * (1.0 - costheta))
        return x + torch.linalg.cross(rot, x)

    def project(cam, x):
        xcam = rodrigues(cam[0:3], x - cam[3:6])
        proj = xcam[0:2] / xcam[2]
        rsq = torch.sum(proj ** 2)
        distorted = proj * (1.0 + cam[9] * rsq + cam[10] * rsq * rsq)
        return distorted * cam[6] + cam[7:9]

    def reproj(cam, x, w, feat):
        return w * (project(cam, x) - feat)

    def w_err(w):
        return 1.0 - w ** 2

    def objective():
        with torch.no_grad():
            errs = torch.empty((p, 2))
            werr = torch.empty(p)
            for j in range(p):
                c, i = obs[j]
                errs[j] = reproj(cams[c], xs[i], ws[j], feats[j])
                werr[j] = w_err(ws[j])
        return errs, werr

    def rows(out, inputs):
        jac = []
        for item in out:
            for inp in inputs:
                inp.grad = None
            item.backward(retain_graph=True)
            jac.append(torch.cat([inp.grad.flatten() if inp.dim() > 0 else inp.grad.view(1) for inp in inputs]))
        return torch.stack(jac)

    def jacobian():
        vals = []
        for j in range(p):
            c, i = obs[j]
            inputs = (cams[c], xs[i], ws[j])
            vals.append(rows(reproj(cams[c], xs[i], ws[j], feats[j]), inputs))
        for j in range(p):
            vals.append(rows(w_err(ws[j]).view(1), (ws[j],)))
        return vals

    return dict(objective=objective, derivative=jacobian, value=lambda: objective()[0][0, 0].item())


# ---- ht -------------------------------------------------------------------------------------------

def ht_setup():
    bones, nv, npts, ntheta = 22, 544, 100, 26
    r = Data(12)
    theta = [0.1 * (2 * r.next() - 1) for _ in range(3)] + [r.next() for _ in range(3)] + \
        [0.3 * r.next() for _ in range(ntheta - 6)]
    parents = [-1, 0] + [1 if k == 0 else 2 + 4 * f + k - 1 for f in range(5) for k in range(4)]
    base_rel = []
    for _ in range(bones):
        angle = 0.2 * (2 * r.next() - 1)
        tx, ty, tz = 0.5 * r.next(), 0.5 * r.next(), 0.5 * r.next()
        co, si = math.cos(angle), math.sin(angle)
        base_rel.append([[co, -si, 0, tx], [si, co, 0, ty], [0, 0, 1, tz], [0, 0, 0, 1]])
    inv_base_abs = []
    for _ in range(bones):
        ax, ay, az = r.next(), r.next(), r.next()
        inv_base_abs.append([[1, 0, 0, -ax], [0, 1, 0, -ay], [0, 0, 1, -az], [0, 0, 0, 1]])
    base_pos = []
    for _ in range(nv):
        base_pos.append([r.next(), r.next(), r.next(), 1.0])
    weights = [[0.0] * bones for _ in range(nv)]
    for v in range(nv):
        b1 = math.floor(bones * r.next())
        b2 = math.floor(bones * r.next())
        w = r.next()
        weights[v][b1] += w
        weights[v][b2] += 1 - w
    points = [[r.next(), r.next(), r.next()] for _ in range(npts)]
    corr = [math.floor(nv * r.next()) for _ in range(npts)]

    base_rel = torch.tensor(base_rel)
    inv_base_abs = torch.tensor(inv_base_abs)
    base_pos = torch.tensor(base_pos)
    weights = torch.tensor(weights)
    points = torch.tensor(points)
    params = torch.tensor(theta, requires_grad=True)

    def to_pose_params(theta):
        pose = torch.zeros((bones + 3, 3))
        pose[0, :] = theta[0:3]
        pose[1, :] = torch.ones((3,))
        pose[2, :] = theta[3:6]
        it, ip = 6, 5
        for _ in range(5):
            for i in (1, 2, 3):
                pose[ip, 0] = theta[it]
                it += 1
                if i == 1:
                    pose[ip, 1] = theta[it]
                    it += 1
                ip += 1
            ip += 1
        return pose

    def euler(xzy):
        tx, ty, tz = xzy[0], xzy[2], xzy[1]
        rx = torch.eye(3)
        rx[1, 1] = torch.cos(tx)
        rx[2, 1] = torch.sin(tx)
        rx[1, 2] = -rx[2, 1]
        rx[2, 2] = rx[1, 1]
        ry = torch.eye(3)
        ry[0, 0] = torch.cos(ty)
        ry[2, 0] = torch.sin(ty)
        ry[0, 2] = -ry[2, 0]
        ry[2, 2] = ry[0, 0]
        rz = torch.eye(3)
        rz[0, 0] = torch.cos(tz)
        rz[1, 0] = torch.sin(tz)
        rz[0, 1] = -rz[1, 0]
        rz[1, 1] = rz[0, 0]
        return (rz @ ry) @ rx

    def angle_axis(aa):
        n = torch.sqrt(torch.sum(aa ** 2))
        if n < 0.0001:
            return torch.eye(3)
        x, y, z = aa / n
        s, c = torch.sin(n), torch.cos(n)
        rm = torch.zeros((3, 3))
        rm[0, 0] = x * x + (1 - x * x) * c
        rm[0, 1] = x * y * (1 - c) - z * s
        rm[0, 2] = x * z * (1 - c) + y * s
        rm[1, 0] = x * y * (1 - c) + z * s
        rm[1, 1] = y * y + (1 - y * y) * c
        rm[1, 2] = y * z * (1 - c) - x * s
        rm[2, 0] = x * z * (1 - c) - y * s
        rm[2, 1] = z * y * (1 - c) + x * s
        rm[2, 2] = z * z + (1 - z * z) * c
        return rm

    def objective(theta):
        pose = to_pose_params(theta)
        rel = []
        for i in range(bones):
            tr = torch.eye(4)
            tr[:3, :3] = euler(pose[3 + i])
            rel.append(base_rel[i] @ tr)
        absolutes = []
        for i in range(bones):
            absolutes.append(rel[i] if parents[i] == -1 else absolutes[parents[i]] @ rel[i])
        transforms = torch.stack([absolutes[i] @ inv_base_abs[i] for i in range(bones)])
        positions = torch.stack([transforms[i] @ base_pos.T for i in range(bones)]).transpose(0, 2).transpose(1, 2)
        positions2 = torch.sum(positions * weights.reshape(weights.shape + (1,)), 1)[:, :3]
        rm = angle_axis(pose[0]) * pose[1]
        placed = torch.transpose(rm @ torch.transpose(positions2, 0, 1), 0, 1) + pose[2]
        return torch.stack([points[i] - placed[corr[i]] for i in range(npts)])

    def jacobian():
        out = objective(params)
        jac = []
        for item in out.flatten():
            params.grad = None
            item.backward(retain_graph=True)
            jac.append(params.grad.clone())
        return torch.stack(jac)

    def primal():
        with torch.no_grad():
            return objective(params)

    return dict(objective=primal, derivative=jacobian, value=lambda: primal()[0, 0].item())


# ---- lstm -----------------------------------------------------------------------------------------

def lstm_setup():
    l, c, b = 2, 1024, 14
    r = Data(11)
    main = t(r.uniform(2 * l * 4 * b), 2 * l, 4 * b)
    extra = t(r.uniform(3 * b), 3, b)
    state = t(r.uniform(2 * l * b), 2 * l, b)
    sequence = t(r.uniform(c * b), c, b)

    def cell(weight, bias, hidden, cellstate, inp):
        gates = torch.cat((inp, hidden, inp, hidden)) * weight + bias
        forget = torch.sigmoid(gates[0:b])
        ingate = torch.sigmoid(gates[b:2 * b])
        outgate = torch.sigmoid(gates[2 * b:3 * b])
        change = torch.tanh(gates[3 * b:])
        cellstate = cellstate * forget + ingate * change
        return outgate * torch.tanh(cellstate), cellstate

    def predict(w, w2, s, x):
        s2 = s.clone()
        x = x * w2[0]
        for i in range(0, len(s), 2):
            s2[i], s2[i + 1] = cell(w[i], w[i + 1], s[i], s[i + 1], x)
            x = s2[i]
        return x * w2[1] + w2[2], s2

    def loss(main, extra):
        total = 0.0
        count = 0
        inp = sequence[0]
        s = state
        for step in range(c - 1):
            ypred, s = predict(main, extra, s, inp)
            ynorm = ypred - torch.log(sum(torch.exp(ypred), 2))
            gold = sequence[step + 1]
            total = total + sum(gold * ynorm)
            count += b
            inp = gold
        return -total / count

    inputs = (main, extra)
    return dict(objective=lambda: loss(*inputs), derivative=lambda: vjp(loss, inputs, v=torch.tensor(1.0))[1],
                value=lambda: loss(*inputs).item())


WORKLOADS = {
    "lse": lse_setup,
    "llsq": llsq_setup,
    "det.minors": lambda: det_setup(False),
    "det.lu": lambda: det_setup(True),
    "ode": ode_setup,
    "kmeans": kmeans_setup,
    "gmm": gmm_setup,
    "ba": ba_setup,
    "ht": ht_setup,
    "lstm": lstm_setup,
}


def mean_time(fn, warm_s, measure_s, rounds, min_calls):
    """Mean µs per call (wall, CPU) over rounds of >= measure_s and >= min_calls calls, after warm_s of warm-up."""
    end = time.perf_counter() + warm_s
    calls = 0
    while time.perf_counter() < end or calls < min_calls:
        fn()
        calls += 1
    walls, cpus = [], []
    for _ in range(rounds):
        n = 0
        t0, c0 = time.perf_counter(), time.process_time()
        end = t0 + measure_s
        while True:
            fn()
            n += 1
            t1 = time.perf_counter()
            if t1 >= end and n >= min_calls:
                break
        c1 = time.process_time()
        walls.append((t1 - t0) / n * 1e6)
        cpus.append((c1 - c0) / n * 1e6)
    return statistics.mean(walls), statistics.mean(cpus)


def warm_calls(args):
    """Issue 20's warm-call spread on PyTorch's side, as GradbenchWarmCallsBench times ours: a fresh
    setup, 200 untimed derivative calls, then args.warm_calls calls timed one by one (wall, µs).
    PyTorch's derivatives of det.minors, ba, ht and lstm take about a second each, so each phase
    also stops after 30 s (with at least 20 timed calls); the JSON says how many were timed."""
    names = args.only.split(",") if args.only else list(WORKLOADS)
    result = {"torch": torch.__version__, "threads": args.threads, "workloads": {}}
    for name in names:
        w = WORKLOADS[name]()
        stop = time.perf_counter() + 30
        for _ in range(200):
            w["derivative"]()
            if time.perf_counter() > stop:
                break
        calls = []
        stop = time.perf_counter() + 30
        for _ in range(args.warm_calls):
            t0 = time.perf_counter()
            w["derivative"]()
            calls.append((time.perf_counter() - t0) * 1e6)
            if t0 > stop and len(calls) >= 20:
                break
        result["workloads"][name] = {"warm_calls_us": calls}
        med = statistics.median(calls)
        print(f"{name:12s} median {med:10.1f} us  slowest {max(calls):10.1f} us  "
              f"over 2x median {sum(1 for c in calls if c > 2 * med)}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", default=None)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default=None, help="comma-separated workload names")
    ap.add_argument("--cold-calls", type=int, default=150)
    ap.add_argument("--warm-calls", type=int, default=0,
                    help="only time this many derivative calls one by one, after 200 untimed (warm_calls.sh)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.warm_calls:
        return warm_calls(args)
    # --quick: one round, a call at least, 5 cold calls or 10 s of them (ht's and det's derivatives take seconds)
    warm, meas, rounds = (0.2, 0.3, 1) if args.quick else (1.0, 1.0, 5)
    names = args.only.split(",") if args.only else list(WORKLOADS)
    result = {"torch": torch.__version__, "threads": args.threads, "workloads": {}}
    for name in names:
        w = WORKLOADS[name]()
        value = w["value"]()
        print(f"value {name:14s} {value:.15g}", flush=True)

        def objective():
            with torch.no_grad():
                return w["objective"]()

        slow = name in ("ba", "ht", "det.minors", "lstm") and not args.quick
        obj = mean_time(objective, warm, meas, rounds, 3 if slow else 1)
        der = mean_time(w["derivative"], warm, meas, rounds, 3 if slow else 1)
        # cold: a fresh setup, then every derivative call timed
        fresh = WORKLOADS[name]()
        cold = []
        # at most a minute of calls (ba's Jacobian takes seconds); --quick: 10 s and at least 3 calls
        stop = time.perf_counter() + (10 if args.quick else 60)
        for _ in range(args.cold_calls if not args.quick else 5):
            t0 = time.perf_counter()
            fresh["derivative"]()
            cold.append((time.perf_counter() - t0) * 1e6)
            if t0 > stop and len(cold) >= (3 if args.quick else 10):
                break
        rec = {"value": value, "objective_us": obj[0], "objective_cpu_us": obj[1], "derivative_us": der[0],
               "derivative_cpu_us": der[1], "cold_us": cold}
        result["workloads"][name] = rec
        print(f"{name:12s} objective {obj[0]:12.1f} us  derivative {der[0]:12.1f} us  ratio {der[0] / obj[0]:7.2f}  "
              f"cold median {statistics.median(cold):10.1f} max {max(cold):10.1f} us", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
