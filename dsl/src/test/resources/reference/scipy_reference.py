#!/usr/bin/python3
"""Reference values from scipy and lmfit for dev.wengert.fit's tests (ReferenceFitsTest).

Run from this folder, after nls_reference.R (it reads puromycin.csv and dnase1.csv):

    /usr/bin/python3 scipy_reference.py

It uses Debian's python3-scipy, python3-numpy and python3-lmfit (the versions are written into
the output). It writes the generated data sets (outliers.csv, decay-sigma.csv, peaks.csv) and
scipy.properties. Every least_squares call gets the analytic Jacobian and tolerances at
machine precision, so its optimum is good to about 10 digits.
"""
import csv
import math

import lmfit
import numpy as np
import scipy
from scipy.optimize import curve_fit, least_squares

OUT = []


def put(key, value):
    OUT.append("%s = %r" % (key, float(value)))


def read(name):
    with open(name) as f:
        rows = list(csv.reader(f))
    head = [h.strip('"') for h in rows[0]]
    cols = {h: np.array([float(r[i]) for r in rows[1:]]) for i, h in enumerate(head)}
    return cols


def write(name, cols):
    keys = list(cols)
    with open(name, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(keys)
        for i in range(len(cols[keys[0]])):
            w.writerow([repr(float(cols[k][i])) for k in keys])


TIGHT = dict(ftol=1e-15, xtol=1e-15, gtol=1e-15, max_nfev=100000)


def lsq(fun, jac, x0, method="trf", **kw):
    opts = dict(TIGHT)
    opts.update(kw)
    r = least_squares(fun, x0, jac=jac, method=method, **opts)
    assert r.success, r.message
    return r


def put_fit(prefix, names, r, held=()):
    """Estimates, cost, and the standard errors our convention gives: the parameters on a bound
    are held there (no standard error), the others' covariance is s²·(JᵀJ)⁻¹ over their columns,
    s² = 2·cost/(n − p) with p every parameter that is not fixed."""
    for n, v in zip(names, r.x):
        put("%s.%s.estimate" % (prefix, n), v)
    put(prefix + ".cost", r.cost)
    active = [i for i, a in enumerate(r.active_mask) if a != 0]
    put(prefix + ".gradient", np.max(np.abs(r.grad)))
    put(prefix + ".active", len(active))
    for i in active:
        put("%s.%s.active" % (prefix, names[i]), r.active_mask[i])


def se_held(J, cost, n, p, free_cols):
    Jf = J[:, free_cols]
    cov = np.linalg.inv(Jf.T @ Jf) * (2 * cost / (n - p))
    return np.sqrt(np.diag(cov))


# ---- bounds: Michaelis–Menten on Puromycin ----------------------------------------------------
puro = read("puromycin.csv")
s, v = puro["conc"], puro["rate"]


def mm_res(b):
    return b[0] * s / (b[1] + s) - v


def mm_jac(b):
    return np.column_stack([s / (b[1] + s), -b[0] * s / (b[1] + s) ** 2])


# the poor start of the issue: unbounded, LM runs to K = −0.49 (a pole); bounded, to the optimum
r = lsq(mm_res, mm_jac, [10, 0.1], bounds=([0, 0], [np.inf, np.inf]))
put_fit("mm.poor", ["Vm", "K"], r)
# K held below its optimum: the upper bound is active
r = lsq(mm_res, mm_jac, [100, 0.01], bounds=([0, 0], [np.inf, 0.05]))
put_fit("mm.Kupper", ["Vm", "K"], r)
J = mm_jac(r.x)
put("mm.Kupper.Vm.se", se_held(J, r.cost, len(s), 2, [0])[0])

# ---- bounds: the DNase logistic with scal ≥ 1.1 (its optimum is 1.04) ---------------------------
dn = read("dnase1.csv")
lc, dens = np.log(dn["conc"]), dn["density"]


def lg_res(b):
    return b[0] / (1 + np.exp((b[1] - lc) / b[2])) - dens


def lg_jac(b):
    e = np.exp((b[1] - lc) / b[2])
    d = 1 + e
    return np.column_stack([1 / d, -b[0] * e / (b[2] * d ** 2), b[0] * e * (b[1] - lc) / (b[2] ** 2 * d ** 2)])


r = lsq(lg_res, lg_jac, [2, 1.5, 1.2], bounds=([0, -np.inf, 1.1], [np.inf, np.inf, np.inf]))
put_fit("dnase.scalLower", ["Asym", "xmid", "scal"], r)
J = lg_jac(r.x)
se = se_held(J, r.cost, len(lc), 3, [0, 1])
put("dnase.scalLower.Asym.se", se[0])
put("dnase.scalLower.xmid.se", se[1])

# ---- robust losses: a decay with outliers ------------------------------------------------------
rng = np.random.RandomState(20240521)
t = np.linspace(0, 10, 41)
clean = 3 * np.exp(-0.4 * t) + 0.5 + rng.normal(scale=0.05, size=t.size)
y = clean.copy()
for i, jump in ((3, 1.5), (11, -1.2), (20, 2.0), (33, 1.0), (38, -0.8)):
    y[i] += jump
write("outliers.csv", {"t": t, "y": y})


def dec(b, t):
    return b[0] * np.exp(-b[1] * t) + b[2]


def dec_res(b):
    return dec(b, t) - y


def dec_jac(b):
    e = np.exp(-b[1] * t)
    return np.column_stack([e, -b[0] * t * e, np.ones_like(t)])


for loss in ("linear", "soft_l1", "huber", "cauchy", "arctan"):
    # trf stops about 1e-8 short on the least-squares problem (its xtol test); MINPACK's lm,
    # which only takes the linear loss, goes to the end
    method = "lm" if loss == "linear" else "trf"
    r = lsq(dec_res, dec_jac, [1, 0.1, 0], method=method, loss=loss, f_scale=0.1)
    put_fit("robust." + loss, ["a", "k", "c"], r)
    # curve_fit's covariance for the same fit (its pcov from least_squares' scaled Jacobian)
    robust = {} if loss == "linear" else dict(loss=loss, f_scale=0.1, **TIGHT)
    popt, pcov = curve_fit(lambda tt, a, k, c: a * np.exp(-k * tt) + c, t, y, p0=[1, 0.1, 0],
                           jac=lambda tt, a, k, c: dec_jac([a, k, c]), method=method,
                           **(robust or dict(ftol=1e-15, xtol=1e-15, gtol=1e-15)))
    for n, e in zip(["a", "k", "c"], np.sqrt(np.diag(pcov))):
        put("robust.%s.%s.se" % (loss, n), e)
    put("robust.%s.maxdiff" % loss, np.max(np.abs(popt - r.x)))

# a robust loss inside bounds: c ≥ 0.6 (its robust optimum is about 0.5)
r = lsq(dec_res, dec_jac, [1, 0.1, 0.7], loss="soft_l1", f_scale=0.1,
        bounds=([-np.inf, -np.inf, 0.6], [np.inf, np.inf, np.inf]))
put_fit("robust.bounded", ["a", "k", "c"], r)

# ---- absolute sigma: a decay with a known standard deviation per row ---------------------------
rng = np.random.RandomState(7)
x = np.linspace(0.5, 8, 16)
sd = 0.02 + 0.03 * x
yy = 5 * np.exp(-0.3 * x) + rng.normal(scale=sd)
write("decay-sigma.csv", {"x": x, "y": yy, "sd": sd})
for absolute in (True, False):
    popt, pcov = curve_fit(lambda xx, a, k: a * np.exp(-k * xx), x, yy, p0=[4, 0.2], sigma=sd,
                           absolute_sigma=absolute,
                           jac=lambda xx, a, k: np.column_stack([np.exp(-k * xx), -a * xx * np.exp(-k * xx)]),
                           method="trf", **TIGHT)
    key = "sigma.absolute" if absolute else "sigma.relative"
    for n, v_, e in zip(["a", "k"], popt, np.sqrt(np.diag(pcov))):
        put("%s.%s.estimate" % (key, n), v_)
        put("%s.%s.se" % (key, n), e)

# ---- a global fit: lmfit's example of five Gaussian peaks sharing their width ------------------
# examples/example_fit_multi_datasets.py of lmfit: the same data (seed 2021), parameters and bounds


def gauss(xx, amp, cen, sig):
    return amp * np.exp(-(xx - cen) ** 2 / (2 * sig ** 2))


np.random.seed(2021)
xg = np.linspace(-1, 2, 151)
data = []
for _ in np.arange(5):
    amp = 0.60 + 9.50 * np.random.rand()
    cen = -0.20 + 1.20 * np.random.rand()
    sig = 0.25 + 0.03 * np.random.rand()
    dat = gauss(xg, amp, cen, sig) + np.random.normal(size=xg.size, scale=0.1)
    data.append(dat)
data = np.array(data)
write("peaks.csv", dict([("x", xg)] + [("y%d" % (i + 1), data[i]) for i in range(5)]))

params = lmfit.Parameters()
for iy in range(1, 6):
    params.add("amp_%i" % iy, value=0.5, min=0.0, max=200)
    params.add("cen_%i" % iy, value=0.4, min=-2.0, max=2.0)
    params.add("sig_%i" % iy, value=0.3, min=0.01, max=3.0)
for iy in (2, 3, 4, 5):
    params["sig_%i" % iy].expr = "sig_1"


def objective(pars, xx, dd):
    resid = 0.0 * dd[:]
    for i in range(5):
        resid[i, :] = dd[i, :] - gauss(xx, pars["amp_%i" % (i + 1)], pars["cen_%i" % (i + 1)], pars["sig_1"])
    return resid.flatten()


out = lmfit.minimize(objective, params, args=(xg, data), xtol=1e-15, ftol=1e-15)
names = ["amp_%i" % i for i in range(1, 6)] + ["cen_%i" % i for i in range(1, 6)] + ["sig_1"]
for n in names:
    put("lmfit.%s.estimate" % n, out.params[n].value)
    put("lmfit.%s.se" % n, out.params[n].stderr)
put("lmfit.chisqr", out.chisqr)
put("lmfit.nfree", out.nfree)


# the same global fit with scipy and the analytic Jacobian: the sharp reference
def glob_res(b):
    amps, cens, sg = b[0:5], b[5:10], b[10]
    return np.concatenate([gauss(xg, amps[i], cens[i], sg) - data[i] for i in range(5)])


def glob_jac(b):
    amps, cens, sg = b[0:5], b[5:10], b[10]
    J = np.zeros((5 * xg.size, 11))
    for i in range(5):
        g = gauss(xg, 1, cens[i], sg)
        rows = slice(i * xg.size, (i + 1) * xg.size)
        J[rows, i] = g
        J[rows, 5 + i] = amps[i] * g * (xg - cens[i]) / sg ** 2
        J[rows, 10] = amps[i] * g * (xg - cens[i]) ** 2 / sg ** 3
    return J


r = lsq(glob_res, glob_jac, [0.5] * 5 + [0.4] * 5 + [0.3])
J = glob_jac(r.x)
se = np.sqrt(np.diag(np.linalg.inv(J.T @ J) * (2 * r.cost / (J.shape[0] - 11))))
for n, v_, e in zip(names, r.x, se):
    put("global.%s.estimate" % n, v_)
    put("global.%s.se" % n, e)
put("global.cost", r.cost)

# ---- ODE models: A → B → C, and Lotka–Volterra ------------------------------------------------
from scipy.integrate import solve_ivp

rng = np.random.RandomState(11)
tc = np.linspace(0.25, 8, 32)


def chain_b(tt, k1, k2):
    # B(t) of A → B → C from A = 1: k1/(k2 − k1)·(e^(−k1 t) − e^(−k2 t))
    return k1 / (k2 - k1) * (np.exp(-k1 * tt) - np.exp(-k2 * tt))


def chain_c(tt, k1, k2):
    return 1 - np.exp(-k1 * tt) - chain_b(tt, k1, k2)


b_obs = chain_b(tc, 0.9, 0.35) + rng.normal(scale=0.01, size=tc.size)
c_obs = chain_c(tc, 0.9, 0.35) + rng.normal(scale=0.01, size=tc.size)
write("chain.csv", {"t": tc, "B": b_obs, "C": c_obs})


def chain_b_jac(tt, k1, k2):
    e1, e2 = np.exp(-k1 * tt), np.exp(-k2 * tt)
    d = k2 - k1
    db1 = (k2 / d ** 2) * (e1 - e2) + k1 / d * (-tt * e1)
    db2 = (-k1 / d ** 2) * (e1 - e2) + k1 / d * (tt * e2)
    return np.column_stack([db1, db2])


popt, pcov = curve_fit(chain_b, tc, b_obs, p0=[1, 0.5], jac=chain_b_jac, method="lm",
                       ftol=1e-15, xtol=1e-15, gtol=1e-15)
for n, v_, e in zip(["k1", "k2"], popt, np.sqrt(np.diag(pcov))):
    put("chain.B.%s.estimate" % n, v_)
    put("chain.B.%s.se" % n, e)


def joint_res(k):
    return np.concatenate([chain_b(tc, *k) - b_obs, chain_c(tc, *k) - c_obs])


def joint_jac(k):
    jb = chain_b_jac(tc, *k)
    e1 = np.exp(-k[0] * tc)
    jc = -jb + np.column_stack([tc * e1, np.zeros_like(tc)])
    return np.vstack([jb, jc])


r = lsq(joint_res, joint_jac, [1, 0.5], method="lm")
J = joint_jac(r.x)
se = np.sqrt(np.diag(np.linalg.inv(J.T @ J) * (2 * r.cost / (J.shape[0] - 2))))
for n, v_, e in zip(["k1", "k2"], r.x, se):
    put("chain.BC.%s.estimate" % n, v_)
    put("chain.BC.%s.se" % n, e)

# Lotka–Volterra: x' = αx − βxy, y' = δxy − γy, from (x0, y0); all six fitted to both populations
rng = np.random.RandomState(5)
tl = np.linspace(0, 15, 31)
truth = [1.1, 0.4, 0.1, 0.4, 10.0, 5.0]


def lv(t_, z, a, b, d, g):
    x_, y_ = z
    return [a * x_ - b * x_ * y_, d * x_ * y_ - g * y_]


sol = solve_ivp(lv, (0, 15), truth[4:], t_eval=tl, args=tuple(truth[:4]), method="DOP853", rtol=1e-13, atol=1e-13)
prey = sol.y[0] + rng.normal(scale=0.4, size=tl.size)
pred = sol.y[1] + rng.normal(scale=0.4, size=tl.size)
write("lotka-volterra.csv", {"t": tl, "prey": prey, "predator": pred})


def lv_sens(t_, z, a, b, d, g):
    # the state, then ∂(x, y)/∂(α, β, δ, γ, x0, y0) by the sensitivity equations S' = f_y·S + f_p
    x_, y_ = z[0], z[1]
    S = z[2:].reshape(2, 6)
    fy = np.array([[a - b * y_, -b * x_], [d * y_, d * x_ - g]])
    fp = np.zeros((2, 6))
    fp[0, 0], fp[0, 1] = x_, -x_ * y_
    fp[1, 2], fp[1, 3] = x_ * y_, -y_
    return np.concatenate([lv(t_, [x_, y_], a, b, d, g), (fy @ S + fp).ravel()])


def lv_solve(q):
    s0 = np.zeros((2, 6))
    s0[0, 4] = 1
    s0[1, 5] = 1
    z0 = np.concatenate([q[4:], s0.ravel()])
    out = solve_ivp(lv_sens, (0, 15), z0, t_eval=tl, args=tuple(q[:4]), method="DOP853", rtol=1e-13, atol=1e-13)
    assert out.success
    return out.y


def lv_res(q):
    z = lv_solve(q)
    return np.concatenate([z[0] - prey, z[1] - pred])


def lv_jac(q):
    z = lv_solve(q)
    S = z[2:].reshape(2, 6, -1)
    return np.vstack([S[0].T, S[1].T])


r = lsq(lv_res, lv_jac, [1.0, 0.5, 0.12, 0.5, 9.0, 6.0], method="lm")
J = lv_jac(r.x)
se = np.sqrt(np.diag(np.linalg.inv(J.T @ J) * (2 * r.cost / (J.shape[0] - 6))))
for n, v_, e in zip(["alpha", "beta", "delta", "gamma", "x0", "y0"], r.x, se):
    put("lv.%s.estimate" % n, v_)
    put("lv.%s.se" % n, e)
put("lv.cost", r.cost)

header = [
    "# Written by scipy_reference.py; do not edit by hand.",
    "# Python %s, numpy %s, scipy %s, lmfit %s" % (
        ".".join(map(str, __import__("sys").version_info[:3])), np.__version__, scipy.__version__, lmfit.__version__),
]
with open("scipy.properties", "w") as f:
    f.write("\n".join(header + OUT) + "\n")
